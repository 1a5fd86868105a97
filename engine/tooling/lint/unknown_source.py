"""Every source reference names an id in sources.yaml."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import source_refs
from engine.tooling.problems import Problem

RULE = "unknown-source"
DESCRIPTION = "a record cites a source id that sources.yaml does not define"


def check(ctx: LintContext) -> Iterator[Problem]:
    if not ctx.index.knows("source"):
        return
    known = sorted(ctx.index.ids("source"))
    for record in ctx.index:
        for path, sid in source_refs(record):
            if sid not in known:
                close = difflib.get_close_matches(sid, known, n=1)
                fix = (f"did you mean '{close[0]}'? " if close else "") + (
                    "cite an id from sources.yaml, or add the source there")
                yield record.problem(RULE, f"unknown source '{sid}'", fix, *path)
