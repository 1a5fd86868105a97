"""Payers named by routes, rule scopes and modifier/POS scopes have a payers/<id>.yaml."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import Ref, list_refs, unknown
from engine.tooling.problems import Problem

RULE = "unknown-payer-ref"
DESCRIPTION = "a record names a payer that has no payers/<payer>.yaml"


def refs(ctx: LintContext) -> Iterator[Ref]:
    for r in ctx.index.of("route"):
        if isinstance(r.get("payer"), str):
            yield r, ("payer",), r.get("payer")
    for r in ctx.index.of("rule"):
        yield from list_refs(r, "scope", "payers")
    for r in ctx.index.of("modifier") + ctx.index.of("pos"):
        for i, entry in enumerate(r.get("scope") or []):
            if isinstance(entry, dict) and isinstance(entry.get("payer"), str) \
                    and entry["payer"] != "any":
                yield r, ("scope", i, "payer"), entry["payer"]


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("payer"):
        yield from unknown(RULE, "payer", refs(ctx),
                           ctx.index.ids("payer") | ctx.index.ids("profile"),
                           "payers/<payer>.yaml")
