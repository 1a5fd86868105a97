"""`telecode batch` on real files through the command line, with the real engine and bundle."""

from __future__ import annotations

import json

HEADER = (
    "id,date_of_service,payer,patient_status,modality,minutes,mdm,discussion_minutes,"
    "patient_video_unavailable,evisit_minutes_by_day,role,report,device_days,management_minutes,"
    "interactive_communication,billed_code,billed_modifiers,billed_pos"
)
# id -> (cells after the id, expected lines, verdict, reason or None)
MIXED = {
    "mc-video": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,,,,,,99214,95,10",
                 "99214-95@10", "ok", ""),
    "mc-audio-98013": (
        "2025-03-10,medicare,established,audio_only,25,low,15,true,,,,,,,98013,93,10",
        "99213-93@10", "mismatch", "Medicare does not pay 98013; expected 99213-93@10"),
    "mc-audio-ok": ("2025-03-10,medicare,established,audio_only,25,low,15,YES,,,,,,,99213,93,10",
                    "99213-93@10", "ok", ""),
    "mc-wrong-mod": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,,,,,,99214,GT,10",
                     "99214-95@10", "mismatch", "modifiers GT on 99214; expected 99214-95@10"),
    "mc-wrong-pos": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,,,,,,99214,95,11",
                     "99214-95@10", "mismatch", "POS 11 on 99214; expected 99214-95@10"),
    "mc-wrong-level": (
        "2025-03-10,medicare,established,audio_video,25,moderate,,,,,,,,,99213,95,10",
        "99214-95@10", "mismatch", "billed 99213; expected 99214-95@10"),
    "cm-video": ("2025-06-02,commercial,established,audio_video,25,moderate,,,,,,,,,98006,,10",
                 "98006@10", "ok", ""),
    "cm-new-video": ("2025-06-02,commercial,new,audio_video,45,high,,,,,,,,,98003,,10",
                     "98003@10", "ok", ""),
    "checkin-2025": ("2025-06-02,medicare,established,virtual_checkin,8,,8,,,,,,,,98016,,",
                     "98016", "ok", ""),
    "checkin-2024": ("2024-06-02,medicare,established,virtual_checkin,8,,8,,,,,,,,G2012,,",
                     "G2012", "ok", ""),
    "checkin-g2012-2025": (
        "2025-06-02,medicare,established,virtual_checkin,8,,8,,,,,,,,G2012,,",
        "98016", "mismatch", "G2012 is not valid on 2025-06-02; expected 98016"),
    "evisit": ('2025-06-02,commercial,established,portal_evisit,,,,,"{""0"": 6, ""3"": 8}",'
               ',,,,,99422,,', "99422", "ok", ""),
    "image": ("2025-06-02,medicare,established,store_and_forward,,,,,,,,,,,G2010,,",
              "G2010", "ok", ""),
    "ipc-requester": ("2025-06-02,commercial,established,interprofessional,20,,,,,requester,,,,,"
                      "99452,,", "99452", "ok", ""),
    "unknown-code": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,,,,,,99999,95,10",
                     "99214-95@10", "mismatch",
                     "99999 is not a code in the codebook; expected 99214-95@10"),
    "nothing-billed": ("2025-03-10,medicare,established,audio_video,25,moderate,,,,,,,,,,,",
                       "99214-95@10", "mismatch", "nothing billed; expected 99214-95@10"),
}


def mixed_csv() -> str:
    return HEADER + "\n" + "".join(f"{i},{v[0]}\n" for i, v in MIXED.items())


def test_mixed_payers_and_modalities_have_known_verdicts(batch, write):
    res = batch(write("claims.csv", mixed_csv()))
    assert res.status == 0, res.err
    rows = res.by_id()
    assert list(rows) == list(MIXED)  # one row per input row, in order
    for rid, (_, expected, verdict, reason) in MIXED.items():
        row = rows[rid]
        assert (row["expected"], row["verdict"], row["reason"]) == (expected, verdict, reason), rid
        assert row["billable"] == "true"
        assert row["errors"] == ""
    assert rows["mc-video"]["billed"] == "99214-95@10"
    assert rows["mc-audio-98013"]["billed"] == "98013-93@10"
    assert "medicare-telemedicine-codes-not-payable" in rows["mc-video"]["warnings"].split(";")
    assert "ctbs-not-telehealth-pos" in rows["checkin-2025"]["warnings"].split(";")


def test_not_billable_names_the_rule(batch, write, real_cb):
    text = (HEADER + "\n"
            "a1,2025-03-10,medicare,established,audio_only,25,low,15,false,,,,,,,99213,93,10\n")
    row = batch(write("c.csv", text)).csv_rows()[0]
    title = real_cb.rule("medicare-audio-only-patient-could-use-video")["title"]
    assert row["billable"] == "false"
    assert row["expected"] == ""
    assert row["verdict"] == "not_billable"
    assert row["reason"] == f"nothing is billable: {title}"


def test_compact_billed_lines_are_compared_in_full(batch, write):
    text = ("id,date_of_service,payer,patient_status,modality,device_days,management_minutes,"
            "interactive_communication,billed_code\n"
            "r1,2026-03-02,medicare,established,remote_monitoring,20,45,true,99454;99457;99458\n"
            "r2,2026-03-02,medicare,established,remote_monitoring,20,45,true,99454\n"
            "r3,2026-03-02,medicare,established,remote_monitoring,20,45,true,99457-95\n")
    rows = batch(write("rpm.csv", text)).by_id()
    assert rows["r1"]["expected"] == "99454;99457;99458"
    assert rows["r1"]["verdict"] == "ok"
    assert rows["r2"]["verdict"] == "ok"  # one claim line of several expected ones
    assert rows["r3"]["verdict"] == "mismatch"
    assert rows["r3"]["reason"] == "modifiers 95 on 99457; expected 99454;99457;99458"


def test_summary_on_stderr_and_as_json(batch, write, tmp_path):
    summary = tmp_path / "summary.json"
    res = batch(write("claims.csv", mixed_csv() + "bad,2025-03-10,medicare,established,"
                      "audio_video,abc,moderate,,,,,,,,,99214,95,10\n"),
                "-o", str(tmp_path / "out.csv"), "--summary", str(summary))
    assert res.status == 0
    assert res.out == ""
    data = json.loads(summary.read_text())
    assert data["rows"] == len(MIXED) + 1
    assert data["ok"] == sum(1 for v in MIXED.values() if v[2] == "ok")
    assert data["mismatch"] == sum(1 for v in MIXED.values() if v[2] == "mismatch")
    assert data["invalid"] == 1
    assert data["invalid_by_field"] == {"minutes": 1}
    assert data["invalid_examples"] == [
        {"row": len(MIXED) + 1, "id": "bad", "errors": [
            {"field": "minutes", "message": "must be a whole number of minutes, got text 'abc'"}]}]
    assert data["mismatches_by_reason"] == {
        "code-not-valid-on-date": 1, "not-payable": 1, "nothing-billed": 1, "unknown-code": 1,
        "wrong-code": 1, "wrong-modifiers": 1, "wrong-pos": 1}
    # warnings by id: exactly how many output rows list each id
    import csv as _csv
    from collections import Counter

    with open(tmp_path / "out.csv", newline="") as fh:
        listed = Counter(w for r in _csv.DictReader(fh) for w in r["warnings"].split(";") if w)
    assert data["warnings_by_id"] == dict(listed)
    assert data["warnings_by_id"]["medicare-telemedicine-codes-not-payable"] >= 6
    assert data["codebook"].startswith("2026.")
    assert f"{len(MIXED) + 1} rows:" in res.err
    assert "not-payable: 1" in res.err
    out = (tmp_path / "out.csv").read_text()
    assert out.splitlines()[0] == ("id,billable,expected,warnings,billed,verdict,reason,errors,"
                                     "provisional")


def test_strict_exit_status(batch, write):
    ok = write("ok.csv", HEADER + "\nx," + MIXED["mc-video"][0] + "\n")
    bad = write("bad.csv", HEADER + "\nx," + MIXED["mc-audio-98013"][0] + "\n")
    invalid = write("inv.csv", HEADER + "\nx,2025-03-10,medicare,established,audio_video,"
                    "-5,moderate,,,,,,,,,99214,95,10\n")
    assert batch(ok, "--strict").status == 0
    assert batch(bad).status == 0
    assert batch(bad, "--strict").status == 1
    assert batch(invalid).status == 0
    assert batch(invalid, "--strict").status == 1
    not_billable = write("nb.csv", HEADER + "\nx,2025-03-10,medicare,established,audio_only,25,"
                         "low,15,false,,,,,,,99213,93,10\n")
    assert batch(not_billable, "--strict").status == 1


def test_csv_with_bom_and_windows_line_endings(batch, write):
    text = mixed_csv().replace("\n", "\r\n")
    res = batch(write("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert res.status == 0, res.err
    rows = res.csv_rows()
    assert list(rows[0])[0] == "id"  # the BOM is not part of the first column name
    assert [r["id"] for r in rows] == list(MIXED)
    assert [r["verdict"] for r in rows] == [v[2] for v in MIXED.values()]


def test_extra_columns_are_kept_and_passed_through(batch, write, tmp_path):
    text = ("claim_no,date_of_service,payer,patient_status,modality,minutes,mdm,note,"
            "billed_code,billed_modifiers,billed_pos,verdict\n"
            "A-1,2025-03-10,medicare,established,audio_video,25,moderate,\"first, visit\","
            "99214,95,10,was ok\n")
    res = batch(write("x.csv", text))
    row = res.csv_rows()[0]
    assert row["claim_no"] == "A-1"
    assert row["note"] == "first, visit"
    assert row["input_verdict"] == "was ok"  # an extra named like an output column is renamed
    assert row["verdict"] == "ok"
    assert row["id"] == "1"  # no id column: the row number
    assert list(row)[-3:] == ["claim_no", "note", "input_verdict"]
    res = batch(write("x.csv", text), "--format", "jsonl")
    rec = res.jsonl()[0]
    assert rec["claim_no"] == "A-1" and rec["note"] == "first, visit"
    assert rec["verdict"] == "ok" and rec["expected"] == "99214-95@10"


def test_missing_required_column_is_a_clear_error(batch, write):
    text = "id,date_of_service,Payer,patient_status,minutes\n1,2025-03-10,medicare,new,20\n"
    res = batch(write("m.csv", text))
    assert res.status == 2
    assert res.out == ""
    assert "Traceback" not in res.err
    assert "m.csv: line 1: missing required columns payer, modality." in res.err
    assert "'Payer' -> 'payer'" in res.err


def test_unreadable_inputs_exit_2_without_traceback(batch, write, tmp_path):
    cases = [
        (str(tmp_path / "nope.csv"), "nope.csv: no such file"),
        (str(tmp_path), "is a directory"),
        (write("empty.csv", ""), "the file is empty"),
        (write("x.txt", "a,b\n"), "cannot tell the input format"),
        (write("latin1.csv", (HEADER + "\n1,2025-03-10,medicare,established,audio_video,25,"
                              "moderate,,,,,,,,,99214,95,10\n2,caf\xe9\n").encode("latin-1")),
         "not UTF-8 text"),
        (write("dup.csv", "payer,payer,date_of_service,patient_status,modality\n"),
         "column payer appears more than once"),
    ]
    for path, message in cases:
        res = batch(path)
        assert res.status == 2, (path, res.err)
        assert message in res.err, (path, res.err)
        assert "Traceback" not in res.err
    res = batch("-", stdin=b"")
    assert res.status == 2 and "--input-format" in res.err


def test_stdin_and_output_format_by_extension(batch, write, tmp_path):
    res = batch("-", "--input-format", "csv", stdin=mixed_csv().encode())
    assert res.status == 0
    assert [r["id"] for r in res.csv_rows()] == list(MIXED)
    out = tmp_path / "out.jsonl"
    res = batch(write("c.csv", mixed_csv()), "-o", str(out))
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    assert recs[1]["id"] == "mc-audio-98013"
    assert recs[1]["billable"] is True
    assert recs[1]["reason"] == "Medicare does not pay 98013; expected 99213-93@10"
    assert recs[1]["errors"] == []


def test_jsonl_with_a_broken_line(batch, write):
    good = {"id": "g", "date_of_service": "2025-03-10", "payer": "medicare",
            "patient_status": "established", "modality": "audio_video", "minutes": 25,
            "mdm": "moderate", "billed_code": "99214", "billed_modifiers": "95",
            "billed_pos": "10", "clinic": {"name": "North"}}
    lines = [json.dumps(good), '{"id": "broken", "payer": "medicare",', "",
             json.dumps({**good, "id": "g2", "minutes": 45}), "[1, 2]"]
    res = batch(write("e.jsonl", "\r\n".join(lines) + "\r\n"), "--strict")
    assert res.status == 1
    recs = res.jsonl()
    assert [r["id"] for r in recs] == ["g", 2, "g2", 4]
    assert recs[0]["verdict"] == "ok" and recs[0]["clinic"] == {"name": "North"}
    assert recs[1]["verdict"] == "invalid"
    assert recs[1]["errors"][0]["field"] == "line"
    assert recs[1]["errors"][0]["message"].startswith("line 2: not valid JSON")
    assert recs[2]["expected"] == "99215-95@10" and recs[2]["verdict"] == "mismatch"
    assert recs[3]["errors"] == [{"field": "line",
                                  "message": "must be a JSON object {...}, got list"}]
    res = batch(write("e.jsonl", "\n".join(lines)), "--format", "csv")
    rows = res.csv_rows()
    assert [r["verdict"] for r in rows] == ["ok", "invalid", "mismatch", "invalid"]
    assert rows[0]["clinic"] == '{"name": "North"}'


def test_rows_with_too_many_or_too_few_cells(batch, write):
    text = ("id,date_of_service,payer,patient_status,modality,mdm,note\n"
            "a,2025-03-10,medicare,established,audio_video,moderate,n,EXTRA\n"
            "b,2025-03-10,medicare,established,audio_video,moderate\n")
    rows = batch(write("w.csv", text)).by_id()
    assert rows["a"]["errors"] == ("row: has 8 cells but the header has 7; quote cells that "
                                   "contain commas")
    assert rows["b"]["expected"] == "99214-95@10"
    assert rows["b"]["note"] == ""
    assert "verdict" not in rows["b"]  # no billed columns: no verdict columns


def test_progress_bar_only_when_stderr_is_a_terminal(real_cb, write):
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    path = write("c.csv", mixed_csv())
    cmd = [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
           "batch", path, "-o", os.devnull]
    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    # a terminal 100 columns wide (a fresh pty has no size, so a bar would have no width)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.run(cmd, stderr=follower, stdout=subprocess.DEVNULL, cwd=root,
                              env={**os.environ, "PYTHONPATH": str(root)}, timeout=300)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    assert proc.returncode == 0
    tty_err = b"".join(chunks).decode("utf-8", "replace")
    assert "rows/s]" in tty_err  # tqdm's bar, e.g. "16.0 rows [00:00, 1.2k rows/s]"
    assert f"{len(MIXED)} rows:" in tty_err  # and the summary
    piped = batch_quiet_stderr(cmd, root)
    assert "\r" not in piped and "rows/s" not in piped
    assert piped.startswith(f"{len(MIXED)} rows:")


def batch_quiet_stderr(cmd, root):
    import os
    import subprocess

    proc = subprocess.run(cmd, capture_output=True, cwd=root, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(root)})
    return proc.stderr.decode()


def test_tricky_text_in_ids_and_extra_cells_survives_the_round_trip(batch, write):
    import csv as _csv
    import io

    buf = io.StringIO()
    w = _csv.writer(buf)
    w.writerow(["id", "date_of_service", "payer", "patient_status", "modality", "mdm", "note"])
    tricky = ['a,b', 'say "hi"', "two\nlines", "  spaced  ", "tab\there", "ünïcödé ✓", ""]
    for i, text in enumerate(tricky):
        w.writerow([f"id,{i}" if i % 2 else f'"q{i}"', "2025-03-10", "medicare", "established",
                    "audio_video", "moderate", text])
    res = batch(write("t.csv", buf.getvalue()))
    assert res.status == 0, res.err
    rows = res.csv_rows()
    assert [r["note"] for r in rows] == tricky
    assert [r["id"] for r in rows] == [f"id,{i}" if i % 2 else f'"q{i}"' for i in range(7)]
    assert {r["expected"] for r in rows} == {"99214-95@10"}


def test_output_never_overwrites_the_input(batch, write):
    path = write("same.csv", mixed_csv())
    res = batch(path, "-o", path)
    assert res.status == 2
    assert "would overwrite the input" in res.err
    with open(path, encoding="utf-8", newline="") as fh:
        assert fh.read() == mixed_csv()
