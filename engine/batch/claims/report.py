"""Claim-mode output: one row per claim line in input order, and the summary by reason.

Row keys (CSV columns, JSONL keys): claim_id, line, code, verdict, reasons, message, suggested,
provisional; with `payments` (telecode claims --payments) also medicare_national_amount,
medicare_nonfacility_amount and medicare_facility_amount of the line as billed. In CSV `reasons` is
the reason ids joined with ';'; in JSONL a list; `provisional` (true when the date of service is in
a provisional, not yet reviewed, period) is true/false in CSV and a boolean in JSONL. The summary
counts the provisional lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import IO, Any

from engine.batch.cells import FORMULA_CELL, csv_field
from engine.core.claim import VERDICTS, ClaimLine, ClaimResult
from engine.core.codebook import Codebook

__all__ = ["ROW_KEYS", "RULE_PAGE", "row", "summary", "summary_text", "write_csv",
           "write_jsonl"]

ROW_KEYS = ("claim_id", "line", "code", "verdict", "reasons", "message", "suggested",
            "provisional")
# the site page that explains each reason (one anchor per reason id)
RULE_PAGE = "claims/"


def row(line: ClaimLine, result: ClaimResult) -> dict[str, Any]:
    return {"claim_id": line.claim_id, "line": line.line, "code": line.code,
            "verdict": result.verdict, "reasons": result.reason_ids,
            "message": result.message, "suggested": result.suggested or "",
            "provisional": result.provisional}


def _cell(text: str) -> str:
    """One CSV cell as csv.writer writes it (quoted when it holds , \" or a line end), made
    spreadsheet-safe (a leading = + - @ tab or CR gets an apostrophe; engine/core/spreadsheet)."""
    return csv_field(text)




# `payments` (telecode claims --payments): a line's PAYMENT_COLUMNS cells
# (engine/batch/results.py), written after the row keys
Payments = Callable[[ClaimLine], Sequence[str]]


def write_csv(out: IO[str], lines: Sequence[ClaimLine], results: Sequence[ClaimResult],
              payments: Payments | None = None) -> None:
    if payments is not None:
        from engine.batch.results import PAYMENT_COLUMNS

        out.write(",".join(ROW_KEYS + PAYMENT_COLUMNS) + "\n")
    else:
        out.write(",".join(ROW_KEYS) + "\n")
    memo: dict[int, str] = {}
    cell = _cell
    chunk: list[str] = []
    for ln, r in zip(lines, results, strict=True):
        tail = memo.get(id(r))
        if tail is None:
            tail = memo[id(r)] = ",".join(cell(t) for t in (
                r.verdict, ";".join(r.reason_ids), r.message, r.suggested or "",
                "true" if r.provisional else "false")) + "\n"
        head = f"{ln.claim_id},{ln.line},{ln.code},"
        if (head.count(",") != 3 or '"' in head or "\n" in head or "\r" in head
                or FORMULA_CELL.search(head) is not None):
            head = f"{cell(ln.claim_id)},{cell(ln.line)},{cell(ln.code)},"
        if payments is not None:  # digits, '.' and ';' only: no quoting
            tail = tail[:-1] + "," + ",".join(payments(ln)) + "\n"
        chunk.append(head + tail)
        if len(chunk) >= 4096:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))


def write_jsonl(out: IO[str], lines: Sequence[ClaimLine],
                results: Sequence[ClaimResult], payments: Payments | None = None) -> None:
    dumps = json.dumps
    memo: dict[int, str] = {}
    for ln, r in zip(lines, results, strict=True):
        tail = memo.get(id(r))
        if tail is None:
            tail = memo[id(r)] = dumps(
                {"verdict": r.verdict, "reasons": r.reason_ids, "message": r.message,
                 "suggested": r.suggested or "", "provisional": r.provisional},
                ensure_ascii=False)[1:]
        head = dumps({"claim_id": ln.claim_id, "line": ln.line, "code": ln.code},
                     ensure_ascii=False)[:-1]
        if payments is not None:
            from engine.batch.results import PAYMENT_COLUMNS

            paid = dumps(dict(zip(PAYMENT_COLUMNS, payments(ln), strict=True)))[1:]
            tail = tail[:-1] + ", " + paid
        out.write(f"{head}, {tail}\n")


def summary(cb: Codebook, name: str, fmt: str, lines: Sequence[ClaimLine],
            results: Sequence[ClaimResult], site_url: str = "") -> dict[str, Any]:
    """Counts by verdict and by reason (worst first, then most lines), with each reason's
    title, severity, sources and the site anchor that explains it."""
    verdicts = dict.fromkeys(VERDICTS, 0)
    by_reason: dict[str, dict[str, Any]] = {}
    claims: set[str] = set()
    provisional = 0
    for ln, r in zip(lines, results, strict=True):
        verdicts[r.verdict] += 1
        claims.add(ln.claim_id)
        provisional += r.provisional
        for reason in r.reasons:
            entry = by_reason.get(reason.id)
            if entry is None:
                msg = cb.message(reason.id) or {}
                entry = by_reason[reason.id] = {
                    "id": reason.id, "title": msg.get("title") or reason.id,
                    "severity": reason.severity, "lines": 0, "claims": set(),
                    "sources": [], "url": f"{site_url}{RULE_PAGE}#{reason.id}"}
            entry["lines"] += 1
            entry["claims"].add(ln.claim_id)
            if reason.severity == "error":
                entry["severity"] = "error"
            elif reason.severity == "warning" and entry["severity"] == "info":
                entry["severity"] = "warning"
            for s in reason.sources:
                if s not in entry["sources"]:
                    entry["sources"].append(s)
    rank = {"error": 0, "warning": 1, "info": 2}
    reasons = sorted(by_reason.values(), key=lambda e: (rank[e["severity"]], -e["lines"],
                                                        e["id"]))
    for e in reasons:
        e["claims"] = len(e["claims"])
    return {"input": name, "format": fmt, "codebook": cb.version, "lines": len(lines),
            "claims": len(claims), "verdicts": verdicts, "provisional": provisional,
            "reasons": reasons}


def summary_text(data: dict[str, Any]) -> str:
    v = data["verdicts"]
    out = [f"{data['lines']} claim lines in {data['claims']} claims: {v['ok']} ok, "
           f"{v['warning']} warning, {v['error']} error"]
    if data.get("provisional"):
        out[0] += f"; {data['provisional']} provisional (dates not yet reviewed)"
    for e in data["reasons"]:
        out.append(f"  {e['lines']:>7}  {e['severity']:<7}  {e['id']}: {e['title']}")
    return "\n".join(out)
