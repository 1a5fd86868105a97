"""A printable quick reference per covered year: /print/<YEAR>/ (one section per family)."""

from __future__ import annotations

from engine.core.codebook import Codebook

from . import views


def pages(codebook: Codebook) -> dict[str, str]:
    # Full width on screen too (no sidebars): the page is a table sheet.
    front = "---\nhide:\n  - navigation\n  - toc\n---\n"
    return {f"print/{year}/": f"{front}{{{{ print_year({year}) }}}}\n"
            for year in views.years(codebook)}


def nav(codebook: Codebook) -> list:
    return [{"Print": [{str(year): f"print/{year}.md"} for year in views.years(codebook)]}]
