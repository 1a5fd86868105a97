"""The provisional year through the command line: `telecode check` opens its text with a
PROVISIONAL line and sets the JSON flag; `telecode batch` gives every row a `provisional` column
(CSV and JSONL) and the summary counts the provisional rows."""

from __future__ import annotations

import json
import subprocess
import sys

HEADER = "id,date_of_service,payer,patient_status,modality,mdm\n"
ROWS = ("before,2026-12-31,medicare,established,audio_video,moderate\n"
        "first,2027-01-01,medicare,established,audio_video,moderate\n"
        "last,2027-12-31,commercial,established,audio_video,moderate\n"
        "after,2028-01-01,medicare,established,audio_video,moderate\n")
VISIT = ["--payer", "medicare", "--patient_status", "established", "--modality",
         "audio_video", "--mdm", "moderate"]


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "check", *args], capture_output=True, text=True, check=False)


def test_check_text_opens_with_a_provisional_line_only_in_2027(real_cb):
    provisional = check("--date_of_service", "2027-01-01", *VISIT)
    assert provisional.returncode == 0, provisional.stderr
    lines = provisional.stdout.splitlines()
    assert lines[0].startswith("PROVISIONAL: 2027-01-01 is in 2027-01-01 to 2027-12-31, which "
                               "this codebook has not yet reviewed")
    assert "Claim line: 99214-95@10" in provisional.stdout
    assert "Provisional answer: 2027-01-01 falls in" in provisional.stdout
    reviewed = check("--date_of_service", "2026-12-31", *VISIT)
    assert reviewed.returncode == 0
    assert reviewed.stdout.splitlines()[0] == "telecode check: Medicare (traditional " \
        "fee-for-service, Part B)"
    assert "PROVISIONAL" not in reviewed.stdout and "Provisional answer" not in reviewed.stdout
    refused = check("--date_of_service", "2028-01-01", *VISIT)
    assert refused.returncode == 2
    assert "2028-01-01 is outside the dates this codebook covers" in refused.stderr


def test_check_json_has_the_flag(real_cb):
    for day, flag in (("2026-12-31", False), ("2027-01-01", True), ("2027-12-31", True)):
        proc = check("--date_of_service", day, *VISIT, "--format", "json")
        result = json.loads(proc.stdout)
        assert result["provisional"] is flag, day
        assert (result["warnings"][0]["id"] == "provisional-year") is flag, day


def test_batch_rows_and_summary(batch, write, tmp_path):
    src = write("in.csv", HEADER + ROWS)
    out, summary = tmp_path / "out.csv", tmp_path / "summary.json"
    res = batch(src, "-o", str(out), "--summary", str(summary))
    assert res.status == 0, res.err
    import csv

    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert {k: rows[k]["provisional"] for k in rows} == {
        "before": "false", "first": "true", "last": "true", "after": ""}
    assert rows["before"]["expected"] == rows["first"]["expected"] == "99214-95@10"
    assert "provisional-year" in rows["first"]["warnings"].split(";")
    assert "provisional-year" not in rows["before"]["warnings"].split(";")
    assert rows["after"]["errors"].startswith("date_of_service: 2028-01-01 is outside")
    data = json.loads(summary.read_text())
    assert data["provisional"] == 2 and data["rows"] == 4 and data["invalid"] == 1
    assert "2 provisional (dates not yet reviewed)" in res.err

    jsonl = batch(src, "--format", "jsonl")
    recs = {r["id"]: r for r in jsonl.jsonl()}
    assert [recs[k]["provisional"] for k in ("before", "first", "last", "after")] == [
        False, True, True, None]


def test_batch_jsonl_input_gets_the_column_too(batch, write):
    lines = [json.dumps({"id": i, "date_of_service": d, "payer": "medicare",
                         "patient_status": "established", "modality": "audio_video",
                         "mdm": "low"}) for i, d in (("a", "2026-12-31"), ("b", "2027-06-30"))]
    res = batch(write("in.jsonl", "\n".join(lines) + "\n"), "--input-format", "jsonl",
                "--format", "csv")
    assert res.status == 0, res.err
    assert {r["id"]: r["provisional"] for r in res.csv_rows()} == {"a": "false", "b": "true"}
