"""What the current build knows beyond the codebook: which pages exist (set by hook.py).

Render functions ask `has_page("checker.md")` before linking to pages other helpers own, so
a build without them still passes `--strict`, and the links appear once the page exists.
"""

from __future__ import annotations

_pages: set[str] = set()


def set_pages(src_uris: set[str]) -> None:
    _pages.clear()
    _pages.update(src_uris)


def has_page(src_uri: str) -> bool:
    return src_uri in _pages
