"""Source ids: what a codebook record cites, and lists of them merged without repeats.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["merge", "source_ids"]


def source_ids(record: dict[str, Any] | None) -> list[str]:
    """The source ids a record cites (its `sources` list of {id, locator} or plain ids)."""
    out: list[str] = []
    if not record:
        return out
    for s in record.get("sources") or ():
        ident = s.get("id") if isinstance(s, dict) else s
        if isinstance(ident, str) and ident not in out:
            out.append(ident)
    return out


def merge(into: list[str], more: Iterable[str]) -> list[str]:
    """`into` with the ids of `more` it lacks appended, in order (returns `into`)."""
    for s in more:
        if s not in into:
            into.append(s)
    return into
