"""The /performance/ page is generated from the benchmark's JSON output, not typed by hand."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def page_module():
    if str(DOCS) not in sys.path:
        sys.path.insert(0, str(DOCS))
    return importlib.import_module("_site.pages_performance")


SAMPLE = {
    "rows": 100000, "file_bytes": 9400000, "repeat": 3,
    "csv_dictreader": {"seconds": 0.4444, "wall_seconds": 1.5, "rows_per_s": 225118},
    "batch_in_process": {"seconds": 1.2222, "wall_seconds": 3.0, "rows_per_s": 81818},
    "batch_warm_memo": {"seconds": 1.0, "wall_seconds": 2.0, "rows_per_s": 100000},
    "check_rows_library": {"seconds": 1.5, "wall_seconds": 3.0, "rows_per_s": 66667},
    "batch_command": {"seconds": 1.3, "wall_seconds": 2.5, "rows_per_s": 76923},
    "all_distinct": {"seconds": 0.5, "wall_seconds": 1.0, "rows_per_s": 6000, "rows": 3000,
                     "us_per_row": 166.7},
    "ratio_to_csv_read": 2.75, "ratio_warm_to_csv_read": 2.25,
    "ratio_command_to_csv_read": 2.93,
    "memo": {"distinct_encounters": 4841, "distinct_rows": 15975, "date_stretches": 8},
    "targets": {"rows_per_s": 100000, "max_ratio_to_csv_read": 3.0},
    "codebook": "2026.1+<b>x", "python": "3.11.7", "machine": "x86_64", "cpu_count": 2,
    "load_average": 9.5, "measured": "2026-11-22",
}


def test_page_shows_the_numbers_of_the_json(page_module):
    md = page_module.render(SAMPLE)
    assert md.startswith("# Performance\n")
    assert "| 225,118 | 0.4444 |" in md
    assert "| 81,818 | 1.2222 |" in md
    assert "| 6,000 | 0.5 |" in md
    assert "2.75×" in md and "2.93×" in md and "2.25×" in md
    assert "4,841" in md and "8 stretches" in md
    assert "<b>" not in md  # text from the file is escaped
    assert "{{" not in md


def test_page_without_a_result_says_how_to_make_one(page_module, tmp_path):
    assert page_module.load(tmp_path / "none.json") is None
    md = page_module.render(None)
    assert "scripts/bench --json docs/_data/benchmark.json" in md


def test_committed_benchmark_feeds_the_page(page_module):
    path = DOCS / "_data" / "benchmark.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    pages = page_module.pages(None)
    assert list(pages) == ["performance/"]
    md = pages["performance/"]
    assert f"{data['batch_in_process']['rows_per_s']:,}" in md
    assert f"{data['csv_dictreader']['rows_per_s']:,}" in md
    assert f"{data['ratio_to_csv_read']}×" in md
    assert page_module.nav(None) == [{"Performance": "performance.md"}]
