"""Turning codebook text into safe Markdown, and links between pages.

Every string that comes from the codebook passes through `esc` (inline) or `esc_block`
(paragraphs) before it lands in a page. They replace every character that HTML, Markdown or
Jinja (the macros plugin renders pages as templates) would interpret with a numeric character
reference, so a label like `<script>` or `{{ x }}` or `*x*` shows exactly as written and does
nothing. The references are valid in Markdown text, in table cells and in HTML attributes.

Links between generated sections are HTML with relative URLs computed here (`rel`), the way
mkdocs builds directory URLs; tests/site checks that every internal link and anchor of the
built site resolves. Tables are raw HTML blocks, which Python-Markdown passes through
without inline parsing (a several-fold faster build than Markdown tables).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlsplit

from . import state

# Characters with a meaning in HTML, inline Markdown, attr_list/Jinja braces, or table syntax.
# Letters, digits, spaces and ordinary punctuation stay readable. Line-start markers (lists,
# `- `, `1. `) only matter in blocks; esc_block handles them.
_SPECIAL = set("&<>\"'`*_[]{}#|\\~")
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}


def esc(value: object) -> str:
    """Inline text: escaped, whitespace (including newlines) collapsed to single spaces."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text.translate(_TABLE)


def esc_block(value: object) -> str:
    """Paragraph text: escaped; blank lines in the source stay paragraph breaks."""
    if value is None:
        return ""
    paragraphs = [p for p in re.split(r"\n\s*\n", str(value).strip()) if p.strip()]
    return "\n\n".join(_no_block_start(esc(p)) for p in paragraphs)


def _no_block_start(text: str) -> str:
    """Escape a leading list / heading / quote marker so a paragraph stays a paragraph."""
    m = re.match(r"^(\d+)([.)])(\s)", text)
    if m:
        return f"{m.group(1)}&#{ord(m.group(2))};{text[len(m.group(1)) + 1:]}"
    if text[:1] in "-+=:":
        return f"&#{ord(text[0])};{text[1:]}"
    return text


def code_span(value: object) -> str:
    """Monospace inline text (a code number, a field name, a modifier): escaped, in <code>."""
    return f"<code>{esc(value)}</code>"


def safe_url(url: object) -> str | None:
    """An http(s) URL escaped for an attribute, or None (then the text is shown unlinked)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return esc(url.strip())


def external_link(text: object, url: object) -> str:
    href = safe_url(url)
    if href is None:
        return esc(text)
    return f'<a href="{href}" rel="noopener">{esc(text)}</a>'


def page_url(src: str) -> str:
    """Site URL path (no leading slash) of a Markdown source or static file, as mkdocs builds
    it with use_directory_urls: `index.md` -> ``, `faq.md` -> `faq/`, `codes/index.md` ->
    `codes/`, `codes/98016.md` -> `codes/98016/`, `downloads/codes.csv` unchanged."""
    if not src.endswith(".md"):
        return src
    stem = src[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def rel(from_src: str, to_src: str, anchor: str | None = None, query: str | None = None) -> str:
    """Relative URL from the page built from `from_src` to the page/file built from `to_src`
    (escaped for an HTML attribute). Internal links are checked by tests/site."""
    here = page_url(from_src)
    if anchor and not query and page_url(to_src) == here:
        return "#" + anchor
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    target = page_url(to_src)
    if target == base or (not target and not base):
        path = "./"
    else:
        path = posixpath.relpath(target or ".", base or ".")
        if target.endswith("/") or not target:
            path = path.rstrip("/") + "/"
        if path == "./" or path == "/":
            path = "./"
    if query:
        path += "?" + query
    if anchor:
        path += "#" + anchor
    return path


def link(from_src: str, to_src: str, text: str, anchor: str | None = None) -> str:
    """An HTML link whose `text` is already escaped."""
    return f'<a href="{rel(from_src, to_src, anchor)}">{text}</a>'


def slug(value: str) -> str:
    """An HTML id fragment from an id in the codebook (ids are kebab-case already)."""
    return re.sub(r"[^a-z0-9-]+", "-", str(value).lower()).strip("-") or "x"


def query_string(params: list[tuple[str, str]]) -> str:
    """A URL query string (already escaped for an HTML attribute / Markdown link target)."""
    return "&amp;".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)


def code_src(code: str) -> str:
    """Markdown source path of a code page (URL /codes/<CODE>/)."""
    return f"codes/{code}.md"


# ---- badges ------------------------------------------------------------------------------
# Every badge links to its explanation on the conventions page (conventions.md#badge-<kind>).
BADGES: dict[str, str] = {
    "new": "new",
    "ended": "ended",
    "verified": "verified",
    "secondary": "one source",
    "unverified": "unverified",
    "conflict": "sources disagree",
    "not-selected": "listed only",
    "add-on": "add-on",
    "defaults": "default, plans vary",
    "needs-review": "needs review",
}


def badge(from_src: str, kind: str, text: str | None = None, title: str | None = None) -> str:
    """A badge: a small link to `conventions/#badge-<kind>` (text is escaped here)."""
    if kind not in BADGES:
        raise KeyError(f"unknown badge kind {kind!r}; known: {', '.join(BADGES)}")
    shown = esc(text if text is not None else BADGES[kind])
    href = rel(from_src, "conventions.md", f"badge-{kind}")
    tip = f' title="{esc(title)}"' if title else ""
    return f'<a class="tc-badge tc-badge--{kind}" href="{href}"{tip}>{shown}</a>'


def evidence_badge(from_src: str, record: dict, with_date: bool = True) -> str:
    """The evidence badge of a record (verified ones show their last-verified date)."""
    level = record.get("evidence") or "unverified"
    kind = {"verified": "verified", "secondary": "secondary"}.get(level, "unverified")
    when = record.get("last_verified")
    text = f"{BADGES[kind]} {when}" if with_date and when and kind == "verified" else BADGES[kind]
    out = badge(from_src, kind, text, title=f"evidence: {level}; last verified {when or 'never'}")
    if state.is_stale(record):
        out += " " + badge(from_src, "needs-review", title=f"last verified {when}")
    return out


def date_range(start: str | None, end: str | None) -> str:
    """`2025-01-01 → 2025-12-31`, `2025-01-01 → (open)`."""
    return f"{start or '…'} → {end or 'open'}"


def table(header: list[str], rows: list[list[str]], cls: str | None = None) -> str:
    """An HTML table from already-escaped HTML cells, as one raw HTML block (Markdown leaves
    it alone, which keeps big pages fast). Empty cells show a dash. Each cell carries its
    column name (data-label) so narrow screens can show rows as labelled cards."""
    head = "".join(f"<th>{h}</th>" for h in header)
    labels = [re.sub(r"<[^>]+>", "", h) for h in header]
    body = "".join(
        "<tr>" + "".join(f'<td data-label="{lab}">{c if c.strip() else "—"}</td>'
                         for lab, c in zip(labels, row, strict=True)) + "</tr>"
        for row in rows)
    klass = f' class="tc-table {cls}"' if cls else ' class="tc-table"'
    return (f"<div{klass}><table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n"
            "</table></div>")
