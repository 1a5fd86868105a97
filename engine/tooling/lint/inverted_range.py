"""No effective range ends before it starts (`to` is the last day, inclusive)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import as_date
from engine.tooling.problems import Problem

RULE = "inverted-range"
DESCRIPTION = "a record's (or a scope entry's) `to` is before its `from`"


def _inverted(item: dict) -> tuple[str, str] | None:
    start, end = as_date(item.get("from")), as_date(item.get("to"))
    if start and end and end < start:
        return item["from"], item["to"]
    return None


def check(ctx: LintContext) -> Iterator[Problem]:
    fix = "`to` is the last day the fact holds: make it on or after `from` (or null while open)"
    for record in ctx.index:
        bad = _inverted(record.data)
        if bad:
            yield record.problem(RULE, f"range is inverted: from {bad[0]} to {bad[1]}", fix, "to")
        for i, entry in enumerate(record.get("scope") or [] if record.kind in ("modifier", "pos")
                                  else []):
            if isinstance(entry, dict):
                bad = _inverted(entry)
                if bad:
                    yield record.problem(
                        RULE, f"scope entry {i + 1} is inverted: from {bad[0]} to {bad[1]}", fix,
                        "scope", i, "to")
    covers = ctx.index.codebook.get("covers")
    doc = ctx.index.loaded.document("codebook.yaml")
    if isinstance(covers, dict) and doc is not None:
        bad = _inverted(covers)
        if bad:
            yield Problem(doc.file, doc.line(("covers",)), "",
                          f"covers is inverted: from {bad[0]} to {bad[1]}",
                          "make covers.to on or after covers.from", RULE)
