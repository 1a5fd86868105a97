"""Shared shape of the "unknown reference" rules (the wording lives in the core, which checks a
practice's payer profile in the browser in the same words: engine/core/profile_check.py)."""

from __future__ import annotations

from engine.core.profile_lint import list_refs, unknown
from engine.tooling.records import Record

Ref = tuple[Record, tuple[str | int, ...], str]  # (record, path inside it, referenced value)

__all__ = ["Ref", "list_refs", "unknown"]
