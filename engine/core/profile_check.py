"""Check a practice's own payer profile files against a compiled codebook, and add them to it.

    local = check_files([("acme.yaml", text)], codebook)   # LocalCheck: problems or profiles
    cb = with_local(codebook, local.profiles, local.sources, "acme.yaml")

The one implementation behind `telecode payer-profile validate` (engine/tooling/payer_profiles.py
reads the folder and calls it) and the browser checker's "Use my payer profile"
(engine/core/web_profiles.py): the same reader (profile_text), schema (profile_schema) and
checks, so a file gets the same `file:line: entry: what — fix` lines in both. The checks that
the codebook's own lint rules also run (engine/tooling/lint/profile_base.py, profile_rules.py,
duplicate_id.py, ...) call the functions here, so each message is written once.

Standard library only (runs in Pyodide).
"""

from __future__ import annotations

import datetime as _dt
import difflib
from dataclasses import dataclass, field

from engine.core.problems import Problem, sort_problems
from engine.core.profile_schema import fill_defaults, schema_problems
from engine.core.profile_text import ProfileTextError, read_text

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Iterable, Iterator
    from typing import Any

    from engine.core.codebook import Codebook

__all__ = ["LocalCheck", "check_files", "unknown", "list_refs", "with_local", "decode", "SHIPPED"]

SHIPPED = "(codebook)"  # file prefix of the records made from the bundle (never reported)
KIND = "payer-profile"
# record kinds of a profile file: (top-level key, a list?, record kind)
_LAYOUT = (("profile", False, "profile"), ("rules", True, "profile_rule"),
           ("sources", True, "source"))
# the record kinds that carry a provenance block (evidence, note): all but sources
_NO_PROVENANCE = {"source"}


@dataclass
class Record:
    """One entry with an id (as engine/tooling/records.py Record: the checks below take
    either)."""

    kind: str
    id: str
    data: dict
    file: str
    lines: dict
    path: tuple
    parent: str = ""

    def line(self, *sub: Any) -> int:
        path = self.path + tuple(sub)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, rule: str, what: str, fix: str, *sub: Any) -> Problem:
        return Problem(self.file, self.line(*sub), self.id, what, fix, rule)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def _records(file: str, kind: str, data: Any, lines: dict,
             layout: Iterable[tuple[str, bool, str]]) -> list[Record]:
    out: list[Record] = []
    for key, many, rkind in layout:
        value = data.get(key) if isinstance(data, dict) else None
        items = list(enumerate(value)) if many and isinstance(value, list) else (
            [(None, value)] if not many else [])
        for pos, item in items:
            if not isinstance(item, dict):
                continue
            raw = item.get("id")
            rid = str(raw) if isinstance(raw, str | int) and raw != "" else ""
            out.append(Record(rkind, rid, item, file, lines,
                              (key,) if pos is None else (key, pos)))
    head = data.get("profile") if isinstance(data, dict) and kind == KIND else None
    pid = head.get("id") if isinstance(head, dict) else None
    if isinstance(pid, str):
        for r in out:
            if r.kind == "profile_rule":
                r.parent = pid
    return out


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


# --------------------------------------------------------------------------- files


def decode(raw: bytes | str, file: str) -> tuple[str | None, list[Problem]]:
    """A file's text (UTF-8), or the problem that stops it."""
    if isinstance(raw, str):
        return raw, []
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(
            file, line, "",
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)", "load")]


_TYPE_NAMES = {list: "list", str: "text", int: "number", float: "number", bool: "boolean",
               type(None): "null value"}


def read_file(file: str, raw: bytes | str) -> tuple[Any, dict, list[Problem]]:
    """(data, lines, problems) of one profile file: data None when it cannot be read."""
    text, problems = decode(raw, file)
    if text is None:
        return None, {}, problems
    try:
        data, lines = read_text(text)
    except ProfileTextError as exc:
        return None, {}, [Problem(file, exc.line, "", exc.what, exc.fix, "load")]
    if not isinstance(data, dict):
        return None, {}, [Problem(
            file, lines.get((), 1), "",
            f"the file holds a {_TYPE_NAMES.get(type(data), 'value')}, not a mapping",
            "start the file with its top-level key (see codebook/README.md)", "load")]
    return data, lines, []


def _shipped_records(raw: dict) -> list[Record]:
    """The bundle's records the checks compare a local profile with (ids, codes, bases)."""
    out: list[Record] = []

    def add(file: str, key: str, items: Any, kind: str) -> None:
        data = {key: list(items or ())}
        out.extend(_records(f"{SHIPPED}/{file}", kind, data, {}, ((key, True, kind),)))

    add("sources", "sources", raw.get("sources"), "source")
    add("modifiers", "modifiers", raw.get("modifiers"), "modifier")
    add("places-of-service", "places_of_service", raw.get("places_of_service"), "pos")
    add("rules", "rules", raw.get("rules"), "rule")
    for payer in raw.get("payers") or ():
        add(f"payers/{payer.get('id')}", "payer", [payer], "payer")
    for family in raw.get("families") or ():
        add(f"codes/{family.get('id')}", "family", [family], "family")
    for prof in raw.get("payer_profiles") or ():
        head = {k: v for k, v in prof.items() if k not in ("rules", "file")}
        data = {"profile": head, "rules": list(prof.get("rules") or ())}
        out += _records(f"{SHIPPED}/profiles/{prof.get('id')}", KIND, data, {}, _LAYOUT)
    return out


def _codes(records: list[Record], kind: str) -> set[str]:
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


@dataclass
class LocalCheck:
    """What check_files found: the problems, or the profiles (filled in, as compiled) and the
    sources their files define."""

    problems: list[Problem] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_files(files: list[tuple[str, bytes | str]], cb: Codebook) -> LocalCheck:
    """Read and check profile files (name as shown, bytes or text) against the compiled
    codebook `cb` (its source bundle: what a profile may refer to)."""
    out = LocalCheck()
    raw = cb.source_bundle
    schema = raw.get("profile_schema")
    local: list[tuple[str, dict, dict]] = []  # (file, filled data, lines)
    for file, content in files:
        data, lines, problems = read_file(file, content)
        out.problems += problems
        if data is None:
            continue
        if isinstance(schema, dict):
            out.problems += schema_problems(
                file, data, lambda path, lines=lines: _line(lines, path), schema)
            try:
                data = fill_defaults(data, schema)
            except Exception:  # noqa: BLE001 - odd shapes are reported by the schema check
                pass
        else:
            out.problems.append(Problem(file, 0, "", "this codebook has no payer profile "
                                        "schema", "compile the codebook again (telecode "
                                        "compile)", "schema"))
        local.append((file, data, lines))
    shipped = _shipped_records(raw)
    mine = [r for file, data, lines in local for r in _records(file, KIND, data, lines, _LAYOUT)]
    records = shipped + mine
    found: list[Problem] = []
    by_kind: dict[str, list[Record]] = {}
    for r in records:
        by_kind.setdefault(r.kind, []).append(r)
    rules = by_kind.get("profile_rule", [])
    found += unknown("unknown-modifier-ref", "modifier",
                          (ref for r in rules for ref in list_refs(r, "modifiers")),
                          _codes(records, "modifier"), "modifiers.yaml")
    found += unknown("unknown-family-ref", "family",
                          (ref for r in rules for ref in list_refs(r, "families")),
                          {r.id for r in by_kind.get("family", [])}, "codes/<family>.yaml")
    found += unknown("unknown-pos-ref", "place of service",
                          (ref for r in rules for ref in pos_refs(r)), _codes(records, "pos"),
                          "places-of-service.yaml")
    found += unknown_sources(records, {r.id for r in by_kind.get("source", [])})
    profiles = {r.id: r for r in by_kind.get("profile", []) if r.id}
    found += base_problems(profiles, {r.id for r in by_kind.get("payer", [])})
    found += overlap_problems(rules)
    found += state_and_ignore_problems(by_kind.get("profile", []),
                                       sorted({r.id for r in by_kind.get("rule", [])}))
    found += inverted_problems(records)
    kinds = {r.kind for r in records} - _NO_PROVENANCE
    found += unverified_problems(records, kinds)
    found += duplicate_problems(records)
    out.problems += [p for p in found if not p.file.startswith(SHIPPED)]
    for file, data, lines in local:
        head = data.get("profile")
        pid = head.get("id") if isinstance(head, dict) else None
        if isinstance(pid, str) and pid in cb.payers:
            out.problems.append(collision_problem(file, _line(lines, ("profile", "id")), pid,
                                                  cb))
    out.problems = sort_problems(out.problems)
    if out.problems:
        return out
    for file, data, _ in local:
        profile = dict(data["profile"])
        profile["rules"] = list(data.get("rules", []))
        profile["file"] = file
        out.profiles.append(profile)
        out.sources += list(data.get("sources") or ())
    out.profiles.sort(key=lambda p: p["id"])
    return out


def _line(lines: dict, path: tuple) -> int:
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)


def with_local(cb: Codebook, profiles: list[dict[str, Any]], sources: list[dict[str, Any]],
               label: str) -> Codebook:
    """A new Codebook: `cb` plus local profiles (and the sources their files define);
    CodebookError when they cannot be resolved."""
    from engine.core.codebook import Codebook

    raw = dict(cb.source_bundle)
    raw["payer_profiles"] = [*(raw.get("payer_profiles") or ()), *profiles]
    known = {s.get("id") for s in raw.get("sources") or ()}
    raw["sources"] = [*(raw.get("sources") or ()),
                      *(s for s in sources if s.get("id") not in known)]
    raw["meta"] = dict(raw.get("meta") or {}, payer_profiles=label)
    out = Codebook(raw, path=cb.path)
    out.local_profile_ids = tuple(p["id"] for p in profiles)  # type: ignore[attr-defined]
    return out
