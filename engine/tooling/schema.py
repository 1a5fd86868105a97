"""JSON Schema (draft 2020-12) checks of codebook files, and filling in defaults.

The schemas live in ``codebook/schema/<kind>.schema.json`` (plus ``common.schema.json`` for
shared definitions). Every optional key of a record carries a ``default`` keyword: compile fills
those in, so consumers of the bundle never guess a default.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from engine.core.profile_schema import words
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
    """The problem of one schema error, in the words the browser checker also uses for a
    payer profile (engine/core/profile_schema.py `words`)."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        schema = _resolve(schema, str(SCHEMA_DIR))
    path, entry, what, fix = words(doc.data, tuple(error.absolute_path), str(error.validator),
                                   error.instance, error.validator_value, schema,
                                   error.message)
    return Problem(doc.file, doc.line(path), entry, what, fix, "schema")


def inlined(kind: str, folder: str = str(SCHEMA_DIR)) -> dict:
    """The schema of `kind` with every $ref written out and no descriptions: what the
    compiled bundle carries for the browser's payer profile check (`profile_schema`)."""
    drop = {"$schema", "$id", "$defs", "title", "description", "$comment"}
    schemas, _ = load_schemas(folder)

    def walk(node: Any, base: str, depth: int = 0) -> Any:
        if depth > 60:
            raise ValueError(f"schema {kind}: $refs nested too deeply (a recursive schema?)")
        if isinstance(node, list):
            return [walk(n, base, depth + 1) for n in node]
        if not isinstance(node, dict):
            return node
        while isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            uri = ref.partition("#")[0] or base
            base = uri
            node = _resolve({**node, "$ref": uri + "#" + ref.partition("#")[2]}, folder)
        return {k: ({name: walk(sub, base, depth + 1) for name, sub in v.items()}
                    if k == "properties" and isinstance(v, dict) else walk(v, base, depth + 1))
                for k, v in node.items() if k not in drop}

    return walk(schemas[kind], schemas[kind]["$id"])


def check_document(doc: Document, folder: str = str(SCHEMA_DIR)) -> list[Problem]:
    """Every schema problem of one document."""
    validator = validator_for(doc.kind, folder)
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.data):
        for leaf in _leaf_errors(error):
            problems.append(error_to_problem(doc, leaf))
    return problems
