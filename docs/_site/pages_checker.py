"""The checker widget's place in the nav (extension point of docs/_site/hook.py).

The pages themselves are hand-written (docs/checker.md, docs/maintainers-widget.md); this module
only lists the checker in the navigation, after the reference pages.
"""

from __future__ import annotations

from typing import Any


def pages(codebook: Any) -> dict[str, str]:
    return {}


def nav(codebook: Any) -> list[dict[str, str]]:
    return [{"Checker": "checker.md"}]
