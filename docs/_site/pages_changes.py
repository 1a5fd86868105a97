"""What changed: /changes/ and one page per year, /changes/<YEAR>/, generated from the diff.

Years: every covered year after the first (codebook.yaml `covers`), so a new year gets its
page as soon as the codebook covers it. A year's page lists, for every day of the year on
which a value changed (1 January first, then mid-year changes such as a flexibilities
lapse), what changed that day — exactly what `telecode diff <day-1> <day>` reports.

For other pages: `affected_codes(codebook, year)` lists the codes whose values change in the
year, `code_page_links(codebook, code)` gives each code page its "See also" links to those
years (the hook calls it), `years(codebook)` the years with a page.
"""

from __future__ import annotations

from typing import Any

from engine.core.codebook import Codebook
from engine.tooling import diff as _diff

from .text import code_src, esc, link, query_string, rel

# the groups of the narrative, in page order (their words: messages.yaml labels.change_group)
GROUP_ORDER = ("codes", "payment", "medicare_policy", "flexibilities")
# changes whose codes get links to code pages
SOURCE_KINDS = ("code", "status", "route", "telehealth_list")


def _bundle(codebook: Codebook | dict[str, Any]) -> dict[str, Any]:
    return codebook.bundle if isinstance(codebook, Codebook) else codebook


def years(codebook: Codebook | dict[str, Any]) -> list[int]:
    """Years that have a /changes/<year>/ page."""
    return _diff.covered_years(_bundle(codebook))


_AFFECTED: dict[tuple[str, int], list[str]] = {}


def affected_codes(codebook: Codebook | dict[str, Any], year: int) -> list[str]:
    """Codes whose values change during `year` (sorted; cached per codebook hash)."""
    bundle = _bundle(codebook)
    key = (str((bundle.get("meta") or {}).get("hash") or id(bundle)), year)
    if key not in _AFFECTED:
        _AFFECTED[key] = _diff.affected_codes(bundle, year)
    return _AFFECTED[key]


def code_page_links(codebook: Codebook, code: str) -> list[tuple[str, str]]:
    """'See also' links of /codes/<CODE>/: the years in which this code's values change."""
    return [(year_src(y), f"What changed in {y}") for y in years(codebook)
            if code in affected_codes(codebook, y)]


def year_src(year: int) -> str:
    return f"changes/{year}.md"


def year_page(codebook: Codebook, year: int) -> str:
    bundle = _bundle(codebook)
    src = year_src(year)
    known = {c["code"] for c in bundle.get("codes", [])}
    days = _diff.changes_in_year(bundle, year)
    total = sum(len(ch) for _, ch in days)
    lines = [f"# What changed in {year}", ""]
    lines += narrative(codebook, year)
    codes = affected_codes(bundle, year)
    if codes:
        lines += ["Codes whose entries change this year: "
                  + ", ".join(link(src, code_src(c), esc(c)) for c in codes if c in known), ""]
    # the value-level diff, for maintainers: folded (visible text of reader pages keeps to
    # words; the diff names records by their ids)
    lines += [
        '<details class="tc-dev" markdown="1">',
        f"<summary>For maintainers: every value of the codebook that changed in {year} "
        f"({total} change{'s' if total != 1 else ''})</summary>",
        "",
        "By the day the change took effect: codes added and ended, payment status per payer, "
        "what each payer wants reported (codes, modifiers, place of service), rules and "
        "windows, modifier and POS use, the Medicare telehealth flexibilities, source "
        f"conflicts. The same list comes from `telecode diff {year - 1} {year}` for 1 January, "
        "or `telecode diff DAY-BEFORE DAY` for a later date.",
        "",
    ]
    for day, changes in days:
        lines += [f"## {day}", ""]
        if not changes:
            lines += ["Nothing changed on this day.", ""]
            continue
        grouped = _diff.grouped_lines(changes)
        for kind in _diff.SECTIONS:
            if kind not in grouped:
                continue
            # the CLI's section titles, without its engine word "(routes)"
            title = _diff.SECTION_TITLES[kind].replace(" (routes)", "")
            lines += [f"### {title}", ""]
            for text, line_codes in grouped[kind]:
                item = esc(text)
                if kind in SOURCE_KINDS or kind == "citations":
                    links = [link(src, code_src(c), esc(c)) for c in line_codes if c in known]
                    if links:
                        item += " — " + ", ".join(links)
                lines.append(f"- {item}")
            lines.append("")
    lines += ["</details>", ""]
    prev_next = []
    if year - 1 in years(bundle):
        prev_next.append(link(src, year_src(year - 1), f"← {year - 1}"))
    prev_next.append(link(src, "changes/index.md", "All years"))
    if year + 1 in years(bundle):
        prev_next.append(link(src, year_src(year + 1), f"{year + 1} →"))
    lines += [" · ".join(prev_next), ""]
    return "\n".join(lines)


def entries(codebook: Codebook | dict[str, Any], year: int) -> list[dict[str, Any]]:
    """The codebook's `changes:` entries whose first day falls in `year`."""
    return [c for c in _bundle(codebook).get("changes", [])
            if str(c.get("from", ""))[:4] == str(year)]


def narrative(codebook: Codebook | dict[str, Any], year: int) -> list[str]:
    """The changes that alter what a coder reports (codebook/changes/<year>.yaml), grouped,
    each with its dates, codes, sources and a checker link with the checker's answer."""
    items = entries(codebook, year)
    if not items:
        return [f"No change for {year} is described in words yet; the full list of changed "
                "values is below.", ""]
    if not isinstance(codebook, Codebook):
        codebook = Codebook(codebook)
    from . import render, views  # the engine's answers (not needed for the data diff)

    src = year_src(year)
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in items:
        groups.setdefault(str(c.get("group")), []).append(c)
    order = list(GROUP_ORDER)
    out = [f"What a telehealth coder reports differently in {year}, in plain words. Each change "
           "links its sources and, where an encounter shows it, the checker with that "
           "encounter.", ""]
    for group in sorted(groups, key=lambda g: (order.index(g) if g in order else len(order), g)):
        out += [f"## {esc(codebook.label('change_group', group))} "
                f"{{ #group-{group.replace('_', '-')} }}", ""]
        for c in groups[group]:
            out += [f"### {esc(c.get('title'))} {{ #{c['id']} }}", ""]
            out += [esc(c.get("summary")), ""]
            facts = [f"From {esc(c.get('from'))}" + (f" to {esc(c['to'])}" if c.get("to") else "")]
            if c.get("codes"):
                facts.append("codes: " + ", ".join(
                    render.code_link(codebook, src, k) if k in codebook.code_index
                    else render.link(src, "modifiers.md", esc(k), f"mod-{k.lower()}")
                    if k in codebook.modifiers_by_code else esc(k) for k in c["codes"]))
            out += [" · ".join(facts), ""]
            if c.get("encounter"):
                result = views.encounter_result(codebook, c["encounter"],
                                                f"changes/{year}.yaml, change {c['id']!r}")
                # the checker page is hand-written (docs/checker.md): always in the build
                href = rel(src, "checker.md",  # the encounter in the fragment (issue 13)
                           anchor=query_string(views.encounter_params(c["encounter"])))
                out += [f'<a class="tc-try" href="{href}">See it in the checker</a> — the '
                        "checker's answer for this encounter: "
                        f"<strong>{esc(views.short_answer(result))}</strong>", ""]
            out += [f"<small>Sources: {render.provenance(codebook, src, c)}</small>", ""]
    return out


def index_page(codebook: Codebook) -> str:
    bundle = _bundle(codebook)
    src = "changes/index.md"
    lines = [
        "# What changed",
        "",
        "Codes and payer rules change every January, and sometimes during the year. Each page "
        "lists every value of the codebook that changed in that year, by the day it changed.",
        "",
    ]
    for year in reversed(years(bundle)):
        n = sum(len(ch) for _, ch in _diff.changes_in_year(bundle, year))
        lines.append(f"- {link(src, year_src(year), f'What changed in {year}')} "
                     f"({n} change{'s' if n != 1 else ''})")
    lines += ["", "How these pages are made and how a maintainer brings the codebook up to "
              f"date: {link(src, 'maintainers.md', 'the yearly update')}.", ""]
    return "\n".join(lines)


def pages(codebook: Codebook) -> dict[str, str]:
    out = {"changes/index.md": index_page(codebook)}
    for year in years(codebook):
        out[year_src(year)] = year_page(codebook, year)
    return out


def nav(codebook: Codebook) -> list:
    items: list[Any] = ["changes/index.md"]
    items += [{str(y): year_src(y)} for y in reversed(years(codebook))]
    return [{"What changed": items}, {"Maintainers": "maintainers.md"}]
