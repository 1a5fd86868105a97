"""The bank of broken codebooks: each case (broken_cases.py, the minimal fixture with one edit,
made at test time) is rejected with the expected file, line, entry and message
(broken_expected.txt), by the library and by the CLI."""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.tooling.validate import validate_codebook

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from broken_cases import CASES, MINIMAL, make, read_expected  # noqa: E402
from conftest import FIXTURE_TODAY  # noqa: E402

BY_NAME = {case.name: case for case in CASES}
EXPECTED = read_expected()


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case written once for this module: {case name: its codebook folder}."""
    work = tmp_path_factory.mktemp("broken")
    return {case.name: make(case, work / case.name) for case in CASES}


def test_the_bank_has_at_least_20_cases_each_with_an_expectation() -> None:
    assert len(CASES) >= 20
    assert len(BY_NAME) == len(CASES), "two cases share a name"
    assert list(EXPECTED) == list(BY_NAME)


@pytest.mark.parametrize("name", list(BY_NAME))
def test_each_case_differs_from_the_minimal_fixture(name: str, bank: dict[str, Path]) -> None:
    cmp = filecmp.dircmp(MINIMAL, bank[name])

    def differs(c: filecmp.dircmp) -> bool:
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return bool(c.left_only or c.right_only or mismatch or errors
                    or any(differs(sub) for sub in c.subdirs.values()))

    assert differs(cmp), f"{name}: the edit changed nothing"


@pytest.mark.parametrize("name", list(BY_NAME))
def test_broken_codebook_is_rejected(name: str, bank: dict[str, Path]) -> None:
    expected = EXPECTED[name]
    assert expected, f"{name}: no expected problem in broken_expected.txt"
    report = validate_codebook(bank[name], today=FIXTURE_TODAY)
    assert [str(p) for p in report.problems] == expected


@pytest.mark.parametrize("name", list(BY_NAME))
def test_cli_lists_every_problem_and_exits_1(name: str, bank: dict[str, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(bank[name]), "--today", FIXTURE_TODAY.isoformat()])
    out = capsys.readouterr()
    assert code == 1
    assert out.out.splitlines() == EXPECTED[name]
    assert "Traceback" not in out.out + out.err


def test_the_minimal_fixture_itself_is_valid() -> None:
    report = validate_codebook(MINIMAL, today=FIXTURE_TODAY)
    assert [str(p) for p in report.problems] == []
