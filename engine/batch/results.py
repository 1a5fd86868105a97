"""What a batch row gets: its Outcome (shared by every row with the same cells), the RowResult
the library yields, and the BatchSummary counted over a run.

Standard library only (the engine core).
"""

from __future__ import annotations

from collections import namedtuple
from functools import partial

from engine.batch.cells import FORMULA_CELL, NEEDS_QUOTES, csv_field

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["BatchSummary", "OUTPUT_COLUMNS", "Outcome", "PAYMENT_COLUMNS", "PaymentCells",
           "RowResult", "SHORT_COLUMNS", "VERDICTS", "invalid_outcome"]

VERDICTS = ("ok", "mismatch", "not_billable", "invalid")
DAY = "\x00date\x00"  # a stand-in date of service in texts made once per date stretch


class Outcome:
    """The memoised answer for one distinct row (shared by every row with the same cells)."""

    __slots__ = (
        "billable", "lines", "expected", "warnings", "billed", "verdict", "reason", "reason_id",
        "errors", "cells", "short_cells", "sensitive", "skey", "day_template", "checked",
        "csv_full", "csv_short", "provisional",
    )

    def __init__(self, billable: bool | None, lines: tuple[dict[str, Any], ...], expected: str,
                 warnings: tuple[str, ...], billed: str, verdict: str, reason: str,
                 reason_id: str, errors: tuple[dict[str, str], ...], checked: bool,
                 provisional: bool = False) -> None:
        self.billable = billable
        self.provisional = provisional  # the date is in a provisional period
        self.lines = lines
        self.expected = expected
        self.warnings = warnings
        self.billed = billed
        self.verdict = verdict          # "" when the row has no billed columns
        self.reason = reason
        self.reason_id = reason_id
        self.errors = errors
        bill = "" if billable is None else ("true" if billable else "false")
        err = " | ".join(f"{e['field']}: {e['message']}" for e in errors) if errors else ""
        # CSV cells after the id, in OUTPUT_COLUMNS order
        warned = ";".join(warnings)
        prov = "" if billable is None else ("true" if provisional else "false")
        self.cells = (bill, expected, warned, billed, verdict, reason, err, prov)
        self.short_cells = (bill, expected, warned, err, prov)  # input without billed columns
        self.sensitive = False
        self.day_template: str | None = None  # the reason with DAY for the date of service
        self.checked = checked
        # the cells as CSV text after the id (",a,b,..."), made on first use by csv_tail
        self.csv_full: str | None = None
        self.csv_short: str | None = None
        # what the summary counts (bounded: no free text in it)
        self.skey = (
            verdict if checked else ("invalid" if errors else ""),
            reason_id,
            warnings,
            billable,
            tuple(sorted({e["field"] for e in errors})) if errors else (),
            provisional and billable is not None,
        )

    def csv_tail(self, billed: bool) -> str:
        """`cells` (or `short_cells` when not `billed`) as CSV text, each after a comma."""
        cells = self.cells if billed else self.short_cells
        joined = "\0".join(cells)
        if NEEDS_QUOTES.search(joined) is None and FORMULA_CELL.search(
                joined.replace("\0", ",")) is None:  # no cell needs quotes or an apostrophe
            text = "," + ",".join(cells)
        else:
            text = "," + ",".join(map(csv_field, cells))
        if billed:
            self.csv_full = text
        else:
            self.csv_short = text
        return text

    def on_day(self, day: str) -> Outcome:
        """This outcome for another day of its date stretch (`day_template` is set)."""
        assert self.day_template is not None
        o = Outcome(self.billable, self.lines, self.expected, self.warnings, self.billed,
                    self.verdict, self.day_template.replace(DAY, day), self.reason_id,
                    self.errors, self.checked, self.provisional)
        o.sensitive = True
        return o

    def as_dict(self) -> dict[str, Any]:
        return {
            "billable": self.billable,
            "expected": self.expected,
            "warnings": list(self.warnings),
            "billed": self.billed,
            "verdict": self.verdict,
            "reason": self.reason,
            "errors": [dict(e) for e in self.errors],
            "provisional": None if self.billable is None else self.provisional,
        }


# CSV output columns: the id, then Outcome.cells (or short_cells), then the input's extras
# ("provisional": true when the date of service is in a provisional period of the codebook)
OUTPUT_COLUMNS = ("id", "billable", "expected", "warnings", "billed", "verdict", "reason", "errors",
                  "provisional")
SHORT_COLUMNS = ("id", "billable", "expected", "warnings", "errors", "provisional")


class RowResult(namedtuple("RowResult", "number id outcome row")):
    """One input row's answer: its number (1-based), id, shared Outcome and input row."""

    __slots__ = ()

    @property
    def billable(self) -> bool | None:
        return self.outcome.billable

    @property
    def expected(self) -> str:
        return self.outcome.expected

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.outcome.warnings

    @property
    def verdict(self) -> str:
        return self.outcome.verdict

    @property
    def reason(self) -> str:
        return self.outcome.reason

    @property
    def errors(self) -> tuple[dict[str, str], ...]:
        return self.outcome.errors

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.outcome.as_dict()}


_new_result = partial(tuple.__new__, RowResult)  # RowResult from a plain tuple, at C speed


class BatchSummary:
    """Counts over a batch, in memory bounded by the number of distinct summary keys.

    Rows are first counted per Outcome object (an identity-hashed dict: the cheapest count
    per row); every `fold_every` distinct outcomes, and before any report, those counts are
    folded into counts per summary key, so evicted memo entries are never kept alive for long.
    """

    def __init__(self, max_examples: int = 20, fold_every: int = 4096) -> None:
        self.counts: dict[tuple[Any, ...], int] = {}
        self.pending: dict[Outcome, int] = {}
        self.examples: list[dict[str, Any]] = []
        self.max_examples = max_examples
        self.fold_every = fold_every

    def fold(self) -> None:
        counts = self.counts
        for o, n in self.pending.items():
            counts[o.skey] = counts.get(o.skey, 0) + n
        self.pending.clear()

    @property
    def rows(self) -> int:
        self.fold()
        return sum(self.counts.values())

    def count(self, o: Outcome) -> None:
        """Count one row with outcome `o` (the hot path; see also `add`)."""
        pending = self.pending
        n = pending.get(o)
        if n is None:
            pending[o] = 1
            if len(pending) >= self.fold_every:
                self.fold()
        else:
            pending[o] = n + 1

    def add(self, result: RowResult) -> None:
        """Count a row and keep its errors as an example when it is invalid."""
        self.count(result.outcome)
        if result.outcome.errors:
            self.example(result.number, result.id, result.outcome)

    def example(self, number: int, rid: Any, o: Outcome) -> None:
        """Keep an invalid row's errors (the first `max_examples` only)."""
        if len(self.examples) < self.max_examples:
            self.examples.append({"row": number, "id": rid,
                                  "errors": [dict(e) for e in o.errors]})

    def as_json(self) -> dict[str, Any]:
        self.fold()
        verdicts = dict.fromkeys(VERDICTS, 0)
        reasons: dict[str, int] = {}
        warnings: dict[str, int] = {}
        fields: dict[str, int] = {}
        invalid = billable = checked = provisional = 0
        for (verdict, reason_id, warning_ids, is_billable, error_fields, is_provisional), n in (
                self.counts.items()):
            if is_provisional:
                provisional += n
            if verdict:
                verdicts[verdict] = verdicts.get(verdict, 0) + n
            if verdict in ("ok", "mismatch", "not_billable"):
                checked += n
            if verdict in ("mismatch", "not_billable") and reason_id:
                reasons[reason_id] = reasons.get(reason_id, 0) + n
            if error_fields:
                invalid += n
                for f in error_fields:
                    fields[f] = fields.get(f, 0) + n
            if is_billable:
                billable += n
            for w in warning_ids:
                warnings[w] = warnings.get(w, 0) + n
        return {
            "rows": sum(self.counts.values()),
            "billable": billable,
            "checked": checked,
            "ok": verdicts["ok"],
            "mismatch": verdicts["mismatch"],
            "not_billable": verdicts["not_billable"],
            "invalid": invalid,
            "provisional": provisional,
            "mismatches_by_reason": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            "warnings_by_id": dict(sorted(warnings.items(), key=lambda kv: (-kv[1], kv[0]))),
            "invalid_by_field": dict(sorted(fields.items(), key=lambda kv: (-kv[1], kv[0]))),
            "invalid_examples": list(self.examples),
        }

    def failed(self) -> bool:
        """True when a row is invalid, mismatched or billed but not billable (--strict)."""
        self.fold()
        return any(k[0] in ("mismatch", "not_billable", "invalid") or k[4] for k in self.counts)

    def text(self) -> str:
        s = self.as_json()
        out = [f"{s['rows']} rows: {s['billable']} billable, {s['invalid']} invalid"]
        if s["provisional"]:
            out[0] += f", {s['provisional']} provisional (dates not yet reviewed)"
        if s["checked"] or s["mismatch"] or s["not_billable"]:
            out[0] += (f"; billed lines: {s['ok']} ok, {s['mismatch']} mismatch, "
                       f"{s['not_billable']} not billable")
        if s["mismatches_by_reason"]:
            out.append("mismatches by reason:")
            out += [f"  {k}: {v}" for k, v in s["mismatches_by_reason"].items()]
        if s["warnings_by_id"]:
            out.append("warnings by id:")
            out += [f"  {k}: {v}" for k, v in s["warnings_by_id"].items()]
        if s["invalid_by_field"]:
            out.append("invalid rows by field:")
            out += [f"  {k}: {v}" for k, v in s["invalid_by_field"].items()]
        return "\n".join(out)


def invalid_outcome(errors: list[dict[str, str]], has_billed: bool) -> Outcome:
    return Outcome(None, (), "", (), "", "invalid" if has_billed else "", "", "invalid",
                   tuple(errors), has_billed)


# Optional columns (`telecode batch --payments`, `telecode claims --payments`): each line's
# Medicare national amount (engine/core/payments.py), in the order of `expected`, joined with
# ';' (an empty item for a line without one); all empty unless the payer is Medicare.
PAYMENT_COLUMNS = ("medicare_national_amount", "medicare_nonfacility_amount",
                   "medicare_facility_amount")
_NO_PAYMENTS = ("", "", "")


def _cents(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


class PaymentCells:
    """PAYMENT_COLUMNS cells for a row's lines: `medicare_national_amount` is the amount the
    line's place of service gets (non-facility for POS 10, facility for POS 02, for its units;
    empty for a line without a telehealth POS), the other two the per-unit amounts of both
    rates. Memoised by (lines, day): many rows share them."""

    def __init__(self, cb: Any, max_memo: int = 65536) -> None:
        self.cb = cb
        self.memo: dict[tuple[Any, ...], tuple[str, str, str]] = {}
        self.max_memo = max_memo

    def cells(self, lines: Any, day: Any, payer: Any) -> tuple[str, str, str]:
        if payer != "medicare" or not lines or not isinstance(day, str):
            return _NO_PAYMENTS
        key = (tuple((ln.get("code"), ln.get("pos"), ln.get("units")) for ln in lines), day)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        from engine.core.payments import line_amounts

        amounts = line_amounts(self.cb, lines, day)
        if not any(amounts):
            out = _NO_PAYMENTS
        else:
            out = tuple(";".join(_cents(a.get(k) if a else None) for a in amounts)
                        for k in ("amount", "nonfacility", "facility"))  # type: ignore[assignment]
        if len(self.memo) >= self.max_memo:
            self.memo.clear()
        self.memo[key] = out
        return out
