"""engine.check: what to report for one encounter, from the compiled codebook.

Steps (codebook/README.md and issue 3):
1. validate the encounter (engine.encounter) -> EncounterError listing every problem;
2. derive the context (discussion_share, flexibility_state, time_minutes, selected_codes);
3. take the first matching route (bundle order) or answer "not covered";
4. select the code(s) of each family of the route (engine.selection);
5. check that the payer pays each selected code on the date (else: codebook inconsistency);
6. apply the rules in bundle order (deny / not_covered / drop / warn / info / checklist);
7. answer the requested code, if any.

Every user-facing sentence comes from the bundle (rules, family messages, messages.yaml).
Python only holds contract words and short generic trace outcomes.

Message ids the engine itself looks up in messages.yaml, with the placeholders it fills
(besides the common ones: date_of_service, payer, payer_name, modality, clinician,
patient_status, codes, flexibility.*):
"""

from __future__ import annotations

from typing import Any

from engine.codebook import NO_RECORD, NOT_VALID_ON_DATE, PAYABLE_STATUSES, Codebook, CodebookError
from engine.codebook import in_range as _in_range
from engine.codebook import load_codebook as _load
from engine.conditions import _always, compile_condition
from engine.encounter import FIELDS, validate
from engine.lines import format_line, format_lines
from engine.selection import Selection, select_family, time_value
from engine.templates import is_strict, render

__all__ = ["check", "default_codebook", "ENGINE_MESSAGES", "FLEXIBILITY_STATES"]

# id -> extra placeholders the engine fills for it
ENGINE_MESSAGES: dict[str, tuple[str, ...]] = {
    "not-covered-no-route": (),
    "requested-code-unknown": ("requested_code",),
    "requested-code-not-valid-on-date": (
        "requested_code", "valid_from", "valid_to", "replaced_by", "expected"),
    "requested-code-not-payable": ("requested_code", "status", "instead", "expected"),
    "requested-code-differs": ("requested_code", "expected"),
    "requested-code-matches": ("requested_code", "expected"),
    # optional: when absent, the engine falls back as documented in _fallback_message
    "status-not-payable": ("expected", "code", "status", "instead"),
    "no-code-for-encounter": ("family", "family_id"),
    "time-not-given": ("family", "family_id", "time_basis"),
}
__doc__ = (__doc__ or "") + "".join(
    f"\n    {k}: {', '.join('{' + p + '}' for p in v) or '(common only)'}"
    for k, v in ENGINE_MESSAGES.items()
)

FLEXIBILITY_STATES = ("extended", "lapse_restored", "lapse", "none")
DERIVED_FIELDS = ("discussion_share", "flexibility_state", "selected_codes", "time_minutes")
# The evaluation context always holds every contract key and derived fact (None when not
# given), so conditions see "absent" and templates render an absent value as "".
_CTX_BASE: dict[str, Any] = dict.fromkeys((*FIELDS, *DERIVED_FIELDS))
# {flexibility.*} on a date no period covers
_NO_FLEXIBILITY: dict[str, Any] = {"id": None, "state": "none", "law": None, "from": None,
                                   "to": None, "restored_by": None, "restored_by_id": None}
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

_DEFAULT: Codebook | None = None


def default_codebook() -> Codebook:
    """The bundle at engine/data/codebook.json, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = _load()
    return _DEFAULT


def source_ids(record: dict[str, Any] | None) -> list[str]:
    """The source ids a record cites (its `sources` list of {id, locator} or plain ids)."""
    out: list[str] = []
    if not record:
        return out
    for s in record.get("sources") or ():
        ident = s.get("id") if isinstance(s, dict) else s
        if isinstance(ident, str) and ident not in out:
            out.append(ident)
    return out


def _merge(into: list[str], more: list[str]) -> list[str]:
    for s in more:
        if s not in into:
            into.append(s)
    return into


class _RuleEntry:
    """A rule with its scope pre-digested for the per-encounter loop."""

    __slots__ = ("rule", "id", "frm", "to", "codes", "when", "effect", "drop_families",
                 "sources", "conflict", "extra", "title", "message", "severity", "outcome")

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
        self.drop_families: tuple[str, ...] | None = (
            tuple(scope["families"]) if scope.get("families") else None)
        self.sources = sources
        self.conflict = conflict
        self.extra = {"conflict": conflict} if conflict else None
        self.title = rule.get("title")
        self.message = rule.get("message")
        self.severity = _EFFECT_SEVERITY.get(self.effect, "warning")
        outcome = _EFFECT_OUTCOME.get(self.effect, self.effect)
        self.outcome = outcome + (f" ({self.title})" if self.title else "")


class _Compiled:
    """Per-codebook caches the engine adds to a Codebook: conditions compiled once, rules
    pre-filtered by their static scope, flexibility periods digested."""

    def __init__(self, cb: Codebook) -> None:
        self.cb = cb
        self.when: dict[int, Any] = {}
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
        self.entries: dict[int, _RuleEntry] = {}
        for rule in cb.rules:
            srcs = source_ids(rule)
            cid = rule.get("conflict")
            conflict = cb.conflict(cid) if cid else None
            if cid and conflict is None and is_strict():
                raise CodebookError(f"rule {rule.get('id')}: unknown conflict {cid!r}")
            self.entries[id(rule)] = _RuleEntry(
                rule, self.when[id(rule)], _merge(srcs, source_ids(conflict)),
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
        self._rules: dict[tuple[Any, ...], list[_RuleEntry]] = {}
        self.candidates: dict[Any, Any] = {}  # engine.selection's per-codebook cache
        self._route_sources: dict[int, list[str]] = {}

    def rules_for(self, payer: str, modality: str, route: dict[str, Any] | None,
                  clinician: str) -> list[_RuleEntry]:
        """Rules whose payer/modality/route/family/clinician scope admits the encounter."""
        key = (payer, modality, route["id"] if route else None, clinician)
        found = self._rules.get(key)
        if found is not None:
            return found
        families = set(route.get("families") or ()) if route else set()
        found = []
        for rule in self.cb.rules_for(payer, modality):
            scope = rule.get("scope") or {}
            fams = scope.get("families")
            if fams and not families.intersection(fams):
                continue
            routes = scope.get("routes")
            if routes and (route is None or route["id"] not in routes):
                continue
            clinicians = scope.get("clinicians")
            if clinicians and clinician not in clinicians:
                continue
            found.append(self.entries[id(rule)])
        self._rules[key] = found
        return found

    def route_sources(self, route: dict[str, Any]) -> list[str]:
        found = self._route_sources.get(id(route))
        if found is None:
            found = self._route_sources[id(route)] = source_ids(route)
        return found

    def flexibility(self, day: str) -> tuple[str, dict[str, Any]]:
        for frm, to, state, info in self.flex:
            if frm <= day and (to is None or day <= to):
                return state, info
        return "none", _NO_FLEXIBILITY


def _compiled(cb: Codebook) -> _Compiled:
    comp = cb.__dict__.get("_engine_compiled")
    if comp is None:
        comp = _Compiled(cb)
        cb.__dict__["_engine_compiled"] = comp
    return comp


def _flexibility(cb: Codebook, day: str) -> tuple[str, dict[str, Any]]:
    """(flexibility_state, the period record with restored_by as the restoring law)."""
    return _compiled(cb).flexibility(day)


class _Run:
    """One evaluation; collects warnings/trace in the result's section order."""

    def __init__(self, cb: Codebook, enc: dict[str, Any]) -> None:
        self.cb = cb
        self.comp = _compiled(cb)
        self.enc = enc
        self.day: str = enc["date_of_service"]
        payer = cb.payer(enc["payer"]) or {}
        state, flex = self.comp.flexibility(self.day)
        ctx = dict(_CTX_BASE)  # every contract key and derived fact; None = not given
        ctx.update(enc)
        ctx["payer_name"] = payer.get("name") or enc["payer"]
        ctx["flexibility_state"] = state
        ctx["flexibility"] = flex
        ctx["selected_codes"] = []
        ctx["codes"] = []
        minutes, discussion = enc.get("minutes"), enc.get("discussion_minutes")
        if minutes and discussion is not None:
            ctx["discussion_share"] = discussion / minutes
        self.ctx = ctx
        self.sections: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("route", "rules", "selection", "requested")
        }
        self.trace: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("route", "rules", "selection", "requested")
        }
        self.checklist: list[str] = []

    # ---- messages -----------------------------------------------------------------------
    def message(self, section: str, mid: str, extra: dict[str, Any] | None = None,
                sources: list[str] | None = None, severity: str | None = None) -> bool:
        """Add the messages.yaml message `mid` as a warning. False when it does not exist."""
        msg = self.cb.message(mid)
        if msg is None:
            return False
        self.warn(section, mid, severity or msg.get("severity") or "warning",
                  render(msg.get("text"), self.ctx, extra),
                  _merge(source_ids(msg), sources or []))
        return True

    def required_message(self, section: str, mid: str, extra: dict[str, Any] | None = None,
                         sources: list[str] | None = None) -> None:
        if not self.message(section, mid, extra, sources) and is_strict():
            raise CodebookError(f"messages.yaml has no message {mid!r}")
        if self.cb.message(mid) is None:  # production: keep the user informed, plainly
            self.warn(section, mid, "warning", mid, sources or [])

    def warn(self, section: str, wid: str, severity: str, text: str, sources: list[str]) -> None:
        self.sections[section].append(
            {"id": wid, "severity": severity, "message": text, "sources": list(sources)}
        )

    def add_trace(self, section: str, rule: str, outcome: str, sources: list[str]) -> None:
        self.trace[section].append({"rule": rule, "outcome": outcome, "sources": list(sources)})

    # ---- steps --------------------------------------------------------------------------
    def find_route(self) -> dict[str, Any] | None:
        enc, ctx = self.enc, self.ctx
        for route in self.cb.routes_of(enc["payer"], enc["modality"]):
            clinician = route.get("clinician") or "em_practitioner"
            if clinician != "any" and clinician != enc["clinician"]:
                continue
            if not _in_range(route, self.day):
                continue
            families = route.get("families") or []
            first = self.cb.family(families[0]) if families else None
            ctx["time_minutes"] = time_value(first, enc) if first else None
            if self.comp.when[id(route)](ctx):
                return route
        ctx["time_minutes"] = None
        return None

    def run(self) -> dict[str, Any]:
        cb, enc, ctx = self.cb, self.enc, self.ctx
        route = self.find_route()
        billable = True
        denied = False
        selections: list[Selection] = []
        self.selections = selections
        if route is None:
            billable = False
            msg = cb.message("not-covered-no-route")
            self.required_message("route", "not-covered-no-route")
            self.add_trace(
                "route", "not-covered-no-route",
                f"no route for {enc['payer']} {enc['modality']} ({enc['clinician']}) "
                f"on {self.day}: not covered",
                source_ids(msg),
            )
        else:
            mods = route.get("modifiers") or []
            pos_map = route.get("pos")
            pos = pos_map.get(enc["patient_location"]) if isinstance(pos_map, dict) else None
            self.add_trace(
                "route", route["id"],
                f"route found: families {', '.join(route.get('families') or [])}; "
                f"modifiers {', '.join(mods) or 'none'}; POS {pos or 'none (not telehealth)'}",
                self.comp.route_sources(route),
            )
            for fid in route.get("families") or []:
                family = cb.family(fid)
                if family is None:
                    if is_strict():
                        raise CodebookError(f"route {route['id']}: unknown family {fid!r}")
                    continue
                sel = select_family(cb, family, route, enc, ctx, self.comp.candidates)
                for line in sel.lines:
                    line["modifiers"] = list(mods)
                    line["pos"] = pos
                selections.append(sel)
            self.check_payable(selections)

        self.update_selected(selections)
        # families in the route (for rule scope), time of the first family for conditions
        route_families = list(route.get("families") or []) if route else []
        if route_families and ctx["time_minutes"] is None:
            first = cb.family(route_families[0])
            ctx["time_minutes"] = time_value(first, enc) if first else None

        day = self.day
        warnings_out = self.sections["rules"].append
        trace_out = self.trace["rules"].append
        checklist = self.checklist
        for e in self.comp.rules_for(enc["payer"], enc["modality"], route, enc["clinician"]):
            if e.frm > day or (e.to is not None and day > e.to):
                continue
            if e.codes is not None and e.codes.isdisjoint(ctx["selected_codes"]):
                continue
            effect = e.effect
            if effect == "drop":
                # a drop with nothing to drop says nothing
                fams = e.drop_families or route_families
                dropped = [sel for sel in selections if sel.family_id in fams and sel.lines]
                if not dropped:
                    continue
            if e.when is not None and not e.when(ctx):
                continue
            text = render(e.message, ctx, e.extra)
            outcome = e.outcome
            if effect == "checklist":
                if text and text not in checklist:
                    checklist.append(text)
            else:
                if effect in DENYING:
                    billable = False
                    denied = True
                    for sel in selections:
                        sel.lines.clear()
                    self.update_selected(selections)
                elif effect == "drop":
                    for sel in dropped:
                        sel.lines.clear()
                    outcome = outcome.replace("{families}",
                                              ", ".join(s.family_id for s in dropped))
                    self.update_selected(selections)
                warnings_out({"id": e.id, "severity": e.severity, "message": text,
                              "sources": list(e.sources)})
            trace_out({"rule": e.id, "outcome": outcome, "sources": list(e.sources)})

        lines: list[dict[str, Any]] = [line for s in selections for line in s.lines]
        for sel in selections:
            self.trace["selection"].extend(sel.trace)
            if not denied:
                self.sections["selection"].extend(sel.warnings)
        if route is not None and not lines and billable:
            billable = False
            if not any(s.warnings for s in selections):
                # nothing said why: the families had no time to select on
                for sel in selections:
                    if sel.missing_time:
                        self.no_time_warning(sel)
        if not lines:
            billable = False

        if enc.get("requested_code"):
            self.requested(enc["requested_code"], lines)

        warnings: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for section in ("route", "rules", "selection", "requested"):
            for w in self.sections[section]:
                key = (w["id"], w["message"])
                if key not in seen:
                    seen.add(key)
                    warnings.append(w)
        trace = [t for k in ("route", "rules", "selection", "requested") for t in self.trace[k]]
        return {
            "billable": billable,
            "lines": lines,
            "warnings": warnings,
            "checklist": self.checklist,
            "trace": trace,
            "as_of": self.day,
            "codebook": cb.version,
        }

    def update_selected(self, selections: list[Selection]) -> None:
        codes: list[str] = []
        for sel in selections:
            for line in sel.lines:
                if line["code"] not in codes:
                    codes.append(line["code"])
        self.ctx["selected_codes"] = codes
        self.ctx["codes"] = codes

    def check_payable(self, selections: list[Selection]) -> None:
        """Never report a code the payer does not pay: that is a codebook inconsistency."""
        bad: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for sel in selections:
            for line in sel.lines:
                status = self.cb.status_of(line["code"], self.enc["payer"], self.day)
                if isinstance(status, dict) and status.get("status") not in PAYABLE_STATUSES:
                    bad.append((line, status))
        if not bad:
            return
        for line, status in bad:
            extra = {"code": line["code"], "expected": format_line(line),
                     "status": status.get("status"), "instead": status.get("instead")}
            srcs = source_ids(status)
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
                 "time_basis": family.get("time_basis")}
        if self.message("selection", "time-not-given", extra, source_ids(family)):
            return
        text = (family.get("messages") or {}).get("below_minimum")
        if text:
            self.warn("selection", f"{sel.family_id}-below-minimum", "warning",
                      render(text, self.ctx, extra), source_ids(family))
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
                         replaced_by=replaced)
            srcs = source_ids(near)
            self.required_message("requested", "requested-code-not-valid-on-date", extra, srcs)
            self.add_trace("requested", "requested-code-not-valid-on-date",
                           f"{code} is not valid on {self.day}", srcs)
            return
        status = cb.status_of(code, enc["payer"], self.day)
        if isinstance(status, dict) and status.get("status") not in PAYABLE_STATUSES:
            extra.update(status=status.get("status"), instead=status.get("instead"))
            srcs = source_ids(status)
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
                                  source_ids(version))
            self.add_trace("requested", "requested-code-matches",
                           f"{code} is what the codebook selects", source_ids(version))
        else:
            self.required_message("requested", "requested-code-differs", extra,
                                  source_ids(version))
            self.add_trace("requested", "requested-code-differs",
                           f"{code} differs from {expected}", source_ids(version))


def check(encounter: dict[str, Any], codebook: Codebook | None = None) -> dict[str, Any]:
    """What to report for `encounter` (issue-3 contract). Raises EncounterError if invalid."""
    cb = codebook if codebook is not None else default_codebook()
    enc = validate(encounter, cb)
    return _Run(cb, enc).run()


# names kept importable for the batch checker and tests
__all__ += ["source_ids", "NO_RECORD", "NOT_VALID_ON_DATE"]
