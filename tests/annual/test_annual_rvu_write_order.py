"""import-rvu --write in any order of releases: an earlier-dated release written after a later
one fills only the dates before the later one, never overlapping or overriding it; two releases
that disagree about the same day are refused (exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.core.codebook import Codebook
from engine.tooling.write import compile_folder

from .test_annual_rvu import rows_of, set_status, write_rows  # noqa: F401  (same folder)

JAN = Path(__file__).resolve().parent.parent / "data" / "PPRRVU2026_Jan-codebook.csv"
DAYS = ("2025-09-10", "2025-09-11", "2025-12-31", "2026-01-01", "2026-06-01")
# what the release in force on each day says (the mini codebook before it: all payable)
EXPECTED = {
    "99454": ["payable", "bundled", "bundled", "payable", "payable"],
    "99212": ["payable", "contractor_priced", "contractor_priced", "contractor_priced",
              "contractor_priced"],
    "99213": ["payable", "payable", "payable", "bundled", "bundled"],
    "99214": ["payable"] * 5,
}


def _releases(rvu_fixture: Path, tmp_path: Path) -> tuple[list[str], list[str]]:
    """The October 2025 file (released 2025-09-11): 99454 bundled, 99212 contractor priced;
    the January 2026 file (applies from 2026-01-01): 99454 payable again, 99212 still
    contractor priced, 99213 bundled. The import-rvu arguments of each."""
    oct_rows = rows_of(rvu_fixture)
    set_status(oct_rows, "99454", "B")
    set_status(oct_rows, "99212", "C")
    jan_rows = rows_of(JAN)
    set_status(jan_rows, "99212", "C")
    set_status(jan_rows, "99213", "B")
    oct_file = write_rows(tmp_path / "PPRRVU2025_Oct.csv", oct_rows)
    jan_file = write_rows(tmp_path / "PPRRVU2026_Jan.csv", jan_rows)
    return [str(oct_file)], [str(jan_file), "--as-of", "2026-01-01"]


def _timeline(root: Path) -> dict[str, list[str]]:
    cb = Codebook(compile_folder(root))  # compile_folder refuses a codebook that does not validate
    return {code: [cb.status_name(code, "medicare", d) for d in DAYS] for code in EXPECTED}


@pytest.mark.parametrize("order", ["oct-then-jan", "jan-then-oct"])
def test_releases_in_either_order_give_the_same_dates(cli, rvu_fixture, mini_copy, tmp_path,
                                                      order):
    oct_args, jan_args = _releases(rvu_fixture, tmp_path)
    runs = [oct_args, jan_args] if order == "oct-then-jan" else [jan_args, oct_args]
    for args in runs:
        code, _, err = cli("import-rvu", *args, "--codebook", mini_copy, "--write")
        assert code == 0, err
    code, out, err = cli("validate", mini_copy)
    assert code == 0, out + err
    assert _timeline(mini_copy) == EXPECTED
    for args in runs:  # each release agrees with the codebook on its own day
        code, out, _ = cli("import-rvu", *args, "--codebook", mini_copy, "--format", "json")
        assert code == 0 and json.loads(out)["differences"] == [], out


def test_later_release_written_first_is_not_overridden(cli, rvu_fixture, mini_copy, tmp_path):
    """The review's case: the January file first, then the October one. The October records
    end the day before January's; 99454, which January leaves as it was, continues in its
    original record from January 1."""
    oct_args, jan_args = _releases(rvu_fixture, tmp_path)
    for args in (jan_args, oct_args):
        code, _, err = cli("import-rvu", *args, "--codebook", mini_copy, "--write")
        assert code == 0, err
    b = compile_folder(mini_copy)
    rows = sorted((s["from"], s["to"] or "", s["status"], s["id"]) for s in b["statuses"]
                  if "99454" in s["codes"])
    assert rows == [
        ("2024-01-01", "2025-09-10", "payable", "medicare-status-rpm"),
        ("2025-09-11", "2025-12-31", "bundled", "medicare-status-bundled-2025-09-11"),
        ("2026-01-01", "", "payable", "medicare-status-rpm-from-2026-01-01"),
    ]


def test_two_releases_disagreeing_on_one_day_are_refused(cli, rvu_fixture, mini_copy,
                                                         tmp_path):
    oct_args, _ = _releases(rvu_fixture, tmp_path)
    code, _, err = cli("import-rvu", *oct_args, "--codebook", mini_copy, "--write")
    assert code == 0, err
    rows = rows_of(rvu_fixture)  # a later release of the same quarter: 99454 contractor priced
    set_status(rows, "99454", "C")
    set_status(rows, "99212", "C")
    for r in rows[:6]:
        for j, cell in enumerate(r):
            r[j] = cell.replace("RELEASED 09/11/2025", "RELEASED 09/20/2025")
    f = write_rows(tmp_path / "PPRRVU2025_Oct_b.csv", rows)
    before = {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
    code, out, err = cli("import-rvu", f, "--as-of", "2025-09-11", "--codebook", mini_copy,
                         "--write")
    assert code == 2, out + err
    assert "99454" in err and "cms-pprrvu-2025-09-11" in err and "2025-09-20" in err
    assert "Traceback" not in err
    assert before == {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
