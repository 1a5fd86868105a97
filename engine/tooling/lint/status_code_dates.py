"""A payer status only lists codes that exist on some day of the status's range."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range, overlaps, span, strings
from engine.tooling.problems import Problem

RULE = "status-code-dates"
DESCRIPTION = "a payer status lists a code that exists on none of the status's days"


def check(ctx: LintContext) -> Iterator[Problem]:
    versions: dict[str, list[tuple]] = {}
    for code in ctx.index.of("code"):
        rng = date_range(code)
        if isinstance(code.get("code"), str) and rng:
            versions.setdefault(code.get("code"), []).append(rng)
    for status in ctx.index.of("status"):
        rng = date_range(status)
        if not rng or rng[0] > rng[1]:
            continue
        for i, code in strings(status.get("codes")):
            if code in versions and not any(overlaps(rng, v) for v in versions[code]):
                shown = ", ".join(span(v) for v in sorted(versions[code]))
                yield status.problem(
                    RULE, f"{code} does not exist during this status ({span(rng)}); it exists "
                    f"{shown}", "fix the status dates, or remove the code from it", "codes", i)
