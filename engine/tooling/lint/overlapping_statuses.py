"""A payer has at most one payment status per code on any day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range, first_day, overlaps, span, strings
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "overlapping-statuses"
DESCRIPTION = "two status records of one payer cover the same code on the same day"


def check(ctx: LintContext) -> Iterator[Problem]:
    seen: dict[tuple[str, str], list[tuple[Record, tuple]]] = defaultdict(list)
    for record in ctx.index.of("status"):
        rng = date_range(record)
        if not rng or rng[0] > rng[1]:
            continue
        for i, code in strings(record.get("codes")):
            key = (record.parent, code)
            for other, other_rng in seen[key]:
                if other is not record and overlaps(rng, other_rng):
                    yield record.problem(
                        RULE,
                        f"{record.parent} status of {code} ({span(rng)}) overlaps status "
                        f"{other.id} ({span(other_rng)}, {other.file}:{other.line()}) from "
                        f"{first_day(rng, other_rng).isoformat()}",
                        "end one record the day before the other starts, or remove the code "
                        "from one of them", "codes", i)
            seen[key].append((record, rng))
