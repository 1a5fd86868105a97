"""A lapse's `restored_by` names an extended period; only lapses have `restored_by`."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import as_date
from engine.tooling.problems import Problem

RULE = "lapse-restored-by"
DESCRIPTION = "a lapse's restored_by is not an extended period (or is set on a non-lapse)"


def check(ctx: LintContext) -> Iterator[Problem]:
    periods = {p.id: p for p in ctx.index.of("period")}
    for period in periods.values():
        target = period.get("restored_by")
        if target is None or not isinstance(target, str):
            continue  # a non-string value is the schema's problem, reported there
        if period.get("state") != "lapse":
            yield period.problem(RULE, "restored_by is set on a period that is not a lapse",
                                 "remove restored_by (only a lapse can be restored)",
                                 "restored_by")
            continue
        other = periods.get(target)
        if other is None:
            yield period.problem(RULE, f"restored_by names unknown period '{target}'",
                                 "name the id of the extended period whose law restored it",
                                 "restored_by")
        elif other.get("state") != "extended":
            yield period.problem(
                RULE, f"restored_by names {target}, which is a {other.get('state')} period, "
                "not an extended one", "name the extended period whose law restored this lapse",
                "restored_by")
        else:
            end, start = as_date(period.get("to")), as_date(other.get("from"))
            if end and start and start <= end:
                yield period.problem(
                    RULE, f"restored_by names {target}, which starts ({start.isoformat()}) "
                    "before the lapse ends", "a lapse is restored by a later period",
                    "restored_by")
