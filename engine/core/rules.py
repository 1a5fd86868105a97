"""The rules stage of engine.check: the rules in scope (engine.core.plan.RulePhases) applied to
the selected lines, whatever the order of their files.

1. deny / not_covered: every one that holds says why, and nothing is reportable (a denied
   encounter gets only those warnings);
2. drop: the lines of the rule's families (or the route's) go; a drop with nothing to drop
   says nothing;
3. warn / info / checklist, on the lines that are left.

A rule holds when its `scope.codes` (if any) meet the selected codes and its condition (if
any) holds on the context. The context's `selected_codes` / `codes` follow what is left after
each step. `apply_rules` returns a `Ruling`: notes (engine.core.notes, written by the
render stage with the codes as they stood; each rule's own part is made once per codebook,
engine.core.plan.RuleEntry), checklist notes and trace entries.
"""

from __future__ import annotations

from engine.core.select import selected_codes

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

    from engine.core.methods import Selection
    from engine.core.notes import Note
    from engine.core.plan import RulePhases

__all__ = ["Ruling", "apply_rules"]


class Ruling:
    """What the rules said: `denied` (nothing reportable), the rules section's notes and
    trace, the checklist notes, and the families a fired rule scoped to them already warned
    about (None: none)."""

    __slots__ = ("denied", "notes", "trace", "checklist", "warned_families")

    def __init__(self) -> None:
        self.denied = False
        self.notes: list[Note] = []
        self.trace: list[dict[str, Any]] = []
        self.checklist: list[Note] = []
        self.warned_families: set[str] | None = None


def apply_rules(rules: RulePhases, selections: list[Selection], route_families: list[str],
                ctx: dict[str, Any]) -> Ruling:
    """Apply the rules in three phases (see the module doc). The effect of a rule never
    depends on its file's name."""
    ruling = Ruling()
    notes = ruling.notes
    trace = ruling.trace

    # deny / not_covered: every one that holds on the selection says why
    for e in rules.denying:
        if e.codes is not None and e.codes.isdisjoint(ctx["selected_codes"]):
            continue
        if e.when is not None and not e.when(ctx):
            continue
        ruling.denied = True
        for sel in selections:
            sel.lines.clear()
        ctx["selected_codes"] = ctx["codes"] = []
        notes.append((e.id, e.severity, e.template, e.note_extra, e.sources, ctx["codes"],
                      e.how, None))
        trace.append({"rule": e.id, "outcome": e.outcome, "sources": list(e.sources)})
    if ruling.denied:
        return ruling

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
        ctx["selected_codes"] = ctx["codes"] = selected_codes(selections)
        notes.append((e.id, e.severity, e.template, e.note_extra, e.sources, ctx["codes"],
                      e.how, None))
        outcome = e.outcome.replace("{families}", ", ".join(s.family_id for s in dropped))
        trace.append({"rule": e.id, "outcome": outcome, "sources": list(e.sources)})

    # warn / info / checklist, on the lines that are left (the codes no longer change)
    codes = ctx["codes"]
    for e in rules.notes:
        if e.codes is not None and e.codes.isdisjoint(codes):
            continue
        if e.when is not None and not e.when(ctx):
            continue
        note = (e.id, e.severity, e.template, e.note_extra, e.sources, codes, e.how, None)
        if e.effect == "checklist":
            ruling.checklist.append(note)
        else:
            notes.append(note)
            if e.families is not None:
                if ruling.warned_families is None:
                    ruling.warned_families = set()
                ruling.warned_families.update(e.families)
        trace.append({"rule": e.id, "outcome": e.outcome, "sources": list(e.sources)})
    return ruling
