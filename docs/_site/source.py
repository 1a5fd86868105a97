"""Where the site's data comes from: the compiled codebook bundle, read through the engine.

The bundle is `engine/data/codebook.json` (written by `telecode compile`, which scripts/build
runs first). Set TELECODE_CODEBOOK to build the site from another compiled bundle (the tests
build a fixture bundle this way).
"""

from __future__ import annotations

import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the engine package lives at the project root
    sys.path.insert(0, str(ROOT))

import engine  # noqa: E402  (needs ROOT on sys.path in a clone without an editable install)
from engine.core.codebook import Codebook, CodebookError  # noqa: E402

ENV_VAR = "TELECODE_CODEBOOK"


class SiteDataError(Exception):
    """The codebook lacks something a page needs. The message says what and how to fix it."""


def bundle_path() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).resolve()
    return Path(engine.core.codebook.DEFAULT_PATH)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> tuple[Codebook, Codebook]:  # noqa: ARG001 - mtime_ns and size are the cache key
    """(the codebook without payer profiles, the codebook with them). The pages written before
    payer profiles (codes, rules, routes, the payer matrix of the three defaults) read the
    first; the payer profile pages read the second."""
    full = engine.load_codebook(path)
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if not raw.get("payer_profiles"):
        return full, full
    raw.pop("payer_profiles")
    return Codebook(raw, path=path), full


def codebook() -> Codebook:
    """The codebook for this build (re-read when the file changes, e.g. under mkdocs serve),
    without its payer profiles (see `with_profiles`)."""
    return _both()[0]


PROFILES_VAR = "TELECODE_PAYER_PROFILES"  # a practice's own payer profiles (scripts/build)
_local_cache: dict[tuple, Codebook] = {}


def with_profiles() -> Codebook:
    """The codebook with its payer profiles resolved (the payer pages), plus a practice's own
    profiles when TELECODE_PAYER_PROFILES names a folder (scripts/build --payer-profiles)."""
    full = _both()[1]
    folder = os.environ.get(PROFILES_VAR)
    if not folder:
        return full
    try:
        stamp = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size)
                      for f in sorted(Path(folder).iterdir()))
    except OSError:
        stamp = ()
    key = (id(full), folder, stamp)
    found = _local_cache.get(key)
    if found is None:
        from engine.tooling.payer_profiles import load_profile_folder
        from engine.tooling.payer_profiles import with_profiles as add

        local = load_profile_folder(folder, full)
        if not local.ok:
            raise SiteDataError(f"the payer profiles in {folder} do not pass:\n  "
                                + "\n  ".join(str(p) for p in local.problems))
        found = _local_cache[key] = add(full, local)
    return found


def _both() -> tuple[Codebook, Codebook]:
    path = bundle_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SiteDataError(
            f"{path}: compiled codebook not found. Run `telecode compile -o {path}` "
            "(scripts/build does this) or point TELECODE_CODEBOOK at a compiled bundle."
        ) from None
    try:
        return _load(str(path), st.st_mtime_ns, st.st_size)
    except CodebookError as exc:
        raise SiteDataError(str(exc)) from None


def check(encounter: dict[str, Any], cb: Codebook) -> dict[str, Any]:
    """The engine's answer for one encounter (the same call the CLI and the checker make)."""
    return engine.check(encounter, cb)


EncounterError = engine.EncounterError
