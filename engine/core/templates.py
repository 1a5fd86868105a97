"""Message templates: `{name}` and `{a.b}` placeholders filled from a context dict.

Lists render joined with ", ", null renders as an empty string. An unknown placeholder is a
codebook defect (the validator lints templates): in strict mode (tests: `set_strict(True)` or
the environment variable TELECODE_STRICT=1) it raises CodebookError; otherwise the placeholder
is left in the text literally, so a user still gets the rest of the message.
"""

from __future__ import annotations

import os
import re

from engine.core.codebook import CodebookError

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["render", "placeholders", "set_strict", "is_strict"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")

_STRICT = os.environ.get("TELECODE_STRICT", "") not in ("", "0")


def set_strict(on: bool) -> None:
    global _STRICT
    _STRICT = bool(on)


def is_strict() -> bool:
    return _STRICT


_MISSING = object()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


_PARSED: dict[str, tuple[tuple[str, tuple[str, ...] | None, str], ...]] = {}


def _parse(template: str) -> tuple[tuple[str, tuple[str, ...] | None, str], ...]:
    """(literal, placeholder path or None, placeholder text) pieces, cached per template."""
    parts = _PARSED.get(template)
    if parts is None:
        out = []
        pos = 0
        for m in _PLACEHOLDER.finditer(template):
            out.append((template[pos:m.start()], tuple(m.group(1).split(".")), m.group(0)))
            pos = m.end()
        out.append((template[pos:], None, ""))
        parts = _PARSED[template] = tuple(out)
    return parts


def render(
    template: Any, ctx: dict[str, Any], extra: dict[str, Any] | None = None
) -> str:
    """Fill the placeholders of `template` from `extra` (first) and `ctx`."""
    if not isinstance(template, str):
        return "" if template is None else str(template)
    if "{" not in template:
        return template
    pieces: list[str] = []
    for literal, path, raw in _parse(template):
        pieces.append(literal)
        if path is None:
            continue
        head = path[0]
        if extra is not None and head in extra:
            value: Any = extra[head]
        elif head in ctx:
            value = ctx[head]
        else:
            value = _MISSING
        if len(path) > 1:
            for part in path[1:]:
                if value is not _MISSING and isinstance(value, dict) and part in value:
                    value = value[part]
                else:
                    value = _MISSING
        if type(value) is str:
            pieces.append(value)
        elif value is _MISSING:
            if _STRICT:
                raise CodebookError(f"unknown placeholder {raw} in message {template!r}")
            pieces.append(raw)
        else:
            pieces.append(_text(value))
    return "".join(pieces)


def placeholders(template: str) -> list[str]:
    """The placeholder names a template uses (for linting)."""
    return _PLACEHOLDER.findall(template or "")
