"""Places of service named by routes exist in places-of-service.yaml."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.profile_lint import pos_refs
from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import Ref, unknown
from engine.tooling.problems import Problem

RULE = "unknown-pos-ref"
DESCRIPTION = "a route names a place of service that places-of-service.yaml does not define"


def refs(ctx: LintContext) -> Iterator[Ref]:
    for r in ctx.index.of("route") + ctx.index.of("profile_rule"):
        yield from pos_refs(r)


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("pos"):
        yield from unknown(RULE, "place of service", refs(ctx), ctx.index.codes("pos"),
                           "places-of-service.yaml")
