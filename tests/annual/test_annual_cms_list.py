"""telecode import-cms-list: fixture lists the tests create (CSV, XLSX, XLSX in a ZIP, junk
header rows, renamed columns, empty and damaged files), compared with the test codebook,
whose Medicare telehealth routes (POS 02/10) report 99202-99205 and 99211-99215 in 2025."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from engine.tooling.importers import cms_list

OFFICE = ["99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"]
TITLE = ["List of Medicare Telehealth Services, CY2025 (CPT codes copyright AMA)", "", ""]
HEADER = ["HCPCS/CPT Code", "Short Descriptor", "Status"]


def body(codes=OFFICE, status="Permanent"):
    rows = [[c, "descriptor text, AMA", status] for c in codes]
    rows.append(["90785", "psychotherapy add-on", "Provisional"])  # not in the codebook
    return rows


def write_csv(path: Path, rows) -> Path:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows, numeric_codes=False) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "CY2025 list"
    for r in rows:
        ws.append([int(c) if numeric_codes and i == 0 and str(c).isdigit() else c
                   for i, c in enumerate(r)])
    wb.save(path)
    return path


def run_json(cli, path, codebook, *extra):
    code, out, err = cli("import-cms-list", path, "--year", "2025", "--codebook", codebook,
                         "--format", "json", *extra)
    return code, (json.loads(out) if out.strip() else None), err


def test_csv_matching_list(cli, tmp_path, mini_dir):
    f = write_csv(tmp_path / "list.csv", [TITLE, [], HEADER, *body(),
                                         [], ["* Footnote: codes may change mid-year.", "", ""]])
    code, doc, err = run_json(cli, f, mini_dir)
    assert code == 0, err
    assert doc == {"year": 2025, "basis": "routes", "differences": [],
                   "not_in_codebook": ["90785"], "invalid": [], "routes_disagree": []}


def test_csv_differences(cli, tmp_path, mini_dir):
    codes = [c for c in OFFICE if c != "99211"] + ["98016"]
    f = write_csv(tmp_path / "list.csv", [HEADER, *body(codes)])
    code, doc, _ = run_json(cli, f, mini_dir)
    assert code == 1
    assert doc["differences"] == [
        {"code": "98016", "codebook": "not_telehealth", "list": "permanent"},
        {"code": "99211", "codebook": "telehealth", "list": "not_on_list"},
    ]


def test_xlsx(cli, tmp_path, mini_dir):
    f = write_xlsx(tmp_path / "list.xlsx", [TITLE, HEADER, *body()], numeric_codes=True)
    tl = cms_list.read_list(f)
    assert tl.kind == "xlsx" and tl.header_row == 2
    assert tl.columns == {"code": "HCPCS/CPT Code", "status": "Status"}
    assert tl.entries["99213"].status == "permanent"
    code, doc, _ = run_json(cli, f, mini_dir)
    assert code == 0 and doc["differences"] == []


def test_xlsx_inside_zip(cli, tmp_path, mini_dir):
    x = write_xlsx(tmp_path / "inner.xlsx", [TITLE, HEADER, *body(OFFICE[:-1])])
    z = tmp_path / "CY2025-list.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(x, "CY2025 Telehealth List.xlsx")
        zf.writestr("__MACOSX/._CY2025 Telehealth List.xlsx", b"junk")
        zf.writestr("readme.txt", "CMS list")
    tl = cms_list.read_list(z)
    assert tl.kind == "zip:CY2025 Telehealth List.xlsx"
    code, doc, _ = run_json(cli, z, mini_dir)
    assert code == 1
    assert doc["differences"] == [{"code": "99215", "codebook": "telehealth",
                                   "list": "not_on_list"}]


def test_csv_inside_zip(tmp_path):
    c = write_csv(tmp_path / "l.csv", [HEADER, *body()])
    z = tmp_path / "l.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(c, "list.csv")
    assert set(cms_list.read_list(z).entries) == set(OFFICE) | {"90785"}


def test_junk_header_rows_mentioning_cpt(tmp_path):
    rows = [["CPT codes and descriptions are copyright AMA", "", ""],
            ["Telehealth list: HCPCS codes effective January 1, 2025", "CPT", ""],
            [],
            ["Notes", "see below", ""],
            HEADER, *body()]
    tl = cms_list.read_list(write_csv(tmp_path / "junk.csv", rows))
    assert tl.header_row == 5
    assert set(tl.entries) == set(OFFICE) | {"90785"}


def test_renamed_and_reordered_columns(cli, tmp_path, mini_dir):
    header = ["Descriptor (short)", "Can Audio-only Interaction Meet the Requirements?",
              "Telehealth status (Permanent/Provisional)", "CPT/HCPCS"]
    rows = [header] + [["text", "Yes" if c == "99213" else "No", "Provisional", c]
                       for c in OFFICE]
    tl = cms_list.read_list(write_csv(tmp_path / "renamed.csv", rows))
    assert tl.columns == {"code": "CPT/HCPCS", "audio_only": header[1], "status": header[2]}
    assert tl.entries["99213"].audio_only is True and tl.entries["99212"].audio_only is False
    assert tl.entries["99213"].status == "provisional"
    code, doc, _ = run_json(cli, tmp_path / "renamed.csv", mini_dir)
    assert code == 0 and doc["differences"] == []


def test_no_status_column_2026_style(tmp_path):
    tl = cms_list.read_list(write_csv(tmp_path / "l.csv",
                                      [["Code", "Short Descriptor"]] + [[c, "x"] for c in OFFICE]))
    assert tl.columns == {"code": "Code"} and tl.entries["99202"].status is None


def test_invalid_codes_and_footnote_stop(cli, tmp_path, mini_dir):
    rows = [HEADER, *body(), ["9921", "typo", "Permanent"],
            ["1 Codes added for CY2025 are provisional.", "", ""], ["99999", "after footnote", ""]]
    f = write_csv(tmp_path / "l.csv", rows)
    tl = cms_list.read_list(f)
    assert tl.invalid == [(len(OFFICE) + 3, "9921")]
    assert "99999" not in tl.entries
    code, doc, _ = run_json(cli, f, mini_dir)
    assert doc["invalid"] == [{"row": len(OFFICE) + 3, "value": "9921"}]


def test_descriptors_never_kept(tmp_path):
    tl = cms_list.read_list(write_csv(tmp_path / "l.csv", [HEADER, *body()]))
    assert "descriptor text" not in repr(tl) and "psychotherapy" not in repr(tl)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b",,\n,,\n", "holds no data"),
        ("other.csv", b"name,value\nfoo,1\nbar,2\n", "no header row with a code column"),
        ("header-only.csv", b"HCPCS,Short Descriptor\n", "no header row with a code column"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls"),
        ("doc.pdf", b"%PDF-1.7\n...", "PDF"),
        ("empty.zip", None, "holds no .xlsx or .csv"),
    ],
)
def test_bad_files(cli, tmp_path, mini_copy, name, content, message):
    f = tmp_path / name
    if content is None:
        with zipfile.ZipFile(f, "w") as zf:
            zf.writestr("readme.txt", "nothing here")
    else:
        f.write_bytes(content)
    before = {p: p.read_bytes() for p in mini_copy.rglob("*") if p.is_file()}
    code, out, err = cli("import-cms-list", f, "--year", "2025", "--codebook", mini_copy,
                         "--write")
    assert code == 2 and message in err and "Traceback" not in err and out == ""
    assert before == {p: p.read_bytes() for p in mini_copy.rglob("*") if p.is_file()}


def test_corrupted_zip_and_xlsx(cli, tmp_path, mini_dir):
    x = write_xlsx(tmp_path / "good.xlsx", [HEADER, *body()])
    data = x.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    code, _, err = cli("import-cms-list", cut, "--year", "2025", "--codebook", mini_dir)
    assert code == 2 and "damaged" in err
    z = tmp_path / "list.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(x, "list.xlsx")
    zdata = bytearray(z.read_bytes())
    mid = len(zdata) // 3
    zdata[mid:mid + 200] = b"\xff" * 200
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(zdata))
    code, _, err = cli("import-cms-list", bad, "--year", "2025", "--codebook", mini_dir)
    assert code == 2 and "damaged" in err and "Traceback" not in err


def test_several_lists_in_zip(tmp_path):
    z = tmp_path / "two.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.csv", "HCPCS,x\n99202,y\n")
        zf.writestr("b.csv", "HCPCS,x\n99202,y\n")
    with pytest.raises(cms_list.ListError, match="several list files"):
        cms_list.read_list(z)


def test_write_round_trip(cli, tmp_path, mini_copy):
    codes = [c for c in OFFICE if c != "99211"] + ["98016"]
    f = write_csv(tmp_path / "CY2025-list.csv", [HEADER, *body(codes)])
    code, out, err = cli("import-cms-list", f, "--year", "2025", "--codebook", mini_copy,
                         "--write")
    assert code == 0, err
    assert "Written: medicare-telehealth-list-2025-permanent" in out
    text = (mini_copy / "policies" / "medicare-telehealth-list.yaml").read_text()
    assert text.startswith("# Codes of the codebook on the CMS List")
    assert "90785" not in text  # not in the codebook: never written
    assert "descriptor text" not in text
    code, out, err = cli("validate", mini_copy)
    assert code == 0, out + err
    # re-import: the codebook now records the list
    code, doc, _ = run_json(cli, f, mini_copy)
    assert code == 0 and doc["basis"] == "list-records" and doc["differences"] == []
    assert doc["routes_disagree"] == [
        {"code": "98016", "codebook": "not_telehealth", "list": "permanent"},
        {"code": "99211", "codebook": "telehealth", "list": "not_on_list"},
    ]
    # diff shows exactly the imported records, on 1 January 2025
    code, out, _ = cli("diff", "2024", "2025", "--codebook", mini_copy, "--format", "json")
    listed = [c for c in json.loads(out)["changes"] if c["kind"] == "telehealth_list"]
    assert [(c["code"], c["change"], c["after"]) for c in listed] == [
        (c, "added", "permanent") for c in ["98016", "99202", "99203", "99204", "99205",
                                            "99212", "99213", "99214", "99215"]]
    code, out, _ = cli("diff", "2024", "2025", "--codebook", mini_copy.parent / "nothing")
    assert code == 2
    # and nothing else changed: the same diff without the list records
    from engine.tooling.diff import diff_bundle
    from engine.tooling.write import compile_folder

    after = diff_bundle(compile_folder(mini_copy), "2024-12-31", "2025-01-01")
    (mini_copy / "policies" / "medicare-telehealth-list.yaml").unlink()
    base = diff_bundle(compile_folder(mini_copy), "2024-12-31", "2025-01-01")
    assert [c for c in after if c.kind != "telehealth_list"] == base
    # written again from scratch, the source (same sha256) is reused, not added twice
    code, _, _ = cli("import-cms-list", f, "--year", "2025", "--codebook", mini_copy, "--write")
    assert code == 0
    assert (mini_copy / "sources.yaml").read_text().count("id: cms-telehealth-list-2025") == 1


def test_write_twice_is_refused(cli, tmp_path, mini_copy):
    f = write_csv(tmp_path / "l.csv", [HEADER, *body(OFFICE[:3])])
    assert cli("import-cms-list", f, "--year", "2025", "--codebook", mini_copy, "--write")[0] == 0
    g = write_csv(tmp_path / "l2.csv", [HEADER, *body(OFFICE[:4])])
    code, _, err = cli("import-cms-list", g, "--year", "2025", "--codebook", mini_copy, "--write")
    assert code == 2 and "already records the list from 2025-01-01" in err
    # a mid-year revision is recorded from its own date
    code, _, err = cli("import-cms-list", g, "--year", "2025", "--codebook", mini_copy,
                       "--write", "--from", "2025-02-13")
    assert code == 0, err
    code, out, _ = cli("diff", "2025-02-12", "2025-02-13", "--codebook", mini_copy,
                       "--format", "json")
    changes = json.loads(out)["changes"]
    assert [(c["code"], c["change"]) for c in changes if c["field"] == "list_status"] == [
        ("99205", "added")]


def test_validate_rejects_list_entry_with_unknown_code(cli, tmp_path, mini_copy):
    f = write_csv(tmp_path / "l.csv", [HEADER, *body(OFFICE[:-1] + ["98016"])])
    assert cli("import-cms-list", f, "--year", "2025", "--codebook", mini_copy, "--write")[0] == 0
    path = mini_copy / "policies" / "medicare-telehealth-list.yaml"
    path.write_text(path.read_text().replace('"99214"', '"99299"'))
    code, out, err = cli("validate", mini_copy)
    assert code == 1
    assert "policies/medicare-telehealth-list.yaml:" in out + err and "99299" in out + err
