""""Try it" permalinks on code pages: each opens the checker on an encounter for which the
engine really reports that code (rendered with the checker page present in the build)."""

from __future__ import annotations

import re
import sys
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

import engine

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def site_pkg(codebook):
    if str(DOCS) not in sys.path:
        sys.path.insert(0, str(DOCS))
    from _site import render, state, views

    state.set_pages({"checker.md", "index.md"})
    yield render, views
    state.set_pages(set())


def _encounter_from_query(query: str) -> dict:
    enc: dict = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if value in ("true", "false"):
            enc[key] = value == "true"
        elif key == "evisit_minutes_by_day":
            enc[key] = {d: int(m) for d, m in (p.split(":") for p in value.split(", "))}
        elif re.fullmatch(r"\d+", value) and key != "date_of_service":
            enc[key] = int(value)
        else:
            enc[key] = value
    return enc


def test_try_it_links_give_the_code_in_the_engine(site_pkg, codebook):
    render, views = site_pkg
    linked = []
    for code in views.all_codes(codebook):
        page = render.code_page(codebook, code)
        m = re.search(r'<a class="tc-try" href="([^"]+)"', page)
        if m is None:
            assert views.try_it_encounter(codebook, code) is None, code
            continue
        url = urlsplit(unescape(m.group(1)))
        assert url.path == "../../checker/" and not url.query, url  # fragment (issue 13)
        result = engine.check(_encounter_from_query(url.fragment), codebook)
        assert code in [ln["code"] for ln in result["lines"]], (code, url.fragment)
        linked.append(code)
    assert {"98016", "99214", "G2012", "99441", "99421", "99457"} <= set(linked)


def test_codes_never_selected_get_no_try_it_link(site_pkg, codebook):
    render, views = site_pkg
    for code, versions in codebook.code_index.items():
        if all(v.get("selectable") is False for v in versions):
            assert 'class="tc-try"' not in render.code_page(codebook, code), code


def test_no_checker_page_means_no_try_it_link(site):
    # this branch's build has no checker page: no link may point at a page that is missing
    if not site.file("/checker/").exists():
        assert 'class="tc-try"' not in site.html("/codes/98016/")
    else:
        assert 'class="tc-try"' in site.html("/codes/98016/")


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.parametrize("code", ["98016", "99214", "99421"])
def test_clicking_try_it_opens_the_checker_with_that_code(site, served_site, code):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{served_site}/codes/{code}/", wait_until="load")
            page.click("a.tc-try")
            page.wait_for_url("**/checker/#*")
            result = page.locator('[data-testid="result"]')
            result.and_(page.locator('[data-state="ready"]')).wait_for(timeout=180_000)
            assert code in (result.get_attribute("data-codes") or "").split()
        finally:
            browser.close()
