"""A rule's `conflict` names a conflict in policies/source-conflicts.yaml."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import unknown
from engine.tooling.problems import Problem

RULE = "unknown-conflict-ref"
DESCRIPTION = "a rule names a source conflict that does not exist"


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("conflict"):
        refs = ((r, ("conflict",), r.get("conflict")) for r in ctx.index.of("rule")
                if isinstance(r.get("conflict"), str))
        yield from unknown(RULE, "conflict", refs, ctx.index.ids("conflict"),
                           "policies/source-conflicts.yaml")
