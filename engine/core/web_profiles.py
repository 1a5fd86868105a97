"""The checker widget's "Use my payer profile": a reader's own profile files, checked and added
to the codebook the widget answers from. JSON text out; the files never leave the browser
(the Web Worker calls these functions with the files' text).

    load_profiles(files) -> str   files: JSON [{"name": "acme.yaml", "text": "..."}, ...]
                                  -> {"ok": [ids], "payers": [{"id", "name"}], "errors": []}
                                  or {"ok": [], "payers": [], "errors": ["file:line: ..."]}
                                  (the lines `telecode payer-profile validate` prints for the
                                  same files: engine/core/profile_check.py). Replaces the
                                  profiles loaded before; on errors the widget answers from the
                                  shipped codebook alone.
    load_profile(name, text)      the same for one file
    forget_profiles() -> str      back to the shipped codebook; {"ok": []}

The codebook with the profiles replaces engine.core.web's (web.run answers from it); the
shipped one is kept to check the next files against (a local id equal to a shipped one is an
error, never an override).
"""

from __future__ import annotations

import json

from engine.core import web
from engine.core.codebook import CodebookError
from engine.core.profile_check import check_files, with_local

TYPE_CHECKING = False
if TYPE_CHECKING:
    from engine.core.codebook import Codebook

__all__ = ["load_profiles", "load_profile", "forget_profiles"]

_shipped: Codebook | None = None


def _base() -> Codebook:
    """The shipped codebook (before any local profile)."""
    global _shipped
    if _shipped is None:
        web.start()
        _shipped = web._codebook
    assert _shipped is not None
    return _shipped


def _answer(ok: list[str], payers: list[dict[str, str]], errors: list[str]) -> str:
    return json.dumps({"ok": ok, "payers": payers, "errors": errors})


def load_profiles(files: str) -> str:
    """Check the files (JSON list of {name, text}) and answer from their profiles."""
    base = _base()
    try:
        given = json.loads(files)
        if not isinstance(given, list) or not given:
            raise ValueError("no file was given")
        pairs = [(str(f["name"]), str(f["text"])) for f in given]
    except (ValueError, TypeError, KeyError) as exc:
        return _answer([], [], [f"the files could not be read ({exc})"])
    web._codebook = base  # a broken file leaves the widget with the shipped codebook
    checked = check_files(pairs, base)
    if not checked.ok:
        return _answer([], [], [str(p) for p in checked.problems])
    label = ", ".join(name for name, _ in pairs)
    try:
        cb = with_local(base, checked.profiles, checked.sources, label)
    except CodebookError as exc:
        return _answer([], [], [f"{label}: -: {exc} — fix the profiles' bases"])
    web._codebook = cb
    payers = [{"id": p["id"], "name": str(p.get("short_name") or p.get("name") or p["id"])}
              for p in checked.profiles]
    return _answer([p["id"] for p in checked.profiles], payers, [])


def load_profile(name: str, text: str) -> str:
    """One file: see load_profiles."""
    return load_profiles(json.dumps([{"name": name, "text": text}]))


def forget_profiles() -> str:
    """Answer from the shipped codebook again."""
    web._codebook = _base()
    return json.dumps({"ok": [], "payers": [], "errors": []})
