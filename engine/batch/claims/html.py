"""The self-contained HTML report of `telecode claims --format html`.

One file with inline CSS and an inline SVG chart: no script, no font, no image, no request
(a Content-Security-Policy forbids any). It shows the counts by verdict, the lines by reason as
a bar chart (each bar links to the reason below), the lines to fix first (errors, then
warnings, by the reasons that touch the most lines), and each reason with its sources and a
link to the site's page that explains it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import IO, Any

from engine.batch.claims.report import RULE_PAGE
from engine.core.claim import ClaimLine, ClaimResult
from engine.core.codebook import Codebook

__all__ = ["write_html", "MAX_ROWS"]

MAX_ROWS = 1000  # lines listed in the report; the CSV/JSONL output has them all
_COLOR = {"error": "#b3261e", "warning": "#b26a00", "info": "#4a6fa5"}
_WORD = {"error": "must fix", "warning": "check", "info": "note"}

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:70rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}
.meta{color:#555}.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:.5rem;padding:.6rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #e5e5e5;padding:.35rem .4rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}.sev{font-weight:600;white-space:nowrap}
.error{color:#b3261e}.warning{color:#8a5300}.info{color:#35557f}
code{font-size:13px}svg text{font-size:13px;fill:#1d1d1f}
.reason{border-left:4px solid #ddd;padding:.2rem 0 .2rem .8rem;margin:1rem 0}
"""


def _chart(reasons: list[dict[str, Any]]) -> str:
    if not reasons:
        return "<p>No line has a reason: every line is ok.</p>"
    width, label_w, row_h = 900, 420, 26
    top = max(e["lines"] for e in reasons)
    height = row_h * len(reasons) + 10
    parts = [f'<svg id="chart" role="img" aria-label="Lines by reason" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" '
             'xmlns="http://www.w3.org/2000/svg">']
    for i, e in enumerate(reasons):
        y = 5 + i * row_h
        bar = max(2, round((width - label_w - 70) * e["lines"] / top))
        title = escape(e["title"])
        parts.append(
            f'<a href="#r-{escape(e["id"])}"><text x="0" y="{y + 17}">{title}</text>'
            f'<rect class="bar" data-reason="{escape(e["id"])}" x="{label_w}" y="{y + 3}" '
            f'width="{bar}" height="{row_h - 8}" fill="{_COLOR[e["severity"]]}"/>'
            f'<text x="{label_w + bar + 6}" y="{y + 17}">{e["lines"]}</text></a>')
    parts.append("</svg>")
    return "".join(parts)


def _fix_first(lines: Sequence[ClaimLine], results: Sequence[ClaimResult],
               reasons: list[dict[str, Any]], site: str) -> tuple[str, int]:
    order = {e["id"]: i for i, e in enumerate(reasons)}
    rank = {"error": 0, "warning": 1}
    picked = [(rank[r.verdict], min(order.get(x.id, 99) for x in r.reasons), n)
              for n, r in enumerate(results) if r.verdict in rank]
    picked.sort()
    rows = []
    for _, _, n in picked[:MAX_ROWS]:
        ln, r = lines[n], results[n]
        links = ", ".join(
            f'<a href="{escape(site)}{RULE_PAGE}#{escape(x.id)}">{escape(_title(reasons, x.id))}'
            "</a>" for x in r.reasons if x.severity != "info")
        rows.append(
            f'<tr><td>{escape(ln.claim_id)}</td><td>{escape(ln.line)}</td>'
            f'<td><code>{escape(ln.code)}</code></td>'
            f'<td class="sev {r.verdict}">{_WORD[r.verdict]}</td><td>{links}</td>'
            f'<td>{escape(r.message)}</td><td><code>{escape(r.suggested or "")}</code></td></tr>')
    if not rows:
        return "<p>Nothing to fix.</p>", 0
    head = ("<table id=\"fix-first\"><thead><tr><th>Claim</th><th>Line</th><th>Code</th>"
            "<th>Action</th><th>Why</th><th>Details</th><th>Suggested line</th></tr></thead>"
            "<tbody>")
    return head + "".join(rows) + "</tbody></table>", len(picked)


def _title(reasons: list[dict[str, Any]], rid: str) -> str:
    return next((e["title"] for e in reasons if e["id"] == rid), rid)


def _sources(cb: Codebook, ids: list[str]) -> str:
    items = []
    for sid in ids:
        src = cb.source(sid) or {}
        title = escape(str(src.get("title") or sid))
        who = escape(str(src.get("publisher") or ""))
        url = src.get("url")
        text = f'<a href="{escape(url)}">{title}</a>' if url else title
        items.append(f"<li>{text}{' — ' + who if who else ''}</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def write_html(out: IO[str], cb: Codebook, data: dict[str, Any], lines: Sequence[ClaimLine],
               results: Sequence[ClaimResult], site_url: str) -> None:
    site = site_url if site_url.endswith("/") else site_url + "/"
    v = data["verdicts"]
    reasons = data["reasons"]
    table, listed = _fix_first(lines, results, reasons, site)
    more = (f"<p>The first {MAX_ROWS} of {listed} lines are listed; the CSV or JSONL output "
            "has every line.</p>" if listed > MAX_ROWS else "")
    sections = []
    for e in reasons:
        sections.append(
            f'<div class="reason" id="r-{escape(e["id"])}" style="border-color:'
            f'{_COLOR[e["severity"]]}"><h3>{escape(e["title"])}</h3>'
            f'<p><span class="sev {e["severity"]}">{_WORD[e["severity"]]}</span> · '
            f'{e["lines"]} lines in {e["claims"]} claims · '
            f'<a class="rule" href="{escape(site)}{RULE_PAGE}#{escape(e["id"])}">What this '
            f'means and how to fix it</a></p>'
            f"<details><summary>Sources</summary>{_sources(cb, e['sources'])}</details></div>")
    out.write(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Claim check: {escape(str(data['input']))}</title><style>{_CSS}</style>"
        "</head><body>"
        f"<h1>Claim check report</h1><p class=\"meta\">{escape(str(data['input']))} · "
        f"codebook {escape(str(data['codebook']))}</p>"
        "<div class=\"cards\">"
        f"<div class=\"card\"><b id=\"n-lines\">{data['lines']}</b>claim lines in "
        f"{data['claims']} claims</div>"
        f"<div class=\"card error\"><b id=\"n-error\">{v['error']}</b>to fix</div>"
        f"<div class=\"card warning\"><b id=\"n-warning\">{v['warning']}</b>to check</div>"
        f"<div class=\"card\"><b id=\"n-ok\">{v['ok']}</b>ok</div></div>"
        f"<h2>Lines by reason</h2>{_chart(reasons)}"
        f"<h2>Lines to fix first</h2>{more}{table}"
        f"<h2>Reasons</h2>{''.join(sections)}"
        "</body></html>\n")
