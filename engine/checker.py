"""engine.check: placeholder until the selection engine lands (same signature)."""

from __future__ import annotations

from typing import Any

from engine.codebook import Codebook, load_codebook

_DEFAULT: Codebook | None = None


def default_codebook() -> Codebook:
    """The bundle at engine/data/codebook.json, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_codebook()
    return _DEFAULT


def check(encounter: dict[str, Any], codebook: Codebook | None = None) -> dict[str, Any]:
    raise NotImplementedError("engine.check lands in the next commit")
