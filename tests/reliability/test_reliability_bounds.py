"""Item 4 of the reliability issue: small hostile files cannot exhaust the machine, and the
resources a command uses grow with its real work only."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from _cli import ROOT, no_traceback, run

import engine
from engine.cli.check import format_text
from engine.core.contract import validate

MINI = ROOT / "tests" / "annual" / "fixtures" / "mini"
CSV_LIST = ("HCPCS,Short Descriptor,Status\n"
            + "".join(f"9{i:04d},Code {i},Permanent\n" for i in range(10)))


@pytest.fixture
def codebook_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "cb"
    shutil.copytree(MINI, dest)
    return dest


# ---- import-cms-list: ZIP bombs ----------------------------------------------------------------
def _zip(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(name, data)
    return path


def test_a_zip_that_unpacks_to_20_mb_is_refused_unread(tmp_path, codebook_copy):
    data = CSV_LIST.encode() + b" " * (20 << 20)
    bomb = _zip(tmp_path / "list.zip", "list.csv", data)
    assert bomb.stat().st_size < 100_000
    res = run("import-cms-list", str(bomb), "--year", "2025", "--codebook", str(codebook_copy))
    no_traceback(res)
    assert res.status == 2
    assert "refused without unpacking it" in res.err


def test_a_zip_packed_1000_to_1_is_refused(tmp_path, codebook_copy):
    bomb = _zip(tmp_path / "list.zip", "list.csv", CSV_LIST.encode() + b"," * (4 << 20))
    res = run("import-cms-list", str(bomb), "--year", "2025", "--codebook", str(codebook_copy))
    assert res.status == 2
    assert "times its packed size" in res.err


def test_an_xlsx_bomb_is_refused_before_openpyxl_reads_it(tmp_path, codebook_copy):
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (20 << 20) + b"</a>")
    res = run("import-cms-list", str(path), "--year", "2025", "--codebook", str(codebook_copy))
    no_traceback(res)
    assert res.status == 2
    assert "refused without unpacking it" in res.err


def test_a_real_sized_zip_still_imports(tmp_path, codebook_copy):
    ok = _zip(tmp_path / "list.zip", "list.csv", CSV_LIST.encode())
    res = run("import-cms-list", str(ok), "--year", "2025", "--codebook", str(codebook_copy),
              "--format", "json")
    no_traceback(res)
    assert res.status in (0, 1), res.err  # 1: differences found (documented)
    assert json.loads(res.out)["year"] == 2025


def test_import_cms_list_refuses_an_endless_file(codebook_copy):
    res = run("import-cms-list", "/dev/zero", "--year", "2025", "--codebook", str(codebook_copy))
    no_traceback(res)
    assert res.status == 2
    assert "larger than 32 MB" in res.err


# ---- validate: YAML alias bombs and links out of the codebook -------------------------------
BOMB = """
lol:
  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
"""


def test_nested_aliases_are_refused_with_a_message(codebook_copy):
    (codebook_copy / "faq.yaml").write_text((codebook_copy / "faq.yaml").read_text() + BOMB)
    res = run("validate", str(codebook_copy))
    no_traceback(res)
    assert res.status == 1  # validate's documented status: the codebook has problems
    assert "faq.yaml:1: -: the file expands to more than 200,000 values" in res.out + res.err


def test_the_alias_bound_counts_every_use_but_sizes_each_node_once():
    from engine.tooling.load import _Builder, _yaml

    yaml = _yaml()
    names = "fghijklmnopqrstuvwxyz"
    levels = BOMB + "".join(f"  {n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
                            for p, n in zip(names, names[1:], strict=False))
    node = yaml.compose(levels)  # 9**26 values once expanded
    assert _Builder(yaml, "x.yaml").expanded_size(node) > _Builder.MAX_NODES


def test_a_link_to_a_file_outside_the_codebook_is_refused(codebook_copy, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("anything: 1\n")
    (codebook_copy / "rules" / "zz.yaml").symlink_to(outside)
    res = run("validate", str(codebook_copy))
    no_traceback(res)
    assert res.status == 1
    assert "rules/zz.yaml" in res.out + res.err
    assert "outside the codebook folder" in res.out + res.err


def test_a_link_inside_the_codebook_is_still_read(codebook_copy):
    rules = sorted((codebook_copy / "rules").glob("*.yaml"))[0]
    moved = codebook_copy / "rules" / ("real-" + rules.name)
    rules.rename(moved)
    rules.symlink_to(moved.name)
    res = run("validate", str(codebook_copy))
    assert "outside the codebook" not in res.out + res.err


# ---- check: text output linear in e-visit days ------------------------------------------------
class _Counting(dict):
    compared = 0

    def __eq__(self, other):  # counts the pairwise comparisons a `t in list` makes
        _Counting.compared += 1
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]


def test_text_output_does_not_compare_trace_entries_pairwise(bundle):
    cb = engine.load_codebook()
    enc = {"date_of_service": "2025-03-03", "payer": "commercial", "patient_status": "established",
           "modality": "portal_evisit",
           "evisit_minutes_by_day": {str(i * 8): 5 for i in range(400)}}
    result = engine.check(enc, cb)
    assert len(result["trace"]) > 400
    result["trace"] = [_Counting(t) for t in result["trace"]]
    _Counting.compared = 0
    text = format_text(result, cb, validate(enc, cb))
    assert text.count("99421") >= 400
    assert _Counting.compared < len(result["trace"])  # was len(trace)**2 / 2
