"""Item 5 of the reliability issue: no CSV telecode writes holds a cell a spreadsheet would run
as a formula (a leading = + - @ tab or CR gets an apostrophe), on every path that writes one."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from _cli import ROOT, run

from engine.core.spreadsheet import spreadsheet_safe
from engine.tooling.new_year import Row, Worksheet, to_csv

EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def formula_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row
            if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_spreadsheet_safe():
    assert [spreadsheet_safe(e) for e in EVIL] == ["'" + e for e in EVIL]
    assert spreadsheet_safe("99214") == "99214"
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe("a=b") == "a=b"


@pytest.mark.parametrize("quoted", [False, True])
def test_batch_csv_neutralises_ids_extras_and_header(bundle, tmp_path, quoted):
    head = "id,date_of_service,payer,patient_status,modality,minutes,mdm,=note\n"
    rows = []
    for e in EVIL:
        cell = '"' + e.replace('"', '""') + '"' if quoted or '"' in e or "\r" in e else e
        rows.append(f"{cell},2025-03-10,medicare,established,audio_video,25,moderate,{cell}\n")
    rows.append("-7,2025-03-10,medicare,established,audio_video,25,moderate,-8\n")
    path = tmp_path / "in.csv"
    path.write_text(head + "".join(rows), newline="")
    res = run("batch", str(path), "--quiet")
    assert res.status == 0, res.err
    assert formula_cells(res.out) == []
    got = list(csv.reader(io.StringIO(res.out, newline="")))
    assert got[0][-1] == "'=note"
    assert [r[0] for r in got[1:]] == ["'" + e for e in EVIL] + ["'-7"]
    assert [r[-1] for r in got[1:]] == ["'" + e for e in EVIL] + ["'-8"]


def test_batch_jsonl_to_csv_neutralises_ids_and_extras(bundle, tmp_path):
    enc = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
           "modality": "audio_video", "minutes": 25, "mdm": "moderate"}
    lines = [json.dumps({**enc, "id": e, "note": e}) for e in EVIL]
    lines.append(json.dumps({**enc, "id": -5, "note": ["-a", "b"]}))
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    res = run("batch", str(path), "--format", "csv", "--quiet")
    assert res.status == 0, res.err
    assert formula_cells(res.out) == []
    got = list(csv.reader(io.StringIO(res.out, newline="")))
    assert [r[0] for r in got[1:]] == ["'" + e for e in EVIL] + ["'-5"]


def test_new_year_worksheet_neutralises_its_cells():
    row = Row(*(["=cmd()"] * 13))
    text = to_csv(Worksheet(2027, [row], [], []))
    assert formula_cells(text) == []
    assert "'=cmd()" in text


def test_downloads_neutralise_a_leading_minus_and_lists():
    sys.path.insert(0, str(ROOT / "docs"))
    from _site.downloads import to_csv as downloads_csv

    text = downloads_csv([{"id": "-x", "note": "-1", "codes": ["=a", "b"], "t": "\tq"}]).decode()
    assert formula_cells(text) == []
    assert "'-1" in text and "'=a; b" in text
