"""A payer profile's rules: one rule per service on a day (no overlapping dates), Medicaid
profiles name one state each, and the rules a profile ignores exist."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.profile_lint import overlap_problems, state_and_ignore_problems
from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "profile-rules"
DESCRIPTION = ("two rules of a payer profile overlap for one service, a Medicaid profile has no "
               "state or shares one, or a profile ignores an unknown rule")


def check(ctx: LintContext) -> Iterator[Problem]:
    yield from overlap_problems(ctx.index.of("profile_rule"))
    rule_ids = sorted(ctx.index.ids("rule")) if ctx.index.knows("rule") else None
    yield from state_and_ignore_problems(ctx.index.of("profile"), rule_ids)
