"""Cells a spreadsheet would run as a formula, made plain text.

A CSV cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection"): an id or a note taken from a
claims file could then run when a coder opens telecode's output. Every CSV telecode writes
passes its cells through `spreadsheet_safe`, which puts an apostrophe in front of such a cell
(the spreadsheets' own sign for "this is text"; they show the cell without it).

Standard library only (the engine core).
"""

from __future__ import annotations

__all__ = ["FORMULA_START", "spreadsheet_safe"]

FORMULA_START = frozenset("=+-@\t\r")


def spreadsheet_safe(text: str) -> str:
    """`text`, with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if text[:1] in FORMULA_START else text
