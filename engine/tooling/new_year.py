"""The yearly review worksheet (`telecode new-year YEAR`).

Lists every record still open at the end of YEAR-1 (in force on YEAR-1-12-31 and not ending
that day) with where it is, its sources and `last_verified`, and one question per record; then
the questions for the whole codebook that the data raises (coverage, the flexibilities
timeline, codes that ended, unverified and stale records); then the commands to run next.
Everything is derived from the data: the same codebook gives the same worksheet, byte for byte.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.core.codebook import in_range
from engine.core.spreadsheet import spreadsheet_safe
from engine.tooling.diff import _Index, code_ranges

KIND_TITLES = {
    "provisional": "Left unreviewed by the provisional period",
    "code": "Codes",
    "status": "Payment status",
    "route": "Routes (what payers want reported)",
    "rule": "Rules",
    "modifier": "Modifiers",
    "place_of_service": "Places of service",
    "flexibility": "Medicare telehealth flexibilities",
    "conflict": "Source conflicts",
    "telehealth_list": "CMS List of Medicare Telehealth Services",
}
CSV_COLUMNS = ["kind", "id", "where", "payer", "subject", "value", "from", "to", "sources",
               "last_verified", "evidence", "note", "question", "answer"]


@dataclass
class Row:
    kind: str
    id: str
    where: str
    payer: str
    subject: str
    value: str
    from_: str
    to: str
    sources: str
    last_verified: str
    evidence: str
    note: str
    question: str

    def cells(self) -> list[str]:
        return [self.kind, self.id, self.where, self.payer, self.subject, self.value, self.from_,
                self.to, self.sources, self.last_verified, self.evidence, self.note,
                self.question, ""]


@dataclass
class Worksheet:
    year: int
    rows: list[Row]
    questions: list[str]
    commands: list[str]


def _sources(rec: dict[str, Any]) -> str:
    out = []
    for s in rec.get("sources") or []:
        loc = s.get("locator")
        out.append(f"{s.get('id')} ({loc})" if loc else str(s.get("id")))
    return "; ".join(out)


def _open_at(rec: dict[str, Any], day: str) -> bool:
    return in_range(rec, day) and (rec.get("to") is None or rec["to"] > day)


def _stale(rec: dict[str, Any], year: int) -> bool:
    lv = rec.get("last_verified")
    if not lv:
        return True
    limit = _dt.date(year - 1, 1, 1).isoformat()  # older than 12 months before Jan 1 of YEAR
    return str(lv) < limit


def _extra(rec: dict[str, Any], year: int) -> str:
    parts = []
    if rec.get("evidence") == "unverified":
        parts.append(f"Unverified: {rec.get('note') or 'find a source'}.")
    elif rec.get("evidence") == "secondary":
        parts.append("One secondary source: a primary source or a second one would verify it.")
    if _stale(rec, year):
        parts.append(f"Last verified {rec.get('last_verified') or 'never'}: re-check it.")
    return (" " + " ".join(parts)) if parts else ""


# what one worksheet row says of a record: (kind, record, payer, subject, value, question)
_Entry = tuple[str, dict[str, Any], str, str, str, str]


def build(bundle: dict[str, Any], year: int, where: dict[str, str] | None = None) -> Worksheet:
    """The review worksheet for `year`: one row per record open on the last day of the year
    before (and per unreviewed item of a provisional period), the questions and commands."""
    where = where or {}
    idx = _Index(bundle)
    rows = _provisional_rows(bundle, year, where)
    for entries in (_code_entries, _status_entries, _route_entries, _rule_entries,
                    _scope_entries, _flexibility_entries, _conflict_entries,
                    _telehealth_list_entries):
        for kind, rec, payer, subject, value, question in entries(bundle, idx, year):
            rows.append(Row(kind, str(rec.get("id") or ""), where.get(str(rec.get("id")), ""),
                            payer, subject, value, str(rec.get("from") or ""),
                            str(rec.get("to") or ""), _sources(rec),
                            str(rec.get("last_verified") or ""), str(rec.get("evidence") or ""),
                            str(rec.get("note") or ""), question + _extra(rec, year)))
    provisional = bool(provisional_periods(bundle, year))
    return Worksheet(year, rows, _questions(bundle, idx, year, rows),
                     _commands(year, provisional))


def _open(items: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """The records still open on the last day of the year before `year`."""
    end = f"{year - 1}-12-31"
    return [rec for rec in items if _open_at(rec, end)]


def _provisional_rows(bundle: dict[str, Any], year: int, where: dict[str, str]) -> list[Row]:
    return [Row("provisional", f"provisional-{i + 1}", where.get("provisional", "codebook.yaml"),
                "", str(item), f"answered provisionally from {period.get('basis')}",
                str(period.get("from") or ""), str(period.get("to") or ""), _sources(period),
                "", "", f"review due {period.get('review_due')}",
                f"Review it for {year}: what does it change? Edit the records it affects.")
            for i, period in enumerate(provisional_periods(bundle, year))
            for item in period.get("unreviewed") or []]


def _code_entries(bundle: dict[str, Any], idx: _Index, year: int) -> Iterator[_Entry]:  # noqa: ARG001 - one signature for every entries builder
    for c in _open(bundle.get("codes", []), year):
        band = ""
        lo, hi = c.get("min_minutes"), c.get("max_minutes")
        if lo is not None and hi is not None:
            band = f", time {lo}–{hi}"
        elif lo is not None:
            band = f", time from {lo}"
        yield ("code", c, "", c["code"], f"{c.get('label')}{band}",
               f"Is {c['code']} still valid in {year}, with this label and time band "
               f"(the {year} CPT/HCPCS update)?")


def _status_entries(bundle: dict[str, Any], idx: _Index, year: int) -> Iterator[_Entry]:
    jan1 = f"{year}-01-01"
    valid = idx.codes_on(jan1)
    for s in _open(bundle.get("statuses", []), year):
        codes = code_ranges(s.get("codes") or [])
        payer = s.get("payer") or ""
        dead = [c for c in s.get("codes") or [] if not valid.get(c)]
        q = (f"Is {idx.payer_name(payer)}'s status of {codes} still "
             f"'{s.get('status')}' in {year}?")
        if payer == "medicare":
            q += f" Check with the January {year} PPRRVU file (telecode import-rvu)."
        if dead:
            q += (f" {code_ranges(dead)} is not valid on {jan1}: end this record for it.")
        yield ("status", s, payer, codes, str(s.get("status")), q)


def _route_entries(bundle: dict[str, Any], idx: _Index, year: int) -> Iterator[_Entry]:
    jan1 = f"{year}-01-01"
    for r in _open(bundle.get("routes", []), year):
        codes: list[str] = []
        for fam in r.get("families") or []:
            codes += idx.family_codes_on(fam, jan1)
        if r.get("codes"):
            codes = [c for c in codes if c in set(r["codes"])]
        mods = "/".join(r.get("modifiers") or []) or "no modifier"
        pos = r.get("pos")
        pos_text = (", POS " + ", ".join(f"{v} ({k})" for k, v in sorted(pos.items()))
                    if isinstance(pos, dict) and pos else "")
        value = f"{', '.join(r.get('families') or [])}: {code_ranges(codes) or 'no code'} " \
                f"+ {mods}{pos_text}"
        q = (f"Does {idx.payer_name(r.get('payer'))} still want {code_ranges(codes) or '?'} "
             f"with {mods}{pos_text} for {str(r.get('modality')).replace('_', '-')} "
             f"({str(r.get('clinician')).replace('_', '-')}) in {year}?")
        if not codes:
            q += f" No code of its families is valid on {jan1}: end or change the route."
        yield ("route", r, str(r.get("payer") or ""),
               f"{r.get('modality')} / {r.get('clinician')}", value, q)


def _rule_entries(bundle: dict[str, Any], idx: _Index, year: int) -> Iterator[_Entry]:  # noqa: ARG001 - one signature for every entries builder
    for u in _open(bundle.get("rules", []), year):
        payers = ",".join((u.get("scope") or {}).get("payers") or []) or "any"
        yield ("rule", u, payers, str(u.get("title")), str(u.get("effect")),
               f"Does the rule \"{u.get('title')}\" still hold in {year}?")


def _scope_entries(bundle: dict[str, Any], idx: _Index, year: int) -> Iterator[_Entry]:  # noqa: ARG001 - one signature for every entries builder
    """Modifiers and places of service, with their use per payer."""
    end = f"{year - 1}-12-31"
    for kind, items, noun in (("modifier", bundle.get("modifiers", []), "modifier"),
                              ("place_of_service", bundle.get("places_of_service", []), "POS")):
        for m in _open(items, year):
            uses = [f"{sc.get('payer')}: {sc.get('use')}" for sc in m.get("scope") or []
                    if _open_at(sc, end)]
            yield (kind, m, "", str(m.get("code")), "; ".join(uses),
                   f"Is the use of {noun} {m.get('code')} per payer ({'; '.join(uses)}) still "
                   f"right in {year}?")


def _flexibility_entries(bundle: dict[str, Any], idx: _Index, year: int) -> Iterator[_Entry]:  # noqa: ARG001 - one signature for every entries builder
    for p in _open(bundle.get("flexibilities", []), year):
        until = p.get("to") or "open"
        yield ("flexibility", p, "medicare", str(p.get("state")), str(p.get("law") or ""),
               f"The flexibilities period '{p.get('state')}' runs until {until}: has a law "
               "changed or extended it? Add the next period.")


def _conflict_entries(bundle: dict[str, Any], idx: _Index, year: int) -> Iterator[_Entry]:  # noqa: ARG001 - one signature for every entries builder
    for k in _open(bundle.get("conflicts", []), year):
        yield ("conflict", k, "", str(k.get("topic")), str(k.get("chosen")),
               f"Do sources still disagree in {year}, and is the chosen default still right?")


def _telehealth_list_entries(bundle: dict[str, Any], idx: _Index,  # noqa: ARG001 - one signature for every entries builder
                             year: int) -> Iterator[_Entry]:
    for e in _open(bundle.get("telehealth_list", []), year):
        codes = code_ranges(e.get("codes") or [])
        yield ("telehealth_list", e, "medicare", codes, str(e.get("list_status") or "on list"),
               f"Are {codes} still on the CMS telehealth list for {year}? Compare the {year} "
               f"list (telecode import-cms-list FILE --year {year}).")


def provisional_periods(bundle: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """The codebook's provisional periods (meta.provisional) that overlap `year`."""
    first, last = f"{year}-01-01", f"{year}-12-31"
    return [p for p in (bundle.get("meta") or {}).get("provisional") or []
            if isinstance(p, dict) and str(p.get("from") or "") <= last
            and str(p.get("to") or "") >= first]


def _questions(bundle: dict[str, Any], idx: _Index, year: int, rows: list[Row]) -> list[str]:
    qs: list[str] = []
    meta = bundle.get("meta") or {}
    covers = meta.get("covers") or {}
    end_prev = f"{year - 1}-12-31"
    periods = provisional_periods(bundle, year)
    for p in periods:
        items = "; ".join(str(u) for u in p.get("unreviewed") or [])
        qs.append(f"{p.get('from')} to {p.get('to')} is answered provisionally (from "
                  f"{p.get('basis')}). It left unreviewed: {items} (one row each in the "
                  "worksheet). Before editing, save the provisional answers with `telecode "
                  "compile -o before-review.json`.")
    if str(covers.get("to") or "") < f"{year}-12-31":
        qs.append(f"codebook.yaml covers dates up to {covers.get('to')}: set covers.to to "
                  f"{year}-12-31"
                  + (f", delete the provisional period that covered {year}" if periods else "")
                  + " and give the codebook a new version and released date.")
    flex = sorted(bundle.get("flexibilities", []), key=lambda p: p.get("from") or "")
    if flex:
        last = flex[-1]
        if last.get("to") and str(last["to"]) < f"{year + 1}-01-01":
            qs.append(f"The Medicare telehealth flexibilities timeline ends on {last['to']} "
                      f"({last.get('state')}, {last.get('law') or 'no law'}): has a law "
                      "extended them, or do they lapse? Add the next period with its law.")
    ended = [c for c in bundle.get("codes", [])
             if c.get("to") and str(c["to"]).startswith(f"{year - 1}-")]
    if ended:
        by_day: dict[str, list[str]] = {}
        for c in ended:
            by_day.setdefault(str(c["to"]), []).append(c["code"])
        for day, codes in sorted(by_day.items()):
            qs.append(f"{code_ranges(codes)} ended on {day}: is each replacement recorded "
                      "(replaced_by / replaces), and do the routes, statuses and rules that "
                      "named them end too?")
    starting = [c["code"] for c in bundle.get("codes", [])
                if str(c.get("from") or "").startswith(f"{year}-")]
    if starting:
        qs.append(f"Codes already recorded as new in {year}: {code_ranges(starting)}. Check "
                  "their labels, time bands and status per payer.")
    for payer in sorted(idx.payers):
        ids = {c["code"] for c in bundle.get("codes", []) if _open_at(c, end_prev)}
        with_status = {code for s in bundle.get("statuses", [])
                       if s.get("payer") == payer and _open_at(s, end_prev)
                       for code in s.get("codes") or []}
        missing = sorted(ids - with_status)
        if missing:
            qs.append(f"{idx.payer_name(payer)} has no open status record for "
                      f"{code_ranges(missing)}: add one, or confirm 'no record' is right.")
    unverified = [r for r in rows if r.evidence == "unverified"]
    if unverified:
        qs.append(f"{len(unverified)} open record(s) are unverified: find a source for each "
                  "(rows with evidence 'unverified' in the worksheet).")
    stale = [r for r in rows if "re-check it" in r.question]
    if stale:
        qs.append(f"{len(stale)} open record(s) were last verified before {year - 1}-01-01: "
                  "re-check them against their sources (telecode validate --stale-after 12m).")
    qs.append(f"Medicare payment status for {year}: compare the January {year} PPRRVU file "
              "(telecode import-rvu).")
    qs.append(f"Medicare telehealth services for {year}: compare the CMS list for {year} "
              f"(telecode import-cms-list FILE --year {year}).")
    qs.append(f"Commercial and Medicaid defaults: do the sources still support them in {year}?")
    return qs


def _commands(year: int, provisional: bool = False) -> list[str]:
    before = [
        "telecode compile -o before-review.json            # the provisional answers, kept",
    ] if provisional else []
    after = [
        f"telecode diff {year}-01-01 {year}-01-01 --before before-review.json  "
        "# what the review changed",
    ] if provisional else []
    return [*before,
        f"telecode import-rvu PPRRVU{year}_Jan.csv --as-of {year}-01-01          # Medicare status",
        f"telecode import-rvu PPRRVU{year}_Jan.csv --as-of {year}-01-01 --write  # apply it",
        f"telecode import-cms-list LIST.zip --year {year}    # the Medicare telehealth list",
        "# edit codebook/*.yaml: end records (to), add new ones (from), sources, last_verified",
        "telecode validate --stale-after 12m",
        f"telecode diff {year - 1} {year}                    # check every change is intended",
        *after,
        "scripts/test && scripts/build",
    ]


def to_csv(ws: Worksheet) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in ws.rows:  # cells a spreadsheet would run as a formula get an apostrophe
        w.writerow([spreadsheet_safe(str(c)) for c in r.cells()])
    return buf.getvalue()


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(ws: Worksheet, codebook_name: str = "the codebook") -> str:
    y = ws.year
    lines = [
        f"# Review for {y}",
        "",
        f"Worksheet for bringing {codebook_name} up to date for {y}. It lists every record "
        f"still open at the end of {y - 1}, the questions to answer, and the commands to run "
        f"next. Answer in the CSV (`new-year-{y}.csv`, column `answer`), then edit the YAML. "
        "Nothing has been changed.",
        "",
        "## Questions for the whole codebook",
        "",
    ]
    lines += [f"{i}. {q}" for i, q in enumerate(ws.questions, 1)]
    lines += ["", "## Commands to run next", "", "```sh", *ws.commands, "```", ""]
    lines += [f"## Records open at the end of {y - 1} ({len(ws.rows)})", ""]
    for kind, title in KIND_TITLES.items():
        rows = [r for r in ws.rows if r.kind == kind]
        if not rows:
            continue
        lines += [f"### {title} ({len(rows)})", "",
                  "| id | where | subject | value | from | sources | last verified | evidence "
                  "| question |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            lines.append("| " + " | ".join(_cell(x) for x in (
                r.id, r.where, (r.payer + " " if r.payer else "") + r.subject, r.value, r.from_,
                r.sources, r.last_verified, r.evidence, r.question)) + " |")
        lines.append("")
    return "\n".join(lines)
