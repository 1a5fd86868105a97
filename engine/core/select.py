"""The select stage of engine.check: the route, then the line(s) of each of its families.

`choose_route` takes the plan's first route whose condition holds (clinician and dates are
already checked by engine.core.plan) and sets the context's `time_minutes` from its first
family. `select_lines` runs each family's selection method (engine.core.methods) and refuses
any code the payer does not pay on the date (a codebook inconsistency); `no_route` says why
there is no answer. Each returns a `Picked`: the selections and what the stage says, as notes
(engine.core.notes) and trace entries; nothing is written here.
"""

from __future__ import annotations

from engine.core.codebook import CodebookError
from engine.core.lines import format_line
from engine.core.methods import PERIOD_KEYS, Selection, select, time_value
from engine.core.notes import FIXED, Note, Said, engine_note, required_note
from engine.core.notes import note as note_of
from engine.core.sources import merge
from engine.core.templates import is_strict

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

    from engine.core.codebook import Codebook
    from engine.core.plan import Compiled, Plan, RoutePlan, RulePhases

__all__ = ["Picked", "choose_route", "lines_left", "missing_time", "no_route", "select_lines",
           "selected_codes"]


class Picked:
    """The select stage's answer: the route's selections (one per known family), the rules in
    scope, what the route step says (`notes` and `trace` of the route section) and what the
    payer check says (`payable`: notes and trace of the selection section, before the
    families' own)."""

    __slots__ = ("selections", "rules", "families", "notes", "trace", "payable")

    def __init__(self, selections: list[Selection], rules: RulePhases, families: list[str],
                 notes: list[Note], trace: list[dict[str, Any]]) -> None:
        self.selections = selections
        self.rules = rules
        self.families = families
        self.notes = notes
        self.trace = trace
        self.payable: Said | None = None


def selected_codes(selections: list[Selection]) -> list[str]:
    """The distinct codes of the selections' lines, in line order."""
    codes: list[str] = []
    for sel in selections:
        for line in sel.lines:
            if line["code"] not in codes:
                codes.append(line["code"])
    return codes


def choose_route(plan: Plan, enc: dict[str, Any], ctx: dict[str, Any]) -> RoutePlan | None:
    """The first route of the plan whose condition holds (ctx["time_minutes"] follows the
    route tried: its first family's time), else None."""
    for rp in plan.routes:
        first = rp.first_family
        ctx["time_minutes"] = time_value(first, enc) if first is not None else None
        if rp.when is None or rp.when(ctx):
            return rp
    ctx["time_minutes"] = None
    return None


def no_route(cb: Codebook, comp: Compiled, plan: Plan, enc: dict[str, Any],
             codes: list[str]) -> Picked:
    """No route: none in force for the payer, modality, clinician and date (the codebook has
    no answer: not-covered-no-route), or some in force for the service whose conditions do
    not hold for this encounter (no-route-fits, citing those routes: the answer depends on
    details that rules without a route scope name)."""
    said = Said()
    service = enc["service"]
    in_force = [rp for rp in plan.routes if rp.services is None or service in rp.services]
    who = (f"{enc['payer']} {enc['modality']} ({enc['clinician']}) on "
           f"{enc['date_of_service']}")
    msg = cb.message("no-route-fits") if in_force else None
    if msg is not None:
        srcs: list[str] = []
        for rp in in_force:
            merge(srcs, rp.sources)
        said.notes.append(required_note(cb, comp, "no-route-fits", codes, sources=srcs))
        said.step("no-route-fits", f"no route's condition holds for {who}: nothing reported",
                  merge(list(comp.source_ids(msg)), srcs))
    else:
        msg = cb.message("not-covered-no-route")
        said.notes.append(required_note(cb, comp, "not-covered-no-route", codes))
        said.step("not-covered-no-route", f"no route for {who}: not covered",
                  comp.source_ids(msg))
    return Picked([], plan.no_route_rules, [], said.notes, said.trace)


def select_lines(cb: Codebook, comp: Compiled, rp: RoutePlan, enc: dict[str, Any],
                 ctx: dict[str, Any]) -> Picked:
    """The route's line(s): each family's selection, in route order (an add-on family sees
    the lines of the families before it); unpayable codes refused."""
    notes: list[Note] = []
    codes = ctx["codes"]
    loc = enc["patient_location"]
    if loc not in rp.pos:
        rp.pos_for(loc)
    pos = rp.pos[loc]
    # a payer profile's route says where it came from in its outcome (plan.RoutePlan)
    origin = rp.route.get("origin")
    if origin is not None and origin.get("rule") is None:
        note = engine_note(cb, comp, "payer-rule-inherited", codes,
                           {"base_label": cb.label("payer", origin.get("payer"))},
                           list(rp.sources))
        if note is not None:
            notes.append(note)
    trace = [{"rule": rp.id, "outcome": rp.outcome[loc], "sources": list(rp.sources)}]
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
    picked = Picked(selections, rp.rules, rp.family_ids, notes, trace)
    if rp.unpayable:
        picked.payable = _refuse_unpayable(cb, comp, rp, enc, selections, codes)
    return picked


def _refuse_unpayable(cb: Codebook, comp: Compiled, rp: RoutePlan, enc: dict[str, Any],
                      selections: list[Selection], codes: list[str]) -> Said | None:
    """Never report a code the payer does not pay: that is a codebook inconsistency (every
    line of the route is dropped, each unpaid code says why)."""
    bad: list[tuple[dict[str, Any], dict[str, Any]]] = []
    known = [f for f in rp.families if f.family is not None]
    for fam, sel in zip(known, selections, strict=True):
        for line in sel.lines:
            status = fam.unpayable.get(line["code"])
            if status is not None:
                bad.append((line, status))
    if not bad:
        return None
    said = Said()
    for line, status in bad:
        extra = {"code": line["code"], "expected": format_line(line),
                 "status": status.get("status"), "instead": status.get("instead"),
                 "status_label": cb.label("status", status.get("status"))}
        srcs = comp.source_ids(status)
        note = engine_note(cb, comp, "status-not-payable", codes, extra, srcs, severity="error")
        if note is None:
            if is_strict():
                raise CodebookError("messages.yaml has no message 'status-not-payable'")
            note = note_of("status-not-payable", "error",
                           status.get("instead") or "status-not-payable", None, list(srcs),
                           codes, FIXED)
        said.notes.append(note)
        said.step(status.get("id") or "status-not-payable",
                  f"codebook inconsistency: {line['code']} has status "
                  f"{status.get('status')} for {enc['payer']}: nothing reported", srcs)
    for sel in selections:
        sel.lines.clear()
    return said


def lines_left(cb: Codebook, comp: Compiled, picked: Picked, billable: bool, denied: bool,
               warned: set[str] | None, codes: list[str]
               ) -> tuple[list[dict[str, Any]], list[Note], list[dict[str, Any]]]:
    """After the rules: the lines left, and the selection section's notes and trace (the
    payer check's, then each family's; a denied encounter keeps only the trace). When no line
    is left of a `billable` encounter and no family said why, the missing time says it."""
    lines: list[dict[str, Any]] = []
    payable = picked.payable
    notes: list[Note] = [] if payable is None else list(payable.notes)
    trace: list[dict[str, Any]] = [] if payable is None else list(payable.trace)
    said_why = False
    for sel in picked.selections:
        lines += sel.lines
        trace += sel.trace
        if sel.notes:
            said_why = True
            if not denied:
                notes += sel.notes
    if not lines and billable and not said_why:
        notes += missing_time(cb, comp, picked.selections, warned or frozenset(), codes)
    return lines, notes, trace


def missing_time(cb: Codebook, comp: Compiled, selections: list[Selection],
                 warned: set[str] | frozenset[str], codes: list[str]) -> list[Note]:
    """Why a route that selected nothing, and said nothing about it, has no line: the
    families had no time to select on (time-not-given, else the family's below_minimum),
    unless a rule scoped to the family already said so (`warned`)."""
    notes: list[Note] = []
    for sel in selections:
        if not sel.missing_time or sel.family_id in warned:
            continue
        family = sel.family
        extra = {"family": family.get("title") or sel.family_id, "family_id": sel.family_id,
                 "time_basis": family.get("time_basis"),
                 "time_basis_label": cb.label("time_basis", family.get("time_basis"))}
        note = engine_note(cb, comp, "time-not-given", codes, extra, comp.source_ids(family))
        if note is not None:
            notes.append(note)
            continue
        text = (family.get("messages") or {}).get("below_minimum")
        if text:
            # the family's own placeholders (minimum, period...) have no value here: render empty
            notes.append(note_of(f"{sel.family_id}-below-minimum", "warning", text,
                                 {"minimum": None, **PERIOD_KEYS, **extra},
                                 comp.source_ids(family), codes))
        elif is_strict():
            raise CodebookError(f"family {sel.family_id} has no messages.below_minimum")
    return notes
