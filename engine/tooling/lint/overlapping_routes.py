"""Routes of one payer, modality and clinician without `when` do not overlap in time.

The engine takes the first matching route, so a later route without a condition that overlaps
an earlier one would never be used.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range, overlaps, span
from engine.tooling.problems import Problem

RULE = "overlapping-routes"
DESCRIPTION = "two unconditional routes for the same payer, modality and clinician overlap"


def _clinicians_meet(a: object, b: object) -> bool:
    a = a or "em_practitioner"
    b = b or "em_practitioner"
    return a == b or "any" in (a, b)


def check(ctx: LintContext) -> Iterator[Problem]:
    routes = [r for r in ctx.index.of("route") if r.get("when") is None]
    for i, later in enumerate(routes):
        rng = date_range(later)
        if not rng or rng[0] > rng[1]:
            continue
        for earlier in routes[:i]:
            other = date_range(earlier)
            if (
                other and earlier.get("payer") == later.get("payer")
                and earlier.get("modality") == later.get("modality")
                and _clinicians_meet(earlier.get("clinician"), later.get("clinician"))
                and overlaps(rng, other)
            ):
                yield later.problem(
                    RULE,
                    f"route overlaps {earlier.id} ({span(other)}, {earlier.file}:"
                    f"{earlier.line()}) for {later.get('payer')} {later.get('modality')} "
                    f"({later.get('clinician')}) and neither has a `when`",
                    "give one of them a `when` condition, or end the earlier one the day "
                    "before this one starts", "from")
                break
