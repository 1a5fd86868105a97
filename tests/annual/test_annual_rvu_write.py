"""import-rvu --write: differences become dated records; comments and order survive; the
re-import agrees; diff shows exactly the imported changes."""

from __future__ import annotations

import json

from engine.tooling.diff import diff_bundle
from engine.tooling.write import compile_folder, today

from .test_annual_rvu import rows_of, set_status, write_rows  # noqa: F401  (same folder)


def test_write_single_code_record(cli, rvu_fixture, mini_copy, tmp_path):
    rows = rows_of(rvu_fixture)
    set_status(rows, "99454", "B")
    f = write_rows(tmp_path / "PPRRVU_changed.csv", rows)
    payer_before = (mini_copy / "payers" / "medicare.yaml").read_text()
    before_bundle = compile_folder(mini_copy)

    code, out, err = cli("import-rvu", f, "--codebook", mini_copy, "--write")
    assert code == 0, err
    assert "Written: 1 record(s)" in out

    payer_after = (mini_copy / "payers" / "medicare.yaml").read_text()
    assert payer_after == payer_before.replace(
        """  - id: medicare-status-rpm
    codes: ["99454"]
    status: payable
    from: 2024-01-01
    to: null
    sources:
      - {id: src-a, locator: "p"}
    last_verified: 2026-11-22
    evidence: verified
""",
        f"""  - id: medicare-status-rpm
    codes: ["99454"]
    status: payable
    from: 2024-01-01
    to: 2025-09-10
    sources:
      - {{id: src-a, locator: "p"}}
    last_verified: 2026-11-22
    evidence: verified
  - id: medicare-status-bundled-2025-09-11
    codes: ["99454"]
    status: bundled
    from: 2025-09-11
    to: null
    sources:
      - {{id: cms-pprrvu-2025-09-11, locator: "STATUS CODE column, 99454: B"}}
    last_verified: {today()}
    evidence: verified
""",
    )
    assert payer_after != payer_before
    assert "# The telemedicine E/M codes are not valid for Medicare." in payer_after

    sources = (mini_copy / "sources.yaml").read_text()
    assert "# Sources of the test codebook." in sources
    from engine.tooling.write import sha256_of

    assert f"sha256: {sha256_of(f)}" in sources
    assert sources.endswith(f"""
  - id: cms-pprrvu-2025-09-11
    title: "Physician Fee Schedule Relative Value File, released 2025-09-11 (PPRRVU_changed.csv)"
    publisher: "Centers for Medicare & Medicaid Services (CMS)"
    url: https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files
    published: "2025-09-11"
    accessed: {today()}
    kind: primary
    sha256: {sha256_of(f)}
""")

    # the re-import agrees, and the diff shows exactly the imported change
    code, out, _ = cli("import-rvu", f, "--codebook", mini_copy, "--format", "json")
    assert code == 0 and json.loads(out)["differences"] == []
    after_bundle = compile_folder(mini_copy)
    changes = diff_bundle(after_bundle, "2025-09-10", "2025-09-11")
    assert [(c.kind, c.key, c.field, c.before, c.after) for c in changes
            if c.field == "status"] == [("status", "medicare 99454", "status", "payable",
                                          "bundled")]
    assert {c.key for c in changes} == {"medicare 99454"}
    # nothing else changed on any other day of the covered range
    for day in ("2024-06-01", "2025-01-01", "2025-09-10", "2026-06-01"):
        if day < "2025-09-11":
            assert diff_bundle(before_bundle, day, day) == diff_bundle(after_bundle, day, day)


def test_write_splits_a_group_record(cli, rvu_fixture, mini_copy, tmp_path):
    rows = rows_of(rvu_fixture)
    set_status(rows, "99212", "C")
    f = write_rows(tmp_path / "PPRRVU_group.csv", rows)
    code, _, err = cli("import-rvu", f, "--codebook", mini_copy, "--write")
    assert code == 0, err
    b = compile_folder(mini_copy)
    office = [s for s in b["statuses"] if s["id"].startswith("medicare-status-office-em")]
    assert [(s["id"], s["from"], s["to"], len(s["codes"])) for s in office] == [
        ("medicare-status-office-em", "2024-01-01", "2025-09-10", 9),
        ("medicare-status-office-em-from-2025-09-11", "2025-09-11", None, 8),
    ]
    # the continued record is written out in full, not as YAML anchors and aliases
    text = (mini_copy / "payers" / "medicare.yaml").read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text
    changes = diff_bundle(b, "2025-09-10", "2025-09-11")
    assert {c.key for c in changes} == {"medicare 99212"}
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("sources", ["src-a (p)"], ["cms-pprrvu-2025-09-11 (STATUS CODE column, 99212: C)"]),
        ("status", "payable", "contractor_priced"),
    ]
    code, out, _ = cli("import-rvu", f, "--codebook", mini_copy, "--format", "json")
    assert code == 0 and json.loads(out)["differences"] == []


def test_write_leaves_code_dates_to_a_person(cli, rvu_fixture, mini_copy, tmp_path):
    rows = [r for r in rows_of(rvu_fixture) if r[0] != "98016"]
    f = write_rows(tmp_path / "PPRRVU_removed.csv", rows)
    before = {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
    code, _, err = cli("import-rvu", f, "--codebook", mini_copy, "--write")
    assert code == 1
    assert "not written: 98016" in err and "to` date" in err
    assert before == {p: p.read_text() for p in mini_copy.rglob("*.yaml")}


def test_bad_file_changes_nothing(cli, mini_copy, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("HCPCS,MOD\n99454\n")
    before = {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
    code, _, err = cli("import-rvu", f, "--codebook", mini_copy, "--write")
    assert code == 2
    assert before == {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
