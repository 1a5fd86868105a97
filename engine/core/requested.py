"""The requested-code stage of engine.check: what the codebook says about the code the user
asked about (`requested_code`), compared with the lines the encounter gets.

In order: a code the codebook does not know; a code not valid on the date (its validity, what
replaced it, what to report instead: phrases the render stage fills, engine.core.phrases); a
code the payer does not pay; nothing reportable; the same code; an add-on the encounter did
not earn (its time threshold or its primary code, from the selection's `needs`); another code.
Returns a Said (engine.core.notes): notes and trace entries; nothing is written here.
"""

from __future__ import annotations

from functools import partial

from engine.core.codebook import PAYABLE_STATUSES
from engine.core.lines import format_lines
from engine.core.notes import Said, required_note
from engine.core.phrases import replacement_phrase, report_phrase, validity_phrase

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

    from engine.core.codebook import Codebook
    from engine.core.plan import Compiled

__all__ = ["answer_requested"]


def answer_requested(cb: Codebook, comp: Compiled, enc: dict[str, Any], code: str,
                     lines: list[dict[str, Any]], needs: dict[str, dict[str, Any]],
                     codes: list[str]) -> Said:
    """Notes and trace about `code` for an encounter whose lines are `lines`; `needs`: add-on
    code -> what it lacked (engine.core.methods.Selection.needs); `codes`: the selected codes
    (the context the notes are written in)."""
    said = Said()
    day = enc["date_of_service"]
    expected = format_lines(lines)
    extra: dict[str, Any] = {"requested_code": code, "expected": expected}
    versions = cb.code_versions(code)
    if not versions:
        said.notes.append(required_note(cb, comp, "requested-code-unknown", codes, extra))
        said.step("requested-code-unknown", f"{code} is not in the codebook", [])
        return said
    version = cb.code_on(code, day)
    if version is None:
        # the version nearest the date: the last one before it, else the first after it
        before = [v for v in versions if (v.get("to") or "9999") < day]
        near = before[-1] if before else versions[0]
        extra.update(valid_from=versions[0].get("from"), valid_to=versions[-1].get("to"),
                     replaced_by=near.get("replaced_by") or [])
        fills = {
            "validity": partial(validity_phrase, cb, versions),
            "replacement": partial(replacement_phrase, cb, near, day, enc["payer"],
                                   (cb.labels.get("payer") or {}).get(enc["payer"])),
            "report": partial(report_phrase, cb, lines),
        }
        srcs = comp.source_ids(near)
        said.notes.append(required_note(cb, comp, "requested-code-not-valid-on-date", codes,
                                        extra, srcs, fills))
        said.step("requested-code-not-valid-on-date", f"{code} is not valid on {day}", srcs)
        return said
    status = cb.status_of(code, enc["payer"], day)
    if isinstance(status, dict) and status.get("status") not in PAYABLE_STATUSES:
        extra.update(status=status.get("status"), instead=status.get("instead"),
                     status_label=cb.label("status", status.get("status")))
        srcs = comp.source_ids(status)
        said.notes.append(required_note(cb, comp, "requested-code-not-payable", codes, extra,
                                        srcs, {"report": partial(report_phrase, cb, lines)}))
        said.step("requested-code-not-payable",
                  f"{enc['payer']} status of {code} on {day}: {status.get('status')}", srcs)
        return said
    if not lines:
        said.step("requested-code", f"{code}: nothing is reportable for this encounter", [])
        return said
    srcs = comp.source_ids(version)
    if any(line["code"] == code for line in lines):
        said.notes.append(required_note(cb, comp, "requested-code-matches", codes, extra, srcs))
        said.step("requested-code-matches", f"{code} is what the codebook selects", srcs)
    elif code in needs:
        _add_on(cb, comp, said, code, extra, needs[code], srcs, codes)
    else:
        said.notes.append(required_note(cb, comp, "requested-code-differs", codes, extra, srcs))
        said.step("requested-code-differs", f"{code} differs from {expected}", srcs)
    return said


def _add_on(cb: Codebook, comp: Compiled, said: Said, code: str, extra: dict[str, Any],
            need: dict[str, Any], srcs: list[str], codes: list[str]) -> None:
    """The add-on asked about lacked its time threshold or its primary code."""
    if "threshold" in need:
        time = need.get("time")
        extra = dict(extra, primary_code=need["primary"], threshold_minutes=need["threshold"],
                     time_minutes=time if time is not None else 0)
        said.notes.append(required_note(cb, comp, "requested-add-on-threshold", codes, extra,
                                        srcs))
        said.step("requested-add-on-threshold",
                  f"{code} needs {need['threshold']} minutes with {need['primary']}; "
                  f"{time} given", srcs)
        return
    primaries = need.get("primaries") or []
    words = primaries[0] if len(primaries) == 1 else (
        ", ".join(primaries[:-1]) + " or " + primaries[-1] if primaries else "")
    extra = dict(extra, primaries=words)
    said.notes.append(required_note(cb, comp, "requested-add-on-no-primary", codes, extra, srcs))
    said.step("requested-add-on-no-primary", f"{code}: no line of {words} to add it to", srcs)
