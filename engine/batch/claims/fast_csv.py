"""Claim-line CSV in, rows out at full speed: the loop behind `telecode claims x.csv`.

    rows, results, claim_ids = check_csv_file(path, checker, "csv")   # or "jsonl", "lines"
    report.write_csv(out, rows, results); report.summary(cb, path, "csv", claim_ids, results)

It gives exactly what `read_csv` + `check_lines` + `report.write_csv` (or `write_jsonl`, or
the lines `html.write_html` lists) give, only faster (as engine/batch/fast_csv.py does for
`telecode batch`):

- reading: a line with no double quote is split on commas, which is what csv.reader returns
  for it (in a file opened with newline="", a line holds no line break but its end); a line
  with a quote goes to one csv.reader over the same lines, which may take the following lines
  too (a quoted cell can span lines). A cell longer than `csv.field_size_limit()` is refused
  by both, with the csv module's words: one limit.
- checking: the cells after claim_id and line (payer, code, modifiers, POS, units as text),
  with the date's stretch (`ClaimChecker.segment`), are the key of a memo of this file; on a
  miss they are parsed (fields.parse_values) and checked (`ClaimChecker.check_line`). An answer
  whose text quotes the date is kept for that date only. An add-on code's verdict waits for
  the end of the file, when the codes of its whole claim are known.
- writing: an answer's cells after the line number are rendered once (report.csv_tail,
  report.jsonl_tail); a row adds its claim id and line number, which need no CSV quoting on a
  line without a quote (they hold no comma, quote or line break).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from itertools import compress
from json.encoder import encode_basestring as _json_str
from typing import IO, Any

from engine.batch.cells import csv_field
from engine.batch.claims.fields import ClaimFileError, make_table_line, parse_date, parse_values
from engine.batch.claims.read import open_claim_file
from engine.batch.claims.report import RenderedRows, csv_tail, jsonl_tail
from engine.batch.claims.table import Layout, Numbering, read_header
from engine.core.claim import ClaimChecker, ClaimLine, ClaimResult
from engine.core.spreadsheet import FORMULA_START

__all__ = ["TableLines", "check_csv_file"]


class _Answer:
    """What the cells after claim_id and line decide: the parsed line (its claim id, number and
    date are those of the first line seen), the code, and the verdict with its cells after
    the line number (`tail`, in the output format), or `add_on` (the verdict waits for the
    claim's other codes)."""

    __slots__ = ("line", "code", "result", "tail", "add_on")

    def __init__(self, line: ClaimLine, result: ClaimResult | None, fmt: str) -> None:
        self.line = line
        self.code = line.code
        self.result = result
        self.add_on = result is None
        self.tail = "" if result is None else _tail(fmt, line.code, result)


def _tail(fmt: str, code: str, result: ClaimResult) -> str:
    """A row's text after its line number."""
    if fmt == "csv":
        return csv_field(code) + "," + csv_tail(result)
    if fmt == "jsonl":
        return f'"code": {_json_str(code)}, ' + jsonl_tail(result)
    return ""


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


def check_csv_file(path: str, checker: ClaimChecker, fmt: str = "csv"
                   ) -> tuple[RenderedRows | TableLines, list[ClaimResult], list[str]]:
    """The rows, the verdicts and the claim ids of every line of the claim-line CSV at `path`,
    in input order. The rows: for `fmt` csv or jsonl, rendered as report.write_csv or
    write_jsonl writes them (CSV without the header); for `fmt` lines, the claim lines'
    claim id, number and code (what the HTML report shows)."""
    if fmt not in ("csv", "jsonl", "lines"):
        raise ValueError(f"unknown output format {fmt!r}")
    fh = open_claim_file(path)
    try:
        return _Run(checker, path, fmt).check(fh)
    finally:
        fh.close()


class TableLines(Sequence[ClaimLine]):
    """The claim id, number and code of each line (a ClaimLine with only those)."""

    __slots__ = ("claim_ids", "numbers", "codes")

    def __init__(self, claim_ids: list[str], numbers: list[str], codes: list[str]) -> None:
        self.claim_ids = claim_ids
        self.numbers = numbers
        self.codes = codes

    def __len__(self) -> int:
        return len(self.claim_ids)

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - an index or a slice
        if isinstance(i, slice):
            return TableLines(self.claim_ids[i], self.numbers[i], self.codes[i])
        return ClaimLine(self.claim_ids[i], self.numbers[i], "", "", self.codes[i])


class _Run:
    """One file's pass: its memo and the rows made so far."""

    def __init__(self, checker: ClaimChecker, name: str, fmt: str) -> None:
        self.checker = checker
        self.name = name
        self.fmt = fmt
        self.rows: list[str] = []  # the rendered rows; for fmt "lines", the line numbers
        self.memo: dict[Any, _Answer] = {}
        self.days: dict[str, Any] = {}  # date cell -> its stretch, or (the cell,): not a date
        self.results: list[Any] = []  # None while an add-on waits
        self.claim_ids: list[str] = []
        self.codes: list[str] = []
        self.waiting: list[tuple[int, _Answer, str]] = []  # (row, answer, date) of add-ons
        self.numbering = Numbering()

    # ---- a date cell, an answer -------------------------------------------------------------
    def day(self, cell: str) -> Any:
        """The stretch of the date in the cell, or (the cell,) when it is not a date."""
        found = self.days.get(cell)
        if found is None:
            try:
                found = self.checker.segment(parse_date(cell))
            except ValueError:
                found = (cell,)
            if len(self.days) < 100_000:
                self.days[cell] = found
        return found

    def answer(self, tok: Any, rest: Any, day_cell: str, values: tuple[Any, ...]) -> _Answer:
        """The memo's answer for the cells (tok: `day(day_cell)`), made on a miss.
        `values`: (payer, code, modifiers, pos, units) as cells (None: no such column)."""
        key = (tok, rest)
        found = self.memo.get(key)
        if found is not None:
            return found
        dated = (tok, rest, day_cell)
        found = self.memo.get(dated)
        if found is not None:
            return found
        checker = self.checker
        line = ClaimLine("", "", *parse_values(day_cell, *values))
        if line.problem is None and line.code in checker.add_on_codes:
            found = _Answer(line, None, self.fmt)  # the day: the line's own, when checked
        else:
            result = checker.check_line(line)
            found = _Answer(line, result, self.fmt)
            if checker.shows_day(result, line.date_of_service):
                key = dated
        if len(self.memo) >= max(checker.cache_size, 1):
            self.memo.clear()
        self.memo[key] = found
        return found

    # ---- the pass ---------------------------------------------------------------------------
    def check(self, fh: IO[str]) -> tuple[RenderedRows | TableLines, list[ClaimResult],
                                          list[str]]:
        name = self.name
        reader = csv.reader(fh)
        lay = read_header(reader, name)
        header_end = lineno = reader.line_num
        limit = csv.field_size_limit()
        commas = lay.width - 1 if lay.standard else -1
        it = iter(fh)
        source = _Pushback(it)
        quoted = csv.reader(source)
        rows, results, claim_ids, codes = self.rows, self.results, self.claim_ids, self.codes
        days_get = self.days.get
        memo_get = self.memo.get
        answer = self.answer
        numbering = self.numbering
        waiting = self.waiting
        plain = FORMULA_START
        apos = "'"
        fmt = self.fmt
        as_csv = fmt == "csv"
        as_jsonl = fmt == "jsonl"
        js = _json_str
        try:
            for text in it:
                lineno += 1
                if '"' in text:  # rare: csv.reader reads the record (it may span lines)
                    row, lineno = self.quoted_record(source, quoted, text, lineno, header_end)
                    self.row(row, lay)
                    continue
                if len(text) > limit and any(len(c) > limit
                                             for c in text.rstrip("\r\n").split(",")):
                    at = lineno - 1 if lineno - 1 > header_end else 1
                    raise ClaimFileError(f"{name}, line {at + 1}: not readable CSV (field "
                                         f"larger than field limit ({limit}))")
                if text.count(",") != commas:
                    self.row(text.rstrip("\r\n").split(","), lay)
                    continue
                # the common case: the columns in order, no quote
                cid, num, day_cell, rest = text.split(",", 3)
                cid = cid.strip()
                if not cid:
                    self.row(text.rstrip("\r\n").split(","), lay)
                    continue
                tok = days_get(day_cell)
                if tok is None:
                    tok = self.day(day_cell)
                a = memo_get((tok, rest))
                if a is None:
                    a = answer(tok, rest, day_cell,
                               tuple(rest.rstrip("\r\n").split(",")))
                num = num.strip() or numbering.next(cid)
                if a.add_on:
                    waiting.append((len(rows), a, day_cell))
                if as_csv:
                    # spreadsheet-safe (engine/core/spreadsheet): a formula's sign gets a "'"
                    rows.append(f"{cid if cid[0] not in plain else apos + cid},"
                                f"{num if num[0] not in plain else apos + num},{a.tail}")
                elif as_jsonl:
                    rows.append(f'{{"claim_id": {js(cid)}, "line": {js(num)}, {a.tail}')
                else:
                    rows.append(num)
                results.append(a.result)
                claim_ids.append(cid)
                codes.append(a.code)
        except UnicodeDecodeError as exc:
            raise _not_utf8(name, exc, lineno if lineno > header_end else 1) from None
        if waiting:
            self.add_ons()
        if fmt == "lines":
            return TableLines(claim_ids, rows, codes), results, claim_ids
        return RenderedRows(rows, fmt), results, claim_ids

    def quoted_record(self, source: _Pushback, quoted: Any, text: str, lineno: int,
                      header_end: int) -> tuple[list[str], int]:
        """The record with a quote that starts with `text` (physical line `lineno`), read by
        the csv.reader `quoted` over `source`: its cells and the number of its last line."""
        name = self.name
        source.first = text
        before = quoted.line_num
        try:
            row = next(quoted)
        except csv.Error as exc:
            at = lineno - 1 if lineno - 1 > header_end else 1
            raise ClaimFileError(
                f"{name}, line {at + 1}: not readable CSV ({exc})") from None
        except UnicodeDecodeError as exc:  # in a line after this one
            lineno -= 1  # the record is not read: the lines before it are
            raise _not_utf8(name, exc, lineno if lineno > header_end else 1) from None
        lineno += quoted.line_num - before - 1
        return row, lineno

    def row(self, row: list[str], lay: Layout) -> None:
        """A record split in cells (a quoted one, or not of the common layout): read_csv's
        reading of it."""
        if not row or (len(row) == 1 and not row[0].strip()):
            return
        if len(row) < lay.width:
            row = row + [""] * (lay.width - len(row))
        cid = row[lay.claim].strip()
        num = (row[lay.line].strip() if lay.line is not None else "") or self.numbering.next(
            cid)
        values = (row[lay.payer], row[lay.code],
                  row[lay.mods] if lay.mods is not None else None,
                  row[lay.pos] if lay.pos is not None else None,
                  row[lay.units] if lay.units is not None else None)
        day_cell = row[lay.day]
        if not cid:
            line = make_table_line(cid, num, day_cell, *values)
            a = _Answer(line, self.checker.check_line(line), self.fmt)
        else:
            a = self.answer(self.day(day_cell), values, day_cell, values)
        if a.add_on:
            self.waiting.append((len(self.rows), a, day_cell))
        if self.fmt == "csv":
            self.rows.append(csv_field(cid) + "," + csv_field(num) + "," + a.tail)
        elif self.fmt == "jsonl":
            self.rows.append(f'{{"claim_id": {_json_str(cid)}, "line": {_json_str(num)}, '
                             + a.tail)
        else:
            self.rows.append(num)
        self.results.append(a.result)
        self.claim_ids.append(cid)
        self.codes.append(a.code)

    def add_ons(self) -> None:
        """The verdicts of the add-on lines: each looks at the codes of its claim's other
        lines, wherever they are in the file (as check_lines gives them)."""
        claim_ids = self.claim_ids
        wanted = {claim_ids[i] for i, _, _ in self.waiting}
        codes: dict[str, list[str]] = {}
        all_codes = self.codes
        for i in compress(range(len(claim_ids)), map(wanted.__contains__, claim_ids)):
            codes.setdefault(claim_ids[i], []).append(all_codes[i])
        check = self.checker.check_line
        tails: dict[int, str] = {}
        fmt = self.fmt
        for i, a, day_cell in self.waiting:
            cid = claim_ids[i]
            others = list(codes[cid])
            others.remove(a.code)
            t = a.line
            line = ClaimLine(cid, "", parse_date(day_cell), t.payer, t.code, t.modifiers,
                             t.pos, t.units)
            r = check(line, others)
            tail = tails.get(id(r))
            if tail is None:
                tail = tails[id(r)] = _tail(fmt, a.code, r)
            self.rows[i] += tail
            self.results[i] = r


def _not_utf8(name: str, exc: UnicodeDecodeError, after: int) -> ClaimFileError:
    return ClaimFileError(
        f"{name}, after line {after}: not UTF-8 text (byte "
        f"{exc.object[exc.start:exc.start + 1]!r}); save the file as UTF-8")
