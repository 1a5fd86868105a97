"""Value-level diff of the codebook between two dates (or years).

The state of the codebook on a day is every dated record in force that day. `diff_bundle`
compares two such states and returns a list of `Change` entries, one per changed value:

- ``code``: a code added / ended, or a changed field of its version (label, time band, ...)
- ``status``: a payer's payment status of a code (status, instead, sources)
- ``route``: what a payer wants reported for a modality and clinician (codes, modifiers, POS)
- ``rule``: service rules (windows, limits, warnings, checklist items), by id
- ``modifier`` / ``place_of_service``: the record, and its use per payer (scope entries)
- ``flexibility``: the Medicare telehealth flexibilities state and its law
- ``conflict``: recorded source conflicts and the default we chose
- ``telehealth_list``: codes on the CMS List of Medicare Telehealth Services (and their list
  status), when the codebook records the list (policies/medicare-telehealth-list.yaml)

Years: ``FROM`` as a year means its last day (FROM-12-31) and ``TO`` as a year means its first
day (TO-01-01), so ``2024 2025`` compares New Year's Eve 2024 with New Year's Day 2025: the
changes that took effect on 2025-01-01. `changes_in_year` also finds mid-year changes: it diffs
the day before and the day of every date in the year on which some record starts or ends.

Ordering is deterministic: by kind (the order above), then code/payer/key, then field.
This module works on the compiled bundle (a dict), read through engine.core's Codebook.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from engine.core.codebook import Codebook, in_range

KINDS = (
    "code",
    "status",
    "route",
    "rule",
    "modifier",
    "place_of_service",
    "flexibility",
    "conflict",
    "telehealth_list",
)
CHANGE_ORDER = {"ended": 0, "added": 1, "changed": 2}

# Fields of a code version whose change is reported.
CODE_FIELDS = (
    "label",
    "system",
    "family",
    "modality",
    "patient_status",
    "mdm",
    "level",
    "min_minutes",
    "max_minutes",
    "variant",
    "selectable",
    "add_on",
    "replaces",
    "replaced_by",
    "sources",
)
STATUS_FIELDS = ("status", "instead", "sources")
ROUTE_FIELDS = ("codes", "modifiers", "pos", "families", "sources")
RULE_FIELDS = ("title", "effect", "scope", "when", "message", "conflict", "sources")
FLEX_FIELDS = ("state", "law", "restored_by", "sources")
CONFLICT_FIELDS = ("chosen", "topic", "sources")


class DiffError(ValueError):
    """A bad FROM/TO argument; the message says what to give instead."""


@dataclass(frozen=True)
class Change:
    """One changed value. Every key is always present (null when it does not apply)."""

    kind: str
    change: str  # added | ended | changed
    key: str  # what changed: a code, "payer code", route key, rule id, ...
    code: str | None
    payer: str | None
    field: str | None
    before: Any
    after: Any
    effective: str | None  # first day the new value holds (or day after the old one ended)
    text: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------- dates
def parse_when(value: str, *, end: bool) -> str:
    """A year (-> its last day if `end`, else its first day) or a YYYY-MM-DD date."""
    value = value.strip()
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31" if end else f"{value}-01-01"
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise DiffError(
            f"{value!r} is neither a year (2025) nor a date (2025-01-01) — give one of those"
        ) from None


def day_before(day: str) -> str:
    return (_dt.date.fromisoformat(day) - _dt.timedelta(days=1)).isoformat()


def day_after(day: str) -> str:
    return (_dt.date.fromisoformat(day) + _dt.timedelta(days=1)).isoformat()


# --------------------------------------------------------------------------- formatting
def _code_sort_key(code: str) -> tuple[str, int, str]:
    m = re.fullmatch(r"(\D*)(\d+)(\D*)", code)
    if not m:
        return (code, 0, "")
    return (m.group(1), int(m.group(2)), m.group(3))


def sort_codes(codes: Iterable[str]) -> list[str]:
    return sorted(set(codes), key=lambda c: (_code_sort_key(c), c))


def code_ranges(codes: Iterable[str]) -> str:
    """'98000–98015, G2012': runs of numerically consecutive codes collapsed."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        out.append(run[0] if len(run) < 3 else f"{run[0]}–{run[-1]}")
        if len(run) == 2:
            out.append(run[1])
        run.clear()

    for code in sort_codes(codes):
        if run:
            a, b = _code_sort_key(run[-1]), _code_sort_key(code)
            if (
                a[0] == b[0]
                and a[2] == b[2] == ""
                and b[1] == a[1] + 1
                and len(code) == len(run[-1])
            ):
                run.append(code)
                continue
            flush()
        run.append(code)
    flush()
    return ", ".join(out)


def _words(value: Any) -> str:
    return str(value).replace("_", "-") if value is not None else "none"


def _value_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if not value:
            return "none"
        if all(isinstance(v, str) for v in value):
            return ", ".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _source_ids(record: dict[str, Any]) -> list[str]:
    out = []
    for s in record.get("sources") or []:
        if isinstance(s, dict):
            loc = s.get("locator")
            out.append(f"{s.get('id')} ({loc})" if loc else str(s.get("id")))
        else:
            out.append(str(s))
    return sorted(out)


# ------------------------------------------------------------------------------ state
@dataclass
class _Index:
    """One bundle as the diff reads it: its records as compiled (`bundle`: the routes, rules,
    statuses the codebook states, before payer profiles are resolved) and the lookups of the
    core `Codebook` over it (code versions, family codes, payer names, statuses)."""

    bundle: dict[str, Any]

    def __post_init__(self) -> None:
        self.cb = Codebook(self.bundle)
        # the codebook's own payers (the Codebook adds payer profiles to its payers)
        self.payers: list[str] = [p.get("id") for p in self.bundle.get("payers", [])]

    def payer_name(self, payer: str | None) -> str:
        if payer in (None, "any"):
            return "Any payer"
        return self.cb.payer_short_name(payer)

    def codes_on(self, day: str) -> dict[str, dict[str, Any]]:
        """code -> its version in force on `day`, for every code that has one."""
        cb = self.cb
        return {code: v for code in cb.code_index if (v := cb.code_on(code, day)) is not None}

    def family_codes_on(self, family: str, day: str) -> list[str]:
        return [c["code"] for c in self.cb.codes_of_family(family, day)]

    def statuses_on(self, day: str) -> dict[tuple[str, str], dict[str, Any]]:
        """(payer, code) -> the first status record in force on `day`."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for key, records in self.cb.status_index.items():
            for s in records:
                if in_range(s, day):
                    out[key] = s
                    break
        return out


def _pick(rec: dict[str, Any] | None, fields: tuple[str, ...]) -> dict[str, Any] | None:
    if rec is None:
        return None
    return {f: (_source_ids(rec) if f == "sources" else rec.get(f)) for f in fields}


def _code_value(c: dict[str, Any]) -> dict[str, Any]:
    v = {f: c.get(f) for f in CODE_FIELDS}
    v["sources"] = _source_ids(c)
    return v


def _code_span(c: dict[str, Any]) -> dict[str, Any]:
    return {**_code_value(c), "from": c.get("from"), "to": c.get("to")}


def _status_state(idx: _Index, day: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {key: {"status": s.get("status"), "instead": s.get("instead"),
                  "sources": _source_ids(s), "_record": s}
            for key, s in idx.statuses_on(day).items()}


# the condition of the visit routes (issue 14): a visit is the default service, so a route for
# it reads (and is keyed) as a route without a condition
_VISIT_ONLY = {"field": "service", "is": "visit"}


def _route_when(r: dict[str, Any]) -> Any:
    when = r.get("when")
    return None if when == _VISIT_ONLY else when


def _route_key(r: dict[str, Any]) -> str:
    when = _route_when(r)
    key = f"{r.get('payer')} {r.get('modality')} {r.get('clinician') or 'em_practitioner'}"
    if when:
        key += " when " + json.dumps(when, sort_keys=True, separators=(",", ":"))
    return key


def _route_state(idx: _Index, day: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in idx.bundle.get("routes", []):
        if not in_range(r, day):
            continue
        key = _route_key(r)
        if key in out:  # the engine takes the first matching route; later ones never apply
            continue
        codes: list[str] = []
        for fam in r.get("families") or []:
            codes += idx.family_codes_on(fam, day)
        if r.get("codes"):
            allowed = set(r["codes"])
            codes = [c for c in codes if c in allowed]
        out[key] = {
            "codes": sort_codes(codes),
            "modifiers": list(r.get("modifiers") or []),
            "pos": r.get("pos"),
            "families": list(r.get("families") or []),
            "sources": _source_ids(r),
            "_record": r,
        }
    return out


def _by_id_on(items: Iterable[dict[str, Any]], day: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if in_range(item, day) and item.get("id") not in out:
            out[item.get("id")] = item
    return out


def _scope_state(items: Iterable[dict[str, Any]], day: str) -> dict[tuple[str, str], dict]:
    """(code, payer) -> {"use", "note", "_record"} for modifiers / POS in force on `day`."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for m in items:
        if not in_range(m, day):
            continue
        for sc in m.get("scope") or []:
            if not in_range(sc, day):
                continue
            key = (m.get("code"), sc.get("payer"))
            if key not in out:
                out[key] = {"use": sc.get("use"), "note": sc.get("note"), "_record": sc}
    return out


def _flex_on(bundle: dict[str, Any], day: str) -> dict[str, Any] | None:
    for p in bundle.get("flexibilities", []):
        if in_range(p, day):
            return p
    return None


# ------------------------------------------------------------------------------- diff
def _effective(before_rec: dict | None, after_rec: dict | None, d1: str, d2: str) -> str | None:
    if after_rec is not None and (after_rec.get("from") or "") > d1:
        return after_rec.get("from")
    if before_rec is not None and before_rec.get("to") and before_rec["to"] < d2:
        return day_after(before_rec["to"])
    return d2 if d2 > d1 else None


def _from_text(eff: str | None) -> str:
    return f" (from {eff})" if eff else ""


def _route_text(v: dict[str, Any] | None) -> str:
    if v is None:
        return "no route"
    text = code_ranges(v["codes"]) or "no code"
    if v["modifiers"]:
        text += " + " + "/".join(v["modifiers"])
    pos = v.get("pos")
    if isinstance(pos, dict) and pos:
        text += ", POS " + ", ".join(f"{p} ({where})" for where, p in sorted(pos.items()))
    elif isinstance(pos, str):
        text += f", POS {pos}"
    return text


def diff_bundle(bundle: dict[str, Any], d1: str, d2: str,
                after: dict[str, Any] | None = None) -> list[Change]:
    """Every value that differs between the codebook in force on `d1` and on `d2`. With
    `after`, the `d2` side is read from that bundle (e.g. a reviewed codebook compared with
    the provisional answers of the bundle before the review, on the same day)."""
    idx = _Index(bundle)
    return _diff(idx, idx if after is None else _Index(after), d1, d2)


# One function per kind of record: (the d1 side, the d2 side, d1, d2) -> its changes.
_Differ = Callable[[_Index, _Index, str, str], Iterator[Change]]


def _diff(idx: _Index, idx2: _Index, d1: str, d2: str) -> list[Change]:
    changes = [c for differ in _DIFFERS for c in differ(idx, idx2, d1, d2)]
    order = {k: i for i, k in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c.kind], c.payer or "", _code_sort_key(c.key), c.key,
                                CHANGE_ORDER[c.change], c.field or ""))
    return changes


def _code_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    c1, c2 = idx.codes_on(d1), idx2.codes_on(d2)
    for code in sort_codes(set(c1) | set(c2)):
        a, b = c1.get(code), c2.get(code)
        eff = _effective(a, b, d1, d2)
        if a is None and b is not None:
            yield Change("code", "added", code, code, None, None, None, _code_span(b), eff,
                         f"{code} added: {b.get('label')} [{b.get('family')}]{_from_text(eff)}")
        elif b is None and a is not None:
            last = a.get("to")
            yield Change("code", "ended", code, code, None, None, _code_span(a), None, eff,
                         f"{code} ended{f' (last day {last})' if last else ''}: "
                         f"{a.get('label')} [{a.get('family')}]")
        elif a is not None and b is not None:
            va, vb = _code_value(a), _code_value(b)
            for f in CODE_FIELDS:
                if va[f] != vb[f]:
                    yield Change("code", "changed", code, code, None, f, va[f], vb[f], eff,
                                 f"{code} {f.replace('_', ' ')}: {_value_text(va[f])} → "
                                 f"{_value_text(vb[f])}{_from_text(eff)}")


def _status_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    s1, s2 = _status_state(idx, d1), _status_state(idx2, d2)
    for payer, code in sorted(set(s1) | set(s2), key=lambda k: (k[0] or "", _code_sort_key(k[1]))):
        a, b = s1.get((payer, code)), s2.get((payer, code))
        ra, rb = (a or {}).get("_record"), (b or {}).get("_record")
        eff = _effective(ra, rb, d1, d2)
        name = idx2.payer_name(payer)
        key = f"{payer} {code}"
        if a is None or b is None:
            change = "added" if a is None else "ended"
            before = a["status"] if a else None
            after = b["status"] if b else None
            what = (f"{_words(after)} (new record)" if a is None
                    else f"{_words(before)} (record ended)")
            yield Change("status", change, key, code, payer, "status", before, after, eff,
                         f"{name}, {code}: {what}{_from_text(eff)}")
            continue
        for f in STATUS_FIELDS:
            if a[f] != b[f]:
                yield Change("status", "changed", key, code, payer, f, a[f], b[f], eff,
                             f"{name}, {code}: {f} {_value_text(a[f])} → {_value_text(b[f])}"
                             f"{_from_text(eff)}")


def _route_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    r1, r2 = _route_state(idx, d1), _route_state(idx2, d2)
    for key in sorted(set(r1) | set(r2)):
        a, b = r1.get(key), r2.get(key)
        rec = (b or a)["_record"]  # type: ignore[index]
        ra, rb = (a or {}).get("_record"), (b or {}).get("_record")
        eff = _effective(ra, rb, d1, d2)
        who = f"{idx2.payer_name(rec.get('payer'))}, {_words(rec.get('modality'))}"
        if (rec.get("clinician") or "em_practitioner") != "em_practitioner":
            who += f" ({_words(rec.get('clinician'))})"
        if _route_when(rec):
            who += " when " + json.dumps(rec["when"], sort_keys=True)
        va = {f: a[f] for f in ROUTE_FIELDS} if a else None
        vb = {f: b[f] for f in ROUTE_FIELDS} if b else None
        text = f"{who}: {_route_text(a)} → {_route_text(b)}{_from_text(eff)}"
        if va is None or vb is None:
            change = "added" if va is None else "ended"
            yield Change("route", change, key, None, rec.get("payer"), None, va, vb, eff, text)
            continue
        diffs = [f for f in ROUTE_FIELDS if va[f] != vb[f]]
        if diffs:
            yield Change("route", "changed", key, None, rec.get("payer"), ",".join(diffs), va,
                         vb, eff, text)


def _field_changes(kind: str, key: str, payer: str | None, fields: tuple[str, ...],
                   va: dict[str, Any], vb: dict[str, Any], eff: str | None,
                   what: str) -> Iterator[Change]:
    """One `changed` entry per field that differs between two versions of a record."""
    for f in fields:
        if va[f] != vb[f]:
            yield Change(kind, "changed", key, None, payer, f, va[f], vb[f], eff,
                         f"{what}: {f} {_value_text(va[f])} → {_value_text(vb[f])}"
                         f"{_from_text(eff)}")


def _rule_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    u1 = _by_id_on(idx.bundle.get("rules", []), d1)
    u2 = _by_id_on(idx2.bundle.get("rules", []), d2)
    for rid in sorted(set(u1) | set(u2)):
        a, b = u1.get(rid), u2.get(rid)
        eff = _effective(a, b, d1, d2)
        va, vb = _pick(a, RULE_FIELDS), _pick(b, RULE_FIELDS)
        payers = ((b or a) or {}).get("scope", {}) or {}
        payer = ",".join(payers.get("payers") or []) or None
        if va is None or vb is None:
            change = "added" if va is None else "ended"
            title = (b or a or {}).get("title")
            yield Change("rule", change, rid, None, payer, None, va, vb, eff,
                         f"Rule {rid} {change}: {title}{_from_text(eff)}")
            continue
        yield from _field_changes("rule", rid, payer, RULE_FIELDS, va, vb, eff, f"Rule {rid}")


def _scope_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    """Modifiers and places of service: the records, and their use per payer."""
    for kind, group, noun in (
        ("modifier", "modifiers", "Modifier"),
        ("place_of_service", "places_of_service", "POS"),
    ):
        items, items2 = idx.bundle.get(group, []), idx2.bundle.get(group, [])
        m1 = {m.get("code"): m for m in items if in_range(m, d1)}
        m2 = {m.get("code"): m for m in items2 if in_range(m, d2)}
        for code in sorted(set(m1) | set(m2)):
            a, b = m1.get(code), m2.get(code)
            if a is None or b is None:
                eff = _effective(a, b, d1, d2)
                change = "added" if a is None else "ended"
                yield Change(kind, change, code, code, None, None,
                             a and a.get("label"), b and b.get("label"), eff,
                             f"{noun} {code} {change}: {(b or a or {}).get('label')}"
                             f"{_from_text(eff)}")
        sc1, sc2 = _scope_state(items, d1), _scope_state(items2, d2)
        for code, payer in sorted(set(sc1) | set(sc2), key=lambda k: (k[0] or "", k[1] or "")):
            a, b = sc1.get((code, payer)), sc2.get((code, payer))
            ua, ub = (a or {}).get("use"), (b or {}).get("use")
            if ua == ub and (a or {}).get("note") == (b or {}).get("note"):
                continue
            eff = _effective((a or {}).get("_record"), (b or {}).get("_record"), d1, d2)
            field = "use" if ua != ub else "note"
            before = ua if field == "use" else (a or {}).get("note")
            after = ub if field == "use" else (b or {}).get("note")
            yield Change(kind, "changed", f"{code} {payer}", code, payer, field, before, after,
                         eff, f"{noun} {code}, {idx2.payer_name(payer)}: {field} "
                         f"{_value_text(before)} → {_value_text(after)}{_from_text(eff)}")


def _flex_text(p: dict[str, Any] | None) -> str:
    if p is None:
        return "no period recorded"
    law = f" ({p.get('law')})" if p.get("law") else ""
    return f"{_words(p.get('state'))}{law}"


def _flexibility_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    f1, f2 = _flex_on(idx.bundle, d1), _flex_on(idx2.bundle, d2)
    if (f1 or {}).get("id") == (f2 or {}).get("id"):
        return
    va, vb = _pick(f1, FLEX_FIELDS), _pick(f2, FLEX_FIELDS)
    diffs = [f for f in FLEX_FIELDS if (va or {}).get(f) != (vb or {}).get(f)]
    if diffs:
        eff = _effective(f1, f2, d1, d2)
        yield Change("flexibility", "changed", "medicare-telehealth-flexibilities", None,
                     "medicare", ",".join(diffs), va, vb, eff,
                     f"Medicare telehealth flexibilities: {_flex_text(f1)} → "
                     f"{_flex_text(f2)}{_from_text(eff)}")


def _conflict_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    k1 = _by_id_on(idx.bundle.get("conflicts", []), d1)
    k2 = _by_id_on(idx2.bundle.get("conflicts", []), d2)
    for cid in sorted(set(k1) | set(k2)):
        a, b = k1.get(cid), k2.get(cid)
        eff = _effective(a, b, d1, d2)
        va, vb = _pick(a, CONFLICT_FIELDS), _pick(b, CONFLICT_FIELDS)
        if va is None or vb is None:
            change = "added" if va is None else "ended"
            yield Change("conflict", change, cid, None, None, None, va, vb, eff,
                         f"Source conflict {cid} {change}: {(b or a or {}).get('topic')}"
                         f"{_from_text(eff)}")
            continue
        yield from _field_changes("conflict", cid, None, CONFLICT_FIELDS, va, vb, eff,
                                  f"Source conflict {cid}")


def _on_list(bundle: dict[str, Any], day: str) -> dict[str, dict[str, Any]]:
    """code -> its entry on the CMS telehealth list in force on `day` (optional records)."""
    out: dict[str, dict[str, Any]] = {}
    for e in bundle.get("telehealth_list", []):
        if in_range(e, day):
            for code in e.get("codes") or []:
                out.setdefault(code, e)
    return out


def _telehealth_list_changes(idx: _Index, idx2: _Index, d1: str, d2: str) -> Iterator[Change]:
    t1, t2 = _on_list(idx.bundle, d1), _on_list(idx2.bundle, d2)
    for code in sort_codes(set(t1) | set(t2)):
        a, b = t1.get(code), t2.get(code)
        sa = (a.get("list_status") or "on the list") if a else None
        sb = (b.get("list_status") or "on the list") if b else None
        if sa == sb and _source_ids(a or {}) == _source_ids(b or {}):
            continue
        eff = _effective(a, b, d1, d2)
        change = "added" if a is None else "ended" if b is None else "changed"
        field = "list_status" if sa != sb else "sources"
        before = sa if field == "list_status" else _source_ids(a or {})
        after = sb if field == "list_status" else _source_ids(b or {})
        yield Change("telehealth_list", change, f"medicare {code}", code, "medicare", field,
                     before, after, eff,
                     f"Medicare telehealth list, {code}: {_value_text(before)} → "
                     f"{_value_text(after)}{_from_text(eff)}")


_DIFFERS: tuple[_Differ, ...] = (
    _code_changes, _status_changes, _route_changes, _rule_changes, _scope_changes,
    _flexibility_changes, _conflict_changes, _telehealth_list_changes,
)


# ----------------------------------------------------------------------- whole years
def boundary_dates(bundle: dict[str, Any], start: str, end: str) -> list[str]:
    """Days in [start, end] on which some record starts or the day after one ends."""
    days: set[str] = set()

    def visit(rec: dict[str, Any]) -> None:
        f, t = rec.get("from"), rec.get("to")
        if isinstance(f, str) and start <= f <= end:
            days.add(f)
        if isinstance(t, str) and t < "9999-12-31":
            nxt = day_after(t)
            if start <= nxt <= end:
                days.add(nxt)

    for kind in ("codes", "statuses", "routes", "rules", "flexibilities", "conflicts",
                 "telehealth_list"):
        for rec in bundle.get(kind, []):
            visit(rec)
    for kind in ("modifiers", "places_of_service"):
        for rec in bundle.get(kind, []):
            visit(rec)
            for sc in rec.get("scope") or []:
                visit(sc)
    return sorted(days)


def changes_in_year(bundle: dict[str, Any], year: int) -> list[tuple[str, list[Change]]]:
    """[(day, changes taking effect that day)] for every change date in `year`, Jan 1 first."""
    out = []
    start, end = f"{year}-01-01", f"{year}-12-31"
    days = boundary_dates(bundle, start, end)
    if start not in days:
        days.insert(0, start)
    idx = _Index(bundle)  # one Codebook for every day of the year
    for day in days:
        changes = _diff(idx, idx, day_before(day), day)
        if changes or day == start:
            out.append((day, changes))
    return out


def covered_years(bundle: dict[str, Any]) -> list[int]:
    """Years that have a /changes/ page: every covered year after the first."""
    covers = (bundle.get("meta") or {}).get("covers") or {}
    first = int(str(covers.get("from") or "2024-01-01")[:4])
    last = int(str(covers.get("to") or "2026-12-31")[:4])
    return list(range(first + 1, last + 1))


def affected_codes(bundle: dict[str, Any], year: int) -> list[str]:
    """Codes whose values change in `year` (added, ended, changed, status, or in a changed
    route's code list). The site links each such code page to /changes/<year>/."""
    codes: set[str] = set()
    for _, changes in changes_in_year(bundle, year):
        for c in changes:
            if c.code and c.kind in ("code", "status", "telehealth_list"):
                codes.add(c.code)
            elif c.kind == "route":
                before = set((c.before or {}).get("codes") or [])
                after = set((c.after or {}).get("codes") or [])
                if c.before is None or c.after is None:
                    codes |= before | after
                else:
                    codes |= before ^ after
                    if any(c.before[f] != c.after[f] for f in ("modifiers", "pos")):
                        codes |= before | after
    return sort_codes(codes)


# ---------------------------------------------------------------------------- render
SECTION_TITLES = {
    "code": "Codes",
    "status": "Payment status",
    "route": "What payers want reported (routes)",
    "rule": "Rules and windows",
    "modifier": "Modifiers",
    "place_of_service": "Places of service",
    "flexibility": "Medicare telehealth flexibilities",
    "conflict": "Source conflicts",
    "telehealth_list": "CMS List of Medicare Telehealth Services",
    "citations": "Citations changed (same value, other sources)",
}
# Rendering order: the kinds, then every change of sources alone (less to read first).
SECTIONS = (*KINDS, "citations")


def grouped_lines(changes: list[Change]) -> dict[str, list[tuple[str, list[str]]]]:
    """kind -> [(line text, codes in it)], with runs of codes that changed the same way
    collapsed into ranges ('98000–98015 added ...')."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    groups: dict[tuple, list[Change]] = {}
    order: list[tuple] = []
    for c in changes:
        if c.kind == "code" and c.change in ("added", "ended"):
            v = c.after if c.change == "added" else c.before
            g = ("code", c.change, v.get("family"), c.effective)
        elif c.kind == "code":
            g = ("code", c.change, c.field, _value_text(c.before), _value_text(c.after),
                 c.effective, c.key if c.field in ("label", "sources") else "")
        elif c.kind in ("status", "telehealth_list"):
            g = (c.kind, c.payer, c.field, _value_text(c.before), _value_text(c.after),
                 c.effective)
        else:
            g = ("single", c.kind, c.key, c.field, c.change)
        if g not in groups:
            groups[g] = []
            order.append(g)
        groups[g].append(c)
    for g in order:
        members = groups[g]
        first = members[0]
        codes = [m.code for m in members if m.code]
        if g[0] == "code" and first.change in ("added", "ended"):
            v = first.after if first.change == "added" else first.before
            when = (f" (from {first.effective})" if first.change == "added" and first.effective
                    else f" (last day {v.get('to')})" if first.change == "ended" and v else "")
            text = f"{code_ranges(codes)} {first.change} — family {v.get('family')}{when}"
            if len(members) == 1:
                text = first.text
        elif g[0] == "code" and len(members) > 1:
            text = (f"{code_ranges(codes)}: {str(first.field).replace('_', ' ')} "
                    f"{_value_text(first.before)} → {_value_text(first.after)}"
                    f"{_from_text(first.effective)}")
        elif g[0] in ("status", "telehealth_list") and len(members) > 1:
            text = first.text.replace(f", {first.code}:", f", {code_ranges(codes)}:", 1)
        else:
            text = first.text
        section = "citations" if first.field == "sources" else first.kind
        out.setdefault(section, []).append((text, sort_codes(codes)))
    return out


def render_text(changes: list[Change], d1: str, d2: str) -> str:
    lines = [f"Changes between the codebook in force on {d1} and on {d2}", ""]
    if not changes:
        lines.append("No changes.")
        return "\n".join(lines) + "\n"
    grouped = grouped_lines(changes)
    for kind in SECTIONS:
        if kind not in grouped:
            continue
        lines.append(f"{SECTION_TITLES[kind]}:")
        lines += [f"  {text}" for text, _ in grouped[kind]]
        lines.append("")
    return "\n".join(lines)


def render_markdown(
    changes: list[Change],
    *,
    heading_level: int = 2,
    code_link: Callable[[str], str | None] | None = None,
    title: str | None = None,
) -> str:
    h = "#" * heading_level
    lines: list[str] = []
    if title is not None:
        lines += [f"{h} {title}", ""]
        h += "#"
    if not changes:
        lines += ["No changes.", ""]
        return "\n".join(lines)
    grouped = grouped_lines(changes)
    for kind in SECTIONS:
        if kind not in grouped:
            continue
        lines += [f"{h} {SECTION_TITLES[kind]}", ""]
        for text, codes in grouped[kind]:
            line = _md_escape(text)
            if code_link and codes:
                links = []
                for code in codes:
                    url = code_link(code)
                    if url:
                        links.append(f"[{code}]({url})")
                if links:
                    line += " — " + ", ".join(links)
            lines.append(f"- {line}")
        lines.append("")
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def render_json(changes: list[Change], d1: str, d2: str) -> str:
    counts: dict[str, int] = {}
    for c in changes:
        counts[f"{c.kind}.{c.change}"] = counts.get(f"{c.kind}.{c.change}", 0) + 1
    doc = {
        "from": d1,
        "to": d2,
        "counts": dict(sorted(counts.items())),
        "changes": [c.as_dict() for c in changes],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------- loading
class LoadError(ValueError):
    """The codebook could not be read; the message says what to do."""


def load_bundle(path: str | None = None) -> dict[str, Any]:
    """The bundle of a codebook folder (compiled now) or of a compiled JSON file.

    Default: the `codebook/` folder of this clone when it exists, else the engine's
    compiled bundle (engine/data/codebook.json).
    """
    import os

    if path is None:
        from engine.tooling.paths import CODEBOOK_DIR, DEFAULT_BUNDLE

        path = str(CODEBOOK_DIR) if CODEBOOK_DIR.is_dir() else str(DEFAULT_BUNDLE)
    if os.path.isdir(path):
        return compile_dir(path)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file or folder — give the codebook folder or a "
                        "bundle written by `telecode compile`") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: not a codebook bundle ({exc}) — run `telecode compile`") from None


def compile_dir(root: str) -> dict[str, Any]:
    """Compile a codebook folder with the validator's compiler; refuse an invalid codebook."""
    from engine.tooling.write import compile_folder

    return compile_folder(root)
