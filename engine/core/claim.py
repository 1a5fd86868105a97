"""Claim mode: check a claim line as a claim shows it, before it is submitted.

`telecode batch` checks encounters (minutes, MDM, who was where). A billing office has claims
instead: a date of service, a payer, a code with modifiers, a place of service and units, and
the other lines of the same claim. `ClaimChecker` checks exactly those facts against the
codebook and returns a verdict (`ok`, `warning`, `error`) with reasons. Every reason is a
message of messages.yaml (id `claim-...`, the wording and its sources live there) and also
cites the codebook records it rests on (the code version, the payer's status record, the
route, the modifier or POS scope, the flexibility period, the rule).

What a claim cannot show (time, MDM, behavioral health, the patient's site beyond the POS) is
never guessed: where an answer depends on it, the reason says what to check in the note.
A corrected line is suggested only when the rules imply exactly one.

Checks, in order:
- the date inside the codebook's covered range (else nothing else is checked);
- the code known, and valid on the date (code versions; `replaced_by`/`replaces`);
- the payer: a codebook payer, or the Medicare Advantage class when the codebook has no
  profile for it (only payer-independent checks then), or unknown;
- the payer's status for the code on the date (`status_of`); for an unpaid code with a
  modality (98000-98015), the code the payer's route for that modality reports with the same
  patient status and MDM level;
- the routes of the payer in force on the date that report the code: a telehealth route
  (with POS) wants its POS and modifiers; a route without POS is not a telehealth service;
  modifiers are read by their modality (modifiers.yaml `modality`) and their payer scope;
- add-on codes (`add_on.primary`) need their primary on another line of the claim;
- flexibility rules (rules whose condition reads `flexibility_state`) on Medicare telehealth
  lines, with the patient's location read from the POS and behavioral health assumed absent.

Payers whose records are defaults (`defaults_only`, commercial and Medicaid) get warnings
where Medicare gets errors: their plans vary.

Standard library only (runs in Pyodide).
"""

from __future__ import annotations

from bisect import bisect_right

from engine.core.codebook import PAYABLE_STATUSES, Codebook, in_range
from engine.core.conditions import compile_condition, fields_used
from engine.core.lines import format_line
from engine.core.phrases import codes_phrase, replacement_phrase, validity_phrase
from engine.core.plan import compiled, source_ids
from engine.core.stretches import Stretches, bounds_of
from engine.core.templates import render

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Iterable, Sequence
    from typing import Any

__all__ = ["ClaimLine", "ClaimChecker", "ClaimResult", "Reason", "MEDICARE_ADVANTAGE",
           "REASON_IDS", "VERDICTS"]

VERDICTS = ("ok", "warning", "error")
_RANK = {"info": 0, "warning": 1, "error": 2}
_VERDICT_OF = {0: "ok", 1: "warning", 2: "error"}

# The payer class of a Medicare Advantage plan when the codebook has no profile for it:
# never traditional Medicare (X12 SBR09 "16").
MEDICARE_ADVANTAGE = "medicare_advantage"

# Every reason claim mode can give (messages.yaml ids); the site has one anchor per id.
REASON_IDS = (
    "claim-line-unreadable", "claim-date-outside-codebook", "claim-provisional-year",
    "claim-code-unknown",
    "claim-payer-unknown", "claim-payer-medicare-advantage", "claim-code-not-valid-on-date",
    "claim-code-not-payable", "claim-check-level-in-note", "claim-pos-wrong",
    "claim-modifier-missing", "claim-modifier-conflict", "claim-modifier-limited",
    "claim-modifier-not-used", "claim-modality-not-reported", "claim-not-telehealth-service",
    "claim-add-on-without-primary", "claim-waiver-lapse",
)
# reasons about what a payer takes: a warning, not an error, for a payer of defaults only
_PAYER_SPECIFIC = frozenset({
    "claim-code-not-payable", "claim-pos-wrong", "claim-modifier-missing",
    "claim-modifier-not-used", "claim-modality-not-reported", "claim-not-telehealth-service",
})
_EFFECT_SEVERITY = {"deny": "error", "not_covered": "warning", "drop": "warning",
                    "warn": "warning"}



# a visit route's condition (issue 14): a claim line is a visit unless its codes say otherwise,
# so such a route counts as unconditional here
_VISIT_ONLY = {"field": "service", "is": "visit"}


def _conditional(route: dict[str, Any]) -> bool:
    """True when the route's `when` asks more of the encounter than being a visit."""
    when = route.get("when")
    return bool(when) and when != _VISIT_ONLY

class ClaimLine:
    """One claim line: what a claim shows. `modifiers` is a tuple of 2-character codes."""

    __slots__ = ("claim_id", "line", "date_of_service", "payer", "code", "modifiers", "pos",
                 "units", "problem")

    def __init__(self, claim_id: str, line: str, date_of_service: str, payer: str, code: str,
                 modifiers: Sequence[str] = (), pos: str | None = None, units: int = 1,
                 problem: str | None = None) -> None:
        self.claim_id = claim_id
        self.line = line
        self.date_of_service = date_of_service
        self.payer = payer
        self.code = code
        self.modifiers = modifiers if type(modifiers) is tuple else tuple(modifiers)
        self.pos = pos or None
        self.units = units
        self.problem = problem  # set by a reader when the line could not be read

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self) -> str:
        return f"ClaimLine({self.as_dict()!r})"


class Reason:
    """A cited reason: a messages.yaml id, its severity, the filled text, the source ids of the
    message and of the records it rests on, and those record ids."""

    __slots__ = ("id", "severity", "message", "sources", "records")

    def __init__(self, id: str, severity: str, message: str, sources: tuple[str, ...],
                 records: tuple[str, ...]) -> None:
        self.id = id
        self.severity = severity
        self.message = message
        self.sources = sources
        self.records = records

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "message": self.message,
                "sources": list(self.sources), "records": list(self.records)}


# the reason of a line dated in a provisional period (its `provisional` column is true)
PROVISIONAL_REASON = "claim-provisional-year"


class ClaimResult:
    """The verdict for one line: `ok`, `warning` or `error`, its reasons (worst first, then in
    check order), one message and the suggested line text (or None)."""

    __slots__ = ("verdict", "reasons", "message", "suggested")

    def __init__(self, verdict: str, reasons: tuple[Reason, ...], message: str,
                 suggested: str | None) -> None:
        self.verdict = verdict
        self.reasons = reasons
        self.message = message
        self.suggested = suggested

    @property
    def reason_ids(self) -> list[str]:
        return [r.id for r in self.reasons]

    @property
    def provisional(self) -> bool:
        """The date of service is in a provisional (not yet reviewed) period of the codebook."""
        return any(r.id == PROVISIONAL_REASON for r in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reasons": [r.as_dict() for r in self.reasons],
                "message": self.message, "suggested": self.suggested,
                "provisional": self.provisional}


def _words(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


class _Line:
    """Work area while one line is checked: the reasons found and the suggested change."""

    __slots__ = ("reasons", "code", "modifiers", "pos", "changed", "blocked")

    def __init__(self, line: ClaimLine) -> None:
        self.reasons: list[Reason] = []
        self.code = line.code
        self.modifiers = list(line.modifiers)
        self.pos = line.pos
        self.changed = False  # a corrected line follows
        self.blocked = False  # a fact the claim does not show decides the line: none follows


def _segment_starts(cb: Codebook) -> list[str]:
    """Sorted first days of the date segments (engine.core.stretches): every day where a
    record claim mode reads (code versions, statuses, routes, rules, flexibility periods,
    modifiers, places of service and their scopes, the covered range) starts or stops holding."""
    b = cb.bundle
    records: list[dict[str, Any]] = []
    for group in ("routes", "rules", "codes", "statuses", "flexibilities", "modifiers",
                  "places_of_service"):
        for rec in b.get(group) or ():
            records.append(rec)
            records.extend(s for s in rec.get("scope") or () if isinstance(s, dict)
                           and group in ("modifiers", "places_of_service"))
    records.append({"from": cb.covers_from, "to": cb.covers_to})
    records.extend(cb.provisional)
    return Stretches(bounds_of(records)).starts


class ClaimChecker:
    """Checks claim lines against one codebook. Keep one per process (or Spark partition):
    answers are memoized by everything a line's verdict depends on."""

    def __init__(self, cb: Codebook, cache_size: int = 200_000) -> None:
        self.cb = cb
        self.comp = compiled(cb)
        self.cache_size = cache_size
        self._memo: dict[tuple[Any, ...], ClaimResult] = {}
        self.add_on_codes = frozenset(
            c for c, versions in cb.code_index.items() if any(v.get("add_on") for v in versions))
        self.telehealth_pos = frozenset(
            p for r in cb.routes for p in (r.get("pos") or {}).values() if p)
        # rules whose condition reads the flexibility period, with their compiled condition
        self.flex_rules = [(r, compile_condition(r.get("when")), fields_used(r.get("when")))
                           for r in cb.rules if "flexibility_state" in fields_used(r.get("when"))]
        self._starts = _segment_starts(cb)
        self._share_segments = not any("date_of_service" in f for _, _, f in self.flex_rules)
        self._segment_of: dict[str, Any] = {}

    # ---- public ---------------------------------------------------------------------------
    def segment(self, day: str) -> Any:
        """The date stretch of `day` (YYYY-MM-DD) in the memo's keys: days of one stretch share
        an answer unless its text shows the date (then it is kept for that date only)."""
        seg = self._segment_of.get(day)
        if seg is None:
            seg = bisect_right(self._starts, day) - 1 if self._share_segments else day
            if len(self._segment_of) < 100_000:
                self._segment_of[day] = seg
        return seg

    def shows_day(self, result: ClaimResult, day: str) -> bool:
        """True when the text of `result` quotes `day` (its answer is kept for that day only)."""
        return day in result.message or any(day in r.message for r in result.reasons)

    def check_claim(self, lines: Sequence[ClaimLine]) -> list[ClaimResult]:
        """Verdicts for the lines of one claim (in order); add-ons look at the other lines."""
        codes = [ln.code for ln in lines]
        return [self.check_line(ln, codes[:i] + codes[i + 1:]) for i, ln in enumerate(lines)]

    def check_many(self, lines: Sequence[ClaimLine],
                   codes_by_claim: dict[str, list[str]] | None = None) -> list[ClaimResult]:
        """Verdicts for many lines (the loop of check_line, with its common path inlined).
        `codes_by_claim`: claim id -> the codes of all its lines (add-ons look at them)."""
        memo = self._memo
        segment_of = self._segment_of
        add_ons = self.add_on_codes
        check = self.check_line
        out: list[ClaimResult] = []
        append = out.append
        for ln in lines:
            code = ln.code
            if code in add_ons or ln.problem is not None:
                others: list[str] = []
                if codes_by_claim is not None and ln.problem is None:
                    others = list(codes_by_claim.get(ln.claim_id, ()))
                    if code in others:
                        others.remove(code)
                append(check(ln, others))
                continue
            seg = segment_of.get(ln.date_of_service)
            found = None if seg is None else memo.get(
                (seg, ln.payer, code, ln.modifiers, ln.pos, ln.units, None))
            append(found if found is not None else check(ln))
        return out

    def check_line(self, line: ClaimLine, other_codes: Sequence[str] = ()) -> ClaimResult:
        """The verdict for one line; `other_codes` are the codes of the claim's other lines."""
        if line.problem is not None:
            return self._finish([self._reason("claim-line-unreadable", {"problem": line.problem},
                                              line)], None)
        primary_seen = None
        if line.code in self.add_on_codes:
            primary_seen = tuple(sorted(set(other_codes)))
        day = line.date_of_service
        memo = self._memo
        seg = self._segment_of.get(day)
        if seg is None:
            seg = self.segment(day)
        # within a segment every record in range is the same: lines share one answer unless
        # its text shows the date (then the answer is kept for that date only)
        key = (seg, line.payer, line.code, line.modifiers, line.pos, line.units, primary_seen)
        found = memo.get(key)
        if found is None:
            dated = (day,) + key
            found = memo.get(dated)
            if found is None:
                found = self._check(line, other_codes)
                if len(memo) >= self.cache_size:
                    memo.clear()
                if self.cache_size:
                    memo[dated if self.shows_day(found, day) else key] = found
        return found

    # ---- reasons ----------------------------------------------------------------------------
    def _reason(self, rid: str, values: dict[str, Any], line: ClaimLine,
                records: Iterable[dict[str, Any] | None] = (), severity: str | None = None,
                payer_defaults: bool = False) -> Reason:
        cb = self.cb
        msg = cb.message(rid) or {}
        ctx = {"code": line.code, "date_of_service": line.date_of_service,
               "payer": line.payer, "payer_label": cb.label("payer", line.payer),
               "payer_name": (cb.payer(line.payer) or {}).get("name") or line.payer}
        text = " ".join(render(msg.get("text") or rid, ctx, values).split())
        sev = severity or str(msg.get("severity") or "warning")
        if payer_defaults and sev == "error" and rid in _PAYER_SPECIFIC:
            sev = "warning"
        srcs = list(source_ids(msg))
        ids: list[str] = []
        for rec in records:
            if not rec:
                continue
            rec_id = rec.get("id")
            if rec_id and rec_id not in ids:
                ids.append(str(rec_id))
            for s in source_ids(rec):
                if s not in srcs:
                    srcs.append(s)
        return Reason(rid, sev, text, tuple(srcs), tuple(ids))

    def _finish(self, reasons: list[Reason], suggested: str | None) -> ClaimResult:
        worst = max((_RANK[r.severity] for r in reasons), default=0)
        ordered = tuple(sorted(reasons, key=lambda r: -_RANK[r.severity]))
        message = " ".join(r.message for r in ordered if r.severity != "info") or " ".join(
            r.message for r in ordered)
        return ClaimResult(_VERDICT_OF[worst], ordered, message, suggested)

    # ---- the check --------------------------------------------------------------------------
    def _check(self, line: ClaimLine, other_codes: Sequence[str]) -> ClaimResult:
        cb = self.cb
        day = line.date_of_service
        work = _Line(line)
        add = work.reasons.append
        if not cb.covers(day):
            period = cb.provisional_on(day)
            if period is None:
                add(self._reason("claim-date-outside-codebook",
                                 {"covers_from": cb.covers_from,
                                  "covers_to": cb.answers_to}, line))
                return self._finish(work.reasons, None)
            add(self._reason("claim-provisional-year", {
                "provisional_from": period.get("from"), "provisional_to": period.get("to"),
                "reviewed_to": cb.covers_to, "basis": " ".join(str(period.get("basis")).split()),
                "unreviewed": "; ".join(period.get("unreviewed") or ()),
                "review_due": period.get("review_due")}, line, [period]))
        versions = cb.code_versions(line.code)
        if not versions:
            add(self._reason("claim-code-unknown", {}, line))
            return self._finish(work.reasons, None)
        version = cb.code_on(line.code, day)
        if version is None:
            self._not_valid(line, versions, work)
        else:
            self._add_on(line, version, other_codes, work)
        payer = cb.payer(line.payer)
        if payer is None:
            rid = ("claim-payer-medicare-advantage" if line.payer == MEDICARE_ADVANTAGE
                   else "claim-payer-unknown")
            add(self._reason(rid, {}, line))
        elif version is not None:
            defaults = bool(payer.get("defaults_only"))
            if self._payable(line, version, work, defaults):
                self._routes(line, version, work, defaults)
        suggested = None
        if work.changed and not work.blocked:
            suggested = format_line({"code": work.code, "modifiers": work.modifiers,
                                     "pos": work.pos, "units": line.units})
        return self._finish(work.reasons, suggested)

    def _not_valid(self, line: ClaimLine, versions: list[dict[str, Any]], work: _Line) -> None:
        cb = self.cb
        day = line.date_of_service
        # the version nearest the date: the last that ended before it, else the first
        before = [v for v in versions if (v.get("to") or "9999") < day]
        version = before[-1] if before else versions[0]
        replacement = replacement_phrase(cb, version, day, line.payer,
                                         cb.label("payer", line.payer))
        work.reasons.append(self._reason(
            "claim-code-not-valid-on-date",
            {"validity": validity_phrase(cb, versions), "replacement": replacement},
            line, [version]))
        # one replacement code, valid and payable on the date: the suggested code
        if before:
            others = [c for c in version.get("replaced_by") or () if c]
        else:
            others = [c for c in version.get("replaces") or () if c]
        fits = [c for c in others
                if cb.code_on(c, day) is not None and cb.is_payable(c, line.payer, day)]
        if len(fits) == 1:
            work.code = fits[0]
            work.changed = True

    def _add_on(self, line: ClaimLine, version: dict[str, Any], other_codes: Sequence[str],
                work: _Line) -> None:
        add_on = version.get("add_on")
        if not add_on:
            return
        primary = add_on.get("primary")
        primaries = [primary] if isinstance(primary, str) else list(primary or ())
        primaries += [p for p in add_on.get("primaries") or () if p not in primaries]
        if primaries and not any(p in other_codes for p in primaries):
            work.reasons.append(self._reason(
                "claim-add-on-without-primary", {"primary": codes_phrase(primaries)},
                line, [version]))

    def _payable(self, line: ClaimLine, version: dict[str, Any], work: _Line,
                 defaults: bool) -> bool:
        """False when the payer does not take the code (its routes are then not checked)."""
        cb = self.cb
        day = line.date_of_service
        status = cb.status_of(line.code, line.payer, day)
        if isinstance(status, str) or status.get("status") in PAYABLE_STATUSES:
            return True
        work.reasons.append(self._reason(
            "claim-code-not-payable",
            {"status_label": cb.label("status", status.get("status")),
             "instead": status.get("instead") or ""},
            line, [status], payer_defaults=defaults))
        self._same_level(line, version, work)
        return False

    def _same_level(self, line: ClaimLine, version: dict[str, Any], work: _Line) -> None:
        """For a code the payer does not take that names its modality and level (98000-98015):
        the code the payer's route for that modality reports at the same patient status and
        MDM level, with the route's modifiers, and the line's POS when the route takes it."""
        cb = self.cb
        day = line.date_of_service
        modality = version.get("modality")
        mdm = version.get("mdm")
        if not modality or not mdm:
            return
        for route in cb.routes_of(line.payer, modality):
            if not in_range(route, day) or _conditional(route):
                continue
            allowed = route.get("codes")
            fits = [c for fam in route.get("families") or ()
                    for c in cb.codes_of_family(fam, day)
                    if c.get("mdm") == mdm and c.get("selectable", True)
                    and c.get("patient_status") in (version.get("patient_status"), "any")
                    and (allowed is None or c["code"] in allowed)
                    and cb.is_payable(c["code"], line.payer, day)]
            if len(fits) != 1:
                return
            target = fits[0]
            pos_values = [p for p in (route.get("pos") or {}).values() if p]
            work.code = target["code"]
            work.modifiers = self._with_modifiers(line.modifiers, route.get("modifiers") or [])
            work.changed = True
            if pos_values and line.pos not in pos_values:
                work.blocked = True  # where the patient was decides the POS
                return
            work.reasons.append(self._reason(
                "claim-check-level-in-note",
                {"suggested_code": target["code"], "minutes": target.get("min_minutes")},
                line, [route, target]))
            return

    @staticmethod
    def _billed(line: ClaimLine) -> str:
        return format_line({"code": line.code, "modifiers": line.modifiers, "pos": line.pos,
                            "units": line.units})

    def _with_modifiers(self, billed: Sequence[str], wanted: Sequence[str]) -> list[str]:
        """The billed modifiers without those of a modality, then the wanted ones."""
        keep = [m for m in billed if self._modality_of(m) is None and m not in wanted]
        return list(wanted) + keep

    def _modality_of(self, modifier: str) -> str | None:
        rec = self.cb.modifier_on(modifier, "9999-12-31") or next(
            iter(self.cb.modifiers_by_code.get(modifier, ())), None)
        return rec.get("modality") if rec else None

    def _modifier_scope(self, modifier: str, payer: str, day: str) -> dict[str, Any] | None:
        rec = self.cb.modifier_on(modifier, day)
        for scope in (rec or {}).get("scope") or ():
            if scope.get("payer") in (payer, "any") and in_range(scope, day):
                return scope
        return None

    def _routes(self, line: ClaimLine, version: dict[str, Any], work: _Line,
                defaults: bool) -> None:
        cb = self.cb
        day = line.date_of_service
        family = version.get("family")
        routes = [r for r in cb.routes_of(line.payer) if in_range(r, day)
                  and family in (r.get("families") or ())
                  and (r.get("codes") is None or line.code in r["codes"])]
        # the visit routes when there are some (a psychotherapy route also reports the office
        # codes, with the same modifiers and POS); else the service's own (issue 14)
        routes = [r for r in routes if not _conditional(r)] or routes
        if not routes:
            return
        mods = line.modifiers
        modalities = {m: self._modality_of(m) for m in mods}
        billed_modalities = {v for v in modalities.values() if v}
        tele_pos = line.pos in self.telehealth_pos
        telehealth = [r for r in routes if r.get("pos")]
        if not telehealth:
            # not a telehealth service: no telehealth POS, no modality modifier
            shown = [m for m in mods if modalities[m]]
            if tele_pos or shown:
                work.reasons.append(self._reason(
                    "claim-not-telehealth-service", {"billed": self._billed(line)},
                    line, routes, payer_defaults=defaults))
                work.modifiers = [m for m in mods if not modalities[m]]
                work.changed = True
                if tele_pos:
                    work.blocked = True  # the practitioner's usual POS is not on the claim
            return
        code_modality = version.get("modality")
        if not (billed_modalities or tele_pos or code_modality):
            return  # an in-person line: nothing a telehealth check can say
        if len(billed_modalities) > 1:
            work.reasons.append(self._reason(
                "claim-modifier-conflict", {"billed_modifiers": "-".join(mods)}, line,
                [cb.modifier_on(m, day) for m in mods if modalities[m]]))
            return
        wanted = billed_modalities or ({code_modality} if code_modality else set())
        chosen = [r for r in telehealth if not wanted or r.get("modality") in wanted]
        if not chosen:
            modality = next(iter(wanted))
            expected = [c["code"] for r in cb.routes_of(line.payer, modality)
                        if in_range(r, day) and r.get("pos") and not _conditional(r)
                        for fam in r.get("families") or () for c in cb.codes_of_family(fam, day)
                        if c.get("selectable", True)]
            work.reasons.append(self._reason(
                "claim-modality-not-reported",
                {"modality_label": cb.label("modality", modality),
                 "expected_codes": codes_phrase(sorted(set(expected)))},
                line, [r for r in cb.routes_of(line.payer, modality) if in_range(r, day)],
                payer_defaults=defaults))
            return
        self._modifier_scopes(line, modalities, work, defaults)
        self._pos(line, chosen, work, defaults)
        self._missing_modifiers(line, chosen, work, defaults)
        self._flexibility(line, chosen, work)

    def _modifier_scopes(self, line: ClaimLine, modalities: dict[str, str | None], work: _Line,
                         defaults: bool) -> None:
        day = line.date_of_service
        for m, modality in modalities.items():
            if not modality:
                continue
            scope = self._modifier_scope(m, line.payer, day)
            use = (scope or {}).get("use")
            if use in ("limited", "not_used"):
                rid = "claim-modifier-limited" if use == "limited" else "claim-modifier-not-used"
                work.reasons.append(self._reason(
                    rid, {"modifier": m, "note": " ".join(str(scope.get("note") or "").split())},
                    line, [self.cb.modifier_on(m, day)], payer_defaults=defaults))

    def _pos(self, line: ClaimLine, chosen: list[dict[str, Any]], work: _Line,
             defaults: bool) -> None:
        cb = self.cb
        day = line.date_of_service
        values: list[str] = []
        for r in chosen:
            for p in (r.get("pos") or {}).values():
                if p and p not in values:
                    values.append(p)
        if line.pos in values:
            return
        expected = _words([f"{p} ({(cb.pos_on(p, day) or {}).get('label') or p})"
                           for p in values])
        modalities: list[str] = []
        for r in chosen:
            if r.get("modality") not in modalities:
                modalities.append(str(r.get("modality")))
        work.reasons.append(self._reason(
            "claim-pos-wrong",
            {"billed": self._billed(line), "expected_pos": expected,
             "modality_label": _words([cb.label("modality", m) for m in modalities])},
            line, chosen + [cb.pos_on(p, day) for p in values], payer_defaults=defaults))
        if len(values) == 1:
            work.pos = values[0]
            work.changed = True
        else:
            work.blocked = True  # where the patient was decides the POS

    def _missing_modifiers(self, line: ClaimLine, chosen: list[dict[str, Any]], work: _Line,
                           defaults: bool) -> None:
        cb = self.cb
        wanted = [r.get("modifiers") or [] for r in chosen]
        if any(not w for w in wanted) or any(all(m in line.modifiers for m in w)
                                             for w in wanted):
            return
        options = _words([f"{'-'.join(w)} ({cb.label('modality', r.get('modality'))})"
                          for w, r in zip(wanted, chosen, strict=True)])
        work.reasons.append(self._reason(
            "claim-modifier-missing",
            {"billed": self._billed(line), "expected_modifiers": options},
            line, chosen, payer_defaults=defaults))
        if len(chosen) == 1:
            work.modifiers = self._with_modifiers(work.modifiers, wanted[0])
            work.changed = True
        else:
            work.blocked = True  # how the visit was held decides the modifier

    def _flexibility(self, line: ClaimLine, chosen: list[dict[str, Any]], work: _Line) -> None:
        cb = self.cb
        day = line.date_of_service
        state, flex = self.comp.flexibility(day)
        route_ids = {r.get("id") for r in chosen}
        location = None
        for r in chosen:
            for where, p in (r.get("pos") or {}).items():
                if p == line.pos:
                    location = where
        ctx = {"flexibility_state": state, "flexibility": flex, "behavioral_health": False,
               "patient_location": location, "payer": line.payer,
               "modality": chosen[0].get("modality") if len(chosen) == 1 else None,
               "date_of_service": day, "selected_codes": [line.code]}
        period = cb.flexibility(flex.get("id")) if flex.get("id") else None
        seen: set[str] = set()
        for rule, when, _fields in self.flex_rules:
            effect = rule.get("effect")
            severity = _EFFECT_SEVERITY.get(str(effect))
            scope = rule.get("scope") or {}
            if severity is None or rule.get("id") in seen or not in_range(rule, day):
                continue
            if scope.get("payers") and line.payer not in scope["payers"]:
                continue
            if scope.get("routes") and not route_ids & set(scope["routes"]):
                continue
            if scope.get("codes") and line.code not in scope["codes"]:
                continue
            if location is None and "patient_location" in _fields:
                continue  # the POS does not say where the patient was
            if not when(ctx):
                continue
            seen.add(str(rule.get("id")))
            text = " ".join(render(rule.get("message"), ctx).split())
            work.reasons.append(self._reason(
                "claim-waiver-lapse", {"rule_title": rule.get("title") or "", "rule_message": text},
                line, [rule, period], severity=severity))
