"""The annual tooling on the real codebook: the 2024→2025 and 2025→2026 diffs, and the
PPRRVU fixture made from the CMS October 2025 file (scripts/make-rvu-fixture)."""

from __future__ import annotations

import json
import shutil

import pytest

from engine.tooling.diff import affected_codes, diff_bundle
from engine.tooling.write import compile_folder

from .test_annual_rvu import rows_of, set_status, write_rows


@pytest.fixture(scope="module")
def real_bundle():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent / "codebook"
    if not (root / "codes").is_dir():
        pytest.skip("the real codebook (branch data) is not merged into this checkout yet")
    return compile_folder(root)


def codes_of(changes, change):
    return sorted(c.code for c in changes if c.kind == "code" and c.change == change)


def test_2024_to_2025(real_bundle):
    changes = diff_bundle(real_bundle, "2024-12-31", "2025-01-01")
    assert codes_of(changes, "added") == [f"{n}" for n in range(98000, 98017)]
    assert codes_of(changes, "ended") == ["99441", "99442", "99443", "G2012"]
    key = "medicare audio_only em_practitioner"
    audio = [c for c in changes if c.kind == "route" and c.key == key]
    assert len(audio) == 1
    a = audio[0]
    assert a.before["codes"] == ["99441", "99442", "99443"]
    # issue 14: the route also reports the add-ons G2211 and G2212 with the office codes
    assert a.after["codes"] == ["99202", "99203", "99204", "99205", "99211", "99212", "99213",
                                "99214", "99215", "G2211", "G2212"]
    assert a.after["modifiers"] == ["93"] and a.after["pos"]["home"] == "10"
    assert a.effective == "2025-01-01"
    assert a.text.startswith("Medicare, audio-only: 99441–99443")
    assert "→ 99202–99205, 99211–99215, G2211, G2212 + 93" in a.text
    medicare_status = {c.code: c.after for c in changes if c.kind == "status"
                       and c.payer == "medicare" and c.field == "status"}
    assert medicare_status["98016"] == "payable"
    assert all(medicare_status[str(n)] == "not_valid" for n in range(98000, 98016))


def test_2025_to_2026_monitoring_codes(real_bundle):
    changes = diff_bundle(real_bundle, "2025-12-31", "2026-01-01")
    assert codes_of(changes, "added") == ["98979", "98984", "98985", "98986", "99445", "99470"]
    assert codes_of(changes, "ended") == []
    assert set(affected_codes(real_bundle, 2026)) >= {"99445", "99470", "98979", "98986"}


def test_rvu_fixture_agrees_with_real_codebook(cli, rvu_fixture, real_codebook):
    code, out, err = cli("import-rvu", rvu_fixture, "--codebook", real_codebook,
                         "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {"release": "2025-09-11", "differences": []}


def test_rvu_fixture_rows_cover_every_listed_code(rvu_fixture, real_bundle):
    from engine.tooling.importers.rvu import read_pprrvu

    held = {c["code"] for c in real_bundle["codes"]}
    in_file = set(read_pprrvu(rvu_fixture).statuses)
    assert in_file <= held  # only codebook codes were kept
    assert {"98016", "98000", "99213", "G2025", "Q3014"} <= in_file


def test_write_round_trip_on_real_codebook(cli, rvu_fixture, real_codebook, tmp_path):
    copy = tmp_path / "codebook"
    shutil.copytree(real_codebook, copy)
    rows = rows_of(rvu_fixture)
    set_status(rows, "98016", "B")
    set_status(rows, "99457", "C")
    f = write_rows(tmp_path / "PPRRVU_altered.csv", rows)
    code, out, err = cli("import-rvu", f, "--codebook", copy, "--format", "json")
    assert code == 1
    assert json.loads(out)["differences"] == [
        {"code": "98016", "codebook": "payable", "file": "bundled"},
        {"code": "99457", "codebook": "payable", "file": "contractor_priced"},
    ]
    code, out, err = cli("import-rvu", f, "--codebook", copy, "--write")
    assert code == 0, err
    code, out, err = cli("validate", copy)
    assert code == 0, out + err
    code, out, _ = cli("import-rvu", f, "--codebook", copy, "--format", "json")
    assert code == 0 and json.loads(out)["differences"] == []
    code, out, _ = cli("diff", "2025-09-10", "2025-09-11", "--codebook", copy, "--format", "json")
    changes = json.loads(out)["changes"]
    assert {(c["key"], c["field"], c["before"], c["after"]) for c in changes
            if c["field"] == "status"} == {
        ("medicare 98016", "status", "payable", "bundled"),
        ("medicare 99457", "status", "payable", "contractor_priced"),
    }
    assert {c["key"] for c in changes} == {"medicare 98016", "medicare 99457"}
    # and the original codebook on that day shows no change at all
    code, out, _ = cli("diff", "2025-09-10", "2025-09-11", "--codebook", real_codebook,
                       "--format", "json")
    assert json.loads(out)["changes"] == []


def test_cms_list_write_round_trip_on_real_codebook(cli, real_codebook, tmp_path):
    """A made-up 2025 list (the real CMS file is not in the repository): the office E/M
    codes, 98016 (not a telehealth service in the codebook) and a code the codebook lacks."""
    import csv
    import io

    copy = tmp_path / "codebook"
    shutil.copytree(real_codebook, copy)
    codes = ["99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215",
             "98016", "90845"]  # 90845 (psychoanalysis) is not in the codebook
    buf = io.StringIO()
    csv.writer(buf).writerows([["Title row: CY2025 telehealth list"], [],
                               ["HCPCS", "Short Descriptor", "Status"],
                               *[[c, "text", "Permanent"] for c in codes]])
    f = tmp_path / "list2025.csv"
    f.write_text(buf.getvalue())
    code, out, err = cli("import-cms-list", f, "--year", "2025", "--codebook", copy,
                         "--format", "json")
    doc = json.loads(out)
    assert doc["basis"] == "routes" and doc["not_in_codebook"] == ["90845"]
    assert {"code": "98016", "codebook": "not_telehealth", "list": "permanent"} in (
        doc["differences"])
    code, out, err = cli("import-cms-list", f, "--year", "2025", "--codebook", copy, "--write")
    assert code == 0, err
    code, out, err = cli("validate", copy)
    assert code == 0, out + err
    code, out, _ = cli("import-cms-list", f, "--year", "2025", "--codebook", copy,
                       "--format", "json")
    assert code == 0 and json.loads(out)["differences"] == []
    code, out, _ = cli("diff", "2024", "2025", "--codebook", copy, "--format", "json")
    listed = sorted(c["code"] for c in json.loads(out)["changes"]
                    if c["kind"] == "telehealth_list")
    assert listed == sorted(codes[:-1])
    code, out, _ = cli("diff", "2025", "2026", "--codebook", copy, "--format", "json")
    ended = sorted(c["code"] for c in json.loads(out)["changes"]
                   if c["kind"] == "telehealth_list")
    assert ended == sorted(codes[:-1])  # the 2025 list holds for 2025 only
