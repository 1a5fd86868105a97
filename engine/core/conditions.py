"""`when` conditions (codebook/README.md, "Conditions") compiled to Python closures.

A condition is compiled once per codebook and then called with the evaluation context
(the encounter with defaults plus derived facts). Semantics:

- `{field: F, is: V}`: F equals V (for a list field such as `selected_codes`: V is in it);
- `{field: F, in: [...]}`: F is one of them (list field: any element is one of them);
- `{field: F, not: V}`: F is present and differs from V (list field: V is not in it);
- `{field: F, present: true|false}`: F is given (not null; for a list field such as
  `selected_codes`: not empty, so `{field: selected_codes, present: true}` = "a code was
  selected");
- `{field: F, min|max|above|below: N}`: numeric >=, <=, >, <; several keys must all hold;
- `{all: [...]}`, `{any: [...]}`, `{none: [...]}`; a null condition is true.

A comparison on an absent field is false, except `present: false`. True and 1 are not equal.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.core.codebook import CodebookError

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

Context = dict  # dict[str, Any]: the evaluation context
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


def _matcher(expected: Any) -> Callable[[Any], bool]:
    """A fast equality test against one expected value (true is not 1)."""
    if isinstance(expected, bool):
        return lambda v: v is expected
    if isinstance(expected, str):
        return lambda v: v == expected
    if _number(expected):
        return lambda v: v == expected and not isinstance(v, bool)
    return lambda v: _same(v, expected)


def _combine(kind: str, subs: tuple[Predicate, ...]) -> Predicate:
    if kind == "all":
        def all_(ctx: Context) -> bool:
            for p in subs:
                if not p(ctx):
                    return False
            return True
        return all_
    if kind == "any":
        def any_(ctx: Context) -> bool:
            for p in subs:
                if p(ctx):
                    return True
            return False
        return any_

    def none_(ctx: Context) -> bool:
        for p in subs:
            if p(ctx):
                return False
        return True
    return none_


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
            return _combine(combinator, tuple(compile_condition(p) for p in parts))
    field = cond.get("field")
    if not isinstance(field, str):
        raise CodebookError(f"condition needs `field` (or all/any/none): {cond!r}")
    tests: list[Predicate] = []
    unknown = set(cond) - {"field", *_COMPARATORS}
    if unknown or len(cond) == 1:
        raise CodebookError(f"condition on {field!r} has no usable comparison: {cond!r}")
    if "present" in cond:
        tests.append(_present_test(field, bool(cond["present"])))
    if "is" in cond:
        tests.append(_is_test(field, cond["is"]))
    if "in" in cond:
        options = cond["in"]
        if not isinstance(options, list):
            raise CodebookError(f"`in` takes a list: {cond!r}")
        tests.append(_in_test(field, options))
    if "not" in cond:
        tests.append(_not_test(field, _matcher(cond["not"])))
    for key, op in _BOUNDS:
        if key in cond:
            bound = cond[key]
            if not _number(bound):
                raise CodebookError(f"`{key}` takes a number: {cond!r}")
            tests.append(_bound_test(field, op, bound))
    if len(tests) == 1:
        return tests[0]
    return _combine("all", tuple(tests))


def _present_test(field: str, want: bool) -> Predicate:
    def present(ctx: Context) -> bool:
        v = ctx.get(field)
        # an empty list is absent: {field: selected_codes, present: false} = no code
        return (v is not None and v != []) is want

    return present


def _is_test(field: str, expected: Any) -> Predicate:
    if isinstance(expected, bool):
        # the common cases in one closure: a word or a boolean (true is not 1)
        def is_(ctx: Context) -> bool:
            v = ctx.get(field)
            return v is expected or (type(v) is list and any(x is expected for x in v))
    elif isinstance(expected, str):
        def is_(ctx: Context) -> bool:
            v = ctx.get(field)
            return v == expected or (type(v) is list and expected in v)
    else:
        match = _matcher(expected)

        def is_(ctx: Context) -> bool:
            v = ctx.get(field)
            if v is None:
                return False
            if type(v) is list:
                return any(match(x) for x in v)
            return match(v)

    return is_


def _in_test(field: str, options: list[Any]) -> Predicate:
    if all(isinstance(o, str) for o in options):
        choices = frozenset(options)

        def in_(ctx: Context) -> bool:
            v = ctx.get(field)
            if type(v) is str:
                return v in choices
            if type(v) is list:
                return any(type(x) is str and x in choices for x in v)
            return False
    else:
        matchers = tuple(_matcher(o) for o in options)

        def in_(ctx: Context) -> bool:
            v = ctx.get(field)
            if v is None:
                return False
            values = v if type(v) is list else (v,)
            return any(m(x) for x in values for m in matchers)

    return in_


def _not_test(field: str, reject: Predicate) -> Predicate:
    def not_(ctx: Context) -> bool:
        v = ctx.get(field)
        if v is None:
            return False
        if type(v) is list:
            return not any(reject(x) for x in v)
        return not reject(v)

    return not_


_BOUNDS: tuple[tuple[str, Callable[[Any, Any], bool]], ...] = (
    ("min", lambda v, n: v >= n),
    ("max", lambda v, n: v <= n),
    ("above", lambda v, n: v > n),
    ("below", lambda v, n: v < n),
)


def _bound_test(field: str, op: Callable[[Any, Any], bool], bound: Any) -> Predicate:
    def compare(ctx: Context, op: Any = op, bound: Any = bound) -> bool:
        v = ctx.get(field)
        return _number(v) and op(v, bound)

    return compare


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
