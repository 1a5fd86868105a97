"""Layout in Chromium (issue 17, item 7): at desktop width the tables use the content column's
width; the "Home" navigation item is shown whole at desktop width and in the phone drawer; the
locality picker keeps to the content width."""

from __future__ import annotations

import pytest

CHROMIUM = "/usr/bin/chromium"
TABLE_PAGES = ["/codes/99214/", "/payers/", "/downloads/", "/modifiers/", "/claims/",
               "/developers/"]

HOME_BOX = """() => {
  const a = [...document.querySelectorAll('.md-sidebar--primary .md-nav__link')]
    .find(e => e.textContent.trim() === 'Home' && e.getBoundingClientRect().width > 0);
  if (!a) return null;
  const r = a.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, sw: a.scrollWidth,
          cw: a.clientWidth, sh: a.scrollHeight, ch: a.clientHeight,
          vw: document.documentElement.clientWidth, vh: window.innerHeight,
          hit: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === a
               || a.contains(document.elementFromPoint(r.left + r.width / 2,
                                                        r.top + r.height / 2))};
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM,
                               args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_tables_use_the_content_width_on_desktop(browser, served_site, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(served_site + path, wait_until="load")
        widths = page.evaluate("""() => {
          const inner = document.querySelector('.md-content__inner');
          const para = inner.querySelector(':scope > p');
          return [para.getBoundingClientRect().width, [...inner.querySelectorAll('table')]
            .filter(t => t.offsetParent !== null)
            .map(t => t.getBoundingClientRect().width)];
        }""")
        content, tables = widths
        assert tables, path
        for w in tables:
            assert abs(w - content) <= 2, (path, w, content)
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_home_nav_item_is_not_clipped(browser, served_site, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(served_site + "/codes/99214/", wait_until="load")
        if width < 1220:  # the navigation is in the drawer
            page.click(".md-header label[for=__drawer]")
            page.wait_for_timeout(500)
        box = page.evaluate(HOME_BOX)
        assert box is not None
        assert box["left"] >= 0 and box["right"] <= box["vw"], box
        assert box["top"] >= 0 and box["bottom"] <= box["vh"], box
        assert box["sw"] <= box["cw"] and box["sh"] <= box["ch"] + 1, box
        assert box["hit"], box  # nothing covers it
    finally:
        page.close()


def test_the_locality_picker_keeps_to_the_content_width(browser, served_site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(served_site + "/codes/99214/", wait_until="load")
        right = page.evaluate("""() => [
          document.querySelector('.md-content__inner').getBoundingClientRect().right,
          document.querySelector('.tc-locality select').getBoundingClientRect().right]""")
        assert right[1] <= right[0] + 1, right
    finally:
        page.close()
