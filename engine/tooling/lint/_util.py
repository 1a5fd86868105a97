"""Helpers shared by lint rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.core.profile_lint import source_refs
from engine.tooling.records import as_date, date_range

__all__ = ["as_date", "date_range", "overlaps", "span", "strings", "source_refs", "first_day"]


def overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def span(r: tuple[dt.date, dt.date]) -> str:
    end = "open" if r[1] == dt.date.max else r[1].isoformat()
    return f"{r[0].isoformat()}..{end}"


def first_day(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> dt.date:
    return max(a[0], b[0])


def strings(value: Any) -> list[tuple[int, str]]:
    """(index, text) of the strings in a list (skips anything else)."""
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
