"""Fixtures for the codebook tests (loader, schema, lint rules, validate, compile)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MINIMAL = HERE / "fixtures" / "minimal"
# The fixtures' last_verified dates are 2026-10-01; checks run "as of" this day.
FIXTURE_TODAY = dt.date(2026, 11, 1)


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid fixture codebook."""
    target = tmp_path / "codebook"
    shutil.copytree(MINIMAL, target)
    return target


@pytest.fixture
def fixture_today() -> dt.date:
    return FIXTURE_TODAY
