"""Families named by routes and rule scopes exist (codes/<family>.yaml)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import Ref, list_refs, unknown
from engine.tooling.problems import Problem

RULE = "unknown-family-ref"
DESCRIPTION = "a route or rule names a code family that does not exist"


def refs(ctx: LintContext) -> Iterator[Ref]:
    for r in ctx.index.of("route") + ctx.index.of("profile_rule"):
        yield from list_refs(r, "families")
    for r in ctx.index.of("rule"):
        yield from list_refs(r, "scope", "families")


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("family"):
        yield from unknown(RULE, "family", refs(ctx), ctx.index.ids("family"),
                           "codes/<family>.yaml")
