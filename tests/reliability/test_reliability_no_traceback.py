"""Item 3 of the reliability issue: every reproduced traceback is now a clear message with the
documented exit status, and the Python API raises only EncounterError for any encounter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import ROOT, no_traceback, run

import engine

ENC = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
       "modality": "audio_video", "minutes": 25, "mdm": "moderate"}
HEAD = "id,date_of_service,payer,patient_status,modality,minutes,mdm,evisit_minutes_by_day\n"
FLAGS = ["--date_of_service", "2025-03-10", "--payer", "medicare", "--patient_status",
         "established", "--modality", "audio_video", "--minutes", "25"]
RVU = ROOT / "tests" / "data" / "PPRRVU2025_Oct-codebook.csv"
MINI = ROOT / "tests" / "annual" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def cb(bundle):
    return engine.load_codebook()


def batch_rows(tmp_path: Path, body: str, name: str = "in.csv", *extra: str):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    res = run("batch", str(path), "--format", "jsonl", "--quiet", *extra)
    no_traceback(res)
    return res, [json.loads(line) for line in res.out.splitlines() if line.strip()]


# ---- numbers too large ------------------------------------------------------------------------
def test_a_5000_digit_minutes_cell_is_an_invalid_row(bundle, tmp_path):
    res, rows = batch_rows(tmp_path, HEAD + f"a,2025-03-10,medicare,established,audio_video,"
                                            f"{'9' * 5000},moderate,\n")
    assert res.status == 0
    assert rows[0]["billable"] is None
    assert rows[0]["errors"][0]["field"] == "minutes"
    assert "5000 digits" in rows[0]["errors"][0]["message"]
    res, _ = batch_rows(tmp_path, HEAD + f"a,2025-03-10,medicare,established,audio_video,"
                                         f"{'9' * 5000},moderate,\n", "in.csv", "--strict")
    assert res.status == 1  # --strict keeps its meaning: a row failed


def test_a_5000_digit_minutes_in_a_json_file_is_exit_2(bundle, tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(ENC)[:-1] + f', "discussion_minutes": {"9" * 5000}}}')
    res = run("check", str(path))
    no_traceback(res)
    assert res.status == 2
    assert "not valid JSON" in res.err


def test_a_400_digit_discussion_minutes_flag_is_exit_2(bundle):
    res = run("check", *FLAGS, "--discussion_minutes", "9" * 400)
    no_traceback(res)
    assert res.status == 2
    assert "discussion_minutes: must be at most 1,000,000" in res.err


@pytest.mark.parametrize("key", ["minutes", "discussion_minutes", "device_days",
                                 "management_minutes"])
def test_the_api_bounds_every_whole_number(cb, key):
    with pytest.raises(engine.EncounterError) as info:
        engine.check({**ENC, key: 10 ** 400}, cb)
    assert [e["field"] for e in info.value.errors] == [key]
    with pytest.raises(engine.EncounterError):
        engine.check({**ENC, "modality": "portal_evisit",
                      "evisit_minutes_by_day": {"0": 10 ** 400}}, cb)


def test_the_largest_allowed_number_still_answers(cb):
    result = engine.check({**ENC, "minutes": 1_000_000}, cb)
    assert result["lines"]


# ---- codebooks that are JSON but no bundle ---------------------------------------------------
@pytest.mark.parametrize("text", ['{"codes":[{}]}', '{"meta":"x"}', '{"codes":"abc"}', "{}", "[]"])
def test_a_bundle_of_the_wrong_shape_is_refused(bundle, tmp_path, text):
    path = tmp_path / "cb.json"
    path.write_text(text)
    res = run("check", "--codebook", str(path), *FLAGS)
    no_traceback(res)
    assert res.status == 1  # check's documented status for a codebook it cannot use
    assert "not a compiled telecode codebook" in res.err
    csv_in = tmp_path / "in.csv"
    csv_in.write_text(HEAD + "a,2025-03-10,medicare,established,audio_video,25,moderate,\n")
    res = run("batch", str(csv_in), "--codebook", str(path))
    no_traceback(res)
    assert res.status == 2
    assert "not a compiled telecode codebook" in res.err
    with pytest.raises(engine.CodebookError):
        engine.load_codebook(path)


# ---- deep nesting and lone surrogates ------------------------------------------------------------
def test_50000_nested_brackets_in_a_cell_are_an_invalid_row(bundle, tmp_path):
    res, rows = batch_rows(tmp_path, HEAD + "a,2025-03-10,commercial,established,portal_evisit,,,"
                                            + "[" * 50000 + "\n")
    assert res.status == 0
    assert rows[0]["errors"][0]["field"] == "evisit_minutes_by_day"
    assert "nested too deeply" in rows[0]["errors"][0]["message"]


def test_50000_nested_brackets_on_a_jsonl_line_are_an_invalid_row(bundle, tmp_path):
    res, rows = batch_rows(tmp_path, json.dumps(ENC) + "\n" + "[" * 50000 + "\n", "in.jsonl")
    assert res.status == 0
    assert [bool(r["errors"]) for r in rows] == [False, True]
    assert "nested too deeply" in rows[1]["errors"][0]["message"]


def test_50000_nested_brackets_in_a_check_file_are_exit_2(bundle, tmp_path):
    path = tmp_path / "e.json"
    path.write_text("[" * 50000)
    res = run("check", str(path))
    no_traceback(res)
    assert res.status == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_lone_surrogate_in_a_jsonl_id_is_written_escaped(bundle, tmp_path, fmt):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({**ENC, "id": "\ud800"}) + "\n")  # json.dumps escapes it
    res = run("batch", str(path), "--format", fmt, "--quiet")
    no_traceback(res)
    assert res.status == 0
    assert "\\ud800" in res.out


def test_a_lone_surrogate_key_is_reported_not_crashed_on(bundle, tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps({**ENC, "\udfff": 1}))
    res = run("check", str(path))
    no_traceback(res)
    assert res.status == 2
    assert "unknown key" in res.err


# ---- import-rvu RELEASED dates ---------------------------------------------------------------
# the status comparison and --write-payments read the file through one reader
PAYMENTS = ("--write-payments", "--as-of", "2025-10-01")


@pytest.mark.parametrize("extra", [(), PAYMENTS], ids=["statuses", "payments"])
@pytest.mark.parametrize("date", ["13/45/2025", "02/30/2025", "01/01/0000"])
def test_a_released_line_that_is_no_date_is_exit_2(tmp_path, date, extra):
    path = tmp_path / "PPRRVU.csv"
    path.write_text(RVU.read_text(encoding="latin-1").replace("RELEASED 09/11/2025",
                                                              f"RELEASED {date}"),
                    encoding="latin-1")
    res = run("import-rvu", str(path), "--codebook", str(MINI), *extra)
    no_traceback(res)
    assert res.status == 2
    assert f"'RELEASED {date}' is not a real date" in res.err


@pytest.mark.parametrize("extra", [(), PAYMENTS], ids=["statuses", "payments"])
def test_import_rvu_refuses_an_endless_file(extra):
    res = run("import-rvu", "/dev/zero", "--codebook", str(MINI), *extra)
    no_traceback(res)
    assert res.status == 2
    assert "larger than 64 MB" in res.err


def test_check_refuses_an_endless_file(bundle):
    res = run("check", "/dev/zero")
    no_traceback(res)
    assert res.status == 2
    assert "longer than 1,048,576 characters" in res.err


# ---- full matches ----------------------------------------------------------------------------
@pytest.mark.parametrize("key,value", [("requested_code", "99214\n"), ("state", "OH\n"),
                                       ("date_of_service", "2025-03-10\n")])
def test_a_final_line_feed_is_not_a_valid_value(cb, key, value):
    with pytest.raises(engine.EncounterError) as info:
        engine.check({**ENC, key: value}, cb)
    assert [e["field"] for e in info.value.errors] == [key]


def test_an_evisit_day_with_a_line_feed_is_no_day(cb):
    with pytest.raises(engine.EncounterError):
        engine.check({**ENC, "modality": "portal_evisit", "evisit_minutes_by_day": {"0\n": 5}},
                     cb)


# ---- the one guard ---------------------------------------------------------------------------
@pytest.mark.parametrize("problem,status,words", [
    (KeyError("oops"), 3, "internal error (KeyError: 'oops' at "),
    (RecursionError(), 2, "nested too deeply"),
    (OSError(28, "No space left on device", "out.csv"), 2, "out.csv: No space left on device"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_every_command_runs_under_one_guard(monkeypatch, capsys, problem, status, words):
    import engine.cli.diff
    from engine.cli import main

    def boom(argv):
        raise problem

    monkeypatch.setattr(engine.cli.diff, "run", boom)
    assert main(["diff", "2025", "2026"]) == status
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_escapes_from_the_input_never_reach_the_terminal_raw(bundle, tmp_path):
    name = tmp_path / "evil\x1b[2Jname\x07.csv"
    res = run("batch", str(name))
    assert res.status == 2
    assert "\x1b" not in res.err and "\x07" not in res.err
    assert "\\x1b[2Jname\\x07" in res.err
    path = tmp_path / "e.json"
    path.write_text(json.dumps({**ENC, "\x1b]0;owned\x07": 1, "payer": "\x1b[31mmedicare"}))
    res = run("check", str(path))
    assert res.status == 2
    assert "\x1b" not in res.err and "\x07" not in res.err
    assert "\\x1b]0;owned\\x07: unknown key" in res.err
