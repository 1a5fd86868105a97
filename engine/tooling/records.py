"""The codebook as a list of records (with file and line), for lint rules and compile.

A record is one entry that has an id: a source, a family, a code version, a payer, a payer
status, a route, a rule, a flexibility period, a conflict, a modifier, a POS, a message, a FAQ.
Records hold the data **with schema defaults filled in**; ``record.line()`` gives the line in
the YAML file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.core.profile_lint import code_strings
from engine.tooling.load import Document, LoadedCodebook, kind_of
from engine.tooling.problems import Problem
from engine.tooling.schema import fill_document

# file kind -> [(top-level key, single record or list, record kind)]
RECORD_LAYOUT: dict[str, list[tuple[str, bool, str]]] = {
    "sources": [("sources", True, "source")],
    "family": [("family", False, "family"), ("codes", True, "code")],
    "modifiers": [("modifiers", True, "modifier")],
    "places-of-service": [("places_of_service", True, "pos")],
    "payer": [("payer", False, "payer"), ("statuses", True, "status")],
    "payer-profile": [("profile", False, "profile"), ("rules", True, "profile_rule"),
                      ("sources", True, "source")],
    "routes": [("routes", True, "route")],
    "rules": [("rules", True, "rule")],
    "flexibilities": [("periods", True, "period")],
    "conflicts": [("conflicts", True, "conflict")],
    "telehealth-list": [("entries", True, "telehealth_list_entry")],
    "messages": [("messages", True, "message")],
    "faq": [("faqs", True, "faq")],
    "changes": [("changes", True, "change")],
    "payments": [("schedule", False, "payment_schedule")],
    "localities": [("localities", False, "locality_indices")],
}
# record kind -> file kind it comes from
RECORD_FILE_KIND: dict[str, str] = {}
for _fk, _parts in RECORD_LAYOUT.items():  # the first file kind of a record kind (sources.yaml)
    for _, _, _rk in _parts:
        RECORD_FILE_KIND.setdefault(_rk, _fk)
# record kinds that carry a provenance block
PROVENANCE_KINDS = set(RECORD_FILE_KIND) - {"source"}


@dataclass
class Record:
    kind: str
    id: str
    data: dict[str, Any]
    doc: Document
    path: tuple[str | int, ...]
    parent: str = ""  # family id for codes, payer id for statuses, profile id for its rules

    @property
    def file(self) -> str:
        return self.doc.file

    def line(self, *sub: str | int) -> int:
        return self.doc.line(self.path + tuple(sub))

    def problem(self, rule: str, what: str, fix: str, *sub: str | int) -> Problem:
        return Problem(self.file, self.line(*sub), self.id, what, fix, rule)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass
class Index:
    loaded: LoadedCodebook
    filled: dict[str, Any] = field(default_factory=dict)  # file -> data with defaults
    records: list[Record] = field(default_factory=list)
    incomplete: set[str] = field(default_factory=set)  # file kinds that failed to load

    @property
    def codebook(self) -> dict[str, Any]:
        doc = self.loaded.document("codebook.yaml")
        data = self.filled.get("codebook.yaml") if doc else None
        return data if isinstance(data, dict) else {}

    def of(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.kind == kind]

    def ids(self, kind: str) -> set[str]:
        return {r.id for r in self.records if r.kind == kind}

    def codes(self, kind: str = "code") -> set[str]:
        """The code strings of the records of ``kind`` (profile_lint.code_strings)."""
        return code_strings(self.of(kind), kind)

    def knows(self, record_kind: str) -> bool:
        """False when a file of that kind failed to load (lookups into it are unreliable)."""
        return RECORD_FILE_KIND.get(record_kind, record_kind) not in self.incomplete

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)


def build_index(loaded: LoadedCodebook) -> Index:
    index = Index(loaded)
    for problem in loaded.problems:
        if problem.rule == "load":
            kind = kind_of(problem.file) or {
                "codes/": "family", "payers/": "payer", "routes/": "routes", "rules/": "rules"
            }.get(problem.file)
            if kind:
                index.incomplete.add(kind)
    for doc in loaded.documents:
        try:
            data = fill_document(doc)
        except Exception:  # noqa: BLE001 - odd shapes are reported by the schema check
            data = doc.data
        index.filled[doc.file] = data
        for key, many, kind in RECORD_LAYOUT.get(doc.kind, []):
            value = data.get(key) if isinstance(data, dict) else None
            items = list(enumerate(value)) if many and isinstance(value, list) else (
                [(None, value)] if not many else []
            )
            for pos, item in items:
                if not isinstance(item, dict):
                    continue
                path: tuple[str | int, ...] = (key,) if pos is None else (key, pos)
                raw_id = item.get("id")
                rid = str(raw_id) if isinstance(raw_id, str | int) and raw_id != "" else ""
                index.records.append(Record(kind, rid, item, doc, path))
        # parents: codes -> family id, statuses -> payer id
        for key, parent_kind, child_kind in (("family", "family", "code"),
                                              ("payer", "payer", "status"),
                                              ("profile", "profile", "profile_rule")):
            head = data.get(key) if isinstance(data, dict) else None
            pid = head.get("id") if isinstance(head, dict) else None
            head_kind = RECORD_LAYOUT.get(doc.kind, [("", False, "")])[0][2]
            if isinstance(pid, str) and head_kind == parent_kind:
                for r in index.records:
                    if r.doc is doc and r.kind == child_kind:
                        r.parent = pid
    return index
