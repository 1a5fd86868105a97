"""X12 837P input (hand-made files in data/x12/): one claim per denial reason, subscriber and
patient loops, the payer from SBR09 (16 is Medicare Advantage, never Medicare), an other-payer
loop inside a claim, CRLF / `~\\n` / bare `~` terminators, a malformed segment and a broken
envelope (exit 2 naming the segment); the pinned pyx12 accepts POS 10."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from engine.batch.claims import read_claims
from engine.cli import main

pyx12 = pytest.importorskip("pyx12")

X12 = Path(__file__).parent / "data" / "x12"


def test_one_claim_per_denial_reason(claim_rows):
    assert claim_rows(X12 / "denials.837") == [
        ("NOTVALID", "1", "98005", "error", "claim-code-not-valid-on-date", ""),
        ("NOTPAID", "1", "98005", "error", "claim-code-not-payable;claim-check-level-in-note",
         "99213-95@10"),
        ("POS11", "1", "99213", "error", "claim-pos-wrong", ""),
        ("NOMOD", "1", "99214", "error", "claim-modifier-missing", "99214-95@10"),
        ("GT", "1", "99214", "error", "claim-modifier-missing;claim-modifier-limited",
         "99214-95@10"),
        ("ADDON", "1", "99458", "error", "claim-add-on-without-primary", ""),
        ("LAPSE", "1", "99213", "warning", "claim-waiver-lapse", ""),
        ("NOTTH", "1", "98016", "error", "claim-not-telehealth-service", ""),
        ("OK2", "1", "99457", "ok", "", ""),
        ("OK2", "2", "99458", "ok", "", ""),
        ("BADLINE", "1", "99213", "error", "claim-line-unreadable", ""),
        ("BADLINE", "2", "99213", "ok", "", ""),
    ]


def test_fields_read_from_the_segments():
    lines = {(x.claim_id, x.line): x for x in read_claims(str(X12 / "denials.837"))}
    pos11 = lines[("POS11", "1")]
    assert (pos11.date_of_service, pos11.payer, pos11.code, pos11.modifiers, pos11.pos,
            pos11.units) == ("2025-03-10", "medicare", "99213", ("95",), "11", 1)
    # SV105 overrides CLM05-1
    assert lines[("NOTTH", "1")].pos == "10"
    assert lines[("OK2", "2")].units == 2


def test_loops_and_payers_with_crlf(claim_rows):
    assert b"~\r\n" in (X12 / "loops-crlf.837").read_bytes()
    lines = list(read_claims(str(X12 / "loops-crlf.837")))
    assert [(x.claim_id, x.payer) for x in lines] == [
        ("PATIENT1", "medicare"),          # patient loop under a Medicare subscriber
        ("MA1", "medicare_advantage"),     # SBR09 16: never traditional Medicare
        ("MCD1", "medicaid"), ("COMM1", "commercial"),
        ("OTHER2320", "medicare")]         # the 2320 SBR*S (CI) is another payer
    rows = claim_rows(X12 / "loops-crlf.837")
    # Medicare Advantage: the generic profile follows Medicare as a default (issue 15)
    assert rows[1][3:5] == ("warning", "claim-code-not-payable;claim-check-level-in-note")
    assert rows[3][3:5] == ("warning", "claim-not-telehealth-service")  # commercial: warning


def test_payer_map_refines_the_payer(claim_rows, tmp_path):
    pm = tmp_path / "map.csv"
    pm.write_text("payer_id,payer\nH1234,commercial\n")
    lines = list(read_claims(str(X12 / "loops-crlf.837"), payer_map={"H1234": "commercial"}))
    assert lines[1].payer == "commercial"
    assert claim_rows(X12 / "loops-crlf.837", "--payer-map", str(pm))[1][3] == "ok"


def test_bare_tilde_and_date_ranges():
    text = (X12 / "no-newlines.837").read_text()
    assert "\n" not in text
    lines = list(read_claims(str(X12 / "no-newlines.837")))
    assert [(x.code, x.date_of_service, x.units) for x in lines] == [
        ("99457", "2025-03-01", 1), ("99458", "2025-03-01", 2)]


def test_tilde_newline_terminators():
    assert "~\n" in (X12 / "denials.837").read_text()


def test_malformed_segment_exits_2_naming_it(tmp_path, capsys):
    out = tmp_path / "o.csv"
    assert main(["claims", str(X12 / "malformed-segment.837"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "segment 22" in err and "L X" in err and "Traceback" not in err
    assert not out.exists()


def test_broken_envelope_exits_2(capsys):
    assert main(["claims", str(X12 / "bad-envelope.837"), "--quiet"]) == 2
    assert "SE count" in capsys.readouterr().err


def test_not_an_interchange_exits_2(tmp_path, capsys):
    bad = tmp_path / "x.837"
    bad.write_text("ISA*00*short~")
    assert main(["claims", str(bad), "--quiet"]) == 2
    assert "segment 1 (ISA)" in capsys.readouterr().err


def test_pinned_pyx12_accepts_pos_10():
    """pyx12's own 837P validator passes a file with CLM05-1 = 10 (and SV105 = 02)."""
    import pyx12.params
    import pyx12.x12n_document

    fd_997, fd_html = io.StringIO(), io.StringIO()
    with open(X12 / "loops-crlf.837", encoding="utf-8", newline="") as src:
        ok = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=src,
                                               fd_997=fd_997, fd_html=fd_html, fd_xmldoc=None)
    assert ok, re.findall(r"IK\d\*[^~]*", fd_997.getvalue())
    assert "CLM*PATIENT1*100***10:B:1" in (X12 / "loops-crlf.837").read_text()
