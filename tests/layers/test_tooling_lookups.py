"""The tooling asks engine.core.Codebook for lookups instead of keeping its own (issue 12, item
1): one date-range test (core.codebook.in_range), and the PPRRVU comparison reads the codebook's
Medicare status through Codebook."""

from __future__ import annotations

import ast
from pathlib import Path

from engine.core.codebook import Codebook
from engine.tooling.importers import rvu

ROOT = Path(__file__).resolve().parents[2]


def test_no_tooling_module_writes_its_own_date_range_test() -> None:
    own = []
    for path in sorted((ROOT / "engine" / "tooling").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.strip("_") in (
                    "in_range", "within", "covers_day"):
                own.append(f"{rel}: def {node.name}")
    assert own == []


def _bundle() -> dict:
    code = {"family": "f", "label": "x", "sources": [{"id": "s", "locator": "p"}]}
    return {
        "codes": [
            {**code, "code": "99213", "from": "2020-01-01", "to": None},
            {**code, "code": "98016", "from": "2025-01-01", "to": None},
            {**code, "code": "G2012", "from": "2019-01-01", "to": "2024-12-31"},
            {**code, "code": "99999", "from": "2019-01-01", "to": "2020-12-31"},
            {**code, "code": "99999", "from": "2022-01-01", "to": None},
        ],
        "statuses": [
            {"payer": "commercial", "codes": ["99213"], "status": "varies", "from": None,
             "to": None},
            {"payer": "medicare", "codes": ["99213"], "status": "payable", "from": "2020-01-01",
             "to": "2024-12-31"},
            {"payer": "medicare", "codes": ["99213", "98016"], "status": "bundled",
             "from": "2025-01-01", "to": None},
        ],
    }


def test_codebook_status_comes_from_codebook_lookups() -> None:
    cb = Codebook(_bundle())
    assert rvu.codebook_status(cb, "99213", "2024-12-31") == "payable"
    assert rvu.codebook_status(cb, "99213", "2025-01-01") == "bundled"
    assert rvu.codebook_status(cb, "98016", "2024-06-01") == rvu.NOT_YET_VALID
    assert rvu.codebook_status(cb, "G2012", "2025-01-01") == rvu.DELETED
    assert rvu.codebook_status(cb, "G2012", "2024-01-01") == "no_record"
    # between two versions: not in effect, reported as deleted (a person checks the dates)
    assert rvu.codebook_status(cb, "99999", "2021-06-01") == rvu.DELETED


def test_diff_reads_codes_and_statuses_through_codebook() -> None:
    from engine.tooling import diff

    idx = diff._Index(_bundle())
    assert isinstance(idx.cb, Codebook)
    assert sorted(idx.codes_on("2024-06-01")) == ["99213", "99999", "G2012"]
    assert idx.codes_on("2024-06-01")["99999"]["from"] == "2022-01-01"
    assert idx.family_codes_on("f", "2025-01-01") == ["99213", "98016", "99999"]
    assert {k: s["status"] for k, s in idx.statuses_on("2025-01-01").items()} == {
        ("commercial", "99213"): "varies", ("medicare", "99213"): "bundled",
        ("medicare", "98016"): "bundled"}
    assert idx.payer_name("any") == "Any payer" and idx.payer_name("medicare") == "medicare"
