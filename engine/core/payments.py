"""Medicare national amounts for reported lines, from the codebook's fee schedules.

The codebook's `payments/<payer>-<year>.yaml` (written by `telecode import-rvu
--write-payments`) hold, per fee schedule release, each code's RVUs and the conversion factor.
Which amount a line is paid (non-facility or facility) comes from the codebook too: a place of
service's payer scope carries a `rate` (POS 10 non-facility and POS 02 facility for Medicare
from 2024-01-01, places-of-service.yaml, cited there). Nothing here is a fee or a rule itself.

    national_amount(total, factor) -> float          total RVUs x factor, to the cent (half up)
    schedule_on(cb, payer, day) -> dict | None       the fee schedule in force on `day`
    pos_rate(cb, payer, pos, day) -> str | None      "nonfacility" | "facility" | None
    line_amount(cb, line, day, payer) -> LineAmount | None
    line_amounts(cb, lines, day, payer) -> list[dict]   JSON-ready, one per line (checker, batch)

Amounts are national, before the locality adjustment (GPCIs) and before any deductible,
coinsurance, sequestration or other adjustment. Standard library only (runs in Pyodide).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable, Mapping
    from typing import Any

    from engine.core.codebook import Codebook

__all__ = ["LineAmount", "PAYING", "line_amount", "line_amounts", "locality_amount",
           "national_amount", "pos_rate", "schedule_on"]

PAYING = ("payable", "contractor_priced")  # payment statuses with a fee schedule amount
RATES = ("nonfacility", "facility")
_CENT = Decimal("0.01")


def national_amount(total: float, factor: float) -> float:
    """Total RVUs x conversion factor, rounded to the cent (half up), as CMS computes it."""
    return float((Decimal(str(total)) * Decimal(str(factor))).quantize(_CENT, ROUND_HALF_UP))


def locality_amount(value: Mapping[str, Any], rate: str, gpci: Mapping[str, Any],
                    factor: float) -> float:
    """(work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor,
    rounded to the cent (half up); `rate` picks the non-facility or facility PE RVU."""
    d = Decimal
    pe = value["pe_rvu_nonfacility"] if rate == "nonfacility" else value["pe_rvu_facility"]
    total = (d(str(value["work_rvu"])) * d(str(gpci["work"]))
             + d(str(pe)) * d(str(gpci["pe"]))
             + d(str(value["mp_rvu"])) * d(str(gpci["mp"])))
    return float((total * d(str(factor))).quantize(_CENT, ROUND_HALF_UP))


def _in(rec: Mapping[str, Any], day: str) -> bool:
    start, end = rec.get("from"), rec.get("to")
    return (start is None or start <= day) and (end is None or day <= end)


def schedule_on(cb: Codebook, payer: str, day: str) -> dict[str, Any] | None:
    """The payer's fee schedule (a payments record) that applies on `day`, if any."""
    for s in cb.bundle.get("payments") or ():
        if s.get("payer") == payer and _in(s, day):
            return s
    return None


def pos_rate(cb: Codebook, payer: str, pos: str | None, day: str) -> str | None:
    """Which amount the payer pays for a line with this place of service on `day`, from the
    POS record's payer scope (`rate`); None when the codebook does not say (no POS, or a POS
    without a rate for the payer and date)."""
    if not pos:
        return None
    place = cb.pos_on(pos, day)
    for scope in (place or {}).get("scope") or ():
        if scope.get("payer") == payer and scope.get("rate") in RATES and _in(scope, day):
            return scope["rate"]
    return None


@dataclass(frozen=True)
class LineAmount:
    """One line's national amounts. `amount` is the one the POS rule picks, for the line's
    units (None when the line has no POS with a rate); `nonfacility`/`facility` are per unit.
    All three are None when the payer does not pay the code from the fee schedule (`status`)."""

    code: str
    pos: str | None
    units: int
    rate: str | None
    nonfacility: float | None
    facility: float | None
    amount: float | None
    status: str
    schedule: str          # the payments record's id
    schedule_title: str
    release: str
    source: str            # the first source id the schedule cites


def line_amount(cb: Codebook, line: Mapping[str, Any], day: str,
                payer: str = "medicare") -> LineAmount | None:
    """The national amounts of one result line (code, pos, units); None when no fee schedule
    of the payer applies on `day` or the schedule has no row for the code."""
    s = schedule_on(cb, payer, day)
    if s is None:
        return None
    code = str(line.get("code"))
    v = _values(s).get(code)
    if v is None:
        return None
    status = cb.status_name(code, payer, day)
    units = line.get("units") or 1
    units = units if isinstance(units, int) and units > 0 else 1
    pos = line.get("pos") or None
    rate = pos_rate(cb, payer, pos, day)
    factor = v.get("conversion_factor") or s["conversion_factor"]
    nonfac = fac = amount = None
    if status in PAYING and (v["total_nonfacility"] or v["total_facility"]):
        nonfac = national_amount(v["total_nonfacility"], factor)
        fac = national_amount(v["total_facility"], factor)
        if rate is not None:
            per_unit = nonfac if rate == "nonfacility" else fac
            amount = float((Decimal(str(per_unit)) * units).quantize(_CENT, ROUND_HALF_UP))
    sources = s.get("sources") or [{}]
    return LineAmount(code=code, pos=pos, units=units, rate=rate, nonfacility=nonfac,
                      facility=fac, amount=amount, status=status, schedule=str(s.get("id")),
                      schedule_title=str(s.get("title")), release=str(s.get("release")),
                      source=str(sources[0].get("id") or ""))


def line_amounts(cb: Codebook, lines: Iterable[Mapping[str, Any]], day: str,
                 payer: str = "medicare") -> list[dict[str, Any] | None]:
    """`line_amount` for each line, as plain dicts (None for a line without an amount row)."""
    out: list[dict[str, Any] | None] = []
    memo = _memo(cb)
    for line in lines:
        key = (line.get("code"), line.get("pos"), line.get("units"), day, payer)
        hit = memo.get(key, _MISSING)
        if hit is _MISSING:
            a = line_amount(cb, line, day, payer)
            hit = None if a is None else {f: getattr(a, f) for f in _FIELDS}
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = hit
        out.append(dict(hit) if hit is not None else None)
    return out


_MISSING = object()
_MEMO_SIZE = 4096
_FIELDS = tuple(f.name for f in fields(LineAmount))
_MEMOS: dict[int, tuple[Any, dict[tuple[Any, ...], Any]]] = {}


def _memo(cb: Codebook) -> dict[tuple[Any, ...], Any]:
    """Answers per (code, pos, units, day, payer) for one loaded codebook (bounded)."""
    hit = _MEMOS.get(id(cb))
    if hit is None or hit[0] is not cb:
        _MEMOS.clear()
        hit = (cb, {})
        _MEMOS[id(cb)] = hit
    return hit[1]


_INDEX: dict[int, tuple[Any, dict[str, dict[str, Any]]]] = {}


def _values(schedule: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A schedule's rows by code (indexed once per schedule object)."""
    key = id(schedule)
    hit = _INDEX.get(key)
    if hit is None or hit[0] is not schedule:
        hit = (schedule, {v["code"]: v for v in schedule.get("values") or ()})
        _INDEX[key] = hit
    return hit[1]
