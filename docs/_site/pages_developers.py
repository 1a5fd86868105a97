"""The engine's output schemas as files on the site: /developers/<name>.schema.json (linked
from docs/developers.md)."""

from __future__ import annotations

from engine.core.codebook import Codebook

from . import contract_schemas


def pages(codebook: Codebook) -> dict[str, bytes]:  # noqa: ARG001 - the page generators' signature (extensions.py)
    return {f"developers/{name}.schema.json": contract_schemas.raw(name)
            for name in contract_schemas.SCHEMAS}
