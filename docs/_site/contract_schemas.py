"""The engine's written output contract (engine/data/*.schema.json) as tables for the "For
developers" page, and the schema files themselves for download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.core.codebook import DEFAULT_PATH

from .text import esc, table

# next to the compiled codebook: the engine package's data folder
DATA = Path(DEFAULT_PATH).parent
SCHEMAS = ("result", "batch-row")


def raw(name: str) -> bytes:
    """The committed schema file, byte for byte."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown schema {name!r}; one of {', '.join(SCHEMAS)}")
    return (DATA / f"{name}.schema.json").read_bytes()


def load(name: str) -> dict[str, Any]:
    return json.loads(raw(name))


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1].replace("_", " ")
    if "enum" in prop:
        return "one of " + ", ".join(f"<code>{esc(json.dumps(v))}</code>" for v in prop["enum"])
    kinds = prop.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else ["any value"]
    words = []
    for kind in kinds:
        if kind == "array":
            items = prop.get("items") or {}
            words.append("list of " + (_type(items) if items else "values"))
        else:
            words.append(str(kind))
    text = " or ".join(words)
    if prop.get("pattern"):
        text += f" (<code>{esc(prop['pattern'])}</code>)"
    return text


def fields(schema: dict[str, Any]) -> str:
    """A table: key, type, required, meaning (the schema's descriptions)."""
    required = set(schema.get("required") or [])
    rows = [[f"<code>{esc(key)}</code>", _type(prop), "yes" if key in required else "no",
             esc(prop.get("description") or "")]
            for key, prop in (schema.get("properties") or {}).items()]
    return table(["Key", "Type", "Always present", "Meaning"], rows)


def page_section(name: str) -> str:
    """The schema's description, its fields, and each of its parts ($defs objects)."""
    schema = load(name)
    out = [esc(schema.get("description") or ""), "", fields(schema), ""]
    for part, sub in (schema.get("$defs") or {}).items():
        if sub.get("type") == "object":
            out += [f"#### {esc(part.replace('_', ' ').capitalize())} {{ #{name}-{part} }}", "",
                    fields(sub), ""]
    return "\n".join(out)
