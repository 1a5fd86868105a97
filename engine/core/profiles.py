"""Payer profiles (codebook/payers/profiles/, or a practice's own folder): resolution.

A profile names a `base` (a payer of the codebook, or another profile) and dated `rules`, one
per service (encounter modality) and day. `resolve(bundle)` turns the profiles into what the
engine already reads, so `engine.check` answers for a profile id like for any payer:

- a payer record per profile (with `base`, `chain`, `type`, `state`), and its label;
- routes with `payer: <profile>`: the routes of the chain's root payer (medicare, commercial or
  medicaid) for each modality, split at the dates of the rules in force for the profile — its
  own rules first, then, where it says nothing, its base's, and so on up the chain. A piece a
  rule covers reports that rule's families, modifiers and POS (the rest from the base route)
  and carries `origin: {payer, rule}` (a rule that does not accept the service keeps the piece,
  and its not-covered rule denies it); a piece no rule covers keeps the root route's id and
  `origin: {payer: <root>, rule: null}` ("from the commercial default");
- a `not_covered` rule per rule whose `accepted` is false or "unknown" (its message comes from
  messages.yaml `payer-rule-not-accepted` / `payer-rule-unknown`), scoped to that profile only.

Rules and payment statuses of the base chain apply through `Codebook.payer_chain` (a
profile's `ignores` removes base rules by id). Standard library only (runs in Pyodide).
"""

from __future__ import annotations

import datetime as _dt

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["ProfileError", "resolve", "chain_of", "MODALITY_KEY"]

# A profile rule's `service` is an encounter modality; the route key it matches.
MODALITY_KEY = "service"
_OPEN = "9999-12-31"
# Profile rules are about visits: they change the root payer's routes for the visit service
# (and routes with no service condition); the routes of other services (psychotherapy and the
# rest, codebook/routes/) are inherited as they are, and a rule's denial applies to visits.
_VISIT = {"field": "service", "is": "visit"}


def _for_visits(route: dict[str, Any]) -> bool:
    return route.get("when") in (None, _VISIT)


class ProfileError(ValueError):
    """A profile that cannot be resolved (unknown base, cycle of bases, duplicate id)."""


def _next(day: str) -> str:
    return (_dt.date.fromisoformat(day) + _dt.timedelta(days=1)).isoformat()


def _prev(day: str) -> str:
    return (_dt.date.fromisoformat(day) - _dt.timedelta(days=1)).isoformat()


def _end(rec: dict[str, Any]) -> str:
    return rec.get("to") or _OPEN


def chain_of(pid: str, profiles: dict[str, dict[str, Any]], payers: set[str]) -> list[str]:
    """[pid, its base, the base's base, ..., the root payer]; ProfileError on a bad chain."""
    chain = [pid]
    cur = pid
    while cur in profiles:
        base = profiles[cur].get("base")
        if not isinstance(base, str) or (base not in profiles and base not in payers):
            raise ProfileError(f"payer profile {cur}: unknown base {base!r}")
        if base in chain:
            raise ProfileError(f"payer profile {pid}: its bases form a cycle: "
                               + " -> ".join([*chain, base]))
        chain.append(base)
        cur = base
    return chain


def _effective(chain: list[str], profiles: dict[str, dict[str, Any]],
               modality: str) -> list[tuple[str, str, dict[str, Any], str]]:
    """(from, to, rule, profile id) of the rules in force for the chain's first profile and
    `modality`, sorted, without overlaps: a profile's own rules win over its bases'."""
    taken: list[tuple[str, str, dict[str, Any], str]] = []
    for pid in chain:
        prof = profiles.get(pid)
        if prof is None:
            break
        for rule in prof.get("rules") or ():
            if rule.get(MODALITY_KEY) != modality or not rule.get("from"):
                continue
            # the parts of the rule's dates that no nearer profile's rule holds
            pieces = [(rule["from"], _end(rule))]
            for frm, to, _, _ in taken:
                cut = []
                for a, b in pieces:
                    if b < frm or a > to:
                        cut.append((a, b))
                        continue
                    if a < frm:
                        cut.append((a, _prev(frm)))
                    if b > to:
                        cut.append((_next(to), b))
                pieces = cut
            taken += [(a, b, rule, pid) for a, b in pieces]
    return sorted(taken, key=lambda t: t[0])


def _piece(route: dict[str, Any], frm: str, to: str, payer: str) -> dict[str, Any]:
    out = dict(route)
    out["payer"] = payer
    out["from"] = frm
    out["to"] = None if to == _OPEN else to
    return out


def _inherited(route: dict[str, Any], root: str) -> dict[str, Any]:
    """The root payer's route as it is (its route-scoped rules still apply: `base_route`)."""
    return dict(route, origin={"payer": root, "rule": None}, base_route=route["id"])


def _unique(records: list[dict[str, Any]], pid: str, used: set[str]) -> None:
    """Give every record an id no other route or rule has (`<payer>/<id>`, then `-2`, `-3`)."""
    for rec in records:
        rid = rec["id"]
        if rid in used:
            rid = base = f"{pid}/{rec['id']}"
            n = 1
            while rid in used:
                n += 1
                rid = f"{base}-{n}"
        rec["id"] = rid
        used.add(rid)


def _apply(route: dict[str, Any], rule: dict[str, Any], owner: str,
           add_ons: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The route as the profile rule says (families, modifiers, POS given by it). The route's
    add-on families (selection add_on, e.g. prolonged services) stay after the rule's own."""
    out = dict(route)
    out["id"] = rule["id"]
    if rule.get("families"):
        families = list(rule["families"])
        families += [f for f in route.get("families") or () if f in add_ons and f not in families]
        out["families"] = families
        out["codes"] = rule.get("codes")
    elif rule.get("codes"):
        out["codes"] = rule.get("codes")
    if rule.get("modifiers") is not None:
        out["modifiers"] = list(rule["modifiers"])
    if rule.get("pos") is not None:
        out["pos"] = rule["pos"]
    for key in ("summary", "sources", "last_verified", "evidence", "note"):
        out[key] = rule.get(key)
    out["origin"] = {"payer": owner, "rule": rule["id"]}
    out.pop("base_route", None)
    return out


def _routes_for(root_routes: list[dict[str, Any]], effective: list[Any], pid: str,
                root: str, add_ons: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for route in root_routes:
        start, stop = route.get("from") or "", _end(route)
        if not _for_visits(route):  # another service's route: the base's, unchanged
            out.append(_piece(_inherited(route, root), start, stop, pid))
            continue
        cur = start
        for frm, to, rule, owner in effective:
            if to < cur or frm > stop:
                continue
            if cur < frm:
                out.append(_piece(_inherited(route, root), cur, _prev(frm), pid))
            a, b = max(cur, frm), min(stop, to)
            # a rule that does not accept the service keeps the route, so that its own
            # not-covered rule (below) is the answer, not "the codebook has no answer"
            out.append(_piece(_apply(route, rule, owner, add_ons), a, b, pid))
            cur = _next(b) if b != _OPEN else _OPEN + "x"
            if cur > stop:
                break
        if cur <= stop:
            out.append(_piece(_inherited(route, root), cur, stop, pid))
    # rules that add a service the root has no route for on (part of) their dates
    for frm, to, rule, owner in effective:
        if rule.get("accepted") is not True or not rule.get("families"):
            continue
        gaps = [(frm, to)]
        for route in root_routes:
            if not _for_visits(route):
                continue
            a0, b0 = route.get("from") or "", _end(route)
            cut = []
            for a, b in gaps:
                if b < a0 or a > b0:
                    cut.append((a, b))
                    continue
                if a < a0:
                    cut.append((a, _prev(a0)))
                if b > b0:
                    cut.append((_next(b0), b))
            gaps = cut
        for a, b in gaps:
            base = {"modality": rule[MODALITY_KEY], "clinician": "any", "when": _VISIT,
                    "families": rule["families"], "codes": None, "modifiers": [], "pos": None}
            out.append(_piece(_apply(base, rule, owner), a, b, pid))
    return out


def _denial(rule: dict[str, Any], owner: str, pid: str, frm: str, to: str,
            messages: dict[str, Any], owner_name: str) -> dict[str, Any]:
    unknown = rule.get("accepted") == "unknown"
    mid = "payer-rule-unknown" if unknown else "payer-rule-not-accepted"
    template = (messages.get(mid) or {}).get("text") or "{rule_summary}"
    return {
        "id": rule["id"],
        "title": rule.get("summary"),
        "scope": {"payers": [pid], "modalities": [rule[MODALITY_KEY]]},
        "exact_payer": True,
        "from": frm,
        "to": None if to == _OPEN else to,
        "when": _VISIT,
        "effect": "not_covered",
        "message": template,
        "message_id": mid,
        "message_extra": {"rule_summary": rule.get("summary"), "rule_payer_name": owner_name},
        "sources": rule.get("sources") or [],
        "last_verified": rule.get("last_verified"),
        "evidence": rule.get("evidence"),
        "note": rule.get("note"),
        "origin": {"payer": owner, "rule": rule["id"]},
        "file": None,
    }


def resolve(bundle: dict[str, Any]) -> dict[str, Any]:
    """A new bundle with the profiles turned into payers, routes and rules (see above).
    The input is not modified; a bundle without profiles is returned as it is."""
    profiles_list = bundle.get("payer_profiles") or []
    if not profiles_list or (bundle.get("meta") or {}).get("profiles_resolved"):
        return bundle
    payer_ids = {p.get("id") for p in bundle.get("payers") or ()}
    profiles: dict[str, dict[str, Any]] = {}
    for prof in profiles_list:
        pid = prof.get("id")
        if pid in profiles or pid in payer_ids:
            raise ProfileError(f"payer profile {pid}: the id is used twice")
        profiles[pid] = prof
    out = dict(bundle)
    out["meta"] = dict(bundle.get("meta") or {}, profiles_resolved=True)
    payers = list(bundle.get("payers") or ())
    routes = list(bundle.get("routes") or ())
    rules = list(bundle.get("rules") or ())
    labels = {k: dict(v) for k, v in (bundle.get("labels") or {}).items()}
    root_routes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in bundle.get("routes") or ():
        root_routes.setdefault((r.get("payer"), r.get("modality")), []).append(r)
    modalities = sorted({r.get("modality") for r in bundle.get("routes") or ()} | {
        rule.get(MODALITY_KEY) for p in profiles_list for rule in p.get("rules") or ()})
    messages = {m.get("id"): m for m in bundle.get("messages") or ()}
    add_ons = frozenset(f.get("id") for f in bundle.get("families") or ()
                        if f.get("selection") == "add_on")
    used = {r.get("id") for r in routes} | {r.get("id") for r in rules}
    for pid in sorted(profiles):
        prof = profiles[pid]
        chain = chain_of(pid, profiles, payer_ids)
        root = chain[-1]
        record = {k: v for k, v in prof.items() if k != "rules"}
        record.update(chain=chain, profile=True,
                      defaults_only=bool(prof.get("defaults_only", False)))
        payers.append(record)
        labels.setdefault("payer", {}).setdefault(pid, prof.get("name") or pid)
        for modality in modalities:
            effective = _effective(chain, profiles, modality)
            mine = _routes_for(root_routes.get((root, modality), []), effective, pid, root,
                               add_ons)
            denials = [_denial(rule, owner, pid, frm, to, messages,
                               profiles[owner].get("name") or owner)
                       for frm, to, rule, owner in effective if rule.get("accepted") is not True]
            _unique(denials, pid, used)  # first: a warning's id is the profile rule's id
            _unique(mine, pid, used)
            routes += mine
            rules += denials
    out["payers"] = payers
    out["routes"] = routes
    out["rules"] = rules
    if labels:
        out["labels"] = labels
    return out
