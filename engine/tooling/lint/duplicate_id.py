"""Every id is used once in the whole codebook."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.profile_lint import duplicate_problems
from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "duplicate-id"
DESCRIPTION = "two records share an id"


def check(ctx: LintContext) -> Iterator[Problem]:
    yield from duplicate_problems(ctx.index)
