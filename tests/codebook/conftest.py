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


@pytest.fixture
def edit():
    """edit(root, file, old, new): replace one occurrence of ``old`` in a codebook file."""

    def do(root: Path, file: str, old: str, new: str, count: int = 1) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= count, f"{file}: {old!r} not found"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return do


@pytest.fixture
def run_rule():
    """run_rule(module, root, today=None) -> the rule's problems as printed, sorted."""
    from engine.tooling.lint import LintContext
    from engine.tooling.load import load_codebook_files
    from engine.tooling.problems import sort_problems
    from engine.tooling.records import build_index

    def run(module, root: Path, today: dt.date | None = None) -> list[str]:
        index = build_index(load_codebook_files(root))
        problems = list(module.check(LintContext(index, today or FIXTURE_TODAY)))
        assert all(p.rule == module.RULE for p in problems)
        return [str(p) for p in sort_problems(problems)]

    return run
