"""Conditions, encounters and message placeholders in a coder's words (not escaped).

The words come from codebook/messages.yaml: `conditions:` (per encounter field: its name, words
for its values and a clause per test), `labels:` (payer, modality, clinician, patient status)
and `placeholder_words:`. Reader pages never show a field name or a raw value: a field or value
without words is written with spaces for underscores, and tests/site checks that every
condition of the codebook has its own words (`missing_words`).
"""

from __future__ import annotations

import re
from typing import Any

from engine.core.codebook import Codebook
from engine.core.contract import FIELDS

Record = dict[str, Any]



def _fields(cb: Codebook) -> dict[str, Record]:
    return cb.bundle.get("condition_words") or {}


def _plain(value: Any) -> str:
    return str(value).replace("_", " ")


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_name(cb: Codebook, field: str) -> str:
    return str((_fields(cb).get(field) or {}).get("name") or _plain(field))


def value_words(cb: Codebook, field: str, value: Any) -> str:
    """Words for one value of a field."""
    if field in FIELDS and field in cb.labels and not isinstance(value, bool):
        return cb.label(field, value)  # a contract field with labels (payer, modality, ...)
    words = ((_fields(cb).get(field) or {}).get("values") or {}).get(_key(value))
    if words:
        return str(words)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):  # evisit_minutes_by_day
        return ", ".join(f"day {int(d) + 1}: {m} min" for d, m in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return _plain(value)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _test(cb: Codebook, cond: Record, missing: list[str] | None) -> str:
    field = str(cond.get("field", ""))
    words = _fields(cb).get(field) or {}
    name = field_name(cb, field)

    def need(what: str) -> None:
        if missing is not None:
            missing.append(f"{field} {what}")

    if "is" in cond or "not" in cond:
        key = "is" if "is" in cond else "not"
        clause = (words.get(key) or {}).get(_key(cond[key]))
        if not clause and key == "is" and words.get("is_any"):
            clause = str(words["is_any"]).replace("{value}", _key(cond[key]))
        if clause:
            return str(clause)
        need(f"{key} {_key(cond[key])}")
        verb = "is" if key == "is" else "is not"
        return f"the {name} {verb} {value_words(cb, field, cond[key])}"
    if "in" in cond:
        values = list(cond["in"])
        if words.get("is_one_of") and len(values) > 1:  # "the service is A, B or C"
            said = [value_words(cb, field, v) for v in values]
            for v in values:
                if not (words.get("values") or {}).get(_key(v)) and field not in cb.labels:
                    need(f"values {_key(v)}")
            return str(words["is_one_of"]).replace("{values}",
                                                   ", ".join(said[:-1]) + " or " + said[-1])
        return " or ".join(_test(cb, {"field": field, "is": v}, missing) for v in values)
    if "present" in cond:
        key = "given" if cond["present"] else "not_given"
        if words.get(key):
            return str(words[key])
        need(key)
        return f"the {name} {'is' if cond['present'] else 'is not'} given"
    parts = []
    for key, op in (("min", "at least"), ("max", "at most"), ("above", "more than"),
                    ("below", "less than")):
        if key in cond:
            value = cond[key]
            clause = words.get(key)
            if clause:
                percent = f"{value * 100:g}%" if isinstance(value, (int, float)) else str(value)
                parts.append(str(clause).replace("{value}", _number(value))
                             .replace("{percent}", percent))
            else:
                need(key)
                parts.append(f"the {name} is {op} {_number(value)}")
    return " and ".join(parts)


def condition(cb: Codebook, cond: Any, missing: list[str] | None = None) -> str:
    """A `when` condition as a clause ("the consultant gives a verbal and written report and
    more than 50% of the time is discussion"); `missing` collects the tests without words."""
    if cond is None:
        return ""
    if not isinstance(cond, dict):
        return _plain(cond)
    for key, joiner in (("all", " and "), ("any", " or ")):
        if key in cond:
            parts = [condition(cb, c, missing) for c in cond[key]]
            if key == "any" and len(parts) > 1:
                return "either " + joiner.join(parts)
            return joiner.join(parts)
    if "none" in cond:
        parts = [condition(cb, c, missing) for c in cond["none"]]
        return "not when " + " or ".join(parts)
    return _test(cb, cond, missing)


def missing_words(cb: Codebook, cond: Any) -> list[str]:
    """The tests of a condition that have no words of their own in messages.yaml."""
    missing: list[str] = []
    condition(cb, cond, missing)
    return missing


def clinician(cb: Codebook, record: Record) -> str:
    """`the clinician cannot bill E/M visits ...` for a route whose clinician is not the
    default, else ""."""
    value = record.get("clinician") if isinstance(record, dict) else None
    if value in (None, "any", FIELDS["clinician"].default):
        return ""
    return condition(cb, {"field": "clinician", "is": value})


def when(cb: Codebook, record: Record) -> str:
    """A route's clinician and condition as one clause ("" when it always applies)."""
    return " and ".join(x for x in (clinician(cb, record), condition(cb, record.get("when")))
                        if x)


def encounter(cb: Codebook, enc: Record) -> list[tuple[str, str]]:
    """An encounter as (field name, value words) pairs, in the encounter's order."""
    return [(field_name(cb, k), value_words(cb, k, v)) for k, v in enc.items()
            if v is not None]


def placeholder(cb: Codebook, name: str) -> str:
    """Words for a message placeholder on a page without an encounter."""
    words = (cb.bundle.get("placeholder_words") or {}).get(name)
    if words:
        return str(words)
    if name.endswith("_label"):
        return "the " + _plain(name[: -len("_label")])
    return "the " + _plain(name.split(".")[-1])


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


def fill_placeholders(cb: Codebook, text: str) -> list[tuple[bool, str]]:
    """A message template split into (is_placeholder, text) parts, placeholders in words."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, placeholder(cb, m.group(1))))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out
