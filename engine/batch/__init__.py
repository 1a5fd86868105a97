"""engine.batch: the engine over many encounter rows, fast and in constant memory.

    import engine.batch
    for r in engine.batch.check_rows(rows):        # rows: an iterable of mappings
        print(r.id, r.verdict, r.expected, r.reason)

Modules: checker (BatchChecker, check_rows, the memos), cells (reading cell text as the
contract's values), results (Outcome, RowResult, BatchSummary), fast_csv (the CSV -> CSV loop).
Standard library only; imports engine.core, never engine.cli or engine.tooling.
"""

from __future__ import annotations

from engine.batch.checker import (
    BILLED_COLUMNS,
    MESSAGES,
    OUTPUT_COLUMNS,
    REQUIRED_COLUMNS,
    SHORT_COLUMNS,
    VERDICTS,
    BatchChecker,
    BatchSummary,
    BrokenRow,
    Outcome,
    RowResult,
    check_rows,
    csv_field,
    date_representatives,
    row_getter,
)

__all__ = [
    "BILLED_COLUMNS",
    "BatchChecker",
    "BatchSummary",
    "BrokenRow",
    "MESSAGES",
    "OUTPUT_COLUMNS",
    "Outcome",
    "REQUIRED_COLUMNS",
    "RowResult",
    "SHORT_COLUMNS",
    "VERDICTS",
    "check_rows",
    "csv_field",
    "date_representatives",
    "row_getter",
]
