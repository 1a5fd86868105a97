"""No effective range ends before it starts (`to` is the last day, inclusive)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.profile_lint import inverted, inverted_problems
from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "inverted-range"
DESCRIPTION = "a record's (or a scope entry's) `to` is before its `from`"


def check(ctx: LintContext) -> Iterator[Problem]:
    yield from inverted_problems(ctx.index)
    covers = ctx.index.codebook.get("covers")
    doc = ctx.index.loaded.document("codebook.yaml")
    if isinstance(covers, dict) and doc is not None:
        bad = inverted(covers)
        if bad:
            yield Problem(doc.file, doc.line(("covers",)), "",
                          f"covers is inverted: from {bad[0]} to {bad[1]}",
                          "make covers.to on or after covers.from", RULE)
