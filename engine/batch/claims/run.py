"""Check claim lines claim by claim: an add-on looks at the other lines of its claim, wherever
they are in the file."""

from __future__ import annotations

from collections.abc import Iterable

from engine.core.claim import ClaimChecker, ClaimLine, ClaimResult

__all__ = ["check_lines"]


def check_lines(lines: Iterable[ClaimLine], checker: ClaimChecker
                ) -> tuple[list[ClaimLine], list[ClaimResult]]:
    """All lines (input order) and their verdicts. Reads every line first: the codes of a
    claim are known before any of its lines is checked."""
    items = list(lines)
    add_ons = checker.add_on_codes
    claims_with_add_ons = {ln.claim_id for ln in items if ln.code in add_ons}
    codes: dict[str, list[str]] = {}
    if claims_with_add_ons:
        for ln in items:  # a line with a bad value still shows its code on the claim
            if ln.claim_id in claims_with_add_ons:
                codes.setdefault(ln.claim_id, []).append(ln.code)
    return items, checker.check_many(items, codes)
