"""Codes named by statuses, routes, rules, add-ons, replacements, telehealth-list entries and
FAQs exist."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import Ref, list_refs, unknown
from engine.tooling.problems import Problem

RULE = "unknown-code-ref"
DESCRIPTION = "a record names a code that no codes/<family>.yaml defines"


def refs(ctx: LintContext) -> Iterator[Ref]:
    for r in ctx.index.of("status"):
        yield from list_refs(r, "codes")
    for r in ctx.index.of("route"):
        yield from list_refs(r, "codes")
    for r in ctx.index.of("rule"):
        yield from list_refs(r, "scope", "codes")
    for r in ctx.index.of("code"):
        yield from list_refs(r, "replaces")
        yield from list_refs(r, "replaced_by")
        add_on = r.get("add_on")
        if isinstance(add_on, dict) and isinstance(add_on.get("primary"), str):
            yield r, ("add_on", "primary"), add_on["primary"]
    for r in ctx.index.of("telehealth_list_entry"):
        yield from list_refs(r, "codes")
    for r in ctx.index.of("faq"):
        yield from (ref for ref in list_refs(r, "codes") if len(ref[2]) != 2)


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("code"):
        yield from unknown(RULE, "code", refs(ctx), ctx.index.codes(), "codes/*.yaml")
