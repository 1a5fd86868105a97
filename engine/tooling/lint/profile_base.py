"""A payer profile's base is a payer or another profile, and bases do not form a cycle."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.profile_lint import base_problems
from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "profile-base"
DESCRIPTION = "a payer profile names an unknown base, or its bases form a cycle"


def check(ctx: LintContext) -> Iterator[Problem]:
    profiles = {r.id: r for r in ctx.index.of("profile") if r.id}
    yield from base_problems(profiles, ctx.index.ids("payer"))
