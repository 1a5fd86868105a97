"""Routes named by rule scopes exist (routes/<payer>.yaml)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import list_refs, unknown
from engine.tooling.problems import Problem

RULE = "unknown-route-ref"
DESCRIPTION = "a rule's scope names a route that does not exist"


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("route"):
        refs = (ref for r in ctx.index.of("rule") for ref in list_refs(r, "scope", "routes"))
        yield from unknown(RULE, "route", refs, ctx.index.ids("route"), "routes/<payer>.yaml")
