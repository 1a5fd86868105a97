"""An unverified fact carries a note saying what is not verified."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import PROVENANCE_KINDS

RULE = "unverified-note"
DESCRIPTION = "a record with evidence: unverified has no note"


def check(ctx: LintContext) -> Iterator[Problem]:
    for record in ctx.index:
        if record.kind not in PROVENANCE_KINDS or record.get("evidence") != "unverified":
            continue
        note = record.get("note")
        if not isinstance(note, str) or not note.strip():
            yield record.problem(
                RULE, "evidence is unverified but there is no note",
                "add `note:` saying what is not verified and what source would settle it",
                "evidence")
