"""Ready-made phrases that fill {validity}, {replacement} and {report} in the requested-code
messages, so a template never shows a hole where a value is empty (no end date, no replacement,
nothing reportable).

The words are data: messages.yaml `phrases:` (bundle key `phrases`, name -> text). The engine
fills each phrase's own placeholders only (ENGINE_PHRASES); the lint rule engine-phrases checks
that every phrase exists and uses no other placeholder. Standard library only.
"""

from __future__ import annotations

from engine.core.codebook import Codebook, CodebookError
from engine.core.lines import format_lines
from engine.core.templates import is_strict, render

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["ENGINE_PHRASES", "phrase", "codes_phrase", "validity_phrase", "replacement_phrase",
           "report_phrase"]

# phrase name -> the placeholders the engine fills for it
ENGINE_PHRASES: dict[str, tuple[str, ...]] = {
    # {validity}: when a code exists
    "valid_open": ("start",),
    "valid_closed": ("start", "end"),
    # {replacement}: what took a deleted code's place ({payer_label}: the payer's words, or the
    # phrase this_payer), or what a code not yet valid will replace
    "replaced_by": ("codes",),
    "replaced_by_unpaid": ("codes", "payer_label"),
    "replaced_by_some_unpaid": ("codes", "payer_label", "unpaid"),
    "this_payer": (),
    "replaces": ("codes", "start"),
    # {report}: what to report instead
    "report": ("lines",),
    "report_nothing": (),
}


def phrase(cb: Codebook, name: str, **values: str) -> str:
    """The bundle's phrase `name` with `values` filled. A bundle without it is a codebook
    defect (lint engine-phrases): an error in strict mode, else "" (the message still reads)."""
    text = cb.phrases.get(name)
    if not isinstance(text, str):
        if is_strict():
            raise CodebookError(f"messages.yaml has no phrase {name!r}")
        return ""
    return render(text, {}, values)


def _and(items: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def codes_phrase(codes: list[str]) -> str:
    """Codes in words: runs of three or more consecutive numeric codes as a range.
    ["98008", ..., "98015"] -> "98008–98015"; ["G2012", "98016"] -> "G2012 and 98016"."""
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while (j + 1 < len(codes) and codes[j].isdigit() and codes[j + 1].isdigit()
               and len(codes[j + 1]) == len(codes[j])
               and int(codes[j + 1]) == int(codes[j]) + 1):
            j += 1
        if j - i >= 2:
            parts.append(f"{codes[i]}–{codes[j]}")
        else:
            parts += codes[i:j + 1]
        i = j + 1
    return _and(parts)


def validity_phrase(cb: Codebook, versions: list[dict[str, Any]]) -> str:
    """When a code exists: from its first version's start to its last version's end."""
    start, end = versions[0].get("from"), versions[-1].get("to")
    if end is None:
        return phrase(cb, "valid_open", start=start)
    return phrase(cb, "valid_closed", start=start, end=end)


def replacement_phrase(cb: Codebook, version: dict[str, Any], day: str,
                       payer: str | None = None, payer_word: str | None = None) -> str:
    """What took a deleted code's place, or what a not-yet-valid code will replace; "".
    With `payer`, replacement codes the payer does not pay on `day` are flagged (the payer
    named `payer_word`, default the phrase this_payer)."""
    replaced_by = [c for c in version.get("replaced_by") or () if c]
    if replaced_by and (version.get("to") or "9999") < day:
        codes = codes_phrase(replaced_by)
        if payer is None:
            return phrase(cb, "replaced_by", codes=codes)
        unpaid = [c for c in replaced_by if not cb.is_payable(c, payer, day)]
        if not unpaid:
            return phrase(cb, "replaced_by", codes=codes)
        who = payer_word or phrase(cb, "this_payer")
        if len(unpaid) == len(replaced_by):
            return phrase(cb, "replaced_by_unpaid", codes=codes, payer_label=who)
        return phrase(cb, "replaced_by_some_unpaid", codes=codes, payer_label=who,
                      unpaid=codes_phrase(unpaid))
    replaces = [c for c in version.get("replaces") or () if c]
    if replaces and day < (version.get("from") or ""):
        return phrase(cb, "replaces", codes=codes_phrase(replaces), start=version.get("from"))
    return ""


def report_phrase(cb: Codebook, lines: list[dict[str, Any]]) -> str:
    """What to report for the encounter, in a sentence."""
    if not lines:
        return phrase(cb, "report_nothing")
    return phrase(cb, "report", lines=format_lines(lines))
