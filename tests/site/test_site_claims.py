"""The 'Check claims' page: one anchor per claim-mode reason (with the codebook's title and
sources), and every site link of a `telecode claims` HTML report lands on one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.cli import main
from engine.core.claim import REASON_IDS

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://telecode.example/"


def test_one_anchor_per_reason(site, codebook):
    page = site.main_html("/claims/")
    for rid in REASON_IDS:
        section = site.section("/claims/", rid, until="</section>")
        title = codebook.message(rid)["title"]
        assert title.replace("'", "&#x27;") in section or title in section, rid
        assert 'href="../sources/#src-' in section, rid
    assert page.count('class="tc-claim-reason"') == len(REASON_IDS)
    text = site.text("/claims/")
    assert "telecode claims" in text and "check_claims" in text


def test_report_links_resolve_on_the_site(site, tmp_path):
    pytest.importorskip("pyx12")
    out = tmp_path / "report.html"
    assert main(["claims", str(ROOT / "tests/claims/data/x12/denials.837"), "-o", str(out),
                 "--quiet", "--site-url", SITE]) == 0
    anchors = set(re.findall(r'id="([a-z0-9-]+)"', site.html("/claims/")))
    links = re.findall(r'href="' + re.escape(SITE) + r'([^"#]*)#([^"]+)"', out.read_text())
    assert links
    for path, anchor in links:
        assert path == "claims/" and anchor in anchors, (path, anchor)
