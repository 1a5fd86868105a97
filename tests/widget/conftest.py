"""Fixtures for the checker widget's browser tests.

The site is built once per session into a temporary directory with the project's own build
(scripts/build, which runs scripts/build-widget), served by the standard library's http.server
on 127.0.0.1, and driven by Playwright for Python on Debian's chromium.

TELECODE_WIDGET_SITE=<dir> reuses an already built site (handy while editing the widget; the
instant-navigation test is skipped then, as the site's URL cannot match the server's port).
"""

from __future__ import annotations

import functools
import os
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Pyodide's first boot in a loaded CI machine can be slow; this bounds waiting, it asserts nothing.
BOOT_TIMEOUT_MS = 180_000


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".whl": "application/zip",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@dataclass
class Site:
    base_url: str
    path: Path
    instant_navigation: bool  # built with site_url = base_url, so Material's instant nav works


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site, built once with scripts/build and served on 127.0.0.1.

    The server is bound before the build so the site can be built with site_url = its address:
    mkdocs-material's instant navigation only handles links whose host and port match the
    sitemap's."""
    prebuilt = os.environ.get("TELECODE_WIDGET_SITE")
    out = Path(prebuilt) if prebuilt else tmp_path_factory.mktemp("site") / "site"
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    if not prebuilt:
        proc = subprocess.run(
            [str(ROOT / "scripts" / "build"), str(out)], cwd=ROOT, capture_output=True,
            text=True, check=False, env={**os.environ, "TELECODE_SITE_URL": base + "/"},
        )
        assert proc.returncode == 0, f"scripts/build failed:\n{proc.stdout}\n{proc.stderr}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(base, out, instant_navigation=not prebuilt)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def built_site(site: Site) -> Path:
    return site.path


@pytest.fixture(scope="session")
def base_url(site: Site) -> str:
    return site.base_url


# Module scope: Playwright's sync API allows one running instance per thread, and other folders'
# browser fixtures (tests/site) start their own; a session-wide one here would still be running
# when tests/widget is collected before them (`pytest tests/widget tests/site`).
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test does)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Recorder:
    """Every request and every console error of one browser context."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def off_site(self) -> list[str]:
        return [u for u in self.requests if not u.startswith("http://127.0.0.1:")]


def _open_page(browser: Any, recorder: Recorder, **context_options: Any) -> tuple[Any, Any]:
    """A new context and page; requests are recorded on the context, so the Web Worker's
    fetches are included."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    context.on("request", lambda req: recorder.requests.append(req.url))
    page = context.new_page()
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    page.on("console", lambda msg: msg.type == "error" and recorder.console_errors.append(msg.text))
    page.on("pageerror", lambda err: recorder.console_errors.append(f"uncaught: {err}"))
    return context, page


@pytest.fixture(scope="session")
def page_factory() -> Any:
    """open(browser, recorder, **context_options) -> (context, page)."""
    return _open_page


@pytest.fixture(scope="session")
def make_recorder() -> type[Recorder]:
    return Recorder


@pytest.fixture()
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture()
def page(browser: Any, recorder: Recorder) -> Iterator[Any]:
    """A fresh page; after the test: no request left 127.0.0.1 and no console error happened."""
    context, page = _open_page(browser, recorder)
    yield page
    context.close()
    assert recorder.off_site() == [], f"requests left 127.0.0.1: {recorder.off_site()}"
    assert recorder.console_errors == [], f"console errors: {recorder.console_errors}"
