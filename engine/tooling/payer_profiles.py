"""A practice's own payer profiles: a folder of YAML (or JSON) files, checked with the codebook's
schema and lint rules against a compiled bundle, then added to it without forking the codebook.

    profiles, problems = load_profile_folder("my-payers/", codebook)
    cb = with_profiles(codebook, profiles)

Problems print as ``file:line: entry: what — fix`` (file as given on the command line). A
local id equal to a shipped payer or profile is a problem, never a silent override.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core.codebook import Codebook, CodebookError
from engine.tooling.compile import profiles_of
from engine.tooling.lint import (
    LintContext,
    duplicate_id,
    inverted_range,
    profile_base,
    profile_rules,
    unknown_family_ref,
    unknown_modifier_ref,
    unknown_pos_ref,
    unknown_source,
    unverified_note,
)
from engine.tooling.load import Document, LoadedCodebook, load_file
from engine.tooling.problems import Problem, sort_problems
from engine.tooling.records import build_index
from engine.tooling.schema import check_document

SUFFIXES = (".yaml", ".yml", ".json")
KIND = "payer-profile"
LINT = (profile_base, profile_rules, unknown_modifier_ref, unknown_family_ref, unknown_pos_ref,
        unknown_source, inverted_range, unverified_note, duplicate_id)
_SHIPPED = "(codebook)"  # file prefix of the documents made from the bundle (never reported)


@dataclass
class LocalProfiles:
    folder: str
    profiles: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _bundle_documents(cb: Codebook) -> list[Document]:
    """The bundle as documents, so the lint rules see what local profiles may refer to."""
    raw = cb.source_bundle
    docs = [
        Document(f"{_SHIPPED}/sources", "sources", {"sources": list(raw.get("sources") or ())}),
        Document(f"{_SHIPPED}/modifiers", "modifiers",
                 {"modifiers": list(raw.get("modifiers") or ())}),
        Document(f"{_SHIPPED}/places-of-service", "places-of-service",
                 {"places_of_service": list(raw.get("places_of_service") or ())}),
        Document(f"{_SHIPPED}/rules", "rules", {"rules": list(raw.get("rules") or ())}),
    ]
    for payer in raw.get("payers") or ():
        docs.append(Document(f"{_SHIPPED}/payers/{payer.get('id')}", "payer", {"payer": payer}))
    for family in raw.get("families") or ():
        docs.append(Document(f"{_SHIPPED}/codes/{family.get('id')}", "family",
                             {"family": family, "codes": []}))
    for prof in raw.get("payer_profiles") or ():
        head = {k: v for k, v in prof.items() if k not in ("rules", "file")}
        docs.append(Document(f"{_SHIPPED}/profiles/{prof.get('id')}", KIND,
                             {"profile": head, "rules": list(prof.get("rules") or ())}))
    return docs


def profile_files(folder: str) -> list[str]:
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if name.lower().endswith(SUFFIXES) and not name.startswith("."))


def load_profile_folder(folder: str, cb: Codebook) -> LocalProfiles:
    """Read and check every profile file of `folder` against the compiled codebook `cb`."""
    out = LocalProfiles(folder)
    if not os.path.isdir(folder):
        what = "does not exist" if not os.path.exists(folder) else "is not a folder"
        out.problems.append(Problem(folder, 0, "", f"the payer profile folder {what}",
                                    "give a folder of payer profile files (.yaml, .yml, .json)"))
        return out
    out.files = profile_files(folder)
    if not out.files:
        out.problems.append(Problem(folder, 0, "", "the folder holds no payer profile file",
                                    "add FILE.yaml files (telecode payer-profile init writes one)"))
        return out
    local: list[Document] = []
    for path in out.files:
        doc, problems = load_file(Path(path), path, KIND)
        out.problems += problems
        if doc is not None:
            out.problems += check_document(doc)
            local.append(doc)
    loaded = LoadedCodebook(Path(folder), _bundle_documents(cb) + local)
    index = build_index(loaded)
    import datetime as dt

    ctx = LintContext(index, dt.date.today())
    for module in LINT:
        out.problems += [p for p in module.check(ctx) if not p.file.startswith(_SHIPPED)]
    shipped = set(cb.payers)
    for doc in local:
        head = index.filled.get(doc.file, {}).get("profile")
        pid = head.get("id") if isinstance(head, dict) else None
        if isinstance(pid, str) and pid in shipped:
            kind = "profile" if (cb.payers[pid].get("profile")) else "payer"
            out.problems.append(Problem(
                doc.file, doc.line(("profile", "id")), pid,
                f"the id collides with the shipped {kind} {pid!r} ({cb.payers[pid].get('name')})",
                f"choose another id (e.g. {pid}_local); to build on it, write base: {pid}",
                "profile-collision"))
    out.problems = sort_problems(out.problems)
    if out.problems:
        return out
    filled = [(doc.file, index.filled[doc.file]) for doc in local]
    out.profiles = profiles_of(filled)
    for _, data in filled:
        out.sources += list(data.get("sources") or ())
    try:
        with_profiles(cb, out)
    except CodebookError as exc:  # e.g. a cycle through a shipped profile the lint missed
        out.problems.append(Problem(folder, 0, "", str(exc), "fix the profiles' bases"))
        out.profiles = []
    return out


def with_profiles(cb: Codebook, local: LocalProfiles) -> Codebook:
    """A new Codebook: `cb` plus the local profiles (and the sources their files define)."""
    raw = dict(cb.source_bundle)
    raw["payer_profiles"] = [*(raw.get("payer_profiles") or ()), *local.profiles]
    known = {s.get("id") for s in raw.get("sources") or ()}
    raw["sources"] = [*(raw.get("sources") or ()),
                      *(s for s in local.sources if s.get("id") not in known)]
    raw["meta"] = dict(raw.get("meta") or {}, payer_profiles=local.folder)
    out = Codebook(raw, path=cb.path)
    out.local_profile_ids = tuple(p["id"] for p in local.profiles)  # type: ignore[attr-defined]
    return out
