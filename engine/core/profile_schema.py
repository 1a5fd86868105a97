"""The payer profile schema (codebook/schema/payer-profile.schema.json) checked with the
standard library, in the words of `telecode validate` (engine/tooling/schema.py), and its
defaults filled in. The compiled bundle carries the schema with its references written out
(`profile_schema`, see engine/tooling/compile.py), so the browser checker needs no file.

Only the keywords that schema uses are known: type, enum, pattern, format (date), required,
properties, additionalProperties, items, minItems, minLength, maxLength, anyOf/oneOf, default.
"""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import re

from engine.core.problems import Problem

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["schema_problems", "fill_defaults"]

_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


class _Error:
    """One schema error, as jsonschema's ValidationError gives what the wording needs."""

    def __init__(self, validator: str, path: tuple, schema: dict, instance: Any,
                 value: Any = None, message: str = "", context: list | None = None,
                 branch: int = 0) -> None:
        self.validator = validator
        self.path = path  # absolute
        self.schema = schema
        self.instance = instance
        self.value = value
        self.message = message
        self.context = context or []
        self.branch = branch
        self.base = ()  # the path of the anyOf the error is in (for relative paths)

    @property
    def relative(self) -> tuple:
        return self.path[len(self.base):]


def _is(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "null":
        return value is None
    return False


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def _errors(value: Any, schema: dict, path: tuple) -> list[_Error]:
    out: list[_Error] = []
    for key, want in schema.items():
        if key == "type":
            kinds = [want] if isinstance(want, str) else list(want)
            if not any(_is(k, value) for k in kinds):
                out.append(_Error("type", path, schema, value, want))
        elif key == "enum":
            if not any(_equal(value, option) for option in want):
                out.append(_Error("enum", path, schema, value, want))
        elif key == "pattern":
            if isinstance(value, str) and not re.search(want, value):
                out.append(_Error("pattern", path, schema, value, want))
        elif key == "format":
            if want == "date" and isinstance(value, str) and not _date_ok(value):
                out.append(_Error("format", path, schema, value, want))
        elif key == "minLength":
            if isinstance(value, str) and len(value) < want:
                out.append(_Error("minLength", path, schema, value, want))
        elif key == "maxLength":
            if isinstance(value, str) and len(value) > want:
                message = "is expected to be empty" if want == 0 else "is too long"
                out.append(_Error("maxLength", path, schema, value, want,
                                  f"{value!r} {message}"))
        elif key == "minItems":
            if isinstance(value, list) and len(value) < want:
                out.append(_Error("minItems", path, schema, value, want))
        elif key == "required":
            if isinstance(value, dict):
                out += [_Error("required", path, schema, value, want, f"{name!r} is a required "
                               "property") for name in want if name not in value]
        elif key == "properties":
            if isinstance(value, dict):
                for name, sub in want.items():
                    if name in value:
                        out += _errors(value[name], sub, path + (name,))
        elif key == "additionalProperties":
            if isinstance(value, dict) and want is False:
                extras = [k for k in value if k not in (schema.get("properties") or {})]
                if extras:
                    out.append(_Error("additionalProperties", path, schema, value, want))
        elif key == "items":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    out += _errors(item, want, path + (i,))
        elif key in ("anyOf", "oneOf"):
            context: list[_Error] = []
            passed = 0
            for n, branch in enumerate(want):
                found = _errors(value, branch, path)
                if not found:
                    passed += 1
                for e in found:
                    e.branch = n
                context += found
            if (key == "anyOf" and not passed) or (key == "oneOf" and passed != 1):
                err = _Error(key, path, schema, value, want, context=context)
                for e in context:
                    e.base = path
                out.append(err)
    return out


def _date_ok(value: str) -> bool:
    if not _RE_DATE.fullmatch(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _leaf_errors(error: _Error) -> list[_Error]:
    """For anyOf/oneOf errors, the most relevant sub-errors (as engine/tooling/schema.py)."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        relevant = [e for e in error.context if e.validator != "type"]
        if relevant:
            deepest = max(len(e.relative) for e in relevant)
            best = [e for e in relevant if len(e.relative) == deepest]
            by_branch: dict[int, list[_Error]] = {}
            for e in best:
                by_branch.setdefault(e.branch, []).append(e)
            branch = min(by_branch, key=lambda b: len(by_branch[b]))
            out: list[_Error] = []
            for e in by_branch[branch]:
                out.extend(_leaf_errors(e))
            return out
    return [error]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def entry_id(data: Any, path: tuple) -> str:
    """Id of the innermost record (a mapping with an ``id``) on ``path``."""
    found = ""
    node = data
    if isinstance(node, dict) and isinstance(node.get("id"), str | int):
        found = str(node["id"])
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str | int):
            found = str(node["id"])
    return found


def _key_name(path: tuple) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "value"


def _where(path: tuple) -> str:
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else (f".{part}" if shown else part)
    return shown or "the file"


def pattern_words(key: str, inst: Any, validator: str, schema: dict) -> tuple[str, str]:
    """(what, fix) of a value that does not have its pattern or format."""
    pattern = str(schema.get("pattern", ""))
    fmt = schema.get("format")
    if fmt == "date" or "[0-9]{4}-[0-9]{2}-[0-9]{2}$" in pattern:
        if validator == "format":
            return (f"'{key}' is {inst!r}, which is not a real calendar date",
                    "write a date that exists, as YYYY-MM-DD")
        return (f"'{key}' is {_describe(inst)}, not a date YYYY-MM-DD",
                "write the date as YYYY-MM-DD (e.g. 2025-01-01)")
    if pattern == "^[a-z0-9]+(-[a-z0-9]+)*$":
        return (f"'{key}' is {inst!r}, not a lowercase kebab-case id",
                "use lowercase letters, digits and single hyphens (e.g. medicare-audio-only)")
    if pattern == "^[0-9A-Z]{5}$":
        return (f"'{key}' is {inst!r}, not a code of five characters (digits, capital letters)",
                'write the code as five characters, quoted (e.g. "99213")')
    if pattern.startswith("^[0-9A-Z]{5}(@"):
        return (f"'{key}' is {inst!r}, not a code record id",
                "use the code, or <code>@<from> for a later version (e.g. \"99454@2026-01-01\")")
    if pattern == "^[0-9A-Z]{2}$":
        return (f"'{key}' is {inst!r}, not a modifier of two characters",
                'write the modifier quoted (e.g. "95")')
    if pattern == "^[0-9]{2}$":
        return (f"'{key}' is {inst!r}, not a place-of-service code of two digits",
                'write the POS code quoted (e.g. "02")')
    if pattern == "\\S":
        return f"'{key}' is blank", "write the text"
    return (f"'{key}' is {inst!r}, which does not have the expected form ({pattern})",
            "see codebook/README.md")


def words(data: Any, path: tuple, validator: str, inst: Any, value: Any, schema: dict,
          message: str) -> tuple[tuple, str, str, str]:
    """(path of the line, entry, what, fix) of one schema error: the wording of
    `telecode validate` (engine/tooling/schema.py error_to_problem uses it too)."""
    entry = entry_id(data, path)
    key = _key_name(path)
    where = _where(path)
    v = validator
    if v == "required":
        missing = message.split("'")[1] if "'" in message else message
        what = f"missing required key '{missing}'"
        if path and not isinstance(path[-1], int):
            what += f" in '{_key_name(path)}'"
        fix = f"add '{missing}:' (see codebook/README.md)"
    elif v == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(inst) - set(allowed)) if isinstance(inst, dict) else []
        bad = extra[0] if extra else "?"
        path = path + (bad,)
        close = difflib.get_close_matches(bad, allowed, n=1)
        what = f"unknown key '{bad}'"
        if path[:-1] and not isinstance(path[-2], int):
            what += f" in '{_key_name(path[:-1])}'"
        fix = (f"did you mean '{close[0]}'?" if close else
               "remove it or rename it; allowed keys: " + ", ".join(allowed))
        if len(extra) > 1:
            what += f" (also: {', '.join(extra[1:])})"
    elif v == "type":
        wants = [value] if isinstance(value, str) else list(value)
        shown = " or ".join(_TYPE_WORDS.get(w, w) for w in wants)
        what = f"'{key}' is {_describe(inst)}, expected {shown}"
        if "string" in wants and isinstance(inst, int | float) and not isinstance(inst, bool):
            fix = f'quote it: {key}: "{inst}"'
        else:
            fix = f"write '{key}' as {shown}"
    elif v == "enum":
        options = [o for o in value if o is not None]
        close = difflib.get_close_matches(str(inst), [str(o) for o in options], n=1)
        what = f"'{key}' is {_describe(inst)}, which is not one of the allowed values"
        fix = (f"did you mean '{close[0]}'? " if close else "") + "use one of: " + ", ".join(
            str(o) for o in options
        ) + (" or null" if None in value else "")
    elif v == "pattern" or v == "format":
        what, fix = pattern_words(key, inst, v, schema)
    elif v == "minItems":
        what = f"'{key}' is an empty list"
        fix = f"give at least {value} item(s) or remove the key if it is optional"
    elif v in ("minLength",):
        what = f"'{key}' is empty"
        fix = "write the text"
    elif v in ("minimum", "maximum"):
        what = f"'{key}' is {inst}, below the minimum {value}" if v == "minimum" \
            else f"'{key}' is {inst}, above the maximum {value}"
        fix = "correct the number"
    elif v in ("minProperties", "maxProperties"):
        what = f"condition in {where} must have 'field' and exactly one test"
        fix = "write e.g. {field: patient_location, is: home} (see README, Conditions)"
    elif v in ("anyOf", "oneOf"):
        what = f"'{key}' ({_describe(inst)}) matches none of the allowed forms"
        fix = "see codebook/README.md for the form of this key"
    else:
        what = f"{where}: {message}"
        fix = "see codebook/README.md"
    return path, entry, what, fix


def schema_problems(file: str, data: Any, line_of: Any, schema: dict) -> list[Problem]:
    """Every schema problem of a profile file's data; `line_of(path)` gives a value's line."""
    out = []
    for error in _errors(data, schema, ()):
        for leaf in _leaf_errors(error):
            path, entry, what, fix = words(data, leaf.path, leaf.validator, leaf.instance,
                                           leaf.value, leaf.schema, leaf.message)
            out.append(Problem(file, line_of(path), entry, what, fix, "schema"))
    return out


# --------------------------------------------------------------------------- defaults


def _object_branch(schema: dict, value: dict) -> dict | None:
    if "properties" in schema:
        return schema
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            if "properties" in branch and set(branch.get("required", [])) <= set(value):
                return branch
    return None


def _array_items(schema: dict) -> dict | None:
    if "items" in schema:
        return schema["items"]
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            if "items" in branch:
                return branch["items"]
    return None


def fill_defaults(data: Any, schema: dict) -> Any:
    """A copy of ``data`` with every absent optional key set to its schema default."""
    if isinstance(data, dict):
        branch = _object_branch(schema, data)
        if branch is None:
            return copy.deepcopy(data)
        props = branch.get("properties", {})
        out = {key: fill_defaults(value, props[key]) if key in props else copy.deepcopy(value)
               for key, value in data.items()}
        for key, prop in props.items():
            if key not in out and "default" in prop:
                out[key] = fill_defaults(copy.deepcopy(prop["default"]), prop)
        return out
    if isinstance(data, list):
        items = _array_items(schema)
        if items is None:
            return copy.deepcopy(data)
        return [fill_defaults(v, items) for v in data]
    return data
