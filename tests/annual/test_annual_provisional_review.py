"""The review of a provisional year, done end to end on a copy of the real codebook with a
synthetic 2027: the worksheet lists what the provisional period left unreviewed; the maintainer
saves the provisional answers, edits the records (here: Medicare drops modifier 95 on video
visits from 2027-01-01 — invented for the test), moves 2027 from provisional to reviewed in
codebook.yaml; answers for 2027 are then no longer flagged, a permalink date in 2027 still
answers, and `telecode diff --before` shows exactly what the review changed."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from engine import core

VISIT = {"payer": "medicare", "patient_status": "established", "modality": "audio_video",
         "mdm": "moderate"}
# the visit route (issue 14: for service visit, with the prolonged and complexity add-ons)
ROUTE_OLD = """    from: 2024-01-01
    to: null
    when: {field: service, is: visit}
    families: [office-em, prolonged-medicare, visit-complexity]
    modifiers: ["95"]
"""
ROUTE_NEW = """  - id: medicare-audio-video-2027
    payer: medicare
    modality: audio_video
    clinician: em_practitioner
    from: 2027-01-01
    to: null
    when: {field: service, is: visit}
    families: [office-em, prolonged-medicare, visit-complexity]
    modifiers: []
    pos: {home: "10", facility: "02"}
    summary: >-
      A synthetic 2027 review for the test: video visits without modifier 95.
    sources:
      - {id: aafp-th25, locator: "synthetic"}
    last_verified: 2026-11-22
    evidence: verified

"""


def _review(root: Path) -> None:
    """The edits a maintainer makes once the 2027 sources are in hand (synthetic)."""
    routes = root / "routes" / "medicare.yaml"
    text = routes.read_text(encoding="utf-8")
    assert text.count(ROUTE_OLD) == 1
    text = text.replace(ROUTE_OLD, ROUTE_OLD.replace("to: null", "to: 2026-12-31"))
    text = text.replace("  - id: medicare-telephone-em-2024\n",
                        ROUTE_NEW + "  - id: medicare-telephone-em-2024\n", 1)
    routes.write_text(text, encoding="utf-8")
    meta = root / "codebook.yaml"
    text = meta.read_text(encoding="utf-8")
    head, _, _ = text.partition("\nprovisional:")
    head = head.replace("covers: {from: 2024-01-01, to: 2026-12-31}",
                        "covers: {from: 2024-01-01, to: 2027-12-31}")
    meta.write_text(head.rstrip("\n").rsplit("\n#", 1)[0] + "\n", encoding="utf-8")


def test_review_moves_2027_from_provisional_to_reviewed(tmp_path, real_codebook, cli):
    root = tmp_path / "codebook"
    shutil.copytree(real_codebook, root)
    before = tmp_path / "before-review.json"

    # 1. the worksheet lists exactly what the provisional period left unreviewed
    status, _, err = cli("new-year", "2027", "--codebook", root, "-o", tmp_path / "ws")
    assert status == 0, err
    rows = list(csv.DictReader((tmp_path / "ws" / "new-year-2027.csv").open(encoding="utf-8")))
    periods = core.Codebook(json.loads(json.dumps(_compile(root)))).provisional
    assert [r["subject"] for r in rows if r["kind"] == "provisional"] == periods[0]["unreviewed"]
    md = (tmp_path / "ws" / "new-year-2027.md").read_text(encoding="utf-8")
    assert "is answered provisionally" in md and "--before before-review.json" in md

    # 2. keep the provisional answers; they are flagged
    assert cli("compile", root, "-o", before)[0] == 0
    old = core.load_codebook(before)
    provisional = core.check({**VISIT, "date_of_service": "2027-03-01"}, old)
    assert provisional["provisional"] is True
    assert core.format_lines(provisional["lines"]) == "99214-95@10"

    # 3. the review: edit the records, move 2027 to reviewed coverage
    _review(root)
    status, out, err = cli("validate", root)
    assert status == 0, out + err
    after = tmp_path / "after-review.json"
    assert cli("compile", root, "-o", after)[0] == 0
    new = core.load_codebook(after)
    assert new.covers_to == "2027-12-31" and new.provisional == []
    reviewed = core.check({**VISIT, "date_of_service": "2027-03-01"}, new)
    assert reviewed["provisional"] is False
    assert "provisional-year" not in [w["id"] for w in reviewed["warnings"]]
    assert core.format_lines(reviewed["lines"]) == "99214@10"
    assert core.check({**VISIT, "date_of_service": "2026-12-31"}, new)["lines"][0][
        "modifiers"] == ["95"]
    # a permalink to a 2027 date keeps answering (now reviewed); 2028 is still refused
    assert core.check({**VISIT, "date_of_service": "2027-12-31"}, new)["provisional"] is False
    with pytest.raises(core.EncounterError):
        core.check({**VISIT, "date_of_service": "2028-01-01"}, new)

    # 4. what the review changed relative to the provisional answers, and nothing else
    status, out, err = cli("diff", "2027-01-01", "2027-01-01", "--before", before,
                           "--codebook", after, "--format", "json")
    assert status == 0, err
    changes = json.loads(out)["changes"]
    assert [(c["kind"], c["change"], c["payer"], c["field"]) for c in changes] == [
        ("route", "changed", "medicare", "modifiers,sources")], changes
    assert changes[0]["before"]["modifiers"] == ["95"] and changes[0]["after"]["modifiers"] == []
    same = json.loads(cli("diff", "2027-01-01", "2027-01-01", "--before", before,
                          "--codebook", before, "--format", "json")[1])
    assert same["changes"] == []


def _compile(root: Path) -> dict:
    from engine.tooling.write import compile_folder

    return compile_folder(root)
