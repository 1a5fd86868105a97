"""Payer profiles on the site: the payer matrix (/payers/matrix/: one column per payer, filterable,
cards on a phone) and one page per payer (/payers/<id>/: its dated rules, sources, what it
inherits and from whom).

The pages read the codebook with its payer profiles (`source.with_profiles()`), which includes
a practice's own profiles when the build is given them (scripts/build --payer-profiles DIR).
Every text from a profile is escaped (`_site.text.esc`): a profile file is data, never markup.
"""

from __future__ import annotations

import html
import json
from typing import Any

from engine.core.codebook import Codebook

from . import source, views, words
from .render import family_link, modality, payer_name, source_refs
from .text import code_span, esc, esc_block, evidence_badge, link, slug

MATRIX = "payers/matrix.md"
# The payer kinds in the order the site lists them (their words: messages.yaml
# labels.payer_type); the defaults Medicare, commercial and Medicaid are kinds of their own.
TYPE_ORDER = ("medicare", "commercial", "medicare_advantage", "medicaid")
RESERVED = {"matrix", "index"}


def attr(value: object) -> str:
    """An HTML attribute value (ids: lowercase letters, digits, underscores) escaped as such."""
    return html.escape(str(value), quote=True)


def payer_src(pid: str) -> str:
    return f"payers/{pid}.md"


def payer_type(cb: Codebook, pid: str) -> str:
    p = cb.payer(pid) or {}
    return str(p.get("type") or (pid if pid in TYPE_ORDER else "commercial"))


def is_default(cb: Codebook, pid: str) -> bool:
    """Medicare, commercial or Medicaid: a payer of the codebook, not a payer profile."""
    return pid in cb.payers and not (cb.payer(pid) or {}).get("profile")


def ordered_payers(cb: Codebook) -> list[str]:
    """Defaults first (Medicare, commercial, Medicaid), then profiles by type and name."""
    order = list(TYPE_ORDER)
    defaults = sorted((p for p in cb.payers if is_default(cb, p)),
                      key=lambda p: order.index(p) if p in order else len(order))
    profiles = sorted((p for p in cb.payers if (cb.payer(p) or {}).get("profile")),
                      key=lambda p: (order.index(payer_type(cb, p))
                                     if payer_type(cb, p) in order else 9,
                                     str((cb.payer(p) or {}).get("name") or p).lower()))
    rest = [p for p in cb.payers if p not in defaults and p not in profiles]
    return defaults + rest + profiles


def _profile_rules(cb: Codebook) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for prof in cb.bundle.get("payer_profiles") or ():
        for rule in prof.get("rules") or ():
            out[(prof["id"], rule["id"])] = rule
    return out


def _route_text(cb: Codebook, src: str, r: dict[str, Any]) -> str:
    fams = ", ".join(family_link(cb, src, f) for f in r.get("families") or [])
    mods = " ".join(code_span(m) for m in r.get("modifiers") or []) or "no modifier"
    pos = r.get("pos") or {}
    pos_text = " / ".join(f"{code_span(v)} {esc(words.value_words(cb, 'patient_location', k))}"
                          for k, v in pos.items() if v)
    pos_text = f"POS {pos_text}" if pos_text else "the usual place of service"
    return f"{fams}<br>{mods} · {pos_text}"


def _refusal(rule: dict[str, Any]) -> str:
    head = ("Unknown — check the plan" if rule.get("accepted") == "unknown" else "Not paid")
    return f"<strong>{head}</strong><br><small>{esc(rule.get('summary'))}</small>"


def cell(cb: Codebook, src: str, pid: str, mod: str, start: str, end: str) -> str:
    """What `pid` wants for `mod` between start and end, each part with where it comes from."""
    rules = _profile_rules(cb)
    is_profile = bool((cb.payer(pid) or {}).get("profile"))
    parts: list[str] = []
    shown_rules: set[str] = set()
    for r in views.routes_in(cb, pid, mod, start, end):
        lo, hi = views.clip(r, start, end)
        origin = r.get("origin") or {}
        rule = rules.get((origin.get("payer"), origin.get("rule"))) if origin.get("rule") else None
        if rule is not None and rule.get("accepted") is not True:
            text = _refusal(rule)
        else:
            text = _route_text(cb, src, r)
        qual = []
        if (lo, hi) != (start, end):
            qual.append(f"{esc(lo)} → {esc(hi)}")
        when = words.when(cb, r)  # the condition in a coder's words (messages.yaml)
        if when:
            qual.append(f"if {esc(when)}")
        if qual:
            text = f"<small>{'; '.join(qual)}:</small><br>{text}"
        if is_profile:
            if rule is not None:
                owner = origin.get("payer")
                mine = "" if owner == pid else (
                    f"<br><small>from {link(src, payer_src(owner), payer_name(cb, owner))}"
                    "</small>")
                text += f"<br>{evidence_badge(src, rule)}{mine}"
                shown_rules.add(f"{origin.get('payer')}/{origin.get('rule')}")
            else:
                root = origin.get("payer") or ""
                text += ("<br><small>the default for "
                         f"{link(src, payer_src(root), esc(cb.label('payer', root)))}</small>")
        if text not in parts:
            parts.append(text)
    # refusals where the base has no route at all
    for r in cb.rules:
        scope = r.get("scope") or {}
        origin = r.get("origin") or {}
        if (not r.get("exact_payer") or scope.get("payers") != [pid]
                or scope.get("modalities") != [mod] or not views.overlaps(r, start, end)
                or f"{origin.get('payer')}/{origin.get('rule')}" in shown_rules):
            continue
        rule = rules.get((origin.get("payer"), origin.get("rule")))
        if rule is None:
            continue
        lo, hi = views.clip(r, start, end)
        text = _refusal(rule) + f"<br>{evidence_badge(src, rule)}"
        if (lo, hi) != (start, end):
            text = f"<small>{esc(lo)} → {esc(hi)}:</small><br>{text}"
        if text not in parts:
            parts.append(text)
    none = '<span class="tc-none">not covered by the codebook</span>'
    return "<hr>".join(parts) if parts else none


def _th(cb: Codebook, src: str, pid: str) -> str:
    kind = payer_type(cb, pid)
    return (f'<th scope="col" data-payer="{attr(pid)}" data-type="{attr(kind)}">'
            f"{link(src, payer_src(pid), payer_name(cb, pid, short=False))}"
            f'<br><small>{esc(cb.label("payer_type", kind))}</small></th>')


def matrix_table(cb: Codebook, src: str, year: int) -> str:
    start, end = views.year_span(cb, year)
    payers = ordered_payers(cb)
    head = '<th scope="col">Service</th>' + "".join(_th(cb, src, p) for p in payers)
    rows = []
    for m in views.modalities(cb):
        cells = [f'<th scope="row" data-label="">{modality(m)}</th>']
        for p in payers:
            label = esc((cb.payer(p) or {}).get("name") or p)
            cells.append(f'<td data-payer="{attr(p)}" data-type="{attr(payer_type(cb, p))}" '
                         f'data-label="{label}">{cell(cb, src, p, m, start, end)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="tc-pm-wrap" tabindex="0" role="region" '
            f'aria-label="Payer matrix {year}">\n<table class="tc-pm">\n<thead><tr>{head}'
            f"</tr></thead>\n<tbody>{''.join(rows)}</tbody>\n</table></div>")


def matrix_page(cb: Codebook) -> str:
    src = MATRIX
    from .render import years_tabs

    types = "".join(
        f'<label><input type="checkbox" value="{k}" checked> {esc(v)}</label> '
        for k, v in ((k, cb.label("payer_type", k)) for k in TYPE_ORDER))
    filt = (
        '<form class="tc-pm-filter" data-pm-filter hidden>'
        '<label>Find a payer or state <input type="search" name="q" '
        'placeholder="e.g. Texas, Aetna" autocomplete="off"></label> '
        f'<fieldset><legend>Show</legend>{types}</fieldset>'
        '<p class="tc-pm-count" aria-live="polite"></p></form>')
    body = years_tabs(cb, "payer-matrix", lambda y: matrix_table(cb, src, y))
    return "\n".join([
        "---", "title: Payer matrix", "---", "", "# Payer matrix", "",
        "One column per payer: what it wants reported for each kind of service, by year. A "
        "payer's own rules show their evidence; everything else comes from its base, and the "
        "cell says from which. **Unknown — check the plan** means no public source we hold "
        "settles it. Each payer's page lists its rules with their sources and dates.", "",
        filt, "", body, "",
        '<script src="../../assets/payer-matrix.js" defer></script>', ""])


def _rules_table(cb: Codebook, src: str, prof: dict[str, Any]) -> str:
    rows = []
    for rule in prof.get("rules") or ():
        if rule.get("accepted") is True:
            fake = {"families": rule.get("families") or [], "modifiers": rule.get("modifiers")
                    or [], "pos": rule.get("pos")}
            parts = []
            if rule.get("families"):
                parts.append(", ".join(family_link(cb, src, f) for f in rule["families"]))
            if rule.get("modifiers") is not None:
                parts.append(" ".join(code_span(m) for m in fake["modifiers"]) or "no modifier")
            if rule.get("pos"):
                parts.append("POS " + " / ".join(code_span(v) for v in rule["pos"].values() if v))
            answer = "Paid" + (": " + " · ".join(parts) if parts else " as the base says")
        else:
            answer = ("Unknown — check the plan" if rule.get("accepted") == "unknown"
                      else "Not paid")
        rows.append(
            f'<tr id="rule-{slug(rule["id"])}"><td data-label="Service">'
            f"{modality(rule.get('service'))}</td>"
            f'<td data-label="Dates">{esc(rule.get("from"))} → {esc(rule.get("to") or "open")}</td>'
            f'<td data-label="Answer">{answer}<br><small>{esc(rule.get("summary"))}</small></td>'
            f'<td data-label="Evidence">{evidence_badge(src, rule)}<br><small>last verified '
            f'{esc(rule.get("last_verified"))}</small></td>'
            f'<td data-label="Sources">{source_refs(cb, src, rule)}'
            + (f"<br><small>{esc(rule['note'])}</small>" if rule.get("note") else "")
            + "</td></tr>")
    if not rows:
        return "It states no rule of its own: every answer is its base's."
    head = "".join(f"<th>{h}</th>" for h in ("Service", "Dates", "Answer", "Evidence", "Sources"))
    return (f'<div class="tc-table"><table>\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>{''.join(rows)}</tbody>\n</table></div>")


def payer_page(cb: Codebook, pid: str) -> str:
    src = payer_src(pid)
    p = cb.payer(pid) or {}
    name = esc(p.get("name") or pid)
    prof = next((x for x in cb.bundle.get("payer_profiles") or () if x.get("id") == pid), None)
    kind = payer_type(cb, pid)
    out = ["---", f"title: {json.dumps(name)}", "---", "", f"# {name}", ""]
    facts = [esc(cb.label("payer_type", kind))]
    if p.get("state"):
        facts.append(f"state {esc(p['state'])}")
    chain = list(cb.payer_chain.get(pid) or (pid,))
    if len(chain) > 1:
        facts.append("builds on " + " → ".join(
            link(src, payer_src(b), payer_name(cb, b, short=False)) for b in chain[1:]))
    if p.get("last_verified"):
        facts.append(f"last verified {esc(p['last_verified'])}")
    out += [" · ".join(facts) + f" · {evidence_badge(src, p)}", "", esc_block(p.get("summary")),
            ""]
    if p.get("note"):
        out += [f"<small>{esc(p['note'])}</small>", ""]
    if prof is not None:
        out += ["## Its own rules", "", _rules_table(cb, src, prof), ""]
        ignored = [r for r in (p.get("ignores") or [])]
        if ignored:
            out += ["## Rules of its base it does not apply", ""]
            for rid in ignored:
                rule = cb.rule(rid) or {}
                out.append(f"- {esc(rule.get('title') or rid)}")
            out.append("")
    out += ["## What it wants, year by year", "",
            "Each cell says where the answer comes from: its own rule, or the default of its "
            f"base. The same column is on the {link(src, MATRIX, 'payer matrix')}.", ""]
    for year in views.years(cb):
        start, end = views.year_span(cb, year)
        rows = "".join(
            f'<tr><td data-label="Service">{modality(m)}</td>'
            f'<td data-label="{year}">{cell(cb, src, pid, m, start, end)}</td></tr>'
            for m in views.modalities(cb))
        out += [f"### {year}", "",
                f'<div class="tc-table"><table>\n<thead><tr><th>Service</th><th>{year}</th>'
                f"</tr></thead>\n<tbody>{rows}</tbody>\n</table></div>", ""]
    out += ["## Sources", "", source_refs(cb, src, p) or "—", ""]
    if is_default(cb, pid):
        out += ["What this payer wants reported, line by line: "
                f"{link(src, 'payers.md', 'Payers side by side', f'payer-{slug(pid)}')}.", ""]
    return "\n".join(out)


def pages(codebook: Codebook) -> dict[str, str]:  # noqa: ARG001 - the hook's page interface
    full = source.with_profiles()
    clash = RESERVED.intersection(full.payers)
    if clash:
        raise source.SiteDataError(f"payer id {sorted(clash)[0]!r} is reserved for a site page; "
                                   "rename that payer profile")
    out = {"payers/matrix/": matrix_page(full)}
    for pid in ordered_payers(full):
        out[f"payers/{pid}/"] = payer_page(full, pid)
    return out


def _code_status(cb: Codebook, pid: str, code: str, start: str, end: str) -> str:
    """Whether `pid` has `code` reported between start and end, and how, in a few words."""
    rules = _profile_rules(cb)
    found: list[str] = []
    for r in cb.routes_of(pid):
        if not views.overlaps(r, start, end):
            continue
        lo, hi = views.clip(r, start, end)
        if not any(in_family(cb, code, f, lo, hi, r.get("modality"))
                   for f in r.get("families") or ()):
            continue
        if r.get("codes") and code not in r["codes"]:
            continue
        origin = r.get("origin") or {}
        rule = rules.get((origin.get("payer"), origin.get("rule"))) if origin.get("rule") else None
        if rule is not None and rule.get("accepted") is not True:
            word = ("unknown — check the plan" if rule.get("accepted") == "unknown"
                    else "not paid")
        else:
            mods = " ".join(code_span(m) for m in r.get("modifiers") or []) or "no modifier"
            word = f"reported, {mods}"
        word = f"{esc(cb.label('modality', r.get('modality')))}: {word}"
        if word not in found:
            found.append(word)
    status = cb.status_of(code, pid, start)
    if isinstance(status, dict) and status.get("status") not in ("payable", "contractor_priced",
                                                                  "varies"):
        return f"not paid ({esc(cb.label('status', status.get('status')))})"
    return "<br>".join(found) if found else '<span class="tc-none">not reported</span>'


def in_family(cb: Codebook, code: str, family: str, start: str, end: str,
              modality: str | None) -> bool:
    """A version of `code` in `family` between start and end, for that modality (a code that
    names its modality is only selected for it)."""
    return any(v.get("family") == family and views.overlaps(v, start, end)
               and (not v.get("modality") or v.get("modality") == modality)
               for v in cb.code_versions(code))


def code_page_section(codebook: Codebook, code: str, src: str) -> str | None:  # noqa: ARG001
    """"## By payer" on a code page: each payer's status of the code, year by year."""
    full = source.with_profiles()
    if not full.code_versions(code) or not (full.bundle.get("payer_profiles")):
        return None
    years = views.years(full)
    head = "".join(f"<th>{y}</th>" for y in years)
    rows = []
    for pid in ordered_payers(full):
        cells = "".join(
            f'<td data-label="{y}">{_code_status(full, pid, code, *views.year_span(full, y))}'
            "</td>" for y in years)
        name = link(src, payer_src(pid), payer_name(full, pid, short=False))
        rows.append(f'<tr><td data-label="Payer">{name}</td>{cells}</tr>')
    return "\n".join([
        "## By payer", "",
        "Whether each payer has this code reported, by year (what it asks for and its "
        "payment status; the "
        "conditions on each are on the payer's page and in the "
        f"{link(src, MATRIX, 'payer matrix')}).",
        "", f'<div class="tc-table"><table>\n<thead><tr><th>Payer</th>{head}</tr></thead>\n'
        f"<tbody>{''.join(rows)}</tbody>\n</table></div>"])
