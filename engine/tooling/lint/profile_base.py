"""A payer profile's base is a payer or another profile, and bases do not form a cycle."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "profile-base"
DESCRIPTION = "a payer profile names an unknown base, or its bases form a cycle"


def check(ctx: LintContext) -> Iterator[Problem]:
    profiles = {r.id: r for r in ctx.index.of("profile") if r.id}
    payers = ctx.index.ids("payer")
    known = sorted(payers | set(profiles))
    for pid, record in profiles.items():
        base = record.get("base")
        if not isinstance(base, str):
            continue
        if base == pid:
            yield record.problem(RULE, "the profile names itself as its base",
                                 "name the payer or profile it inherits from, e.g. base: "
                                 "commercial", "base")
            continue
        if base not in payers and base not in profiles:
            close = difflib.get_close_matches(base, [k for k in known if k != pid], n=3)
            hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
            yield record.problem(RULE, f"unknown base '{base}'",
                                 f"{hint}use a payer ({', '.join(sorted(payers))}) or a "
                                 "profile id", "base")
            continue
        # follow the bases: a chain that comes back to this profile is a cycle
        chain = [pid]
        cur = base
        while cur in profiles and cur not in chain:
            chain.append(cur)
            cur = profiles[cur].get("base")
        if cur == pid:
            yield record.problem(RULE, "its bases form a cycle: " + " -> ".join([*chain, pid]),
                                 "make one of them inherit from a payer (medicare, commercial "
                                 "or medicaid)", "base")
