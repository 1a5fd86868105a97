"""Reading batch rows: cell text as the contract's values, billed columns as lines, CSV fields
as csv.writer writes them, and the stretches of days the codebook treats alike.

Standard library only (the engine core). Used by engine.batch and engine.batch.fast_csv.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from operator import itemgetter

from engine.core.contract import decode_text
from engine.core.lines import parse_billed
from engine.core.spreadsheet import FORMULA_START, spreadsheet_safe
from engine.core.stretches import Stretches, day_after

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["BrokenRow", "FORMULA_CELL", "csv_field", "date_representatives", "decode_cell",
           "parse_billed_cells", "row_getter", "safe_joined", "text_value"]

# Input-format problems (not domain facts): how a cell must be written.
_BAD_BILLED_CODE = (
    "must be a five-character code such as 99213, or billed lines such as 99214-95@10;99458x2"
)
_BAD_MODIFIER = "{value!r} is not a modifier; write two characters, several separated by ';'"
_BAD_POS = "{value!r} is not a place of service; write two digits such as 02 or 10"
_BOTH_FORMS = "give modifiers and POS either inside billed_code or in their own columns, not both"

_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_CODE_RE = re.compile(r"^[0-9A-Z]{5}\Z")
_MOD_RE = re.compile(r"^[0-9A-Z]{2}\Z")
_MOD_SPLIT = re.compile(r"[;,\s]+")
_COMPACT = re.compile(r"[-@;]|X[0-9]+\Z")
NEEDS_QUOTES = re.compile(r'[",\r\n]')
# a cell of a comma-joined line that a spreadsheet would run as a formula
FORMULA_CELL = re.compile(r'(?:^|,)[=+\-@\t\r]')


def safe_joined(text: str) -> str:
    """Comma-joined plain cells (none holds a comma or quote), each made spreadsheet-safe."""
    if FORMULA_CELL.search(text) is None:
        return text
    return ",".join(map(spreadsheet_safe, text.split(",")))


# ---- dates: one representative day per stretch of days the codebook treats alike ------------
def _walk_dates(node: Any, out: set[str], in_when: bool = False) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("from", "to") and isinstance(value, str) and _DATE_RE.match(value):
                out.add(value if key == "from" else day_after(value))
            elif key == "when" or in_when:
                _walk_dates(value, out, True)
            elif isinstance(value, (dict, list)):
                _walk_dates(value, out, False)
            if in_when and isinstance(value, str) and _DATE_RE.match(value):
                out.add(value)
                out.add(day_after(value))
    elif isinstance(node, list):
        for item in node:
            if in_when and isinstance(item, str) and _DATE_RE.match(item):
                out.add(item)
                out.add(day_after(item))
            else:
                _walk_dates(item, out, in_when)


def date_representatives(bundle: Mapping[str, Any]) -> dict[str, str]:
    """Map every day the bundle answers for (reviewed or provisional) to the first day of its
    stretch.

    A stretch runs from one boundary to the day before the next, where the boundaries are
    every `from` date in the bundle, every day after a `to` date, and any date a `when`
    condition names. Inside a stretch no dated record starts or ends, so the engine's lines,
    warning ids and billable flag are the same on every day of it.
    """
    bounds: set[str] = set()
    _walk_dates(bundle, bounds)
    meta = bundle.get("meta") or {}
    covers = meta.get("covers") or {}
    start, end = covers.get("from"), covers.get("to")
    if not (isinstance(start, str) and isinstance(end, str)):
        return {}
    # provisional periods are answered too (their from/to are boundaries, found by the walk)
    for period in meta.get("provisional") or ():
        last_day = period.get("to") if isinstance(period, dict) else None
        if isinstance(last_day, str) and _DATE_RE.match(last_day) and last_day > end:
            end = last_day
    bounds.add(start)
    try:
        return Stretches(bounds).days(start, end)
    except ValueError:
        return {}


def text_value(value: Any, canonical: bool = True) -> str:
    """A JSON value as the text a CSV cell would hold (so both inputs share one path).
    `canonical`: objects with sorted keys and ASCII only (a memo key); else as given (an
    extra cell passed through to the output)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=canonical, ensure_ascii=canonical)
    return str(value)


class BrokenRow:
    """A row that could not be read (a JSONL line that is not JSON, a CSV record the csv
    module rejects). It has no cells: `len()` is 0."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __len__(self) -> int:
        return 0


def csv_field(value: Any) -> str:
    """One CSV field as csv.writer writes it (QUOTE_MINIMAL), made safe for a spreadsheet
    first (engine/core/spreadsheet.py: a leading = + - @ tab or CR gets an apostrophe)."""
    text = value if isinstance(value, str) else str(value)
    if text[:1] in FORMULA_START:
        text = "'" + text
    if NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def row_getter(idx: list[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of a row's items at `idx` (always a tuple)."""
    if not idx:
        return lambda row: ()  # noqa: ARG005 - a getter takes the row
    if len(idx) == 1:
        i = idx[0]
        return lambda row: (row[i],)
    return itemgetter(*idx)  # type: ignore[return-value]


# Cell text -> the contract value (None = absent): the contract's one text decoder, collecting
# unreadable cells (invalid JSON, a number of absurdly many digits) in its `errors` list. Other
# text that does not parse is passed on unchanged so the engine reports it in its own words.
decode_cell = decode_text


def parse_billed_cells(values: dict[str, Any], errors: list[dict[str, str]]
            ) -> tuple[list[dict[str, Any]], bool, bool, bool]:
    """The billed lines and which parts of them to compare."""
    code = (values.get("billed_code") or "").strip().upper()
    mods_text = (values.get("billed_modifiers") or "").strip().upper()
    pos_text = (values.get("billed_pos") or "").strip()
    cmp_mods = values.get("billed_modifiers") is not None
    cmp_pos = values.get("billed_pos") is not None
    if not code:
        return [], cmp_mods, cmp_pos, False
    if _COMPACT.search(code):
        try:
            lines = parse_billed(code)
        except ValueError as exc:
            errors.append({"field": "billed_code", "message": str(exc)})
            return [], False, False, False
        if mods_text or pos_text:
            errors.append({"field": "billed_code", "message": _BOTH_FORMS})
        return lines, True, True, True
    if not _CODE_RE.match(code):
        errors.append({"field": "billed_code", "message": _BAD_BILLED_CODE})
        return [], False, False, False
    mods = [m for m in _MOD_SPLIT.split(mods_text) if m]
    for m in mods:
        if not _MOD_RE.match(m):
            errors.append({"field": "billed_modifiers", "message": _BAD_MODIFIER.format(value=m)})
    pos: str | None = None
    if pos_text:
        if pos_text.isdigit() and len(pos_text) <= 2:
            pos = pos_text.zfill(2)
        else:
            errors.append({"field": "billed_pos", "message": _BAD_POS.format(value=pos_text)})
    return [{"code": code, "modifiers": mods, "pos": pos, "units": 1}], cmp_mods, cmp_pos, False
