"""Selection methods (codebook/README.md, "Selection methods"): which code of one family.

Used by the select stage (engine.core.select) for each family of the route.

- `mdm_or_time`: level = max(level of the code whose mdm is the encounter's MDM,
  highest level whose min_minutes the time meets);
- `time_band`: the code whose [min_minutes, max_minutes] holds the time; add-on codes
  (`add_on.primary`) add a line with units = (time - primary.min_minutes) // each_minutes;
  `evisit_periods` splits the days into periods of `period_days`, one line per period;
- `fixed`: the single selectable code valid on the date;
- `add_on`: add-on codes (`add_on.primaries`) for the lines the route's earlier families
  selected: a code goes with the first of those lines whose code is one of its primaries,
  inside its own time band when it has one (`min_minutes`/`max_minutes`), from its
  `first_at[primary]` minutes when it has one (then one more unit per `each_minutes`), and
  carries that line's modifiers and POS;
- `none`: never selected.

A family with `when` selects only when its condition holds (else it adds nothing); a code with
`when` is a candidate only when its condition holds.

Notes (engine.core.notes, written by the render stage) for a family that finds no code
use the family's messages (below_minimum, above_maximum, no_level) with warning id
"<family id>-below-minimum" etc.; the engine message "no-code-for-encounter" (messages.yaml)
when no code of the family fits the patient status, modality or date at all.

Speed: everything that does not depend on the encounter's own values (the candidate codes of a
family for a route, patient status and stretch of dates, their levels, bands, add-ons and
sources) is digested once into a `Candidates` object (engine.core.plan builds and caches them per
codebook); `select` then only compares the encounter's MDM and time with it.
"""

from __future__ import annotations

from engine.core.codebook import Codebook, CodebookError
from engine.core.conditions import compile_condition
from engine.core.notes import RENDER
from engine.core.sources import source_ids
from engine.core.templates import is_strict

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

    from engine.core.notes import Note

__all__ = ["Candidates", "Selection", "select", "time_value",
           "evisit_periods", "static_candidates"]


class Selection:
    """What one family of a route selected: its lines, notes (unwritten warnings) and trace."""

    __slots__ = ("family_id", "family", "lines", "notes", "trace", "missing_time", "needs")

    def __init__(self, family_id: str, family: dict[str, Any]) -> None:
        self.family_id = family_id
        self.family = family
        self.lines: list[dict[str, Any]] = []
        self.notes: list[Note] = []  # engine.core.notes
        self.trace: list[dict[str, Any]] = []
        self.missing_time = False
        # add-on code -> what it lacked: {"primaries": [...]} or
        # {"primary": code, "threshold": minutes, "time": minutes or None}
        self.needs: dict[str, dict[str, Any]] = {}


def addon_spec(code: dict[str, Any]) -> tuple[list[str], dict[str, int], int]:
    """(primaries, first_at, each_minutes) of an add-on code, either form of `add_on`."""
    spec = code.get("add_on") or {}
    if spec.get("primaries"):
        return list(spec["primaries"]), dict(spec.get("first_at") or {}), \
            spec.get("each_minutes") or 0
    primary = spec.get("primary")
    return ([primary] if primary else []), {}, spec.get("each_minutes") or 0


def addon_units(first_at: int, each: int, t: int) -> int:
    """Units of an add-on whose first unit needs `first_at` minutes, then one per `each`."""
    if t < first_at:
        return 0
    return 1 + ((t - first_at) // each if each > 0 else 0)


def evisit_periods(by_day: dict[str, int], period_days: int) -> list[tuple[int, int]]:
    """[(start day, total minutes)] — a period starts at the first day with minutes; the next
    starts at the first later day on or after start + period_days. Periods are never pooled."""
    periods: list[list[int]] = []
    for day in sorted(int(d) for d in by_day):
        minutes = by_day[str(day)]
        if minutes <= 0:
            continue
        if not periods or day >= periods[-1][0] + period_days:
            periods.append([day, 0])
        periods[-1][1] += minutes
    return [(start, total) for start, total in periods]


# placeholders family messages may use (codebook/README.md); None renders as ""
PERIOD_KEYS = dict.fromkeys(
    ("period", "period_start", "period_end", "period_minutes", "period_days"))
_ONE_PERIOD = 10**9  # without period_days every day falls in one period


def _period_days(family: dict[str, Any]) -> int:
    days = family.get("period_days")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return days
    if is_strict():
        raise CodebookError(f"family {family.get('id')}: evisit_periods needs period_days")
    return _ONE_PERIOD


def _days(enc: dict[str, Any]) -> dict[str, int] | None:
    by_day = enc.get("evisit_minutes_by_day")
    if by_day is not None:
        return by_day
    if enc.get("minutes") is not None:
        return {"0": enc["minutes"]}
    return None


def time_value(family: dict[str, Any] | None, enc: dict[str, Any]) -> int | None:
    """The encounter's time for a family's time basis (e-visits: the first period's total)."""
    basis = (family or {}).get("time_basis") or "minutes"
    if basis == "minutes":
        minutes = enc.get("minutes")
        if minutes is not None and enc.get("service") == "psychotherapy_with_em":
            # the E/M's time excludes the psychotherapy time (the contract, issue 14)
            return max(0, minutes - (enc.get("psychotherapy_minutes") or 0))
        return minutes
    if basis == "discussion_or_minutes":
        d = enc.get("discussion_minutes")
        return d if d is not None else enc.get("minutes")
    if basis in ("device_days", "management_minutes", "psychotherapy_minutes"):
        return enc.get(basis)
    if basis == "evisit_periods":
        days = _days(enc)
        if days is None:
            return None
        periods = evisit_periods(days, _period_days(family or {}))
        return periods[0][1] if periods else 0
    if is_strict():
        raise CodebookError(f"family {(family or {}).get('id')}: unknown time_basis {basis!r}")
    return enc.get("minutes")


def static_candidates(cb: Codebook, family_id: str, allowed: Any, status: str,
                      modality: str) -> list[dict[str, Any]]:
    """Selectable codes of a family for a patient status and modality (all dates)."""
    return [
        c for c in cb.codes_of_family(family_id)
        if c.get("selectable", True)
        and (c.get("patient_status") in (None, "any", status))
        and (not c.get("modality") or c.get("modality") == modality)
        and (not allowed or c["code"] in allowed)
    ]


class Candidates:
    """The selectable codes of one family for a route, patient status and modality on a
    stretch of dates, with what the selection methods need precomputed."""

    __slots__ = ("family", "fid", "method", "basis", "codes", "fsources", "code_sources",
                 "labels", "mdm_levels", "time_levels", "by_level", "primaries", "addons",
                 "lowest", "highest", "minimum", "when", "code_when")

    def __init__(self, family: dict[str, Any], codes: list[dict[str, Any]]) -> None:
        self.family = family
        self.fid: str = family["id"]
        when = family.get("when")
        self.when = compile_condition(when) if when is not None else None
        self.code_when = {id(c): compile_condition(c["when"])
                          for c in codes if c.get("when") is not None}
        self.method = family.get("selection")
        self.basis: str = family.get("time_basis") or "minutes"
        self.codes = codes
        self.fsources = source_ids(family)
        # per code: the family's sources, then the code's own (a selection step cites both)
        self.code_sources: dict[int, list[str]] = {}
        for c in codes:
            merged = list(self.fsources)
            merged += [s for s in source_ids(c) if s not in merged]
            self.code_sources[id(c)] = merged
        self.labels = {id(c): c.get("label") or "" for c in codes}
        # mdm_or_time: the highest level per MDM, (min_minutes, level) pairs, first code per level
        self.mdm_levels: dict[Any, int] = {}
        self.by_level: dict[int, dict[str, Any]] = {}
        levels: list[tuple[Any, int]] = []
        for c in codes:
            level = c.get("level") or 0
            mdm = c.get("mdm")
            if isinstance(mdm, str):
                self.mdm_levels[mdm] = max(level, self.mdm_levels.get(mdm, level))
            if c.get("min_minutes") is not None:
                levels.append((c["min_minutes"], level))
            self.by_level.setdefault(level, c)
        self.time_levels = tuple(levels)
        # time_band: primaries by band start, add-ons; bounds for "below" / "above"
        primaries = [c for c in codes if not c.get("add_on")]
        primaries.sort(key=lambda c: c.get("min_minutes") or 0)
        self.primaries = primaries
        self.addons = [c for c in codes if c.get("add_on")]
        self.lowest = min((c.get("min_minutes") or 0 for c in primaries), default=None)
        closed = bool(primaries) and all(c.get("max_minutes") is not None for c in primaries)
        self.highest = max(c["max_minutes"] for c in primaries) if closed else None
        mins = [c["min_minutes"] for c in codes
                if c.get("min_minutes") is not None and not c.get("add_on")]
        self.minimum = min(mins) if mins else None

    def pick_band(self, t: int, ctx: dict[str, Any] | None = None
                  ) -> tuple[dict[str, Any] | None, str]:
        for c in self.primaries:
            if ctx is not None and not self.usable(c, ctx):
                continue
            lo = c.get("min_minutes") or 0
            hi = c.get("max_minutes")
            if lo <= t and (hi is None or t <= hi):
                return c, ""
        if self.lowest is None or t < self.lowest:
            return None, "below_minimum"
        if self.highest is not None and t > self.highest:
            return None, "above_maximum"
        return None, "below_minimum"  # a gap between bands: not reportable at this time

    def usable(self, code: dict[str, Any], ctx: dict[str, Any]) -> bool:
        """False when the code has a `when` that does not hold."""
        when = self.code_when.get(id(code))
        return when is None or when(ctx)


class _Selector:
    """One family's selection for one encounter."""

    __slots__ = ("cb", "cands", "fid", "enc", "ctx", "sel", "mods", "pos", "prior")

    def __init__(self, cb: Codebook, cands: Candidates, enc: dict[str, Any],
                 ctx: dict[str, Any], mods: list[str], pos: str | None,
                 prior: list[dict[str, Any]] | None = None) -> None:
        self.cb = cb
        self.prior = prior or []
        self.cands = cands
        self.fid = cands.fid
        self.enc = enc
        self.ctx = ctx
        self.mods = mods
        self.pos = pos
        self.sel = Selection(cands.fid, cands.family)

    # ---- output helpers ---------------------------------------------------------------
    def trace(self, outcome: str, code: dict[str, Any] | None = None) -> None:
        cands = self.cands
        srcs = cands.fsources if code is None else cands.code_sources[id(code)]
        self.sel.trace.append({"rule": self.fid, "outcome": outcome, "sources": list(srcs)})

    def line(self, code: dict[str, Any], units: int = 1,
             primary: dict[str, Any] | None = None) -> None:
        mods = primary["modifiers"] if primary is not None else self.mods
        pos = primary["pos"] if primary is not None else self.pos
        self.sel.lines.append({
            "code": code["code"], "modifiers": list(mods), "pos": pos,
            "units": units, "label": self.cands.labels[id(code)],
        })

    def family_message(self, key: str, extra: dict[str, Any] | None = None) -> None:
        family = self.cands.family
        text = (family.get("messages") or {}).get(key)
        if not text:
            if key != "above_maximum" and is_strict():  # above_maximum is optional
                raise CodebookError(f"family {self.fid} has no messages.{key}")
            self.no_code()
            return
        more = {"family": family.get("title") or self.fid, "family_id": self.fid,
                "time_basis": family.get("time_basis"), "minimum": self.cands.minimum,
                **PERIOD_KEYS, **(extra or {})}
        self.sel.notes.append((f"{self.fid}-{key.replace('_', '-')}", "warning", text, more,
                               self.cands.fsources, self.ctx["codes"], RENDER, None))

    def no_code(self) -> None:
        family = self.cands.family
        more = {"family": family.get("title") or self.fid, "family_id": self.fid,
                "time_basis": family.get("time_basis")}
        for mid in ("no-code-for-encounter", "not-covered-no-route"):
            msg = self.cb.message(mid)
            if msg is not None:
                srcs = source_ids(msg)
                for s in self.cands.fsources:
                    if s not in srcs:
                        srcs.append(s)
                self.sel.notes.append((mid, msg.get("severity") or "warning", msg.get("text"),
                                       more, srcs, self.ctx["codes"], RENDER, None))
                return
        if is_strict():
            raise CodebookError("messages.yaml has no message 'no-code-for-encounter'")

    # ---- methods --------------------------------------------------------------------------
    def run(self) -> Selection:
        cands = self.cands
        method = cands.method
        if method == "none":
            self.trace("reference only, never selected")
            return self.sel
        if cands.when is not None and not cands.when(self.ctx):
            self.trace("does not apply to this encounter")
            return self.sel
        if not cands.codes:
            enc = self.enc
            self.trace(f"no selectable code fits a {enc['patient_status']} "
                       f"patient, {enc['modality']}, on {enc['date_of_service']}")
            self.no_code()
            return self.sel
        if method == "mdm_or_time":
            self.mdm_or_time()
        elif method == "time_band":
            self.time_band()
        elif method == "fixed":
            usable = [c for c in cands.codes if cands.usable(c, self.ctx)]
            if not usable:
                self.trace("no code of the family fits this encounter")
                self.no_code()
                return self.sel
            code = usable[0]
            self.line(code)
            self.trace(f"{code['code']} (fixed code valid on {self.enc['date_of_service']})",
                       code)
        elif method == "add_on":
            self.add_on()
        elif is_strict():
            raise CodebookError(f"family {self.fid}: unknown selection {method!r}")
        return self.sel

    def mdm_or_time(self) -> None:
        cands = self.cands
        mdm = self.enc.get("mdm")
        minutes = time_value(cands.family, self.enc)
        if mdm is None and minutes is None:
            self.trace("neither MDM nor time given")
            self.family_message("no_level")
            return
        by_mdm = cands.mdm_levels.get(mdm) if mdm is not None else None
        by_time = None
        if minutes is not None:
            for start, level in cands.time_levels:
                if start <= minutes and (by_time is None or level > by_time):
                    by_time = level
        if by_mdm is None and by_time is None:
            self.trace(f"{minutes} minutes is below the lowest level"
                       + (f" and MDM {mdm} selects no code" if mdm else ""))
            self.family_message("below_minimum", {"time_minutes": minutes})
            return
        if by_mdm is None:
            level = by_time
        elif by_time is None or by_mdm >= by_time:
            level = by_mdm
        else:
            level = by_time
        code = cands.by_level[level]  # type: ignore[index]
        why = []
        if by_mdm is not None:
            why.append(f"MDM {mdm} supports level {by_mdm}")
        if by_time is not None:
            why.append(f"{minutes} minutes supports level {by_time}")
        self.line(code)
        self.trace(f"{code['code']} (level {level}: {'; '.join(why)}; the higher wins)", code)

    def time_band(self) -> None:
        cands = self.cands
        basis = cands.basis
        if basis == "evisit_periods":
            self.evisit()
            return
        t = time_value(cands.family, self.enc)
        if t is None:
            self.sel.missing_time = True
            self.trace(f"no {basis} given: no line")
            return
        code, why = cands.pick_band(t, self.ctx if cands.code_when else None)
        if code is None:
            self.trace(f"{t} ({basis}) fits no band: {why.replace('_', ' ')}")
            extra = {"time_minutes": t}
            if cands.primaries:
                extra["minimum"] = cands.primaries[0].get("min_minutes")
            self.family_message(why, extra)
            return
        self.line(code)
        self.trace(f"{code['code']} ({t} {basis.replace('_', ' ')} in "
                   f"{code.get('min_minutes')}-{code.get('max_minutes') or 'open'})", code)
        for add in cands.addons:
            primaries, first_at, each = addon_spec(add)
            if code["code"] not in primaries:
                continue
            start = first_at.get(code["code"])
            if start is None:  # the first unit after one more block beyond the primary's
                if each <= 0:
                    continue
                start = (code.get("min_minutes") or 0) + each
            units = addon_units(start, each, t)
            if units >= 1:
                self.line(add, units)
                self.trace(f"{add['code']} x{units} (add-on: {t} reaches {start} with "
                           f"{code['code']}" + (f", one more unit each {each}" if each else "")
                           + ")", add)
            else:
                self.sel.needs[add["code"]] = {"primary": code["code"], "threshold": start,
                                               "time": t}

    def add_on(self) -> None:
        """Add-on codes for the lines selected before this family (see the module doc)."""
        cands, ctx = self.cands, self.ctx
        t = time_value(cands.family, self.enc) if cands.family.get("time_basis") else None
        added = False
        lacking: list[str] = []
        below: int | None = None
        for add in cands.codes:
            if not cands.usable(add, ctx):
                continue
            primaries, first_at, each = addon_spec(add)
            primary = next((ln for ln in self.prior if ln["code"] in primaries), None)
            if primary is None:
                self.sel.needs[add["code"]] = {"primaries": primaries}
                lacking.append(add["code"])
                continue
            lo, hi = add.get("min_minutes"), add.get("max_minutes")
            if lo is not None:
                if t is None:
                    self.sel.missing_time = True
                    self.trace(f"{add['code']}: no {cands.basis.replace('_', ' ')} given", add)
                    continue
                if t < lo or (hi is not None and t > hi):
                    self.sel.needs[add["code"]] = {"primary": primary["code"], "threshold": lo,
                                                   "time": t}
                    below = t
                    continue
            start = first_at.get(primary["code"])
            if start is not None:
                if t is None or t < start:
                    self.sel.needs[add["code"]] = {"primary": primary["code"],
                                                   "threshold": start, "time": t}
                    self.trace(f"{add['code']} not added: it needs {start} minutes with "
                               f"{primary['code']}, {t if t is not None else 'no time'} given",
                               add)
                    continue
                units = addon_units(start, each, t)
                self.line(add, units, primary)
                self.trace(f"{add['code']} x{units} (add-on to {primary['code']}: {t} minutes "
                           f"reaches {start}" + (f"; one more unit each further {each}"
                                                 if each else "") + ")", add)
            else:
                self.line(add, 1, primary)
                band = (f"; {t} minutes in {lo}-{hi if hi is not None else 'open'}"
                        if lo is not None else "")
                self.trace(f"{add['code']} (add-on to {primary['code']}{band})", add)
            added = True
        if added:
            return
        if below is not None and cands.family.get("messages", {}).get("below_minimum"):
            self.trace(f"{below} minutes fits no band of the add-on")
            self.family_message("below_minimum", {"time_minutes": below})
        elif lacking and not self.sel.missing_time:
            self.trace(f"{', '.join(lacking)} not added: no primary line it goes with")
            if (cands.family.get("messages") or {}).get("no_primary"):
                self.family_message("no_primary", {"codes": _words(lacking)})

    def evisit(self) -> None:
        cands = self.cands
        days = _days(self.enc)
        if days is None:
            self.sel.missing_time = True
            self.trace("no e-visit minutes given: no line")
            return
        period_days = _period_days(cands.family)
        periods = evisit_periods(days, period_days)
        if not periods:
            self.trace("no e-visit minutes on any day")
            self.family_message("below_minimum", {"time_minutes": 0, "period": 1,
                                                  "period_start": 0, "period_minutes": 0,
                                                  "period_days": period_days})
            return
        for n, (start, total) in enumerate(periods, 1):
            code, why = cands.pick_band(total)
            extra = {"time_minutes": total, "period": n, "period_start": start,
                     "period_end": start + period_days - 1, "period_minutes": total,
                     "period_days": period_days}
            if code is None:
                self.trace(f"period {n} (days {start}-{start + period_days - 1}) "
                           f"totals {total} minutes: {why.replace('_', ' ')}")
                self.family_message(why, extra)
                continue
            self.line(code)
            self.trace(f"period {n} (days {start}-{start + period_days - 1}) "
                       f"totals {total} minutes: {code['code']}", code)


def _words(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


def select(cb: Codebook, cands: Candidates, enc: dict[str, Any], ctx: dict[str, Any],
           mods: list[str] | tuple[str, ...] = (), pos: str | None = None,
           prior: list[dict[str, Any]] | None = None) -> Selection:
    """Select the line(s) of one family; lines carry `mods` (copied) and `pos` (add-ons: those
    of their primary among `prior`, the lines the route's earlier families selected)."""
    return _Selector(cb, cands, enc, ctx, list(mods), pos, prior).run()
