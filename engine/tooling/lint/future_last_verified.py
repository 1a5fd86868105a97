"""No record was verified (and no source accessed) after today."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import as_date
from engine.tooling.problems import Problem

RULE = "future-last-verified"
DESCRIPTION = "last_verified (or a source's accessed date) is in the future"


def check(ctx: LintContext) -> Iterator[Problem]:
    for record in ctx.index:
        key = "accessed" if record.kind == "source" else "last_verified"
        day = as_date(record.get(key))
        if day and day > ctx.today:
            yield record.problem(
                RULE, f"{key} {day.isoformat()} is in the future (today is "
                f"{ctx.today.isoformat()})", f"set {key} to the day it was really checked", key)
