"""The fuzz run of the reliability issue: random and hostile values (huge integers, deep
nesting, lone surrogates, control characters) through the Python API and the command line find
no exception but the documented ones: EncounterError from the API; from the CLI an exit status
of 0, 1 or 2 with a message, never 3 (a bug), never a traceback."""

from __future__ import annotations

import io
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.cli import check as check_cli
from engine.cli import main
from engine.core.contract import FIELDS

NASTY = st.sampled_from([
    10 ** 400, -10 ** 400, 2 ** 63, -1, 0, 1_000_001, math.nan, math.inf, -math.inf, 1e308,
    "9" * 5000, "[" * 50000, "\ud800", "\udfff", "\x1b[31m", "\x00", "99214\n", "OH\n",
    "2025-02-30", "2025-03-10\n", "0000-01-01", "", " ", True, None, [], {},
    {"0": 10 ** 400}, {"0\n": 5}, {"-1": 5}, {"9" * 5000: 1}, [[[[[[[[[[1]]]]]]]]]],
])
TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=20)  # surrogates too
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT | NASTY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
GOOD = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
        "modality": "audio_video", "minutes": 25, "mdm": "moderate"}
KEYS = st.sampled_from([*FIELDS, "bogus", "\ud800", "\x1b]0;x\x07"])
from engine.core.contract import MODALITIES, PAYERS  # noqa: E402

# well-formed encounters of every payer and modality, one to three values replaced
NEAR_VALID = st.builds(
    lambda payer, modality, extra: {**GOOD, "payer": payer, "modality": modality, **extra},
    st.sampled_from(PAYERS), st.sampled_from(MODALITIES),
    st.dictionaries(st.sampled_from(list(FIELDS)), NASTY | JSON, min_size=1, max_size=3),
)
# ... or one whole number far out of range (400 digits overflowed a float in the engine)
HUGE = st.builds(
    lambda payer, modality, key, value: {**GOOD, "payer": payer, "modality": modality,
                                         key: value},
    st.sampled_from(PAYERS), st.sampled_from(MODALITIES),
    st.sampled_from([n for n, f in FIELDS.items() if f.kind == "int"]),
    st.integers(min_value=10 ** 6, max_value=10 ** 500) | st.integers(max_value=-1),
)
ENCOUNTERS = st.one_of(
    HUGE,
    NEAR_VALID,
    NEAR_VALID,
    JSON,
    st.dictionaries(KEYS, JSON, max_size=8),
    st.dictionaries(KEYS, JSON, max_size=3).map(lambda extra: {**GOOD, **extra}),
)
FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def cb(bundle):
    return engine.load_codebook()


@FUZZ
@given(raw=ENCOUNTERS)
def test_the_api_raises_only_encounter_error(cb, raw):
    try:
        result = engine.check(raw, cb)
    except engine.EncounterError as exc:
        assert exc.errors and all(set(e) == {"field", "message"} for e in exc.errors)
        return
    assert isinstance(result, dict) and "lines" in result
    json.dumps(result)  # the result is JSON


def _dump(raw) -> str:
    try:
        return json.dumps(raw)
    except (ValueError, RecursionError):  # nan is dumped; only recursion can fail here
        return "[" * 50000


@FUZZ
@given(raw=ENCOUNTERS, fmt=st.sampled_from(["text", "json"]))
def test_check_from_stdin_answers_or_says_what_is_wrong(cb, raw, fmt):
    out, err = io.StringIO(), io.StringIO()
    status = check_cli.run(["-", "--format", fmt], stdin=io.StringIO(_dump(raw)), stdout=out,
                           stderr=err)
    assert status in (0, 2), err.getvalue()
    if status == 2 and fmt == "json":
        assert json.loads(out.getvalue())["errors"]


@FUZZ
@given(pairs=st.lists(st.tuples(KEYS, TEXT | NASTY.map(str)), max_size=5))
def test_check_flags_answer_or_say_what_is_wrong(cb, capsys, pairs):
    argv = ["check", "--format", "json", *[a for k, v in pairs for a in (f"--{k}", v)]]
    status = main(argv)
    captured = capsys.readouterr()
    assert status in (0, 2), captured.err
    assert "Traceback" not in captured.err and "internal error" not in captured.err


CELL = TEXT | NASTY.map(lambda v: v if isinstance(v, str) else json.dumps(v))


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=6),
       lines=st.lists(ENCOUNTERS.map(_dump) | TEXT, max_size=6))
def test_batch_reads_any_csv_or_jsonl(cb, tmp_path_factory, capsys, rows, lines):
    import csv

    folder = tmp_path_factory.mktemp("fuzz")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "date_of_service", "payer", "patient_status", "modality", "minutes",
                "evisit_minutes_by_day", "billed_code", "note"])
    for row in rows:
        w.writerow(row)
    (folder / "in.csv").write_text(buf.getvalue(), encoding="utf-8", errors="surrogatepass")
    (folder / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8",
                                     errors="surrogatepass")
    for name, fmt in (("in.csv", "csv"), ("in.csv", "jsonl"), ("in.jsonl", "csv"),
                      ("in.jsonl", "jsonl")):
        status = main(["batch", str(folder / name), "--format", fmt, "-o",
                       str(folder / f"out.{fmt}"), "--quiet", "--strict"])
        captured = capsys.readouterr()
        assert status in (0, 1, 2), captured.err
        assert "Traceback" not in captured.err and "internal error" not in captured.err
