"""A printable quick reference per covered year: /print/<YEAR>/ (one section per family)."""

from __future__ import annotations

from engine.codebook import Codebook

from . import views


def pages(codebook: Codebook) -> dict[str, str]:
    return {f"print/{year}/": f"{{{{ print_year({year}) }}}}\n" for year in views.years(codebook)}


def nav(codebook: Codebook) -> list:
    return [{"Print": [{str(year): f"print/{year}.md"} for year in views.years(codebook)]}]
