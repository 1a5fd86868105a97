"""engine.batch.fast_csv.check_csv (the CSV -> CSV loop of `telecode batch`) gives byte for byte
what the plain path gives: csv.reader rows through BatchChecker.table, written by csv.writer.

Any text goes in: quoted cells with commas, quotes and line breaks, blank lines, short and
long rows, CR, CRLF and LF line ends, a last line without a line end, NUL characters."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.batch.checker import BatchChecker, BatchSummary
from engine.batch.fast_csv import check_csv
from engine.core.spreadsheet import spreadsheet_safe

BASE = ["id", "date_of_service", "payer", "patient_status", "modality", "mdm"]


def stub_check(encounter: dict) -> dict:
    """A small deterministic stand-in for engine.check: its answer depends on the cells, and
    some answers hold commas, quotes or line breaks (which must be quoted when written)."""
    mdm = str(encounter.get("mdm", ""))
    if mdm == "bad":
        from engine.core.errors import EncounterError

        raise EncounterError([{"field": "mdm", "message": 'not "bad", please, \n thanks'}])
    code = "99214" if mdm == "moderate" else "99213"
    return {"billable": mdm != "none", "lines": [] if mdm == "none" else [
        {"code": code, "modifiers": ["95"], "pos": "10", "units": 1}],
        "warnings": [{"id": f"w-{len(mdm)}", "severity": "warning",
                      "message": f"why, \"{mdm}\""}]}


def reference(text: str, header_extra: list[str], billed: bool) -> tuple[str, dict]:
    """The plain path: csv.reader -> BatchChecker.table -> csv.writer."""
    checker = BatchChecker(None, check=stub_check)
    summary = BatchSummary()
    fh = io.StringIO(text, newline="")
    reader = csv.reader(fh)
    header = next(reader)
    names = [h.strip() for h in header]
    extra_idx = [names.index(x) for x in header_extra]
    out = io.StringIO(newline="")
    # "\r\n" so that csv.writer quotes a cell holding either character; each row then
    # ends with "\n" (as `telecode batch` writes them)
    w = csv.writer(out, lineterminator="\r\n")
    lines = []
    for number, rid, o, row in checker.table(header, reader, skip=(csv.Error,)):
        summary.count(o)
        if o.errors:
            summary.example(number, rid, o)
        cells = o.cells if billed else o.short_cells
        # every cell spreadsheet-safe (a leading = + - @ tab CR gets an apostrophe)
        if len(row) < len(names):  # unreadable: no extra cells
            w.writerow(map(_safe, [rid, *cells, *([""] * len(extra_idx))]))
        else:
            w.writerow(map(_safe, [rid, *cells, *(row[i] for i in extra_idx)]))
        lines.append(out.getvalue()[:-2] + "\n")
        out.seek(0)
        out.truncate()
    return "".join(lines), summary.as_json()


def _safe(value) -> str:
    return spreadsheet_safe(value if isinstance(value, str) else str(value))


def fast(text: str, header_extra: list[str], billed: bool) -> tuple[str, dict]:
    checker = BatchChecker(None, check=stub_check)
    summary = BatchSummary()
    fh = io.StringIO(text, newline="")
    reader = csv.reader(fh)
    header = next(reader)
    names = [h.strip() for h in header]
    out = io.StringIO(newline="")
    ticks: list[int] = []
    check_csv(checker, header, fh, out.write, summary,
              extra_idx=[names.index(x) for x in header_extra], billed=billed,
              first_line=reader.line_num + 1, tick=ticks.append)
    data = summary.as_json()
    assert sum(ticks) == data["rows"]  # the progress bar saw every row
    return out.getvalue(), data


def both(text: str, extra: list[str], billed: bool) -> str:
    want = reference(text, extra, billed)
    got = fast(text, extra, billed)
    assert got == want
    return got[0]


CELL = st.one_of(
    st.sampled_from(["", "moderate", "low", "bad", "none", "2025-03-10", "medicare", "x y",
                     "a,b", 'say "hi"', "two\nlines", "cr\rhere", "  pad  ", "\x00", "é✓"]),
    st.text(alphabet=',"\r\n ab\x00', max_size=6),
)


def _row_text(cells: list[str], quote_all: bool) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n",
               quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerow(cells)
    return buf.getvalue()


@st.composite
def csv_texts(draw) -> tuple[str, list[str], bool]:
    billed = draw(st.booleans())
    header = BASE + (["billed_code"] if billed else []) + ["note"]
    if draw(st.booleans()):  # not the common layout: an extra column among the others
        header.insert(draw(st.integers(0, len(header) - 1)), header.pop())
    parts = [",".join(header) + draw(st.sampled_from(["\n", "\r\n"]))]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["row", "row", "row", "blank", "short", "long", "raw"]))
        if kind == "blank":
            parts.append(draw(st.sampled_from(["\n", "\r\n", "\r"])))
            continue
        if kind == "raw":  # any text at all, even a lone quote
            parts.append(draw(st.text(alphabet=',"\r\nabm\x00', max_size=20)) + "\n")
            continue
        n = len(header) + {"row": 0, "short": -2, "long": 2}[kind]
        cells = [draw(CELL) for _ in range(n)]
        line = _row_text(cells, draw(st.booleans()))
        ending = draw(st.sampled_from(["\n", "\r\n", "\r", "\n"]))
        parts.append(line[:-1] + ending)
    text = "".join(parts)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no line end after the last record
    return text, ["note"], billed


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_texts())
def test_fast_path_writes_what_the_plain_path_writes(case):
    text, extra, billed = case
    both(text, extra, billed)


def _rows(n: int) -> Iterator[str]:
    for i in range(n):
        yield f"r{i},2025-03-10,medicare,established,audio_video,{('moderate', 'low')[i % 2]},x\n"


def test_known_output_for_plain_and_quoted_rows():
    header = ",".join(BASE) + ",note\n"
    text = (header + "".join(_rows(3)) + '"q,1",2025-03-10,medicare,established,audio_video,'
            'moderate,"a ""b""\nc"\n\n' + "r9,2025-03-10,medicare,established\n")
    out = both(text, ["note"], False)
    assert out.splitlines()[0].startswith("r0,true,99214-95@10,w-8,")
    assert '"q,1",true,99214-95@10,w-8,,false,"a ""b""\nc"\n' in out
    assert out.endswith("r9,true,99213-95@10,w-0,,false,\n")  # a short row: padded, checked
    assert len(list(csv.reader(io.StringIO(out)))) == 5


def test_many_rows_flush_in_chunks_and_tick_the_progress_bar():
    header = ",".join(BASE) + ",note\n"
    text = header + "".join(_rows(5000))
    out, data = fast(text, ["note"], False)
    assert data["rows"] == 5000
    assert out.count("\n") == 5000
    assert out == reference(text, ["note"], False)[0]


def test_real_claims_through_the_fast_path_equal_a_day_by_day_check(real_cb):
    """Generated claims (bench generator) with the real engine: check_csv (date stretches,
    shared plans, the per-file memo) writes what a checker with no memo and no stretches
    gives when asked about every row's own day."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "telecode_bench", Path(__file__).resolve().parents[2] / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=bench.COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in bench.claim_rows(2000, seed=44):
        w.writerow(row)
    text = buf.getvalue()
    header = next(csv.reader([text.split("\n", 1)[0]]))
    extra = [header.index("provider_npi")]

    def run(checker: BatchChecker) -> str:
        fh = io.StringIO(text, newline="")
        next(csv.reader(fh))
        out: list[str] = []
        check_csv(checker, header, fh, out.append, BatchSummary(), extra_idx=extra, billed=True)
        return "".join(out)

    exact = BatchChecker(real_cb, cache_size=0)
    exact.reps = {}
    exact._share_days = False
    got = run(BatchChecker(real_cb))
    assert got == run(exact)
    assert got.count("\n") == 2000 and ",mismatch," in got and ",not_billable," in got


def test_the_common_layout_is_read_by_slices():
    from engine.batch.fast_csv import _sliced_layout

    common = ["id", "date_of_service", "payer", "modality", "billed_code", "note", "npi"]
    assert _sliced_layout(common, [5, 6]) == 2
    assert _sliced_layout(common[1:], [4, 5]) == 1  # no id column
    assert _sliced_layout(common[:5], []) == 2  # no extras
    moved = ["id", "note", "date_of_service", "payer", "modality", "billed_code"]
    assert _sliced_layout(moved, [1]) == 0
    assert _sliced_layout(["payer", "date_of_service", "id", "modality"], []) == 0


def test_files_without_id_or_extras_give_the_plain_paths_answer():
    for header in (BASE[1:], BASE, BASE[1:] + ["note"]):
        text = ",".join(header) + "\n" + "".join(
            ",".join(line.rstrip("\n").split(",")[1:len(header) + 1] if header[0] != "id"
                     else line.rstrip("\n").split(",")[:len(header)]) + "\n"
            for line in _rows(50))
        extra = ["note"] if "note" in header else []
        out = both(text, extra, False)
        assert out.count("\n") == 50


def test_a_file_without_a_date_column_gives_the_plain_paths_answer():
    text = "id,payer,patient_status,modality,mdm\na,medicare,established,audio_video,low\n"
    # the stand-in engine answers without a date; the real one says the date is required
    assert both(text, [], False) == "a,true,99213-95@10,w-3,,false\n"


def test_a_cell_over_the_csv_limit_is_unreadable_on_both_paths():
    """The fast path and csv.reader agree on cells over csv.field_size_limit() (131,072
    characters): the record is unreadable, the next one is read."""
    long = "x" * (csv.field_size_limit() + 1)
    header = ",".join([*BASE, "note"])
    row = ",".join(["a1", "2025-03-10", "medicare", "established", "audio_video", "moderate"])
    for cell in (long, f'"{long}"'):
        text = f"{header}\n{row},{cell}\n{row},ok\n"
        out = both(text, ["note"], False)
        first, second = out.splitlines()
        assert "field larger than field limit (131072)" in first
        assert second.endswith(",ok")
