"""A route's `codes` are codes of the route's families (it can only narrow the choice)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import strings
from engine.tooling.problems import Problem

RULE = "route-codes-in-families"
DESCRIPTION = "a route's codes list names a code that none of the route's families holds"


def check(ctx: LintContext) -> Iterator[Problem]:
    by_family: dict[str, set[str]] = {}
    for code in ctx.index.of("code"):
        value = code.get("code")
        if isinstance(value, str):  # other types are the schema's problem
            by_family.setdefault(code.parent, set()).add(value)
    for route in ctx.index.of("route"):
        families = [f for _, f in strings(route.get("families"))]
        if not families or any(f not in by_family for f in families):
            continue  # unknown families are reported by unknown-family-ref
        held = set().union(*(by_family[f] for f in families))
        for i, code in strings(route.get("codes")):
            if code not in held and code in ctx.index.codes():
                yield route.problem(
                    RULE, f"code {code} is not in the route's families ({', '.join(families)})",
                    "add its family to `families`, or remove the code", "codes", i)
