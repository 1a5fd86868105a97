"""`telecode batch`: check a CSV or JSONL file of encounters and billed lines.

    telecode batch claims.csv -o checked.csv --summary summary.json --strict
    cat claims.jsonl | telecode batch - --input-format jsonl --format csv

One output row per input row, in order (see engine/batch/checker.py for columns and verdicts); a
summary on stderr at the end. Exit status: 0; 1 with --strict when a row is invalid,
mismatched or billed but not billable; 2 when the input cannot be read (missing file, missing
required column, text that is not UTF-8) — with a plain message, never a traceback.

Streaming: rows are read, checked and written one at a time; memory stays flat.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator

from engine.batch.cells import csv_field, text_value
from engine.batch.checker import (
    BILLED_COLUMNS,
    ID_COLUMN,
    MAX_UNREADABLE_IN_A_ROW,
    OUTPUT_COLUMNS,
    REQUIRED_COLUMNS,
    SHORT_COLUMNS,
    BatchChecker,
    BatchSummary,
    BrokenRow,
    Outcome,
)
from engine.batch.fast_csv import check_csv
from engine.batch.results import PAYMENT_COLUMNS, PaymentCells
from engine.core.contract import FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import IO, Any

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".tsv": None}


class InputError(Exception):
    """The input cannot be read as a whole (exit status 2)."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="telecode batch",
        description="Check a CSV or JSONL file of telehealth encounters (and billed lines) "
                    "against the codebook. One output row per input row; a summary on stderr.",
    )
    p.add_argument("input", metavar="INPUT", help="a .csv or .jsonl file, or - for stdin")
    p.add_argument("-o", "--output", metavar="OUTPUT", default="-",
                   help="where to write the rows (default: stdout)")
    p.add_argument("--format", choices=("csv", "jsonl"),
                   help="output format (default: from OUTPUT's extension, else the input's)")
    p.add_argument("--input-format", choices=("csv", "jsonl"),
                   help="input format (default: from INPUT's extension; required for stdin)")
    p.add_argument("--summary", metavar="FILE", help="also write the summary as JSON to FILE")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when any row is invalid, mismatched or not billable")
    p.add_argument("--codebook", metavar="FILE",
                   help="a compiled codebook bundle (default: engine/data/codebook.json)")
    p.add_argument("--payer-profiles", metavar="DIR", default=None,
                   help="a folder of your own payer profiles (YAML or JSON; default: "
                        "$TELECODE_PAYER_PROFILES)")
    p.add_argument("--payments", action="store_true",
                   help="add each line's Medicare national amount (columns "
                        + ", ".join(PAYMENT_COLUMNS) + "; Medicare rows only)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (it is only shown when stderr is a terminal)")
    p.add_argument("--quiet", action="store_true", help="no summary on stderr")
    return p


def _err(message: str) -> int:
    print(f"telecode batch: {message}", file=sys.stderr)
    return 2


def _format_of(path: str, given: str | None, what: str) -> str:
    if given:
        return given
    if path == "-":
        raise InputError(f"reading {what} from stdin: say which format with "
                         f"--{'input-' if what == 'input' else ''}format csv or jsonl")
    ext = os.path.splitext(path)[1].lower()
    fmt = FORMATS.get(ext)
    if fmt is None:
        raise InputError(f"{path}: cannot tell the {what} format from the extension "
                         f"{ext or '(none)'!r}; name it .csv or .jsonl, or pass "
                         f"--{'input-' if what == 'input' else ''}format csv|jsonl")
    return fmt


def _open_input(path: str) -> IO[str]:
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; give a .csv or .jsonl file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _missing_columns_message(path: str, names: list[str]) -> str | None:
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if not missing:
        return None
    hints = []
    for m in missing:
        import difflib  # only for a missing column

        close = difflib.get_close_matches(m, [n for n in names if n not in FIELDS], n=1,
                                          cutoff=0.6)
        if not close:
            close = [n for n in names if n.strip().lower() == m]
        if close:
            hints.append(f"{close[0]!r} -> {m!r}")
    text = (f"{path}: line 1: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. The header must name {', '.join(REQUIRED_COLUMNS)} "
            "(and any other encounter fields, id, billed_code, billed_modifiers, billed_pos).")
    if hints:
        text += " Did you mean to rename " + ", ".join(hints) + "?"
    return text


def _jsonl_rows(fh: IO[str]) -> Iterator[Any]:
    for number, line in enumerate(fh, 1):
        text = line.strip()
        if not text:
            continue
        try:
            yield json.loads(text)
        except ValueError as exc:
            msg = getattr(exc, "msg", str(exc))
            col = getattr(exc, "colno", None)
            where = f" at column {col}" if col else ""
            yield BrokenRow(f"line {number}: not valid JSON ({msg}{where}); each line must be "
                            "one JSON object")
        except RecursionError:
            yield BrokenRow(f"line {number}: not valid JSON (nested too deeply); each line must "
                            "be one flat JSON object")


@contextlib.contextmanager
def _ticker(enabled: bool) -> Iterator[Callable[[int], Any] | None]:
    """A progress bar's update(n) while the block runs (None when stderr is no terminal)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    try:
        from tqdm import tqdm  # only here: the engine core never imports it
    except ImportError:
        yield None
        return
    from engine.cli._common import raw_stderr

    bar = tqdm(unit=" rows", file=raw_stderr(), mininterval=0.5, unit_scale=True, leave=False)
    try:
        yield bar.update
    finally:
        bar.close()


def _progress(results: Iterator[Any], enabled: bool) -> Iterator[Any]:
    if not enabled or not sys.stderr.isatty():
        return results
    try:
        from tqdm import tqdm  # only here: the engine core never imports it
    except ImportError:
        return results
    from engine.cli._common import raw_stderr

    return iter(tqdm(results, unit=" rows", file=raw_stderr(), mininterval=0.5, unit_scale=True,
                     leave=False))


def run(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage and the problem
        return int(exc.code or 0)
    try:
        return _run(args)
    except InputError as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        kept = "" if args.output == "-" else f"; {args.output} was not changed"
        print(f"telecode batch: interrupted{kept}", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        try:  # the reader went away (e.g. `| head`): stop quietly
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0


INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def _same(a: str | int, b: str | int) -> bool:
    """`a` and `b` (paths, or 0/1 for stdin/stdout) name one file (existing or not)."""
    from engine.tooling.atomic import same_file

    if isinstance(a, str) and isinstance(b, str) and os.path.realpath(a) == os.path.realpath(b):
        return True
    return same_file(a, b)


def _refuse_same_files(args: argparse.Namespace) -> None:
    """Input, output and summary must be three different files: writing one over another
    would destroy it (`batch - -o x.csv < x.csv` would empty x.csv)."""
    named: list[tuple[str, str | int, str]] = [
        ("input", args.input if args.input != "-" else 0, args.input),
        ("output", args.output if args.output != "-" else 1, args.output),
    ]
    if args.summary:
        named.append(("summary", args.summary, args.summary))
    for i, (what_a, a, shown_a) in enumerate(named):
        for what_b, b, shown_b in named[i + 1:]:
            if _same(a, b):
                a_name = "standard input" if shown_a == "-" else shown_a
                b_name = "standard output" if shown_b == "-" else shown_b
                if what_a == "input":
                    raise InputError(f"{b_name}: the {what_b} would overwrite the input "
                                     f"({a_name}); write it to another file")
                raise InputError(f"{b_name}: the {what_b} and the {what_a} ({a_name}) are the "
                                 f"same file; give them different names")


def _run(args: argparse.Namespace) -> int:
    if args.input != "-":
        _open_input(args.input).close()  # a missing file is reported before its extension
    in_fmt = _format_of(args.input, args.input_format, "input")
    _refuse_same_files(args)
    out_fmt = _output_format(args, in_fmt)

    from engine.cli._profiles import ProfileProblems, load_with_profiles
    from engine.core.codebook import CodebookError
    from engine.tooling.atomic import atomic_output

    try:
        cb = load_with_profiles(args.codebook, args.payer_profiles)
    except (CodebookError, ProfileProblems) as exc:
        return _err(str(exc))
    checker = BatchChecker(cb)
    pay = PaymentCells(cb) if args.payments else None
    summary = BatchSummary()
    name = "stdin" if args.input == "-" else args.input
    to_file = args.output != "-"
    # a file output appears whole at the end or not at all (engine/tooling/atomic.py)
    stops = f"nothing was written to {args.output}" if to_file else "the output stops there"

    fh = _open_input(args.input)
    try:
        with contextlib.ExitStack() as stack:
            out: IO[str]
            if to_file:
                try:
                    out = stack.enter_context(atomic_output(args.output, newline="",
                                                            errors="backslashreplace"))
                except OSError as exc:
                    raise InputError(f"{args.output}: cannot write it "
                                     f"({exc.strerror or exc})") from None
            else:
                out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="",
                                       errors="backslashreplace", write_through=False)
                stack.callback(out.detach)
                stack.callback(out.flush)
            try:
                if in_fmt == "csv":
                    _csv_in(fh, name, out, out_fmt, checker, summary, not args.no_progress,
                            pay)
                else:
                    _jsonl_in(fh, out, out_fmt, checker, summary, not args.no_progress, pay)
            except csv.Error as exc:
                raise InputError(
                    f"{name}: more than {MAX_UNREADABLE_IN_A_ROW} records in a row are not "
                    f"readable CSV ({exc}) after row {summary.rows}; {stops}. Is it a CSV file?"
                ) from None
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: not UTF-8 text (byte {exc.object[exc.start:exc.start + 1]!r} "
                    f"cannot be decoded) after row {summary.rows}; {stops}. Save the "
                    "file as UTF-8 (in Excel: CSV UTF-8) and run again."
                ) from None
    except BrokenPipeError:
        raise
    except OSError as exc:  # a full disk, a device that refuses writes (-o /dev/full)
        where = args.output if to_file else "standard output"
        raise InputError(f"{where}: cannot write it ({exc.strerror or exc}); "
                         f"{stops if to_file else 'the output is incomplete'}") from None
    finally:
        if args.input != "-":
            fh.close()
    return _report(args, summary, name, cb.version)


def _output_format(args: argparse.Namespace, in_fmt: str) -> str:
    """--format, else the output file's extension, else the input's format."""
    if args.format:
        return args.format
    if args.output != "-" and os.path.splitext(args.output)[1].lower() in FORMATS:
        return _format_of(args.output, None, "output")
    return in_fmt


def _report(args: argparse.Namespace, summary: BatchSummary, name: str, version: str) -> int:
    """The summary on stderr (unless --quiet) and in --summary FILE; the exit status."""
    from engine.tooling.atomic import atomic_output

    data = summary.as_json()
    data = {"input": name, "codebook": version, **data}
    if not args.quiet:
        print(summary.text(), file=sys.stderr)
    if args.summary:
        try:
            with atomic_output(args.summary, errors="backslashreplace") as sf:
                json.dump(data, sf, indent=2, ensure_ascii=False)
                sf.write("\n")
        except OSError as exc:
            return _err(f"{args.summary}: cannot write the summary ({exc.strerror or exc})")
    return 1 if args.strict and summary.failed() else 0


def _out_names(extras: list[str], billed: bool, payments: bool = False) -> list[str]:
    base = list(OUTPUT_COLUMNS if billed else SHORT_COLUMNS)
    if payments:
        base += PAYMENT_COLUMNS
    taken = set(base)
    for x in extras:
        n = x
        while n in taken:
            n = "input_" + n
        taken.add(n)
        base.append(n)
    return base


def _csv_in(fh: IO[str], name: str, out: IO[str], out_fmt: str, checker: BatchChecker,
            summary: BatchSummary, progress: bool, pay: PaymentCells | None = None) -> None:
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{name}: the file is empty; the first line must be a header naming "
                         f"the columns ({', '.join(REQUIRED_COLUMNS)}, ...)") from None
    except csv.Error as exc:
        raise InputError(f"{name}: line 1: the header is not readable CSV ({exc})") from None
    names = [h.strip() for h in header]
    dup = sorted({n for n in names if names.count(n) > 1 and n})
    if dup:
        raise InputError(f"{name}: line 1: column {', '.join(dup)} appears more than once; "
                         "keep one")
    problem = _missing_columns_message(name, names)
    if problem:
        raise InputError(problem)
    billed = any(n in BILLED_COLUMNS for n in names)
    extra_idx = [i for i, n in enumerate(names)
                 if n not in FIELDS and n not in BILLED_COLUMNS and n != ID_COLUMN]
    extras = [names[i] for i in extra_idx]
    out_names = _out_names(extras, billed, pay is not None)
    if out_fmt == "csv" and pay is not None:  # the general path: the fast one has no payments
        _csv_rows_with_payments(out, out_names, names, checker.table(header, reader,
                                skip=(csv.Error,)), extra_idx, billed, summary, pay, progress)
        return
    if out_fmt == "csv":
        _CsvLines(out).writerow(out_names)
        with _ticker(progress) as tick:
            check_csv(checker, header, fh, out.write, summary, extra_idx=extra_idx,
                      billed=billed, first_line=reader.line_num + 1, tick=tick)
        return
    results = _progress(checker.table(header, reader, skip=(csv.Error,)), progress)
    example = summary.example
    keys = out_names[len(OUTPUT_COLUMNS if billed else SHORT_COLUMNS)
                     + (len(PAYMENT_COLUMNS) if pay is not None else 0):]
    di, pi = _index(names, "date_of_service"), _index(names, "payer")
    dumps = json.dumps
    write = out.write
    for number, rid, o, row in results:
        summary.count(o)
        if o.errors:
            example(number, rid, o)
        rec = _json_record(rid, o, billed)
        if pay is not None:
            rec.update(zip(PAYMENT_COLUMNS, pay.cells(o.lines, _cell(row, di), _cell(row, pi)),
                           strict=True))
        if len(row) >= len(names):
            for k, i in zip(keys, extra_idx, strict=True):
                rec[k] = row[i]
        write(dumps(rec, ensure_ascii=False))
        write("\n")


def _index(names: list[str], column: str) -> int | None:
    return names.index(column) if column in names else None


def _cell(row: Any, i: int | None) -> str | None:
    return row[i].strip() if i is not None and i < len(row) else None


def _csv_rows_with_payments(out: IO[str], out_names: list[str], names: list[str],
                            results: Iterator[Any], extra_idx: list[int], billed: bool,
                            summary: BatchSummary, pay: PaymentCells, progress: bool) -> None:
    """CSV -> CSV with the payment columns (after the result's, before the input's extras)."""
    writer = _CsvLines(out)
    writer.writerow(out_names)
    di, pi = _index(names, "date_of_service"), _index(names, "payer")
    for number, rid, o, row in _progress(results, progress):
        summary.count(o)
        if o.errors:
            summary.example(number, rid, o)
        extras = [row[i] if i < len(row) else "" for i in extra_idx] if isinstance(
            row, list) else [""] * len(extra_idx)
        writer.writerow((rid, *(o.cells if billed else o.short_cells),
                         *pay.cells(o.lines, _cell(row, di), _cell(row, pi)), *extras))


class _CsvLines:
    """Rows written as the fast path writes them (engine/batch/cells.csv_field): quoted when a
    cell holds a comma, quote, CR or LF (csv.writer with "\\n" line ends leaves a CR bare),
    and spreadsheet-safe (a leading = + - @ tab or CR gets an apostrophe)."""

    def __init__(self, out: IO[str]) -> None:
        self.write = out.write

    def writerow(self, values: Iterable[Any]) -> None:
        self.write(",".join(csv_field(v if isinstance(v, str) else text_value(v, False))
                            for v in values) + "\n")


def _json_record(rid: Any, o: Outcome, billed: bool) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": rid, "billable": o.billable, "expected": o.expected,
                           "warnings": list(o.warnings)}
    if billed:
        rec["billed"] = o.billed
        rec["verdict"] = o.verdict
        rec["reason"] = o.reason
    rec["errors"] = [dict(e) for e in o.errors]
    rec["provisional"] = None if o.billable is None else o.provisional
    return rec


_NOT_EXTRA = frozenset(FIELDS) | frozenset(BILLED_COLUMNS) | {ID_COLUMN}


def _jsonl_in(fh: IO[str], out: IO[str], out_fmt: str, checker: BatchChecker,
              summary: BatchSummary, progress: bool, pay: PaymentCells | None = None) -> None:
    results = _progress(checker.mappings(_jsonl_rows(fh)), progress)
    if out_fmt == "jsonl":
        dumps = json.dumps
        write = out.write
        for number, rid, o, row in results:
            summary.count(o)
            if o.errors:
                summary.example(number, rid, o)
            billed = isinstance(row, dict) and any(c in row for c in BILLED_COLUMNS)
            rec = _json_record(rid, o, billed or isinstance(row, BrokenRow))
            if pay is not None:
                rec.update(zip(PAYMENT_COLUMNS, _payments_of(pay, o, row), strict=True))
            if isinstance(row, dict):
                for k, v in row.items():
                    if k not in _NOT_EXTRA:
                        rec[k if k not in rec else "input_" + k] = v
            write(dumps(rec, ensure_ascii=False))
            write("\n")
        return
    # JSONL -> CSV: the columns are fixed by the first object (its extras are kept; extras
    # first seen later are dropped, and the summary says so)
    writer = _CsvLines(out)
    extras: list[str] | None = None
    dropped: set[str] = set()
    for number, rid, o, raw in results:
        summary.count(o)
        if o.errors:
            summary.example(number, rid, o)
        row = raw if isinstance(raw, dict) else {}
        if extras is None:
            extras = [k for k in row if k not in _NOT_EXTRA]
            writer.writerow(_out_names(extras, True, pay is not None))
        for k in row:
            if k not in _NOT_EXTRA and k not in extras and len(dropped) < 100:
                dropped.add(k)
        paid = _payments_of(pay, o, row) if pay is not None else ()
        writer.writerow((rid, *o.cells, *paid, *(row.get(k) for k in extras)))
    if extras is None:
        writer.writerow(_out_names([], True, pay is not None))
    if dropped:
        print(f"telecode batch: extra keys not in the first row were left out of the CSV: "
              f"{', '.join(sorted(dropped))} (use --format jsonl to keep them)", file=sys.stderr)


def _payments_of(pay: PaymentCells, o: Outcome, row: Any) -> tuple[str, str, str]:
    if not isinstance(row, dict):
        return pay.cells((), None, None)
    day, payer = row.get("date_of_service"), row.get("payer")
    return pay.cells(o.lines, day.strip() if isinstance(day, str) else day,
                     payer.strip() if isinstance(payer, str) else payer)
