"""A payer's fee schedules (payments/) and locality indices (localities/) do not overlap: each
day of service has one schedule and one set of GPCIs (`import-rvu --write-payments` and
`--write-gpci` end one the day before the next starts)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range, overlaps, span
from engine.tooling.problems import Problem

RULE = "overlapping-schedules"
DESCRIPTION = "two fee schedules (or two locality index sets) of a payer cover the same day"


def check(ctx: LintContext) -> Iterator[Problem]:
    for kind, what in (("payment_schedule", "fee schedule"), ("locality_indices", "GPCI set")):
        dated = [(r, date_range(r)) for r in ctx.index.of(kind)]
        dated = [(r, g) for r, g in dated if g and g[0] <= g[1]]
        dated.sort(key=lambda p: (p[1][0], p[0].file))
        for i, (later, rng) in enumerate(dated):
            for earlier, other in dated[:i]:
                if earlier.get("payer") == later.get("payer") and overlaps(rng, other):
                    yield later.problem(
                        RULE,
                        f"{what} {span(rng)} overlaps {earlier.id} ({span(other)}, "
                        f"{earlier.file})",
                        "each day of service has one: end the earlier one the day before this "
                        "one starts (`to:`)", "from")
