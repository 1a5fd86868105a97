"""mkdocs hook (mkdocs.yml `hooks:`): generated pages, extension nav, deterministic dates.

Why a hook and not mkdocs-gen-files: the generated pages depend on the compiled codebook and on
each other (a code page links to the checker only if the checker page exists), and a hook
sees the whole file list in one place, adds in-memory `File.generated` objects (nothing is
written into docs/), and needs no extra dependency.

EXTENSION POINT — adding pages without editing this file
--------------------------------------------------------
Put a module `docs/_site/pages_<name>.py` next to this file. The hook imports every such
module (sorted by file name) and calls

    pages(codebook: engine.Codebook) -> dict[str, str | bytes]

Keys are site paths:
  - "changes/2025/" or "changes/2025.md"  -> a page at /changes/2025/ (value: Markdown)
  - "downloads/codes.csv"                 -> a static file at that path (value: str or bytes)
Generated Markdown goes through mkdocs-macros like any page, so it may call the macros in
macros.py (e.g. "{{ code_page('98016') }}"). Text from the codebook must be escaped with
`_site.text.esc` / `esc_block` (they also neutralise `{{`, so data never runs as a template).
A path generated twice, or a path that is also a file in docs/, fails the build.

Optionally a module also defines
    nav(codebook) -> list      mkdocs nav items, e.g.
                               [{"What changed": [{"2025": "changes/2025.md"}]}]
    NAV_PARENT = "Reference"   append those items inside this top-level nav section
                               (default: the top level, before "About").
    code_page_links(codebook, code) -> list[tuple[str, str]]
                               (page source path, plain-text title) pairs listed under
                               "See also" on /codes/<CODE>/, e.g.
                               [("changes/2025.md", "What changed in 2025")]; the titles
                               are escaped by the code page, pages must exist in the build.
Pages not in the nav are still built (code pages are reached from /codes/ and search).

Render helpers other modules may use: `_site.text` (esc, link, badge, table — `link` and
`rel` give HTML links with relative URLs computed for directory URLs, e.g.
link("changes/2025.md", "codes/98016.md", "98016"); tests/site checks every internal link
and anchor of the built site), `_site.render` (code_link, family_link, provenance,
result_lines), `_site.views` (years, status_segments), `_site.state.has_page(src)` (is a
page part of this build?).

Titles: on_page_context gives every page an HTML-escaped `meta.title` (the theme would
otherwise unescape a heading's codebook text into <title>).

Dates: every page's `update_date` (sitemap <lastmod>, and the gzip header of sitemap.xml.gz)
is the codebook's meta.released, so two builds of the same codebook give identical bytes.

Content-Security-Policy: on_post_build hashes every page's inline scripts and writes one strict
policy into every page and into the site's `_headers` (docs/_site/csp.py says why each directive).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import ModuleType

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

DOCS = Path(__file__).resolve().parents[1]
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))

from _site import csp, extensions, source, state, views  # noqa: E402


def _generators() -> list[ModuleType]:
    try:
        return extensions.generators()
    except extensions.ExtensionError as exc:
        raise PluginError(str(exc)) from None


def _codebook():
    try:
        return source.codebook()
    except source.SiteDataError as exc:
        raise PluginError(str(exc)) from None


def _src_path(key: str) -> str:
    """Site path key -> docs-relative source path."""
    key = key.strip("/")
    if key == "" or key.endswith("/index.md"):
        return key or "index.md"
    if key.endswith(".md"):
        return key
    last = key.rsplit("/", 1)[-1]
    if "." in last:  # a static file (csv, json, ...)
        return key
    return key + ".md"


def _stale_before(config, cb) -> str | None:
    """meta.released minus `extra.stale_after` (mkdocs.yml, e.g. "12m"): the "needs review"
    cut-off. Relative to the release date, not today, so builds stay reproducible."""
    limit = (config.get("extra") or {}).get("stale_after")
    released = cb.meta.get("released")
    if not limit or not released:
        return None
    import datetime as dt

    from engine.tooling.validate import parse_duration
    try:
        return (dt.date.fromisoformat(str(released)) - parse_duration(str(limit))).isoformat()
    except ValueError as exc:
        raise PluginError(f"mkdocs.yml extra.stale_after: {exc}") from None


def on_config(config, **kwargs):  # noqa: ARG001 - mkdocs event signature
    cb = _codebook()
    state.set_stale_before(_stale_before(config, cb))
    # every page's footer says how far the codebook is reviewed, and which years are provisional
    words = views.coverage_words(cb) + "."
    if words not in str(config.get("copyright") or ""):
        config["copyright"] = f"{words} {config.get('copyright') or ''}".strip()
    nav = config.get("nav")
    if nav is None:
        return config
    for mod in _generators():
        items_fn = getattr(mod, "nav", None)
        if not callable(items_fn):
            continue
        items = list(items_fn(cb))
        parent = getattr(mod, "NAV_PARENT", None)
        if parent:
            for entry in nav:
                if isinstance(entry, dict) and parent in entry and isinstance(entry[parent], list):
                    entry[parent].extend(items)
                    break
            else:
                raise PluginError(f"{mod.__file__}: NAV_PARENT {parent!r} is not a top-level "
                                  "nav section in mkdocs.yml")
        else:
            at = len(nav) - 1 if nav else 0
            nav[at:at] = items
    return config


def on_files(files: Files, config, **kwargs) -> Files:  # noqa: ARG001 - mkdocs event signature
    cb = _codebook()
    # The FAQ check runs first so a disagreement is reported in plain words.
    try:
        views.checked_faqs(cb)
    except source.SiteDataError as exc:
        raise PluginError(str(exc)) from None
    owner: dict[str, str] = {}
    for mod in _generators():
        try:
            generated = mod.pages(cb)
        except source.SiteDataError as exc:
            raise PluginError(f"{mod.__file__}: {exc}") from None
        for key in sorted(generated):
            path = _src_path(key)
            if path in owner:
                raise PluginError(f"{mod.__file__}: page {path!r} is also generated by "
                                  f"{owner[path]}")
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"{mod.__file__}: page {path!r} is generated but also "
                                  "exists in docs/; keep one of them")
            owner[path] = mod.__file__ or mod.__name__
            files.append(File.generated(config, path, content=generated[key],
                                        inclusion=InclusionLevel.NOT_IN_NAV))
    state.set_pages({f.src_uri for f in files if f.is_documentation_page()})
    return files


def on_pre_page(page, config, files, **kwargs):  # noqa: ARG001 - mkdocs event signature
    page.update_date = str(_codebook().meta.get("released") or page.update_date)
    return page


def on_page_context(context, page, config, nav, **kwargs):  # noqa: ARG001 - mkdocs event signature
    """Give every page an explicit, HTML-escaped title.

    A title taken from a page's first heading is HTML (codebook text in it is escaped), but
    the theme writes it into <title> through Jinja's `striptags`, which also *unescapes* it.
    The theme writes `page.meta.title` as is, so setting it to the escaped heading text keeps
    codebook text inert in <title> and in the header.
    """
    if page.meta.get("title") is None and page.title:
        page.meta["title"] = re.sub(r"<[^>]+>", "", str(page.title))
    return context


def on_post_build(config, **kwargs):  # noqa: ARG001 - mkdocs event signature
    try:
        csp.apply(Path(config["site_dir"]))
    except csp.CSPError as exc:
        raise PluginError(str(exc)) from None
