"""An unverified fact carries a note saying what is not verified."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.profile_lint import unverified_problems
from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import PROVENANCE_KINDS

RULE = "unverified-note"
DESCRIPTION = "a record with evidence: unverified has no note"


def check(ctx: LintContext) -> Iterator[Problem]:
    yield from unverified_problems(ctx.index, PROVENANCE_KINDS)
