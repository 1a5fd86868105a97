"""Turning codebook text into safe Markdown, and links between pages.

Every string that comes from the codebook passes through `esc` (inline) or `esc_block`
(paragraphs) before it lands in a page. They replace every character that HTML, Markdown or
Jinja (the macros plugin renders pages as templates) would interpret with a numeric character
reference, so a label like `<script>` or `{{ x }}` or `*x*` shows exactly as written and does
nothing. The references are valid in Markdown text, in table cells and in HTML attributes.

Links between pages are written as relative links to the target's Markdown source
(`../conventions.md#badge-new`), so mkdocs resolves them for either URL style and
`mkdocs build --strict` fails on a link to a page that does not exist.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlsplit

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


def rel(from_src: str, to_src: str, anchor: str | None = None, query: str | None = None) -> str:
    """Relative link from one Markdown source (`codes/98016.md`) to another (`faq.md`)."""
    base = posixpath.dirname(from_src)
    path = posixpath.relpath(to_src, base or ".")
    if query:
        path += "?" + query
    if anchor:
        path += "#" + anchor
    return path


def link(from_src: str, to_src: str, text: str, anchor: str | None = None) -> str:
    """A Markdown link whose `text` is already escaped Markdown."""
    return f"[{text}]({rel(from_src, to_src, anchor)})"


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
}


def badge(from_src: str, kind: str, text: str | None = None, title: str | None = None) -> str:
    """A badge: a small link to `conventions.md#badge-<kind>` (text is escaped here)."""
    if kind not in BADGES:
        raise KeyError(f"unknown badge kind {kind!r}; known: {', '.join(BADGES)}")
    shown = esc(text if text is not None else BADGES[kind])
    href = rel(from_src, "conventions.md", f"badge-{kind}")
    attrs = f'.tc-badge .tc-badge--{kind}'
    if title:
        attrs += f' title="{esc(title)}"'
    return f"[{shown}]({href}){{ {attrs} }}"


def evidence_badge(from_src: str, record: dict) -> str:
    """The evidence badge of a record, with its last-verified date in the text."""
    level = record.get("evidence") or "unverified"
    kind = {"verified": "verified", "secondary": "secondary"}.get(level, "unverified")
    when = record.get("last_verified")
    text = f"{BADGES[kind]} {when}" if when and kind == "verified" else BADGES[kind]
    return badge(from_src, kind, text, title=f"evidence: {level}; last verified {when or 'never'}")


def date_range(start: str | None, end: str | None) -> str:
    """`2025-01-01 → 2025-12-31`, `2025-01-01 → (open)`."""
    return f"{start or '…'} → {end or 'open'}"


def table(header: list[str], rows: list[list[str]], cls: str | None = None) -> str:
    """A Markdown table from already-escaped cells (a row may not be empty)."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        cells = [c if c.strip() else "—" for c in row]
        out.append("| " + " | ".join(cells) + " |")
    text = "\n".join(out)
    if cls:
        text = f'<div class="{cls}" markdown>\n\n{text}\n\n</div>'
    return text
