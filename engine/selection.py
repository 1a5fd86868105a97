"""Selection methods (codebook/README.md, "Selection methods"): which code of a family.

- `mdm_or_time`: level = max(level of the code whose mdm is the encounter's MDM,
  highest level whose min_minutes the time meets);
- `time_band`: the code whose [min_minutes, max_minutes] holds the time; add-on codes
  (`add_on.primary`) add a line with units = (time - primary.min_minutes) // each_minutes;
  `evisit_periods` splits the days into periods of `period_days`, one line per period;
- `fixed`: the single selectable code valid on the date;
- `none`: never selected.

Warnings for a family that finds no code use the family's messages (below_minimum,
above_maximum, no_level) with warning id "<family id>-below-minimum" etc.; the engine message
"no-code-for-encounter" (messages.yaml) when no code of the family fits the patient status,
modality or date at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.codebook import Codebook, CodebookError
from engine.templates import is_strict, render

__all__ = ["Selection", "select_family", "time_value", "evisit_periods"]


@dataclass
class Selection:
    family_id: str
    family: dict[str, Any]
    lines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    trace: list[dict[str, Any]] = field(default_factory=list)
    missing_time: bool = False


def _sources(record: dict[str, Any] | None) -> list[str]:
    out: list[str] = []
    for s in (record or {}).get("sources") or ():
        ident = s.get("id") if isinstance(s, dict) else s
        if isinstance(ident, str) and ident not in out:
            out.append(ident)
    return out


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
_PERIOD_KEYS = dict.fromkeys(
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
        return enc.get("minutes")
    if basis == "discussion_or_minutes":
        d = enc.get("discussion_minutes")
        return d if d is not None else enc.get("minutes")
    if basis in ("device_days", "management_minutes"):
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


def _static_candidates(cb: Codebook, family_id: str, allowed: Any, status: str,
                       modality: str) -> list[dict[str, Any]]:
    """Selectable codes of a family for a patient status and modality (all dates)."""
    return [
        c for c in cb.codes_of_family(family_id)
        if c.get("selectable", True)
        and (c.get("patient_status") in (None, "any", status))
        and (not c.get("modality") or c.get("modality") == modality)
        and (not allowed or c["code"] in allowed)
    ]


class _Selector:
    def __init__(self, cb: Codebook, family: dict[str, Any], route: dict[str, Any],
                 enc: dict[str, Any], ctx: dict[str, Any],
                 cache: dict[Any, Any] | None = None) -> None:
        self.cb = cb
        self.family = family
        self.fid = fid = family["id"]
        self.enc = enc
        self.ctx = ctx
        self.day = day = enc["date_of_service"]
        self.sel = Selection(fid, family)
        status, modality = enc["patient_status"], enc["modality"]
        if cache is None:
            cache = {}
        self.cache = cache
        key = (fid, route.get("id"), status, modality)
        static = cache.get(key)
        if static is None:
            static = cache[key] = (
                _static_candidates(cb, fid, route.get("codes"), status, modality),
                _sources(family),
            )
        codes, self.fsources = static
        self.candidates = [
            c for c in codes
            if (c.get("from") or "") <= day and (c.get("to") is None or day <= c["to"])
        ]

    def code_sources(self, code: dict[str, Any]) -> list[str]:
        key = ("sources", id(code))
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = _sources(code)
        return found

    # ---- output helpers ---------------------------------------------------------------
    def trace(self, outcome: str, extra_sources: list[str] | None = None) -> None:
        srcs = list(self.fsources)
        for s in extra_sources or ():
            if s not in srcs:
                srcs.append(s)
        self.sel.trace.append({"rule": self.fid, "outcome": outcome, "sources": srcs})

    def family_message(self, key: str, extra: dict[str, Any] | None = None) -> None:
        text = (self.family.get("messages") or {}).get(key)
        if not text:
            if key == "above_maximum":  # optional: fall back to the generic no-code message
                self.no_code()
                return
            if is_strict():
                raise CodebookError(f"family {self.fid} has no messages.{key}")
            self.no_code()
            return
        mins = [c["min_minutes"] for c in self.candidates
                if c.get("min_minutes") is not None and not c.get("add_on")]
        more = {"family": self.family.get("title") or self.fid, "family_id": self.fid,
                "time_basis": self.family.get("time_basis"),
                "minimum": min(mins) if mins else None, **_PERIOD_KEYS, **(extra or {})}
        self.sel.warnings.append({
            "id": f"{self.fid}-{key.replace('_', '-')}",
            "severity": "warning",
            "message": render(text, self.ctx, more),
            "sources": list(self.fsources),
        })

    def no_code(self) -> None:
        more = {"family": self.family.get("title") or self.fid, "family_id": self.fid,
                "time_basis": self.family.get("time_basis")}
        for mid in ("no-code-for-encounter", "not-covered-no-route"):
            msg = self.cb.message(mid)
            if msg is not None:
                srcs = _sources(msg)
                for s in self.fsources:
                    if s not in srcs:
                        srcs.append(s)
                self.sel.warnings.append({
                    "id": mid, "severity": msg.get("severity") or "warning",
                    "message": render(msg.get("text"), self.ctx, more), "sources": srcs,
                })
                return
        if is_strict():
            raise CodebookError("messages.yaml has no message 'no-code-for-encounter'")

    def line(self, code: dict[str, Any], units: int = 1) -> None:
        self.sel.lines.append({
            "code": code["code"], "modifiers": [], "pos": None, "units": units,
            "label": code.get("label") or "",
        })

    # ---- methods --------------------------------------------------------------------------
    def run(self) -> Selection:
        method = self.family.get("selection")
        if method == "none":
            self.trace("reference only, never selected")
            return self.sel
        if not self.candidates:
            self.trace(f"no selectable code fits a {self.enc['patient_status']} "
                       f"patient, {self.enc['modality']}, on {self.day}")
            self.no_code()
            return self.sel
        if method == "mdm_or_time":
            self.mdm_or_time()
        elif method == "time_band":
            self.time_band()
        elif method == "fixed":
            code = self.candidates[0]
            self.line(code)
            self.trace(f"{code['code']} (fixed code valid on {self.day})",
                       self.code_sources(code))
        elif is_strict():
            raise CodebookError(f"family {self.fid}: unknown selection {method!r}")
        return self.sel

    def mdm_or_time(self) -> None:
        mdm = self.enc.get("mdm")
        minutes = time_value(self.family, self.enc)
        if mdm is None and minutes is None:
            self.trace("neither MDM nor time given")
            self.family_message("no_level")
            return
        by_mdm = None
        if mdm is not None:
            levels = [c.get("level") or 0 for c in self.candidates if c.get("mdm") == mdm]
            by_mdm = max(levels) if levels else None
        by_time = None
        if minutes is not None:
            levels = [c.get("level") or 0 for c in self.candidates
                      if c.get("min_minutes") is not None and c["min_minutes"] <= minutes]
            by_time = max(levels) if levels else None
        if by_mdm is None and by_time is None:
            self.trace(f"{minutes} minutes is below the lowest level"
                       + (f" and MDM {mdm} selects no code" if mdm else ""))
            self.family_message("below_minimum", {"time_minutes": minutes})
            return
        level = max(x for x in (by_mdm, by_time) if x is not None)
        code = next(c for c in self.candidates if (c.get("level") or 0) == level)
        why = []
        if by_mdm is not None:
            why.append(f"MDM {mdm} supports level {by_mdm}")
        if by_time is not None:
            why.append(f"{minutes} minutes supports level {by_time}")
        self.line(code)
        self.trace(f"{code['code']} (level {level}: {'; '.join(why)}; "
                   "the higher wins)", self.code_sources(code))

    def bands(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        primaries = [c for c in self.candidates if not c.get("add_on")]
        addons = [c for c in self.candidates if c.get("add_on")]
        primaries.sort(key=lambda c: c.get("min_minutes") or 0)
        return primaries, addons

    def pick_band(
        self, primaries: list[dict[str, Any]], t: int
    ) -> tuple[dict[str, Any] | None, str]:
        for c in primaries:
            lo = c.get("min_minutes") or 0
            hi = c.get("max_minutes")
            if lo <= t and (hi is None or t <= hi):
                return c, ""
        if not primaries or t < min(c.get("min_minutes") or 0 for c in primaries):
            return None, "below_minimum"
        if all(c.get("max_minutes") is not None for c in primaries) and t > max(
            c["max_minutes"] for c in primaries
        ):
            return None, "above_maximum"
        return None, "below_minimum"  # a gap between bands: not reportable at this time

    def time_band(self) -> None:
        basis = self.family.get("time_basis") or "minutes"
        primaries, addons = self.bands()
        if basis == "evisit_periods":
            self.evisit(primaries)
            return
        t = time_value(self.family, self.enc)
        if t is None:
            self.sel.missing_time = True
            self.trace(f"no {basis} given: no line")
            return
        code, why = self.pick_band(primaries, t)
        if code is None:
            self.trace(f"{t} ({basis}) fits no band: {why.replace('_', ' ')}")
            extra = {"time_minutes": t}
            if primaries:
                extra["minimum"] = primaries[0].get("min_minutes")
            self.family_message(why, extra)
            return
        self.line(code)
        self.trace(f"{code['code']} ({t} {basis.replace('_', ' ')} in "
                   f"{code.get('min_minutes')}-{code.get('max_minutes') or 'open'})",
                   self.code_sources(code))
        for add in addons:
            spec = add.get("add_on") or {}
            if spec.get("primary") != code["code"]:
                continue
            each = spec.get("each_minutes") or 0
            if each <= 0:
                continue
            units = (t - (code.get("min_minutes") or 0)) // each
            if units >= 1:
                self.line(add, units)
                self.trace(f"{add['code']} x{units} (add-on: each {each} beyond "
                           f"{code.get('min_minutes')} for {code['code']})", self.code_sources(add))

    def evisit(self, primaries: list[dict[str, Any]]) -> None:
        days = _days(self.enc)
        if days is None:
            self.sel.missing_time = True
            self.trace("no e-visit minutes given: no line")
            return
        period_days = _period_days(self.family)
        periods = evisit_periods(days, period_days)
        if not periods:
            self.trace("no e-visit minutes on any day")
            self.family_message("below_minimum", {"time_minutes": 0, "period": 1,
                                                  "period_start": 0, "period_minutes": 0,
                                                  "period_days": period_days})
            return
        for n, (start, total) in enumerate(periods, 1):
            code, why = self.pick_band(primaries, total)
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
                       f"totals {total} minutes: {code['code']}", self.code_sources(code))


def select_family(cb: Codebook, family: dict[str, Any], route: dict[str, Any],
                  enc: dict[str, Any], ctx: dict[str, Any],
                  cache: dict[Any, Any] | None = None) -> Selection:
    """Select the line(s) of one family of the route. `cache` (one dict per codebook) keeps
    the date-independent candidate lists between calls."""
    return _Selector(cb, family, route, enc, ctx, cache).run()
