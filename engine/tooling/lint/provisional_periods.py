"""Provisional periods (codebook.yaml `provisional:`) are well formed: each has a basis, a
non-empty list of what is unreviewed and a review date, lies after the reviewed coverage
without overlapping it or another period, and cites known sources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import as_date
from engine.tooling.problems import Problem

RULE = "provisional-periods"
DESCRIPTION = ("a provisional period lacks a basis, an unreviewed list or a review date, is "
               "inverted, overlaps the reviewed coverage or another period, or cites an "
               "unknown source")


def periods(codebook: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(index, period) for each provisional period that is an object."""
    value = codebook.get("provisional")
    if not isinstance(value, list):
        return []
    return [(i, p) for i, p in enumerate(value) if isinstance(p, dict)]


def check(ctx: LintContext) -> Iterator[Problem]:
    doc = ctx.index.loaded.document("codebook.yaml")
    if doc is None:
        return
    codebook = ctx.index.codebook
    covers = codebook.get("covers") if isinstance(codebook.get("covers"), dict) else {}
    covers_from, covers_to = as_date(covers.get("from")), as_date(covers.get("to"))
    known = ctx.index.ids("source") if ctx.index.knows("source") else None
    seen: list[tuple[int, Any, Any]] = []

    def problem(i: int, key: str | None, what: str, fix: str) -> Problem:
        path: tuple[Any, ...] = ("provisional", i) + ((key,) if key else ())
        return Problem(doc.file, doc.line(path), f"provisional period {i + 1}", what, fix, RULE)

    for i, period in periods(codebook):
        if not str(period.get("basis") or "").strip():
            yield problem(i, "basis", "has no basis",
                          "say what its answers rest on, e.g. \"the 2026 rules that have no "
                          "end date, carried forward\"")
        unreviewed = period.get("unreviewed")
        if not isinstance(unreviewed, list) or not [u for u in unreviewed if str(u).strip()]:
            yield problem(i, "unreviewed", "does not list what is unreviewed",
                          "list each source not yet reviewed (CPT changes, the fee schedule "
                          "rule, payer policies)")
        due = as_date(period.get("review_due"))
        if due is None:
            yield problem(i, "review_due", "has no review date",
                          "set review_due to the day the review should be done by")
        start, end = as_date(period.get("from")), as_date(period.get("to"))
        if start is None or end is None:
            continue
        if end < start:
            yield problem(i, "to", f"is inverted: from {start} to {end}",
                          "make `to` on or after `from`")
            continue
        if covers_from and covers_to and start <= covers_to and covers_from <= end:
            yield problem(i, "from", f"overlaps the reviewed coverage ({covers_from} to "
                          f"{covers_to})", "start it after covers.to: a reviewed day is never "
                          "provisional")
        for j, other_start, other_end in seen:
            if start <= other_end and other_start <= end:
                yield problem(i, "from", f"overlaps provisional period {j + 1} ({other_start} "
                              f"to {other_end})", "make the periods follow one another")
        seen.append((i, start, end))
        if known is not None:
            for k, ref in enumerate(period.get("sources") or []):
                sid = ref.get("id") if isinstance(ref, dict) else None
                if sid is not None and sid not in known:
                    yield Problem(doc.file, doc.line(("provisional", i, "sources", k)),
                                  f"provisional period {i + 1}", f"unknown source {sid!r}",
                                  "add it to sources.yaml or cite a source id listed there",
                                  RULE)
