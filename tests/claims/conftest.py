"""Fixtures for the claim-mode tests: the real compiled codebook and a checker over it."""

from __future__ import annotations

import copy
import os

import pytest

from engine.core.claim import ClaimChecker, ClaimLine
from engine.core.codebook import DEFAULT_PATH, Codebook, load_codebook
from engine.core.templates import set_strict


@pytest.fixture(autouse=True)
def _strict_templates():
    """Unknown placeholders are errors in tests."""
    set_strict(True)
    yield
    set_strict(os.environ.get("TELECODE_STRICT", "") not in ("", "0"))


@pytest.fixture(scope="session")
def real_cb() -> Codebook:
    if not os.path.exists(DEFAULT_PATH):
        pytest.skip("engine/data/codebook.json is not compiled; run `telecode compile`")
    return load_codebook()


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
