"""A site update reaches a reader who has the old build cached (issue 13, item 6).

One browser profile (a persistent context: its HTTP cache on disk) visits the checker of an old
build; the host then serves a new build, whose codebook differs (its version changed), from the
same URL; the same profile, in a new browser session, visits again and must answer from the new
codebook. Two hosts: one that sends no Cache-Control at all and old Last-Modified dates (the
browser caches every fixed URL by heuristic — a share of its age, days here), and one that sends
the headers docs/maintainers-widget.md tells a host to send."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.widget.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, QuietHandler

ENC = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established",
       "modality": "audio_video", "mdm": "moderate", "minutes": "30"}
COPIED = ["codebook", "engine", "docs", "scripts", "mkdocs.yml", "pyproject.toml",
          "requirements.lock", "package.json", "package-lock.json"]
LINKED = [".venv", "node_modules"]
MONTH_AGO = time.time() - 30 * 86400


def engine_version(site: Path) -> str:
    return json.loads((site / "assets/checker/engine.json").read_text())["codebook"]


@pytest.fixture(scope="module")
def new_build(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project copied, its codebook's version changed, built with scripts/build."""
    tree = tmp_path_factory.mktemp("newer") / "tree"
    tree.mkdir()
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, tree / name)
    for name in LINKED:
        (tree / name).symlink_to(ROOT / name)
    meta = tree / "codebook/codebook.yaml"
    text = meta.read_text(encoding="utf-8")
    assert 'version: "' in text
    newer = re.sub(r'version: "(\d{4})\.(\d+)"',
                   lambda m: f'version: "{m.group(1)}.{int(m.group(2)) + 50}"', text, count=1)
    assert newer != text
    meta.write_text(newer, encoding="utf-8")
    out = tree.parent / "site"
    env = {k: v for k, v in os.environ.items() if k != "TELECODE_CODEBOOK"}
    env["PYTHONPATH"] = str(tree)  # the copy's engine, not the editable install's
    proc = subprocess.run(["bash", str(tree / "scripts/build"), str(out)], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=1500, check=False)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    assert engine_version(out) != engine_version(built_site)
    return out


class SwitchingHandler(QuietHandler):
    """Serves whichever build `state["root"]` names; `state["headers"]` picks the host."""

    state: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.state["root"]), **kwargs)

    def end_headers(self) -> None:
        if self.state["headers"] == "documented":
            path = self.path.split("?")[0].split("#")[0]
            if re.search(r"/(wheel-[0-9a-f]+/|python-[0-9a-f]+\.snapshot\.gz$)", path):
                value = "public, max-age=31536000, immutable"
            elif "/assets/pyodide/" in path:
                value = "public, max-age=86400"
            else:
                value = "no-cache"
            self.send_header("Cache-Control", value)
        super().end_headers()

    def date_time_string(self, timestamp: float | None = None) -> str:
        return formatdate(timestamp, usegmt=True)


def aged_copy(src: Path, dst: Path, mtime: float) -> Path:
    shutil.copytree(src, dst)
    for path in dst.rglob("*"):
        os.utime(path, (mtime, mtime))
    return dst


@pytest.fixture()
def host(request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, Any], str]]:
    state: dict[str, Any] = {"root": None, "headers": request.param}
    handler = type("Handler", (SwitchingHandler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def answered_version(page: Any) -> str:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=result]').dataset.state === 'ready'")
    note = page.inner_text("[data-testid=result] .tc-note")
    m = re.search(r"codebook (\S+)", note)
    assert m, note
    return m.group(1)


@pytest.mark.parametrize("host", ["none", "documented"], indirect=True)
def test_a_new_build_reaches_a_profile_that_cached_the_old_one(
        host: tuple[dict[str, Any], str], built_site: Path, new_build: Path,
        tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    state, base = host
    old = aged_copy(built_site, tmp_path / "old", MONTH_AGO)
    new = aged_copy(new_build, tmp_path / "new", time.time() - 3600)
    profile = tmp_path / "profile"
    url = base + "/checker/#" + urlencode(ENC)
    with sync_playwright() as pw:
        def visit() -> tuple[str, list[str]]:
            context = pw.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                fetched: list[str] = []
                context.on("requestfinished", lambda r: fetched.append(r.url))
                page = context.pages[0] if context.pages else context.new_page()
                page.set_default_timeout(180_000)
                page.goto(base + "/")
                page.goto(url)
                version = answered_version(page)
                page.goto(base + "/")  # leave, so the next visit is a new document
                return version, fetched
            finally:
                context.close()

        state["root"] = old
        first, _ = visit()
        assert first == engine_version(old)
        state["root"] = new
        second, fetched = visit()
    assert second == engine_version(new) != first
    assert any(u.endswith("/assets/checker/engine.json") for u in fetched)
