"""telecode engine core: what to report for a US telehealth encounter, from the compiled codebook.

Public API (v1):

    import engine
    cb = engine.load_codebook()            # engine/data/codebook.json by default
    result = engine.check(encounter, cb)   # dict: engine/data/result.schema.json
    engine.EncounterError                  # invalid encounter; .errors = [{"field","message"}]
    cb.bundle, cb.version                  # raw bundle; "<meta.version>+<meta.hash[:12]>"

Query helpers on `Codebook` (dictionary lookups, indexes built once per bundle):
code_versions(code), code_on(code, day), code_validity(code, day), family(id),
codes_of_family(id, day=None), status_of(code, payer, day) -> record | "no_record" |
"not_valid_on_date", status_name(...), is_payable(...), routes_of(payer, modality=None),
route(id), rules_for(payer, modality), rule(id), flexibility_on(day), flexibility(id),
conflict(id), message(id), source(id), payer(id), modifier_on(code, day), pos_on(code, day),
covers(day).

Line text shared with the batch checker: format_line / format_lines ("99214-95@10;99458x2"),
parse_billed, line_matches, lines_match.

The core is the only layer that runs in the browser (the checker's wheel holds engine/core
and the compiled codebook, nothing else). engine.check (pipeline) runs one encounter through
the stages, each in its own module and each returning data: contract (validate the encounter)
-> plan (per-codebook precomputation by payer, modality, clinician and date segment; segments
from stretches) -> select (the route and each family's lines; methods: the selection methods)
-> rules (deny, drop, warn / info / checklist) -> requested (the code asked about) -> render
(every message written once, from the notes the stages return, see notes; templates fills
placeholders, phrases the ready-made phrases). Also: codebook (loading, queries), conditions
(`when`), sources (source ids), lines (line text), errors (EncounterError), profiles (payer
profiles), payments (Medicare national amounts of result lines), claim (claim mode),
web (the browser worker's entry point). Standard library only; runs in Pyodide.
"""

from __future__ import annotations

from engine.core.codebook import Codebook, CodebookError, load_codebook
from engine.core.errors import EncounterError
from engine.core.lines import format_line, format_lines, line_matches, lines_match, parse_billed
from engine.core.pipeline import check, default_codebook

__all__ = [
    "Codebook",
    "CodebookError",
    "EncounterError",
    "check",
    "default_codebook",
    "format_line",
    "format_lines",
    "line_matches",
    "lines_match",
    "load_codebook",
    "parse_billed",
]
