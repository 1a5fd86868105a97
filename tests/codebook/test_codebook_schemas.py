"""The JSON Schemas themselves: valid draft 2020-12, closed objects, a default for every
optional key (compile fills them in), and one schema per file kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.tooling.load import FILE_KINDS
from engine.tooling.paths import SCHEMA_DIR

SCHEMAS = sorted(SCHEMA_DIR.glob("*.schema.json"))


def objects(node: Any, path: str = "") -> list[tuple[str, dict]]:
    """Every (path, object schema with properties) inside a schema."""
    found = []
    if isinstance(node, dict):
        if "properties" in node:
            found.append((path, node))
        for key, value in node.items():
            found += objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += objects(value, f"{path}/{i}")
    return found


def test_one_schema_per_file_kind() -> None:
    kinds = {kind for _, kind in FILE_KINDS}
    assert {p.name.removesuffix(".schema.json") for p in SCHEMAS} == kinds | {"common"}


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_and_closed(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for where, obj in objects(schema):
        if where.startswith("/$defs/condition/anyOf") or "encounter" in where:
            continue  # conditions are closed per branch; the engine checks encounters
        assert obj.get("additionalProperties") is False, f"{path.name}{where} is not closed"


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_optional_key_has_a_default(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    missing = []
    for where, obj in objects(schema):
        if "/$defs/condition" in where or "encounter" in where or "x-no-default" in obj:
            continue
        required = set(obj.get("required", []))
        for key, prop in obj["properties"].items():
            if key in required or "default" in prop or "x-no-default" in prop:
                continue
            missing.append(f"{where}/properties/{key}")
    assert missing == [], f"{path.name}: optional keys without a default: {missing}"
