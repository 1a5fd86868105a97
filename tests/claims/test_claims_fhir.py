"""FHIR R4 input: Claim, ExplanationOfBenefit (CARIN Blue Button professional), Bundle and
NDJSON; the payer from the Coverage type or the payer map; malformed files exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from engine.batch.claims import read_claims
from engine.cli import main

FHIR = Path(__file__).parent / "data" / "fhir"


def test_claim_items(claim_rows):
    lines = list(read_claims(str(FHIR / "claim-medicare.json")))
    assert [(x.claim_id, x.line, x.date_of_service, x.payer, x.code, x.modifiers, x.pos,
             x.units) for x in lines] == [
        ("clm-1001", "1", "2025-03-10", "medicare", "98005", (), "10", 1),
        ("clm-1001", "2", "2024-06-03", "medicare", "99213", ("95",), "11", 1)]
    assert claim_rows(FHIR / "claim-medicare.json") == [
        ("clm-1001", "1", "98005", "error", "claim-code-not-payable;claim-check-level-in-note",
         "99213-95@10"),
        ("clm-1001", "2", "99213", "error", "claim-pos-wrong", "")]


def test_eob_without_payer_type_needs_the_payer_map(claim_rows, tmp_path):
    rows = claim_rows(FHIR / "eob-carin.json")
    assert [r[3:5] for r in rows] == [("error", "claim-line-unreadable")] * 2
    pm = tmp_path / "payers.json"
    pm.write_text(json.dumps({"PLAN-42": "medicare"}))
    assert claim_rows(FHIR / "eob-carin.json", "--payer-map", str(pm)) == [
        ("eob-77", "1", "G2012", "error", "claim-code-not-valid-on-date", "98016@11"),
        ("eob-77", "2", "99458", "error", "claim-add-on-without-primary", "")]
    # the item without a date takes the claim's billable period
    lines = list(read_claims(str(FHIR / "eob-carin.json"), payer_map={"PLAN-42": "medicare"}))
    assert lines[1].date_of_service == "2025-10-06"


def test_bundle_of_claim_and_eob(claim_rows):
    assert claim_rows(FHIR / "bundle.json") == [
        # Medicare Advantage: the generic profile follows Medicare as a default (issue 15)
        ("claim-a", "1", "98005", "warning",
         "claim-code-not-payable;claim-check-level-in-note", "99213-95@10"),
        ("eob-b", "1", "98013", "ok", "", ""),
        ("eob-b", "2", "", "error", "claim-line-unreadable", "")]


def test_ndjson_of_resources(claim_rows, tmp_path):
    claim = json.loads((FHIR / "claim-medicare.json").read_text())
    eob = json.loads((FHIR / "eob-carin.json").read_text())
    src = tmp_path / "export.ndjson"
    src.write_text(json.dumps(claim) + "\n" + json.dumps(eob) + "\n")
    rows = claim_rows(src, "--input-format", "fhir")
    assert [r[0] for r in rows] == ["clm-1001", "clm-1001", "eob-77", "eob-77"]


def test_malformed_fhir_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"resourceType": "Claim", "item": [}')
    assert main(["claims", str(bad), "--quiet"]) == 2
    assert "not JSON" in capsys.readouterr().err
    patient = tmp_path / "patient.json"
    patient.write_text('{"resourceType": "Patient", "id": "p"}')
    assert main(["claims", str(patient), "--quiet"]) == 2
    assert "is a Patient" in capsys.readouterr().err
    empty = tmp_path / "empty.json"
    empty.write_text('{"resourceType": "Bundle", "entry": []}')
    assert main(["claims", str(empty), "--quiet"]) == 2
    assert "no Claim or ExplanationOfBenefit" in capsys.readouterr().err
