"""telecode import-rvu: the PPRRVU fixture (made from the CMS October 2025 file) and copies of
it that the tests alter."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from engine.tooling.importers import rvu


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("latin-1"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("latin-1"))
    return path


def header_index(rows):
    return next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS")


def set_status(rows, code, letter):
    h = header_index(rows)
    col = rows[h].index("CODE")
    hit = 0
    for r in rows[h + 1:]:
        if r[0] == code and not r[1]:
            r[col] = letter
            hit += 1
    assert hit == 1


def test_fixture_has_no_descriptions(rvu_fixture):
    rows = rows_of(rvu_fixture)
    h = header_index(rows)
    desc = rows[h].index("DESCRIPTION")
    assert all(r[desc] == "" for r in rows[h + 1:])
    assert len(rows) - h - 1 >= 20


def test_reader_on_fixture(rvu_fixture):
    data = rvu.read_pprrvu(rvu_fixture)
    assert data.release == "2025-09-11"
    assert data.header_line == 10
    assert data.statuses["98016"] == "A"
    assert data.statuses["98000"] == "I"
    assert data.statuses["G2025"] == "X"
    assert "99441" not in data.statuses and "G2012" not in data.statuses


def test_fixture_agrees_with_test_codebook(cli, rvu_fixture, mini_dir):
    code, out, err = cli("import-rvu", rvu_fixture, "--codebook", mini_dir, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {"release": "2025-09-11", "differences": []}


def test_status_changed(cli, rvu_fixture, mini_dir, tmp_path):
    rows = rows_of(rvu_fixture)
    set_status(rows, "99454", "B")
    f = write_rows(tmp_path / "changed.csv", rows)
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--format", "json")
    assert code == 1
    assert json.loads(out) == {
        "release": "2025-09-11",
        "differences": [{"code": "99454", "codebook": "payable", "file": "bundled"}],
    }
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir)
    assert code == 1 and "  99454: payable -> bundled (B)" in out


def test_row_removed_means_deleted(cli, rvu_fixture, mini_dir, tmp_path):
    rows = [r for r in rows_of(rvu_fixture) if r[0] != "98016"]
    f = write_rows(tmp_path / "removed.csv", rows)
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--format", "json")
    assert code == 1
    assert json.loads(out)["differences"] == [
        {"code": "98016", "codebook": "payable", "file": "deleted"}
    ]


def test_code_present_that_codebook_says_ended(cli, rvu_fixture, mini_dir, tmp_path):
    rows = rows_of(rvu_fixture)
    extra = list(rows[-1])
    extra[0], extra[1] = "99441", ""
    extra[rows[header_index(rows)].index("CODE")] = "A"
    f = write_rows(tmp_path / "extra.csv", rows + [extra])
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--format", "json")
    assert code == 1
    assert json.loads(out)["differences"] == [
        {"code": "99441", "codebook": "deleted", "file": "payable"}
    ]


def test_title_lines_and_columns_reordered(cli, rvu_fixture, mini_dir, tmp_path):
    rows = rows_of(rvu_fixture)
    h = header_index(rows)
    titles = rows[:5][::-1]  # RELEASED line now first
    width = len(rows[h])
    perm = list(range(width))
    perm[3], perm[10] = perm[10], perm[3]  # STATUS CODE column moved
    perm = [0, 1] + [p for p in perm[2:]][::-1]  # and the rest reversed

    def shuffle(r):
        r = r + [""] * (width - len(r))
        return [r[p] for p in perm]

    out_rows = [shuffle(r) for r in titles + rows[5:]]
    set_status_rows = out_rows
    f = write_rows(tmp_path / "reordered.csv", set_status_rows)
    data = rvu.read_pprrvu(f)
    assert data.release == "2025-09-11"
    assert data.statuses == rvu.read_pprrvu(rvu_fixture).statuses
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--format", "json")
    assert code == 0 and json.loads(out)["differences"] == []


def test_file_cut_short_mid_row(cli, rvu_fixture, mini_dir, tmp_path):
    data = rvu_fixture.read_bytes()
    cut = data[: data.rindex(b"\r\n", 0, len(data) - 2) + 40]
    f = tmp_path / "cut.csv"
    f.write_bytes(cut)
    code, out, err = cli("import-rvu", f, "--codebook", mini_dir)
    assert code == 2 and out == ""
    assert "cut short" in err and f"{f}:" in err


def test_file_cut_inside_quoted_field(tmp_path, rvu_fixture):
    data = rvu_fixture.read_bytes() + b'99999,,"half a descr'
    f = tmp_path / "cutq.csv"
    f.write_bytes(data)
    with pytest.raises(rvu.RvuError, match="cut short"):
        rvu.read_pprrvu(f)


def test_header_only_is_cut_short(tmp_path, rvu_fixture):
    rows = rows_of(rvu_fixture)
    f = write_rows(tmp_path / "header.csv", rows[: header_index(rows) + 1])
    with pytest.raises(rvu.RvuError, match="no code rows follow"):
        rvu.read_pprrvu(f)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"code,status\n99213,A\n", "no header row starting with HCPCS"),
        (b"name: telecode codebook\nversion: '2026.1'\n", "no header row starting with HCPCS"),
        (b"\x00\x01\x02binary", "binary file"),
    ],
)
def test_another_file_entirely(cli, mini_dir, tmp_path, content, message):
    f = tmp_path / "other.csv"
    f.write_bytes(content)
    code, out, err = cli("import-rvu", f, "--codebook", mini_dir)
    assert code == 2 and message in err and "Traceback" not in err


def test_zip_instead_of_csv(cli, mini_dir, tmp_path, rvu_fixture):
    z = tmp_path / "rvu25d.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(rvu_fixture, "PPRRVU2025_Oct.csv")
    code, _, err = cli("import-rvu", z, "--codebook", mini_dir)
    assert code == 2 and "ZIP or XLSX" in err


def test_missing_status_column(tmp_path, rvu_fixture):
    rows = rows_of(rvu_fixture)
    for r in rows:
        r[:] = [c.replace("STATUS", "STAT") for c in r]
    f = write_rows(tmp_path / "nostatus.csv", rows)
    with pytest.raises(rvu.RvuError, match="no STATUS CODE column"):
        rvu.read_pprrvu(f)


def test_no_release_line_needs_option(cli, mini_dir, tmp_path, rvu_fixture):
    rows = [r for r in rows_of(rvu_fixture) if not any("RELEASED" in c for c in r)]
    f = write_rows(tmp_path / "norelease.csv", rows)
    code, _, err = cli("import-rvu", f, "--codebook", mini_dir)
    assert code == 2 and "--release" in err
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--release", "2025-09-11",
                       "--format", "json")
    assert code == 0 and json.loads(out)["release"] == "2025-09-11"


def test_utf8_and_latin1_files_read_alike(tmp_path, rvu_fixture):
    rows = rows_of(rvu_fixture)
    rows[0][2] = "Fee schedule – café"
    a = tmp_path / "utf8.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    a.write_bytes(buf.getvalue().encode("utf-8"))
    b = tmp_path / "latin.csv"
    rows[0][2] = "Fee schedule café"
    write_rows(b, rows)
    assert rvu.read_pprrvu(a).statuses == rvu.read_pprrvu(b).statuses


def test_description_is_never_kept(tmp_path, rvu_fixture):
    rows = rows_of(rvu_fixture)
    h = header_index(rows)
    for r in rows[h + 1:]:
        r[2] = "SECRET AMA TEXT"
    f = write_rows(tmp_path / "desc.csv", rows)
    data = rvu.read_pprrvu(f)
    assert "SECRET" not in repr(data)


def test_header_rows_above_hcpcs_shuffled(cli, rvu_fixture, mini_dir, tmp_path):
    rows = rows_of(rvu_fixture)
    h = header_index(rows)
    block = rows[5:h]
    assert any("STATUS" in c for r in block for c in r)
    shuffled = rows[:5] + block[::-1] + rows[h:]
    f = write_rows(tmp_path / "shuffled.csv", shuffled)
    assert rvu.read_pprrvu(f).statuses == rvu.read_pprrvu(rvu_fixture).statuses
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--format", "json")
    assert code == 0 and json.loads(out)["differences"] == []


def test_released_line_variants(tmp_path, rvu_fixture):
    rows = rows_of(rvu_fixture)
    for r in rows:
        r[:] = [c.replace("RELEASED 09/11/2025", "Released: 9/1/2025") for c in r]
    assert rvu.read_pprrvu(write_rows(tmp_path / "r.csv", rows)).release == "2025-09-01"


def test_as_of_compares_on_another_date(cli, rvu_fixture, mini_dir, tmp_path):
    """A January file (released in December) is compared on 1 January with --as-of."""
    rows = rows_of(rvu_fixture)
    rows[0][2] = rows[0][2].replace("2025 National", "2026 National")
    for r in rows:
        r[:] = [c.replace("RELEASED 09/11/2025", "RELEASED 12/29/2025") for c in r]
    extra = list(rows[-1])
    extra[0], extra[1] = "99445", ""
    extra[rows[header_index(rows)].index("CODE")] = "A"
    f = write_rows(tmp_path / "PPRRVU2026_Jan.csv", rows + [extra])
    assert rvu.read_pprrvu(f).year == 2026
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--format", "json")
    assert code == 1 and json.loads(out)["differences"] == [
        {"code": "99445", "codebook": "not_yet_valid", "file": "payable"}]
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir)
    assert "--as-of 2026-01-01" in out
    code, out, _ = cli("import-rvu", f, "--codebook", mini_dir, "--as-of", "2026-01-01",
                       "--format", "json")
    assert code == 0 and json.loads(out) == {"release": "2025-12-29", "differences": []}
