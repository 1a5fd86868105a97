"""Versions of the same code do not overlap in time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range, overlaps, span
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "overlapping-code-versions"
DESCRIPTION = "two versions of one code are in force on the same day"


def check(ctx: LintContext) -> Iterator[Problem]:
    by_code: dict[str, list[tuple[Record, tuple]]] = defaultdict(list)
    for record in ctx.index.of("code"):
        rng = date_range(record)
        if isinstance(record.get("code"), str) and rng and rng[0] <= rng[1]:
            by_code[record.get("code")].append((record, rng))
    for code, versions in by_code.items():
        versions.sort(key=lambda v: (v[1][0], v[0].file, v[0].line()))
        for i, (later, rng) in enumerate(versions):
            for earlier, other in versions[:i]:
                if overlaps(rng, other):
                    yield later.problem(
                        RULE,
                        f"this version of {code} ({span(rng)}) overlaps version {earlier.id} "
                        f"({span(other)}, {earlier.file}:{earlier.line()})",
                        "end the earlier version the day before this one starts (set its `to`)",
                        "from")
