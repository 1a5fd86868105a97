"""A payer profile's rules: one rule per service on a day (no overlapping dates), Medicaid
profiles name one state each, and the rules a profile ignores exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import date_range, overlaps, span
from engine.tooling.problems import Problem

RULE = "profile-rules"
DESCRIPTION = ("two rules of a payer profile overlap for one service, a Medicaid profile has no "
               "state or shares one, or a profile ignores an unknown rule")


def check(ctx: LintContext) -> Iterator[Problem]:
    rules = ctx.index.of("profile_rule")
    for i, later in enumerate(rules):
        rng = date_range(later)
        if not rng or rng[0] > rng[1]:
            continue
        for earlier in rules[:i]:
            other = date_range(earlier)
            if (other and earlier.parent == later.parent and earlier.doc is later.doc
                    and earlier.get("service") == later.get("service")
                    and overlaps(rng, other)):
                yield later.problem(
                    RULE,
                    f"overlapping dates: it and {earlier.id} ({span(other)}, line "
                    f"{earlier.line()}) both hold for {later.get('service')} from "
                    f"{max(rng[0], other[0]).isoformat()}",
                    "end the earlier rule the day before this one starts", "from")
                break
    states: dict[str, str] = {}
    rule_ids = sorted(ctx.index.ids("rule"))
    for record in ctx.index.of("profile"):
        state = record.get("state")
        if record.get("type") == "medicaid" and record.get("base") == "medicaid":
            if not isinstance(state, str):
                yield record.problem(RULE, "a state Medicaid profile (base: medicaid) without a "
                                     "state",
                                     "add state: with the two-letter state, e.g. state: TX",
                                     "type")
            elif state in states:
                yield record.problem(RULE, f"state {state} already has a profile, "
                                     f"{states[state]}", "keep one profile per state", "state")
            else:
                states[state] = record.id
        elif isinstance(state, str) and record.get("type") != "medicaid":
            yield record.problem(RULE, "only Medicaid profiles have a state",
                                 "remove state: (the encounter's state is recorded anyway)",
                                 "state")
        if not ctx.index.knows("rule"):
            continue
        for i, rid in enumerate(record.get("ignores") or []):
            if isinstance(rid, str) and rid not in rule_ids:
                close = difflib.get_close_matches(rid, rule_ids, n=1)
                yield record.problem(RULE, f"ignores unknown rule '{rid}'",
                                     (f"did you mean '{close[0]}'? " if close else "")
                                     + "use a rule id from rules/*.yaml", "ignores", i)
