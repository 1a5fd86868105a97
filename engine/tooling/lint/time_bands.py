"""The time bands of a `time_band` family neither overlap nor leave a gap.

Checked on every day a band starts or ends, separately for each (variant, patient status,
modality); codes with patient status `any` count for every status. Non-selectable codes and
add-on codes are not bands.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "time-bands"
DESCRIPTION = "time bands of a family overlap or leave a gap on some day"


def _band(r: Record) -> str:
    hi = r.get("max_minutes")
    return f"{r.get('code')} ({r.get('min_minutes')}-{'open' if hi is None else hi})"


def check(ctx: LintContext) -> Iterator[Problem]:
    families = {r.id: r for r in ctx.index.of("family")}
    codes: dict[str, list[tuple[Record, tuple[dt.date, dt.date]]]] = defaultdict(list)
    for r in ctx.index.of("code"):
        fam = families.get(r.parent)
        rng = date_range(r)
        if (fam is None or fam.get("selection") != "time_band" or not rng or rng[0] > rng[1]
                or r.get("selectable") is False or r.get("add_on") is not None
                or not isinstance(r.get("min_minutes"), int)
                or not isinstance(r.get("max_minutes"), int | None)):
            continue
        codes[r.parent].append((r, rng))
    reported: set[tuple[str, str, str]] = set()
    for fid, items in codes.items():
        groups: dict[tuple, list] = defaultdict(list)
        for r, rng in items:
            groups[(r.get("variant"), r.get("modality"))].append((r, rng))
        for (variant, modality), members in groups.items():
            statuses = {r.get("patient_status") for r, _ in members} - {"any"}
            for status in sorted(statuses) or ["any"]:
                subset = [(r, g) for r, g in members if r.get("patient_status") in (status, "any")]
                days = sorted({g[0] for _, g in subset} | {
                    g[1] + dt.timedelta(days=1) for _, g in subset if g[1] < dt.date.max})
                for day in days:
                    active = sorted(
                        (r for r, g in subset if g[0] <= day <= g[1]),
                        key=lambda r: (r.get("min_minutes"), r.file, r.line()))
                    for low, high in zip(active, active[1:], strict=False):
                        top = low.get("max_minutes")
                        if top is not None and high.get("min_minutes") == top + 1:
                            continue
                        kind = "gap" if top is not None and high.get("min_minutes") > top + 1 \
                            else "overlap"
                        key = (low.id, high.id, kind)
                        if key in reported:
                            continue
                        reported.add(key)
                        where = ", ".join(str(x) for x in (variant, modality) if x)
                        where = f" ({where})" if where else ""
                        if kind == "gap":
                            what = (f"time bands of {fid}{where} leave a gap between "
                                    f"{_band(low)} and {_band(high)} on {day.isoformat()}")
                        else:
                            what = (f"time bands of {fid}{where} overlap: {_band(low)} and "
                                    f"{_band(high)} on {day.isoformat()}")
                        yield high.problem(
                            RULE, what,
                            f"make each band start at the previous band's max_minutes + 1 "
                            f"(here min_minutes: {top + 1 if top is not None else '?'}), or end "
                            "one of the codes (`to`)", "min_minutes")
