"""Small pure functions over the codebook that the site needs and engine/core/codebook.py lacks.

They only slice and order what the bundle says (which records touch a code, which segments a
year splits into); every "what holds on this date" answer is asked of the engine's Codebook
(status_of, code_on, flexibility_on, ...) or of engine.check itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.core.codebook import Codebook
from engine.core.contract import REAL_TIME

from . import source

Record = dict[str, Any]


# ---- dates -------------------------------------------------------------------------------
def next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def years(cb: Codebook) -> list[int]:
    """The calendar years the codebook answers for: meta.covers, then provisional periods."""
    start = int((cb.covers_from or "2024-01-01")[:4])
    end = int((cb.answers_to or cb.covers_from or "2024-12-31")[:4])
    return list(range(start, end + 1))


def provisional_period(cb: Codebook, year: int) -> dict[str, Any] | None:
    """The provisional period that `year` falls in (its first answered day), or None."""
    start, _ = year_span(cb, year)
    return cb.provisional_on(start)


def year_title(cb: Codebook, year: int) -> str:
    """A year as a heading or tab shows it: "2027 (provisional)" for a provisional year."""
    return f"{year} (provisional)" if provisional_period(cb, year) else str(year)


def coverage_words(cb: Codebook) -> str:
    """"Reviewed through 2026-12-31; 2027 provisional" (said in the footer of every page)."""
    words = f"Reviewed through {cb.covers_to}"
    ys = sorted({int(str(p["from"])[:4]) for p in cb.provisional})
    if ys:
        words += "; " + ", ".join(str(y) for y in ys) + " provisional"
    return words


def year_span(cb: Codebook, year: int) -> tuple[str, str]:
    """First and last answered day of `year` (reviewed or provisional)."""
    start, end = f"{year}-01-01", f"{year}-12-31"
    if cb.covers_from and cb.covers_from > start:
        start = cb.covers_from
    if cb.answers_to and cb.answers_to < end:
        end = cb.answers_to
    return start, end


def overlaps(record: Record, start: str, end: str) -> bool:
    """True when the record's [from, to] meets [start, end]."""
    return (record.get("from") or "") <= end and (record.get("to") is None or record["to"] >= start)


def clip(record: Record, start: str, end: str) -> tuple[str, str]:
    """The record's dates clipped to [start, end]."""
    lo = max(record.get("from") or start, start)
    hi = record.get("to")
    return lo, (min(hi, end) if hi is not None else end)


def current_year(cb: Codebook) -> int:
    """The year in force: the year of the release date, within the covered years."""
    released = str(cb.meta.get("released") or "")
    ys = years(cb)
    year = int(released[:4]) if released[:4].isdigit() else ys[-1]
    return min(max(year, ys[0]), ys[-1])


# ---- codes -------------------------------------------------------------------------------
def all_codes(cb: Codebook) -> list[str]:
    """Every code number in the bundle, sorted."""
    return sorted(cb.code_index)


def code_span(cb: Codebook, code: str) -> tuple[str, str | None]:
    versions = cb.code_versions(code)
    first = min(v.get("from") or "" for v in versions)
    ends = [v.get("to") for v in versions]
    return first, (None if any(e is None for e in ends) else max(ends))


def versions_in(cb: Codebook, code: str, start: str, end: str) -> list[Record]:
    return [v for v in cb.code_versions(code) if overlaps(v, start, end)]


def is_new_in(cb: Codebook, code: str, year: int) -> bool:
    """The code's first day falls in `year` (a first day equal to the first covered day means
    "already in force when the codebook starts", not new)."""
    first, _ = code_span(cb, code)
    return first[:4] == str(year) and first != cb.covers_from


def ends_in(cb: Codebook, code: str, year: int) -> bool:
    _, last = code_span(cb, code)
    return last is not None and last[:4] == str(year) and last != cb.covers_to


def latest_version(cb: Codebook, code: str) -> Record:
    return cb.code_versions(code)[-1]


# Display order of a family's `service` (the schema's vocabulary): visits first.
SERVICE_ORDER = ("telehealth", "office", "ctbs", "monitoring", "facility")


def family_order(cb: Codebook) -> list[str]:
    """Family ids for display: by service (visits, check-ins, monitoring, facility), then by
    their lowest code number."""
    def key(fid: str) -> tuple[int, str]:
        fam = cb.families[fid]
        service = fam.get("service")
        rank = SERVICE_ORDER.index(service) if service in SERVICE_ORDER else len(SERVICE_ORDER)
        codes = [v["code"] for v in cb.codes_of_family(fid)]
        return rank, min(codes) if codes else fid
    return sorted(cb.families, key=key)


# ---- statuses ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    start: str
    end: str
    status: str              # a status word, or the engine's no_record / not_valid_on_date
    record: Record | None    # the status record (None for the sentinels)


def status_segments(cb: Codebook, code: str, payer: str, start: str, end: str) -> list[Segment]:
    """The payer's status of `code` over [start, end], split where it changes.

    Each segment's status is the engine's answer (Codebook.status_of) on its first day.
    """
    cuts = {start}
    records = [*cb.status_index.get((payer, code), ()), *cb.code_versions(code)]
    for r in records:
        for day in (r.get("from"), next_day(r["to"]) if r.get("to") else None):
            if day and start < day <= end:
                cuts.add(day)
    days = sorted(cuts)
    out: list[Segment] = []
    for i, day in enumerate(days):
        seg_end = end if i + 1 == len(days) else _prev_day(days[i + 1])
        found = cb.status_of(code, payer, day)
        word = found if isinstance(found, str) else str(found.get("status"))
        rec = None if isinstance(found, str) else found
        if out and out[-1].status == word and out[-1].record is rec:
            out[-1] = Segment(out[-1].start, seg_end, word, rec)
        else:
            out.append(Segment(day, seg_end, word, rec))
    return out


def _prev_day(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


# ---- routes and rules --------------------------------------------------------------------
def payer_ids(cb: Codebook) -> list[str]:
    """Payers for display: those whose records are the payer's own rules first, then the
    payers described by defaults (defaults_only), each group in bundle order."""
    return sorted(cb.payers, key=lambda p: bool(cb.payers[p].get("defaults_only")))


def primary_payer(cb: Codebook) -> str | None:
    """The payer shown in the code tables' status column (the first in display order)."""
    ids = payer_ids(cb)
    return ids[0] if ids else None


def modalities(cb: Codebook) -> list[str]:
    """Modalities the routes speak of, in the order they first appear."""
    seen: list[str] = []
    for r in cb.routes:
        m = r.get("modality")
        if m and m not in seen:
            seen.append(m)
    return seen


def route_allows(route: Record, version: Record) -> bool:
    """The route reports this code version's family (and the code, if it lists codes)."""
    if version.get("family") not in (route.get("families") or []):
        return False
    codes = route.get("codes")
    return codes is None or version["code"] in codes


def by_payer(cb: Codebook, routes: list[Record]) -> list[Record]:
    """Routes in payer display order, file order within a payer (the engine's order)."""
    order = payer_ids(cb)
    return sorted(routes, key=lambda r: order.index(r["payer"]) if r.get("payer") in order
                  else len(order))


def routes_for_code(cb: Codebook, code: str) -> list[Record]:
    """Routes that can report `code` on some day it exists (payer display order)."""
    out = []
    for r in cb.routes:
        if any(route_allows(r, v) and overlaps(r, v["from"], v.get("to") or "9999-12-31")
               for v in cb.code_versions(code)):
            out.append(r)
    return by_payer(cb, out)


def routes_in(cb: Codebook, payer: str, modality: str, start: str, end: str) -> list[Record]:
    return [r for r in cb.routes_of(payer, modality) if overlaps(r, start, end)]


def rules_for_code(cb: Codebook, code: str) -> list[Record]:
    """Rules scoped to this code, to its family, or to a route that reports it (bundle
    order). Rules scoped only by payer or modality apply to every service of that kind and
    are listed on the rules and documentation pages instead."""
    fams = {v.get("family") for v in cb.code_versions(code)}
    route_ids = {r["id"] for r in routes_for_code(cb, code)}
    out = []
    for r in cb.rules:
        scope = r.get("scope") or {}
        codes = scope.get("codes")
        if codes:
            if code in codes:
                out.append(r)
            continue
        if fams.intersection(scope.get("families") or ()) or route_ids.intersection(
                scope.get("routes") or ()):
            out.append(r)
    return out


def rules_for_family(cb: Codebook, family_id: str) -> list[Record]:
    return [r for r in cb.rules if family_id in ((r.get("scope") or {}).get("families") or [])]


def citing_records(cb: Codebook) -> dict[str, list[tuple[str, Record]]]:
    """source id -> [(record kind, record)] for every record that cites it, bundle order."""
    kinds = [
        ("family", "families"), ("code", "codes"), ("modifier", "modifiers"),
        ("place of service", "places_of_service"), ("payer", "payers"),
        ("status", "statuses"), ("route", "routes"), ("rule", "rules"),
        ("flexibility period", "flexibilities"), ("conflict", "conflicts"),
        ("message", "messages"), ("FAQ", "faqs"),
    ]
    out: dict[str, list[tuple[str, Record]]] = {}
    for kind, key in kinds:
        for rec in cb.bundle.get(key, []):
            ids = {s.get("id") for s in rec.get("sources") or [] if isinstance(s, dict)}
            for pos in rec.get("positions") or []:  # conflicts cite sources per position
                ids |= {s.get("id") for s in pos.get("sources") or [] if isinstance(s, dict)}
            for sid in sorted(i for i in ids if i):
                out.setdefault(sid, []).append((kind, rec))
    return out


# ---- engine answers ----------------------------------------------------------------------
_results: dict[tuple[int, str], dict[str, Any]] = {}


def encounter_result(cb: Codebook, encounter: Record, where: str) -> dict[str, Any]:
    """The engine's result for an encounter written in the codebook (`where` names it in the
    build error when the engine rejects it)."""
    try:
        return source.check(dict(encounter), cb)
    except source.EncounterError as exc:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
        raise source.SiteDataError(
            f"{where}: the engine rejects its encounter ({problems})") from None


def short_answer(result: dict[str, Any]) -> str:
    """The answer as claim lines, as the checker writes it: `99214-95 · POS 10`."""
    if not result.get("billable") or not result.get("lines"):
        return "nothing to report separately"
    lines = result["lines"]
    codes = " + ".join("-".join([str(ln["code"]), *ln.get("modifiers", [])]) for ln in lines)
    pos = next((ln["pos"] for ln in lines if ln.get("pos")), None)
    return f"{codes} · POS {pos}" if pos else codes


def faq_result(cb: Codebook, faq: Record) -> dict[str, Any]:
    """The engine's result for an FAQ's encounter (computed once per build)."""
    key = (id(cb), faq["id"])
    if key not in _results:
        try:
            _results[key] = source.check(dict(faq["encounter"]), cb)
        except source.EncounterError as exc:
            problems = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
            raise source.SiteDataError(
                f"faq.yaml, FAQ {faq['id']!r}: the engine rejects its encounter ({problems}). "
                "Fix the encounter in codebook/faq.yaml."
            ) from None
    return _results[key]


def _line_key(line: Record) -> tuple[str, tuple[str, ...], str | None]:
    return (str(line.get("code")), tuple(line.get("modifiers") or ()), line.get("pos"))


def faq_disagreements(faq: Record, result: dict[str, Any]) -> list[str]:
    """How the engine's result differs from the FAQ's `expected` (empty when it agrees).

    billable must be equal; lines must be the same set of (code, modifiers, pos) and, where
    the FAQ gives units, the same units; every expected warning id must appear.
    """
    exp = faq.get("expected") or {}
    problems = []
    if "billable" in exp and bool(exp["billable"]) != bool(result.get("billable")):
        problems.append(f"billable: expected {exp['billable']}, "
                        f"engine says {result.get('billable')}")
    if exp.get("lines") is not None:
        want = sorted(_line_key(ln) for ln in exp["lines"])
        got = sorted(_line_key(ln) for ln in result.get("lines", []))
        if want != got:
            problems.append(f"lines: expected {_fmt_keys(want)}, engine says {_fmt_keys(got)}")
        units_want = {ln.get("code"): ln["units"] for ln in exp["lines"] if ln.get("units")}
        for ln in result.get("lines", []):
            if ln.get("code") in units_want and units_want[ln["code"]] != ln.get("units"):
                problems.append(f"units of {ln['code']}: expected {units_want[ln['code']]}, "
                                f"engine says {ln.get('units')}")
    got_ids = {w.get("id") for w in result.get("warnings", [])}
    missing = [w for w in exp.get("warnings") or [] if w not in got_ids]
    if missing:
        problems.append(f"warnings missing: {', '.join(missing)} (engine gave: "
                        f"{', '.join(sorted(i for i in got_ids if i)) or 'none'})")
    return problems


def _fmt_keys(keys: list[tuple[str, tuple[str, ...], str | None]]) -> str:
    if not keys:
        return "no lines"
    return ", ".join(f"{c}{''.join('-' + m for m in mods)} POS {pos or 'none'}"
                     for c, mods, pos in keys)


def checked_faqs(cb: Codebook) -> list[tuple[Record, dict[str, Any]]]:
    """Every FAQ with the engine's result. Raises SiteDataError if any FAQ disagrees."""
    out, errors = [], []
    for faq in cb.faqs:
        result = faq_result(cb, faq)
        problems = faq_disagreements(faq, result)
        if problems:
            errors.append(f"faq.yaml, FAQ {faq['id']!r}: the engine disagrees with `expected`: "
                          + "; ".join(problems))
        out.append((faq, result))
    if errors:
        raise source.SiteDataError(
            "\n".join(errors) + "\nFix the FAQ's expected result or the codebook data it "
            "relies on (the site shows the engine's answer, so they must agree)."
        )
    return out


def line_codes(result: dict[str, Any]) -> list[str]:
    return [str(ln.get("code")) for ln in result.get("lines", [])]


# ---- "try it": a representative encounter per code -----------------------------------------
def _time_fields(family: Record, amount: int) -> list[dict[str, Any]]:
    """Encounter fields that put `amount` on the family's time basis (candidates)."""
    basis = family.get("time_basis")
    if basis == "device_days":
        return [{"device_days": amount}]
    if basis == "management_minutes":
        return [{"management_minutes": amount, "interactive_communication": True}]
    if basis == "evisit_periods":
        return [{"evisit_minutes_by_day": {"0": amount}}]
    if basis == "discussion_or_minutes":
        return [{"minutes": amount, "discussion_minutes": amount}]
    if basis == "psychotherapy_minutes":
        if family.get("selection") == "add_on":  # with an E/M visit to add it to
            return [{"mdm": "moderate", "psychotherapy_minutes": amount}]
        return [{"psychotherapy_minutes": amount}]
    if not basis and family.get("when") is not None and family.get("selection") == "fixed":
        return [{}]  # an untimed service (a psychiatric evaluation, group psychotherapy)
    if family.get("selection") == "add_on" and not basis:  # an untimed add-on: its primary's
        return [{"mdm": "moderate"}, {"mdm": "moderate", "psychotherapy_minutes": 45}, {}]
    return [{"minutes": amount}, {"minutes": amount, "discussion_minutes": amount}]


def _amounts(cb: Codebook, version: Record) -> list[int]:
    low = version.get("min_minutes")
    add_on = version.get("add_on") or {}
    if add_on.get("first_at"):  # the first unit's time with each primary
        starts = sorted(set(add_on["first_at"].values()))
        return [t for start in starts for t in (start, start + 1)]
    if add_on.get("primary"):
        primary = cb.code_on(add_on["primary"], version["from"]) or {}
        base = primary.get("min_minutes") or 0
        each = add_on.get("each_minutes") or 0
        return [base + each, base + each + 1]
    if low is None:
        return [0]
    return [low, low + 1]


def _candidate_dates(cb: Codebook, version: Record, route: Record) -> list[str]:
    lo = max(version.get("from") or "", route.get("from") or "", cb.covers_from or "")
    hi_candidates = [d for d in (version.get("to"), route.get("to"), cb.covers_to) if d]
    hi = min(hi_candidates) if hi_candidates else "9999-12-31"
    out = []
    for year in reversed(years(cb)):
        for md in ("03-10", "06-16", "01-15", "12-01"):
            day = f"{year}-{md}"
            if lo <= day <= hi:
                out.append(day)
    if lo <= hi and lo not in out:
        out.append(lo)
    return out


def _candidates(cb: Codebook, code: str):
    for version in reversed(cb.code_versions(code)):
        if version.get("selectable") is False:
            continue
        family = cb.family(version.get("family")) or {}
        order = payer_ids(cb)
        for route in sorted(cb.routes, key=lambda r: order.index(r["payer"])
                            if r.get("payer") in order else len(order)):
            if not route_allows(route, version) or not overlaps(
                    route, version["from"], version.get("to") or "9999-12-31"):
                continue
            status = version.get("patient_status")
            statuses = [status] if status in ("new", "established") else ["established", "new"]
            for day in _candidate_dates(cb, version, route):
                for patient_status in statuses:
                    for amount in _amounts(cb, version):
                        for time in _time_fields(family, amount):
                            for extra in _variants(route, version, cb):
                                enc: dict[str, Any] = {
                                    "date_of_service": day,
                                    "payer": route["payer"],
                                    "patient_status": patient_status,
                                    "modality": route["modality"],
                                }
                                if route.get("clinician") not in (None, "any", "em_practitioner"):
                                    enc["clinician"] = route["clinician"]
                                if version.get("mdm"):
                                    enc["mdm"] = version["mdm"]
                                enc.update(time)
                                enc.update(extra)
                                enc["consent_documented"] = True
                                yield enc


def add_on_primaries(version: Record) -> list[str]:
    """The codes an add-on code version goes with (either form of `add_on`)."""
    add_on = version.get("add_on") or {}
    if add_on.get("primaries"):
        return list(add_on["primaries"])
    return [add_on["primary"]] if add_on.get("primary") else []


def _satisfying(cond: Any) -> list[dict[str, Any]]:
    """Encounter values that make a simple condition (`is`, `in`, or an `all` of them) hold:
    one dict per choice; [{}] for anything else."""
    if not isinstance(cond, dict):
        return [{}]
    if isinstance(cond.get("all"), list):
        out: list[dict[str, Any]] = [{}]
        for part in cond["all"]:
            out = [{**o, **more} for o in out for more in _satisfying(part)]
        return out
    field = cond.get("field")
    if not isinstance(field, str) or field in DERIVED_ONLY:
        return [{}]
    if "is" in cond:
        return [{field: cond["is"]}]
    if isinstance(cond.get("in"), list) and cond["in"]:
        return [{field: v} for v in cond["in"]]
    return [{}]


# fields a condition may name that an encounter cannot set
DERIVED_ONLY = frozenset(("discussion_share", "flexibility_state", "selected_codes",
                          "time_minutes"))


def _variants(route: Record, version: Record, cb: Codebook | None = None
              ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{}]
    # the service and the flags the route, the family and the code ask for (issue 14)
    family = (cb.family(version.get("family")) or {}) if cb is not None else {}
    for cond in (route.get("when"), family.get("when"), version.get("when")):
        if cond is not None and route.get("modality") in REAL_TIME:
            out = [{**o, **more} for o in out for more in _satisfying(cond)]
    if route.get("modality") == "audio_only":
        out = [{**o, **v} for o in out for v in ({"patient_video_unavailable": True}, {})]
    if route.get("modality") == "interprofessional":
        out = [{"role": "consultant", "report": "verbal_and_written"},
               {"role": "consultant", "report": "written_only"},
               {"role": "requester"}]
    pos = route.get("pos") or {}
    if pos and not pos.get("home") and pos.get("facility"):
        out = [{**o, "patient_location": "facility"} for o in out]
    return out


_try: dict[tuple[int, str], dict[str, Any] | None] = {}


def try_it_encounter(cb: Codebook, code: str) -> dict[str, Any] | None:
    """An encounter for which the engine reports `code`, or None.

    First an FAQ that involves the code, then any FAQ, then encounters built from the code's
    own data (its dates, a route that reports its family, its MDM/time); each candidate is
    kept only if engine.check returns the code among its lines.
    """
    key = (id(cb), code)
    if key in _try:
        return _try[key]
    found = None
    faqs = sorted(cb.faqs, key=lambda f: code not in (f.get("codes") or []))
    for faq in faqs:
        if code in line_codes(faq_result(cb, faq)):
            found = dict(faq["encounter"])
            break
    if found is None:
        for enc in _candidates(cb, code):
            try:
                result = source.check(enc, cb)
            except source.EncounterError:
                continue
            if code in line_codes(result):
                found = enc
                break
    _try[key] = found
    return found


def encounter_params(encounter: dict[str, Any]) -> list[tuple[str, str]]:
    """Checker permalink parameters: one per encounter key, in the encounter's order, in the
    checker's format: booleans `true`/`false`; evisit_minutes_by_day as `day:minutes, ...`."""
    out = []
    for key, value in encounter.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dict):
            text = ", ".join(f"{day}:{minutes}" for day, minutes in value.items())
        elif isinstance(value, list):
            text = json.dumps(value, separators=(",", ":"))
        else:
            text = str(value)
        out.append((key, text))
    return out
