"""Every id is used once in the whole codebook."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "duplicate-id"
DESCRIPTION = "two records share an id"


def check(ctx: LintContext) -> Iterator[Problem]:
    first: dict[str, Record] = {}
    for record in sorted(ctx.index, key=lambda r: (r.file, r.line())):
        if not record.id:
            continue
        if record.id in first:
            other = first[record.id]
            yield record.problem(
                RULE,
                f"id '{record.id}' is already used by a {other.kind} at "
                f"{other.file}:{other.line()}",
                "give this record a unique id (a later version of a code is \"<code>@<from>\")",
                "id")
        else:
            first[record.id] = record
