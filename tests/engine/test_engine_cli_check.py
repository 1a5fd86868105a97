"""`telecode check`: JSON and text output, errors, stdin, flags."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import check as cli

MINI_PATH = Path(__file__).parent / "fixtures" / "mini_bundle.json"

BASE = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
        "modality": "audio_video", "minutes": 25, "mdm": "moderate"}


def run(argv, stdin_text=""):
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["--codebook", str(MINI_PATH), *argv], stdin=io.StringIO(stdin_text),
                     stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def enc_file(tmp_path):
    def write(data, name="enc.json"):
        p = tmp_path / name
        p.write_text(data if isinstance(data, str) else json.dumps(data))
        return str(p)
    return write


def test_json_output_is_exactly_the_result(enc_file, mini_cb):
    import engine

    status, out, err = run([enc_file(BASE), "--format", "json"])
    assert status == 0 and err == ""
    assert json.loads(out) == engine.check(BASE, mini_cb)


def test_text_output_for_people(enc_file):
    status, out, _ = run([enc_file(BASE)])
    assert status == 0
    assert "Report:\n  99214-95@10" in out
    assert "modifiers: 95; POS: 10; units: 1" in out
    assert "Warnings:" in out and "(medicare-modifier-95-conflict)" in out
    assert "Document:\n  - Document the patient's consent." in out
    assert "Why:\n  1. medicare-audio-video:" in out
    assert "sources: Title src-a [src-a]" in out  # source titles, not just ids
    assert "CPT is a registered trademark of the American Medical Association" in out
    assert out.index("Report:") < out.index("Warnings:") < out.index("Document:") < out.index(
        "Why:")


def test_text_output_not_billable(enc_file):
    status, out, _ = run([enc_file({**BASE, "payer": "medicaid"})])
    assert status == 0 and "nothing is separately reportable" in out


def test_stdin(mini_cb):
    status, out, _ = run(["-", "--format=json"], json.dumps(BASE))
    assert status == 0 and json.loads(out)["lines"][0]["code"] == "99214"


def test_flags_only_and_types():
    status, out, _ = run(["--format", "json", "--date_of_service", "2025-03-10", "--payer",
                          "medicare", "--patient_status", "established", "--modality",
                          "portal_evisit", "--evisit_minutes_by_day", '{"0": 12, "3": 10}',
                          "--consent_documented", "true"])
    assert status == 0
    res = json.loads(out)
    assert [x["code"] for x in res["lines"]] == ["99423"]
    assert "Document the patient's consent." not in res["checklist"]


def test_flags_override_file(enc_file):
    status, out, _ = run([enc_file(BASE), "--format", "json", "--mdm", "low", "--minutes",
                          "10", "--patient-location", "facility"])
    line = json.loads(out)["lines"][0]
    assert status == 0 and (line["code"], line["pos"]) == ("99213", "02")


def test_invalid_encounter_json_errors(enc_file):
    status, out, err = run([enc_file({**BASE, "minuts": 3, "payer": "x"}), "--format", "json",
                            "--minutes", "-2", "--behavioral_health", "maybe"])
    assert status == 2
    errors = json.loads(out)["errors"]
    fields = [e["field"] for e in errors]
    assert set(fields) == {"minuts", "payer", "minutes", "behavioral_health"}
    assert "did you mean 'minutes'" in errors[fields.index("minuts")]["message"]


def test_invalid_encounter_text_errors(enc_file):
    status, out, err = run([enc_file({"payer": "medicare"})])
    assert status == 2 and out == ""
    assert "invalid encounter" in err
    for key in ("date_of_service", "patient_status", "modality"):
        assert f"  {key}: required" in err
    assert "Traceback" not in err


def test_bad_json_file(enc_file):
    status, out, err = run([enc_file('{"payer": "medicare",}')])
    assert status == 2 and "line 1, column" in err and "not valid JSON" in err
    status, out, _ = run([enc_file("[1, 2]"), "--format", "json"])
    assert status == 2 and json.loads(out)["errors"][0]["field"] == "encounter"
    status, out, _ = run([enc_file("[1, 2]"), "--payer", "medicare"])
    assert status == 2


def test_missing_file():
    status, out, err = run(["/nonexistent/enc.json"])
    assert status == 2 and "/nonexistent/enc.json: file not found" in err
    status, out, err = run(["/nonexistent/enc.json", "--format", "json"])
    assert json.loads(out) == {"errors": [{"field": "/nonexistent/enc.json",
                                           "message": "file not found"}]}


def test_unknown_option_and_missing_value():
    status, _, err = run(["--paye", "medicare"])
    assert status == 2 and "did you mean --payer" in err
    status, _, err = run(["--payer"])
    assert status == 2 and "--payer: needs a value" in err
    status, _, err = run(["--format", "xml"])
    assert status == 2 and "text or json" in err


def test_help():
    status, out, _ = run(["--help"])
    assert status == 0 and "usage: telecode check" in out and "evisit_minutes_by_day" in out


def test_missing_codebook(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["--codebook", str(tmp_path / "none.json"), "--payer", "medicare"],
                     stdout=out, stderr=err)
    assert status == 1 and "telecode compile" in err.getvalue()


def test_subprocess_no_traceback(tmp_path):
    enc = tmp_path / "e.json"
    enc.write_text(json.dumps({**BASE, "minutes": "lots"}))
    code = "import sys; from engine.cli import main; raise SystemExit(main(sys.argv[1:]))"
    proc = subprocess.run([sys.executable, "-c", code, "check", str(enc), "--codebook",
                           str(MINI_PATH), "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["errors"][0]["field"] == "minutes"
    assert "Traceback" not in proc.stderr


def test_codebook_defect_exit_1(tmp_path, mini_bundle):
    bundle = json.loads(json.dumps(mini_bundle))
    bundle["routes"][0]["when"] = {"field": "payer"}  # no comparison: a codebook defect
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["--codebook", str(path), "--format", "json", "--date_of_service",
                      "2025-03-10", "--payer", "medicare", "--patient_status", "established",
                      "--modality", "audio_video"], stdout=out, stderr=err)
    assert status == 1
    assert "telecode validate" in json.loads(out.getvalue())["errors"][0]["message"]


def test_deeply_nested_json_file(enc_file):
    status, out, err = run([enc_file("[" * 100000 + "]" * 100000)])
    assert status == 2 and "nested too deeply" in err and "Traceback" not in err


def test_stale_bundle_note(tmp_path):
    import os

    src = tmp_path / "codebook"
    src.mkdir()
    (src / "a.yaml").write_text("x: 1\n")
    bundle = tmp_path / "codebook.json"
    bundle.write_text("{}")
    os.utime(src / "a.yaml", (1000, 1000))
    os.utime(bundle, (2000, 2000))
    assert cli._stale_warning(str(bundle), str(src)) is None
    os.utime(src / "a.yaml", (3000, 3000))
    note = cli._stale_warning(str(bundle), str(src))
    assert note and "telecode compile" in note
    assert cli._stale_warning(str(bundle), str(tmp_path / "none")) is None
