"""Claim lines from a CSV or JSONL file with the columns
claim_id, line, date_of_service, payer, code, modifiers, pos, units.

`claim_id`, `date_of_service`, `payer` and `code` are required columns (CSV header; JSONL
keys, where a line missing one is a bad line); `line` defaults to the line's number within its
claim, `units` to 1, `modifiers` and `pos` to none. Header names are matched without case and
surrounding spaces. A missing required column, a file that is not UTF-8 or not CSV raises
ClaimFileError naming the line; a line whose values do not parse is a bad line (its `problem`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from typing import IO, Any

from engine.batch.claims.fields import ClaimFileError, make_table_line, parse_values
from engine.core.claim import ClaimLine

__all__ = ["COLUMNS", "REQUIRED", "Layout", "Numbering", "read_csv", "read_header", "read_jsonl",
           "text_value"]

COLUMNS = ("claim_id", "line", "date_of_service", "payer", "code", "modifiers", "pos", "units")
REQUIRED = ("claim_id", "date_of_service", "payer", "code")


class Numbering:
    """The line number within its claim when the file gives none."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def next(self, claim_id: str) -> str:
        n = self.counts.get(claim_id, 0) + 1
        self.counts[claim_id] = n
        return str(n)


class Layout:
    """Where the columns are in a claim-line CSV (from its header)."""

    __slots__ = ("names", "width", "claim", "day", "payer", "code", "line", "mods", "pos",
                 "units", "standard")

    def __init__(self, names: list[str]) -> None:
        at = {c: names.index(c) for c in COLUMNS if c in names}
        self.names = names
        self.width = len(names)
        self.claim, self.day, self.payer, self.code = (at[c] for c in REQUIRED)
        self.line, self.mods, self.pos, self.units = (
            at.get(c) for c in ("line", "modifiers", "pos", "units"))
        # the columns in COLUMNS order and no others
        self.standard = tuple(names) == COLUMNS


def read_header(reader: Any, name: str) -> Layout:
    """The layout of the header line `reader` (a csv.reader) gives; ClaimFileError when the
    file is empty, the header is not readable or misses a required column."""
    try:
        header = next(reader)
    except StopIteration:
        raise ClaimFileError(f"{name}: the file is empty (expected a header line with "
                             + ", ".join(COLUMNS) + ")") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ClaimFileError(f"{name}, line 1: not a readable CSV header ({exc})") from None
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ClaimFileError(
            f"{name}, line 1: the header has no column {', '.join(missing)} (it has "
            f"{', '.join(n for n in names if n) or 'no names'}); claim-line files need "
            + ", ".join(COLUMNS))
    return Layout(names)


def read_csv(fh: IO[str], name: str) -> Iterator[ClaimLine]:
    reader = csv.reader(fh)
    lay = read_header(reader, name)
    i_claim, i_day, i_payer, i_code = lay.claim, lay.day, lay.payer, lay.code
    i_line, i_mods, i_pos, i_units = lay.line, lay.mods, lay.pos, lay.units
    width = lay.width
    numbering = Numbering()
    row_no = 1
    try:
        for row in reader:
            row_no = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            claim_id = row[i_claim].strip()
            number = row[i_line].strip() if i_line is not None else ""
            if not claim_id:
                yield make_table_line(claim_id, number or numbering.next(claim_id), row[i_day],
                                      row[i_payer], row[i_code],
                                      row[i_mods] if i_mods is not None else None,
                                      row[i_pos] if i_pos is not None else None,
                                      row[i_units] if i_units is not None else None)
                continue
            yield ClaimLine(claim_id, number or numbering.next(claim_id), *parse_values(
                row[i_day], row[i_payer], row[i_code],
                row[i_mods] if i_mods is not None else None,
                row[i_pos] if i_pos is not None else None,
                row[i_units] if i_units is not None else None))
    except csv.Error as exc:
        raise ClaimFileError(f"{name}, line {row_no + 1}: not readable CSV ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ClaimFileError(
            f"{name}, after line {row_no}: not UTF-8 text (byte "
            f"{exc.object[exc.start:exc.start + 1]!r}); save the file as UTF-8") from None


def text_value(value: Any) -> str | None:
    """A JSON or Arrow value as the text a CSV cell would hold (None stays None)."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):  # Arrow/Spark dates and timestamps
        return value.isoformat()[:10]
    return value if isinstance(value, str) else json.dumps(value)


def read_jsonl(fh: IO[str], name: str) -> Iterator[ClaimLine]:
    numbering = Numbering()
    line_no = 0
    try:
        for line_no, text in enumerate(fh, start=1):  # noqa: B007 - used after the loop
            if not text.strip():
                continue
            try:
                rec = json.loads(text)
            except ValueError as exc:
                yield _bad(str(line_no), f"line {line_no} is not JSON ({exc.msg})")
                continue
            if not isinstance(rec, dict):
                yield _bad(str(line_no), f"line {line_no} is not a JSON object")
                continue
            rec = {str(k).strip().lower(): v for k, v in rec.items()}
            claim_id = str(rec.get("claim_id") or "").strip()
            number = text_value(rec.get("line")) or numbering.next(claim_id)
            mods = rec.get("modifiers")
            yield make_table_line(claim_id, str(number), text_value(rec.get("date_of_service")),
                                  text_value(rec.get("payer")), text_value(rec.get("code")),
                                  mods if isinstance(mods, list) else text_value(mods),
                                  text_value(rec.get("pos")), rec.get("units"))
    except UnicodeDecodeError as exc:
        raise ClaimFileError(
            f"{name}, after line {line_no}: not UTF-8 text (byte "
            f"{exc.object[exc.start:exc.start + 1]!r}); save the file as UTF-8") from None


def _bad(number: str, problem: str) -> ClaimLine:
    return ClaimLine("", number, "", "", "", (), None, 1, problem)
