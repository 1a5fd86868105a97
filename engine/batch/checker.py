"""Batch claim check: run the engine over many encounter rows, fast and in constant memory.

    import engine.batch
    for r in engine.batch.check_rows(rows):        # rows: an iterable of mappings
        print(r.id, r.verdict, r.expected, r.reason)

A row is a mapping with the encounter contract's keys (engine/core/contract.py), plus optional `id`,
`billed_code`, `billed_modifiers` ("95" or "95;GT") and `billed_pos`; any other key is an
extra, kept with the row. Values may be typed (JSONL) or text (CSV): text is read the way a
spreadsheet writes it — whole numbers as digits, booleans as true/false, yes/no or 1/0 in any
case, `evisit_minutes_by_day` as JSON, and an empty cell means "key absent".

`billed_code` is one code (its modifiers and POS then come from `billed_modifiers` and
`billed_pos`, and are compared only when those columns exist), or whole billed lines in the
engine's compact form (`99214-95@10`, `99457;99458x2`), compared in full.

Verdicts (only for rows that have billed columns):
- `ok`: every billed line is one of the engine's lines (nothing billed and nothing billable
  is ok too);
- `mismatch`: a billed line differs from what the engine gives; `reason` says how;
- `not_billable`: something was billed but nothing is billable for the encounter;
- `invalid`: the encounter or the billed columns are invalid; `errors` lists every problem.

Speed. The engine's answer depends only on the encounter, and on the date of service only
through the dates the codebook records (every `from`/`to`). So each date is mapped to the first
day of its stretch of days between two such dates (precomputed once per codebook), and:
- memo level 1 (a dict, the cheapest lookup per row): the row's raw cells with that date ->
  the row's Outcome (verdict, reason, cells to write);
- the encounter cells of a stretch -> the decoded encounter and the engine's answer; stretches
  whose engine plans have the same signature for the payer, modality and clinician
  (engine.core.plan.Compiled.plan_signature) share it, so the engine is asked about the first;
- memo level 2 (a bounded LRU keyed by the tuple of normalised contract fields, so "yes" and
  "true" meet): the encounter -> the engine's answer;
- encounters whose answers read the same share the outcome of each billed part.
A text that quotes the date of service (a reason, an engine message) is written for the row's
own date: re-dated from a stand-in when the template shows that is exact, else the engine is
asked about that day. So the memo never changes an answer (tests compare with a day-by-day
check). Memory is bounded by the memo sizes and by the summary, which counts bounded keys
(verdict, reason id, warning ids, error fields). Cell reading is in engine/batch/cells.py,
the result types in engine/batch/results.py, the CSV -> CSV loop in engine/batch/fast_csv.py.

Standard library only (the engine core; the CLI adds a progress bar on top).
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import islice

from engine.batch.cells import (
    BrokenRow,
    csv_field,
    date_representatives,
    decode_cell,
    parse_billed_cells,
    row_getter,
    text_value,
)
from engine.batch.results import DAY as _DAY
from engine.batch.results import (
    OUTPUT_COLUMNS,
    SHORT_COLUMNS,
    VERDICTS,
    BatchSummary,
    Outcome,
    RowResult,
    _new_result,
    invalid_outcome,
)
from engine.core.codebook import NOT_VALID_ON_DATE, PAYABLE_STATUSES, Codebook
from engine.core.contract import FIELDS
from engine.core.errors import EncounterError
from engine.core.lines import format_lines
from engine.core.methods import addon_spec
from engine.core.templates import render

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = [
    "BILLED_COLUMNS",
    "BatchChecker",
    "BrokenRow",
    "OUTPUT_COLUMNS",
    "SHORT_COLUMNS",
    "BatchSummary",
    "MESSAGES",
    "Outcome",
    "REQUIRED_COLUMNS",
    "RowResult",
    "VERDICTS",
    "check_rows",
    "csv_field",
    "date_representatives",
    "row_getter",
]

ID_COLUMN = "id"
BILLED_COLUMNS = ("billed_code", "billed_modifiers", "billed_pos")
CONTRACT_COLUMNS = tuple(FIELDS)
REQUIRED_COLUMNS = tuple(name for name, f in FIELDS.items() if f.required)
DEFAULT_CACHE_SIZE = 1 << 15
MAX_UNREADABLE_IN_A_ROW = 100  # check_table(skip=...): give up after this many in a row

# Reason messages. Their wording lives in codebook/messages.yaml (records of the same ids;
# tests/batch/test_batch_messages_in_codebook.py keeps the two in step). The texts below are
# used only when check_rows runs without a codebook (an injected check function). Placeholders:
# {code} {billed} {billed_modifiers} {billed_pos} {units} {expected} {payer} {payer_name}
# {date_of_service} {why} {status}
MESSAGES: dict[str, str] = {
    "batch-nothing-billed": "nothing billed; expected {expected}",
    "batch-not-billable": "nothing is billable: {why}",
    "batch-unknown-code": "{code} is not a code in the codebook; expected {expected}",
    "batch-code-not-valid-on-date": "{code} is not valid on {date_of_service}; expected {expected}",
    "batch-not-payable": "{payer_name} does not pay {code}; expected {expected}",
    "batch-wrong-code": "billed {code}; expected {expected}",
    "batch-wrong-modifiers": "modifiers {billed_modifiers} on {code}; expected {expected}",
    "batch-wrong-pos": "POS {billed_pos} on {code}; expected {expected}",
    "batch-wrong-units": "{units} units of {code}; expected {expected}",
    "batch-add-on-without-primary": "{code} is an add-on billed without {primaries}; "
                                    "expected {expected}",
    "batch-add-on-not-billable": "{code} is not billable with this encounter: {why}; "
                                 "expected {expected}",
    "batch-add-on-below-threshold": "{code} needs {threshold_minutes} minutes with "
                                    "{primary_code}; expected {expected}",
}
_MODALITIES = frozenset(FIELDS["modality"].choices or ())
_CLINICIANS = frozenset(FIELDS["clinician"].choices or ())
_DEFAULT_CLINICIAN = FIELDS["clinician"].default


def _either(codes: Sequence[str]) -> str:
    """`99205 or 99215`; `90791, 90792 or 90853`."""
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]


# ---- outcomes -----------------------------------------------------------------------------
class Answer(namedtuple("Answer",
                        "errors billable lines expected warnings why why_id provisional")):
    """engine.check's result for one normalised encounter, as much as a batch row needs:
    errors (tuple of {field, message}), billable (bool, None when invalid), lines (the
    engine's line dicts), expected (the lines as text), warnings (their ids), why (when
    nothing is billable: a rule's or message's title, else the engine's text), why_id
    (the id of the warning `why` comes from) and provisional (the date is in a provisional
    period of the codebook)."""

    __slots__ = ()


class HeaderLayout(namedtuple("HeaderLayout", "width lid get di ii has_billed")):
    """BatchChecker.header_layout's answer."""

    __slots__ = ()


class _Encounter(namedtuple("_Encounter", "items values errors answer shared")):
    """A row's encounter cells, decoded: items ((contract key, value) in the layout's order),
    values (the same as a dict, never changed), errors (cells that could not be decoded), the
    engine's answer and shared (the stretch start the engine was asked about, _shared_day)."""

    __slots__ = ()


# (has billed columns with a value, billed lines, compare modifiers, POS, units, errors,
#  the billed lines as text)
_Billed = tuple  # (bool, list of line dicts, bool, bool, bool, tuple of errors, str)
_NO_BILLED: _Billed = (False, [], False, False, False, (), "")
_BILLED_MEMO_SIZE = 4096
# reasons that depend on the status of a billed code on the date (not on the engine's plan)
_DATED_REASONS = frozenset({"code-not-valid-on-date", "not-payable", "wrong-code"})


# ---- the checker ----------------------------------------------------------------------------
class BatchChecker:
    """Checks rows against one codebook with a memo; reuse it across files of one run.

    `check` replaces `engine.check` (a function `(encounter_dict) -> result dict` that raises
    EncounterError); with it, `codebook` may be None (no date stretches, no code lookups).

    Two bounded memos: `memo` (row cells with the date stretch -> Outcome, at most
    `cache_size` entries) and the LRU `answer` (normalised encounter -> the engine's answer,
    at most `answer_cache_size`, default `cache_size`).
    """

    def __init__(self, codebook: Codebook | None = None, *,
                 check: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                 cache_size: int = DEFAULT_CACHE_SIZE,
                 answer_cache_size: int | None = None) -> None:
        # the real engine: days whose plans have the same signature share its answers
        self._share_days = check is None
        if check is None:
            from engine.core.pipeline import check as engine_check
            from engine.core.pipeline import default_codebook

            cb = codebook if codebook is not None else default_codebook()

            def check(encounter: dict[str, Any]) -> dict[str, Any]:
                return engine_check(encounter, cb)

            codebook = cb
        self.codebook = codebook
        self._check = check
        self.reps: dict[str, str] = _representatives(codebook) if codebook is not None else {}
        self._layouts: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        self._layout_ids: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
        # memo level 1 (row cells -> Outcome): a plain dict, the cheapest lookup per row; when
        # full, the older half is dropped (insertion order), so it stays bounded
        self.memo: dict[tuple[int, str, tuple[Any, ...]], Outcome] = {}
        self.memo_size = cache_size
        self.memo_misses = 0  # outcomes computed (not those shared from another stretch)
        self._encounters: dict[tuple[int, str, tuple[Any, ...]], _Encounter] = {}
        self._bills: dict[tuple[tuple[str, ...], tuple[Any, ...]], _Billed] = {}
        # what an outcome depends on (the answer as text, the billed part, payer, dates) ->
        # the Outcome; see _compute
        self._contents: dict[tuple[Any, ...], Outcome] = {}
        # (payer, modality, clinician) -> {stretch start: the first stretch start with the
        # same plan signature}; see _shared_day
        self._shared: dict[tuple[str, str, str], dict[str, str]] = {}
        self._starts = frozenset(self.reps.values())
        self._payer_names: dict[str, str] = {}
        # memo level 2 (normalised encounter -> engine answer): a bounded LRU
        self.answer = lru_cache(
            maxsize=cache_size if answer_cache_size is None else answer_cache_size
        )(self._answer)
        self._full_layout = self.layout(CONTRACT_COLUMNS, BILLED_COLUMNS)

    def outcome(self, key: tuple[int, str, tuple[Any, ...]]) -> Outcome:
        """The Outcome for a row key, from the memo or computed (and memoised)."""
        memo = self.memo
        o = memo.get(key)
        if o is not None:
            return o
        o = self._compute(key)
        if self.memo_size > 0:
            if len(memo) >= self.memo_size:
                keep = list(islice(memo.items(), len(memo) // 2, None))
                memo.clear()  # in place: hot loops hold memo.get
                memo.update(keep)
            memo[key] = o
        return o

    # layouts: which contract and billed columns a row carries, and in which order
    def layout(self, fields: Sequence[str], billed: Sequence[str]) -> int:
        key = (tuple(f for f in fields if f != "date_of_service"), tuple(billed))
        lid = self._layout_ids.get(key)
        if lid is None:
            lid = len(self._layouts)
            self._layouts.append(key)
            self._layout_ids[key] = lid
        return lid

    # -- the hot paths ------------------------------------------------------------------------
    def check_table(self, header: Sequence[str], rows: Iterable[Sequence[str]],
                    first_number: int = 1,
                    skip: tuple[type[Exception], ...] = ()) -> Iterator[RowResult]:
        """Rows as lists of text cells under `header` (the csv.reader shape).

        A row with more cells than the header is invalid; a shorter one is padded with empty
        cells (spreadsheets drop trailing empty cells); an empty row (blank line) is skipped.
        An exception of a `skip` type raised while reading a row (e.g. csv.Error) makes that
        row invalid and reading goes on.
        """
        return map(_new_result, self.table(header, rows, first_number, skip))

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]],
              first_number: int = 1, skip: tuple[type[Exception], ...] = ()
              ) -> Iterator[tuple[int, Any, Outcome, Any]]:
        """check_table's fast path: plain (number, id, outcome, row) tuples."""
        width, lid, get, di, ii, has_billed = self.header_layout(header)
        outcome = self.outcome
        memo_get = self.memo.get
        reps = self.reps
        number = first_number - 1
        failures = 0
        it = iter(rows)
        while True:
            try:
                for row in it:
                    number += 1
                    failures = 0
                    if len(row) != width:
                        if isinstance(row, BrokenRow):
                            yield number, number, self._not_an_object(row), row
                            continue
                        if not row:  # a blank line
                            number -= 1
                            continue
                        if len(row) > width:
                            o = self._too_many_cells(len(row), width, has_billed)
                            rid = (row[ii] or number) if ii is not None else number
                            yield number, rid, o, row
                            continue
                        row = list(row) + [""] * (width - len(row))
                    day = row[di] if di is not None else ""
                    rep = reps.get(day, day)
                    cells = get(row)
                    o = memo_get((lid, rep, cells)) or outcome((lid, rep, cells))
                    if o.sensitive and rep != day:
                        o = outcome((lid, day, cells))
                    yield number, (row[ii] or number) if ii is not None else number, o, row
                return
            except skip as exc:
                failures += 1
                if failures > MAX_UNREADABLE_IN_A_ROW:
                    raise
                number += 1
                where = getattr(it, "line_num", None)
                broken = BrokenRow((f"line {where}: " if where else "")
                                   + f"not a readable record ({exc})")
                yield number, number, self._not_an_object(broken), broken

    def header_layout(self, header: Sequence[str]) -> HeaderLayout:
        """How to read rows of text cells under `header`: its width, the layout id, a getter
        for the encounter and billed cells, the indexes of the date and id columns (None when
        absent) and whether billed columns are present."""
        names = [h.strip() for h in header]
        fields = [n for n in names if n in FIELDS and n != "date_of_service"]
        billed = [n for n in names if n in BILLED_COLUMNS]
        return HeaderLayout(
            len(names), self.layout(fields, billed),
            row_getter([names.index(n) for n in fields + billed]),
            names.index("date_of_service") if "date_of_service" in names else None,
            names.index(ID_COLUMN) if ID_COLUMN in names else None,
            bool(billed))

    def row_outcome(self, lid: int, get: Callable[[Any], tuple[Any, ...]],
                    row: Sequence[str], di: int | None) -> Outcome:
        """The Outcome of one row of text cells (as `table` finds it): `lid` is the layout
        and `get` gives its cells; `di` is the index of the date of service."""
        day = row[di] if di is not None else ""
        rep = self.reps.get(day, day)
        cells = get(row)
        o = self.outcome((lid, rep, cells))
        if o.sensitive and rep != day:
            o = self.outcome((lid, day, cells))
        return o

    def check_mappings(self, rows: Iterable[Any], first_number: int = 1) -> Iterator[RowResult]:
        """Rows as mappings (JSON objects, csv.DictReader rows). A row that is not a mapping
        (e.g. a JSONL line that is not an object) is invalid; so is a `BrokenRow`."""
        return map(_new_result, self.mappings(rows, first_number))

    def mappings(self, rows: Iterable[Any], first_number: int = 1
                 ) -> Iterator[tuple[int, Any, Outcome, Any]]:
        """check_mappings's fast path: plain (number, id, outcome, row) tuples.

        Rows with the same keys (csv.DictReader rows, uniform JSON objects) share a layout
        and are read with one itemgetter; rows whose values are not all text (JSON numbers,
        booleans, objects, null) are first written as text the way a CSV cell would be.
        """
        full = self._full_layout
        names = tuple(n for n in CONTRACT_COLUMNS if n != "date_of_service")
        outcome = self.outcome
        memo_get = self.memo.get
        reps = self.reps
        number = first_number - 1
        layouts: dict[tuple[Any, ...], tuple[int, Callable[[Any], tuple[Any, ...]]]] = {}
        text_only = {str}
        for row in rows:
            number += 1
            if not isinstance(row, Mapping):
                yield number, number, self._not_an_object(row), row
                continue
            keys = tuple(row)
            lay = layouts.get(keys)
            if lay is None:
                if len(layouts) >= 64:
                    layouts.clear()
                fields = [n for n in keys if n in FIELDS and n != "date_of_service"]
                billed = [n for n in keys if n in BILLED_COLUMNS]
                lay = layouts[keys] = (self.layout(fields, billed),
                                       row_getter(fields + billed))
            lid, get = lay
            cells = get(row)
            if not set(map(type, cells)) <= text_only:
                lid = full
                cells = tuple(text_value(row.get(n)) for n in names) + tuple(
                    None if n not in row else text_value(row[n]) for n in BILLED_COLUMNS)
            day = row.get("date_of_service")
            if type(day) is not str:
                day = text_value(day)
            rep = reps.get(day, day)
            o = memo_get((lid, rep, cells)) or outcome((lid, rep, cells))
            if o.sensitive and rep != day:
                o = outcome((lid, day, cells))
            rid = row.get(ID_COLUMN)
            yield number, number if rid is None or rid == "" else rid, o, row

    # -- computing one outcome ----------------------------------------------------------------
    def _compute(self, key: tuple[int, str, tuple[Any, ...]]) -> Outcome:
        """The outcome of a row whose cells are `key` (memo level 1).

        The key's date is either a stretch's first day (shared by the stretch) or a row's own
        date (when the shared outcome's text quotes the date). The engine is asked about the
        stretch's first day (memo level 2, shared); texts are written for the key's date.
        """
        lid, day, cells = key
        day = day.strip()
        rep = self.reps.get(day, day)
        if rep != day:
            base = self.memo.get((lid, rep, cells))
            if base is not None and base.day_template is not None:
                self.memo_misses += 1
                return base.on_day(day)  # the stretch's outcome, its text re-dated
        # the encounter's part (decoded cells and the engine's answer, shared by every row of
        # the stretch with the same encounter cells)
        fields, billed_cols = self._layouts[lid]
        nf = len(fields)
        enc = self._encounter(lid, rep, cells[:nf] if billed_cols else cells)
        if enc.shared != rep and rep == day and self.memo_size > 0:
            # a stretch whose engine plan is the same as an earlier one's: the row's outcome
            # is that stretch's, unless a text quotes the date or the reason depends on the
            # billed code's own status on the date (with no memo, nothing would be shared)
            base = self.outcome((lid, enc.shared, cells))
            if not base.sensitive and base.reason_id not in _DATED_REASONS:
                return base
        # the billed part is shared by every row with the same billed cells
        bill_cells = cells[nf:]
        bill = self._billed_part(billed_cols, bill_cells) if billed_cols else _NO_BILLED
        a = enc.answer
        if enc.errors or bill[5] or a.errors:
            self.memo_misses += 1
            return self._compute_texts(day, rep, enc, bill)
        # encounters whose answers read the same (most differ only in ways that change
        # nothing, e.g. 20 or 25 minutes at the same level) share the outcome of a billed part
        ckey = (a.billable, a.expected, a.warnings, a.why, a.why_id, billed_cols, bill_cells,
                enc.values.get("payer"), day, rep)
        o = self._contents.get(ckey)
        if o is None:
            self.memo_misses += 1
            o = self._compute_texts(day, rep, enc, bill)
            if len(self._contents) >= self.memo_size:
                self._contents.clear()
            self._contents[ckey] = o
        return o

    def _compute_texts(self, day: str, rep: str, enc: _Encounter, bill: _Billed) -> Outcome:
        """The outcome on `day` (of the stretch starting `rep`) of a row's encounter and
        billed parts."""
        errors = [*enc.errors, *bill[5]] if enc.errors or bill[5] else []
        answer = enc.answer
        if rep != day:
            answer = self._redated(answer, rep, day, enc.items)
        o = self._outcome(enc.values, day, rep, answer, errors, bill)
        if day and (day in o.reason or any(day in e["message"] for e in o.errors)):
            o.sensitive = True
            if day == rep and not o.errors:
                # the same texts with a stand-in date, so other days of the stretch get theirs
                # by a replace (when the date's every occurrence is the date of service)
                safe = self._redated(answer, rep, _DAY, enc.items, ask_engine=False)
                if safe is not None:
                    t = self._outcome(enc.values, _DAY, rep, safe, [], bill)
                    if t.reason.replace(_DAY, day) == o.reason:
                        o.day_template = t.reason
        return o

    def _encounter(self, lid: int, rep: str, cells: tuple[Any, ...]) -> _Encounter:
        """The decoded encounter cells of a layout and the engine's answer on `rep`."""
        key = (lid, rep, cells)
        enc = self._encounters.get(key)
        if enc is None:
            errors: list[dict[str, str]] = []
            items: list[tuple[str, Any]] = []
            for name, text in zip(self._layouts[lid][0], cells, strict=False):
                if text and (value := decode_cell(name, text, errors)) is not None:
                    items.append((name, value))
            values = dict(items)
            day = self._shared_day(rep, values) if self._share_days else rep
            answer = self._answer_on(day, items)
            if day != rep:  # asked about an earlier stretch with the same plan: re-date it
                answer = self._redated(answer, day, rep, items)
            enc = _Encounter(tuple(items), values, tuple(errors), answer, day)
            memo = self._encounters
            if len(memo) >= self.memo_size:
                memo.clear()
            memo[key] = enc
        return enc

    def _shared_day(self, rep: str, values: dict[str, Any]) -> str:
        """The first stretch start whose engine plan has the same signature as `rep`'s for
        the encounter's payer, modality and clinician (engine.core.plan.Compiled.plan_signature):
        the engine gives the same lines, warnings and billable flag on both days, so it is
        asked once. `rep` itself for a requested_code (its status is looked up by date) or
        a value the engine would reject."""
        payer, modality = values.get("payer"), values.get("modality")
        clinician = values.get("clinician", _DEFAULT_CLINICIAN)
        if ("requested_code" in values or rep not in self._starts
                or modality not in _MODALITIES or clinician not in _CLINICIANS
                or not isinstance(payer, str) or self.codebook is None
                or self.codebook.payer(payer) is None):
            return rep
        if payer == "medicaid" and values.get("state"):  # the state's profile, if any
            state = values["state"]
            payer = self.codebook.effective_payer(
                payer, state.upper() if isinstance(state, str) else None)
        key = (payer, modality, clinician)
        table = self._shared.get(key)
        if table is None:
            from engine.core.plan import compiled

            comp = compiled(self.codebook)
            first: dict[tuple[Any, ...], str] = {}
            table = self._shared[key] = {
                start: first.setdefault(
                    comp.plan_signature(payer, modality, clinician, start), start)
                for start in sorted(self._starts)}
        return table[rep]

    def _billed_part(self, cols: tuple[str, ...], cells: tuple[Any, ...]) -> _Billed:
        key = (cols, cells)
        bill = self._bills.get(key)
        if bill is None:
            values = dict(zip(cols, cells, strict=True))
            errors: list[dict[str, str]] = []
            lines, cmp_mods, cmp_pos, cmp_units = parse_billed_cells(values, errors)
            has_billed = any(v is not None for v in cells)
            bill = (has_billed, lines, cmp_mods, cmp_pos, cmp_units, tuple(errors),
                    format_lines(lines))
            if len(self._bills) >= _BILLED_MEMO_SIZE:
                self._bills.clear()
            self._bills[key] = bill
        return bill

    def _answer_on(self, day: str, items: Sequence[tuple[str, Any]]) -> Answer:
        key = [(n, json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v)
               for n, v in items]
        if day:
            key.append(("date_of_service", day))
        key.sort()
        return self.answer(tuple(key))

    def _redated(self, answer: Answer, rep: str, day: str,
                 items: Sequence[tuple[str, Any]], ask_engine: bool = True) -> Answer | None:
        """The stretch's answer for another day of the stretch. Lines, warning ids and
        billable are the same; a `why` text that quotes the date is rewritten when its
        template shows that every occurrence of the date is the date of service, else the
        engine is asked about the day itself (or None when `ask_engine` is false)."""
        if any(rep in e["message"] for e in answer.errors):
            return self._answer_on(day, items) if ask_engine else None
        if rep not in answer.why:
            return answer
        template = self._template(answer.why_id)
        if template is not None and answer.why.count(rep) == template.count("{date_of_service}"):
            return answer._replace(why=answer.why.replace(rep, day))
        return self._answer_on(day, items) if ask_engine else None

    def _template(self, wid: str) -> str | None:
        cb = self.codebook
        if cb is None:
            return None
        rule = cb.rule(wid)
        if rule is not None:
            return str(rule.get("message") or "")
        message = cb.message(wid)
        return None if message is None else str(message.get("text") or "")

    def _answer(self, key: tuple[tuple[str, Any], ...]) -> Answer:
        """engine.check on one normalised encounter, reduced to what a batch row needs."""
        encounter = {n: (json.loads(v) if n == "evisit_minutes_by_day" and isinstance(v, str)
                         else v) for n, v in key}
        try:
            result = self._check(encounter)
        except EncounterError as exc:
            return Answer(tuple(dict(e) for e in exc.errors), None, (), "", (), "", "", False)
        except Exception as exc:  # noqa: BLE001 - a bad row never stops the batch
            return Answer(({"field": "engine",
                            "message": f"internal error ({type(exc).__name__}: {exc}); "
                                       "please report this row to the maintainers"},),
                          None, (), "", (), "", "", False)
        lines = tuple(result.get("lines") or ())
        billable = bool(result.get("billable"))
        why_id, why = ("", "") if billable else self._why(result)
        return Answer(
            (), billable, lines, format_lines(lines),
            tuple(dict.fromkeys(w.get("id") for w in result.get("warnings") or ())),
            why, why_id, bool(result.get("provisional")),
        )

    def _outcome(self, values: dict[str, Any], day: str, rep: str, answer: Answer,
                 errors: list[dict[str, str]], bill: _Billed) -> Outcome:
        """A row's outcome from its encounter `values` (without the date), its date of
        service `day` (for texts; `rep`, its stretch's first day, for codebook lookups),
        the engine's answer and its billed part."""
        has_billed, billed_lines, cmp_mods, cmp_pos, cmp_units, _, billed_text = bill
        if answer.errors or errors:
            return invalid_outcome(errors + [dict(e) for e in answer.errors], has_billed)
        billable, lines, expected, warnings = (answer.billable, answer.lines, answer.expected,
                                               answer.warnings)
        prov = answer.provisional
        if not has_billed:
            return Outcome(billable, lines, expected, warnings, "", "", "", "", (), False, prov)
        reason_id, extra = self._verdict(values, rep, answer, billed_lines,
                                         cmp_mods, cmp_pos, cmp_units)
        if reason_id == "":
            return Outcome(billable, lines, expected, warnings, billed_text, "ok", "", "", (),
                           True, prov)
        verdict = "not_billable" if reason_id == "not-billable" else "mismatch"
        ctx = {"expected": expected or "nothing", "date_of_service": day,
               "payer": values.get("payer"), "payer_name": self._payer_name(values),
               "billed": billed_text, **extra}
        reason = self._message("batch-" + reason_id, ctx)
        return Outcome(billable, lines, expected, warnings, billed_text, verdict, reason,
                       reason_id, (), True, prov)

    def _verdict(self, values: dict[str, Any], day: str, answer: Answer,
                 billed_lines: list[dict[str, Any]],
                 cmp_mods: bool, cmp_pos: bool, cmp_units: bool) -> tuple[str, dict[str, Any]]:
        """("", {}) for ok, else (reason id, message context)."""
        if not billed_lines:
            return ("", {}) if not answer.billable else ("nothing-billed", {})
        if not answer.billable:
            return "not-billable", {"why": answer.why}
        pool = list(answer.lines)
        billed_codes = {b["code"] for b in billed_lines}
        for b in billed_lines:  # an add-on needs one of its primaries on the same claim
            primaries = self._primaries(b["code"], day)
            if primaries and billed_codes.isdisjoint(primaries):
                return "add-on-without-primary", {"code": b["code"],
                                                  "primaries": _either(primaries)}
        for b in billed_lines:
            code = b["code"]
            same = [e for e in pool if e.get("code") == code]
            ctx = {"code": code, "billed_modifiers": ";".join(b["modifiers"]) or "none",
                   "billed_pos": b["pos"] or "none", "units": b["units"]}
            if not same:
                reason = self._code_reason(code, values.get("payer"), day)
                if reason == "wrong-code" and self._primaries(code, day):
                    threshold = self._threshold(code, day, answer)
                    if threshold is not None:
                        return "add-on-below-threshold", dict(
                            ctx, primary_code=threshold[0], threshold_minutes=threshold[1])
                    return "add-on-not-billable", dict(ctx, why=self._add_on_why(code, answer, day))
                return reason, ctx
            for e in same:
                if ((not cmp_mods or sorted(e.get("modifiers") or ()) == sorted(b["modifiers"]))
                        and (not cmp_pos or (e.get("pos") or None) == b["pos"])
                        and (not cmp_units or e.get("units", 1) == b["units"])):
                    pool.remove(e)
                    break
            else:
                e = same[0]
                if cmp_mods and sorted(e.get("modifiers") or ()) != sorted(b["modifiers"]):
                    return "wrong-modifiers", ctx
                if cmp_pos and (e.get("pos") or None) != b["pos"]:
                    return "wrong-pos", ctx
                return "wrong-units", ctx
        return "", {}

    def _primaries(self, code: str, day: str) -> tuple[str, ...]:
        """The primary codes of an add-on code on `day` (empty for other codes)."""
        cb = self.codebook
        version = cb.code_on(code, day) if cb is not None else None
        if not version or not version.get("add_on"):
            return ()
        return tuple(addon_spec(version)[0])

    def _threshold(self, code: str, day: str, answer: Answer) -> tuple[str, int] | None:
        """(primary, minutes) when add-on `code` has a time threshold with one of the engine's
        lines (G2212 with 99215: 69), else None."""
        cb = self.codebook
        version = cb.code_on(code, day) if cb is not None else None
        first_at = ((version or {}).get("add_on") or {}).get("first_at") or {}
        for line in answer.lines:
            if line.get("code") in first_at:
                return str(line["code"]), int(first_at[line["code"]])
        return None

    def _add_on_why(self, code: str, answer: Answer, day: str) -> str:
        """Why the engine gave no line of add-on `code`: the title of the rule that dropped it
        or the family's own warning, else a generic phrase (codebook words)."""
        cb = self.codebook
        version = cb.code_on(code, day) if cb is not None else None
        family = (version or {}).get("family")
        for wid in answer.warnings:
            rule = cb.rule(wid) if cb is not None else None
            if rule is not None and family in ((rule.get("scope") or {}).get("families") or ()):
                return str(rule.get("title") or wid)
            if family and wid.startswith(family + "-"):
                fam = cb.family(family) if cb is not None else None
                text = ((fam or {}).get("messages") or {}).get(wid[len(family) + 1:]
                                                               .replace("-", "_"))
                if text:
                    return str(fam.get("title") or family) + ": not added"
        return "its time threshold or condition is not met"

    def _code_reason(self, code: str, payer: Any, day: str) -> str:
        cb = self.codebook
        if cb is None:
            return "wrong-code"
        if not cb.code_versions(code):
            return "unknown-code"
        status = cb.status_of(code, payer, day)
        if status == NOT_VALID_ON_DATE:
            return "code-not-valid-on-date"
        if isinstance(status, dict) and status.get("status") not in PAYABLE_STATUSES:
            return "not-payable"
        return "wrong-code"

    def _why(self, result: dict[str, Any]) -> tuple[str, str]:
        """(warning id, text): why nothing is billable — the first error (else warning), told
        by the title of its rule or message (codebook/messages.yaml) when it has one, else by
        the engine's text."""
        warnings = result.get("warnings") or ()
        cb = self.codebook
        for severity in ("error", "warning", "info"):
            for w in warnings:
                if w.get("severity") == severity:
                    wid = str(w.get("id") or "")
                    record = (cb.rule(wid) or cb.message(wid)) if cb is not None else None
                    return wid, str((record or {}).get("title") or w.get("message") or wid)
        return "", ""

    def _payer_name(self, encounter: dict[str, Any]) -> str:
        payer = encounter.get("payer") or ""
        name = self._payer_names.get(payer)
        if name is None:
            name = self.codebook.payer_short_name(payer) if self.codebook else str(payer)
            self._payer_names[payer] = name
        return name

    def _message(self, mid: str, ctx: dict[str, Any]) -> str:
        record = self.codebook.message(mid) if self.codebook else None
        template = (record or {}).get("text") or MESSAGES[mid]
        return render(template, ctx)

    def _too_many_cells(self, got: int, width: int, has_billed: bool) -> Outcome:
        return invalid_outcome([{"field": "row", "message": f"has {got} cells but the header has "
                          f"{width}; quote cells that contain commas"}], has_billed)

    def _not_an_object(self, row: Any) -> Outcome:
        if isinstance(row, BrokenRow):
            return invalid_outcome([{"field": "line", "message": row.message}], True)
        return invalid_outcome([{"field": "line", "message": "must be a JSON object {...}, got "
                          f"{type(row).__name__}"}], True)


def _representatives(cb: Codebook) -> dict[str, str]:
    reps = cb.__dict__.get("_batch_date_reps")
    if reps is None:
        reps = date_representatives(cb.bundle)
        cb.__dict__["_batch_date_reps"] = reps
    return reps


def check_rows(rows: Iterable[Any], codebook: Codebook | None = None, *,
               check: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
               checker: BatchChecker | None = None) -> Iterator[RowResult]:
    """Check each row (a mapping; see the module doc) and yield a RowResult per row, in order.

    Lazy: one row is read, checked and yielded at a time, so memory stays flat.
    """
    chk = checker if checker is not None else BatchChecker(codebook, check=check)
    return chk.check_mappings(rows)

