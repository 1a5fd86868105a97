"""A practice's own payer profiles: a folder of YAML (or JSON) files, checked with the codebook's
schema and lint rules against a compiled bundle, then added to it without forking the codebook.

    profiles, problems = load_profile_folder("my-payers/", codebook)
    cb = with_profiles(codebook, profiles)

Problems print as ``file:line: entry: what — fix`` (file as given on the command line). A
local id equal to a shipped payer or profile is a problem, never a silent override.

The files are read and checked by engine/core/profile_check.py, the code the browser checker
runs on a profile a reader loads there: both give the same lines for the same file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core.codebook import Codebook, CodebookError
from engine.core.profile_check import check_files, with_local
from engine.tooling.problems import Problem
from engine.tooling.schema import inlined

SUFFIXES = (".yaml", ".yml", ".json")
KIND = "payer-profile"


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


def profile_files(folder: str) -> list[str]:
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if name.lower().endswith(SUFFIXES) and not name.startswith("."))


def _with_schema(cb: Codebook) -> Codebook:
    """`cb`, carrying the profile schema (a bundle compiled before it carried one: from
    codebook/schema/)."""
    if "profile_schema" in cb.source_bundle:
        return cb
    view = Codebook.__new__(Codebook)
    view.__dict__.update(cb.__dict__)
    view.source_bundle = {**cb.source_bundle, "profile_schema": inlined(KIND)}
    return view


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
    files: list[tuple[str, bytes | str]] = []
    for path in out.files:
        try:
            files.append((path, Path(path).read_bytes()))
        except OSError as exc:
            out.problems.append(Problem(path, 0, "", f"cannot read the file ({exc.strerror})",
                                        "check that the file exists and is readable", "load"))
    checked = check_files(files, _with_schema(cb))
    out.problems += checked.problems
    if out.problems:
        return out
    out.profiles, out.sources = checked.profiles, checked.sources
    try:
        with_profiles(cb, out)
    except CodebookError as exc:  # e.g. a cycle through a shipped profile the checks missed
        out.problems.append(Problem(folder, 0, "", str(exc), "fix the profiles' bases"))
        out.profiles = []
    return out


def with_profiles(cb: Codebook, local: LocalProfiles) -> Codebook:
    """A new Codebook: `cb` plus the local profiles (and the sources their files define)."""
    return with_local(cb, local.profiles, local.sources, local.folder)
