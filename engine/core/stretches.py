"""Stretches of days: the one date-stretch algorithm of the engine, claim mode and the batch.

A dated record holds from its `from` to its `to` (both included). The *boundaries* of a set of
records are every `from` and the day after every `to` (callers may add other days, such as a
date a condition names); sorted, they split the calendar into stretches, and within one
stretch no record of the set starts or stops holding. `Stretches.index(day)` finds a day's
stretch with one bisect; stretch i is [starts[i], starts[i + 1]), and starts[0] is "" (the
stretch before every record). Each caller chooses its records: engine.core.plan (routes, rules,
codes, statuses, flexibility and provisional periods), engine.core.claim (those plus modifiers
and places of service) and engine.batch.cells.date_representatives (every date of the bundle).

Standard library only.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["Stretches", "bounds_of", "day_after"]

_ONE_DAY = _dt.timedelta(days=1)


def day_after(day: str) -> str:
    """The next day of a "YYYY-MM-DD" date. Text that is no date gets the smallest string
    after it, which sorts against real dates exactly as `day` does."""
    try:
        return (_dt.date.fromisoformat(day) + _ONE_DAY).isoformat()
    except ValueError:
        return day + "\x00"


def bounds_of(records: Iterable[Mapping[str, Any]], into: set[str] | None = None) -> set[str]:
    """The boundaries of `records` (every `from`, the day after every `to`) added to `into`."""
    bounds = set() if into is None else into
    for rec in records:
        start, end = rec.get("from"), rec.get("to")
        if isinstance(start, str):
            bounds.add(start)
        if isinstance(end, str):
            bounds.add(day_after(end))
    return bounds


class Stretches:
    """The sorted first days of the stretches that `bounds` cut; stretch i is
    [starts[i], starts[i + 1])."""

    __slots__ = ("starts",)

    def __init__(self, bounds: Iterable[str]) -> None:
        self.starts: list[str] = sorted({"", *bounds})

    def index(self, day: str) -> int:
        return bisect_right(self.starts, day) - 1

    def days(self, first: str, last: str) -> dict[str, str]:
        """Every day from `first` to `last` (dates) -> the first day of its stretch."""
        out: dict[str, str] = {}
        day, end = _dt.date.fromisoformat(first), _dt.date.fromisoformat(last)
        starts = self.starts
        while day <= end:
            text = day.isoformat()
            out[text] = starts[bisect_right(starts, text) - 1]
            day += _ONE_DAY
        return out
