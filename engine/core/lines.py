"""Compact text form of result lines, shared by messages, the batch checker and the CLI.

One line is written `CODE[-MOD[-MOD...]][@POS][xUNITS]`; lines are joined with `;`:

    99214-95@10          code 99214, modifier 95, POS 10, 1 unit
    99213-93@10;G2010    two lines; G2010 has no modifier and no telehealth POS (null)
    99458x2              2 units

`@POS` is omitted when pos is null and `xUNITS` when units is 1. Modifiers keep their order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["format_line", "format_lines", "parse_billed", "line_matches", "lines_match"]

_LINE_RE = re.compile(
    r"^(?P<code>[0-9A-Z]{5})(?P<mods>(?:-[0-9A-Z]{2})*)(?:@(?P<pos>[0-9]{2}))?(?:x(?P<units>[0-9]+))?\Z"
)


def format_line(line: Mapping[str, Any]) -> str:
    """`{"code": "99214", "modifiers": ["95"], "pos": "10", "units": 1}` -> `99214-95@10`."""
    text = str(line.get("code", ""))
    for mod in line.get("modifiers") or ():
        text += f"-{mod}"
    pos = line.get("pos")
    if pos:
        text += f"@{pos}"
    units = line.get("units", 1)
    if isinstance(units, int) and not isinstance(units, bool) and units != 1:
        text += f"x{units}"
    return text


def format_lines(lines: Iterable[Mapping[str, Any]]) -> str:
    """Lines joined with `;` (empty string for no lines)."""
    return ";".join(format_line(line) for line in lines)


def parse_billed(text: str) -> list[dict[str, Any]]:
    """Parse `99214-95@10;99458x2` into line dicts (code, modifiers, pos, units).

    Blank text gives []. Spaces around items are ignored; letters are upper-cased.
    Raises ValueError naming the item that does not follow the format.
    """
    out: list[dict[str, Any]] = []
    for raw in text.split(";"):
        item = raw.strip().upper().replace(" ", "")
        if not item:
            continue
        # accept a lower-case 'x' before the units (upper() turned it into 'X')
        item = re.sub(r"X([0-9]+)$", r"x\1", item)
        m = _LINE_RE.match(item)
        if not m:
            raise ValueError(
                f"{raw.strip()!r} is not a billed line; write CODE[-MOD][@POS][xUNITS], "
                "e.g. 99214-95@10 or 99458x2"
            )
        mods = [mod for mod in m.group("mods").split("-") if mod]
        out.append(
            {
                "code": m.group("code"),
                "modifiers": mods,
                "pos": m.group("pos"),
                "units": int(m.group("units") or 1),
            }
        )
    return out


def _key(line: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        line.get("code"),
        tuple(sorted(line.get("modifiers") or ())),
        line.get("pos") or None,
        line.get("units", 1),
    )


def line_matches(billed: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
    """True when a billed line equals an engine line: same code, same modifiers (in any
    order), same POS (null and absent are equal) and same units."""
    return _key(billed) == _key(expected)


def lines_match(billed: Iterable[Mapping[str, Any]], expected: Iterable[Mapping[str, Any]]) -> bool:
    """True when the billed lines equal the engine's lines as a multiset (order ignored)."""
    return sorted(map(_key, billed), key=repr) == sorted(map(_key, expected), key=repr)
