"""Helpers shared by lint rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from engine.tooling.records import Record, as_date, date_range

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


def source_refs(record: Record) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path inside the record, source id) of every source reference of a record."""
    for i, ref in enumerate(record.get("sources") or []):
        if isinstance(ref, dict) and isinstance(ref.get("id"), str):
            yield ("sources", i, "id"), ref["id"]
    if record.kind == "conflict":
        for j, position in enumerate(record.get("positions") or []):
            if not isinstance(position, dict):
                continue
            for i, ref in enumerate(position.get("sources") or []):
                if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                    yield ("positions", j, "sources", i, "id"), ref["id"]
