"""The checks of a payer profile that the codebook's lint rules also run: unknown references,
a profile's base and its cycles, overlapping rules, Medicaid states, ignored rules, duplicate
ids, inverted ranges, unverified facts without a note, and a local id that is a shipped one.

Each function takes records (engine.core.profile_check's, or engine.tooling.records' for
`telecode validate`: both have kind, id, file, data, get(), line(), problem(), parent) and
yields Problems, so each message is written once, for the command line and the browser.
Standard library only (runs in Pyodide).
"""

from __future__ import annotations

import datetime as _dt
import difflib

from engine.core.problems import Problem

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Iterable, Iterator
    from typing import Any

    from engine.core.codebook import Codebook

__all__ = ["unknown", "list_refs", "pos_refs", "source_refs", "unknown_sources",
           "base_problems", "overlap_problems", "state_and_ignore_problems",
           "duplicate_problems", "inverted", "inverted_problems", "unverified_problems",
           "collision_problem", "as_date", "date_range", "span", "code_strings"]


# --------------------------------------------------------------------------- dates


def as_date(value: Any) -> _dt.date | None:
    """A ``YYYY-MM-DD`` string as a date; None for null or anything invalid."""
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def date_range(record: Any) -> tuple[_dt.date, _dt.date] | None:
    """(from, to) of a dated record, ``to`` = date.max when open; None when ``from`` is bad."""
    start = as_date(record.get("from"))
    if start is None:
        return None
    end_raw = record.get("to")
    if end_raw is None:
        return start, _dt.date.max
    end = as_date(end_raw)
    return None if end is None else (start, end)


def span(r: tuple[_dt.date, _dt.date]) -> str:
    end = "open" if r[1] == _dt.date.max else r[1].isoformat()
    return f"{r[0].isoformat()}..{end}"


# --------------------------------------------------------------------------- the checks
# Each takes records (this module's or engine.tooling.records'); the lint rules call them.


def code_strings(records: Iterable[Any], kind: str) -> set[str]:
    """The code strings of the records of `kind` (code, modifier or pos). A code written as a
    number (a schema error) still counts, so that one unquoted code does not also make every
    reference to it "unknown"."""
    out = set()
    for r in records:
        if r.kind != kind:
            continue
        code = r.get("code")
        if isinstance(code, str):
            out.add(code)
        elif isinstance(code, int) and not isinstance(code, bool):
            out.add(str(code).zfill(2 if kind == "pos" else 1))
    return out


def unknown(rule: str, noun: str, refs: Iterable[tuple[Any, tuple, str]], known: set[str],
                 where: str) -> Iterator[Problem]:
    """A reference (record, path inside it, value) to something `known` does not hold."""
    options = sorted(known)
    for record, path, value in refs:
        if value in known:
            continue
        close = difflib.get_close_matches(value, options, n=1)
        fix = (f"did you mean '{close[0]}'? " if close else "") + f"use one defined in {where}"
        yield record.problem(rule, f"unknown {noun} '{value}'", fix, *path)


def list_refs(record: Any, *path: str) -> Iterator[tuple[Any, tuple, str]]:
    """References held in a list at ``path`` of a record (e.g. ("scope", "codes"))."""
    node: object = record.data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str):
                yield record, (*path, i), value


def pos_refs(record: Any) -> Iterator[tuple[Any, tuple, str]]:
    pos = record.get("pos")
    if isinstance(pos, dict):
        for key in sorted(pos):
            if isinstance(pos[key], str):
                yield record, ("pos", key), pos[key]


def source_refs(record: Any) -> Iterator[tuple[tuple, str]]:
    """(path inside the record, source id) of every source reference of a record."""
    for i, ref in enumerate(record.get("sources") or []):
        if isinstance(ref, dict) and isinstance(ref.get("id"), str):
            yield ("sources", i, "id"), ref["id"]
    if record.kind == "conflict":
        for j, position in enumerate(record.get("positions") or []):
            if not isinstance(position, dict):
                continue
            for i, ref in enumerate(position.get("sources") or []):
                if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                    yield ("positions", j, "sources", i, "id"), ref["id"]


def unknown_sources(records: Iterable[Any], known: set[str]) -> Iterator[Problem]:
    options = sorted(known)
    for record in records:
        for path, sid in source_refs(record):
            if sid not in known:
                close = difflib.get_close_matches(sid, options, n=1)
                fix = (f"did you mean '{close[0]}'? " if close else "") + (
                    "cite an id from sources.yaml, or add the source there")
                yield record.problem("unknown-source", f"unknown source '{sid}'", fix, *path)


def base_problems(profiles: dict[str, Any], payers: set[str]) -> Iterator[Problem]:
    """A profile's base is a payer or another profile, and bases do not form a cycle."""
    rule = "profile-base"
    known = sorted(payers | set(profiles))
    for pid, record in profiles.items():
        base = record.get("base")
        if not isinstance(base, str):
            continue
        if base == pid:
            yield record.problem(rule, "the profile names itself as its base",
                                 "name the payer or profile it inherits from, e.g. base: "
                                 "commercial", "base")
            continue
        if base not in payers and base not in profiles:
            close = difflib.get_close_matches(base, [k for k in known if k != pid], n=3)
            hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
            yield record.problem(rule, f"unknown base '{base}'",
                                 f"{hint}use a payer ({', '.join(sorted(payers))}) or a "
                                 "profile id", "base")
            continue
        chain = [pid]
        cur = base
        while cur in profiles and cur not in chain:
            chain.append(cur)
            cur = profiles[cur].get("base")
        if cur == pid:
            yield record.problem(rule, "its bases form a cycle: " + " -> ".join([*chain, pid]),
                                 "make one of them inherit from a payer (medicare, commercial "
                                 "or medicaid)", "base")


def overlap_problems(rules: list[Any]) -> Iterator[Problem]:
    """Two rules of one profile for one service hold on one day."""
    for i, later in enumerate(rules):
        rng = date_range(later)
        if not rng or rng[0] > rng[1]:
            continue
        for earlier in rules[:i]:
            other = date_range(earlier)
            if (other and earlier.parent == later.parent and earlier.file == later.file
                    and earlier.get("service") == later.get("service")
                    and rng[0] <= other[1] and other[0] <= rng[1]):
                yield later.problem(
                    "profile-rules",
                    f"overlapping dates: it and {earlier.id} ({span(other)}, line "
                    f"{earlier.line()}) both hold for {later.get('service')} from "
                    f"{max(rng[0], other[0]).isoformat()}",
                    "end the earlier rule the day before this one starts", "from")
                break


def state_and_ignore_problems(profiles: list[Any], rule_ids: list[str] | None
                              ) -> Iterator[Problem]:
    """Medicaid profiles name one state each; the rules a profile ignores exist (`rule_ids`
    None: the codebook's rules could not be read, so that is not checked)."""
    rule = "profile-rules"
    states: dict[str, str] = {}
    for record in profiles:
        state = record.get("state")
        if record.get("type") == "medicaid" and record.get("base") == "medicaid":
            if not isinstance(state, str):
                yield record.problem(rule, "a state Medicaid profile (base: medicaid) without a "
                                     "state",
                                     "add state: with the two-letter state, e.g. state: TX",
                                     "type")
            elif state in states:
                yield record.problem(rule, f"state {state} already has a profile, "
                                     f"{states[state]}", "keep one profile per state", "state")
            else:
                states[state] = record.id
        elif isinstance(state, str) and record.get("type") != "medicaid":
            yield record.problem(rule, "only Medicaid profiles have a state",
                                 "remove state: (the encounter's state is recorded anyway)",
                                 "state")
        if rule_ids is None:
            continue
        for i, rid in enumerate(record.get("ignores") or []):
            if isinstance(rid, str) and rid not in rule_ids:
                close = difflib.get_close_matches(rid, rule_ids, n=1)
                yield record.problem(rule, f"ignores unknown rule '{rid}'",
                                     (f"did you mean '{close[0]}'? " if close else "")
                                     + "use a rule id from rules/*.yaml", "ignores", i)


def duplicate_problems(records: Iterable[Any]) -> Iterator[Problem]:
    """Every id is used once."""
    first: dict[str, Any] = {}
    for record in sorted(records, key=lambda r: (r.file, r.line())):
        if not record.id:
            continue
        if record.id in first:
            other = first[record.id]
            yield record.problem(
                "duplicate-id",
                f"id '{record.id}' is already used by a {other.kind} at "
                f"{other.file}:{other.line()}",
                "give this record a unique id (a later version of a code is \"<code>@<from>\")",
                "id")
        else:
            first[record.id] = record


INVERTED_FIX = ("`to` is the last day the fact holds: make it on or after `from` (or null while "
                "open)")


def inverted(item: dict) -> tuple[str, str] | None:
    start, end = as_date(item.get("from")), as_date(item.get("to"))
    if start and end and end < start:
        return item["from"], item["to"]
    return None


def inverted_problems(records: Iterable[Any]) -> Iterator[Problem]:
    """No range ends before it starts (a record's, or a modifier's or POS's scope entries)."""
    for record in records:
        bad = inverted(record.data)
        if bad:
            yield record.problem("inverted-range", f"range is inverted: from {bad[0]} to "
                                 f"{bad[1]}", INVERTED_FIX, "to")
        for i, entry in enumerate(record.get("scope") or [] if record.kind in ("modifier", "pos")
                                  else []):
            if isinstance(entry, dict):
                bad = inverted(entry)
                if bad:
                    yield record.problem(
                        "inverted-range", f"scope entry {i + 1} is inverted: from {bad[0]} to "
                        f"{bad[1]}", INVERTED_FIX, "scope", i, "to")


def unverified_problems(records: Iterable[Any], kinds: set[str]) -> Iterator[Problem]:
    """An unverified fact (of a record kind in `kinds`) carries a note."""
    for record in records:
        if record.kind not in kinds or record.get("evidence") != "unverified":
            continue
        note = record.get("note")
        if not isinstance(note, str) or not note.strip():
            yield record.problem(
                "unverified-note", "evidence is unverified but there is no note",
                "add `note:` saying what is not verified and what source would settle it",
                "evidence")


def collision_problem(file: str, line: int, pid: str, cb: Codebook) -> Problem:
    kind = "profile" if cb.payers[pid].get("profile") else "payer"
    name = cb.payers[pid].get("name")
    return Problem(file, line, pid, f"the id collides with the shipped {kind} {pid!r} ({name})",
                   f"choose another id (e.g. {pid}_local); to build on it, write base: {pid}",
                   "profile-collision")
