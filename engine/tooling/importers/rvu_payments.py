"""Medicare payment values from a CMS PPRRVU file, for the codebook's codes only.

`telecode import-rvu FILE --write-payments` writes `codebook/payments/medicare-<year>.yaml`:
the work, practice expense (non-facility and facility) and malpractice RVUs, the two totals and
the conversion factor of each codebook code in the file, dated from the quarter the release
applies to (January, April, July, October release: from the 1st of that month) and citing the
file. National payment = total RVUs x conversion factor, rounded to the cent, as CMS computes
it (codebook/README.md, "payments"). Columns are found by their header names; the DESCRIPTION
column (AMA text) is never read.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from engine.tooling.importers.rvu import (
    CODE_RE,
    RvuError,
    open_pprrvu,
    release_date,
    title_match,
)

# value key -> header name (the words of the header rows above a column, joined)
COLUMNS = {
    "work_rvu": "WORK RVU",
    "pe_rvu_nonfacility": "NON-FAC PE RVU",
    "pe_rvu_facility": "FACILITY PE RVU",
    "mp_rvu": "MP RVU",
    "total_nonfacility": "NON-FACILITY TOTAL",
    "total_facility": "FACILITY TOTAL",
    "conversion_factor": "CONV FACTOR",
}
QUARTERS = {"JANUARY": 1, "APRIL": 4, "JULY": 7, "OCTOBER": 10}


@dataclass
class PaymentFile:
    path: str
    release: str | None  # the RELEASED date
    year: int | None  # the calendar year of the title
    quarter_month: int | None  # 1, 4, 7 or 10 from "... January Release"
    conversion_factor: Decimal | None
    values: dict[str, dict[str, Decimal]]  # code -> value key -> number (plain rows only)

    def applies_from(self) -> str | None:
        if self.year is None:
            return None
        return f"{self.year:04d}-{(self.quarter_month or 1):02d}-01"


def _number(text: str, where: str) -> Decimal:
    try:
        return Decimal(text.strip() or "0")
    except ArithmeticError:
        raise RvuError(f"{where}: {text!r} is not a number — the file looks damaged") from None


def read_payment_file(path: str | Path) -> PaymentFile:
    path = str(path)
    reader, rows, header_at = open_pprrvu(path)
    release = release_date(rows, header_at, path)
    t = title_match(rows, header_at, r"\s*(\d{4})\b.*Relative Value File\s+(\w+)\s+Release")
    year = int(t.group(1)) if t else None
    quarter = QUARTERS.get(t.group(2).upper()) if t else None
    width = len(rows[header_at])
    joined = [" ".join(r[j].strip().upper() for r in rows[: header_at + 1]
                       if j < len(r) and r[j].strip()) for j in range(width)]
    cols: dict[str, int] = {}
    for key, name in COLUMNS.items():
        found = [j for j, words in enumerate(joined) if words == name]
        if len(found) != 1:
            raise RvuError(f"{path}:{header_at + 1}: no single column named {name!r} — is this "
                           "a PPRRVU file of the National Physician Fee Schedule?")
        cols[key] = found[0]
    mod_col = joined.index("MOD") if "MOD" in joined else None
    values: dict[str, dict[str, Decimal]] = {}
    factors: set[Decimal] = set()
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            code = row[0].strip().upper()
            if not CODE_RE.match(code) or len(row) < width:
                continue
            if mod_col is not None and row[mod_col].strip():
                continue  # modifier rows (26, TC, 53): the global row is the one we keep
            where = f"{path}:{reader.line_num}"
            values[code] = {k: _number(row[j], where) for k, j in cols.items()}
            factors.add(values[code]["conversion_factor"])
    except csv.Error as exc:
        raise RvuError(f"{path}:{reader.line_num}: the CSV is damaged ({exc}) — download the "
                       "file again") from None
    if not values:
        raise RvuError(f"{path}: no code rows after the header — the file is cut short")
    factor = max(factors, key=lambda f: sum(v["conversion_factor"] == f for v in values.values()))
    return PaymentFile(path, release, year, quarter, factor, values)


def amount(total: Decimal, factor: Decimal) -> Decimal:
    """Total RVUs x conversion factor, rounded to the cent (half up), as CMS publishes it."""
    return (total * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def schedule(bundle: dict[str, Any], pf: PaymentFile, source_id: str, locator: str,
             verified: str, applies_from: str, applies_to: str | None) -> dict[str, Any]:
    """The payments/medicare-<year>.yaml document: one schedule record with the values of the
    codebook's codes in the file (codes the file lacks are left out)."""
    codes = sorted({c["code"] for c in bundle.get("codes", [])})
    entries = []
    for code in codes:
        v = pf.values.get(code)
        if v is None:
            continue
        entry: dict[str, Any] = {"code": code}
        for key in COLUMNS:
            if key != "conversion_factor":
                entry[key] = float(v[key])
        if v["conversion_factor"] != pf.conversion_factor:
            entry["conversion_factor"] = float(v["conversion_factor"])
        entries.append(entry)
    return {"schedule": {
        "id": f"medicare-pfs-{applies_from}",
        "payer": "medicare",
        "title": f"Medicare physician fee schedule, national amounts ({pf.release} release)",
        "release": pf.release,
        "from": applies_from,
        "to": applies_to,
        "conversion_factor": float(pf.conversion_factor or 0),
        "values": entries,
        "sources": [{"id": source_id, "locator": locator}],
        "last_verified": verified,
        "evidence": "verified",
    }}
