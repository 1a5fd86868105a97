"""Modifiers named by routes and FAQs exist in modifiers.yaml."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import Ref, list_refs, unknown
from engine.tooling.problems import Problem

RULE = "unknown-modifier-ref"
DESCRIPTION = "a route or FAQ names a modifier that modifiers.yaml does not define"


def refs(ctx: LintContext) -> Iterator[Ref]:
    for r in ctx.index.of("route") + ctx.index.of("profile_rule"):
        yield from list_refs(r, "modifiers")
    for r in ctx.index.of("faq"):
        yield from (ref for ref in list_refs(r, "codes") if len(ref[2]) == 2)


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("modifier"):
        yield from unknown(RULE, "modifier", refs(ctx), ctx.index.codes("modifier"),
                           "modifiers.yaml")
