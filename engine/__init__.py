"""telecode engine: what to report for a US telehealth encounter, from the compiled codebook.

Public API (v1):

    import engine
    cb = engine.load_codebook()            # engine/data/codebook.json by default
    result = engine.check(encounter, cb)   # dict, the issue-3 result contract
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

Modules: codebook (loading, queries), encounter (the input contract), conditions (`when`),
templates (message placeholders), selection (selection methods), plan (per-codebook
precomputation by payer, modality, clinician and date segment), checker (engine.check),
lines (line text), errors (EncounterError). Standard library only; runs in Pyodide.
"""

from __future__ import annotations

from engine.checker import check, default_codebook
from engine.codebook import Codebook, CodebookError, load_codebook
from engine.errors import EncounterError
from engine.lines import format_line, format_lines, line_matches, lines_match, parse_billed

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
