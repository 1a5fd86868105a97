"""Lint exceptions as data: accepted problems disappear, with a reason; stale or wrong
exceptions are problems themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.tooling.validate import validate_codebook

TODAY = dt.date(2026, 11, 1)  # the fixtures were verified 2026-10-01


def write_exceptions(root: Path, body: str) -> None:
    (root / "lint-exceptions.yaml").write_text("exceptions:\n" + body, encoding="utf-8")


GAP = """  - rule: time-bands
    entry: G2252
    reason: "One secondary source puts the band at 12 minutes; we keep it."
    remove_when: "A primary source gives the G2252 band."
"""


def problems(root: Path) -> list[str]:
    return [str(p) for p in validate_codebook(root, today=TODAY).problems]


def test_an_exception_accepts_that_rules_problems_on_that_entry(minimal_copy, edit) -> None:
    edit(minimal_copy, "codes/virtual-checkin.yaml", "min_minutes: 11", "min_minutes: 12")
    assert len(problems(minimal_copy)) == 2  # the gap, in 2024 and in 2025
    write_exceptions(minimal_copy, GAP)
    assert problems(minimal_copy) == []


def test_it_does_not_hide_other_rules_or_entries(minimal_copy, edit) -> None:
    edit(minimal_copy, "codes/virtual-checkin.yaml", "min_minutes: 11", "min_minutes: 12")
    edit(minimal_copy, "codes/virtual-checkin.yaml", "replaces: [G2012]", "replaces: [G2021]")
    write_exceptions(minimal_copy, GAP.replace("entry: G2252", "entry: \"98016\""))
    assert [p.split(" — ")[0] for p in problems(minimal_copy)] == [
        "codes/virtual-checkin.yaml:38: 98016: unknown code 'G2021'",
        "codes/virtual-checkin.yaml:49: G2252: time bands of virtual-checkin leave a gap between "
        "98016 (5-10) and G2252 (12-20) on 2025-01-01",
        "codes/virtual-checkin.yaml:49: G2252: time bands of virtual-checkin leave a gap between "
        "G2012 (5-10) and G2252 (12-20) on 2024-01-01",
        "lint-exceptions.yaml:2: 98016: exception for time-bands matches no problem",
    ]


def test_an_exception_that_matches_nothing_must_go(minimal_copy) -> None:
    write_exceptions(minimal_copy, GAP)
    assert problems(minimal_copy) == [
        "lint-exceptions.yaml:2: G2252: exception for time-bands matches no problem — remove the "
        "exception (the problem is gone)"]


def test_schema_problems_and_unknown_rules_cannot_be_excepted(minimal_copy) -> None:
    write_exceptions(minimal_copy, GAP.replace("rule: time-bands", "rule: schema")
                     + "  - rule: x\n    entry: y\n")
    assert problems(minimal_copy) == [
        "lint-exceptions.yaml:2: G2252: unknown lint rule 'schema' — use a rule id from `telecode "
        "validate --list-rules` (schema problems cannot be excepted)",
        "lint-exceptions.yaml:6: -: missing required key 'reason' — add 'reason:' (see "
        "codebook/README.md)",
        "lint-exceptions.yaml:6: -: missing required key 'remove_when' — add 'remove_when:' (see "
        "codebook/README.md)",
        "lint-exceptions.yaml:6: y: unknown lint rule 'x' — use a rule id from `telecode validate "
        "--list-rules` (schema problems cannot be excepted)",
    ]
