"""Search lands on the answer (issue 17, item 2): the committed queries of search_queries.yaml,
typed into the built site's own search (mkdocs-material, lunr in a worker) in headless
Chromium, give their page first, and the expected section of it (a modifier's or a place of
service's own anchor)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

QUERIES = YAML(typ="safe", pure=True).load(
    (Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def search_page(served_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def _first_results(page, base: str, query: str) -> list[str]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):  # a busy machine may leave the search worker slow to start
        page.goto(base + "/", wait_until="load")
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.fill("input.md-search__input", query)
        try:
            page.locator(".md-search-result__item a").first.wait_for(timeout=30_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.wait_for_timeout(300)  # one search per fill; let its rendering finish
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a", "els => els.slice(0, 2).map(e => e.href)")
    return [re.sub(r"^https?://[^/]+|\?h=[^#]*", "", h) for h in hrefs]


@pytest.mark.parametrize("case", QUERIES, ids=[q["query"] for q in QUERIES])
def test_a_search_lands_on_its_answer(search_page, served_site, case):
    first = _first_results(search_page, served_site, case["query"])
    assert first and first[0] == case["page"], (case["query"], first)
    if case.get("section"):
        assert len(first) > 1 and first[1] == case["page"] + case["section"], \
            (case["query"], first)
