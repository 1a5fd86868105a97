"""The site's Content-Security-Policy, computed from the built pages (issue 13).

After mkdocs has written the site, `apply(site_dir)` hashes every inline script of every page
(the theme's few small scripts, and the checker page's start-up script), builds one policy that
allows exactly those (plus the site's own files), and writes it

  - into every page, as `<meta http-equiv="Content-Security-Policy">` right after
    `<meta charset>` (before any script, so it covers them all), and
  - into `_headers` at the site's root (the header form Netlify and Cloudflare Pages read; any
    other host should send the same `Content-Security-Policy` value for every file).

One policy for the whole site, not one per page: with instant navigation the browser keeps the
first page's policy while the theme swaps in other pages and re-runs their inline scripts, so each
page's policy must allow every page's scripts. The hashes are sorted: same pages, same bytes.

Why each directive (docs/maintainers-widget.md, "Content-Security-Policy"):
  script-src 'self' 'wasm-unsafe-eval' + hashes   no 'unsafe-inline', no 'unsafe-eval'; Pyodide
                                    compiles WebAssembly, which needs 'wasm-unsafe-eval' only
  worker-src 'self'                 the checker's worker and the theme's search worker are files
                                    of the site (no blob: workers)
  style-src 'self'                  the stylesheets are files; the pages carry no style attribute
                                    and no <style> (scripts set styles through the CSSOM, which a
                                    policy does not restrict), so no 'unsafe-inline' for styles
  img-src 'self' data:              the theme's stylesheet draws its icons from data: SVG URLs
  object-src 'none', base-uri 'self', form-action 'self'   nothing the site uses
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

HEADERS_FILE = "_headers"
PAGE_GLOB = "**/*.html"

# A script element without src: its text is what the browser hashes (the raw bytes between the
# tags; a script's text is never entity-decoded).
_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(rb"\ssrc\s*=", re.I)
_TYPE = re.compile(rb"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JS_TYPES = {b"", b"text/javascript", b"module", b"application/javascript"}
_CHARSET = re.compile(rb"<meta charset=[\"']?utf-8[\"']?\s*/?>", re.I)
_META = re.compile(rb'\n<meta http-equiv="Content-Security-Policy"[^>]*>', re.I)


class CSPError(ValueError):
    """A page the policy cannot cover (in plain words, for the build log)."""


def inline_scripts(html: bytes) -> list[bytes]:
    """The text of every inline script a browser would run in this page."""
    out = []
    for m in _SCRIPT.finditer(html):
        attrs = m.group(1)
        if _SRC.search(attrs):
            continue
        kind = _TYPE.search(attrs)
        if kind is None or kind.group(1).lower() in _JS_TYPES:
            out.append(m.group(2))
    return out


def script_hash(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"


def policy(hashes: set[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *sorted(hashes)]),
        "worker-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def _meta(value: str) -> bytes:
    return f'\n<meta http-equiv="Content-Security-Policy" content="{value}">'.encode()


def apply(site_dir: Path) -> str:
    """Write the policy into every page of site_dir and into its _headers; return the policy."""
    pages = sorted(site_dir.glob(PAGE_GLOB))
    texts = {p: _META.sub(b"", p.read_bytes()) for p in pages}
    hashes = {script_hash(s) for t in texts.values() for s in inline_scripts(t)}
    value = policy(hashes)
    for path, html in texts.items():
        m = _CHARSET.search(html)
        if m is None:
            raise CSPError(f"{path.relative_to(site_dir)}: no <meta charset> to put the "
                           "Content-Security-Policy after")
        first_script = html.find(b"<script")
        if 0 <= first_script < m.start():
            raise CSPError(f"{path.relative_to(site_dir)}: a script comes before <meta charset>,"
                           " so a Content-Security-Policy there would not cover it")
        path.write_bytes(html[:m.end()] + _meta(value) + html[m.end():])
    (site_dir / HEADERS_FILE).write_text(
        "# Response headers for every file of the site (Netlify / Cloudflare Pages format; other\n"
        "# hosts: send the same values). Written by the build (docs/_site/csp.py).\n"
        "/*\n"
        f"  Content-Security-Policy: {value}\n"
        "  Referrer-Policy: no-referrer\n", encoding="utf-8")
    return value
