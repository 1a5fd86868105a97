"""What the stages of engine.check return instead of sentences: notes and trace entries.

A stage (engine.core.select, engine.core.rules, engine.core.requested) does not write
messages: it takes a note — which message, its template, the values to fill, the sources and
the selected codes as they stand — and the render stage (engine.core.render) writes every note
once, at the end. Standard library only.
"""

from __future__ import annotations

from engine.core.codebook import Codebook, CodebookError
from engine.core.sources import merge
from engine.core.templates import is_strict

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Callable, Iterable
    from typing import Any

    from engine.core.plan import Compiled

__all__ = ["FIXED", "RENDER", "SQUASH", "Note", "Said", "engine_note", "note", "required_note"]

# A note is one message as a stage leaves it, not yet written: a plain tuple (the cheapest
# record to make; a check takes several)
#     (id, severity, template, extra, sources, codes, how, fills)
# `template` is written with `extra` (first) and the encounter's context, in which the selected
# codes are `codes` (the stage's view of them); `how`: RENDER, FIXED (the template is the text
# itself) or SQUASH (written, then runs of white space become one space: engine messages, so an
# empty value leaves no double space); `fills`: None or name -> a function giving a phrase to
# fill (engine.core.phrases), called by the render stage when it writes the message.
Note = tuple
RENDER, FIXED, SQUASH = 0, 1, 2


def note(nid: str, severity: str, template: Any, extra: dict[str, Any] | None,
         sources: list[str], codes: list[str], how: int = RENDER,
         fills: dict[str, Callable[[], str]] | None = None) -> Note:
    """A note (see above), named field by field."""
    return (nid, severity, template, extra, sources, codes, how, fills)


class Said:
    """What one stage says about an encounter: its notes and its trace entries, in order."""

    __slots__ = ("notes", "trace")

    def __init__(self) -> None:
        self.notes: list[Note] = []
        self.trace: list[dict[str, Any]] = []

    def step(self, rule: str, outcome: str, sources: Iterable[str]) -> None:
        self.trace.append({"rule": rule, "outcome": outcome, "sources": list(sources)})


def engine_note(cb: Codebook, comp: Compiled, mid: str, codes: list[str],
                extra: dict[str, Any] | None = None, sources: list[str] | None = None,
                severity: str | None = None,
                fills: dict[str, Callable[[], str]] | None = None) -> Note | None:
    """The messages.yaml message `mid` as a note citing its own sources, then `sources`;
    None when the bundle has no such message."""
    msg = cb.message(mid)
    if msg is None:
        return None
    return (mid, severity or msg.get("severity") or "warning", msg.get("text"), extra,
            merge(list(comp.source_ids(msg)), sources or ()), codes, SQUASH, fills)


def required_note(cb: Codebook, comp: Compiled, mid: str, codes: list[str],
                  extra: dict[str, Any] | None = None, sources: list[str] | None = None,
                  fills: dict[str, Callable[[], str]] | None = None) -> Note:
    """engine_note, for a message the bundle must have: a CodebookError in strict mode, else
    the message id itself as the text (the user is still told, plainly)."""
    note = engine_note(cb, comp, mid, codes, extra, sources, fills=fills)
    if note is None:
        if is_strict():
            raise CodebookError(f"messages.yaml has no message {mid!r}")
        return (mid, "warning", mid, None, list(sources or ()), codes, FIXED, None)
    return note
