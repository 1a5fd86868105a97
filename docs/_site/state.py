"""What the current build knows beyond the codebook: which pages exist (set by hook.py).

Render functions ask `has_page("checker.md")` before linking to pages other helpers own, so
a build without them still passes `--strict`, and the links appear once the page exists.
"""

from __future__ import annotations

_pages: set[str] = set()
_stale_before: dict[str, str | None] = {"date": None}


def set_pages(src_uris: set[str]) -> None:
    _pages.clear()
    _pages.update(src_uris)


def has_page(src_uri: str) -> bool:
    return src_uri in _pages


def set_stale_before(day: str | None) -> None:
    """Records last verified before this day get the "needs review" badge (None: never)."""
    _stale_before["date"] = day


def is_stale(record: dict) -> bool:
    cutoff = _stale_before["date"]
    checked = record.get("last_verified")
    return bool(cutoff and checked and str(checked) < cutoff)
