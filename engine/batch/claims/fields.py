"""Field values of a claim line, as files write them, turned into the engine's values.

Each parser returns the value or raises ValueError with a short message that names the field;
`make_line` collects those messages into the line's `problem` (the line is reported as not
readable; the run goes on). Parsers memoize, since a claim file repeats few distinct values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from engine.core.claim import MEDICARE_ADVANTAGE, ClaimLine

__all__ = ["ClaimFileError", "make_line", "make_table_line", "parse_values", "parse_date",
           "parse_payer",
           "parse_modifiers",
           "parse_pos", "parse_units", "parse_code", "PAYER_WORDS"]


class ClaimFileError(Exception):
    """The file cannot be read as a claim file; the message says where (line or segment)."""


_CODE = re.compile(r"^[0-9A-Z]{5}$")
_MOD = re.compile(r"^[0-9A-Z]{2}$")
_MOD_SPLIT = re.compile(r"[\s,;:|\-]+")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

# words a file may use for a payer class -> the engine's payer id
PAYER_WORDS = {
    "medicare": "medicare", "traditional medicare": "medicare", "medicare part b": "medicare",
    "medicare ffs": "medicare",
    "medicare advantage": MEDICARE_ADVANTAGE, "medicare_advantage": MEDICARE_ADVANTAGE,
    "medicare-advantage": MEDICARE_ADVANTAGE, "ma": MEDICARE_ADVANTAGE,
    "commercial": "commercial", "medicaid": "medicaid",
}

_DATES: dict[str, str] = {}
_CODES: dict[str, str] = {}
_MODS: dict[str, tuple[str, ...]] = {}
_INF = float("inf")
_DAYS_IN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_date(text: str) -> str:
    """YYYY-MM-DD, YYYYMMDD (X12 D8) or MM/DD/YYYY -> YYYY-MM-DD."""
    found = _DATES.get(text)
    if found is not None:
        return found
    raw = text.strip()
    m = _ISO.match(raw) or _COMPACT.match(raw)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _US.match(raw)
        if not m:
            raise ValueError(f"date of service {text!r} is not a date (use YYYY-MM-DD)"
                             if raw else "no date of service")
        mo, d, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if not (1 <= mo <= 12 and 1 <= d <= (_DAYS_IN[mo - 1] if mo != 2 or leap else 28)):
        raise ValueError(f"date of service {text!r} is not a calendar date")
    day = f"{y:04d}-{mo:02d}-{d:02d}"
    if len(_DATES) < 100_000:
        _DATES[text] = day
    return day


def parse_payer(text: str) -> str:
    """A payer class: medicare, medicare_advantage, commercial, medicaid, or the text itself
    (lower case) for a payer the codebook may know (the checker says when it does not)."""
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise ValueError("no payer")
    return PAYER_WORDS.get(raw, raw)


def parse_code(text: str) -> str:
    found = _CODES.get(text)
    if found is not None:
        return found
    code = text.strip().upper()
    if not _CODE.match(code):
        raise ValueError(f"code {text!r} is not a 5-character CPT/HCPCS code" if code
                         else "no code")
    if len(_CODES) < 100_000:
        _CODES[text] = code
    return code


def parse_modifiers(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """'95', '95,25', '95-25', '95 25' or a list -> ('95', '25')."""
    if value is None:
        return ()
    if isinstance(value, str):
        found = _MODS.get(value)
        if found is not None:
            return found
        parts = [p for p in _MOD_SPLIT.split(value.strip().upper()) if p]
    else:
        parts = [str(p).strip().upper() for p in value if str(p).strip()]
    for p in parts:
        if not _MOD.match(p):
            raise ValueError(f"modifier {p!r} is not a 2-character modifier")
    mods = tuple(parts)
    if isinstance(value, str) and len(_MODS) < 10_000:
        _MODS[value] = mods
    return mods


def parse_pos(text: str | None) -> str | None:
    """'10', '2' -> '02'; blank -> None."""
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 2:
        raise ValueError(f"place of service {text!r} is not a 2-digit POS code")
    return raw.zfill(2)


def parse_units(text: str | int | float | None) -> int:
    """'1', '2', '1.0', '2.000' -> int; blank -> 1."""
    if text is None or text == "":
        return 1
    if isinstance(text, bool):
        raise ValueError(f"units {text!r} is not a whole number")
    if isinstance(text, int):
        value = text
    else:
        raw = str(text).strip()
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"units {text!r} is not a number") from None
        if number != number or number in (_INF, -_INF):  # nan, inf, or too many digits
            raise ValueError(f"units {text!r} is not a number")
        if number != int(number):
            raise ValueError(f"units {text!r} is not a whole number")
        value = int(number)
    if value < 1:
        raise ValueError(f"units {text!r} is below 1")
    return value


_VALUES: dict[tuple[object, ...], tuple[str, str, str, tuple[str, ...], str | None, int,
                                         str | None]] = {}


def parse_values(date: str | None, payer: str | None, code: str | None,
                 modifiers: str | Iterable[str] | None, pos: str | None,
                 units: str | int | float | None
                 ) -> tuple[str, str, str, tuple[str, ...], str | None, int, str | None]:
    """(date, payer, code, modifiers, pos, units, problem) from raw values, memoized: a claim
    file repeats few distinct combinations. A value that does not parse is named in
    `problem` (all of them, joined with '; ') and gets a neutral value."""
    key = (date, payer, code, modifiers if not isinstance(modifiers, list) else
           tuple(modifiers), pos, units)
    found = _VALUES.get(key)
    if found is not None:
        return found
    problems: list[str] = []

    def take(parse, value, default):  # noqa: ANN001, ANN202 - local helper
        try:
            return parse(value if value is not None else "")
        except ValueError as exc:
            problems.append(str(exc))
            return default

    found = (take(parse_date, date, ""), take(parse_payer, payer, ""),
             take(parse_code, code, str(code or "").strip().upper()),
             take(parse_modifiers, modifiers, ()), take(parse_pos, pos, None),
             take(parse_units, units, 1), "; ".join(problems) if problems else None)
    if len(_VALUES) >= 200_000:
        _VALUES.clear()
    _VALUES[key] = found
    return found


def make_line(claim_id: str, line: str, date: str | None, payer: str | None, code: str | None,
              modifiers: str | Iterable[str] | None, pos: str | None,
              units: str | int | float | None) -> ClaimLine:
    """A ClaimLine from raw values; a value that does not parse sets `problem` (all named)."""
    return ClaimLine(str(claim_id), str(line),
                     *parse_values(date, payer, code, modifiers, pos, units))


def make_table_line(claim_id: str | None, line: str, date: str | None, payer: str | None,
                    code: str | None, modifiers: str | Iterable[str] | None, pos: str | None,
                    units: str | int | float | None) -> ClaimLine:
    """A line of a claim-line table (CSV, JSONL, a Spark DataFrame): `make_line`, and a line
    without a claim id is a bad line."""
    cid = (claim_id or "").strip()
    made = make_line(cid, line, date, payer, code, modifiers, pos, units)
    if not cid:
        made.problem = "; ".join(p for p in ("no claim_id", made.problem) if p)
    return made
