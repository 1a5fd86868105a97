"""Accessibility: axe-core (npm, node_modules/) on each page type, in Debian's Chromium.

axe runs with its default rule set (WCAG 2.x A/AA and best practices) on every page type at
desktop width and on one page of each layout at phone width: zero violations.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

PAGE_TYPES = [
    "/", "/codes/", "/codes/98016/", "/codes/99214/", "/modifiers/", "/place-of-service/",
    "/payers/", "/medicare-flexibilities/", "/rules/", "/faq/", "/documentation/", "/sources/",
    "/conventions/", "/about/", "/print/2025/", "/downloads/",
    # pages other parts of the project generate into the site
    "/changes/2025/", "/changes/2026/", "/quick-reference/2025/", "/maintainers/",
    "/performance/",
    # payer profiles
    "/payers/matrix/", "/payers/medicaid_tx/", "/payers/unitedhealthcare/",
]


@pytest.fixture(scope="module")
def browser():
    assert AXE.is_file(), "node_modules/axe-core missing: run scripts/test (npm ci)"
    assert Path(CHROMIUM).exists(), "Debian chromium missing: apt-get install -y chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _violations(page) -> list[dict]:
    # evaluated, not added as a <script>: the site's CSP refuses inline scripts
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    return json.loads(result)["violations"]


def _summary(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(n["target"]) for n in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} nodes, "
                     f"e.g. {targets}")
    return "\n".join(lines)


# At phone width the layout differs (drawer nav, stacked tables): one page of each layout.
PHONE_PAGES = ["/", "/codes/", "/codes/98016/", "/payers/", "/faq/"]


@pytest.mark.parametrize(("width", "paths"), [(1280, PAGE_TYPES), (390, PHONE_PAGES)],
                         ids=["desktop", "phone"])
def test_axe_finds_no_violations(browser, served_site, width, paths):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith(served_site) and not r.url.startswith("data:") else None)
    failures = {}
    try:
        for path in paths:
            page.goto(served_site + path, wait_until="load")
            violations = _violations(page)
            if violations:
                failures[path] = _summary(violations)
    finally:
        context.close()
    assert not failures, "\n\n".join(f"{p}:\n{s}" for p, s in failures.items())
    assert not external, f"requests off the site: {external[:5]}"


def test_searching_a_code_number_finds_its_page(browser, served_site):
    """Material's own search (lunr in a worker) on the built index: 98016 -> /codes/98016/."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(served_site + "/", wait_until="load")
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.fill("input.md-search__input", "98016")
        first = page.locator(".md-search-result__item a").first
        first.wait_for(timeout=60_000)
        href = urlsplit(first.get_attribute("href"))
        assert href.path == "/codes/98016/", href
    finally:
        page.close()
