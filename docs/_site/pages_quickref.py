"""The quick reference: /quick-reference/<YEAR>/, at most two Letter pages per year in print.

What to put on a claim, by payer, as claim lines (`99202–99215 | 95 | POS 10 …`): real-time
visits first, then check-ins, image reviews, e-visits, consultations and monitoring, with the
time each code needs, then the year's date caveats (flexibility lapses, codes that start or
end). Everything comes from the codebook's routes, codes and flexibility periods; the print
stylesheet (telecode.css, `.tc-qr`) sets it small and dense.
"""

from __future__ import annotations

from engine.core.codebook import Codebook
from engine.core.contract import REAL_TIME

from . import render, views, words
from .text import code_span, esc, link, table


def year_src(year: int) -> str:
    return f"quick-reference/{year}.md"


def _ranges(codes: list[str]) -> str:
    """`99202–99205, 99211–99215` from sorted numeric codes (others listed as they are)."""
    out: list[list[str]] = []
    for c in codes:
        if out and c.isdigit() and out[-1][-1].isdigit() and int(c) == int(out[-1][-1]) + 1:
            out[-1].append(c)
        else:
            out.append([c])
    return ", ".join(f"{g[0]}–{g[-1]}" if len(g) > 2 else ", ".join(g) for g in out)


def _codes_text(cb: Codebook, route: dict, start: str, end: str) -> str:
    """The codes a route reports in the year: ranges for MDM/time families, else each code
    with the time it needs."""
    parts = []
    for fid in route.get("families") or []:
        fam = cb.family(fid) or {}
        versions = {}
        for v in cb.codes_of_family(fid):
            if views.overlaps(v, start, end) and v.get("selectable") is not False \
                    and views.route_allows(route, v) \
                    and v.get("modality") in (None, route.get("modality")):
                versions[v["code"]] = v
        if not versions:
            continue
        if fam.get("selection") == "mdm_or_time":
            parts.append(esc(_ranges(sorted(versions))))
        else:
            parts.append(", ".join(
                f"{esc(c)}" + (f" <small>{render.time_text(cb, v)}</small>"
                               if render.time_text(cb, v) else "")
                for c, v in sorted(versions.items())))
    shown = " ".join(parts)
    for v in cb.bundle.get("codes", []):  # add-on codes of those codes
        primary = (v.get("add_on") or {}).get("primary")
        if primary and primary in shown and v["code"] not in shown \
                and views.overlaps(v, start, end):
            parts.append(f"+ {esc(v['code'])} <small>{render.time_text(cb, v)}</small>")
    return "; ".join(parts)


def _rows(cb: Codebook, modalities: tuple[str, ...], start: str, end: str):
    rows = []
    for mod in modalities:
        for payer in views.payer_ids(cb):
            for r in views.routes_in(cb, payer, mod, start, end):
                codes = _codes_text(cb, r, start, end)
                if not codes:
                    continue
                lo, hi = views.clip(r, start, end)
                when = words.when(cb, r)
                quals = []
                if (lo, hi) != (start, end):
                    quals.append(f"{esc(lo)} → {esc(hi)}")
                if when:
                    quals.append(esc(when))
                mods = " ".join(code_span(m) for m in r.get("modifiers") or []) or "none"
                rows.append([render.modality(mod), render.payer_name(cb, payer), codes, mods,
                             render.pos_words(cb, r, short=True), "; ".join(quals)])
    # payers with the same claim line share one row ("Commercial health plans, Medicaid")
    merged: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        key = (row[0], *row[2:])
        if key in merged:
            merged[key][1] += f", {row[1]}"
        else:
            merged[key] = list(row)
    return list(merged.values())


def _caveats(cb: Codebook, year: int, start: str, end: str) -> list[str]:
    out = []
    for p in cb.flexibilities:
        if views.overlaps(p, start, end) and p.get("state") != "extended":
            lo, hi = views.clip(p, start, end)
            restored = " (restored later by law: claims reprocessed)" if p.get("restored_by") \
                else ""
            out.append(f"{esc(lo)} → {esc(hi)}: Medicare telehealth flexibilities "
                       f"{esc(words.value_words(cb, 'flexibility_state', p.get('state')))}"
                       f"{restored}")
        elif views.overlaps(p, start, end) and p.get("to") and start <= p["to"] < end:
            out.append(f"Flexibilities extended to {esc(p['to'])} by {esc(p.get('law'))}")
    new = [c for c in views.all_codes(cb) if views.is_new_in(cb, c, year)]
    ended = [c for c in views.all_codes(cb) if views.ends_in(cb, c, year)]
    if new:
        out.append("New this year: " + esc(_ranges(sorted(new))))
    if ended:
        out.append("End this year: " + esc(_ranges(sorted(ended))))
    return out


def year_page(cb: Codebook, year: int) -> str:
    src = year_src(year)
    start, end = views.year_span(cb, year)
    header = ["Service", "Payer", "Codes", "Modifier", "Place of service", "Dates, conditions"]
    out = [f"# Telehealth quick reference {year}", "",
           f'<p class="tc-qr-meta">Dates of service {esc(start)} to {esc(end)} · codebook '
           f"{esc(cb.version)} · commercial and Medicaid lines are common defaults; plans vary "
           "· not legal or billing advice · CPT is a registered trademark of the AMA · "
           f"details: {link(src, 'payers.md', 'payers')}, {link(src, 'codes/index.md', 'codes')}"
           "</p>", "",
           "## Real-time visits: claim lines {: #real-time }", "",
           table(header, _rows(cb, REAL_TIME, start, end), cls="tc-qr"), "",
           "## Check-ins, image reviews, e-visits, consultations, monitoring {: #other }", "",
           table(header, _rows(cb, tuple(m for m in views.modalities(cb)
                                              if m not in REAL_TIME), start, end),
                 cls="tc-qr"), ""]
    caveats = _caveats(cb, year, start, end)
    if caveats:
        out += ["## Dates to watch {: #dates }", "",
                '<ul class="tc-qr-dates">' + "".join(f"<li>{c}</li>" for c in caveats)
                + "</ul>", ""]
    return "\n".join(out)


def pages(codebook: Codebook) -> dict[str, str]:
    front = "---\nhide:\n  - navigation\n  - toc\n---\n"
    return {f"quick-reference/{year}/": front + year_page(codebook, year)
            for year in views.years(codebook)}


def nav(codebook: Codebook) -> list:
    return [{"Quick reference": [{str(y): year_src(y)} for y in views.years(codebook)]}]
