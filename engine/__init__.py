"""telecode engine: what to report for a US telehealth encounter, from the compiled codebook.

Public API (v1):

    import engine
    cb = engine.load_codebook()            # engine/data/codebook.json by default
    result = engine.check(encounter, cb)   # dict, the issue-3 result contract
    engine.EncounterError                  # invalid encounter; .errors = [{"field","message"}]

Standard library only.
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
