"""The site's Content-Security-Policy (issue 13): one strict policy, computed at build time from
the pages' inline scripts (docs/_site/csp.py), in every page and in the site's `_headers`; and in
a real headless Chromium not one violation on any kind of page, with the search used, the checker
answering and comparing payers, and the site's pages reached by instant navigation.

The policy is tested both ways a host can deliver it: the <meta> in each page (the fixture's
server sends no header) and the `_headers` value sent as a response header for every file (a
second server here), which also puts the checker's Web Worker (Pyodide) under the policy."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.widget.conftest import QuietHandler

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"
CONSULT = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established",
           "modality": "interprofessional", "role": "consultant",
           "report": "verbal_and_written", "minutes": 20}
# One page of every kind the site has.
PAGES = ["/", "/codes/98016/", "/payers/", "/payers/matrix/", "/payers/aetna/", "/faq/",
         "/changes/2026/", "/quick-reference/2025/", "/downloads/", "/developers/", "/claims/",
         "/medicare-flexibilities/", "/sources/", "/404.html"]


def header_policy(site: Path) -> str:
    text = (site / "_headers").read_text(encoding="utf-8")
    m = re.search(r"^  Content-Security-Policy: (.+)$", text, re.M)
    assert m, text
    return m.group(1)


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def test_every_page_carries_the_one_strict_policy_before_any_script(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 100
    policy = header_policy(built_site)
    d = directives(policy)
    assert d["default-src"] == ["'self'"]
    assert d["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert all(v.startswith("'sha256-") for v in d["script-src"][2:])
    assert d["worker-src"] == ["'self'"] and d["style-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"] and d["base-uri"] == ["'self'"]
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
    allowed = set(d["script-src"][2:])
    used: set[str] = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        metas = META.findall(html)
        assert metas == [policy], page
        head = html[:html.index("</head>")]
        at = head.index('<meta http-equiv="Content-Security-Policy"')
        assert head.index('<meta charset="utf-8">') < at < head.index("<script"), page
        for attrs, text in SCRIPT.findall(html):
            if "src=" in attrs or "application/json" in attrs:
                continue
            digest = "'sha256-" + base64.b64encode(
                hashlib.sha256(text.encode()).digest()).decode() + "'"
            assert digest in allowed, (page, text[:80])
            used.add(digest)
        # styles come from the stylesheets only: style-src 'self' allows no inline style
        assert not re.search(r"<[a-zA-Z][^>]*\sstyle=", html), page
        assert "<style" not in html, page
    assert used == allowed  # no hash of a script the site no longer has


class HeaderHandler(QuietHandler):
    policy = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()


@pytest.fixture(scope="module")
def header_url(built_site: Path) -> Iterator[str]:
    """The built site served again, every response with the `_headers` policy as a header."""
    handler_class = type("Handler", (HeaderHandler,), {"policy": header_policy(built_site)})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler_class, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


REPORT = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.telecodeCspReport([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber,
                            e.sample].join(" "));
});
"""


def watched(browser: Any) -> tuple[Any, Any, list[str]]:
    """A context and page whose every CSP violation (event or console line, page or worker) and
    every console error lands in the returned list."""
    seen: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.expose_function("telecodeCspReport", lambda text: seen.append("event: " + text))
    context.add_init_script(REPORT)
    page = context.new_page()
    page.set_default_timeout(180_000)

    def console(where: str, msg: Any) -> None:
        if msg.type == "error" or "Content Security Policy" in msg.text:
            seen.append(f"{where} console: {msg.text}")

    page.on("console", functools.partial(console, "page"))
    page.on("pageerror", lambda err: seen.append(f"uncaught: {err}"))
    page.on("worker", lambda w: w.on("console", functools.partial(console, "worker")))
    return context, page, seen


def use_search(page: Any) -> None:
    page.click("input.md-search__input")
    page.keyboard.type("psychotherapy", delay=20)  # keystrokes: the theme searches on keyup
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("Escape")  # close the search overlay


def use_checker(page: Any) -> None:
    page.wait_for_selector(ANSWERED)
    assert page.get_attribute("[data-testid=result]", "data-codes")
    page.click("#tc-compare-toggle")
    page.locator("[data-testid=compare-medicaid]").wait_for()


@pytest.mark.parametrize("delivery", ["meta", "header"])
def test_no_violation_on_any_page_type(browser: Any, base_url: str, header_url: str,
                                       delivery: str) -> None:
    base = base_url if delivery == "meta" else header_url
    context, page, seen = watched(browser)
    try:
        for path in PAGES:
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert page.locator(".md-content").count() == 1, path
            assert not seen, (path, seen)
        # the policy is in force: an injected inline script is refused, and reported
        page.goto(base + "/")
        ran = page.evaluate("""() => { const s = document.createElement("script");
            s.textContent = "window.telecodeInjected = true;"; document.head.append(s);
            return window.telecodeInjected === true; }""")
        assert ran is False
        page.wait_for_timeout(200)
        assert any(t.startswith("event: script-src-elem inline") for t in seen), seen
        seen.clear()
        use_search(page)
        assert not seen, seen
        page.goto(base + "/checker/?" + urlencode({k: str(v) for k, v in CONSULT.items()}))
        use_checker(page)
        page.wait_for_timeout(300)  # a late report would arrive now
        assert not seen, seen
    finally:
        context.close()


def test_no_violation_through_instant_navigation(browser: Any, site: Any) -> None:
    """The theme swaps pages in without loading them: the first page's policy must allow every
    page's inline scripts (the theme re-runs them), and the checker must start from there."""
    if not site.instant_navigation:
        pytest.skip("a prebuilt site's URL does not match the server's port")
    context, page, seen = watched(browser)
    try:
        page.goto(site.base_url + "/downloads/")
        page.evaluate("window.telecodeSameDocument = true")
        for nav, path in [("Codes", "/codes/"), ("FAQ", "/faq/"), ("Payers", "/payers/"),
                          ("Medicare flexibilities", "/medicare-flexibilities/"),
                          ("Checker", "/checker/")]:
            page.locator(".md-nav--primary .md-nav__link", has_text=nav).first.click()
            page.wait_for_function("p => location.pathname === p", arg=path)
            assert page.evaluate("window.telecodeSameDocument === true"), path  # no page load
            if path == "/faq/":
                use_search(page)
        use_checker(page)
        page.wait_for_timeout(300)
        assert not seen, seen
    finally:
        context.close()
