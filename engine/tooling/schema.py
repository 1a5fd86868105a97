"""JSON Schema (draft 2020-12) checks of codebook files, and filling in defaults.

The schemas live in ``codebook/schema/<kind>.schema.json`` (plus ``common.schema.json`` for
shared definitions). Every optional key of a record carries a ``default`` keyword: compile fills
those in, so consumers of the bundle never guess a default.
"""

from __future__ import annotations

import copy
import difflib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from engine.tooling.load import Document
from engine.tooling.paths import SCHEMA_DIR
from engine.tooling.problems import Problem

SCHEMA_SUFFIX = ".schema.json"


@lru_cache(maxsize=4)
def load_schemas(folder: str = str(SCHEMA_DIR)) -> tuple[dict[str, dict], Registry]:
    """All schemas by kind (file name without .schema.json), and a registry for their $refs."""
    schemas: dict[str, dict] = {}
    resources = []
    for path in sorted(Path(folder).glob("*" + SCHEMA_SUFFIX)):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name[: -len(SCHEMA_SUFFIX)]] = schema
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return schemas, Registry().with_resources(resources)


@lru_cache(maxsize=32)
def validator_for(kind: str, folder: str = str(SCHEMA_DIR)) -> Draft202012Validator:
    schemas, registry = load_schemas(folder)
    return Draft202012Validator(
        schemas[kind], registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )



# --------------------------------------------------------------------------- defaults


def _resolve(schema: dict, folder: str) -> dict:
    """Follow a $ref (into common.schema.json or the same file)."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        _, registry = load_schemas(folder)
        target = schema["$ref"]
        uri, _, fragment = target.partition("#")
        resolved = registry.contents(uri) if uri else None
        if resolved is None:
            return schema
        node: Any = resolved
        for part in [p for p in fragment.split("/") if p]:
            node = node[part]
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**node, **extra}
        seen += 1
    return schema


def _object_branch(schema: dict, value: dict, folder: str) -> dict | None:
    """The object-typed schema that applies to ``value`` (follows $ref and anyOf/oneOf)."""
    schema = _resolve(schema, folder)
    if "properties" in schema:
        return schema
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            branch = _resolve(branch, folder)
            if "properties" in branch and set(branch.get("required", [])) <= set(value):
                return branch
    return None


def _array_items(schema: dict, folder: str) -> dict | None:
    schema = _resolve(schema, folder)
    if "items" in schema:
        return schema["items"]
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            branch = _resolve(branch, folder)
            if "items" in branch:
                return branch["items"]
    return None


def fill_defaults(data: Any, schema: dict, folder: str = str(SCHEMA_DIR)) -> Any:
    """Return a copy of ``data`` with every absent optional key set to its schema default."""
    if isinstance(data, dict):
        branch = _object_branch(schema, data, folder)
        if branch is None:
            return copy.deepcopy(data)
        out = {}
        props = branch.get("properties", {})
        for key, value in data.items():
            out[key] = fill_defaults(value, props[key], folder) if key in props else copy.deepcopy(
                value
            )
        for key, prop in props.items():
            if key not in out:
                prop_r = _resolve(prop, folder)
                if "default" in prop_r:
                    out[key] = fill_defaults(copy.deepcopy(prop_r["default"]), prop, folder)
        return out
    if isinstance(data, list):
        items = _array_items(schema, folder)
        if items is None:
            return copy.deepcopy(data)
        return [fill_defaults(v, items, folder) for v in data]
    return data


def fill_document(doc: Document, folder: str = str(SCHEMA_DIR)) -> Any:
    schemas, _ = load_schemas(folder)
    return fill_defaults(doc.data, schemas[doc.kind], folder)


# --------------------------------------------------------------------------- errors -> problems

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


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


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """For anyOf/oneOf errors, the most relevant sub-errors (jsonschema's best match)."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        # Prefer branches of the value's own type (e.g. a mapping that fails a mapping branch).
        relevant = [e for e in error.context if e.validator != "type"]
        if relevant:
            deepest = max(len(e.relative_path) for e in relevant)
            best = [e for e in relevant if len(e.relative_path) == deepest]
            # If the value matched a branch's type, report that branch's problems.
            by_branch: dict[int, list[ValidationError]] = {}
            for e in best:
                by_branch.setdefault(e.relative_schema_path[0], []).append(e)
            branch = min(by_branch, key=lambda b: len(by_branch[b]))
            out: list[ValidationError] = []
            for e in by_branch[branch]:
                out.extend(_leaf_errors(e))
            return out
    return [error]


def error_to_problem(doc: Document, error: ValidationError) -> Problem:
    path = tuple(error.absolute_path)
    entry = entry_id(doc.data, path)
    key = _key_name(path)
    where = _where(path)
    v = error.validator
    inst = error.instance
    what: str
    fix: str
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        what = f"missing required key '{missing}'"
        if path and not isinstance(path[-1], int):
            what += f" in '{_key_name(path)}'"
        fix = f"add '{missing}:' (see codebook/README.md)"
    elif v == "additionalProperties":
        allowed = sorted(_resolve(error.schema, str(SCHEMA_DIR)).get("properties", {}))
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
        want = error.validator_value
        wants = [want] if isinstance(want, str) else list(want)
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wants)
        what = f"'{key}' is {_describe(inst)}, expected {words}"
        if "string" in wants and isinstance(inst, int | float) and not isinstance(inst, bool):
            fix = f'quote it: {key}: "{inst}"'
        else:
            fix = f"write '{key}' as {words}"
    elif v == "enum":
        options = [o for o in error.validator_value if o is not None]
        close = difflib.get_close_matches(str(inst), [str(o) for o in options], n=1)
        what = f"'{key}' is {_describe(inst)}, which is not one of the allowed values"
        fix = (f"did you mean '{close[0]}'? " if close else "") + "use one of: " + ", ".join(
            str(o) for o in options
        ) + (" or null" if None in error.validator_value else "")
    elif v == "pattern" or v == "format":
        what, fix = _pattern_words(key, inst, error)
    elif v == "minItems":
        what = f"'{key}' is an empty list"
        fix = f"give at least {error.validator_value} item(s) or remove the key if it is optional"
    elif v in ("minLength",):
        what = f"'{key}' is empty"
        fix = "write the text"
    elif v in ("minimum", "maximum"):
        what = f"'{key}' is {inst}, below the minimum {error.validator_value}" if v == "minimum" \
            else f"'{key}' is {inst}, above the maximum {error.validator_value}"
        fix = "correct the number"
    elif v in ("minProperties", "maxProperties"):
        what = f"condition in {where} must have 'field' and exactly one test"
        fix = "write e.g. {field: patient_location, is: home} (see README, Conditions)"
    elif v in ("anyOf", "oneOf"):
        what = f"'{key}' ({_describe(inst)}) matches none of the allowed forms"
        fix = "see codebook/README.md for the form of this key"
    else:
        what = f"{where}: {error.message}"
        fix = "see codebook/README.md"
    return Problem(doc.file, doc.line(path), entry, what, fix, "schema")


def _pattern_words(key: str, inst: Any, error: ValidationError) -> tuple[str, str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    pattern = str(schema.get("pattern", ""))
    fmt = schema.get("format")
    if fmt == "date" or "[0-9]{4}-[0-9]{2}-[0-9]{2}$" in pattern:
        if error.validator == "format":
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


def check_document(doc: Document, folder: str = str(SCHEMA_DIR)) -> list[Problem]:
    """Every schema problem of one document."""
    validator = validator_for(doc.kind, folder)
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.data):
        for leaf in _leaf_errors(error):
            problems.append(error_to_problem(doc, leaf))
    return problems
