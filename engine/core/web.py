"""The engine's side of the checker widget (/checker/): JSON text in, JSON text out.

The widget's Web Worker (docs/assets/checker/worker.js) calls `run` for every answer. `start`
loads the codebook once; the site build calls it under Pyodide in Node and saves the result as a
memory snapshot (scripts/widget-snapshot.mjs), which the worker restores instead of starting
Python; when it cannot, the worker installs the wheel and calls `start` itself.

    start() -> str          load the codebook (kept for the page's life); its version
    run(text) -> str        one encounter (JSON) -> {"result": ...} | {"errors": [...]} |
                            {"failed": "<traceback>"}; never raises. A Medicare answer whose
                            lines have fee schedule rows also gets "payments": one entry per
                            line (engine/core/payments.py, line_amounts; null for a line
                            without a row)
    run_form(text) -> str   the checker form: a JSON object of key -> the text typed or chosen
                            (or a JSON value), each text read by contract.decode_text exactly
                            as a command-line flag is; then as `run`, and the answer also has
                            "doubts": entries valid but unlikely as typed (plausibility.py)
    version() -> str        the codebook version `start` loaded
    warm_up_encounters(first)  encounters (JSON) the worker checks in idle time after the first
                            answer (see the function)
"""

from __future__ import annotations

import gc
import json

from engine.core.codebook import load_codebook
from engine.core.contract import FIELDS, PAYERS, decode_text
from engine.core.errors import EncounterError
from engine.core.payments import line_amounts
from engine.core.pipeline import check
from engine.core.plan import compiled
from engine.core.plausibility import doubts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from engine.core.codebook import Codebook

_codebook: Codebook | None = None


def start() -> str:
    """Load the codebook (once) and return its version."""
    global _codebook
    if _codebook is None:
        _codebook = load_codebook()
        compiled(_codebook)  # conditions compiled, rules digested: not on the first answer
        # The codebook and the modules live as long as the page: keep them out of the garbage
        # collector's full passes (in wasm these cost tens of ms, right in the middle of an
        # answer).
        gc.freeze()
    return _codebook.version


def version() -> str:
    if _codebook is None:
        raise RuntimeError("engine.core.web.start() has not run")
    return _codebook.version


def run(text: str) -> str:
    """One encounter as JSON text in, one answer as JSON text out; never raises."""
    return _answer(text, form=False)


def run_form(text: str) -> str:
    """The checker form's texts (a JSON object) in, one answer as JSON text out; never raises."""
    return _answer(text, form=True)


def _decoded(form: dict[str, object]) -> dict[str, object]:
    """Each contract key's text read as `telecode check --KEY TEXT` reads it; a key the
    contract does not have, and a value that is not text, go on as they are (the validator
    names what is wrong)."""
    out: dict[str, object] = {}
    for name, value in form.items():
        if isinstance(value, str) and name in FIELDS:
            value = decode_text(name, value)
            if value is None:
                continue
        out[name] = value
    return out


def _answer(text: str, form: bool) -> str:
    notes: list[dict[str, str]] = []
    try:
        if _codebook is None:
            start()
        encounter = json.loads(text)
        if form and isinstance(encounter, dict):
            encounter = _decoded(encounter)
            notes = doubts(encounter, _codebook)
        result = check(encounter, _codebook)
        answer: dict[str, object] = {"result": result}
        if encounter.get("payer") == "medicare" and result["lines"]:
            amounts = line_amounts(_codebook, result["lines"], result["as_of"])
            if any(amounts):
                answer["payments"] = amounts
    except EncounterError as err:
        answer = {"errors": err.errors}
    except Exception:
        import traceback  # only when something went wrong: not at start-up

        return json.dumps({"failed": traceback.format_exc()})
    if form:
        answer["doubts"] = notes
    return json.dumps(answer)


def warm_up_encounters(first: str | None = None) -> list[str]:
    """Encounters (JSON texts, for `run_form`) for the worker to check once after the first
    answer: the first encounter's (the form's texts) neighbours (each other value of each
    choice it makes: payer, kind of service, decision making, ...), the reader's likeliest next
    questions, then every FAQ's encounter for every payer.

    The browser compiles each wasm function of the interpreter when it first runs, and again
    when an optimisation proves wrong. After a restored snapshot little has run, so a reader's
    first edits would wait for that (10-20 ms each time, traced); checking these first, one at
    a time, moves that work before the reader's edits. Their answers are dropped."""
    start()
    assert _codebook is not None
    found: list[str] = []
    try:
        base = json.loads(first) if first else None
    except ValueError:
        base = None
    if isinstance(base, dict):
        for field in FIELDS.values():
            if field.kind == "enum" and field.name in base:
                found += [json.dumps({**base, field.name: value}) for value in field.choices
                          if value != base[field.name]]
    for faq in _codebook.bundle.get("faqs") or ():
        encounter = faq.get("encounter")
        if encounter:
            found += [json.dumps({**encounter, "payer": payer}) for payer in PAYERS]
    return found
