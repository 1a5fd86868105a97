"""engine.check: what to report for one encounter, from the compiled codebook.

Steps (codebook/README.md; the result: engine/data/result.schema.json):
1. validate the encounter (engine.core.contract) -> EncounterError listing every problem;
2. derive the context (discussion_share, flexibility_state, time_minutes, selected_codes);
3. take the first matching route (bundle order) or answer "not covered";
4. select the code(s) of each family of the route (engine.core.selection);
5. check that the payer pays each selected code on the date (else: codebook inconsistency);
6. apply the rules, whatever the order of their files: deny / not_covered first (a denied
   encounter gets only those warnings), then drop, then warn / info / checklist;
7. answer the requested code, if any.

Speed: whatever depends only on (payer, modality, clinician, stretch of dates) — the routes to
try, the rules in scope and in force, candidate codes, unpayable statuses, the flexibility
period — is precomputed once per codebook by engine.core.plan; one bisect on the date finds it.
Each encounter still evaluates every condition and writes its own warnings and trace; results
are never memoised here (the batch checker keeps its own memo).

Every user-facing sentence comes from the bundle (rules, family messages, messages.yaml with
its `labels:` and the `phrases:` that fill {validity}, {replacement} and {report}, see
engine.core.phrases). Python holds only contract words and short generic trace outcomes.

Message ids the engine itself looks up in messages.yaml, with the placeholders it fills
(besides the common ones: date_of_service, payer, payer_name, modality, clinician,
patient_status, codes, flexibility.*, and the words payer_label, modality_label, clinician_label,
patient_status_label from messages.yaml `labels:`):
"""

from __future__ import annotations

from engine.core.codebook import (
    NO_RECORD,
    NOT_VALID_ON_DATE,
    PAYABLE_STATUSES,
    Codebook,
    CodebookError,
)
from engine.core.codebook import load_codebook as _load
from engine.core.contract import validate
from engine.core.lines import format_line, format_lines
from engine.core.phrases import replacement_phrase, report_phrase, validity_phrase
from engine.core.plan import (
    DERIVED_FIELDS,
    NO_FLEXIBILITY,
    Compiled,
    RoutePlan,
    RulePhases,
    compiled,
    source_ids,
)
from engine.core.plan import _merge as _merge
from engine.core.selection import PERIOD_KEYS, Selection, select, time_value
from engine.core.templates import is_strict, render

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["check", "default_codebook", "ENGINE_MESSAGES", "FLEXIBILITY_STATES"]

# id -> extra placeholders the engine fills for it
ENGINE_MESSAGES: dict[str, tuple[str, ...]] = {
    "not-covered-no-route": (),
    # optional: routes are in force but none's condition holds (else not-covered-no-route)
    "no-route-fits": (),
    "requested-code-unknown": ("requested_code",),
    "requested-code-not-valid-on-date": (
        "requested_code", "validity", "replacement", "report",
        "valid_from", "valid_to", "replaced_by", "expected"),
    "requested-code-not-payable": ("requested_code", "status", "status_label", "instead", "report",
                                   "expected"),
    "requested-code-differs": ("requested_code", "expected"),
    "requested-code-matches": ("requested_code", "expected"),
    # an add-on code asked about that the encounter did not earn (issue 14)
    "requested-add-on-threshold": ("requested_code", "expected", "primary_code",
                                   "threshold_minutes", "time_minutes"),
    "requested-add-on-no-primary": ("requested_code", "expected", "primaries"),
    # optional: when absent, the engine falls back as documented in _fallback_message
    "status-not-payable": ("expected", "code", "status", "status_label", "instead"),
    "no-code-for-encounter": ("family", "family_id"),
    "time-not-given": ("family", "family_id", "time_basis", "time_basis_label"),
    # optional: payer profiles (engine.core.profiles)
    "payer-rule-not-accepted": ("rule_summary", "rule_payer_name"),
    "payer-rule-unknown": ("rule_summary", "rule_payer_name"),
    "payer-rule-inherited": ("base_label",),
    "medicaid-state-unknown": ("state",),
    # a date in a provisional period (codebook.yaml provisional:): what is not yet reviewed
    "provisional-year": ("provisional_from", "provisional_to", "reviewed_to", "basis",
                         "unreviewed", "review_due"),
}
__doc__ = (__doc__ or "") + "".join(
    f"\n    {k}: {', '.join('{' + p + '}' for p in v) or '(common only)'}"
    for k, v in ENGINE_MESSAGES.items()
)

FLEXIBILITY_STATES = ("extended", "lapse_restored", "lapse", "none")
_SECTIONS = ("provisional", "route", "rules", "selection", "requested")

_DEFAULT: Codebook | None = None


def default_codebook() -> Codebook:
    """The bundle at engine/data/codebook.json, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = _load()
    return _DEFAULT


def _selected(selections: list[Selection]) -> list[str]:
    """The distinct codes of the selections' lines, in line order."""
    codes: list[str] = []
    for sel in selections:
        for line in sel.lines:
            if line["code"] not in codes:
                codes.append(line["code"])
    return codes


class _Run:
    """One evaluation. The common path (route, selection, rules) is `run`; rarer steps
    (no route, unpayable codes, requested code, missing time) are methods."""

    __slots__ = ("cb", "comp", "enc", "day", "ctx", "warnings", "trace", "checklist",
                 "warned_families", "needs")

    def __init__(self, cb: Codebook, comp: Compiled, enc: dict[str, Any],
                 ctx: dict[str, Any]) -> None:
        self.cb = cb
        self.comp = comp
        self.enc = enc
        self.day: str = enc["date_of_service"]
        self.ctx = ctx
        # per section, in the result's order: provisional, route, rules, selection, requested
        self.warnings: dict[str, list[dict[str, Any]]] = {k: [] for k in _SECTIONS}
        self.trace: dict[str, list[dict[str, Any]]] = {k: [] for k in _SECTIONS}
        self.checklist: list[str] = []
        # families that a fired rule scoped to them already warned about (None: none)
        self.warned_families: set[str] | None = None
        # add-on code -> what it lacked (engine.core.selection.Selection.needs)
        self.needs: dict[str, dict[str, Any]] = {}

    # ---- messages -----------------------------------------------------------------------
    def message(self, section: str, mid: str, extra: dict[str, Any] | None = None,
                sources: list[str] | None = None, severity: str | None = None) -> bool:
        """Add the messages.yaml message `mid` as a warning. False when it does not exist."""
        msg = self.cb.message(mid)
        if msg is None:
            return False
        if not sources:
            sources = []
        # an empty value must not leave a double space (e.g. no `instead`)
        text = " ".join(render(msg.get("text"), self.ctx, extra).split())
        self.warn(section, mid, severity or msg.get("severity") or "warning", text,
                  _merge(list(self.comp.source_ids(msg)), sources))
        return True

    def required_message(self, section: str, mid: str, extra: dict[str, Any] | None = None,
                         sources: list[str] | None = None) -> None:
        if not self.message(section, mid, extra, sources) and is_strict():
            raise CodebookError(f"messages.yaml has no message {mid!r}")
        if self.cb.message(mid) is None:  # production: keep the user informed, plainly
            self.warn(section, mid, "warning", mid, sources or [])

    def warn(self, section: str, wid: str, severity: str, text: str, sources: list[str]) -> None:
        self.warnings[section].append(
            {"id": wid, "severity": severity, "message": text, "sources": list(sources)}
        )

    def add_trace(self, section: str, rule: str, outcome: str, sources: list[str]) -> None:
        self.trace[section].append({"rule": rule, "outcome": outcome, "sources": list(sources)})

    # ---- steps --------------------------------------------------------------------------
    def provisional(self, period: dict[str, Any]) -> None:
        """The provisional-year warning and trace for a date in `period`."""
        extra = {
            "provisional_from": period.get("from"), "provisional_to": period.get("to"),
            "reviewed_to": self.cb.covers_to, "basis": period.get("basis"),
            "unreviewed": "; ".join(str(u) for u in period.get("unreviewed") or ()),
            "review_due": period.get("review_due"),
        }
        sources = self.comp.source_ids(period)
        self.required_message("provisional", "provisional-year", extra, sources)
        self.add_trace("provisional", "provisional-year",
                       f"{self.day} is in the provisional period {period.get('from')} to "
                       f"{period.get('to')}: answered from {period.get('basis')}", sources)

    def no_route(self, in_force: tuple[RoutePlan, ...]) -> None:
        """No route: none in force for the payer, modality, clinician and date (the codebook
        has no answer), or some in force (`in_force`) whose conditions do not hold for this
        encounter (no-route-fits, citing those routes: the answer depends on details that
        rules without a route scope name)."""
        enc = self.enc
        who = f"{enc['payer']} {enc['modality']} ({enc['clinician']}) on {self.day}"
        msg = self.cb.message("no-route-fits") if in_force else None
        if msg is not None:
            srcs: list[str] = []
            for rp in in_force:
                srcs = _merge(srcs, list(rp.sources))
            self.required_message("route", "no-route-fits", sources=srcs)
            self.add_trace("route", "no-route-fits",
                           f"no route's condition holds for {who}: nothing reported",
                           _merge(list(self.comp.source_ids(msg)), srcs))
            return
        msg = self.cb.message("not-covered-no-route")
        self.required_message("route", "not-covered-no-route")
        self.add_trace("route", "not-covered-no-route", f"no route for {who}: not covered",
                       self.comp.source_ids(msg))

    def select(self, rp: RoutePlan) -> list[Selection]:
        enc, ctx, cb = self.enc, self.ctx, self.cb
        loc = enc["patient_location"]
        if loc not in rp.pos:
            rp.pos_for(loc)
        pos = rp.pos[loc]
        # a payer profile's route says where it came from in its outcome (plan.RoutePlan)
        origin = rp.route.get("origin")
        if origin is not None and origin.get("rule") is None:
            self.message("route", "payer-rule-inherited",
                         {"base_label": cb.label("payer", origin.get("payer"))},
                         list(rp.sources))
        self.trace["route"].append({"rule": rp.id, "outcome": rp.outcome[loc],
                                    "sources": list(rp.sources)})
        status = enc["patient_status"]
        selections: list[Selection] = []
        for fam in rp.families:
            if fam.family is None:
                if is_strict():
                    raise CodebookError(f"route {rp.id}: unknown family {fam.fid!r}")
                continue
            cands = fam.by_status[status]
            prior = ([ln for sel in selections for ln in sel.lines]
                     if cands.method == "add_on" else None)
            selections.append(select(cb, cands, enc, ctx, rp.mods, pos, prior))
        if rp.unpayable:
            self.check_payable(rp, selections)
        return selections

    def check_payable(self, rp: RoutePlan, selections: list[Selection]) -> None:
        """Never report a code the payer does not pay: that is a codebook inconsistency."""
        bad: list[tuple[dict[str, Any], dict[str, Any]]] = []
        known = [f for f in rp.families if f.family is not None]
        for fam, sel in zip(known, selections, strict=True):
            for line in sel.lines:
                status = fam.unpayable.get(line["code"])
                if status is not None:
                    bad.append((line, status))
        if not bad:
            return
        for line, status in bad:
            extra = {"code": line["code"], "expected": format_line(line),
                     "status": status.get("status"), "instead": status.get("instead"),
                     "status_label": self.cb.label("status", status.get("status"))}
            srcs = self.comp.source_ids(status)
            if not self.message("selection", "status-not-payable", extra, srcs, severity="error"):
                if is_strict():
                    raise CodebookError("messages.yaml has no message 'status-not-payable'")
                self.warn("selection", "status-not-payable", "error",
                          status.get("instead") or "status-not-payable", srcs)
            self.add_trace("selection", status.get("id") or "status-not-payable",
                           f"codebook inconsistency: {line['code']} has status "
                           f"{status.get('status')} for {self.enc['payer']}: nothing reported",
                           srcs)
        for sel in selections:
            sel.lines.clear()

    def no_time_warning(self, sel: Selection) -> None:
        family = sel.family
        extra = {"family": family.get("title") or sel.family_id, "family_id": sel.family_id,
                 "time_basis": family.get("time_basis"),
                 "time_basis_label": self.cb.label("time_basis", family.get("time_basis"))}
        if self.message("selection", "time-not-given", extra, self.comp.source_ids(family)):
            return
        text = (family.get("messages") or {}).get("below_minimum")
        if text:
            # the family's own placeholders (minimum, period...) have no value here: render empty
            extra = {"minimum": None, **PERIOD_KEYS, **extra}
            self.warn("selection", f"{sel.family_id}-below-minimum", "warning",
                      render(text, self.ctx, extra), self.comp.source_ids(family))
        elif is_strict():
            raise CodebookError(f"family {sel.family_id} has no messages.below_minimum")

    def requested(self, code: str, lines: list[dict[str, Any]]) -> None:
        cb, enc = self.cb, self.enc
        expected = format_lines(lines)
        extra: dict[str, Any] = {"requested_code": code, "expected": expected}
        versions = cb.code_versions(code)
        if not versions:
            self.required_message("requested", "requested-code-unknown", extra)
            self.add_trace("requested", "requested-code-unknown",
                           f"{code} is not in the codebook", [])
            return
        version = cb.code_on(code, self.day)
        if version is None:
            # the version nearest the date: the last one before it, else the first after it
            before = [v for v in versions if (v.get("to") or "9999") < self.day]
            near = before[-1] if before else versions[0]
            replaced = near.get("replaced_by") or []
            extra.update(valid_from=versions[0].get("from"), valid_to=versions[-1].get("to"),
                         replaced_by=replaced, validity=validity_phrase(cb, versions),
                         replacement=replacement_phrase(
                             cb, near, self.day, enc["payer"],
                             (cb.labels.get("payer") or {}).get(enc["payer"])),
                         report=report_phrase(cb, lines))
            srcs = self.comp.source_ids(near)
            self.required_message("requested", "requested-code-not-valid-on-date", extra, srcs)
            self.add_trace("requested", "requested-code-not-valid-on-date",
                           f"{code} is not valid on {self.day}", srcs)
            return
        status = cb.status_of(code, enc["payer"], self.day)
        if isinstance(status, dict) and status.get("status") not in PAYABLE_STATUSES:
            extra.update(status=status.get("status"), instead=status.get("instead"),
                         status_label=cb.label("status", status.get("status")),
                         report=report_phrase(cb, lines))
            srcs = self.comp.source_ids(status)
            self.required_message("requested", "requested-code-not-payable", extra, srcs)
            self.add_trace("requested", "requested-code-not-payable",
                           f"{enc['payer']} status of {code} on {self.day}: "
                           f"{status.get('status')}", srcs)
            return
        if not lines:
            self.add_trace("requested", "requested-code",
                           f"{code}: nothing is reportable for this encounter", [])
            return
        if any(line["code"] == code for line in lines):
            self.required_message("requested", "requested-code-matches", extra,
                                  self.comp.source_ids(version))
            self.add_trace("requested", "requested-code-matches",
                           f"{code} is what the codebook selects", self.comp.source_ids(version))
        elif code in self.needs:
            self.requested_add_on(code, extra, self.needs[code], version)
        else:
            self.required_message("requested", "requested-code-differs", extra,
                                  self.comp.source_ids(version))
            self.add_trace("requested", "requested-code-differs",
                           f"{code} differs from {expected}", self.comp.source_ids(version))


    def requested_add_on(self, code: str, extra: dict[str, Any], need: dict[str, Any],
                         version: dict[str, Any]) -> None:
        """The add-on asked about lacked its time threshold or its primary code."""
        srcs = self.comp.source_ids(version)
        if "threshold" in need:
            time = need.get("time")
            extra = dict(extra, primary_code=need["primary"], threshold_minutes=need["threshold"],
                         time_minutes=time if time is not None else 0)
            self.required_message("requested", "requested-add-on-threshold", extra, srcs)
            self.add_trace("requested", "requested-add-on-threshold",
                           f"{code} needs {need['threshold']} minutes with {need['primary']}; "
                           f"{time} given", srcs)
            return
        primaries = need.get("primaries") or []
        words = primaries[0] if len(primaries) == 1 else (
            ", ".join(primaries[:-1]) + " or " + primaries[-1] if primaries else "")
        extra = dict(extra, primaries=words)
        self.required_message("requested", "requested-add-on-no-primary", extra, srcs)
        self.add_trace("requested", "requested-add-on-no-primary",
                       f"{code}: no line of {words} to add it to", srcs)


def _apply_rules(run: _Run, rules: RulePhases, selections: list[Selection],
                 route_families: list[str]) -> bool:
    """Apply the rules in scope in three phases (RulePhases); True when the encounter is
    denied or not covered. The effect of a rule never depends on its file's name."""
    ctx = run.ctx
    rule_warnings = run.warnings["rules"]
    rule_trace = run.trace["rules"]

    # deny / not_covered: every one that holds on the selection says why
    denied = False
    for e in rules.denying:
        if e.codes is not None and e.codes.isdisjoint(ctx["selected_codes"]):
            continue
        if e.when is not None and not e.when(ctx):
            continue
        denied = True
        for sel in selections:
            sel.lines.clear()
        ctx["selected_codes"] = ctx["codes"] = []
        text = e.text if e.text is not None else render(e.message, ctx, e.extra)
        rule_warnings.append({"id": e.id, "severity": e.severity, "message": text,
                              "sources": list(e.sources)})
        rule_trace.append({"rule": e.id, "outcome": e.outcome, "sources": list(e.sources)})
    if denied:
        return True

    # drop: the lines of the rule's families (a drop with nothing to drop says nothing)
    for e in rules.drops:
        fams = e.drop_families or route_families
        dropped = [sel for sel in selections if sel.family_id in fams and sel.lines]
        if not dropped:
            continue
        if e.codes is not None and e.codes.isdisjoint(ctx["selected_codes"]):
            continue
        if e.when is not None and not e.when(ctx):
            continue
        for sel in dropped:
            sel.lines.clear()
        ctx["selected_codes"] = ctx["codes"] = _selected(selections)
        text = e.text if e.text is not None else render(e.message, ctx, e.extra)
        rule_warnings.append({"id": e.id, "severity": e.severity, "message": text,
                              "sources": list(e.sources)})
        outcome = e.outcome.replace("{families}", ", ".join(s.family_id for s in dropped))
        rule_trace.append({"rule": e.id, "outcome": outcome, "sources": list(e.sources)})

    # warn / info / checklist, on the lines that are left
    checklist = run.checklist
    for e in rules.notes:
        if e.codes is not None and e.codes.isdisjoint(ctx["selected_codes"]):
            continue
        if e.when is not None and not e.when(ctx):
            continue
        text = e.text if e.text is not None else render(e.message, ctx, e.extra)
        if e.effect == "checklist":
            if text and text not in checklist:
                checklist.append(text)
        else:
            rule_warnings.append({"id": e.id, "severity": e.severity, "message": text,
                                  "sources": list(e.sources)})
            if e.families is not None:
                if run.warned_families is None:
                    run.warned_families = set()
                run.warned_families.update(e.families)
        rule_trace.append({"rule": e.id, "outcome": e.outcome, "sources": list(e.sources)})
    return False


def check(encounter: dict[str, Any], codebook: Codebook | None = None) -> dict[str, Any]:
    """What to report for `encounter`: a dict as engine/data/result.schema.json describes.
    Raises EncounterError if the encounter is invalid."""
    cb = codebook if codebook is not None else default_codebook()
    enc = validate(encounter, cb)
    comp = compiled(cb)
    if comp.unknown_conflicts:
        comp.check_strict()
    day = enc["date_of_service"]
    payer = enc["payer"]
    state = enc.get("state")
    if payer == "medicaid" and state:
        payer = cb.effective_payer(payer, state)
    plan = comp.plan(payer, enc["modality"], enc["clinician"], day)

    # the evaluation context: every contract key and derived fact (None = not given)
    ctx = plan.ctx.copy()
    ctx.update(enc)
    ctx["patient_status_label"] = comp.patient_status_labels.get(enc["patient_status"])
    ctx["selected_codes"] = ctx["codes"] = []
    minutes = enc.get("minutes")
    if minutes:
        discussion = enc.get("discussion_minutes")
        if discussion is not None:
            ctx["discussion_share"] = discussion / minutes
    run = _Run(cb, comp, enc, ctx)
    if payer == "medicaid" and state and cb.medicaid_states:
        run.message("route", "medicaid-state-unknown", {"state": state})

    # 1. the first route whose condition holds (clinician and dates are already checked)
    route = None
    for rp in plan.routes:
        first = rp.first_family
        ctx["time_minutes"] = time_value(first, enc) if first is not None else None
        if rp.when is None or rp.when(ctx):
            route = rp
            break
    else:
        ctx["time_minutes"] = None

    # 2. selection of each family of the route
    billable = True
    if route is None:
        billable = False
        service = enc["service"]
        run.no_route(tuple(rp for rp in plan.routes
                           if rp.services is None or service in rp.services))
        selections: list[Selection] = []
        rules = plan.no_route_rules
        route_families: list[str] = []
    else:
        selections = run.select(route)
        rules = route.rules
        route_families = route.family_ids
    if selections:
        ctx["selected_codes"] = ctx["codes"] = _selected(selections)

    # 3. rules, whatever their files' order: deny / not_covered first; a denied encounter
    #    gets only those warnings. Then drop, then warn / info / checklist on what is left.
    denied = _apply_rules(run, rules, selections, route_families)
    if denied:
        billable = False

    # 4. lines, selection warnings and trace
    lines: list[dict[str, Any]] = []
    sel_trace = run.trace["selection"]
    sel_warnings = run.warnings["selection"]
    said_why = False
    for sel in selections:
        lines += sel.lines
        sel_trace += sel.trace
        if sel.warnings:
            said_why = True
            if not denied:
                sel_warnings += sel.warnings
    if not lines:
        if route is not None and billable and not said_why:
            # nothing said why: the families had no time to select on (unless a rule scoped
            # to the family already said so)
            warned = run.warned_families or ()
            for sel in selections:
                if sel.missing_time and sel.family_id not in warned:
                    run.no_time_warning(sel)
        billable = False

    # 5. the requested code
    if enc.get("requested_code"):
        for sel in selections:
            if sel.needs:
                run.needs.update(sel.needs)
        run.requested(enc["requested_code"], lines)

    # 6. a provisional date: the answer stands, flagged, and says what is not yet reviewed
    period = cb.provisional_on(day)
    if period is not None:
        run.provisional(period)

    warnings: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    trace: list[dict[str, Any]] = []
    for section in _SECTIONS:
        for w in run.warnings[section]:
            key = (w["id"], w["message"])
            if key not in seen:
                seen.add(key)
                warnings.append(w)
        trace += run.trace[section]
    return {
        "billable": billable,
        "lines": lines,
        "warnings": warnings,
        "checklist": run.checklist,
        "trace": trace,
        "as_of": day,
        "provisional": period is not None,
        "codebook": cb.version,
    }


# names kept importable for the batch checker and tests
__all__ += ["source_ids", "NO_RECORD", "NOT_VALID_ON_DATE", "DERIVED_FIELDS", "NO_FLEXIBILITY"]
