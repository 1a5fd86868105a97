"""`import-* --write` change several codebook files (the source list, and the payer's statuses,
the payments or the CMS List policy): when writing any one of them fails, none of them changes
(issue 13, item 2; engine/tooling/atomic.py `atomic_files`). The failure is a full disk at one
file's folder (the temporary file cannot be created, or its rename fails), exit 2 with a message,
and no temporary file is left behind."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.tooling import atomic
from tests.annual.test_annual_cms_list import HEADER, OFFICE, body, write_csv
from tests.annual.test_annual_rvu import rows_of, set_status, write_rows

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "annual" / "fixtures" / "mini"
RVU = ROOT / "tests" / "data" / "PPRRVU2025_Oct-codebook.csv"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    dest = tmp_path / "codebook"
    shutil.copytree(MINI, dest)
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def full_disk_at(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Creating a file in `folder` fails as on a full disk (any write path: mkstemp)."""
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if Path(kwargs.get("dir") or ".").resolve() == folder.resolve():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def rvu_file(tmp_path: Path) -> Path:
    rows = rows_of(RVU)
    set_status(rows, "99454", "B")
    return write_rows(tmp_path / "PPRRVU_changed.csv", rows)


def run(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("failing", ["payers", "."])
def test_import_rvu_write_changes_no_file_when_one_cannot_be_written(
        book: Path, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch,
        failing: str) -> None:
    f = rvu_file(tmp_path)
    before = snapshot(book)
    full_disk_at(monkeypatch, book / failing)
    code, err = run(capsys, "import-rvu", f, "--codebook", book, "--write")
    assert code == 2, err
    assert "no space left on device" in err.lower() and "Traceback" not in err
    assert snapshot(book) == before  # sources.yaml too, not only the payer's file
    monkeypatch.undo()
    code, err = run(capsys, "import-rvu", f, "--codebook", book, "--write")
    assert code == 0, err  # and with room on the disk both files change
    after = snapshot(book)
    assert after["sources.yaml"] != before["sources.yaml"]
    assert after["payers/medicare.yaml"] != before["payers/medicare.yaml"]


def test_import_rvu_write_payments_changes_no_file_when_one_cannot_be_written(
        book: Path, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (book / "payments").mkdir(exist_ok=True)
    before = snapshot(book)
    full_disk_at(monkeypatch, book / "payments")
    code, err = run(capsys, "import-rvu", RVU, "--codebook", book, "--write-payments")
    assert code == 2, err
    assert snapshot(book) == before


def test_import_cms_list_write_changes_no_file_when_one_cannot_be_written(
        book: Path, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    f = write_csv(tmp_path / "CY2025-list.csv", [HEADER, *body(OFFICE[:3])])
    before = snapshot(book)
    full_disk_at(monkeypatch, book)  # sources.yaml; the policy file is in policies/
    code, err = run(capsys, "import-cms-list", f, "--year", "2025", "--codebook", book,
                    "--write")
    assert code == 2, err
    assert snapshot(book) == before


def test_a_rename_that_fails_puts_back_the_files_already_replaced(
        book: Path, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    f = rvu_file(tmp_path)
    before = snapshot(book)
    real = os.replace
    calls: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 2:  # the first file is in place, the second cannot follow
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    code, err = run(capsys, "import-rvu", f, "--codebook", book, "--write")
    assert code == 2, err
    assert len(calls) >= 3  # the first file was put back
    assert snapshot(book) == before


def test_files_written_in_a_block_are_read_back_from_it(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    with atomic.atomic_files():
        atomic.atomic_write_text(target, "new")
        assert atomic.staged_text(target) == "new"
        assert target.read_text(encoding="utf-8") == "old"  # nothing on disk yet
    assert target.read_text(encoding="utf-8") == "new"
    with pytest.raises(RuntimeError), atomic.atomic_files():
        atomic.atomic_write_text(target, "newer")
        raise RuntimeError("stop")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_import_rvu_write_gpci_changes_no_file_when_one_cannot_be_written(
        book: Path, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gpci = ROOT / "tests" / "data" / "GPCI2025.csv"
    (book / "localities").mkdir(exist_ok=True)
    before = snapshot(book)
    full_disk_at(monkeypatch, book / "localities")  # sources.yaml could be written, then this
    code, err = run(capsys, "import-rvu", gpci, "--write-gpci", "--release", "2025-09-11",
                    "--codebook", book)
    assert code == 2, err
    assert "no space left on device" in err.lower() and "Traceback" not in err
    assert snapshot(book) == before  # the new sources are not in sources.yaml either
    monkeypatch.undo()
    code, err = run(capsys, "import-rvu", gpci, "--write-gpci", "--release", "2025-09-11",
                    "--codebook", book)
    assert code == 0, err
    after = snapshot(book)
    assert after["sources.yaml"] != before["sources.yaml"]
    assert "localities/medicare-2025.yaml" in after
