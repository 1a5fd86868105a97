"""A family's selection method has the fields it needs.

time_band: a time_basis, and every selectable, non-add-on code has min_minutes;
evisit_periods: period_days; mdm_or_time: a time_basis and every selectable code has a level
(and an mdm); an add-on's primary is a code of the same family.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "family-fields"
DESCRIPTION = "a family or code lacks a field its selection method needs"


def check(ctx: LintContext) -> Iterator[Problem]:
    families = {f.id: f for f in ctx.index.of("family")}
    for family in families.values():
        selection, basis = family.get("selection"), family.get("time_basis")
        if selection in ("time_band", "mdm_or_time") and basis is None:
            yield family.problem(RULE, f"selection {selection} needs a time_basis",
                                 "add time_basis: (see codebook/README.md)", "selection")
        if basis == "evisit_periods" and family.get("period_days") is None:
            yield family.problem(RULE, "time_basis evisit_periods needs period_days",
                                 "add period_days: 7", "time_basis")
    family_codes: dict[str, set[str]] = {}
    for code in ctx.index.of("code"):
        value = code.get("code")
        family_codes.setdefault(code.parent, set())
        if isinstance(value, str):  # other types are the schema's problem
            family_codes[code.parent].add(value)
    for code in ctx.index.of("code"):
        family = families.get(code.parent)
        if family is None:
            continue
        selection = family.get("selection")
        active = code.get("selectable") is not False and code.get("add_on") is None
        if selection == "time_band" and active and code.get("min_minutes") is None:
            yield code.problem(RULE, f"code of time_band family {family.id} has no min_minutes",
                               "give the band's min_minutes (and max_minutes, or null if open)",
                               "code")
        if selection == "mdm_or_time" and active:
            for key in ("level", "mdm"):
                if code.get(key) is None:
                    yield code.problem(RULE, f"code of mdm_or_time family {family.id} has no "
                                       f"{key}", f"add {key}: (see codebook/README.md)", "code")
        add_on = code.get("add_on")
        primary = add_on.get("primary") if isinstance(add_on, dict) else None
        if isinstance(primary, str) and primary not in family_codes[code.parent]:
            yield code.problem(RULE, f"add-on primary {add_on.get('primary')} is not a code of "
                               f"family {family.id}", "name a code of the same family",
                               "add_on", "primary")
