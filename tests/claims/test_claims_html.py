"""`telecode claims --format html`: a self-contained report opened in headless Chromium makes
no request, its chart renders one bar per reason, its in-page links land on their reason and
its site links point at the 'Check claims' page's reason anchors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.cli import main
from engine.core.claim import REASON_IDS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DATA = Path(__file__).parent / "data"
SITE = "https://telecode.example/"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    pytest.importorskip("pyx12")
    out = tmp_path_factory.mktemp("html") / "report.html"
    assert main(["claims", str(DATA / "x12" / "denials.837"), "-o", str(out), "--quiet",
                 "--site-url", SITE]) == 0
    return out


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "<img" not in text
    assert "default-src 'none'" in text
    # every URL is a site rule link, a source link, or an in-page anchor
    for url in re.findall(r'(?:href|src)="([^"]+)"', text):
        assert url.startswith(("#", SITE, "http")), url
    site_links = re.findall(r'href="' + re.escape(SITE) + r'claims/#([a-z0-9-]+)"', text)
    assert site_links and set(site_links) <= set(REASON_IDS)


def test_report_in_chromium(report):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test does)")
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri(), wait_until="load")
            assert page.locator("#n-lines").inner_text() == "12"
            assert page.locator("#n-error").inner_text() == "8"
            bars = page.locator("#chart rect.bar")
            assert bars.count() == 10
            widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
            assert all(w > 0 for w in widths) and widths[0] == max(widths)
            first = bars.nth(0).get_attribute("data-reason")
            assert first == "claim-modifier-missing"  # 2 lines: the longest bar
            bars.nth(0).click()
            assert page.evaluate("location.hash") == f"#r-{first}"
            assert page.locator(f"#r-{first}").is_visible()
            rows = page.locator("#fix-first tbody tr")
            assert rows.count() == 9  # 8 errors, then 1 warning
            assert rows.nth(8).locator(".sev").inner_text() == "check"
            hrefs = page.eval_on_selector_all("a.rule", "els => els.map(e => e.href)")
            assert hrefs and all(h.startswith(SITE + "claims/#claim-") for h in hrefs)
        finally:
            browser.close()
    assert requests == [report.as_uri()], requests
