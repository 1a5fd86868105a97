"""`telecode claims --payments`: each claim line as billed gets its Medicare national amounts
(CSV and JSONL; the HTML report refuses the flag). Expected amounts are the CMS rows
(tests/data/PPRRVU2025_Oct-payments.csv, PPRRVU2026_Jan-codebook.csv) worked by hand."""

from __future__ import annotations

import csv
import json

from engine.batch.claims.report import ROW_KEYS
from engine.batch.results import PAYMENT_COLUMNS
from engine.cli import main

LINES = """claim_id,line,date_of_service,payer,code,modifiers,pos,units
c1,1,2025-11-10,medicare,99214,95,10,1
c1,2,2025-11-10,medicare,99458,,10,2
c2,1,2026-02-10,medicare,99214,95,02,1
c3,1,2025-11-10,commercial,99214,95,10,1
c4,1,2025-11-10,medicare,99453,,11,1
c5,1,2025-03-10,medicare,99214,95,10,1
"""
EXPECTED = [  # national (the POS's rate, for the units), non-facility, facility (per unit)
    ("125.18", "125.18", "93.80"),   # 99214: 3.87 / 2.90 x 32.3465
    ("76.98", "38.49", "28.79"),     # 99458 x2: 1.19 / 0.89 x 32.3465
    ("84.50", "135.61", "84.50"),    # 99214 in 2026: 4.06 / 2.53 x 33.4009
    ("", "", ""),                    # commercial
    ("19.73", "19.73", "19.73"),     # 99453 at POS 11 (office): non-facility, 0.61 x 32.3465
    ("", "", ""),                    # before the first fee schedule the codebook holds
]


def test_csv_and_jsonl_lines_get_the_payment_columns(tmp_path, capsys):
    src = tmp_path / "lines.csv"
    src.write_text(LINES, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["claims", str(src), "-o", str(out), "--payments", "--quiet"]) == 0
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [*ROW_KEYS, *PAYMENT_COLUMNS]
    assert [tuple(r[c] for c in PAYMENT_COLUMNS) for r in rows] == EXPECTED
    assert rows[0]["verdict"] == "warning" and rows[2]["verdict"] == "ok"
    jl = tmp_path / "out.jsonl"
    assert main(["claims", str(src), "-o", str(jl), "--payments", "--quiet"]) == 0
    recs = [json.loads(t) for t in jl.read_text(encoding="utf-8").splitlines()]
    assert list(recs[0]) == [*ROW_KEYS, *PAYMENT_COLUMNS]
    assert [tuple(r[c] for c in PAYMENT_COLUMNS) for r in recs] == EXPECTED
    plain = tmp_path / "plain.csv"
    assert main(["claims", str(src), "-o", str(plain), "--quiet"]) == 0
    assert plain.read_text(encoding="utf-8").splitlines()[0] == ",".join(ROW_KEYS)


def test_html_report_refuses_the_flag(tmp_path, capsys):
    src = tmp_path / "lines.csv"
    src.write_text(LINES, encoding="utf-8")
    assert main(["claims", str(src), "-o", str(tmp_path / "r.html"), "--payments"]) == 2
    assert "not to the html report" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
