"""Placeholders a family message fills from the codebook's own thresholds, at compile time.

A family message (codes/<family>.yaml `messages:`) that names a threshold writes it as a
placeholder, so the text follows the data when a band moves:

    {min_minutes}        the family's lowest min_minutes (any of its codes)
    {max_minutes}        the family's highest max_minutes, when every code that is not an add-on
                         has one (a family with an open-ended band has no maximum)
    {CODE.min_minutes}   that code's min_minutes, e.g. {99212.min_minutes}; any code of the
    {CODE.max_minutes}   codebook, when all its versions agree

`telecode compile` writes the values into the bundle's text, so the engine, the site and the
widget read the same words as before; the placeholders the engine fills per encounter
({time_minutes}, {codes}, ...) are left as they are. Lint rule `message-placeholders` reports a
data placeholder without a value, `family-message-numbers` a threshold written as a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# the names this module fills (whether or not a value exists for them)
DATA_NAME = re.compile(r"^(?:[A-Z0-9]{5}\.)?(?:min|max)_minutes$")
KEYS = ("min_minutes", "max_minutes")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def code_values(codes: Iterable[dict[str, Any]]) -> dict[str, int]:
    """{"CODE.min_minutes": n, "CODE.max_minutes": n} for every code whose versions agree."""
    seen: dict[str, set[int | None]] = {}
    for c in codes:
        code = c.get("code")
        if not isinstance(code, str):
            continue
        for key in KEYS:
            seen.setdefault(f"{code}.{key}", set()).add(_int(c.get(key)))
    return {name: next(iter(vals)) for name, vals in sorted(seen.items())
            if len(vals) == 1 and next(iter(vals)) is not None}


def family_values(family_codes: Iterable[dict[str, Any]]) -> dict[str, int]:
    """{"min_minutes": n, "max_minutes": n} of one family's codes (see the module doc)."""
    codes = list(family_codes)
    out: dict[str, int] = {}
    mins = [v for c in codes if (v := _int(c.get("min_minutes"))) is not None]
    if mins:
        out["min_minutes"] = min(mins)
    primaries = [c for c in codes if not c.get("add_on")]
    maxes = [_int(c.get("max_minutes")) for c in primaries]
    if primaries and all(v is not None for v in maxes):
        out["max_minutes"] = max(v for v in maxes if v is not None)
    return out


def fill(text: str, values: dict[str, int]) -> str:
    """``text`` with every data placeholder that has a value replaced by it."""
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        return str(values[name]) if DATA_NAME.match(name) and name in values else m.group(0)

    return PLACEHOLDER.sub(one, text)


def fill_family_messages(families: list[dict[str, Any]], codes: list[dict[str, Any]]) -> None:
    """Fill the data placeholders of every family's messages, in place (compile)."""
    by_code = code_values(codes)
    for family in families:
        messages = family.get("messages")
        if not isinstance(messages, dict):
            continue
        values = {**by_code, **family_values(c for c in codes
                                             if c.get("family") == family.get("id"))}
        for key, text in messages.items():
            if isinstance(text, str):
                messages[key] = fill(text, values)
