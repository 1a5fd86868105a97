"""The real codebook (codebook/) validates, and compiles to the same bytes every time."""

from __future__ import annotations

import json
from pathlib import Path

from engine.cli import main
from engine.tooling.compile import bundle_hash
from engine.tooling.paths import CODEBOOK_DIR
from engine.tooling.validate import validate_codebook

FAMILIES = [
    "telemedicine-em", "virtual-checkin", "office-em", "telephone-em", "remote-image-review",
    "nonem-checkin", "nonem-image-review", "online-digital-em", "online-assessment-nonem",
    "telephone-assessment-nonem", "interprofessional-verbal", "interprofessional-written",
    "interprofessional-requester", "rpm-setup", "rpm-device-supply", "rpm-management",
    "rtm-setup", "rtm-device-supply", "rtm-management", "facility-fees",
    # issue 14: behavioral health services and add-on codes
    "psychiatric-evaluation", "psychotherapy", "psychotherapy-with-em", "crisis-psychotherapy",
    "family-psychotherapy", "group-psychotherapy", "interactive-complexity",
    "prolonged-medicare", "prolonged-cpt", "visit-complexity",
]


def test_real_codebook_validates() -> None:
    report = validate_codebook(CODEBOOK_DIR)
    assert [str(p) for p in report.problems] == []
    counts = report.counts()
    for kind in ("code", "family", "source", "modifier", "pos", "payer", "status", "route",
                 "rule", "period", "conflict", "message", "faq"):
        assert counts[kind] > 0, kind


def test_real_codebook_cli_summary(capsys) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("codebook OK: ")


def test_real_codebook_compiles_deterministically(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["compile", "-o", str(a)]) == 0
    assert main(["compile", "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    bundle = json.loads(a.read_bytes())
    assert bundle["format"] == 1
    assert bundle["meta"]["hash"] == bundle_hash(bundle)
    assert sorted(f["id"] for f in bundle["families"]) == sorted(FAMILIES)
    assert [(c["code"], c["from"]) for c in bundle["codes"]] == sorted(
        (c["code"], c["from"]) for c in bundle["codes"])
    assert {m["code"] for m in bundle["modifiers"]} >= {"93", "95", "FQ", "GT", "GQ", "G0", "FR"}
    assert {p["code"] for p in bundle["places_of_service"]} >= {"02", "10", "11"}
    assert [p["id"] for p in bundle["payers"]] == ["commercial", "medicaid", "medicare"]
