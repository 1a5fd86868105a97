"""The /changes/ pages (docs/_site/pages_changes.py) generated from the diff."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))


@pytest.fixture(scope="module")
def pc():
    from _site import pages_changes

    return pages_changes


@pytest.fixture
def cb(mini_bundle):
    from engine.core.codebook import Codebook

    return Codebook(copy.deepcopy(mini_bundle))


def test_one_page_per_year_after_the_first(pc, cb):
    assert sorted(pc.pages(cb)) == ["changes/2025.md", "changes/2026.md", "changes/index.md"]


def test_later_years_appear_automatically(pc, mini_bundle):
    from engine.core.codebook import Codebook

    b = copy.deepcopy(mini_bundle)
    b["meta"]["covers"]["to"] = "2028-12-31"
    pages = pc.pages(Codebook(b))
    assert sorted(pages) == ["changes/2025.md", "changes/2026.md", "changes/2027.md",
                             "changes/2028.md", "changes/index.md"]
    assert "## 2027-01-01\n\nNothing changed on this day." in pages["changes/2027.md"]
    assert pc.nav(Codebook(b))[0] == {"What changed": [
        "changes/index.md", {"2028": "changes/2028.md"}, {"2027": "changes/2027.md"},
        {"2026": "changes/2026.md"}, {"2025": "changes/2025.md"}]}


def test_year_page_lists_every_change_day(pc, cb):
    page = pc.pages(cb)["changes/2025.md"]
    assert page.startswith("# What changed in 2025\n")
    days = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert days == ["2025-01-01", "2025-10-01", "2025-11-13"]
    assert "### Codes" in page and "### What payers want reported\n" in page
    assert ("- Medicare, audio-only: 99441–99443, POS 02 (facility), 10 (home) → "
            "99202–99205, 99211–99215 + 93, POS 02 (facility), 10 (home) (from 2025-01-01)"
            in page)
    assert "98000–98002 added — family telemedicine-em (from 2025-01-01) — " \
           '<a href="../../codes/98000/">98000</a>' in page
    assert "`telecode diff 2024 2025`" in page


def test_codebook_text_is_escaped(pc, mini_bundle):
    from engine.core.codebook import Codebook

    b = copy.deepcopy(mini_bundle)
    for c in b["codes"]:
        if c["code"] == "99445":
            c["label"] = "{{ evil }} <b>bold</b> *x*"
    page = pc.pages(Codebook(b))["changes/2026.md"]
    assert "{{" not in page and "<b>" not in page
    assert "&#123;&#123; evil &#125;&#125; &#60;b&#62;bold&#60;/b&#62; &#42;x&#42;" in page


def test_affected_codes_for_code_pages(pc, cb):
    assert pc.affected_codes(cb, 2026) == ["99445"]
    assert pc.years(cb) == [2025, 2026]
    assert pc.code_page_links(cb, "99445") == [("changes/2026.md", "What changed in 2026")]
    assert pc.code_page_links(cb, "99441") == [("changes/2025.md", "What changed in 2025")]
    assert pc.code_page_links(cb, "Q3014") == []


def test_index_links_years_and_guide(pc, cb):
    index = pc.pages(cb)["changes/index.md"]
    assert '<a href="2026/">What changed in 2026</a> (4 changes)' in index
    assert '<a href="../maintainers/">the yearly update</a>' in index


def test_pages_are_deterministic(pc, cb):
    assert pc.pages(cb) == pc.pages(cb)
