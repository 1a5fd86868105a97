"""Fixtures for the engine tests: a small hand-written bundle and, when compiled, the real one."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from engine.codebook import DEFAULT_PATH, Codebook, load_codebook
from engine.templates import set_strict

FIXTURES = Path(__file__).parent / "fixtures"
MINI_PATH = FIXTURES / "mini_bundle.json"


@pytest.fixture(autouse=True)
def _strict_templates():
    """Unknown placeholders and missing engine messages are errors in tests."""
    set_strict(True)
    yield
    set_strict(os.environ.get("TELECODE_STRICT", "") not in ("", "0"))


@pytest.fixture(scope="session")
def mini_bundle() -> dict[str, Any]:
    return json.loads(MINI_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def mini_cb(mini_bundle) -> Codebook:
    return Codebook(copy.deepcopy(mini_bundle), path=str(MINI_PATH))


@pytest.fixture
def make_cb(mini_bundle):
    """Build a Codebook from the mini bundle after `edit(bundle)` changes a deep copy."""

    def make(edit=None) -> Codebook:
        bundle = copy.deepcopy(mini_bundle)
        if edit is not None:
            edit(bundle)
        return Codebook(bundle)

    return make


@pytest.fixture(scope="session")
def real_cb() -> Codebook:
    """The compiled project bundle (scripts/test compiles it before pytest runs)."""
    if not os.path.exists(DEFAULT_PATH):
        pytest.skip("engine/data/codebook.json is not compiled; run `telecode compile`")
    return load_codebook()


def encounter(**kw: Any) -> dict[str, Any]:
    base = {"date_of_service": "2025-03-10", "payer": "medicare",
            "patient_status": "established", "modality": "audio_video"}
    base.update(kw)
    return base


@pytest.fixture
def enc():
    return encounter
