"""Privacy, escaping, determinism and link integrity of the built site."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

SITE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml site_url (canonical links only)

ASSET_PATTERNS = [
    (re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", re.I), "script src"),
    (re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?([^\"' >]+)", re.I), "link href"),
    (re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", re.I), "img src"),
    (re.compile(r"<iframe\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", re.I), "iframe src"),
    (re.compile(r"<(?:source|video|audio|embed|object)\b[^>]*\b(?:src|data)\s*=\s*"
                r"[\"']?([^\"' >]+)", re.I), "media"),
]


def _off_site(url: str) -> bool:
    parts = urlsplit(url)
    if url.startswith(SITE_URL):
        return False
    return bool(parts.scheme or parts.netloc) or url.startswith("//")


def test_no_asset_is_loaded_from_off_site(site):
    offenders = []
    for page in site.pages():
        text = page.read_text(encoding="utf-8")
        assert "<iframe" not in text.lower(), page
        for pattern, kind in ASSET_PATTERNS:
            for url in pattern.findall(text):
                if _off_site(url):
                    offenders.append(f"{page.relative_to(site.root)}: {kind} {url}")
    assert not offenders, "\n".join(offenders[:20])


def test_css_loads_nothing_from_off_site(site):
    for css in site.root.rglob("*.css"):
        for url in re.findall(r"url\(\s*[\"']?([^\"')]+)", css.read_text(encoding="utf-8")):
            assert not _off_site(url) or url.startswith("data:"), (css, url)
        assert "@import url(http" not in css.read_text(encoding="utf-8")


def test_no_fonts_analytics_or_generator_notice(site):
    page = site.html("/")
    assert "fonts.googleapis" not in page and "fonts.gstatic" not in page
    assert "google-analytics" not in page and "gtag(" not in page
    assert "Made with" not in page


@pytest.fixture(scope="module")
def hostile_pages(hostile_site):
    return {p: p.read_text(encoding="utf-8") for p in hostile_site.pages()}


def test_hostile_label_is_shown_as_text_never_as_markup(hostile_site, hostile_pages, text_of):
    for path, text in hostile_pages.items():
        assert "<script>alert(1)" not in text, path
        assert "<img src=x" not in text, path
        assert 'href="javascript:' not in text.lower(), path
        assert "<b>bold</b>" not in text, path
    page = hostile_site.main_html("/codes/98016/")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert "98016 — <script>alert(1)</script>" in text_of(h1)
    assert "&lt;script&gt;" in h1 or "&#60;script&#62;" in h1


def test_old_last_verified_gets_a_needs_review_badge(site, hostile_site):
    page = hostile_site.main_html("/codes/98016/")
    assert 'class="tc-badge tc-badge--needs-review" href="../../conventions/#badge-needs-review"' \
        in page
    assert "tc-badge--needs-review" not in site.main_html("/codes/98016/")


def test_hostile_source_title_is_shown_as_text(hostile_site, hostile_bundle, text_of):
    sid = hostile_bundle["sources"][0]["id"]
    block = hostile_site.section("/sources/", f"src-{sid}", until='<div class="tc-source"')
    assert '"><img src=x onerror=1>' in text_of(block)
    assert "onerror=1>" not in block


def test_hostile_markdown_and_template_text_is_inert(hostile_site, hostile_bundle, text_of):
    faq = hostile_bundle["faqs"][0]
    section = hostile_site.section("/faq/", faq["id"])
    shown = text_of(section)
    assert "{{ 7*191 }} *em* [x](javascript:alert(2)) <b>bold</b> | pipe" in shown
    assert "1337" not in shown  # the template was not evaluated
    assert "<em>em</em>" not in section
    fam = hostile_bundle["families"][0]["id"]
    codes_page = hostile_site.main_html("/codes/")
    assert "1337" not in text_of(codes_page)
    assert f'id="family-{fam}"' in codes_page


def test_two_builds_are_byte_identical(site, site_again):
    first = {p.relative_to(site.root): p.read_bytes() for p in site.all_files()}
    second = {p.relative_to(site_again.root): p.read_bytes() for p in site_again.all_files()}
    assert sorted(first) == sorted(second)
    differ = [str(p) for p in first if first[p] != second[p]]
    assert not differ, differ[:10]
    gz = site.file("/sitemap.xml.gz").read_bytes()
    assert gzip.decompress(gz) == site.file("/sitemap.xml").read_bytes()
    mtime = int.from_bytes(gz[4:8], "little")
    assert mtime != 0  # the codebook's release date, not the clock (identical across builds)


def test_search_index_is_identical_across_builds(site, site_again):
    a = json.loads(site.file("/search/search_index.json").read_text(encoding="utf-8"))
    b = json.loads(site_again.file("/search/search_index.json").read_text(encoding="utf-8"))
    assert a == b


def test_every_internal_link_and_anchor_resolves(site):
    files = {p.relative_to(site.root).as_posix() for p in site.all_files()}
    id_cache: dict[str, set[str]] = {}

    def ids_of(rel: str) -> set[str]:
        if rel not in id_cache:
            text = (site.root / rel).read_text(encoding="utf-8")
            id_cache[rel] = set(re.findall(r'\bid="([^"]+)"', text))
        return id_cache[rel]

    broken = []
    for page in site.pages():
        rel_page = page.relative_to(site.root).as_posix()
        text = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', text):
            parts = urlsplit(href.replace("&amp;", "&"))
            if parts.scheme or parts.netloc:
                continue
            base = rel_page.rsplit("/", 1)[0] if "/" in rel_page else ""
            target = unquote(parts.path)
            if target:
                joined = Path(base, target).as_posix() if base else target
                norm = []
                for seg in joined.split("/"):
                    if seg == "..":
                        norm.pop() if norm else None
                    elif seg not in ("", "."):
                        norm.append(seg)
                resolved = "/".join(norm)
                if target.endswith("/") or resolved == "":
                    resolved = (resolved + "/index.html").lstrip("/")
                if resolved not in files:
                    broken.append(f"{rel_page}: {href}")
                    continue
            else:
                resolved = rel_page
            if resolved == "checker/index.html" and "=" in parts.fragment:
                continue  # the checker's permalink: the encounter in the fragment (issue 13)
            if parts.fragment and resolved.endswith(".html"):
                if parts.fragment not in ids_of(resolved):
                    broken.append(f"{rel_page}: {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_faq_disagreement_fails_the_build(bundle, tmp_path):
    bad = json.loads(json.dumps(bundle))
    faq = bad["faqs"][0]
    faq["expected"]["lines"] = [{"code": "99215", "modifiers": ["95"], "pos": "10"}]
    path = tmp_path / "codebook.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir",
         str(tmp_path / "site")], cwd=root, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
             "TELECODE_CODEBOOK": str(path)})
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert faq["id"] in out and "99215" in out
    assert "Traceback" not in out


def test_every_page_sends_no_referrer(site):
    """The checker's permalink holds an encounter: no page may send its address onwards."""
    pages = list(site.pages())
    assert len(pages) > 20
    missing = [str(p.relative_to(site.root)) for p in pages
               if '<meta name="referrer" content="no-referrer">' not in p.read_text("utf-8")]
    assert missing == []
