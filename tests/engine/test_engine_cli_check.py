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


def sections(out):
    """The text output's sections: {heading: [lines]} (headings end with ':')."""
    found, current = {}, None
    for line in out.splitlines():
        if line and not line.startswith(" "):
            current = found.setdefault(line[:-1], []) if line.endswith(":") else None
        elif current is not None and line:
            current.append(line)
    return found


def test_text_output_for_people(enc_file):
    status, out, _ = run([enc_file(BASE)])
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "telecode check: Medicare"
    assert lines[1] == ("  audio video, established patient, date of service 2025-03-10 "
                        "(codebook test.1+0123456789ab)")
    s = sections(out)
    assert list(s) == ["Report", "Why", "Warnings", "Document", "Sources"]  # this order
    assert s["Report"] == [
        "  Code   Modifiers  POS  Units  Description",
        "  99214  95         10   1      Office visit est L3",
        "  Claim line: 99214-95@10",
    ]
    # why: the route, then how the code was chosen, then the rules that spoke, with refs
    assert s["Why"][0] == ("  1. medicare-audio-video: route found: families office-em; "
                           "modifiers 95; POS 10 [1]")
    assert s["Why"][1].startswith("  2. office-em: 99214 (level 3: MDM moderate supports")
    assert "medicare-modifier-95-conflict: warn" in " ".join(s["Why"])
    assert not any("checklist item added" in x for x in s["Why"])  # cited under Document
    assert s["Warnings"][0].startswith("  - Sources disagree on modifier 95")
    assert s["Warnings"][-1] == "    (medicare-modifier-95-conflict; sources [3][4])"
    assert s["Document"] == ["  [ ] Document the patient's consent. [3]",
                             "  [ ] Document the total time (25 min). [3]"]
    # every cited number is listed once with its title, publisher, date and address
    assert s["Sources"] == [
        "  [1] Title src-a. P. 2025. https://example.org/src-a (src-a)",
        "  [2] Title src-codes. P. 2025. https://example.org/src-codes (src-codes)",
        "  [3] Title src-c. P. 2025. https://example.org/src-c (src-c)",
        "  [4] Title src-b. P. 2025. https://example.org/src-b (src-b)",
    ]
    assert lines[-1] == ("Not legal or billing advice. CPT is a registered trademark of the "
                         "American Medical Association.")
    assert max(len(x) for x in lines) <= 96


def test_text_output_not_billable(enc_file):
    status, out, _ = run([enc_file({**BASE, "payer": "medicaid"})])
    assert status == 0
    s = sections(out)
    assert s["Report"] == [
        "  Nothing is separately reportable for this encounter.",
        "  Reason: No rule for medicaid audio_video on 2025-03-10: not covered."]
    assert s["Warnings"] == ["  - No rule for medicaid audio_video on 2025-03-10: not covered.",
                             "    (not-covered-no-route; sources [1])"]
    assert "Errors" not in s and "Notes" not in s


def test_text_output_warnings_by_severity_and_usual_pos(enc_file):
    """Errors before warnings before notes; the first error is the reason; services that are
    not telehealth services show the usual place of service."""
    status, out, _ = run([enc_file({**BASE, "modality": "virtual_checkin", "minutes": 8,
                                    "date_of_service": "2025-04-14", "patient_status": "new",
                                    "requested_code": "G2012"})])
    assert status == 0
    s = sections(out)
    assert s["Report"][1].startswith("  Reason: ")
    headings = [h for h in s if h in ("Errors", "Warnings", "Notes")]
    order = {"Errors": 0, "Warnings": 1, "Notes": 2}
    assert headings == sorted(headings, key=order.get) and headings[0] == "Errors"
    assert any("requested-code-not-valid-on-date" in x for x in s["Errors"])
    status, out, _ = run([enc_file({**BASE, "modality": "virtual_checkin", "minutes": 8,
                                    "date_of_service": "2025-04-14"})])
    report = sections(out)["Report"]
    assert report[1].split()[:4] == ["98016", "none", "usual", "1"]
    assert "  POS usual: your usual place of service (not a telehealth POS)." in report


def test_text_output_real_codebook_names_modifier_and_pos(real_cb):
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["--date_of_service", "2025-03-10", "--payer", "medicare", "--modality",
                      "audio_video", "--patient_status", "established", "--mdm", "moderate"],
                     stdout=out, stderr=err)
    assert status == 0
    report = sections(out.getvalue())["Report"]
    assert report[1].split()[:4] == ["99214", "95", "10", "1"]
    assert ("  modifier 95: Real-time audio and video; POS 10: Telehealth, patient at home."
            in report)


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
    assert err.rstrip().endswith("(`telecode check --help` lists the keys).")


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
