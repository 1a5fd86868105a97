"""`when` conditions (codebook/README.md, "Conditions") compiled to Python closures.

A condition is compiled once per codebook and then called with the evaluation context
(the encounter with defaults plus derived facts). Semantics:

- `{field: F, is: V}`: F equals V (for a list field such as `selected_codes`: V is in it);
- `{field: F, in: [...]}`: F is one of them (list field: any element is one of them);
- `{field: F, not: V}`: F is present and differs from V (list field: V is not in it);
- `{field: F, present: true|false}`;
- `{field: F, min|max|above|below: N}`: numeric >=, <=, >, <; several keys must all hold;
- `{all: [...]}`, `{any: [...]}`, `{none: [...]}`; a null condition is true.

A comparison on an absent field is false, except `present: false`. True and 1 are not equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.codebook import CodebookError

Context = dict[str, Any]
Predicate = Callable[[Context], bool]

__all__ = ["compile_condition", "evaluate", "fields_used"]

_COMPARATORS = ("is", "in", "not", "present", "min", "max", "above", "below")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _always(_: Context) -> bool:
    return True


def compile_condition(cond: Any) -> Predicate:
    """Compile a condition; an ill-formed one raises CodebookError (the validator lints them)."""
    if cond is None:
        return _always
    if not isinstance(cond, dict):
        raise CodebookError(f"condition must be an object, got {cond!r}")
    for combinator in ("all", "any", "none"):
        if combinator in cond:
            parts = cond[combinator]
            if not isinstance(parts, list) or len(cond) != 1:
                raise CodebookError(f"`{combinator}` takes a list of conditions: {cond!r}")
            subs = tuple(compile_condition(p) for p in parts)
            if combinator == "all":
                return lambda ctx: all(p(ctx) for p in subs)
            if combinator == "any":
                return lambda ctx: any(p(ctx) for p in subs)
            return lambda ctx: not any(p(ctx) for p in subs)
    field = cond.get("field")
    if not isinstance(field, str):
        raise CodebookError(f"condition needs `field` (or all/any/none): {cond!r}")
    tests: list[Predicate] = []
    unknown = set(cond) - {"field", *_COMPARATORS}
    if unknown or len(cond) == 1:
        raise CodebookError(f"condition on {field!r} has no usable comparison: {cond!r}")

    if "present" in cond:
        want = bool(cond["present"])
        tests.append(lambda ctx: (ctx.get(field) is not None) is want)
    if "is" in cond:
        expected = cond["is"]

        def is_(ctx: Context) -> bool:
            v = ctx.get(field)
            if v is None:
                return False
            if isinstance(v, list):
                return any(_same(x, expected) for x in v)
            return _same(v, expected)

        tests.append(is_)
    if "in" in cond:
        options = cond["in"]
        if not isinstance(options, list):
            raise CodebookError(f"`in` takes a list: {cond!r}")

        def in_(ctx: Context) -> bool:
            v = ctx.get(field)
            if v is None:
                return False
            values = v if isinstance(v, list) else [v]
            return any(_same(x, o) for x in values for o in options)

        tests.append(in_)
    if "not" in cond:
        rejected = cond["not"]

        def not_(ctx: Context) -> bool:
            v = ctx.get(field)
            if v is None:
                return False
            if isinstance(v, list):
                return not any(_same(x, rejected) for x in v)
            return not _same(v, rejected)

        tests.append(not_)
    for key, op in (
        ("min", lambda v, n: v >= n),
        ("max", lambda v, n: v <= n),
        ("above", lambda v, n: v > n),
        ("below", lambda v, n: v < n),
    ):
        if key in cond:
            bound = cond[key]
            if not _number(bound):
                raise CodebookError(f"`{key}` takes a number: {cond!r}")

            def compare(ctx: Context, op: Any = op, bound: Any = bound) -> bool:
                v = ctx.get(field)
                return _number(v) and op(v, bound)

            tests.append(compare)
    if len(tests) == 1:
        return tests[0]
    frozen = tuple(tests)
    return lambda ctx: all(t(ctx) for t in frozen)


def evaluate(cond: Any, ctx: Context) -> bool:
    """Evaluate a condition without caching (tests, tooling)."""
    return compile_condition(cond)(ctx)


def fields_used(cond: Any) -> set[str]:
    """Every field a condition reads (the validator can lint them)."""
    out: set[str] = set()
    if isinstance(cond, dict):
        for combinator in ("all", "any", "none"):
            for part in cond.get(combinator) or ():
                out |= fields_used(part)
        if isinstance(cond.get("field"), str):
            out.add(cond["field"])
    return out
