"""Fixtures for the claim-mode tests: a checker over the real compiled codebook (`real_cb`,
tests/conftest.py), claim lines, and `telecode claims` rows."""

from __future__ import annotations

import copy
import csv

import pytest

from engine.cli import main
from engine.core.claim import ClaimChecker, ClaimLine
from engine.core.codebook import Codebook


@pytest.fixture(scope="session")
def checker(real_cb) -> ClaimChecker:
    return ClaimChecker(real_cb)


@pytest.fixture
def edited_checker(real_cb):
    """A checker over a deep copy of the real bundle after `edit(bundle)`."""

    def make(edit) -> ClaimChecker:
        bundle = copy.deepcopy(real_cb.bundle)
        edit(bundle)
        return ClaimChecker(Codebook(bundle))

    return make


@pytest.fixture
def line():
    def make(day: str, payer: str, code: str, modifiers: str = "", pos: str | None = None,
             units: int = 1, claim_id: str = "C1", number: str = "1") -> ClaimLine:
        mods = tuple(m for m in modifiers.split("-") if m)
        return ClaimLine(claim_id, number, day, payer, code, mods, pos, units)

    return make


@pytest.fixture
def claim_rows(tmp_path):
    """claim_rows(src, *args): run `telecode claims SRC -o <csv> --quiet ARGS` (exit 0) and
    return each output row as (claim_id, line, code, verdict, reasons, suggested)."""

    def run(src, *extra: str) -> list[tuple[str, ...]]:
        out = tmp_path / "out.csv"
        assert main(["claims", str(src), "-o", str(out), "--quiet", *extra]) == 0
        with open(out, encoding="utf-8", newline="") as fh:
            return [(r["claim_id"], r["line"], r["code"], r["verdict"], r["reasons"],
                     r["suggested"]) for r in csv.DictReader(fh)]

    return run
