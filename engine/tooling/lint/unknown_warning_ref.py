"""Warning ids a FAQ expects are ids the engine can emit: a rule, a message, or a family's
selection message (`<family>-below-minimum`, `-above-maximum`, `-no-level`)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._refs import unknown
from engine.tooling.problems import Problem

RULE = "unknown-warning-ref"
DESCRIPTION = "a FAQ expects a warning id that no rule or message defines"

# Warning ids the engine emits without a record of that id.
ENGINE_WARNINGS = {"status-not-payable"}


def check(ctx: LintContext) -> Iterator[Problem]:
    index = ctx.index
    if not (index.knows("rule") and index.knows("message") and index.knows("family")):
        return
    known = index.ids("rule") | index.ids("message") | ENGINE_WARNINGS
    for family in index.of("family"):
        for key in ("below_minimum", "above_maximum", "no_level"):
            known.add(f"{family.id}-{key.replace('_', '-')}")
    refs = []
    for faq in index.of("faq"):
        expected = faq.get("expected")
        warnings = expected.get("warnings") if isinstance(expected, dict) else None
        for i, wid in enumerate(warnings or []):
            if isinstance(wid, str):
                refs.append((faq, ("expected", "warnings", i), wid))
    yield from unknown(RULE, "warning id", refs, known, "rules/*.yaml or messages.yaml")
