"""Semantic lint rules: one rule per module in this package.

Each module defines ``RULE`` (its id, kebab-case), ``DESCRIPTION`` (one line) and
``check(ctx: LintContext) -> Iterable[Problem]``. Rules read the records of
``engine.tooling.records`` (data with schema defaults filled in) and must tolerate values of the
wrong type (the schema reports those): they skip what they cannot read.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from engine.tooling.problems import Problem
from engine.tooling.records import Index

# The "file" of the problem reported when a rule itself fails (see run_rules).
LINT_FAILURE_FILE = "(lint)"


@dataclass
class LintContext:
    index: Index
    today: dt.date


def rule_modules() -> list[ModuleType]:
    """Every lint rule module, sorted by name."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def run_rules(ctx: LintContext, modules: list[ModuleType] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for module in modules if modules is not None else rule_modules():
        check: Callable[[LintContext], Iterable[Problem]] = module.check
        try:
            problems.extend(check(ctx))
        except Exception as exc:  # noqa: BLE001 - a rule bug must not hide the other problems
            problems.append(Problem(
                LINT_FAILURE_FILE, 0, module.RULE,
                f"lint rule {module.RULE} failed: {type(exc).__name__}: {exc}",
                "fix the problems above first; if none are listed this is a telecode bug",
                module.RULE))
    return problems
