"""The codebook as downloadable files, generated at build time into /downloads/.

- `codebook.json`: the compiled bundle, byte for byte (what the engine loads).
- one CSV per record kind: one row per record, one column per key (in first-seen order);
  lists of plain values are joined with "; ", nested objects are compact JSON.
- `code-payer-year.csv`: the flat table a spreadsheet wants, one row per code, payer and year
  (its columns: FLAT_COLUMNS, explained on /downloads/ by the `flat_columns` macro).
- `localities.csv`: Medicare's payment localities with their cost indices (LOCALITY_COLUMNS).

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return; lists too) get a leading apostrophe (engine/core/spreadsheet.py). Output is
deterministic: same bundle, same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from engine.core.codebook import Codebook
from engine.core.spreadsheet import spreadsheet_safe

KINDS = [
    ("codes", "codes"),
    ("families", "families"),
    ("statuses", "statuses"),
    ("routes", "routes"),
    ("rules", "rules"),
    ("modifiers", "modifiers"),
    ("places-of-service", "places_of_service"),
    ("payers", "payers"),
    ("flexibilities", "flexibilities"),
    ("conflicts", "conflicts"),
    ("messages", "messages"),
    ("faqs", "faqs"),
    ("sources", "sources"),
]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    else:
        text = str(value)
    return spreadsheet_safe(text)  # = + - @ tab CR first: an apostrophe, whatever the value


def to_csv(records: list[dict[str, Any]]) -> bytes:
    """One row per record; columns: `id` and `code` first when present, then the other keys
    in first-seen order."""
    columns: list[str] = []
    for rec in records:
        for key in rec:
            if key not in columns:
                columns.append(key)
    columns.sort(key=lambda c: {"id": 0, "code": 1}.get(c, 2))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for rec in records:
        writer.writerow([_cell(rec.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8")


FLAT_COLUMNS = [
    ("code", "the code number"),
    ("year", "the calendar year of the dates of service"),
    ("payer", "the payer (medicare, commercial, medicaid; the last two are common defaults)"),
    ("status", "the payer's payment status in the codebook's vocabulary (see /conventions/); "
               "several statuses in the year are joined with '; '"),
    ("status words", "the same in words"),
    ("status dates", "the dates of each status when the year has more than one, else empty"),
    ("Medicare non-facility", "Medicare only: the national non-facility amount (POS 10) of the "
                             "latest fee schedule in the year, in dollars, else empty"),
    ("Medicare facility", "Medicare only: the national facility amount (POS 02), else empty"),
    ("fee schedule from", "the first day of service of that fee schedule"),
]


def code_payer_year(cb: Codebook) -> bytes:
    """The flat table: one row per code, payer and covered year it is valid in."""
    from . import render, views

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c for c, _ in FLAT_COLUMNS])
    schedules = [s for s in cb.bundle.get("payments", []) if s.get("payer") == "medicare"]
    for code in views.all_codes(cb):
        for year in views.years(cb):
            start, end = views.year_span(cb, year)
            if not views.versions_in(cb, code, start, end):
                continue
            for payer in views.payer_ids(cb):
                segs = views.status_segments(cb, code, payer, start, end)
                statuses = [s.status for s in segs]
                dates = "; ".join(f"{s.start} to {s.end}" for s in segs) if len(segs) > 1 else ""
                nf = fa = since = ""
                if payer == "medicare":
                    in_year = [s for s in schedules if str(s["from"])[:4] == str(year)]
                    for s in in_year[-1:]:
                        v = next((x for x in s["values"] if x["code"] == code), None)
                        status = cb.status_name(code, "medicare", s["from"])
                        if v and status in render.PAYING and v["total_nonfacility"]:
                            factor = v.get("conversion_factor") or s["conversion_factor"]
                            nf = f"{render.national_amount(v['total_nonfacility'], factor):.2f}"
                            fa = f"{render.national_amount(v['total_facility'], factor):.2f}"
                            since = str(s["from"])
                writer.writerow([code, year, payer, "; ".join(statuses),
                                 "; ".join(cb.label("status", st) for st in statuses),
                                 dates, nf, fa, since])
    return buf.getvalue().encode("utf-8")


_cache: dict[int, dict[str, bytes]] = {}


def files(cb: Codebook) -> dict[str, bytes]:
    """Site path -> bytes for every download (computed once per loaded codebook)."""
    if id(cb) not in _cache:
        _cache.clear()
        _cache[id(cb)] = _files_for(cb)
    return _cache[id(cb)]


def _files_for(cb: Codebook) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if cb.path:
        with open(cb.path, "rb") as fh:
            out["downloads/codebook.json"] = fh.read()
    else:
        out["downloads/codebook.json"] = (
            json.dumps(cb.bundle, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode("utf-8")
    for name, key in KINDS:
        out[f"downloads/{name}.csv"] = to_csv(list(cb.bundle.get(key, [])))
    out["downloads/code-payer-year.csv"] = code_payer_year(cb)
    if cb.bundle.get("localities"):
        out["downloads/localities.csv"] = localities(cb)
    return out


LOCALITY_COLUMNS = ("payer", "from", "to", "release", "mac", "state", "locality", "name",
                    "counties", "work GPCI", "PE GPCI", "MP GPCI", "source")


def localities(cb: Codebook) -> bytes:
    """`localities.csv`: one row per payment locality and period (localities/*.yaml), with its
    geographic practice cost indices."""
    rows = []
    for rec in cb.bundle.get("localities") or ():
        source = "; ".join(str(s.get("id")) for s in rec.get("sources") or ())
        for place in rec.get("localities") or ():
            rows.append({"payer": rec["payer"], "from": rec["from"], "to": rec.get("to") or "",
                         "release": rec["release"], "mac": place["mac"],
                         "state": place["state"], "locality": place["locality"],
                         "name": place["name"], "counties": place.get("counties") or "",
                         "work GPCI": place["work"], "PE GPCI": place["pe"],
                         "MP GPCI": place["mp"], "source": source})
    return to_csv(rows)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
