"""The /performance/ page's checker section is generated from scripts/bench-widget's JSON
output (docs/_data/widget-benchmark.json), not typed by hand."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

SAMPLE = {
    "measured": "2026-11-22", "machine": "x86_64", "cpu_count": 2,
    "browser": "Chromium 142.0.1 <script>", "codebook": "2026.1+abc", "download_bytes": 20042098,
    "rounds": 7, "changes": 280, "load_average": {"median": 2.6, "min": 2.5, "max": 3.1},
    "bare_ms": {"median": 4913, "min": 4161, "max": 5015},
    "cold_ms": {"median": 1925, "min": 1551, "max": 2087},
    "cold_ratio": {"median": 0.4, "min": 0.35, "max": 0.49},
    "stages_ms": {"worker-start": 227, "answer": 1925},
    "warm_up_ms": {"median": 865, "min": 820, "max": 922},
    "warm_ms": {"p50": 8.4, "p95": 19.3, "max": 31.7, "round_p95_median": 16.7},
    "python_ms": {"p50": 0.8, "p95": 2.8},
    "repeat_ms": {"median": 1213, "min": 1110, "max": 1427}, "repeat_ratio": 0.25,
    "targets": {"cold_ratio": 1.15, "warm_p95_ms": 20, "repeat_ratio": 1.0},
}


@pytest.fixture(scope="module")
def page_module():
    if str(DOCS) not in sys.path:
        sys.path.insert(0, str(DOCS))
    return importlib.import_module("_site.pages_performance")


def test_checker_section_shows_the_numbers_of_the_json(page_module):
    md = page_module.render_widget(SAMPLE)
    assert md.startswith("## The encounter checker\n")
    assert "| 1,925 ms |" in md and "| 4,913 ms |" in md
    assert "0.4× (0.35–0.49)" in md and "at most 1.15×" in md
    assert "| 19.3 ms | at most 20 ms |" in md and "median 8.4 ms" in md
    assert "| 2.8 ms |" in md
    assert "| 0.25× | under 1.0× |" in md
    assert "20.0 MB" in md and "865 ms" in md and "7 rounds" in md
    assert 'href="../checker/"' in md
    assert "<script>" not in md  # text from the file is escaped


def test_checker_section_without_a_result_says_how_to_make_one(page_module, tmp_path):
    assert page_module.load(tmp_path / "none.json") is None
    md = page_module.render_widget(None)
    assert "scripts/bench-widget --json docs/_data/widget-benchmark.json" in md


def test_committed_checker_benchmark_feeds_the_page(page_module):
    data = json.loads(page_module.WIDGET_BENCHMARK.read_text(encoding="utf-8"))
    md = page_module.pages(None)["performance/"]
    assert md.index("# Performance") < md.index("## The encounter checker")
    assert f"| {data['cold_ms']['median']:,} ms |" in md
    assert f"{data['cold_ratio']['median']}×" in md
    assert f"| {data['warm_ms']['p95']} ms |" in md
