"""engine.check: what to report for one encounter, from the compiled codebook.

An encounter goes through the stages once, top to bottom (`check` below); each stage returns
data, and only the last one writes sentences (the result: engine/data/result.schema.json):

1. validate   engine.core.contract.validate -> the encounter with defaults, or EncounterError
              listing every problem;
2. plan       engine.core.plan: everything that depends only on (payer, modality, clinician,
              stretch of dates) — routes to try, rules in scope and in force, candidate codes,
              unpayable statuses, the flexibility period — precompiled once per codebook, found
              with one bisect on the date; then the evaluation context (derived facts:
              discussion_share, flexibility_state, time_minutes, selected_codes);
3. select     engine.core.select: the first route whose condition holds, the code(s) of each of
              its families (engine.core.methods), unpayable codes refused — or why no route;
4. rules      engine.core.rules: deny / not_covered first (a denied encounter gets only those
              warnings), then drop, then warn / info / checklist, whatever the files' order;
5. requested  engine.core.requested: the code the user asked about, if any; a provisional date
              adds its warning;
6. render     engine.core.render: every note written once, repeated warnings dropped, the
              result dict.

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

from engine.core.codebook import NO_RECORD, NOT_VALID_ON_DATE, Codebook
from engine.core.codebook import load_codebook as _load
from engine.core.contract import validate
from engine.core.notes import Note, Said, engine_note, required_note
from engine.core.plan import DERIVED_FIELDS, NO_FLEXIBILITY, Compiled, compiled, source_ids
from engine.core.render import result
from engine.core.requested import answer_requested
from engine.core.rules import apply_rules
from engine.core.select import choose_route, lines_left, no_route, select_lines, selected_codes

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

_DEFAULT: Codebook | None = None


def default_codebook() -> Codebook:
    """The bundle at engine/data/codebook.json, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = _load()
    return _DEFAULT


def check(encounter: dict[str, Any], codebook: Codebook | None = None) -> dict[str, Any]:
    """What to report for `encounter`: a dict as engine/data/result.schema.json describes.
    Raises EncounterError if the encounter is invalid."""
    cb = codebook if codebook is not None else default_codebook()
    # 1. validate
    enc = validate(encounter, cb)

    # 2. plan, and the evaluation context
    comp = compiled(cb)
    if comp.unknown_conflicts:
        comp.check_strict()
    day = enc["date_of_service"]
    payer = enc["payer"]
    state = enc.get("state")
    if payer == "medicaid" and state:
        payer = cb.effective_payer(payer, state)
    plan = comp.plan(payer, enc["modality"], enc["clinician"], day)
    ctx = _context(plan.ctx, comp, enc)
    notes: list[Note] = []  # in the result's order: provisional, route, rules, selection...
    if payer == "medicaid" and state and cb.medicaid_states:
        # written in the context as it stands before a route is chosen (no time_minutes)
        note = engine_note(cb, comp, "medicaid-state-unknown", ctx["codes"],
                           {"state": state, "time_minutes": None})
        if note is not None:
            notes.append(note)

    # 3. select: the route, then the line(s) of each of its families
    route = choose_route(plan, enc, ctx)
    if route is None:
        picked = no_route(cb, comp, plan, enc, ctx["codes"])
    else:
        picked = select_lines(cb, comp, route, enc, ctx)
    selections = picked.selections
    if selections:
        ctx["selected_codes"] = ctx["codes"] = selected_codes(selections)

    # 4. rules, then the lines they leave and what the selection said
    ruling = apply_rules(picked.rules, selections, picked.families, ctx)
    billable = route is not None and not ruling.denied
    lines, sel_notes, sel_trace = lines_left(cb, comp, picked, billable, ruling.denied,
                                             ruling.warned_families, ctx["codes"])
    billable = billable and bool(lines)

    # 5. the requested code; a provisional date (the answer stands, flagged)
    asked: Said | None = None
    if enc.get("requested_code"):
        needs: dict[str, dict[str, Any]] = {}
        for sel in selections:
            if sel.needs:
                needs.update(sel.needs)
        asked = answer_requested(cb, comp, enc, enc["requested_code"], lines, needs,
                                 ctx["codes"])
    period = cb.provisional_on(day)
    flagged = None if period is None else _provisional(cb, comp, period, day, ctx["codes"])

    # 6. render
    trace: list[dict[str, Any]] = []
    if flagged is not None:
        notes[:0] = flagged.notes
        trace += flagged.trace
    notes += picked.notes
    notes += ruling.notes
    notes += sel_notes
    trace += picked.trace
    trace += ruling.trace
    trace += sel_trace
    if asked is not None:
        notes += asked.notes
        trace += asked.trace
    return result(cb, ctx, day, billable, lines, notes, ruling.checklist, trace,
                  period is not None)


def _context(base: dict[str, Any], comp: Compiled, enc: dict[str, Any]) -> dict[str, Any]:
    """The evaluation context: every contract key and derived fact (None = not given)."""
    ctx = base.copy()
    ctx.update(enc)
    ctx["patient_status_label"] = comp.patient_status_labels.get(enc["patient_status"])
    ctx["selected_codes"] = ctx["codes"] = []
    minutes = enc.get("minutes")
    if minutes:
        discussion = enc.get("discussion_minutes")
        if discussion is not None:
            ctx["discussion_share"] = discussion / minutes
    return ctx


def _provisional(cb: Codebook, comp: Compiled, period: dict[str, Any], day: str,
                 codes: list[str]) -> Said:
    """The provisional-year warning and trace for a date in `period`."""
    said = Said()
    extra = {
        "provisional_from": period.get("from"), "provisional_to": period.get("to"),
        "reviewed_to": cb.covers_to, "basis": period.get("basis"),
        "unreviewed": "; ".join(str(u) for u in period.get("unreviewed") or ()),
        "review_due": period.get("review_due"),
    }
    sources = comp.source_ids(period)
    said.notes.append(required_note(cb, comp, "provisional-year", codes, extra, sources))
    said.step("provisional-year", f"{day} is in the provisional period {period.get('from')} "
              f"to {period.get('to')}: answered from {period.get('basis')}", sources)
    return said


# names kept importable for the batch checker and tests
__all__ += ["source_ids", "NO_RECORD", "NOT_VALID_ON_DATE", "DERIVED_FIELDS", "NO_FLEXIBILITY"]
