"""Check a practice's own payer profile files against a compiled codebook, and add them to it.

    local = check_files([("acme.yaml", text)], codebook)   # LocalCheck: problems or profiles
    cb = with_local(codebook, local.profiles, local.sources, "acme.yaml")

The one implementation behind `telecode payer-profile validate` (engine/tooling/payer_profiles.py
reads the folder and calls it) and the browser checker's "Use my payer profile"
(engine/core/web_profiles.py): the same reader (profile_text), schema (profile_schema) and
checks (engine/core/profile_lint.py, which the codebook's own lint rules call too), so a file
gets the same `file:line: entry: what — fix` lines in both.

Standard library only (runs in Pyodide).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.core.problems import Problem, sort_problems
from engine.core.profile_lint import (
    base_problems,
    code_strings,
    collision_problem,
    duplicate_problems,
    inverted_problems,
    list_refs,
    overlap_problems,
    pos_refs,
    state_and_ignore_problems,
    unknown,
    unknown_sources,
    unverified_problems,
)
from engine.core.profile_schema import fill_defaults, schema_problems
from engine.core.profile_text import ProfileTextError, read_text

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Iterable
    from typing import Any

    from engine.core.codebook import Codebook

__all__ = ["LocalCheck", "check_files", "with_local", "decode", "read_file", "SHIPPED"]

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
                          code_strings(records, "modifier"), "modifiers.yaml")
    found += unknown("unknown-family-ref", "family",
                          (ref for r in rules for ref in list_refs(r, "families")),
                          {r.id for r in by_kind.get("family", [])}, "codes/<family>.yaml")
    found += unknown("unknown-pos-ref", "place of service",
                          (ref for r in rules for ref in pos_refs(r)), code_strings(records, "pos"),
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
