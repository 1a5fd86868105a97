"""The last stage of engine.check: every user-facing message written once, and the result.

The stages before it (engine.core.select, engine.core.rules, engine.core.requested) do not
write sentences: they leave notes (engine.core.notes) — which message, its template, the values
to fill and the sources — and trace entries. `result` writes each note's template
(engine.core.templates) against the encounter's context as it stood when the note was taken
(the note's codes: the selected codes at that point), fills the phrases a note asks for
(engine.core.phrases), drops repeated warnings and returns the result dict
(engine/data/result.schema.json).
"""

from __future__ import annotations

from engine.core.notes import FIXED, SQUASH
from engine.core.templates import render

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Iterable
    from typing import Any

    from engine.core.codebook import Codebook
    from engine.core.notes import Note

__all__ = ["result"]


def result(cb: Codebook, ctx: dict[str, Any], day: str, billable: bool,
           lines: list[dict[str, Any]], notes: Iterable[Note], checklist: Iterable[Note],
           trace: list[dict[str, Any]], provisional: bool) -> dict[str, Any]:
    """The result of engine.check: `notes` written in order (a warning repeated with the same
    id and text is kept once), `checklist` written (empty and repeated items dropped)."""
    warnings: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for nid, severity, template, extra, sources, codes, how, fills in notes:
        if how == FIXED:
            text = template
        else:
            ctx["selected_codes"] = ctx["codes"] = codes
            if fills is not None:
                extra = dict(extra or ())
                for name, fill in fills.items():
                    extra[name] = fill()
            text = render(template, ctx, extra)
            if how == SQUASH:
                text = " ".join(text.split())
        key = (nid, text)
        if key not in seen:
            seen.add(key)
            warnings.append({"id": nid, "severity": severity, "message": text,
                             "sources": list(sources)})
    items: list[str] = []
    for _, _, template, extra, _, codes, how, _ in checklist:  # rules' texts: never squashed
        if how != FIXED:
            ctx["selected_codes"] = ctx["codes"] = codes
            template = render(template, ctx, extra)
        if template and template not in items:
            items.append(template)
    return {
        "billable": billable,
        "lines": lines,
        "warnings": warnings,
        "checklist": items,
        "trace": trace,
        "as_of": day,
        "provisional": provisional,
        "codebook": cb.version,
    }
