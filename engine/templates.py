"""Message templates: `{name}` and `{a.b}` placeholders filled from a context dict.

Lists render joined with ", ", null renders as an empty string. An unknown placeholder is a
codebook defect (the validator lints templates): in strict mode (tests: `set_strict(True)` or
the environment variable TELECODE_STRICT=1) it raises CodebookError; otherwise the placeholder
is left in the text literally, so a user still gets the rest of the message.
"""

from __future__ import annotations

import os
import re
from typing import Any

from engine.codebook import CodebookError

__all__ = ["render", "placeholders", "set_strict", "is_strict"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")

_STRICT = os.environ.get("TELECODE_STRICT", "") not in ("", "0")


def set_strict(on: bool) -> None:
    global _STRICT
    _STRICT = bool(on)


def is_strict() -> bool:
    return _STRICT


_MISSING = object()


def _lookup(ctx: dict[str, Any], dotted: str) -> Any:
    value: Any = ctx
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def render(template: Any, ctx: dict[str, Any]) -> str:
    """Fill the placeholders of `template` from `ctx`."""
    if not isinstance(template, str):
        return "" if template is None else str(template)
    if "{" not in template:
        return template

    def fill(m: re.Match[str]) -> str:
        value = _lookup(ctx, m.group(1))
        if value is _MISSING:
            if _STRICT:
                raise CodebookError(f"unknown placeholder {m.group(0)} in message {template!r}")
            return m.group(0)
        return _text(value)

    return _PLACEHOLDER.sub(fill, template)


def placeholders(template: str) -> list[str]:
    """The placeholder names a template uses (for linting)."""
    return _PLACEHOLDER.findall(template or "")
