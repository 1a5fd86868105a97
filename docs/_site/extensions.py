"""Discovery of the page-generator modules `docs/_site/pages_*.py` (see hook.py)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


class ExtensionError(Exception):
    """A generator module is broken; the message names its file."""


def generators() -> list[ModuleType]:
    """Every `pages_*.py` module, sorted by file name (imported once, then cached by Python)."""
    mods = []
    for path in sorted(HERE.glob("pages_*.py")):
        try:
            mod = importlib.import_module(f"_site.{path.stem}")
        except Exception as exc:  # a broken extension names itself, not a traceback
            raise ExtensionError(f"{path}: cannot import page generator: {exc}") from None
        if not callable(getattr(mod, "pages", None)):
            raise ExtensionError(f"{path}: a page generator must define pages(codebook) -> dict")
        mods.append(mod)
    return mods


def code_page_sections(codebook, code: str, src: str) -> list[str]:
    """Markdown sections (each starting with its `## ` heading) that generator modules add to a
    code page, from their optional `code_page_section(codebook, code, src)` (None: nothing)."""
    out: list[str] = []
    for mod in generators():
        fn = getattr(mod, "code_page_section", None)
        if callable(fn):
            text = fn(codebook, code, src)
            if text:
                out.append(str(text))
    return out


def code_page_links(codebook, code: str) -> list[tuple[str, str]]:
    """(page source path, plain-text title) pairs that generator modules want listed under
    "See also" on a code page, from their optional `code_page_links(codebook, code)`."""
    out: list[tuple[str, str]] = []
    for mod in generators():
        fn = getattr(mod, "code_page_links", None)
        if callable(fn):
            out.extend((str(src), str(text)) for src, text in fn(codebook, code))
    return out
