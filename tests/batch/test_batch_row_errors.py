"""One row per kind of error: each row is invalid with its own errors; the batch goes on."""

from __future__ import annotations

HEADER = ("id,date_of_service,payer,patient_status,modality,minutes,mdm,"
          "patient_video_unavailable,evisit_minutes_by_day,state,billed_code,billed_modifiers,"
          "billed_pos")
GOOD = "2025-03-10,medicare,established,audio_video,25,moderate,,,,99214,95,10"

# id -> (row cells after the id, {field: part of its message})
ERRORS = {
    "not-a-number": ("2025-03-10,medicare,established,audio_video,twenty,moderate,,,,99214,95,10",
                     {"minutes": "must be a whole number of minutes, got text 'twenty'"}),
    "negative": ("2025-03-10,medicare,established,audio_video,-5,moderate,,,,99214,95,10",
                 {"minutes": "must be 0 or more, got -5"}),
    "bad-bool": ("2025-03-10,medicare,established,audio_only,25,low,maybe,,,99213,93,10",
                 {"patient_video_unavailable": "must be true or false, got text 'maybe'"}),
    "bad-enum": ("2025-03-10,medicare,established,audio_video,25,moderat,,,,99214,95,10",
                 {"mdm": "did you mean 'moderate'?"}),
    "missing-value": ("2025-03-10,,established,audio_video,25,moderate,,,,99214,95,10",
                      {"payer": "required"}),
    "bad-date": ("03/10/2025,medicare,established,audio_video,25,moderate,,,,99214,95,10",
                 {"date_of_service": "must be a date written YYYY-MM-DD"}),
    "no-such-day": ("2025-02-30,medicare,established,audio_video,25,moderate,,,,99214,95,10",
                    {"date_of_service": "'2025-02-30' is not a real calendar date"}),
    "out-of-range": ("2028-01-04,medicare,established,audio_video,25,moderate,,,,99214,95,10",
                     {"date_of_service": "2028-01-04 is outside the dates this codebook covers"}),
    "bad-json": ('2025-03-10,commercial,established,portal_evisit,,,,"{0: 5}",,99421,,',
                 {"evisit_minutes_by_day": "is not valid JSON"}),
    "bad-state": ("2025-03-10,medicare,established,audio_video,25,moderate,,,Ohio,99214,95,10",
                  {"state": "must be a two-letter state"}),
    "bad-billed-code": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,9921,95,10",
                        {"billed_code": "must be a five-character code"}),
    "bad-billed-line": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,99214-9@1,,",
                        {"billed_code": "is not a billed line"}),
    "bad-modifier": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,99214,95;GTX,10",
                     {"billed_modifiers": "'GTX' is not a modifier"}),
    "bad-pos": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,99214,95,home",
                {"billed_pos": "'home' is not a place of service"}),
    "both-forms": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,99214-95@10,95,",
                   {"billed_code": "either inside billed_code or in their own columns"}),
    "several": ("2025-13-10,medicaid,old,audio_video,x,,,,,99214,95,10",
                {"date_of_service": "", "patient_status": "", "minutes": ""}),
}


def test_each_error_kind_makes_its_row_invalid_and_the_batch_goes_on(batch, write, tmp_path):
    lines = [HEADER, "first," + GOOD]
    lines += [f"{rid},{cells}" for rid, (cells, _) in ERRORS.items()]
    lines.append("last," + GOOD)
    summary = tmp_path / "s.json"
    res = batch(write("errors.csv", "\n".join(lines) + "\n"), "--summary", str(summary))
    assert res.status == 0, res.err
    rows = res.by_id()
    assert list(rows) == ["first", *ERRORS, "last"]
    assert rows["first"]["verdict"] == rows["last"]["verdict"] == "ok"
    for rid, (_, expect) in ERRORS.items():
        row = rows[rid]
        assert row["verdict"] == "invalid", rid
        assert row["billable"] == "" and row["expected"] == "", rid
        problems = dict(p.split(": ", 1) for p in row["errors"].split(" | "))
        assert set(problems) == set(expect), (rid, row["errors"])
        for field, part in expect.items():
            assert part in problems[field], (rid, row["errors"])
    import json

    data = json.loads(summary.read_text())
    assert data["invalid"] == len(ERRORS)
    assert data["ok"] == 2
    assert data["invalid_by_field"]["date_of_service"] == 4
    assert len(data["invalid_examples"]) == len(ERRORS)


def test_invalid_rows_without_billed_columns(batch, write):
    text = ("date_of_service,payer,patient_status,modality,minutes\n"
            "2025-03-10,medicare,established,audio_video,ten\n")
    res = batch(write("x.csv", text), "--strict")
    assert res.status == 1
    row = res.csv_rows()[0]
    assert list(row) == ["id", "billable", "expected", "warnings", "errors",
                         "provisional"]
    assert row["errors"].startswith("minutes: must be a whole number")
