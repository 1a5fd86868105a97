"""Fixtures shared by every test folder: the real compiled codebook (`real_cb`) and strict
message templates for the folders whose messages must all render.

This file is loaded inside Pyodide too (tests/pyodide runs tests/engine there): it imports only
the standard library, pytest and engine.core.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.core.codebook import DEFAULT_PATH, Codebook, load_codebook
from engine.core.templates import set_strict

TESTS = Path(__file__).resolve().parent
# Test folders where an unknown placeholder or a missing engine message is an error (strict
# templates), never a hole in the text.
STRICT_TEMPLATE_FOLDERS = frozenset({"batch", "claims", "engine"})


@pytest.fixture(autouse=True)
def _strict_templates(request: pytest.FixtureRequest):
    """Strict templates for the tests of STRICT_TEMPLATE_FOLDERS; the others run as users do."""
    try:
        folder = Path(str(request.path)).resolve().relative_to(TESTS).parts[0]
    except ValueError:
        folder = ""
    if folder not in STRICT_TEMPLATE_FOLDERS:
        yield
        return
    set_strict(True)
    yield
    set_strict(os.environ.get("TELECODE_STRICT", "") not in ("", "0"))


@pytest.fixture(scope="session")
def real_cb() -> Codebook:
    """The compiled project bundle (scripts/test compiles it before pytest runs)."""
    if not os.path.exists(DEFAULT_PATH):
        pytest.fail("engine/data/codebook.json is not compiled; run `telecode compile`")
    return load_codebook()
