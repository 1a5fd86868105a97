"""Lint exceptions as data (codebook/lint-exceptions.yaml, optional).

Each exception accepts the problems of one lint rule on one record, with the reason and the
condition for removing it:

    exceptions:
      - rule: time-bands
        entry: "98968"
        reason: "Only one secondary source gives the band; we keep its numbers."
        remove_when: "A primary source gives the 98966-98968 bands."

Schema and loading problems cannot be excepted. An exception that matches no problem is itself
a problem (it has done its job: remove it), so exceptions never rot.
"""

from __future__ import annotations

from engine.tooling.load import LoadedCodebook
from engine.tooling.problems import Problem

RULE = "lint-exceptions"


def apply_exceptions(loaded: LoadedCodebook, problems: list[Problem], rules: set[str]
                     ) -> list[Problem]:
    """Problems left after the exceptions, plus problems with the exceptions themselves."""
    out = list(problems)
    for doc in loaded.of_kind("lint-exceptions"):
        items = doc.data.get("exceptions")
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            rule, entry = item.get("rule"), item.get("entry")
            if not isinstance(rule, str) or not isinstance(entry, str):
                continue
            line = doc.line(("exceptions", i))
            if rule not in rules:
                out.append(Problem(doc.file, line, entry, f"unknown lint rule '{rule}'",
                                   "use a rule id from `telecode validate --list-rules` (schema "
                                   "problems cannot be excepted)", RULE))
                continue
            matched = [p for p in out if p.rule == rule and p.entry == entry]
            if not matched:
                out.append(Problem(doc.file, line, entry,
                                   f"exception for {rule} matches no problem",
                                   "remove the exception (the problem is gone)", RULE))
                continue
            out = [p for p in out if p not in matched]
    return out
