"""import-rvu --write-payments in any order of quarterly releases: each day of service has the
schedule of the release in force on it; an older release never replaces a newer one's days;
two releases starting the same day with different values are refused (exit 2, nothing
written)."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from engine.core.codebook import Codebook
from engine.core.payments import schedule_on
from engine.tooling.write import compile_folder

from .test_annual_rvu import header_index, rows_of, write_rows

OCT = Path(__file__).resolve().parent.parent / "data" / "PPRRVU2025_Oct-payments.csv"
# test values (not CMS's): each quarter's file gets its own conversion factor
RELEASES = {"jan": ("January", "12/20/2024", "32.3000"), "apr": ("April", "03/14/2025", "32.3100"),
            "oct": ("October", "09/11/2025", "32.3465")}
DAYS = {"2025-01-01": "jan", "2025-03-31": "jan", "2025-04-01": "apr", "2025-09-30": "apr",
        "2025-10-01": "oct", "2025-12-31": "oct"}


def _release(tmp_path: Path, quarter: str, released: str, factor: str, name: str) -> Path:
    rows = rows_of(OCT)
    h = header_index(rows)
    for r in rows[:h]:
        for j, cell in enumerate(r):
            r[j] = (cell.replace("October Release", f"{quarter} Release")
                    .replace("RELEASED 09/11/2025", f"RELEASED {released}"))
    col = rows[h].index("FACTOR")
    for r in rows[h + 1:]:
        if len(r) > col and r[col].strip():
            r[col] = factor
    return write_rows(tmp_path / name, rows)


def _files(tmp_path: Path) -> dict[str, Path]:
    return {k: _release(tmp_path, *v, f"PPRRVU_{k}.csv") for k, v in RELEASES.items()}


def _in_force(root: Path) -> dict[str, float | None]:
    cb = Codebook(compile_folder(root))
    out = {}
    for day in DAYS:
        s = schedule_on(cb, "medicare", day)
        out[day] = None if s is None else s["conversion_factor"]
    return out


def _no_overlap(root: Path) -> None:
    spans = sorted((s["from"], s["to"]) for s in compile_folder(root)["payments"])
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end is not None and end < start, spans


@pytest.mark.parametrize("order", list(permutations(RELEASES)))
def test_quarterly_releases_in_any_order(cli, mini_copy, tmp_path, order):
    files = _files(tmp_path)
    for key in order:
        code, out, err = cli("import-rvu", files[key], "--write-payments", "--codebook",
                             mini_copy)
        assert code == 0, err
    code, out, err = cli("validate", mini_copy)
    assert code == 0, out + err
    _no_overlap(mini_copy)
    assert _in_force(mini_copy) == {d: float(RELEASES[k][2]) for d, k in DAYS.items()}
    spans = sorted((s["from"], s["to"], s["release"])
                   for s in compile_folder(mini_copy)["payments"])
    assert spans == [("2025-01-01", "2025-03-31", "2024-12-20"),
                     ("2025-04-01", "2025-09-30", "2025-03-14"),
                     ("2025-10-01", "2025-12-31", "2025-09-11")]


def test_same_release_again_replaces_its_own_schedule(cli, mini_copy, tmp_path):
    files = _files(tmp_path)
    for key in ("oct", "jan", "jan"):
        code, _, err = cli("import-rvu", files[key], "--write-payments", "--codebook", mini_copy)
        assert code == 0, err
    assert len(list((mini_copy / "payments").glob("*.yaml"))) == 2
    _no_overlap(mini_copy)


def test_two_releases_of_one_quarter_that_differ_are_refused(cli, mini_copy, tmp_path):
    files = _files(tmp_path)
    code, _, err = cli("import-rvu", files["oct"], "--write-payments", "--codebook", mini_copy)
    assert code == 0, err
    other = _release(tmp_path, "October", "09/20/2025", "33.0000", "PPRRVU_oct_b.csv")
    before = {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
    code, out, err = cli("import-rvu", other, "--write-payments", "--codebook", mini_copy)
    assert code == 2, out + err
    assert "cms-pprrvu-2025-09-11" in err and "cms-pprrvu-2025-09-20" in err
    assert "conversion factor" in err and "Traceback" not in err
    assert before == {p: p.read_text() for p in mini_copy.rglob("*.yaml")}


def test_an_older_identical_release_changes_nothing(cli, mini_copy, tmp_path):
    files = _files(tmp_path)
    code, _, err = cli("import-rvu", files["oct"], "--write-payments", "--codebook", mini_copy)
    assert code == 0, err
    older = _release(tmp_path, "October", "09/01/2025", "32.3465", "PPRRVU_oct_early.csv")
    before = {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
    code, out, err = cli("import-rvu", older, "--write-payments", "--codebook", mini_copy)
    assert code == 0, err
    assert "nothing written" in out and "2025-09-11" in out
    assert before == {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
