"""`telecode claims` on CSV/JSONL claim-line files: rows in input order, the summary by
reason, exit 2 naming the line of a malformed file, bad lines reported without stopping the
run, and output that is renamed into place only when complete."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from engine.cli import main

DATA = Path(__file__).parent / "data"


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_rows_in_input_order(tmp_path, capsys):
    out = tmp_path / "out.csv"
    summ = tmp_path / "summary.json"
    assert main(["claims", str(DATA / "lines.csv"), "-o", str(out), "--summary", str(summ)]) == 0
    rows = rows_of(out)
    assert list(rows[0]) == ["claim_id", "line", "code", "verdict", "reasons", "message",
                             "suggested", "provisional"]
    got = [(r["claim_id"], r["line"], r["code"], r["verdict"], r["reasons"], r["suggested"])
           for r in rows]
    assert got == [
        ("A1", "1", "98005", "error", "claim-code-not-payable;claim-check-level-in-note",
         "99213-95@10"),
        ("A1", "2", "99458", "error", "claim-add-on-without-primary", ""),
        ("B2", "1", "99213", "error", "claim-pos-wrong", ""),
        ("B2", "2", "99213", "error", "claim-modifier-missing", "99213-95@10"),
        ("C3", "1", "99213", "error", "claim-line-unreadable", ""),
        # Medicare Advantage: the generic profile follows Medicare as a default (issue 15)
        ("C3", "2", "98005", "warning",
         "claim-code-not-payable;claim-check-level-in-note", "99213-95@10"),
        ("D4", "1", "99457", "ok", "", ""),
        ("D4", "2", "99458", "ok", "", ""),
        ("E5", "1", "98005", "ok", "", ""),
    ]
    assert "2025/13/01" in rows[4]["message"]
    data = json.loads(summ.read_text())
    assert data["lines"] == 9 and data["claims"] == 5
    assert data["verdicts"] == {"ok": 3, "warning": 1, "error": 5}
    ids = [e["id"] for e in data["reasons"]]
    assert ids[-1] == "claim-check-level-in-note"  # info last
    pos = next(e for e in data["reasons"] if e["id"] == "claim-pos-wrong")
    assert pos["lines"] == 1 and pos["url"].endswith("claims/#claim-pos-wrong")
    assert "ngs-95" in pos["sources"]
    assert "9 claim lines in 5 claims: 3 ok, 1 warning, 5 error" in capsys.readouterr().err


def test_jsonl_in_and_out(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"claim_id": "X", "line": 1, "date_of_service": "2025-03-10",
                    "payer": "medicare", "code": "98005", "modifiers": [], "pos": 10}) + "\n"
        + "{not json\n"
        + json.dumps({"claim_id": "Y", "date_of_service": "2024-03-10", "payer": "medicare",
                      "code": "99213", "modifiers": "95", "pos": "11", "units": 1}) + "\n",
        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["claims", str(src), "-o", str(out), "--quiet"]) == 0
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert [list(r) for r in recs][0] == ["claim_id", "line", "code", "verdict", "reasons",
                                          "message", "suggested", "provisional"]
    assert [(r["claim_id"], r["line"], r["verdict"], r["reasons"], r["suggested"])
            for r in recs] == [
        ("X", "1", "error", ["claim-code-not-payable", "claim-check-level-in-note"],
         "99213-95@10"),
        ("", "2", "error", ["claim-line-unreadable"], ""),
        ("Y", "1", "error", ["claim-pos-wrong"], ""),
    ]
    assert "line 2 is not JSON" in recs[1]["message"]


def test_missing_column_exits_2_naming_line_1(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("claim,date_of_service,payer,code\nA,2025-01-01,medicare,99213\n")
    out = tmp_path / "out.csv"
    assert main(["claims", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "claim_id" in err and "Traceback" not in err
    assert not out.exists()


def test_not_utf8_exits_2(tmp_path, capsys):
    src = tmp_path / "latin.csv"
    src.write_bytes(b"claim_id,date_of_service,payer,code\nA,2025-01-01,m\xe9dicare,99213\n")
    assert main(["claims", str(src), "--input-format", "csv"]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_missing_input_exits_2(tmp_path, capsys):
    assert main(["claims", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_lines_never_stop_the_run(tmp_path):
    src = tmp_path / "mixed.csv"
    src.write_text("claim_id,date_of_service,payer,code,modifiers,pos,units\n"
                   "A,2025-01-01,medicare,99213,95,10,1\n"
                   "A,2025-02-30,medicare,99213,95,10,1\n"
                   "B,2025-01-01,,9921,9,ten,0\n"
                   ",2025-01-01,medicare,99213,95,10,1\n"
                   "C,2025-01-01,medicare,99213,95,10,1\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["claims", str(src), "-o", str(out), "--quiet"]) == 0
    rows = rows_of(out)
    assert [(r["claim_id"], r["line"], r["verdict"]) for r in rows] == [
        ("A", "1", "ok"), ("A", "2", "error"), ("B", "1", "error"), ("", "1", "error"),
        ("C", "1", "ok")]
    assert "not a calendar date" in rows[1]["message"]
    for words in ("no payer", "'9921'", "modifier '9'", "'ten'"):
        assert words in rows[2]["message"]
    assert "no claim_id" in rows[3]["message"]


def test_strict_exits_1_on_an_error_verdict(tmp_path):
    out = tmp_path / "o.csv"
    assert main(["claims", str(DATA / "lines.csv"), "-o", str(out), "--quiet",
                 "--strict"]) == 1


def test_output_is_never_half_written(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out.csv"
    out.write_text("previous results\n")
    import engine.batch.claims.report as report

    real = report.write_csv

    def broken(fh, lines, results):
        real(fh, lines[:2], results[:2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "write_csv", broken)
    assert main(["claims", str(DATA / "lines.csv"), "-o", str(out), "--quiet"]) == 2
    assert out.read_text() == "previous results\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]  # no temporary file left
    assert "No space left" in capsys.readouterr().err


def test_payer_map_file_is_read(tmp_path):
    from engine.cli.claims import _payer_map

    m = tmp_path / "map.csv"
    m.write_text("payer_id,payer\n12345,Medicare Advantage\nsx,commercial\n")
    assert _payer_map(str(m)) == {"12345": "medicare_advantage", "SX": "commercial"}


@pytest.mark.parametrize("text,expected", [("95", ("95",)), ("95,25", ("95", "25")),
                                           ("95-25", ("95", "25")), (" gt ", ("GT",)),
                                           ("", ())])
def test_modifier_cells(text, expected):
    from engine.batch.claims.fields import parse_modifiers

    assert parse_modifiers(text) == expected


def test_csv_output_is_spreadsheet_safe(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("claim_id,line,date_of_service,payer,code,modifiers,pos,units\n"
                   "=HYPERLINK(1),@2,2025-03-10,medicare,99213,95,10,1\n"
                   "+C,-3,2025-03-10,medicare,=1+1,,10,1\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["claims", str(src), "-o", str(out), "--quiet"]) == 0
    rows = rows_of(out)
    assert [(r["claim_id"], r["line"], r["code"]) for r in rows] == [
        ("'=HYPERLINK(1)", "'@2", "99213"), ("'+C", "'-3", "'=1+1")]
    assert rows[1]["verdict"] == "error"


def test_provisional_column_and_summary_count(tmp_path, capsys):
    src = tmp_path / "lines.csv"
    src.write_text(
        "claim_id,line,date_of_service,payer,code,modifiers,pos,units\n"
        "P1,1,2026-12-31,medicare,99213,95,10,1\n"
        "P2,1,2027-01-01,medicare,99213,95,10,1\n"
        "P3,1,2027-12-31,commercial,98006,,10,1\n"
        "P4,1,2028-01-01,medicare,99213,95,10,1\n", encoding="utf-8")
    out, summ = tmp_path / "out.csv", tmp_path / "summary.json"
    assert main(["claims", str(src), "-o", str(out), "--summary", str(summ)]) == 0
    rows = {r["claim_id"]: r for r in rows_of(out)}
    assert {k: r["provisional"] for k, r in rows.items()} == {
        "P1": "false", "P2": "true", "P3": "true", "P4": "false"}
    assert "claim-provisional-year" in rows["P2"]["reasons"].split(";")
    assert "claim-date-outside-codebook" in rows["P4"]["reasons"].split(";")
    data = json.loads(summ.read_text(encoding="utf-8"))
    assert data["provisional"] == 2
    assert "2 provisional (dates not yet reviewed)" in capsys.readouterr().err
    jl = tmp_path / "out.jsonl"
    assert main(["claims", str(src), "-o", str(jl), "--quiet"]) == 0
    assert [json.loads(x)["provisional"] for x in jl.read_text().splitlines()] == [
        False, True, True, False]
