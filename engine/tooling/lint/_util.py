"""Helpers shared by lint rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.core.profile_lint import as_date, date_range, source_refs, span

__all__ = ["as_date", "date_range", "overlaps", "span", "strings", "source_refs", "first_day"]


def overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def first_day(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> dt.date:
    return max(a[0], b[0])


def strings(value: Any) -> list[tuple[int, str]]:
    """(index, text) of the strings in a list (skips anything else)."""
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
