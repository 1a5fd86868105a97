"""Shared shape of the "unknown reference" rules."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from engine.tooling.problems import Problem
from engine.tooling.records import Record

Ref = tuple[Record, tuple[str | int, ...], str]  # (record, path inside it, referenced value)


def unknown(rule: str, noun: str, refs: Iterable[Ref], known: set[str], where: str
            ) -> Iterator[Problem]:
    options = sorted(known)
    for record, path, value in refs:
        if value in known:
            continue
        close = difflib.get_close_matches(value, options, n=1)
        fix = (f"did you mean '{close[0]}'? " if close else "") + f"use one defined in {where}"
        yield record.problem(rule, f"unknown {noun} '{value}'", fix, *path)


def list_refs(record: Record, *path: str) -> Iterator[Ref]:
    """References held in a list at ``path`` of a record (e.g. ("scope", "codes"))."""
    node: object = record.data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str):
                yield record, (*path, i), value
