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
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import compress
from operator import ne, not_
from typing import IO, Any

from engine.batch.cells import FORMULA_CELL, csv_field
from engine.core.claim import VERDICTS, ClaimLine, ClaimResult
from engine.core.codebook import Codebook

__all__ = ["ROW_KEYS", "RULE_PAGE", "RenderedRows", "claims_by_reason", "csv_tail", "jsonl_head",
           "jsonl_tail", "result_cells", "row", "summary", "summary_text", "write_csv",
           "write_jsonl"]

ROW_KEYS = ("claim_id", "line", "code", "verdict", "reasons", "message", "suggested",
            "provisional")
# the site page that explains each reason (one anchor per reason id)
RULE_PAGE = "claims/"


def row(line: ClaimLine, result: ClaimResult) -> dict[str, Any]:
    return {"claim_id": line.claim_id, "line": line.line, "code": line.code,
            **result_cells(result)}


def result_cells(result: ClaimResult) -> dict[str, Any]:
    """The row's keys after claim_id, line and code: what the verdict decides (the same for
    every line with this result; CSV and JSONL render it once per result)."""
    return {"verdict": result.verdict, "reasons": result.reason_ids,
            "message": result.message, "suggested": result.suggested or "",
            "provisional": result.provisional}


def _cell(text: str) -> str:
    """One CSV cell as csv.writer writes it (quoted when it holds , \" or a line end), made
    spreadsheet-safe (a leading = + - @ tab or CR gets an apostrophe; engine/core/spreadsheet)."""
    return csv_field(text)


def _csv_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return value


def csv_tail(result: ClaimResult) -> str:
    """The CSV cells of `result_cells` (after the code's cell), with the line end."""
    return ",".join(_cell(_csv_text(v)) for v in result_cells(result).values()) + "\n"


def jsonl_tail(result: ClaimResult) -> str:
    """The JSONL keys of `result_cells` (after the code's), with the closing brace and the
    line end."""
    return json.dumps(result_cells(result), ensure_ascii=False)[1:] + "\n"


def jsonl_head(claim_id: str, line: str, code: str) -> str:
    """The JSONL row up to its result's keys: json.dumps of claim_id, line and code without the
    closing brace, and the separator."""
    return (f'{{"claim_id": {_json_str(claim_id)}, "line": {_json_str(line)}, '
            f'"code": {_json_str(code)}, ')


_json_str = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it


class RenderedRows(Sequence[str]):
    """Rows already rendered (CSV without the header, or JSONL), one per claim line in input
    order: what engine.batch.claims.fast_csv makes; `write_csv`/`write_jsonl` write them as
    they are."""

    __slots__ = ("rows", "format")

    def __init__(self, rows: list[str], fmt: str = "csv") -> None:
        self.rows = rows
        self.format = fmt

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - an index or a slice
        if isinstance(i, slice):
            return RenderedRows(self.rows[i], self.format)
        return self.rows[i]

    def write(self, out: IO[str], fmt: str, results: Sequence[ClaimResult]) -> None:
        if self.format != fmt or len(self.rows) != len(results):
            raise ValueError(f"{len(self.rows)} rendered {self.format} rows, not "
                             f"{len(results)} {fmt} rows")
        rows = self.rows
        for i in range(0, len(rows), 4096):
            out.write("".join(rows[i:i + 4096]))


# `payments` (telecode claims --payments): a line's PAYMENT_COLUMNS cells
# (engine/batch/results.py), written after the row keys; rendered rows (the fast path) have none
Payments = Callable[[ClaimLine], Sequence[str]]


def write_csv(out: IO[str], lines: Sequence[ClaimLine] | RenderedRows,
              results: Sequence[ClaimResult], payments: Payments | None = None) -> None:
    if payments is not None:
        from engine.batch.results import PAYMENT_COLUMNS

        out.write(",".join(ROW_KEYS + PAYMENT_COLUMNS) + "\n")
    else:
        out.write(",".join(ROW_KEYS) + "\n")
    if isinstance(lines, RenderedRows):
        if payments is not None:
            raise ValueError("rendered rows carry no payment cells")
        lines.write(out, "csv", results)
        return
    memo: dict[int, str] = {}
    cell = _cell
    chunk: list[str] = []
    for ln, r in zip(lines, results, strict=True):
        tail = memo.get(id(r))
        if tail is None:
            tail = memo[id(r)] = csv_tail(r)
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


def write_jsonl(out: IO[str], lines: Sequence[ClaimLine] | RenderedRows,
                results: Sequence[ClaimResult], payments: Payments | None = None) -> None:
    if isinstance(lines, RenderedRows):
        if payments is not None:
            raise ValueError("rendered rows carry no payment cells")
        lines.write(out, "jsonl", results)
        return
    memo: dict[int, str] = {}
    for ln, r in zip(lines, results, strict=True):
        tail = memo.get(id(r))
        if tail is None:
            tail = memo[id(r)] = jsonl_tail(r)
        if payments is not None:
            from engine.batch.results import PAYMENT_COLUMNS

            paid = json.dumps(dict(zip(PAYMENT_COLUMNS, payments(ln), strict=True)))[1:]
            out.write(jsonl_head(ln.claim_id, ln.line, ln.code) + tail[:-2] + ", " + paid + "\n")
        else:
            out.write(jsonl_head(ln.claim_id, ln.line, ln.code) + tail)


def claims_by_reason(claim_ids: Sequence[str], results: Sequence[ClaimResult]
                     ) -> tuple[int, dict[str, int]]:
    """(the number of claims, reason id -> the number of claims with a line that has it).

    Where each claim's lines are together (the usual file), a claim is a run of lines with
    one claim id: its first line counts for its reasons, and a further line only for reasons
    the run has not had yet. Else every claim id is kept in a set per reason."""
    n = len(results)
    if n == 0:
        return 0, {}
    starts = [True, *map(ne, claim_ids[1:], claim_ids[:-1])]  # a new claim id on this line
    firsts = list(compress(claim_ids, starts))
    claims = len(set(firsts))
    counts: dict[str, int] = {}
    if claims == len(firsts):  # no claim id comes back after another one
        for r, k in Counter(compress(results, starts)).items():
            for rid in {x.id: None for x in r.reasons}:
                counts[rid] = counts.get(rid, 0) + k
        seen: set[str] = set()
        last = -2
        for i in compress(range(n), map(not_, starts)):  # the further lines of a claim
            if i != last + 1:  # a new run: what its first line has
                seen = {x.id for x in results[i - 1].reasons}
            last = i
            for x in results[i].reasons:
                if x.id not in seen:
                    seen.add(x.id)
                    counts[x.id] = counts.get(x.id, 0) + 1
        return claims, counts
    by_reason: dict[str, set[str]] = {}
    for cid, r in zip(claim_ids, results, strict=True):
        for x in r.reasons:
            by_reason.setdefault(x.id, set()).add(cid)
    return len(set(claim_ids)), {rid: len(c) for rid, c in by_reason.items()}


def summary(cb: Codebook, name: str, fmt: str, lines: Sequence[ClaimLine] | Sequence[str],
            results: Sequence[ClaimResult], site_url: str = "") -> dict[str, Any]:
    """Counts by verdict and by reason (worst first, then most lines), with each reason's
    title, severity, sources and the site anchor that explains it. `lines`: the claim lines,
    or their claim ids."""
    claim_ids = lines if not lines or isinstance(lines[0], str) else [
        ln.claim_id for ln in lines]  # type: ignore[union-attr]
    if len(claim_ids) != len(results):
        raise ValueError("one result per line")
    claims, claims_of = claims_by_reason(claim_ids, results)  # type: ignore[arg-type]
    # the lines of each distinct result, in the order results first appear
    groups = Counter(results)
    verdicts = dict.fromkeys(VERDICTS, 0)
    by_reason: dict[str, dict[str, Any]] = {}
    provisional = 0
    for r, n in groups.items():
        verdicts[r.verdict] += n
        if r.provisional:
            provisional += n
        for reason in r.reasons:
            entry = by_reason.get(reason.id)
            if entry is None:
                msg = cb.message(reason.id) or {}
                entry = by_reason[reason.id] = {
                    "id": reason.id, "title": msg.get("title") or reason.id,
                    "severity": reason.severity, "lines": 0, "claims": claims_of[reason.id],
                    "sources": [], "url": f"{site_url}{RULE_PAGE}#{reason.id}"}
            entry["lines"] += n
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
    return {"input": name, "format": fmt, "codebook": cb.version, "lines": len(results),
            "claims": claims, "verdicts": verdicts, "provisional": provisional,
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
