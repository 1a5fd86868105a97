"""Fixtures for the site tests: the site built once per session into temporary directories.

- `site`: `scripts/build DIR`, as a maintainer runs it: compile the real codebook, mkdocs
  build --strict, the checker widget's runtime (Pyodide + engine wheel).
- `site_again`: a second `scripts/build` into another directory (byte-identical check).
- `hostile_site`: the real bundle with hostile text in a label, a source title, a family
  summary and an FAQ answer (escaping tests).
- `served_site`: `site` served by a stdlib http.server thread on 127.0.0.1:<free port>.
"""

from __future__ import annotations

import copy
import functools
import html
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_LABEL = "<script>alert(1)</script>"
HOSTILE_TITLE = '"><img src=x onerror=1>'
HOSTILE_MARKDOWN = "{{ 7*191 }} *em* [x](javascript:alert(2)) <b>bold</b> | pipe"


def _env(bundle: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1",
                "TELECODE_CODEBOOK": str(bundle)})
    return env


def build_site(bundle: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """mkdocs build --strict of the project into `out`, reading `bundle`."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT, env=_env(bundle), capture_output=True, text=True, timeout=900,
    )


def _build_ok(bundle: Path, out: Path) -> Path:
    proc = build_site(bundle, out)
    assert proc.returncode == 0, f"site build failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def run_build_script(out: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "TELECODE_CODEBOOK"}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "build"), str(out)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, f"scripts/build failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> SiteDir:
    return SiteDir(run_build_script(tmp_path_factory.mktemp("site") / "site"))


@pytest.fixture(scope="session")
def site_again(site, tmp_path_factory) -> SiteDir:
    return SiteDir(run_build_script(tmp_path_factory.mktemp("site2") / "other-dir"))


@pytest.fixture(scope="session")
def bundle_path(site) -> Path:
    """The real codebook as scripts/build compiled it."""
    return ROOT / "engine" / "data" / "codebook.json"


@pytest.fixture(scope="session")
def bundle(bundle_path) -> dict:
    return json.loads(bundle_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def codebook(bundle_path):
    import engine

    return engine.load_codebook(bundle_path)


@pytest.fixture(scope="session")
def hostile_bundle(bundle) -> dict:
    """The real bundle with hostile text where codebook text lands on pages."""
    b = copy.deepcopy(bundle)
    code = next(c for c in b["codes"] if c["code"] == "98016")
    code["label"] = HOSTILE_LABEL
    code["last_verified"] = "2020-01-15"  # long before meta.released: "needs review"
    b["sources"][0]["title"] = HOSTILE_TITLE
    b["families"][0]["summary"] = HOSTILE_MARKDOWN
    b["faqs"][0]["answer"] = HOSTILE_MARKDOWN
    return b


@pytest.fixture(scope="session")
def hostile_site(hostile_bundle, tmp_path_factory) -> SiteDir:
    tmp = tmp_path_factory.mktemp("hostile")
    path = tmp / "codebook.json"
    path.write_text(json.dumps(hostile_bundle, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return SiteDir(_build_ok(path, tmp / "site"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(site):
    handler = functools.partial(_Quiet, directory=str(site.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# ---- reading the built HTML -------------------------------------------------------------------
@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


class SiteDir:
    """A built site directory with helpers to read its pages."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def file(self, url_path: str) -> Path:
        rel = url_path.strip("/")
        path = self.root / rel
        if url_path.endswith("/") or path.is_dir():
            path = path / "index.html"
        return path

    def html(self, url_path: str) -> str:
        path = self.file(url_path)
        assert path.is_file(), f"{url_path}: no page at {path}"
        return path.read_text(encoding="utf-8")

    def main_html(self, url_path: str) -> str:
        """The page's article (the content, without header, nav and footer)."""
        page = self.html(url_path)
        m = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.S)
        assert m, f"{url_path}: no article"
        return m.group(1)

    def text(self, url_path: str) -> str:
        """Visible text of the article, whitespace collapsed."""
        c = _Collector()
        c.feed(self.main_html(url_path))
        return " ".join("".join(c.text).split())

    def section(self, url_path: str, element_id: str, until: str = "<h2") -> str:
        """HTML from the element with this id to the next `until` marker."""
        page = self.main_html(url_path)
        start = page.find(f'id="{element_id}"')
        assert start >= 0, f"{url_path}: no element with id {element_id!r}"
        end = page.find(until, start + 1)
        return page[start: end if end > 0 else len(page)]

    def pages(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))

    def all_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def visible(fragment: str) -> str:
    """Text of an HTML fragment, whitespace collapsed."""
    c = _Collector()
    c.feed(fragment)
    return " ".join(html.unescape("".join(c.text)).split())


@pytest.fixture(scope="session")
def text_of():
    return visible
