"""CSV in, CSV out at full speed: the loop behind `telecode batch x.csv -o y.csv`.

    from engine.batch.fast_csv import check_csv
    header = next(csv.reader(fh))              # fh opened with newline=""
    check_csv(checker, header, fh, out.write, summary, extra_idx=[...], billed=True)

It gives exactly what `BatchChecker.table` over `csv.reader` rows gives, written the way
`csv.writer` (QUOTE_MINIMAL, "\\n" line ends) writes it, only faster:

- reading: a line with no double quote is split on commas, which is what csv.reader returns
  for it (in a file opened with newline="", a line can hold no line break but its end); a line
  with a quote goes to one csv.reader, which may take the following lines too (a quoted cell
  can span lines);
- checking: a plain line's cells joined (with its date stretch) are looked up in a memo of
  this file (one string to hash); on a miss, the checker's memo and the engine (see
  engine/batch/checker.py);
- writing: an outcome's cells are formatted once (`Outcome.csv_tail`); a row adds only its id
  and its extra cells, which need no quoting when its line had no quote (they then hold no
  comma, quote or line break).

Standard library only (the engine core).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence

from engine.batch.cells import FORMULA_CELL, safe_joined
from engine.batch.checker import (
    BILLED_COLUMNS,
    ID_COLUMN,
    MAX_UNREADABLE_IN_A_ROW,
    BatchChecker,
    BatchSummary,
    BrokenRow,
    HeaderLayout,
    csv_field,
    row_getter,
)
from engine.core.contract import FIELDS
from engine.core.spreadsheet import FORMULA_START, spreadsheet_safe

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["check_csv"]

_FLUSH_EVERY = 2048  # rows per write (and per progress tick)


class _Pushback:
    """An iterator over lines that can give back one line (for the csv.reader of quoted
    records, which reads on from the same lines as the fast path)."""

    __slots__ = ("lines", "first")

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.first: str | None = None

    def __iter__(self) -> _Pushback:
        return self

    def __next__(self) -> str:
        first = self.first
        if first is not None:
            self.first = None
            return first
        return next(self.lines)


class _Records:
    """The file's rare records: quoted ones (csv.reader reads them, from the same lines as the
    fast path) and unreadable ones; counts the lines that are not records of their own (blank
    lines, the further lines of a multi-line record) and the unreadable records in a row."""

    __slots__ = ("source", "reader", "first_line", "extra_lines", "failures")

    def __init__(self, lines: Iterator[str], first_line: int) -> None:
        self.source = _Pushback(lines)
        self.reader = csv.reader(self.source)
        self.first_line = first_line
        self.extra_lines = 0
        self.failures = 0

    def line_of(self, number: int) -> int:
        """The physical line of record `number` (1-based) when it is being read."""
        return self.first_line + number - 1 + self.extra_lines

    def quoted(self, line: str, number: int) -> Any:
        """The record that starts with `line` (it may span lines): its cells, [] for a blank
        line, or a BrokenRow; None at the end of the file."""
        self.source.first = line
        reader = self.reader
        before = reader.line_num
        try:
            row: Any = next(reader)
            self.failures = 0
        except StopIteration:  # pragma: no cover - the line itself is there to read
            return None
        except csv.Error as exc:
            self.unreadable()
            row = BrokenRow(f"line {self.line_of(number + 1)}: not a readable record ({exc})")
        self.extra_lines += reader.line_num - before - 1
        return row

    def too_long(self, number: int, limit: int) -> BrokenRow:
        """Record `number`, a plain line with a cell longer than `limit`: unreadable."""
        error = f"field larger than field limit ({limit})"
        self.unreadable(error)
        return BrokenRow(f"line {self.line_of(number)}: not a readable record ({error})")

    def unreadable(self, error: str | None = None) -> None:
        """One more unreadable record in a row; csv.Error after MAX_UNREADABLE_IN_A_ROW."""
        self.failures += 1
        if self.failures > MAX_UNREADABLE_IN_A_ROW:
            if error is None:
                raise
            raise csv.Error(error)


def check_csv(checker: BatchChecker, header: Sequence[str], lines: Iterable[str],
              write: Callable[[str], Any], summary: BatchSummary, *,
              extra_idx: Sequence[int], billed: bool, first_line: int = 2,
              tick: Callable[[int], Any] | None = None) -> None:
    """Check every record of `lines` (the CSV text after `header`) and write one output line
    per record: the id, the outcome's cells (OUTPUT_COLUMNS after the id when `billed`, else
    SHORT_COLUMNS), then the cells at `extra_idx`. Counts every row in `summary` and keeps
    invalid rows as its examples. `first_line` is the physical line number of the first line
    (for messages); `tick(n)` is called after every n rows written (a progress bar).

    A record with more cells than the header is invalid; a shorter one is padded with empty
    cells; a blank line is skipped; a record csv cannot read is invalid and reading goes on
    (after MAX_UNREADABLE_IN_A_ROW such records in a row, csv.Error is raised).
    """
    layout = checker.header_layout(header)
    width, lid, get, di, ii, _ = layout
    extras = row_getter(list(extra_idx))
    plain: dict[str, Any] = {}  # a plain line's key text (with its stretch) -> Outcome
    plain_get = plain.get
    plain_size = max(checker.memo_size, 1)
    flush_every = _FLUSH_EVERY
    outcome = checker.outcome
    reps_get = checker.reps.get
    pending = summary.pending
    fold_at = summary.fold_every
    example = summary.example
    buf: list[str] = []
    append = buf.append
    join = ",".join
    it = iter(lines)
    rare = _Records(it, first_line)  # quoted and unreadable records, the line count
    skip = _OddRows(checker, layout, billed, extra_idx, summary, append, rare).skip
    number = 0
    # the common layout (id and date first, then the encounter and billed columns, then the
    # extras): a plain line's key and extras are slices of its text, with no full split
    cut = _sliced_layout([h.strip() for h in header], extra_idx)
    commas = width - 1
    n_extra = len(extra_idx)
    cell_limit = csv.field_size_limit()  # one limit for both readers (131,072 by default)
    for line in it:
        # 1. read the record: `row` (None while a plain line of the common layout is not
        #    split), its key in the memo of plain lines (None for a quoted record), and its
        #    id and extra cells as CSV text
        if '"' in line:
            # a quoted record (it may span lines): csv.reader reads it, from this line on
            row: Any = rare.quoted(line, number)
            if row is None or len(row) != width:  # a blank line, or not a record to check
                number += skip(row, number, True)
                continue
            key = None
            rid = row[ii] if ii is not None else ""
            rid_text = csv_field(rid) if rid else ""
            extra_text = "," + join(map(csv_field, extras(row))) if n_extra else ""
        elif len(line) > cell_limit and _has_long_cell(line, cell_limit):
            # a cell longer than the csv module's limit: unreadable, as csv.reader says of it
            number += skip(rare.too_long(number + 1, cell_limit), number, False)
            continue
        elif cut and line.count(",") == commas:
            row = None
            parts = line.split(",", cut)
            rest = parts[cut]
            if n_extra:
                key = rest.rsplit(",", n_extra)[0]
                extra_text = rest[len(key):].rstrip("\r\n")  # ",x,y": the extras
            else:
                key = rest.rstrip("\r\n")
                extra_text = ""
            rid = rid_text = parts[ii] if ii is not None else ""
            if rid_text[:1] in FORMULA_START:
                rid_text = spreadsheet_safe(rid_text)
            if n_extra and FORMULA_CELL.search(extra_text) is not None:
                extra_text = safe_joined(extra_text)
        else:
            row = line.rstrip("\r\n").split(",")
            if len(row) != width:  # a blank line, or not a record to check
                number += skip(row, number, False)
                continue
            key = join(get(row))
            rid = rid_text = row[ii] if ii is not None else ""
            if rid_text[:1] in FORMULA_START:
                rid_text = spreadsheet_safe(rid_text)
            extra_text = "," + join(map(spreadsheet_safe, extras(row))) if n_extra else ""
        number += 1
        # 2. its outcome: from the memo of plain lines (one string to hash), else the checker
        day = (parts if row is None else row)[di] if di is not None else ""
        rep = reps_get(day, day)
        if key is None:
            o = outcome((lid, rep, get(row)))
        else:
            key = rep + "," + key
            o = plain_get(key)
            if o is None:
                if row is None:
                    row = line.rstrip("\r\n").split(",")
                o = outcome((lid, rep, get(row)))
                if len(plain) >= plain_size:
                    plain.clear()
                plain[key] = o
        if o.sensitive and rep != day:  # a text quotes the date: the row's own day
            if row is None:
                row = line.rstrip("\r\n").split(",")
            o = outcome((lid, day, get(row)))
        # 3. count it and write it
        n = pending.get(o)
        if n is None:
            pending[o] = 1
            if len(pending) >= fold_at:
                summary.fold()
        else:
            pending[o] = n + 1
        if o.errors:
            example(number, rid or number, o)
        tail = o.csv_full if billed else o.csv_short
        if tail is None:
            tail = o.csv_tail(billed)
        append(f"{rid_text or number}{tail}{extra_text}\n")
        if len(buf) >= flush_every:
            _flush(write, buf, tick, flush_every)
    if buf:
        _flush(write, buf, tick, len(buf))


def _flush(write: Callable[[str], Any], buf: list[str], tick: Callable[[int], Any] | None,
           rows: int) -> None:
    """Write the buffered output lines and empty the buffer; tell `tick` of `rows` more rows."""
    write("".join(buf))
    buf.clear()
    if tick is not None:
        tick(rows)


def _sliced_layout(names: Sequence[str], extra_idx: Sequence[int]) -> int:
    """Where a plain line's key starts (the number of columns before it) when the header is
    the common layout: the date of service (and the id, if any) first, then every encounter and
    billed column, then the extra columns in `extra_idx` order; else 0."""
    head = [n for n in names[:2] if n in (ID_COLUMN, "date_of_service")]
    cut = len(head)
    if "date_of_service" not in head or len(set(head)) != cut:
        return 0
    width = len(names)
    suffix_start = width - len(extra_idx)
    if list(extra_idx) != list(range(suffix_start, width)) or suffix_start <= cut:
        return 0
    middle = names[cut:suffix_start]
    if not all(n in FIELDS or n in BILLED_COLUMNS for n in middle):
        return 0
    if any(n in (ID_COLUMN, "date_of_service") for n in middle):
        return 0
    return cut


def _has_long_cell(line: str, limit: int) -> bool:
    return any(len(cell) > limit for cell in line.rstrip("\r\n").split(","))


def _plain_field(value: Any) -> str:
    return spreadsheet_safe(value if isinstance(value, str) else str(value))


class _OddRows:
    """Records that are not of the header's width (or not readable): checked and written like
    BatchChecker.table does, one call each (they are rare: no fast path)."""

    __slots__ = ("checker", "layout", "billed", "extra_idx", "summary", "append", "rare")

    def __init__(self, checker: BatchChecker, layout: HeaderLayout, billed: bool,
                 extra_idx: Sequence[int], summary: BatchSummary,
                 append: Callable[[str], Any], rare: _Records) -> None:
        self.checker, self.layout, self.billed = checker, layout, billed
        self.extra_idx, self.summary, self.append = extra_idx, summary, append
        self.rare = rare

    def skip(self, row: Any, number: int, quoted: bool) -> int:
        """A record the fast path does not check, after record `number`: its cells (not of the
        header's width), a BrokenRow, or None at the end of the file. Returns how many records
        it was: 0 for a blank line (counted as a line that is no record), else 1 (checked and
        written as record `number + 1`)."""
        if row is None:  # pragma: no cover - the line itself is there to read
            return 0
        if row == ([] if quoted else [""]):  # a blank line (csv.reader's, or a plain one)
            self.rare.extra_lines += 1
            return 0
        self.write(row, number + 1, quoted)
        return 1

    def write(self, row: Any, number: int, quoted: bool) -> None:
        checker, (width, lid, get, di, ii, has_billed) = self.checker, self.layout
        field = csv_field if quoted else _plain_field
        if isinstance(row, BrokenRow):
            o = checker._not_an_object(row)
            rid: Any = number
            cells: list[str] | None = None
        elif len(row) > width:
            o = checker._too_many_cells(len(row), width, has_billed)
            rid = (row[ii] or number) if ii is not None else number
            cells = row
        else:
            if len(row) < width:
                row = row + [""] * (width - len(row))
            o = checker.row_outcome(lid, get, row, di)
            rid = (row[ii] or number) if ii is not None else number
            cells = row
        self.summary.count(o)
        if o.errors:
            self.summary.example(number, rid, o)
        tail = o.csv_full if self.billed else o.csv_short
        if tail is None:
            tail = o.csv_tail(self.billed)
        extra_idx = self.extra_idx
        if cells is None:
            self.append(f"{rid}{tail}{',' * len(extra_idx)}\n")
        elif extra_idx:
            self.append(f"{field(rid)}{tail},{','.join(field(cells[i]) for i in extra_idx)}\n")
        else:
            self.append(f"{field(rid)}{tail}\n")
