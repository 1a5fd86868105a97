"""Per-codebook precomputation for engine.check, so the work per encounter is small.

Every dated record (routes, rules, code versions, payer statuses, flexibility periods) starts
on its `from` and stops after its `to`. Those boundaries split the calendar into *segments*
(engine.core.stretches): within one segment the set of records in force never changes.
`segments(cb).index(day)` finds a day's segment with one bisect.

A `Plan` holds everything that depends only on (payer, modality, clinician, segment): the
routes to try in order (clinician and dates already checked, conditions compiled once), for each
route the rules in scope and in force, the candidate codes of each family per patient status
(`engine.core.methods.Candidates`), the payer statuses that forbid a candidate, the route's trace
line per patient location, and the flexibility period. Plans are built lazily, the first time
an encounter needs one, and kept on the Codebook (`compiled(cb)`); a codebook has at most
payers x modalities x clinicians x segments of them.

Nothing here memoises answers: `engine.check` still evaluates every condition, selects codes
and writes every warning and trace entry for each encounter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from engine.core.codebook import PAYABLE_STATUSES, Codebook, CodebookError, in_range
from engine.core.conditions import _always, compile_condition
from engine.core.contract import FIELDS, LOCATIONS, PATIENT_STATUSES
from engine.core.methods import Candidates, static_candidates
from engine.core.notes import FIXED, RENDER
from engine.core.sources import merge, source_ids
from engine.core.stretches import Stretches, bounds_of
from engine.core.templates import is_strict, placeholders

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["Compiled", "Plan", "RoutePlan", "RuleEntry", "RulePhases", "compiled", "segments",
           "source_ids", "DERIVED_FIELDS", "DENYING"]

DERIVED_FIELDS = ("discussion_share", "flexibility_state", "selected_codes", "time_minutes")
# The evaluation context always holds every contract key and derived fact (None when not
# given), so conditions see "absent" and templates render an absent value as "".
_CTX_BASE: dict[str, Any] = dict.fromkeys((*FIELDS, *DERIVED_FIELDS))
# {flexibility.*} on a date no period covers
NO_FLEXIBILITY: dict[str, Any] = {"id": None, "state": "none", "law": None, "from": None,
                                  "to": None, "restored_by": None, "restored_by_id": None}
# effects that make the whole encounter not billable (evaluated before every other rule)
DENYING = ("deny", "not_covered")
_EFFECT_SEVERITY = {
    "deny": "error",
    "not_covered": "warning",
    "drop": "warning",
    "warn": "warning",
    "info": "info",
}
_EFFECT_OUTCOME = {
    "deny": "deny: nothing is reportable",
    "not_covered": "not covered: nothing is reported",
    "drop": "drop: lines of {families} removed",
    "warn": "warn",
    "info": "info",
    "checklist": "checklist item added",
}


def segments(cb: Codebook) -> Stretches:
    """The date segments of a codebook: the stretches (engine.core.stretches) of its routes,
    rules, code versions, payer statuses, flexibility and provisional periods."""
    b = cb.bundle
    bounds: set[str] = set()
    for group in ("routes", "rules", "codes", "statuses", "flexibilities"):
        bounds_of(b.get(group) or (), bounds)
    bounds_of(cb.provisional, bounds)  # a provisional period starts and ends segments too
    return Stretches(bounds)


class RuleEntry:
    """A rule with its scope pre-digested for the per-encounter loop."""

    __slots__ = ("rule", "id", "frm", "to", "codes", "when", "effect", "families", "drop_families",
                 "sources", "severity", "outcome", "template", "note_extra", "how")

    def __init__(self, rule: dict[str, Any], when: Any, sources: list[str],
                 conflict: dict[str, Any] | None) -> None:
        scope = rule.get("scope") or {}
        self.rule = rule
        self.id: str = rule["id"]
        self.frm: str = rule.get("from") or ""
        self.to: str | None = rule.get("to")
        self.codes = frozenset(scope["codes"]) if scope.get("codes") else None
        self.when = None if when is _always else when  # None: no condition
        self.effect: str = str(rule.get("effect"))
        # scope.families (None: not scoped to families); a drop without it drops the route's
        self.families: tuple[str, ...] | None = (
            tuple(scope["families"]) if scope.get("families") else None)
        self.drop_families = self.families
        self.sources = sources
        extra = {"conflict": conflict} if conflict else None
        if rule.get("message_extra"):  # payer profiles' not-covered rules (engine.core.profiles)
            extra = {**(extra or {}), **rule["message_extra"]}
        # its note (engine.core.notes): the message as is when it has no placeholder (most do
        # not), else the message to write with `note_extra`
        msg = rule.get("message")
        fixed = not isinstance(msg, str) or not placeholders(msg)
        self.template = ("" if msg is None else str(msg)) if fixed else msg
        self.note_extra = None if fixed else extra
        self.how = FIXED if fixed else RENDER
        self.severity = _EFFECT_SEVERITY.get(self.effect, "warning")
        title = rule.get("title")
        outcome = _EFFECT_OUTCOME.get(self.effect, self.effect)
        self.outcome = outcome + (f" ({title})" if title else "")

    def in_force(self, day: str) -> bool:
        return self.frm <= day and (self.to is None or day <= self.to)


class RulePhases:
    """Rules in scope, split by the order engine.check applies them, whatever their files:
    `denying` (deny / not_covered) first, then `drops`, then `notes` (warn / info / checklist)
    for what is left. Each phase keeps bundle order; `all` is every rule in bundle order."""

    __slots__ = ("all", "denying", "drops", "notes")

    def __init__(self, rules: tuple[RuleEntry, ...]) -> None:
        self.all = rules
        self.denying = tuple(e for e in rules if e.effect in DENYING)
        self.drops = tuple(e for e in rules if e.effect == "drop")
        self.notes = tuple(e for e in rules if e.effect not in DENYING and e.effect != "drop")

    def __iter__(self) -> Iterator[RuleEntry]:
        return iter(self.all)


class FamilyPlan:
    """One family of a route on a segment: candidates per patient status, and the payer
    statuses (code -> status record) that forbid reporting a candidate."""

    __slots__ = ("fid", "family", "by_status", "unpayable")

    def __init__(self, fid: str, family: dict[str, Any] | None,
                 by_status: dict[str, Candidates], unpayable: dict[str, dict[str, Any]]) -> None:
        self.fid = fid
        self.family = family  # None: the route names a family the codebook lacks
        self.by_status = by_status
        self.unpayable = unpayable


class RoutePlan:
    """A route as tried for one plan: its condition, time basis, families and rules."""

    __slots__ = ("route", "id", "when", "first_family", "families", "family_ids", "mods",
                 "pos", "outcome", "sources", "rules", "unpayable", "services")

    def __init__(self, route: dict[str, Any], when: Callable[[dict[str, Any]], bool] | None,
                 first_family: dict[str, Any] | None, families: tuple[FamilyPlan, ...],
                 sources: list[str], rules: RulePhases) -> None:
        self.route = route
        self.id: str = route["id"]
        self.when = when
        self.first_family = first_family
        self.families = families
        self.family_ids: list[str] = list(route.get("families") or [])
        self.mods: list[str] = list(route.get("modifiers") or [])
        pos_map = route.get("pos")
        self.pos: dict[str, Any] = {}
        self.outcome: dict[str, str] = {}
        for loc in LOCATIONS:
            self.pos_for(loc, pos_map)
        self.sources = sources
        self.rules = rules
        self.unpayable = any(f.unpayable for f in families)
        # the services (issue 14) the route is for, when its condition names them; a route for
        # another service is no answer for this encounter (engine.check's no-route message)
        self.services = _route_services(route.get("when"))

    def pos_for(self, loc: str, pos_map: Any = None) -> None:
        pos_map = self.route.get("pos") if pos_map is None else pos_map
        pos = pos_map.get(loc) if isinstance(pos_map, dict) else None
        self.pos[loc] = pos
        origin = self.route.get("origin")
        said = ""
        if origin is not None:
            said = (f"; from {origin.get('payer')} rule {origin['rule']}" if origin.get("rule")
                    else f"; from the {origin.get('payer')} default")
        self.outcome[loc] = (
            f"route found: families {', '.join(self.family_ids)}; "
            f"modifiers {', '.join(self.mods) or 'none'}; POS {pos or 'none (not telehealth)'}"
            + said)


class Plan:
    """Everything `engine.check` needs that depends only on (payer, modality, clinician,
    segment of the date)."""

    __slots__ = ("routes", "no_route_rules", "flex_state", "flex", "ctx")

    def __init__(self, routes: tuple[RoutePlan, ...], no_route_rules: RulePhases,
                 flex_state: str, flex: dict[str, Any], ctx: dict[str, Any]) -> None:
        self.routes = routes
        self.no_route_rules = no_route_rules
        self.flex_state = flex_state
        self.flex = flex
        self.ctx = ctx  # the evaluation context's starting point (copied per encounter)


class Compiled:
    """Per-codebook caches: conditions compiled once, rules digested, flexibility periods,
    date segments and the plans built so far."""

    def __init__(self, cb: Codebook) -> None:
        self.cb = cb
        # compile every condition now: a defective one is reported on the first check
        self.when: dict[int, Callable[[dict[str, Any]], bool]] = {}
        for item in cb.routes + cb.rules:
            self.when[id(item)] = compile_condition(item.get("when"))
        self.conflict_ctx: dict[str, dict[str, Any]] = {}
        for cid, conflict in cb.conflicts.items():
            claims = [p.get("claim") for p in conflict.get("positions") or () if p.get("claim")]
            self.conflict_ctx[cid] = {
                "id": cid,
                "topic": conflict.get("topic"),
                "chosen": conflict.get("chosen"),
                "alternatives": "; ".join(claims),
                "reason": conflict.get("reason"),
            }
        self.entries: dict[int, RuleEntry] = {}
        self.unknown_conflicts: list[str] = []
        for rule in cb.rules:
            srcs = source_ids(rule)
            cid = rule.get("conflict")
            conflict = cb.conflict(cid) if cid else None
            if cid and conflict is None:
                self.unknown_conflicts.append(f"rule {rule.get('id')}: unknown conflict {cid!r}")
            self.entries[id(rule)] = RuleEntry(
                rule, self.when[id(rule)], merge(srcs, source_ids(conflict)),
                self.conflict_ctx.get(cid) if cid else None)
        self.flex: list[tuple[str, str | None, str, dict[str, Any]]] = []
        for period in cb.flexibilities:
            state = str(period.get("state"))
            restored = period.get("restored_by")
            if state == "lapse":
                state = "lapse_restored" if restored else "lapse"
            restorer = cb.flexibility(restored) if restored else None
            info = dict(period)
            info["restored_by"] = (restorer or {}).get("law") or restored
            info["restored_by_id"] = restored
            self.flex.append((period.get("from") or "", period.get("to"), state, info))
        self.segments = segments(cb)
        self.plans: dict[tuple[str, str, str, int], Plan] = {}
        self.signatures: dict[int, tuple[Any, ...]] = {}  # id(plan) -> plan_signature
        # routes and rules whose condition reads the date of service itself (a plan with one
        # is never shared), and those whose condition or text reads the flexibility period
        self.reads_date: set[int] = {
            id(item) for item in cb.routes + cb.rules if _mentions_date(item.get("when"))}
        self.reads_flex: set[int] = {
            id(item) for item in cb.routes + cb.rules
            if "flexibility" in repr((item.get("when"), item.get("message"), item.get("title")))}
        # the engine's own messages and the families' selection messages
        self.messages_read_flex = "flexibility" in repr(
            (cb.bundle.get("messages"), cb.bundle.get("families")))
        self._candidates: dict[tuple[Any, ...], Candidates] = {}
        self._source_ids: dict[int, list[str]] = {}  # id(bundle record) -> its source ids
        # {patient_status_label} per patient status (the other labels are in each plan's ctx)
        self.patient_status_labels = {s: cb.label("patient_status", s)
                                      for s in PATIENT_STATUSES}

    def source_ids(self, record: dict[str, Any] | None) -> list[str]:
        """source_ids(record), computed once per bundle record. Do not modify the list."""
        if not record:
            return []
        found = self._source_ids.get(id(record))
        if found is None:
            found = self._source_ids[id(record)] = source_ids(record)
        return found

    def check_strict(self) -> None:
        """Codebook defects that strict mode (tests) turns into errors."""
        if self.unknown_conflicts and is_strict():
            raise CodebookError(self.unknown_conflicts[0])

    def flexibility(self, day: str) -> tuple[str, dict[str, Any]]:
        """(flexibility_state, the period record with restored_by as the restoring law)."""
        for frm, to, state, info in self.flex:
            if frm <= day and (to is None or day <= to):
                return state, info
        return "none", NO_FLEXIBILITY

    # ---- plans ------------------------------------------------------------------------------
    def plan(self, payer: str, modality: str, clinician: str, day: str) -> Plan:
        seg = self.segments.index(day)
        key = (payer, modality, clinician, seg)
        found = self.plans.get(key)
        if found is None:
            found = self.plans[key] = self._build(payer, modality, clinician,
                                                  self.segments.starts[seg])
        return found

    def plan_signature(self, payer: str, modality: str, clinician: str,
                       day: str) -> tuple[Any, ...]:
        """Everything `check` reads from the date of service, for an encounter without a
        requested_code: the plan's routes, candidate code versions, payer statuses, rules in
        force, the flexibility period when a condition or text of them reads it, the
        segment itself when a condition reads the date, and the provisional period.
        Two days with equal signatures give an encounter the same lines, billable flag and
        warnings; only texts that quote the date itself differ (the batch checker uses this
        to ask the engine once for days that differ only in records that do not matter)."""
        plan = self.plan(payer, modality, clinician, day)
        sig = self.signatures.get(id(plan))
        if sig is None:
            items = [id(e.rule) for e in plan.no_route_rules]
            for rp in plan.routes:
                items.append(id(rp.route))
                items += [id(e.rule) for e in rp.rules]
            reads_date = not self.reads_date.isdisjoint(items)
            reads_flex = self.messages_read_flex or not self.reads_flex.isdisjoint(items)
            routes = []
            for rp in plan.routes:
                routes.append((
                    id(rp.route),
                    tuple((f.fid, tuple((status, tuple(id(c) for c in cands.codes))
                                        for status, cands in f.by_status.items()),
                           tuple((code, id(rec)) for code, rec in f.unpayable.items()))
                          for f in rp.families),
                    tuple(id(e) for e in rp.rules),
                ))
            period = self.cb.provisional_on(day)
            sig = (tuple(routes), tuple(id(e) for e in plan.no_route_rules),
                   (plan.flex_state, id(plan.flex)) if reads_flex else None,
                   self.segments.index(day) if reads_date else None,
                   None if period is None else id(period))
            self.signatures[id(plan)] = sig
        return sig

    def _rules(self, payer: str, modality: str, route: dict[str, Any] | None, clinician: str,
               day: str) -> RulePhases:
        """Rules in force on `day` whose payer/modality/route/family/clinician scope admits
        the encounter, split into the phases engine.check applies."""
        families = set(route.get("families") or ()) if route else set()
        found = []
        for rule in self.cb.rules_for(payer, modality):
            scope = rule.get("scope") or {}
            fams = scope.get("families")
            if fams and not families.intersection(fams):
                continue
            routes = scope.get("routes")
            if routes and (route is None or route.get("base_route", route["id"]) not in routes):
                continue
            clinicians = scope.get("clinicians")
            if clinicians and clinician not in clinicians:
                continue
            entry = self.entries[id(rule)]
            if entry.in_force(day):
                found.append(entry)
        return RulePhases(tuple(found))

    def _candidates_for(self, family: dict[str, Any], route: dict[str, Any], status: str,
                        modality: str, day: str, seg: int) -> Candidates:
        key = (family["id"], route.get("id"), status, modality, seg)
        found = self._candidates.get(key)
        if found is None:
            codes = [c for c in static_candidates(self.cb, family["id"], route.get("codes"),
                                                  status, modality) if in_range(c, day)]
            found = self._candidates[key] = Candidates(family, codes)
        return found

    def _build(self, payer: str, modality: str, clinician: str, day: str) -> Plan:
        cb = self.cb
        seg = self.segments.index(day)
        routes: list[RoutePlan] = []
        for route in cb.routes_of(payer, modality):
            route_clinician = route.get("clinician") or "em_practitioner"
            if route_clinician != "any" and route_clinician != clinician:
                continue
            if not in_range(route, day):
                continue
            fids = route.get("families") or []
            first = cb.family(fids[0]) if fids else None
            families = []
            for fid in fids:
                family = cb.family(fid)
                if family is None:
                    families.append(FamilyPlan(fid, None, {}, {}))
                    continue
                by_status = {status: self._candidates_for(family, route, status, modality,
                                                          day, seg)
                             for status in PATIENT_STATUSES}
                unpayable: dict[str, dict[str, Any]] = {}
                for cands in by_status.values():
                    for c in cands.codes:
                        status = cb.status_of(c["code"], payer, day)
                        if isinstance(status, dict) and \
                                status.get("status") not in PAYABLE_STATUSES:
                            unpayable[c["code"]] = status
                families.append(FamilyPlan(fid, family, by_status, unpayable))
            when = self.when[id(route)]
            routes.append(RoutePlan(
                route, None if when is _always else when, first if first else None,
                tuple(families), source_ids(route),
                self._rules(payer, modality, route, clinician, day)))
        state, flex = self.flexibility(day)
        payer_record = cb.payer(payer) or {}
        ctx = dict(_CTX_BASE)
        ctx["payer_name"] = payer_record.get("name") or payer
        ctx["payer_label"] = cb.label("payer", payer)
        ctx["modality_label"] = cb.label("modality", modality)
        ctx["clinician_label"] = cb.label("clinician", clinician)
        ctx["flexibility_state"] = state
        ctx["flexibility"] = flex
        return Plan(tuple(routes), self._rules(payer, modality, None, clinician, day),
                    state, flex, ctx)


def _route_services(cond: Any) -> frozenset[str] | None:
    """The `service` values a route's condition requires (its own, or in an `all`), else None."""
    if not isinstance(cond, dict):
        return None
    parts = cond.get("all") if isinstance(cond.get("all"), list) else [cond]
    for part in parts:
        if isinstance(part, dict) and part.get("field") == "service":
            if isinstance(part.get("is"), str):
                return frozenset((part["is"],))
            if isinstance(part.get("in"), list):
                return frozenset(v for v in part["in"] if isinstance(v, str))
    return None


def _mentions_date(cond: Any) -> bool:
    """True when a condition (any nesting of all/any/none) tests the date of service."""
    if isinstance(cond, dict):
        return cond.get("field") == "date_of_service" or any(
            _mentions_date(v) for v in cond.values() if isinstance(v, (dict, list)))
    if isinstance(cond, list):
        return any(_mentions_date(c) for c in cond)
    return False


def compiled(cb: Codebook) -> Compiled:
    """The engine's precomputation for `cb`, built on first use and kept on the Codebook."""
    comp = cb.__dict__.get("_engine_compiled")
    if comp is None:
        comp = Compiled(cb)
        cb.__dict__["_engine_compiled"] = comp
    return comp
