"""A modifier's or POS's scope has at most one entry per payer on any day (`any` counts for
every payer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from engine.core.profile_lint import as_date
from engine.tooling.lint import LintContext
from engine.tooling.lint._util import overlaps, span
from engine.tooling.problems import Problem

RULE = "overlapping-scopes"
DESCRIPTION = "two scope entries of a modifier or POS cover the same payer on the same day"


def check(ctx: LintContext) -> Iterator[Problem]:
    for record in ctx.index.of("modifier") + ctx.index.of("pos"):
        seen: list[tuple[int, str, tuple]] = []
        for i, entry in enumerate(record.get("scope") or []):
            if not isinstance(entry, dict) or not isinstance(entry.get("payer"), str):
                continue
            start = as_date(entry.get("from"))
            end = as_date(entry.get("to")) if entry.get("to") is not None else None
            if start is None or (entry.get("to") is not None and end is None):
                continue
            rng = (start, end or dt.date.max)
            if rng[0] > rng[1]:
                continue
            payer = entry["payer"]
            for j, other_payer, other in seen:
                if (payer == other_payer or "any" in (payer, other_payer)) and overlaps(rng, other):
                    yield record.problem(
                        RULE, f"scope entry {i + 1} ({payer}, {span(rng)}) overlaps entry {j + 1} "
                        f"({other_payer}, {span(other)})",
                        "end the earlier entry the day before the later one starts",
                        "scope", i)
                    break
            seen.append((i, payer, rng))
