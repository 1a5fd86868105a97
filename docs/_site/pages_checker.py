"""The checker widget's pages (extension point of docs/_site/hook.py).

The pages themselves are hand-written (docs/checker.md, docs/maintainers-widget.md). The
checker is a top-level item of mkdocs.yml's nav, next to Home (issue 17: a reader's tool, not
a maintainer's), so this module adds nothing to the nav.
"""

from __future__ import annotations

from typing import Any


def pages(codebook: Any) -> dict[str, str]:
    return {}


def nav(codebook: Any) -> list[dict[str, str]]:
    return []
