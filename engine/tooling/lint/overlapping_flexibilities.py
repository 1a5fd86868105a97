"""Periods of the Medicare flexibilities timeline do not overlap."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range, overlaps, span
from engine.tooling.problems import Problem

RULE = "overlapping-flexibilities"
DESCRIPTION = "two flexibility periods cover the same day"


def check(ctx: LintContext) -> Iterator[Problem]:
    periods = [(r, date_range(r)) for r in ctx.index.of("period")]
    periods = [(r, g) for r, g in periods if g and g[0] <= g[1]]
    periods.sort(key=lambda p: (p[1][0], p[0].line()))
    for i, (later, rng) in enumerate(periods):
        for earlier, other in periods[:i]:
            if overlaps(rng, other):
                yield later.problem(
                    RULE,
                    f"period {span(rng)} overlaps {earlier.id} ({span(other)})",
                    "each day has one state: end the earlier period the day before this one "
                    "starts", "from")
