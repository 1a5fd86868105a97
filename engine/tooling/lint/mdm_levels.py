"""In an `mdm_or_time` family, levels are consistent on every day, per patient status and
modality: each level appears once, and a higher level has a higher MDM and a higher minimum
time (selection takes the higher of the two levels, so the ladders must agree)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "mdm-levels"
DESCRIPTION = "levels of an mdm_or_time family repeat, or their MDM or minutes do not rise"

MDM_ORDER = {"straightforward": 1, "low": 2, "moderate": 3, "high": 4}


def check(ctx: LintContext) -> Iterator[Problem]:
    families = {f.id for f in ctx.index.of("family") if f.get("selection") == "mdm_or_time"}
    groups: dict[tuple, list[tuple[Record, tuple]]] = defaultdict(list)
    for code in ctx.index.of("code"):
        rng = date_range(code)
        if (code.parent in families and rng and rng[0] <= rng[1]
                and code.get("selectable") is not False and isinstance(code.get("level"), int)):
            key = (code.parent, code.get("patient_status"), code.get("modality"),
                   code.get("variant"))
            groups[key].append((code, rng))
    reported: set[tuple[str, str]] = set()
    for members in groups.values():
        days = sorted({g[0] for _, g in members})
        for day in days:
            active = sorted((c for c, g in members if g[0] <= day <= g[1]),
                            key=lambda c: (c.get("level"), c.file, c.line()))
            for low, high in zip(active, active[1:], strict=False):
                if low.get("code") == high.get("code"):
                    continue  # two versions of one code: overlapping-code-versions says so
                problem = _compare(low, high, day)
                if problem and (low.id, high.id) not in reported:
                    reported.add((low.id, high.id))
                    yield problem


def _compare(low: Record, high: Record, day: dt.date) -> Problem | None:
    on = f"on {day.isoformat()}"
    if low.get("level") == high.get("level"):
        return high.problem(RULE, f"level {high.get('level')} is also {low.get('code')}'s level "
                            f"({on})", "give each code of the ladder its own level", "level")
    mdm_low, mdm_high = MDM_ORDER.get(low.get("mdm")), MDM_ORDER.get(high.get("mdm"))
    if mdm_low and mdm_high and mdm_high <= mdm_low:
        return high.problem(
            RULE, f"level {high.get('level')} has MDM {high.get('mdm')}, not above level "
            f"{low.get('level')} ({low.get('code')}, {low.get('mdm')}) {on}",
            "order levels by MDM (straightforward < low < moderate < high)", "mdm")
    min_low, min_high = low.get("min_minutes"), high.get("min_minutes")
    if isinstance(min_low, int) and isinstance(min_high, int) and min_high <= min_low:
        return high.problem(
            RULE, f"level {high.get('level')} needs {min_high} minutes, not more than level "
            f"{low.get('level')} ({low.get('code')}, {min_low}) {on}",
            "a higher level needs more minutes: check min_minutes", "min_minutes")
    return None
