"""Page sections as Markdown, rendered from the codebook and the engine.

Each public function takes `src`, the Markdown source path of the page it renders into (for
relative links), and returns Markdown. Codebook text is escaped with text.esc/esc_block;
words for the codebook's controlled vocabularies (statuses, modalities, ...) are display
labels only, explained on the conventions page.
"""

from __future__ import annotations

from typing import Any

from engine.core.codebook import Codebook

from . import extensions, source, state, views, words
from .text import (
    badge,
    code_span,
    code_src,
    esc,
    esc_block,
    evidence_badge,
    external_link,
    link,
    query_string,
    rel,
    slug,
    table,
)

Record = dict[str, Any]

# ---- display words for the codebook's vocabularies ---------------------------------------
STATUS_WORDS = {
    "payable": "payable",
    "contractor_priced": "contractor-priced",
    "not_valid": "not valid for this payer",
    "statutory_exclusion": "paid outside the fee schedule",
    "bundled": "bundled",
    "non_covered": "not covered",
    "excluded": "excluded",
    "bundled_or_excluded": "bundled or excluded",
    "measurement": "reporting only",
    "anesthesia": "anesthesia",
    "varies": "varies by plan or state",
    "no_record": "no record",
    "not_valid_on_date": "code not in effect",
}
STATUS_CLASS = {
    "payable": "ok", "contractor_priced": "ok", "varies": "maybe", "no_record": "none",
    "statutory_exclusion": "maybe",
    "not_valid_on_date": "none",
}
EFFECT_WORDS = {
    "deny": "not reportable",
    "drop": "line dropped",
    "not_covered": "not covered by the codebook",
    "warn": "warning",
    "info": "note",
    "checklist": "document",
}
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Note"}
USE_WORDS = {
    "required": "required", "accepted": "accepted", "limited": "limited use",
    "not_used": "not used", "varies": "varies",
}
BASIS_UNITS = {
    "minutes": "min",
    "discussion_or_minutes": "min of discussion",
    "evisit_periods": "min",
    "device_days": "days of data",
    "management_minutes": "min of management",
}


def word(table_: dict[str, str], value: Any) -> str:
    """Display word for a vocabulary value (escaped); unknown values shown as themselves."""
    if value is None:
        return ""
    return esc(table_.get(str(value), str(value).replace("_", " ")))


def modality(value: Any) -> str:
    """A modality as a table row or heading (messages.yaml labels.modality_title), escaped."""
    if value is None:
        return ""
    return esc(source.codebook().label("modality_title", value))


def status_word(value: str) -> str:
    return word(STATUS_WORDS, value)


def status_chip(value: str) -> str:
    cls = STATUS_CLASS.get(value, "no")
    return f'<span class="tc-status tc-status--{cls}">{status_word(value)}</span>'


def payer_name(cb: Codebook, payer_id: str, short: bool = True) -> str:
    name = cb.payer_short_name(payer_id) if short else (cb.payer(payer_id) or {}).get("name")
    return esc(str(name or payer_id))


# ---- shared pieces -----------------------------------------------------------------------
def code_link(cb: Codebook, src: str, code: str) -> str:
    """A code number linked to its page when the bundle has it, else plain."""
    if code in cb.code_index:
        return link(src, code_src(code), esc(code))
    return code_span(code)


def family_link(cb: Codebook, src: str, family_id: str) -> str:
    fam = cb.family(family_id)
    title = esc(fam.get("title") if fam else family_id)
    return link(src, "codes/index.md", title, f"family-{slug(family_id)}")


def source_refs(cb: Codebook, src: str, record: Record) -> str:
    """Inline source references of a record: linked titles with locators."""
    parts = []
    for ref in record.get("sources") or []:
        sid = ref.get("id")
        s = cb.source(sid) or {}
        title = esc(s.get("title") or sid)
        loc = f" ({esc(ref['locator'])})" if ref.get("locator") else ""
        parts.append(link(src, "sources.md", title, f"src-{slug(sid)}") + loc)
    return "; ".join(parts)


def provenance(cb: Codebook, src: str, record: Record) -> str:
    """Sources, evidence badge and note of a record, as one short line."""
    text = f"{evidence_badge(src, record)} {source_refs(cb, src, record)}"
    if record.get("note"):
        text += f" — {esc(record['note'])}"
    return text.strip()


def time_text(cb: Codebook, version: Record) -> str:
    """MDM and/or time of a code version, in words (escaped)."""
    family = cb.family(version.get("family")) or {}
    unit = BASIS_UNITS.get(family.get("time_basis") or "minutes", "min")
    if family.get("time_basis") == "evisit_periods" and family.get("period_days"):
        unit = f"min over {family['period_days']} days"
    low, high = version.get("min_minutes"), version.get("max_minutes")
    parts = []
    if version.get("mdm"):
        parts.append(f"MDM {esc(version['mdm'])}")
    add_on = version.get("add_on") or {}
    if add_on.get("first_at"):  # from a time per primary, then each further block
        starts = ", ".join(f"{esc(t)} {esc(unit)} with {esc(c)}"
                           for c, t in add_on["first_at"].items())
        each = add_on.get("each_minutes")
        parts.append(f"from {starts}" + (f"; one more per further {esc(each)} {esc(unit)}"
                                         if each else ""))
    elif add_on.get("primary"):
        each = add_on.get("each_minutes")
        parts.append(f"each extra {esc(each)} {esc(unit)} after {esc(add_on['primary'])}"
                     if each else f"add-on to {esc(add_on['primary'])}")
    elif add_on.get("primaries") and low is None:
        parts.append("add-on, no time")
    elif low is not None and high is not None:
        parts.append(f"{esc(low)}–{esc(high)} {esc(unit)}")
    elif low is not None:
        parts.append(f"{esc(low)}+ {esc(unit)}")
    return " or ".join(parts)


def code_badges(cb: Codebook, src: str, code: str, year: int | None = None) -> str:
    """Badges of a code (in a year's table: new/ended that year)."""
    out = []
    if year is not None:
        if views.is_new_in(cb, code, year):
            out.append(badge(src, "new", f"new {year}"))
        if views.ends_in(cb, code, year):
            _, last = views.code_span(cb, code)
            out.append(badge(src, "ended", f"ends {last}"))
    v = views.latest_version(cb, code)
    if v.get("evidence") == "unverified":
        out.append(badge(src, "unverified", title=v.get("note")))
    elif v.get("evidence") == "secondary":
        out.append(badge(src, "secondary"))
    if state.is_stale(v):
        out.append(badge(src, "needs-review", title=f"last verified {v.get('last_verified')}"))
    if v.get("selectable") is False:
        out.append(badge(src, "not-selected"))
    if v.get("add_on"):
        out.append(badge(src, "add-on"))
    return " ".join(out)


def segments_text(segs: list[views.Segment], whole: tuple[str, str]) -> str:
    """Status over a span: one chip, or dated chips where it changes."""
    if len(segs) == 1 and (segs[0].start, segs[0].end) == whole:
        return status_chip(segs[0].status)
    return "<br>".join(f"{status_chip(s.status)} {esc(s.start)} → {esc(s.end)}" for s in segs)


def checker_link(src: str, encounter: Record, text: str = "Try it in the checker") -> str:
    """A permalink into the checker, or "" while the checker page is not part of the build."""
    if not state.has_page("checker.md"):
        return ""
    href = rel(src, "checker.md", anchor=query_string(views.encounter_params(encounter)))
    return f'<a class="tc-try" href="{href}">{esc(text)}</a>'


def placeholders(cb: Codebook, text: str) -> str:
    """Escaped message template with its {placeholders} in words, shown as variables."""
    return "".join(f"<var>{esc(part)}</var>" if is_var else esc(part)
                   for is_var, part in words.fill_placeholders(cb, text))


_tab_sets = {"n": 0}


def years_tabs(cb: Codebook, name: str, body) -> str:
    """Content tabs, one per covered year (the year in force selected), as one raw HTML block
    with the markup of pymdownx.tabbed (alternate style), which the theme styles. `body(year)`
    returns the HTML of a tab; `name` makes the radio ids unique on the page."""
    ys = views.years(cb)
    now = views.current_year(cb)
    group = f"__tabbed_{slug(name)}"
    inputs = "".join(
        f'<input {"checked " if y == now else ""}id="{group}_{i}" name="{group}" type="radio">'
        for i, y in enumerate(ys, 1))
    labels = "".join(f'<label for="{group}_{i}">{esc(views.year_title(cb, y))}</label>'
                     for i, y in enumerate(ys, 1))
    blocks = "\n".join(f'<div class="tabbed-block">\n{provisional_note(cb, y)}{body(y)}\n</div>'
                       for y in ys)
    return (f'<div class="tabbed-set tabbed-alternate" data-tabs="1:{len(ys)}">{inputs}'
            f'<div class="tabbed-labels">{labels}</div>\n<div class="tabbed-content">\n'
            f"{blocks}\n</div>\n</div>")


def provisional_note(cb: Codebook, year: int) -> str:
    """For a provisional year: a warning box saying what its answers rest on and what is not
    yet reviewed (HTML, empty for a reviewed year)."""
    period = views.provisional_period(cb, year)
    if period is None:
        return ""
    items = "; ".join(esc(u) for u in period.get("unreviewed") or ())
    return (f'<div class="admonition warning tc-provisional"><p class="admonition-title">'
            f"{year} is provisional</p><p>Dates of service {esc(period.get('from'))} to "
            f"{esc(period.get('to'))} are answered from {esc(period.get('basis'))}. Not yet "
            f"reviewed: {items}. Check these before you bill; the review is due by "
            f"{esc(period.get('review_due'))}.</p></div>\n")


# ---- home --------------------------------------------------------------------------------
def home(cb: Codebook, src: str) -> str:
    meta = cb.meta
    year = views.current_year(cb)
    n_codes = len(cb.code_index)
    new = [c for c in views.all_codes(cb) if views.is_new_in(cb, c, year)]
    ended = [c for c in views.all_codes(cb) if views.ends_in(cb, c, year - 1)]
    lines = [
        f"Codebook **{esc(meta.get('version'))}**, released **{esc(meta.get('released'))}**, "
        f"covers dates of service **{esc(cb.covers_from)}** to **{esc(cb.covers_to)}**"
        + "".join(f", and provisionally **{esc(p.get('from'))}** to **{esc(p.get('to'))}**"
                  for p in cb.provisional) + ". "
        f"Year in force: **{year}**. {n_codes} codes, {len(cb.rules)} rules, "
        f"{len(cb.sources)} sources.",
        "",
    ]
    if new or ended:
        parts = []
        if new:
            parts.append(f"new in {year}: " + ", ".join(code_link(cb, src, c) for c in new))
        if ended:
            parts.append(f"ended in {year - 1}: " + ", ".join(code_link(cb, src, c) for c in ended))
        lines += ["What changed: " + "; ".join(parts) + ".", ""]
    if state.has_page("checker.md"):
        lines += [
            f'<a class="md-button md-button--primary" href="{rel(src, "checker.md")}">'
            "Check an encounter</a>",
            "",
        ]
    return "\n".join(lines)


# Pages other parts of the project add; linked from the home page when the build has them.
OPTIONAL_PAGES = [("maintainers.md", "Maintainer guide: the yearly update"),
                  ("performance.md", "Performance: batch checking and the encounter checker")]


def change_pages(cb: Codebook, src: str) -> str:
    """Links to the yearly "what changed" pages and other optional pages the build has."""
    links = [link(src, f"changes/{y}.md", f"What changed in {y}")
             for y in views.years(cb) if state.has_page(f"changes/{y}.md")]
    links += [link(src, page, esc(title)) for page, title in OPTIONAL_PAGES
              if state.has_page(page)]
    return " · ".join(links)


# ---- /codes/ -----------------------------------------------------------------------------
def who_text(version: Record) -> str:
    """Patient status and modality of a code version, in words."""
    parts = []
    status = version.get("patient_status")
    if status and status != "any":
        parts.append(esc(status))
    if version.get("modality"):
        parts.append(modality(version["modality"]).lower())
    return ", ".join(parts) or "any"


def code_table(cb: Codebook, src: str, codes: list[str], year: int) -> str:
    """The codes of a year: code, label + badges, patient/modality, MDM/time, primary status."""
    start, end = views.year_span(cb, year)
    payer = views.primary_payer(cb)
    rows = []
    for code in codes:
        v = views.versions_in(cb, code, start, end)[-1]
        badges = code_badges(cb, src, code, year)
        row = [f"<strong>{code_link(cb, src, code)}</strong>",
               esc(v.get("label")) + (f"<br>{badges}" if badges else ""),
               who_text(v), time_text(cb, v)]
        if payer:
            row.append(segments_text(views.status_segments(cb, code, payer, start, end),
                                     (start, end)))
        rows.append(row)
    header = ["Code", "What it is", "Patient, modality", "MDM / time"]
    if payer:
        header.append(payer_name(cb, payer))
    return table(header, rows, cls="tc-codes")


def year_codes(cb: Codebook, fid: str, year: int) -> list[str]:
    start, end = views.year_span(cb, year)
    return sorted({v["code"] for v in cb.codes_of_family(fid) if views.overlaps(v, start, end)})


def codes_by_year(cb: Codebook, src: str) -> str:
    def body(year: int) -> str:
        out = [f'<div class="tc-year" data-year="{year}">']
        for fid in views.family_order(cb):
            codes = year_codes(cb, fid, year)
            if codes:
                out.append(f'<p class="tc-family">{family_link(cb, src, fid)}</p>')
                out.append(code_table(cb, src, codes, year))
        out.append("</div>")
        return "\n".join(out)

    return years_tabs(cb, "codes", body)


def families(cb: Codebook, src: str) -> str:
    out = []
    for fid in views.family_order(cb):
        fam = cb.family(fid) or {}
        codes = sorted({v["code"] for v in cb.codes_of_family(fid)})
        out.append(f"### {esc(fam.get('title') or fid)} {{ #family-{slug(fid)} }}")
        out.append("")
        out.append(esc_block(fam.get("summary")))
        out.append("")
        facts = [f"Codes: {', '.join(code_link(cb, src, c) for c in codes)}",
                 f"Chosen by: {esc(cb.label('selection', fam.get('selection')))}"]
        if fam.get("time_basis") and fam.get("selection") != "fixed":
            facts.append(f"time counted: {esc(cb.label('time_basis', fam.get('time_basis')))}")
        if fam.get("period_days"):
            facts.append(f"period: {esc(fam['period_days'])} days")
        out.append(" · ".join(facts))
        out.append("")
        out.append(f"Sources: {provenance(cb, src, fam)}")
        out.append("")
    return "\n".join(out)


def print_links(cb: Codebook, src: str) -> str:
    return " · ".join(link(src, f"print/{y}.md", f"{y} quick reference") for y in views.years(cb))


# ---- /codes/<CODE>/ ----------------------------------------------------------------------
def code_page(cb: Codebook, code: str) -> str:
    src = code_src(code)
    versions = cb.code_versions(code)
    if not versions:
        raise KeyError(f"code {code!r} is not in the codebook")
    latest = versions[-1]
    fam = cb.family(latest.get("family")) or {}
    first, last = views.code_span(cb, code)
    out = _code_heading(cb, src, code, latest, fam, (first, last))
    out += _code_dates_section(cb, src, versions)
    out += _code_status_section(cb, code)
    out += payment_section(cb, src, code)
    out += _code_routes_section(cb, code, (first, last))
    out += _code_rules_section(cb, src, code)
    out += _code_related_section(cb, src, code, versions, latest)
    out += _code_extra_sections(cb, src, code)
    out += _code_faqs_section(cb, src, code)
    out += _code_sources_section(cb, src, code, versions, fam)
    return "\n".join(out)


def _code_heading(cb: Codebook, src: str, code: str, latest: Record,
                  fam: Record, span: tuple[Any, Any]) -> list[str]:
    """The title, the one-line facts, the family's summary and the "try it" link."""
    first, last = span
    out = [f"# {esc(code)} — {esc(latest.get('label'))} {{ #code-{slug(code)} }}", ""]
    out.append(f"{esc(latest.get('system'))} code · {family_link(cb, src, latest.get('family'))}"
               f" · valid {esc(first)} → {esc(last or 'open')} "
               + code_badges(cb, src, code))
    out.append("")
    if fam.get("summary"):
        out.append(esc_block(fam.get("summary")))
        out.append("")
    enc = views.try_it_encounter(cb, code)
    if enc is not None:
        try_link = checker_link(src, enc, f"Try {code} in the checker")
        if try_link:
            out += [try_link, ""]
    return out


def _code_dates_section(cb: Codebook, src: str, versions: list[Record]) -> list[str]:
    out = ["## Valid dates", ""]
    rows = []
    for v in versions:
        rows.append([f"{esc(v.get('from'))} →<br>{esc(v.get('to') or 'open')}",
                     esc(v.get("label")), who_text(v), time_text(cb, v), evidence_badge(src, v)])
    out.append(table(["Dates", "What it is", "Patient, modality", "MDM / time", "Evidence"], rows))
    out.append("")
    return out


def _code_status_section(cb: Codebook, code: str) -> list[str]:
    """The status by payer and year, then each payer's "instead" notes."""
    out = ["## Status by payer and year", ""]
    ys = views.years(cb)
    rows = []
    notes: list[str] = []
    for payer in views.payer_ids(cb):
        cells = [payer_name(cb, payer)]
        for year in ys:
            start, end = views.year_span(cb, year)
            segs = views.status_segments(cb, code, payer, start, end)
            cells.append(segments_text(segs, (start, end)))
            for s in segs:
                rec = s.record
                if rec and rec.get("instead"):
                    how = ("How it is paid, for" if rec.get("status") == "statutory_exclusion"
                           else "Instead, for")
                    note = (f"<strong>{how} {payer_name(cb, payer)}</strong> "
                            f"({esc(rec.get('from'))} → {esc(rec.get('to') or 'open')}): "
                            f"{esc(rec['instead'])}")
                    if note not in notes:
                        notes.append(note)
        rows.append(cells)
    out.append(table(["Payer", *[esc(views.year_title(cb, y)) for y in ys]], rows,
                     cls="tc-status-table"))
    out.append("")
    for note in notes:
        out.append(f"- {note}")
    if notes:
        out.append("")
    return out


def _code_routes_section(cb: Codebook, code: str, span: tuple[Any, Any]) -> list[str]:
    """What to report: each payer's modifiers and place of service for the code."""
    out = ["## Modifiers and place of service", ""]
    routes = views.routes_for_code(cb, code)
    if routes:
        out.append("What each payer wants reported with this code. Where a payer has several "
                   "lines, the first one whose condition fits the encounter applies.")
        out.append("")
        rows = [route_row(cb, r, span=span) for r in routes]
        out.append(table(ROUTE_HEADER, rows))
    else:
        out.append("No payer's instructions report this code: the checker never answers "
                   "with it (it is listed for reference).")
    out.append("")
    return out


def _code_rules_section(cb: Codebook, src: str, code: str) -> list[str]:
    out = ["## Rules that apply", ""]
    rules = views.rules_for_code(cb, code)
    if rules:
        out.append(rule_list(cb, src, rules))
    else:
        out.append("No rule in the codebook is scoped to this code or its family.")
    out.append("")
    return out


def _code_related_section(cb: Codebook, src: str, code: str, versions: list[Record],
                          latest: Record) -> list[str]:
    """Replaced and replacing codes, add-ons and primaries, then the family's other codes."""
    related = []
    for v in versions:
        for c in v.get("replaces") or []:
            related.append(f"- Replaces {code_link(cb, src, c)}")
        for c in v.get("replaced_by") or []:
            related.append(f"- Replaced by {code_link(cb, src, c)}")
    for other in views.all_codes(cb):
        if other == code:
            continue
        for v in cb.code_versions(other):
            if code in (v.get("replaces") or []):
                related.append(f"- Replaced by {code_link(cb, src, other)}")
            if code in (v.get("replaced_by") or []):
                related.append(f"- Replaces {code_link(cb, src, other)}")
            if code in views.add_on_primaries(v):
                related.append(f"- Add-on code {code_link(cb, src, other)}")
    for primary in views.add_on_primaries(latest):
        related.append(f"- Add-on to {code_link(cb, src, primary)}")
    siblings = sorted({v["code"] for v in cb.codes_of_family(latest.get("family"))} - {code})
    related = list(dict.fromkeys(related))
    out = ["## Related codes", ""]
    out += related or ["No replaced or replacing code."]
    out.append("")
    if siblings:
        out.append("Same family: " + ", ".join(code_link(cb, src, c) for c in siblings))
        out.append("")
    return out


def _code_extra_sections(cb: Codebook, src: str, code: str) -> list[str]:
    """The sections and "see also" links other generator modules add (e.g. the status of the
    code with each payer, the yearly "what changed" pages)."""
    out: list[str] = []
    for section in extensions.code_page_sections(cb, code, src):
        out += [section, ""]
    see_also = extensions.code_page_links(cb, code)
    if see_also:
        out += ["## See also", ""]
        out += [f"- {link(src, target, esc(text))}" for target, text in see_also]
        out.append("")
    return out


def _code_faqs_section(cb: Codebook, src: str, code: str) -> list[str]:
    faqs = [f for f in cb.faqs if code in (f.get("codes") or [])]
    out = ["## Questions about this code", ""]
    if faqs:
        for f in faqs:
            out.append(f"- {link(src, 'faq.md', esc(f.get('question')), slug(f['id']))}")
    else:
        out.append("No FAQ involves this code yet.")
    out.append("")
    return out


def _code_sources_section(cb: Codebook, src: str, code: str, versions: list[Record],
                          fam: Record) -> list[str]:
    """Every source the code's versions, its family and its statuses cite."""
    status_records = [s for p in views.payer_ids(cb) for s in cb.status_index.get((p, code), ())]
    out = ["## Sources", ""]
    cited = [("code", v) for v in versions] + [("family", fam)] + [
        ("status", s) for s in status_records]
    rows = []
    for kind, rec in cited:
        for ref in rec.get("sources") or []:
            s = cb.source(ref.get("id")) or {}
            rows.append([
                link(src, "sources.md", esc(s.get("title") or ref.get("id")),
                     f"src-{slug(ref.get('id'))}"),
                esc(ref.get("locator")),
                f'<span title="{esc(rec.get("id"))}">{cited_for(cb, code, kind, rec)}</span>',
                f'{esc(rec.get("last_verified"))} {evidence_badge(src, rec, with_date=False)}',
            ])
    out.append(table(["Source", "Where", "Cited for", "Last verified"], rows))
    out.append("")
    return out


PAYING = ("payable", "contractor_priced")
POS_RATE_RULE = "medicare-pos-02-facility-rate"


def money(value: float) -> str:
    return f"${value:,.2f}"


def national_amount(total: float, factor: float) -> float:
    """Total RVUs x conversion factor, rounded to the cent (half up): engine/core/payments.py."""
    from engine.core.payments import national_amount as core_amount

    return core_amount(total, factor)


def payment_section(cb: Codebook, src: str, code: str) -> list[str]:
    """`## Medicare payment`: national amounts per fee schedule the codebook holds
    (payments/*.yaml), non-facility and facility, with the rule on which applies."""
    rows = []
    schedules = [s for s in cb.bundle.get("payments", []) if s.get("payer") == "medicare"]
    for s in schedules:
        v = next((x for x in s.get("values") or [] if x.get("code") == code), None)
        if v is None:
            continue
        status = cb.status_name(code, "medicare", s["from"])
        factor = v.get("conversion_factor") or s["conversion_factor"]
        dates = f"{esc(s['from'])} →<br>{esc(s.get('to') or 'open')}"
        rvus = (f"{v['work_rvu']:.2f} / {v['pe_rvu_nonfacility']:.2f} / "
                f"{v['pe_rvu_facility']:.2f} / {v['mp_rvu']:.2f}")
        source = source_refs(cb, src, s)
        if status in PAYING and (v["total_nonfacility"] or v["total_facility"]):
            rows.append([dates,
                         f'<strong data-amount="nonfacility">'
                         f'{money(national_amount(v["total_nonfacility"], factor))}</strong>',
                         f'<strong data-amount="facility">'
                         f'{money(national_amount(v["total_facility"], factor))}</strong>',
                         f"{rvus}<br>× {factor:.4f}", source])
        else:
            why = ("paid outside the physician fee schedule (how: above)"
                   if status == "statutory_exclusion"
                   else f"Medicare does not pay this code ({status_word(status)})")
            rows.append([dates, why, "—", rvus, source])
    if not rows:
        return []
    out = ["## Medicare payment {: #medicare-payment }", "",
           "National Medicare amounts from the CMS relative value file (total RVUs × conversion "
           "factor; a locality's amount differs by its cost indices)."]
    rule = next((r for r in cb.rules if r.get("id") == POS_RATE_RULE), None)
    if rule:
        out[-1] += (" For a telehealth claim, **POS 10** (patient at home) is paid the "
                    "non-facility amount and **POS 02** (patient elsewhere) the facility amount, "
                    f"from {esc(rule.get('from'))}: "
                    + link(src, "rules.md", esc(rule.get("title")), slug(rule["id"]))
                    + f" <small>({source_refs(cb, src, rule)})</small>.")
    out += ["", table(["Dates of service", "Non-facility (POS 10)", "Facility (POS 02)",
                       "RVUs: work / PE non-facility / PE facility / MP", "Source"], rows,
                      cls="tc-payment"), ""]
    out += locality_section(cb, src, code, schedules)
    return out


def locality_section(cb: Codebook, src: str, code: str, schedules: list[Record]) -> list[str]:
    """`### In your locality`: a picker of the Medicare payment localities (localities/*.yaml,
    written by import-rvu --write-gpci) with the code's amount there, for each fee schedule
    whose dates fall in the localities' year. Amounts are computed here (engine/core/payments,
    locality_amount); the picker's script (assets/locality.js) only shows the chosen one."""
    from engine.core.payments import locality_amount

    out: list[str] = []
    for loc in cb.bundle.get("localities") or ():
        if loc.get("payer") != "medicare":
            continue
        for s in schedules:
            if not (loc["from"] <= s["from"] <= (loc.get("to") or "9999-12-31")):
                continue
            v = next((x for x in s.get("values") or [] if x.get("code") == code), None)
            if (v is None or cb.status_name(code, "medicare", s["from"]) not in PAYING
                    or not (v["total_nonfacility"] or v["total_facility"])):
                continue
            factor = v.get("conversion_factor") or s["conversion_factor"]
            ident = f"tc-locality-{slug(code)}-{slug(s['from'])}"
            options = ['<option value="">Choose a locality</option>']
            for place in sorted(loc["localities"], key=lambda p: (p["state"], p["name"])):
                nonfac = money(locality_amount(v, "nonfacility", place, factor))
                fac = money(locality_amount(v, "facility", place, factor))
                where = place.get("counties") or ""
                label = f"{place['state']} · {place['name'].title()}"
                if (where and "(" not in place["name"]
                        and where.upper() not in ("ALL COUNTIES", "ALL OTHER COUNTIES")):
                    label += f" ({where.title()})"
                options.append(
                    f'<option value="{esc(place["mac"])}-{esc(place["locality"])}" '
                    f'data-nonfacility="{nonfac}" data-facility="{fac}" '
                    f'data-gpci="{place["work"]} / {place["pe"]} / {place["mp"]}">'
                    f"{esc(label)}</option>")
            out += [f"### In a Medicare locality, from {esc(s['from'])} "
                    f"{{: #medicare-locality-{slug(s['from'])} }}", "",
                    "A locality's amount uses its geographic practice cost indices (GPCIs): "
                    "(work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × "
                    f"conversion factor ({factor:.4f}), before the deductible and coinsurance. "
                    f"Indices: {esc(loc['title'])} <small>({source_refs(cb, src, loc)})</small>.",
                    "",
                    f'<div class="tc-locality" data-locality-picker data-search-exclude '
                    f'data-code="{esc(code)}" hidden>'
                    f'<label for="{ident}">Locality</label> '
                    f'<select id="{ident}">{"".join(options)}</select>'
                    '<p class="tc-locality-amount" aria-live="polite" '
                    'data-testid="locality-amount"></p></div>',
                    "<noscript><p>The locality picker needs JavaScript.</p></noscript>", ""]
    return out


def cited_for(cb: Codebook, code: str, kind: str, rec: Record) -> str:
    """What a record cited on a code page says, in words (HTML)."""
    if kind == "code":
        return (f"the code from {esc(rec.get('from'))}"
                if len(cb.code_versions(code)) > 1 else "the code")
    if kind == "family":
        return f"the family {esc(rec.get('title'))}"
    payer = payer_name(cb, rec.get("payer")) if rec.get("payer") else "the payer"
    return (f"{payer} status ({status_word(str(rec.get('status')))}, "
            f"{esc(rec.get('from'))} → {esc(rec.get('to') or 'open')})")


ROUTE_HEADER = ["Payer", "Modality", "Dates", "When", "Modifiers", "POS"]


def route_row(cb: Codebook, r: Record, anchor: bool = False,
              span: tuple[str, str | None] | None = None) -> list[str]:
    """A route as a table row; `anchor` gives the row the id route-<id> (one page only);
    `span` (from, to) clips the dates shown to the days that matter on the page (a code's
    validity)."""
    start, end = r.get("from"), r.get("to")
    if span is not None:
        start = max(start or span[0], span[0])
        if span[1] is not None:
            end = min(end, span[1]) if end is not None else span[1]
    when = words.when(cb, r)
    return [
        (f'<span id="route-{slug(r["id"])}"></span>' if anchor else "")
        + payer_name(cb, r.get("payer")),
        modality(r.get("modality")),
        f"{esc(start)} →<br>{esc(end or 'open')}",
        esc(when[:1].upper() + when[1:]) if when else "Always",
        " ".join(code_span(m) for m in r.get("modifiers") or []) or "none",
        pos_words(cb, r),
    ]


def pos_words(cb: Codebook, r: Record, short: bool = False) -> str:
    """A route's place of service by patient location, in words (HTML)."""
    pos = r.get("pos") or {}
    parts = [f"{code_span(v)} {esc(words.value_words(cb, 'patient_location', k))}"
             for k, v in pos.items() if v]
    if parts:
        return ", ".join(parts)
    return ("the usual place of service (not a telehealth claim)" if short else
            "the place where the practitioner usually works (not billed as telehealth)")


def route_title(cb: Codebook, r: Record) -> str:
    """A route in words: payer and service, and its condition ("Commercial plans,
    interprofessional consultations, when the clinician is the requesting practitioner")."""
    text = f"{cb.label('payer', r.get('payer'))}, {cb.label('modality', r.get('modality'))}"
    text = text[:1].upper() + text[1:]
    when = words.when(cb, r)
    return f"{text}, when {when}" if when else text


def route_link(cb: Codebook, src: str, route_id: str) -> str:
    """A link to a route's row on the payers page, its text in words."""
    r = next((x for x in cb.routes if x.get("id") == route_id), None)
    text = esc(route_title(cb, r)) if r else esc(route_id.replace("-", " "))
    return link(src, "payers.md", text, f"route-{slug(route_id)}")


def rule_list(cb: Codebook, src: str, rules: list[Record]) -> str:
    out = []
    for r in rules:
        scope = r.get("scope") or {}
        bits = []
        if scope.get("payers"):
            bits.append(", ".join(payer_name(cb, p) for p in scope["payers"]))
        if scope.get("modalities"):
            bits.append(", ".join(modality(m) for m in scope["modalities"]))
        bits.append(f"{esc(r.get('from'))} → {esc(r.get('to') or 'open')}")
        effect = word(EFFECT_WORDS, r.get("effect"))
        title = link(src, "rules.md", esc(r.get("title") or r["id"]), slug(r["id"]))
        if r.get("conflict"):
            title += " " + badge(src, "conflict")
        out.append(f"- <strong>{title}</strong>"
                   f" ({effect}; {'; '.join(bits)}). {placeholders(cb, r.get('message') or '')} "
                   f"<small>{source_refs(cb, src, r)}</small>")
    return "\n".join(out)


# ---- /rules/ -----------------------------------------------------------------------------
def rules_page(cb: Codebook, src: str) -> str:
    out = []
    by_file: dict[str, list[Record]] = {}
    for r in cb.rules:
        by_file.setdefault(str(r.get("file") or "rules"), []).append(r)
    for fname, rules in by_file.items():
        stem = fname.rsplit("/", 1)[-1].removesuffix(".yaml")
        topic = stem.replace("-", " ")
        topic = topic[:1].upper() + topic[1:]
        out += [f"## {esc(topic)} {{ #topic-{slug(stem)} }}", ""]
        for r in rules:
            scope = r.get("scope") or {}
            out.append(f"### {esc(r.get('title') or r['id'])} {{ #{slug(r['id'])} }}")
            out.append("")
            facts = [f"Effect: **{word(EFFECT_WORDS, r.get('effect'))}**",
                     f"dates: {esc(r.get('from'))} → {esc(r.get('to') or 'open')}"]
            if scope.get("payers"):
                facts.append("payers: " + ", ".join(payer_name(cb, p) for p in scope["payers"]))
            if scope.get("modalities"):
                facts.append("services: " + ", ".join(esc(cb.label("modality", m))
                                                       for m in scope["modalities"]))
            if scope.get("clinicians"):
                facts.append("clinicians: " + ", ".join(esc(cb.label("clinician", c))
                                                        for c in scope["clinicians"]))
            if scope.get("routes"):
                facts.append("when billed as: " + ", ".join(
                    route_link(cb, src, rid) for rid in scope["routes"]))
            if scope.get("families"):
                facts.append("families: " + ", ".join(family_link(cb, src, f)
                                                       for f in scope["families"]))
            if scope.get("codes"):
                facts.append("codes: " + ", ".join(code_link(cb, src, c) for c in scope["codes"]))
            out.append(" · ".join(facts))
            out.append("")
            if r.get("when"):
                text = words.condition(cb, r["when"])
                out.append(f"When: {esc(text[:1].upper() + text[1:])}")
                out.append("")
            out.append(f"Message: {placeholders(cb, r.get('message') or '')}")
            out.append("")
            if r.get("conflict"):
                topic = (cb.conflict(r["conflict"]) or {}).get("topic") or r["conflict"]
                out.append(badge(src, "conflict") + " " + link(
                    src, "sources.md", esc(topic), f"conflict-{slug(r['conflict'])}"))
                out.append("")
            out.append(f"Sources: {provenance(cb, src, r)}")
            out.append("")
    return "\n".join(out)


# ---- /modifiers/ and /place-of-service/ -----------------------------------------------------
def _scoped_items(cb: Codebook, src: str, items: list[Record], prefix: str,
                  noun: str) -> str:
    out = []
    for m in items:
        # "Modifier 93 — …", "POS 10 — …": the words a search names them by, in the heading
        out.append(f"## {noun} {esc(m.get('code'))} — {esc(m.get('label'))} "
                   f"{{ #{prefix}-{slug(m.get('code'))} }}")
        out.append("")
        out.append(f"{esc(m.get('system'))} · valid {esc(m.get('from'))} → "
                   f"{esc(m.get('to') or 'open')}")
        out.append("")
        out.append(esc_block(m.get("summary")))
        out.append("")
        rows = [[payer_name(cb, s.get("payer")) if s.get("payer") != "any" else "Any payer",
                 f"<strong>{word(USE_WORDS, s.get('use'))}</strong>",
                 f"{esc(s.get('from'))} → {esc(s.get('to') or 'open')}", esc(s.get("note"))]
                for s in m.get("scope") or []]
        if rows:
            out.append(table(["Payer", "Use", "Dates", "Note"], rows))
            out.append("")
        routes = views.by_payer(cb, [r for r in cb.routes
                                     if m.get("code") in (r.get("modifiers") or [])
                                     or m.get("code") in (r.get("pos") or {}).values()])
        if routes:
            out.append("Payers that ask for it:")
            out.append("")
            out.append(table(ROUTE_HEADER, [route_row(cb, r) for r in routes]))
            out.append("")
        out.append(f"Sources: {provenance(cb, src, m)}")
        out.append("")
    return "\n".join(out)


def modifiers_page(cb: Codebook, src: str) -> str:
    return _scoped_items(cb, src, cb.bundle.get("modifiers", []), "mod", "Modifier")


def pos_page(cb: Codebook, src: str) -> str:
    return _scoped_items(cb, src, cb.bundle.get("places_of_service", []), "pos", "POS")


# ---- /payers/ ----------------------------------------------------------------------------
def payer_matrix(cb: Codebook, src: str) -> str:
    payers = views.payer_ids(cb)

    def cell(payer: str, mod: str, start: str, end: str) -> str:
        parts = []
        for r in views.routes_in(cb, payer, mod, start, end):
            lo, hi = views.clip(r, start, end)
            fams = ", ".join(family_link(cb, src, f) for f in r.get("families") or [])
            if r.get("codes"):
                fams += " (" + ", ".join(code_link(cb, src, c) for c in r["codes"]) + ")"
            mods = " ".join(code_span(m) for m in r.get("modifiers") or []) or "no modifier"
            pos = r.get("pos") or {}
            pos_text = ("POS " + pos_words(cb, r, short=True)) if pos else \
                pos_words(cb, r, short=True)
            text = f"{fams}<br>{mods} · {pos_text}"
            qual = []
            if (lo, hi) != (start, end):
                qual.append(f"{esc(lo)} → {esc(hi)}")
            when = words.when(cb, r)
            if when:
                qual.append(f"if {esc(when)}")
            if qual:
                text = f"<small>{'; '.join(qual)}:</small><br>{text}"
            parts.append(text)
        none = '<span class="tc-none">no answer in the codebook: check the payer</span>'
        return "<hr>".join(parts) if parts else none

    def body(year: int) -> str:
        start, end = views.year_span(cb, year)
        header = ["Modality"] + [payer_name(cb, p) + (" (default)" if (cb.payer(p) or {}).get(
            "defaults_only") else "") for p in payers]
        rows = [[f"<strong>{modality(m)}</strong>"] + [cell(p, m, start, end) for p in payers]
                for m in views.modalities(cb)]
        return (f'<div class="tc-year" data-year="{year}">\n'
                + table(header, rows, cls="tc-matrix") + "\n</div>")

    return years_tabs(cb, "payers", body)


def payer_list(cb: Codebook, src: str) -> str:
    out = []
    for pid in views.payer_ids(cb):
        p = cb.payer(pid) or {}
        title = f"## {payer_name(cb, pid, short=False)} {{ #payer-{slug(pid)} }}"
        out += [title, ""]
        if p.get("defaults_only"):
            out += [badge(src, "defaults") + " These are defaults; each plan or state decides.",
                    ""]
        out += [esc_block(p.get("summary")), ""]
        routes = cb.routes_of(pid)
        if routes:
            out.append(table(ROUTE_HEADER, [route_row(cb, r, anchor=True) for r in routes]))
            out.append("")
            for r in routes:
                if r.get("summary"):
                    out.append(f"- <strong>{esc(route_title(cb, r))}</strong>: {esc(r['summary'])} "
                               f"<small>{source_refs(cb, src, r)}</small>")
            out.append("")
        out.append(f"Sources: {provenance(cb, src, p)}")
        out.append("")
    return "\n".join(out)


# ---- /medicare-flexibilities/ ---------------------------------------------------------------
def flexibilities(cb: Codebook, src: str) -> str:
    periods = cb.flexibilities
    if not periods:
        return "The codebook has no flexibility periods."
    first = min(p.get("from") or "" for p in periods)
    last = max(p.get("to") or cb.covers_to or "" for p in periods)
    from datetime import date
    total = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
    # SVG, not styled spans: positions are SVG attributes, as the Content-Security-Policy
    # (style-src 'self', docs/_site/csp.py) allows no style attribute in a page.
    widths = []
    for p in periods:
        hi = p.get("to") or last
        days = (date.fromisoformat(hi) - date.fromisoformat(p.get("from"))).days + 1
        widths.append(max(days * 100 / total, 0.6))
    scale = 100 / max(sum(widths), 100)  # the 0.6% minimum may add up to more than the bar
    bar = ['<svg class="tc-timeline" width="100%" role="img" aria-label="Timeline of Medicare '
           f'telehealth flexibility periods from {esc(first)} to {esc(last)}">']
    x = 0.0
    for p, width in zip(periods, widths, strict=True):
        lo = p.get("from")
        hi = p.get("to") or last
        kind = "lapse-restored" if p.get("restored_by") else slug(p.get("state"))
        bar.append(f'<rect class="tc-timeline__seg tc-flex--{kind}" x="{x:.2f}%" y="0" '
                   f'width="{width * scale:.2f}%" height="100%">'
                   f'<title>{esc(lo)} → {esc(hi)}: {esc(p.get("state"))}</title></rect>')
        x += width * scale
    bar.append("</svg>")
    ticks = ['<svg class="tc-timeline-axis" width="100%" aria-hidden="true">']
    for year in range(int(first[:4]) + 1, int(last[:4]) + 1):
        left = (date(year, 1, 1) - date.fromisoformat(first)).days * 100 / total
        ticks.append(f'<line x1="{left:.2f}%" x2="{left:.2f}%" y1="0" y2="100%"></line>'
                     f'<text x="{left:.2f}%" dx="3" y="11">{year}</text>')
    ticks.append("</svg>")
    out = ["\n".join(["<div>", *bar, *ticks, "</div>"]), ""]  # a div: an HTML block
    rows = []
    for p in periods:
        state_ = str(p.get("state"))
        restored = p.get("restored_by")
        rows.append([
            f'<a href="#{slug(p["id"])}">{esc(p.get("from"))} → {esc(p.get("to") or "open")}</a>',
            f'<span class="tc-flex tc-flex--{slug(state_)}">{esc(state_)}</span>'
            + (" (restored later)" if restored else ""),
            esc(p.get("law")),
        ])
    out.append(table(["Dates", "State", "Law"], rows))
    out += ["", '<p class="tc-legend"><span class="tc-key tc-flex--extended"></span> extended '
            '<span class="tc-key tc-flex--lapse"></span> lapse '
            '<span class="tc-key tc-flex--lapse-restored"></span> lapse, restored later by law'
            "</p>", "", "## Periods", ""]
    for p in periods:
        out.append(f"### {esc(p.get('from'))} → {esc(p.get('to') or 'open')}: "
                   f"{esc(p.get('state'))} {{ #{slug(p['id'])} }}")
        out.append("")
        if p.get("law"):
            out.append(f"Law: {esc(p['law'])}")
            out.append("")
        if p.get("restored_by"):
            other = cb.flexibility(p["restored_by"]) or {}
            out.append(f'Restored retroactively by <a href="#{slug(p["restored_by"])}">'
                       f"{esc(other.get('law') or p['restored_by'])}</a>.")
            out.append("")
        out.append(esc_block(p.get("summary")))
        out.append("")
        out.append(f"Sources: {provenance(cb, src, p)}")
        out.append("")
    return "\n".join(out)


# ---- /faq/ -------------------------------------------------------------------------------
def result_lines(cb: Codebook, src: str, result: Record) -> str:
    """The engine's result: billable, code lines, warnings (Markdown)."""
    out = []
    lines = result.get("lines") or []
    if lines:
        rows = [[f"<strong>{code_link(cb, src, str(ln.get('code')))}</strong>",
                 " ".join(code_span(m) for m in ln.get("modifiers") or []) or "none",
                 code_span(ln["pos"]) if ln.get("pos") else "usual place of service",
                 esc(ln.get("units")), esc(ln.get("label"))] for ln in lines]
        out.append(table(["Code", "Modifiers", "POS", "Units", "What it is"], rows,
                         cls="tc-answer"))
    else:
        out.append('<p class="tc-notbillable"><strong>Nothing is separately reportable.'
                   '</strong></p>')
    out.append("")
    for w in result.get("warnings") or []:
        sev = str(w.get("severity") or "info")
        kind = {"error": "danger", "warning": "warning"}.get(sev, "info")
        refs = "; ".join(link(src, "sources.md", esc((cb.source(s) or {}).get("title") or s),
                              f"src-{slug(s)}") for s in w.get("sources") or [])
        out.append(f'!!! {kind} "{esc(SEVERITY_WORDS.get(sev, sev))}"')
        out.append("")
        out.append(f"    {esc(w.get('message'))}")
        if refs:
            out.append("")
            out.append(f'    <small title="{esc(w.get("id"))}">{refs}</small>')
        out.append("")
    return "\n".join(out)


def encounter_text(cb: Codebook, enc: Record) -> str:
    """An encounter in words: `payer: Medicare · service: audio-video visits · ...`."""
    return " · ".join(f"{esc(name)}: <strong>{esc(value)}</strong>"
                      for name, value in words.encounter(cb, enc))


def faq_page(cb: Codebook, src: str) -> str:
    out = [f"The answers below were computed by the engine when this site was built "
           f"(codebook {esc(cb.version)}); the build fails if any of them disagrees with the "
           "answer the FAQ states.", ""]
    for faq, result in views.checked_faqs(cb):
        out.append(f"## {esc(faq.get('question'))} {{ #{slug(faq['id'])} }}")
        out.append("")
        out.append(esc_block(faq.get("answer")))
        out.append("")
        involved = []
        for c in faq.get("codes") or []:
            if c in cb.code_index:
                involved.append(code_link(cb, src, c))
            elif c in cb.modifiers_by_code:
                involved.append(link(src, "modifiers.md", esc(c), f"mod-{slug(c)}"))
            else:
                involved.append(code_span(c))
        if involved:
            out += ["Involves: " + ", ".join(involved), ""]
        out += [f'<p class="tc-encounter"><strong>Encounter:</strong> '
                f'{encounter_text(cb, faq["encounter"])}</p>', ""]
        out += ["**Engine answer:**", "", result_lines(cb, src, result)]
        if result.get("checklist"):
            out.append('??? note "Document"')
            out.append("")
            for item in result["checklist"]:
                out.append(f"    - {esc(item)}")
            out.append("")
        try_link = checker_link(src, faq["encounter"], "Try this encounter in the checker")
        if try_link:
            out += [try_link, ""]
        out.append(f"<small>Sources: {provenance(cb, src, faq)}</small>")
        out.append("")
    return "\n".join(out)


# ---- /documentation/ -----------------------------------------------------------------------
def documentation(cb: Codebook, src: str) -> str:
    checklist = [r for r in cb.rules if r.get("effect") == "checklist"]
    out = []
    groups: list[tuple[str, list[Record]]] = []
    used: set[str] = set()
    for fid in views.family_order(cb):
        rs = [r for r in checklist if fid in ((r.get("scope") or {}).get("families") or [])]
        if rs:
            groups.append((f"family:{fid}", rs))
            used.update(r["id"] for r in rs)
    by_modality: list[tuple[str, list[Record]]] = []
    for mod in views.modalities(cb):
        rs = [r for r in checklist if r["id"] not in used
              and mod in ((r.get("scope") or {}).get("modalities") or [])]
        if rs:
            by_modality.append((f"modality:{mod}", rs))
    rest = [r for r in checklist if r["id"] not in used
            and not (r.get("scope") or {}).get("modalities")]
    # general items first, then by kind of service, then what a family adds
    groups = ([("all", rest)] if rest else []) + by_modality + groups
    for key, rs in groups:
        kind, _, value = key.partition(":")
        if kind == "family":
            fam = cb.family(value) or {}
            out += [f"## {esc(fam.get('title') or value)} {{ #doc-{slug(value)} }}", "",
                    "Codes: " + ", ".join(code_link(cb, src, c) for c in
                                          sorted({v["code"] for v in cb.codes_of_family(value)})),
                    ""]
        elif kind == "modality":
            out += [f"## {modality(value)} services {{ #doc-{slug(value)} }}", ""]
        else:
            out += ["## Every telehealth service {: #doc-all }", ""]
        for r in rs:
            scope = r.get("scope") or {}
            quals = []
            if scope.get("payers"):
                quals.append(", ".join(payer_name(cb, p) for p in scope["payers"]))
            if kind != "modality" and scope.get("modalities"):
                quals.append(", ".join(modality(m) for m in scope["modalities"]))
            if r.get("from") != cb.covers_from or r.get("to"):
                quals.append(f"{esc(r.get('from'))} → {esc(r.get('to') or 'open')}")
            if r.get("when"):
                quals.append("when " + esc(words.condition(cb, r["when"])))
            qual = f" <small>({'; '.join(quals)})</small>" if quals else ""
            out.append(f"- {placeholders(cb, r.get('message') or '')}{qual} "
                       f"<small>{link(src, 'rules.md', 'rule', slug(r['id']))} · "
                       f"{source_refs(cb, src, r)}</small>")
        out.append("")
    if not groups:
        out.append("The codebook has no checklist rules yet.")
    return "\n".join(out)


# ---- /sources/ ---------------------------------------------------------------------------
def _record_link(cb: Codebook, src: str, kind: str, rec: Record) -> str:
    rid = str(rec.get("id"))
    if kind == "code":
        return code_link(cb, src, rec["code"]) + (f" ({esc(rec['from'])})"
                                                  if len(cb.code_versions(rec["code"])) > 1 else "")
    if kind == "family":
        return family_link(cb, src, rid)
    if kind == "modifier":
        return link(src, "modifiers.md", "modifier " + esc(rec.get("code")),
                    f"mod-{slug(rec.get('code'))}")
    if kind == "place of service":
        return link(src, "place-of-service.md", "POS " + esc(rec.get("code")),
                    f"pos-{slug(rec.get('code'))}")
    if kind == "payer":
        return link(src, "payers.md", payer_name(cb, rid), f"payer-{slug(rid)}")
    if kind == "status":
        codes = rec.get("codes") or []
        target = codes[0] if codes else None
        what = codes[0] if len(codes) == 1 else (f"{codes[0]}–{codes[-1]}" if codes else "")
        text = (f"{payer_name(cb, rec.get('payer'))} status of {esc(what)} "
                f"({status_word(str(rec.get('status')))}, from {esc(rec.get('from'))})")
        return link(src, code_src(target), text) if target in cb.code_index else text
    if kind == "route":
        return route_link(cb, src, rid)
    if kind == "rule":
        return link(src, "rules.md", esc(rec.get("title") or rid), slug(rid))
    if kind == "flexibility period":
        return link(src, "medicare-flexibilities.md",
                    f"{esc(rec.get('from'))} → {esc(rec.get('to') or 'open')}", slug(rid))
    if kind == "conflict":
        return link(src, "sources.md", esc(rec.get("topic") or rid), f"conflict-{slug(rid)}")
    if kind == "FAQ":
        return link(src, "faq.md", esc(rec.get("question") or rid), slug(rid))
    if kind == "message":
        return esc(rec.get("title") or "a checker message")
    return esc(kind)


# the kinds of record citing a source, as the sources page names them
KIND_WORDS = {"route": "what a payer wants reported", "status": "payment status",
              "flexibility period": "Medicare flexibilities", "conflict": "disagreement",
              "message": "checker message", "family": "code family"}
SOURCE_KIND_WORDS = {"primary": "primary source", "secondary": "secondary source",
                     "source-document": "source document (a data file)"}


def sources_page(cb: Codebook, src: str) -> str:
    """Bibliography (raw HTML blocks): each source, its facts, and the records citing it."""
    citing = views.citing_records(cb)
    out = []
    for sid, s in sorted(cb.sources.items(), key=lambda kv: str(kv[1].get("title")).lower()):
        recs = citing.get(sid, [])
        facts = [esc(s.get("publisher")), f"published {esc(s.get('published'))}",
                 f"accessed {esc(s.get('accessed'))}", esc(SOURCE_KIND_WORDS.get(
                     str(s.get("kind")), str(s.get("kind")).replace("_", " ")))]
        block = [f'<div class="tc-source" id="src-{slug(sid)}" title="{esc(sid)}">',
                 f"<p><strong>{external_link(s.get('title'), s.get('url'))}</strong><br>"
                 + " · ".join(f for f in facts if f) + "</p>"]
        if recs:
            kinds: dict[str, list[str]] = {}
            for kind, rec in recs:
                kinds.setdefault(kind, []).append(_record_link(cb, src, kind, rec))
            items = "".join(f"<li>{esc(KIND_WORDS.get(kind, kind))}: "
                            f"{', '.join(dict.fromkeys(links))}</li>"
                            for kind, links in kinds.items())
            block.append(f'<details class="quote"><summary>Cited by {len(recs)} '
                         f'record{"s" if len(recs) != 1 else ""}</summary><ul>{items}</ul>'
                         "</details>")
        else:
            block.append("<p>Not cited by any record.</p>")
        block.append("</div>")
        out.append("\n".join(block))
        out.append("")
    return "\n".join(out)


def conflicts_page(cb: Codebook, src: str) -> str:
    out = []
    for c in cb.bundle.get("conflicts", []):
        out.append(f"### {esc(c.get('topic'))} {{ #conflict-{slug(c['id'])} }}")
        out.append("")
        out.append(f"**Our default:** {esc(c.get('chosen'))}")
        out.append("")
        for pos in c.get("positions") or []:
            out.append(f"- {esc(pos.get('claim'))} <small>{source_refs(cb, src, pos)}</small>")
        out.append("")
        out.append(f"**Why:** {esc(c.get('reason'))}")
        out.append("")
        kind = "an error in a source document" if c.get("kind") == "source_document" else \
            "sources disagree"
        out.append(f"{badge(src, 'conflict', kind)} {esc(c.get('from'))} → "
                   f"{esc(c.get('to') or 'open')} · {provenance(cb, src, c)}")
        out.append("")
    return "\n".join(out) or "No recorded disagreements."


# ---- /conventions/ -----------------------------------------------------------------------
def status_vocabulary(cb: Codebook, src: str) -> str:  # noqa: ARG001 - a section macro: fn(codebook, page)
    """The statuses as shown, with what each means; the codebook values for developers."""
    rows = [[status_chip(k), esc(cb.label("status", k))] for k in STATUS_WORDS]
    dev = [[code_span(k), status_chip(k)] for k in STATUS_WORDS]
    return (table(["Shown as", "Meaning"], rows) + "\n\n"
            '<details class="tc-dev"><summary>For developers: the codebook values</summary>\n'
            + table(["Codebook value", "Shown as"], dev) + "\n</details>")


# ---- /print/<YEAR>/ ------------------------------------------------------------------------
def print_year(cb: Codebook, year: int) -> str:
    """A printable quick reference for one year: a section (a printed page) per family."""
    src = f"print/{year}.md"
    start, end = views.year_span(cb, year)
    out = [f"# Telehealth coding quick reference {esc(views.year_title(cb, year))}", "",
           provisional_note(cb, year),
           f'<p class="tc-print-meta">Dates of service {esc(start)} to {esc(end)} · codebook '
           f"{esc(cb.version)} · released {esc(cb.meta.get('released'))} · not legal or billing "
           "advice · CPT is a registered trademark of the American Medical Association.</p>", ""]
    payers = views.payer_ids(cb)
    for fid in views.family_order(cb):
        codes = year_codes(cb, fid, year)
        if not codes:
            continue
        fam = cb.family(fid) or {}
        out.append(f"## {esc(fam.get('title') or fid)} {{ #family-{slug(fid)} .tc-print-family }}")
        out.append("")
        rows = []
        for code in codes:
            v = views.versions_in(cb, code, start, end)[-1]
            cells = [f"<strong>{code_link(cb, src, code)}</strong>",
                     esc(v.get("label")) + " " + code_badges(cb, src, code, year),
                     who_text(v), time_text(cb, v)]
            for p in payers:
                cells.append(segments_text(views.status_segments(cb, code, p, start, end),
                                           (start, end)))
            rows.append(cells)
        out.append(table(["Code", "What it is", "Patient, modality", "MDM / time",
                          *[payer_name(cb, p) for p in payers]], rows, cls="tc-print-table"))
        out.append("")
        routes = views.by_payer(cb, [r for r in cb.routes if fid in (r.get("families") or [])
                                     and views.overlaps(r, start, end)])
        if routes:
            out.append("**Report with:**")
            out.append("")
            out.append(table(ROUTE_HEADER, [route_row(cb, r) for r in routes],
                             cls="tc-print-table"))
            out.append("")
        rules = [r for r in views.rules_for_family(cb, fid) if views.overlaps(r, start, end)
                 and r.get("effect") != "checklist"]
        if rules:
            out.append("**Rules:** " + " · ".join(
                link(src, "rules.md", esc(r.get("title") or r["id"]), slug(r["id"]))
                for r in rules))
            out.append("")
    return "\n".join(out)
