"""Every source reference names an id in sources.yaml."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.profile_lint import unknown_sources
from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "unknown-source"
DESCRIPTION = "a record cites a source id that sources.yaml does not define"


def check(ctx: LintContext) -> Iterator[Problem]:
    if ctx.index.knows("source"):
        yield from unknown_sources(ctx.index, ctx.index.ids("source"))
