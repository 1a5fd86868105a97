"""The bank of broken codebooks: each is rejected with the expected file, line, entry and
message (tests/codebook/broken/<case>/expected.txt), by the library and by the CLI."""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.tooling.validate import validate_codebook

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from conftest import FIXTURE_TODAY  # noqa: E402
from make_broken import CASES, build  # noqa: E402

BANK = HERE / "broken"
NAMES = [case.name for case in CASES]


def expected_lines(name: str) -> list[str]:
    return (BANK / name / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_the_bank_has_at_least_20_cases() -> None:
    assert len(NAMES) >= 20
    assert sorted(p.name for p in BANK.iterdir() if p.is_dir()) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_broken_codebook_is_rejected(name: str) -> None:
    expected = expected_lines(name)
    assert expected, f"{name}: expected.txt is empty"
    report = validate_codebook(BANK / name / "codebook", today=FIXTURE_TODAY)
    assert [str(p) for p in report.problems] == expected


@pytest.mark.parametrize("name", NAMES)
def test_cli_lists_every_problem_and_exits_1(name: str, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    code = main(["validate", str(BANK / name / "codebook"), "--today", FIXTURE_TODAY.isoformat()])
    out = capsys.readouterr()
    assert code == 1
    assert out.out.splitlines() == expected_lines(name)
    assert "Traceback" not in out.out + out.err


def test_the_minimal_fixture_itself_is_valid() -> None:
    report = validate_codebook(HERE / "fixtures" / "minimal", today=FIXTURE_TODAY)
    assert [str(p) for p in report.problems] == []


def test_the_committed_bank_is_what_make_broken_makes(tmp_path: Path) -> None:
    """Each committed case is exactly the minimal fixture with its one edit."""
    for name in NAMES:
        (tmp_path / name).mkdir()
        (tmp_path / name / "expected.txt").write_text("")  # keep build() from validating
    build(tmp_path)

    def same_tree(a: Path, b: Path) -> list[str]:
        cmp = filecmp.dircmp(a, b)
        diffs = [str(a / f) for f in cmp.left_only + cmp.right_only + cmp.diff_files]
        _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
        diffs += [str(a / f) for f in mismatch + errors]
        for sub in cmp.common_dirs:
            diffs += same_tree(a / sub, b / sub)
        return diffs

    for name in NAMES:
        assert same_tree(tmp_path / name / "codebook", BANK / name / "codebook") == [], name
        assert (tmp_path / name / "WHY").read_text() == (BANK / name / "WHY").read_text()
