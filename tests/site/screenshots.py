"""Screenshots of the built site at desktop (1280 px) and phone (390 px) widths.

Not a test: a maintainer tool for looking at the pages.
Usage: python tests/site/screenshots.py SITE_DIR OUT_DIR [PATH ...]
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAX_HEIGHT = 2200  # px of each page captured (the top of long pages)
DEFAULT_PATHS = ["/", "/codes/", "/codes/98016/", "/codes/99214/", "/payers/", "/modifiers/",
                 "/place-of-service/", "/medicare-flexibilities/", "/faq/", "/documentation/",
                 "/sources/", "/conventions/", "/about/", "/print/2025/", "/downloads/", "/rules/"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv: list[str]) -> int:
    site, out = Path(argv[0]), Path(argv[1])
    paths = argv[2:] or DEFAULT_PATHS
    out.mkdir(parents=True, exist_ok=True)
    server, base = serve(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for width, height, tag in ((1280, 900, "desktop"), (390, 844, "phone")):
                page = browser.new_page(viewport={"width": width, "height": height})
                for path in paths:
                    page.goto(base + path, wait_until="domcontentloaded")
                    page.wait_for_load_state("load")
                    name = path.strip("/").replace("/", "_") or "home"
                    full = page.evaluate("document.documentElement.scrollHeight")
                    clip = {"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)}
                    page.screenshot(path=str(out / f"{name}-{tag}.png"), full_page=True,
                                    clip=clip)
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
