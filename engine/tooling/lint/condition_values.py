"""Conditions (`when`) compare a field with values it can take.

A typo such as `{field: modality, is: audio-only}` would never match and silently change an
answer. Vocabularies come from the engine itself (engine.core.contract.FIELDS and
engine.core.pipeline.FLEXIBILITY_STATES); `selected_codes` values must be codes of the codebook.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "condition-values"
DESCRIPTION = "a `when` condition compares a field with a value it can never take"

TESTS = ("is", "not", "in")
NUMERIC = ("min", "max", "above", "below")
DERIVED_NUMERIC = {"discussion_share", "time_minutes"}


def _vocabulary() -> dict[str, tuple[str, Any]]:
    """field -> (kind, choices) for the fields whose values can be checked."""
    from engine.core.contract import FIELDS
    from engine.core.pipeline import FLEXIBILITY_STATES

    out: dict[str, tuple[str, Any]] = {
        name: (f.kind, f.choices) for name, f in FIELDS.items()
        if f.kind in ("enum", "bool", "int")
    }
    out["flexibility_state"] = ("enum", tuple(FLEXIBILITY_STATES))
    for name in DERIVED_NUMERIC:
        out[name] = ("number", ())
    return out


def _walk(cond: Any, path: tuple) -> Iterator[tuple[dict, tuple]]:
    if not isinstance(cond, dict):
        return
    for key in ("all", "any", "none"):
        if isinstance(cond.get(key), list):
            for i, sub in enumerate(cond[key]):
                yield from _walk(sub, path + (key, i))
            return
    yield cond, path


def _problems(record: Record, cond: dict, path: tuple, vocab: dict, codes: set[str]
              ) -> Iterator[Problem]:
    field = cond.get("field")
    if not isinstance(field, str):
        return
    for op, value in cond.items():
        if op == "field":
            continue
        where = path + (op,)
        values = value if op == "in" and isinstance(value, list) else [value]
        if field == "selected_codes" and op in TESTS:
            for v in values:
                if isinstance(v, str) and codes and v not in codes:
                    yield record.problem(RULE, f"selected_codes compared with unknown code {v!r}",
                                         "use a code defined in codes/*.yaml", *where)
            continue
        if field not in vocab:
            continue
        kind, choices = vocab[field]
        if op in NUMERIC and kind in ("enum", "bool"):
            yield record.problem(RULE, f"'{op}' compares {field} ({kind}) as a number",
                                 "use is, not or in", *where)
            continue
        if op not in TESTS:
            continue
        for v in values:
            if kind == "enum" and v not in choices:
                close = difflib.get_close_matches(str(v), list(choices), n=1)
                yield record.problem(
                    RULE, f"{field} can never be {v!r}",
                    (f"did you mean '{close[0]}'? " if close else "") + "use one of: "
                    + ", ".join(choices), *where)
            elif kind == "bool" and not isinstance(v, bool):
                yield record.problem(RULE, f"{field} is true or false, not {v!r}",
                                     "compare it with true or false (unquoted)", *where)
            elif kind in ("int", "number") and (isinstance(v, bool)
                                                or not isinstance(v, int | float)):
                yield record.problem(RULE, f"{field} is a number, not {v!r}",
                                     "compare it with a number (unquoted)", *where)


def check(ctx: LintContext) -> Iterator[Problem]:
    vocab = _vocabulary()
    codes = ctx.index.codes() if ctx.index.knows("code") else set()
    for record in ctx.index.of("route") + ctx.index.of("rule"):
        for cond, path in _walk(record.get("when"), ("when",)):
            yield from _problems(record, cond, path, vocab, codes)
