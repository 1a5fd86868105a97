"""A FAQ's encounter is a valid engine encounter (engine/core/contract.py) inside the covered
dates.

The check is the engine's own (engine.core.contract.validate), so the codebook and the engine
agree on the contract.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import as_date
from engine.tooling.problems import Problem

RULE = "faq-encounter"
DESCRIPTION = "a FAQ's encounter is not a valid engine encounter, or its date is not covered"


def check(ctx: LintContext) -> Iterator[Problem]:
    from engine.core.contract import validate
    from engine.core.errors import EncounterError

    covers = ctx.index.codebook.get("covers")
    start = as_date(covers.get("from")) if isinstance(covers, dict) else None
    end = as_date(covers.get("to")) if isinstance(covers, dict) else None
    for faq in ctx.index.of("faq"):
        encounter = faq.get("encounter")
        if not isinstance(encounter, dict):
            continue  # the schema reports it
        try:
            validate(encounter)
        except EncounterError as exc:
            for error in exc.errors:
                field = str(error.get("field", ""))
                sub = ("encounter", field) if field in encounter else ("encounter",)
                yield faq.problem(RULE, f"encounter.{field}: {error.get('message')}",
                                  "fix the encounter (see the encounter keys: telecode check "
                                  "--help)", *sub)
        day = as_date(encounter.get("date_of_service"))
        if day and start and end and not start <= day <= end:
            yield faq.problem(
                RULE, f"date_of_service {day.isoformat()} is outside the covered dates "
                f"({start.isoformat()} to {end.isoformat()})",
                "choose a date inside codebook.yaml's covers", "encounter", "date_of_service")
