"""Write dated records into the codebook's YAML, keeping comments, order and style.

The importers (`import-rvu --write`, `import-cms-list --write`) never rewrite a fact in
place: a status that changes gets its current record ended the day before the change and a
new record from that day (codebook/README.md: nothing is deleted). ruamel.yaml's round-trip
mode keeps every comment, key order, quoting and flow style of the files it touches.

Also here: `compile_folder` / `compile_with_locations` (the bundle of a codebook folder, and
file:line of every record id, for the annual commands).
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from engine.tooling.atomic import atomic_write_text, staged_text


class WriteError(ValueError):
    """The codebook could not be read or written; the message says what to do."""


def rt_yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap: new long strings stay on one line
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return y


def load_rt(path: Path) -> Any:
    try:
        held = staged_text(path)  # written earlier in the same atomic_files() block
        if held is not None:
            return rt_yaml().load(held)
        with path.open(encoding="utf-8") as fh:
            return rt_yaml().load(fh)
    except FileNotFoundError:
        raise WriteError(f"{path}: no such file — is this a codebook folder?") from None
    except (YAMLError, UnicodeDecodeError) as exc:
        raise WriteError(f"{path}: cannot read it as YAML ({_one_line(str(exc))}) — "
                         "run `telecode validate` and fix it first") from None


def dump_rt(data: Any, path: Path) -> None:
    buf = io.StringIO()
    rt_yaml().dump(data, buf)
    try:
        atomic_write_text(path, buf.getvalue())  # the whole file or, on any failure, the old one
    except OSError as exc:
        raise WriteError(f"{path}: cannot write it ({exc.strerror or exc}); the file was not "
                         "changed") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def today() -> str:
    return _dt.date.today().isoformat()


def styled(value: Any) -> Any:
    """Strings double-quoted (the codebook's style), except dates, ids and plain words."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return to_date(value)
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", value) and not value.isdigit():
            return value
        if value.startswith(("http://", "https://")) and " " not in value:
            return value
        return Q(value)
    return value


def flow(mapping: dict[str, Any]) -> CommentedMap:
    m = CommentedMap({k: styled(v) for k, v in mapping.items()})
    m.fa.set_flow_style()
    return m


def quoted_codes(codes: list[str]) -> CommentedSeq:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

    seq = CommentedSeq([Q(c) for c in codes])
    seq.fa.set_flow_style()
    return seq


def to_date(value: str) -> _dt.date:
    return _dt.date.fromisoformat(value)


# ------------------------------------------------------------------------- sources
def ensure_source(root: Path, entry: dict[str, Any]) -> bool:
    """Add `entry` to sources.yaml unless a source with its id exists. True when added."""
    path = root / "sources.yaml"
    doc = load_rt(path)
    sources = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(sources, list):
        raise WriteError(f"{path}: no `sources:` list — run `telecode validate` and fix it first")
    if any(isinstance(s, dict) and s.get("id") == entry["id"] for s in sources):
        return False
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

    new = CommentedMap({k: styled(v) for k, v in entry.items()})
    if "published" in new:  # YYYY, YYYY-MM or YYYY-MM-DD: always a quoted string
        new["published"] = Q(str(entry["published"]))
    sources.append(new)
    dump_rt(doc, path)
    return True


# ------------------------------------------------------------------------ statuses
@dataclass
class StatusChange:
    """Set `payer`'s status of `code` to `status` from `day`, citing `source`."""

    code: str
    status: str
    day: str
    source: dict[str, Any]  # {"id": ..., "locator": ...}
    note: str | None = None


def _new_id(existing: set[str], base: str) -> str:
    ident, n = base, 2
    while ident in existing:
        ident, n = f"{base}-{n}", n + 1
    existing.add(ident)
    return ident


def _shift(day: str, days: int) -> str:
    return (to_date(day) + _dt.timedelta(days=days)).isoformat()


def _dates(rec: Any) -> tuple[str, str | None]:
    end = rec.get("to")
    return str(rec.get("from")), None if end is None else str(end)


def _source_ids(rec: Any) -> list[str]:
    return [str(s.get("id")) for s in rec.get("sources") or [] if isinstance(s, dict)]


@dataclass
class StatusWrite:
    """Status changes applied in memory to payers/<payer>.yaml; `write()` saves the file."""

    path: Path
    doc: Any
    new_ids: list[str]

    def write(self) -> list[str]:
        dump_rt(self.doc, self.path)
        return self.new_ids


def plan_status_changes(
    root: Path, payer: str, changes: list[StatusChange], *, verified: str | None = None,
    series: str | None = None,
) -> StatusWrite:
    """Status changes as dated records of payers/<payer>.yaml, in memory (nothing written).

    For each status record in force on the change day that holds a changing code: the record
    ends the day before; the codes of it that do not change continue in a copy from the day;
    the changing codes get a new record per (day, status, end) citing the source. A record that
    starts on the day itself loses the changing codes instead (it never held for them).

    A change says what holds from its day up to the next thing the file already says about the
    code: the new record ends when the record it replaces ends, the day before a later record
    of the code starts, and — with `series` (a source id prefix, e.g. "cms-pprrvu": the
    releases of one publication) — the day before the next release of the series that the file
    cites on any record; the record it replaces then continues from that release. So an older
    release written after a newer one fills only the days before the newer one. A change whose
    day is the first day of a record citing another release of the series, with another status,
    is a conflict between the two releases: WriteError naming both, and nothing is changed.
    """
    path = root / "payers" / f"{payer}.yaml"
    doc = load_rt(path)
    statuses = doc.get("statuses") if isinstance(doc, dict) else None
    if statuses is None:
        statuses = CommentedSeq()
        doc["statuses"] = statuses
    records = [s for s in statuses if isinstance(s, dict)]
    ids = {str(s.get("id")) for s in records}
    verified = verified or today()
    new_ids: list[str] = []
    release_days = sorted({_dates(s)[0] for s in records
                           if series and any(i.startswith(series) for i in _source_ids(s))})

    by_day: dict[str, list[StatusChange]] = {}
    for ch in changes:
        by_day.setdefault(ch.day, []).append(ch)

    for day in sorted(by_day):
        group = by_day[day]
        if series:
            _refuse_conflicts(path, statuses, day, group, series)
        ends = {ch.code: _end_of_change(statuses, ch.code, day, release_days) for ch in group}
        insert_at, handled = _end_records_on(statuses, day, group, ends, ids, verified, new_ids)
        by_key: dict[tuple[str, str], list[StatusChange]] = {}
        for ch in group:
            if ch.code not in handled:
                by_key.setdefault((ch.status, ends[ch.code] or ""), []).append(ch)
        for status, end in sorted(by_key):
            rec = _status_record(payer, status, day, end or None, by_key[(status, end)], ids,
                                 verified)
            statuses.insert(insert_at, rec)
            insert_at += 1
            new_ids.append(rec["id"])
    return StatusWrite(path, doc, new_ids)


def _refuse_conflicts(path: Path, statuses: CommentedSeq, day: str, group: list[StatusChange],
                      series: str) -> None:
    """WriteError when a record of a changing code starts on `day` citing another release of
    `series` with another status: two releases say different things about the same day."""
    for ch in group:
        for rec in statuses:
            if not isinstance(rec, dict) or _dates(rec)[0] != day:
                continue
            if ch.code not in [str(c) for c in rec.get("codes") or []]:
                continue
            if str(rec.get("status")) == ch.status:
                continue
            other = [i for i in _source_ids(rec) if i.startswith(series) and i != ch.source["id"]]
            if other:
                raise WriteError(
                    f"{path}: {ch.code}: {other[0]} (record {rec.get('id')}) says "
                    f"{rec.get('status')} from {day}, {ch.source['id']} says {ch.status} from "
                    "the same day — the two releases conflict; nothing was written. Check which "
                    "release is right and correct the record by hand (or give --as-of the day "
                    "the newer release applies from)")


def _end_of_change(statuses: CommentedSeq, code: str, day: str,
                   release_days: list[str]) -> str | None:
    """The last day a change of `code` from `day` holds for: the end of the record in force,
    the day before the code's next record starts or before the next release of the series."""
    limits = [_shift(d, -1) for d in release_days if d > day][:1]
    for rec in statuses:
        if not isinstance(rec, dict) or code not in [str(c) for c in rec.get("codes") or []]:
            continue
        start, end = _dates(rec)
        if start > day:
            limits.append(_shift(start, -1))
        elif end is not None and day <= end:
            limits.append(end)
    return min(limits) if limits else None


def _continue(statuses: CommentedSeq, at: int, rec: Any, codes: list[str], start: str,
              end: str | None, ids: set[str], new_ids: list[str]) -> int:
    """Insert at `at` a copy of `rec` for `codes` from `start` to `end`; the next index."""
    cont = CommentedMap()
    for k, v in rec.items():  # copies: shared values would be written as YAML aliases
        cont[k] = copy.deepcopy(v)
    cont["id"] = _new_id(ids, f"{rec.get('id')}-from-{start}")
    cont["codes"] = quoted_codes(codes)
    cont["from"] = to_date(start)
    cont["to"] = None if end is None else to_date(end)
    statuses.insert(at, cont)
    new_ids.append(cont["id"])
    return at + 1


def _end_records_on(statuses: CommentedSeq, day: str, group: list[StatusChange],
                    ends: dict[str, str | None], ids: set[str], verified: str,
                    new_ids: list[str]) -> tuple[int, set[str]]:
    """End (the day before `day`) every record in force on `day` that holds a code of `group`,
    continuing its other codes in a copy from `day`, and its changing codes in a copy from the
    day after their change ends (`ends`) when that is before the record's own end; a record
    starting on `day` loses the changing codes, or is corrected in place when all of them
    change the same way. Returns where the new records go (after the last record touched) and
    the codes already handled."""
    changing = {ch.code for ch in group}
    insert_at = len(statuses)
    handled: set[str] = set()
    for rec in list(statuses):
        if not isinstance(rec, dict):
            continue
        start, end = _dates(rec)
        if not (start <= day and (end is None or day <= end)):
            continue
        codes = [str(c) for c in rec.get("codes") or []]
        hit = [c for c in codes if c in changing]
        if not hit:
            continue
        index = next(i for i, r in enumerate(statuses) if r is rec)
        rest = [c for c in codes if c not in changing]
        insert_at = index + 1
        if start == day:
            # the record starts on the day itself: it never held for the changing codes
            if rest:
                rec["codes"] = quoted_codes(rest)
            else:
                new = {ch.status for ch in group if ch.code in hit}
                if len(new) == 1:  # every code changes the same way: correct it in place
                    rec["status"] = new.pop()
                    rec.setdefault("sources", CommentedSeq())
                    for ch in group:
                        if ch.code in hit:
                            rec["sources"].append(flow(ch.source))
                            break
                    rec["last_verified"] = to_date(verified)
                    handled.update(hit)
            continue
        rec["to"] = to_date(_shift(day, -1))
        if rest:
            insert_at = _continue(statuses, insert_at, rec, rest, day, end, ids, new_ids)
        resume: dict[str, list[str]] = {}
        for c in hit:
            last = ends[c]
            if last is not None and (end is None or last < end):
                resume.setdefault(_shift(last, 1), []).append(c)
        for again in sorted(resume):
            insert_at = _continue(statuses, insert_at, rec, resume[again], again, end, ids,
                                  new_ids)
    return insert_at, handled


def _status_record(payer: str, status: str, day: str, end: str | None,
                   items: list[StatusChange], ids: set[str], verified: str) -> CommentedMap:
    """The new record of the codes of `items`, with `status` from `day` to `end` (None:
    open), citing each source once."""
    rec = CommentedMap()
    rec["id"] = _new_id(ids, f"{payer}-status-{status.replace('_', '-')}-{day}")
    rec["codes"] = quoted_codes(sorted({ch.code for ch in items}))
    rec["status"] = status
    rec["from"] = to_date(day)
    rec["to"] = None if end is None else to_date(end)
    srcs = CommentedSeq()
    seen: set[str] = set()
    for ch in items:
        key = f"{ch.source['id']}|{ch.source.get('locator')}"
        if key not in seen:
            seen.add(key)
            srcs.append(flow(ch.source))
    rec["sources"] = srcs
    rec["last_verified"] = to_date(verified)
    rec["evidence"] = "verified"
    return rec


# ------------------------------------------------------------------------ compile
def compile_folder(root: str | Path) -> dict[str, Any]:
    """The compiled bundle of a codebook folder, exactly as `telecode compile` builds it
    (every default filled). Refuses a codebook that does not validate."""
    return compile_with_locations(root)[0]


def compile_with_locations(root: str | Path) -> tuple[dict[str, Any], dict[str, str]]:
    """(bundle, record id -> "file:line") of a codebook folder that validates."""
    from engine.tooling.compile import build_bundle
    from engine.tooling.validate import validate_codebook

    report = validate_codebook(Path(root))
    if not report.ok or report.index is None:
        first = "\n  ".join(str(p) for p in report.problems[:5])
        more = len(report.problems) - 5
        raise WriteError(
            f"{root}: the codebook has {len(report.problems)} problem(s) — run "
            f"`telecode validate {root}` and fix them first:\n  {first}"
            + (f"\n  ... and {more} more" if more > 0 else "")
        )
    where: dict[str, str] = {}
    for rec in report.index.records:
        if rec.id and rec.id not in where:
            where[rec.id] = f"{rec.file}:{rec.line()}"
    return build_bundle(report.index), where


# ----------------------------------------------------------------- telehealth list
TELEHEALTH_LIST_FILE = "policies/medicare-telehealth-list.yaml"
TELEHEALTH_LIST_HEADER = """\
# Codes of the codebook on the CMS List of Medicare Telehealth Services, by date (written by
# `telecode import-cms-list --write`; edit like any other file). Codes the codebook does not
# hold are never recorded here. CMS short descriptors are never copied.
"""


def add_telehealth_list_entries(
    root: Path,
    groups: dict[str | None, list[str]],
    start: str,
    end: str,
    source: dict[str, Any],
    *,
    verified: str | None = None,
) -> list[str]:
    """Record the list's codes (grouped by list status) from `start` to `end`. Entries in
    force on `start` that began earlier end the day before; entries that begin on `start`
    already are refused (WriteError) so nothing is recorded twice."""
    path = root / TELEHEALTH_LIST_FILE
    if path.exists():
        doc = load_rt(path)
    else:
        doc = rt_yaml().load(TELEHEALTH_LIST_HEADER + "entries: []\n")
    entries = doc.get("entries")
    if entries is None:
        entries = CommentedSeq()
        doc["entries"] = entries
    if not isinstance(entries, CommentedSeq) or (len(entries) == 0 and entries.fa.flow_style()):
        entries = CommentedSeq(list(entries or []))
        doc["entries"] = entries
    ids = {str(e.get("id")) for e in entries if isinstance(e, dict)}
    before = (to_date(start) - _dt.timedelta(days=1)).isoformat()
    for e in entries:
        if not isinstance(e, dict):
            continue
        f, t = str(e.get("from")), e.get("to")
        t = None if t is None else str(t)
        if f <= start and (t is None or start <= t):
            if f == start:
                raise WriteError(
                    f"{path}: {e.get('id')} already records the list from {start} — edit it "
                    "by hand, or give --from DATE for a mid-year revision"
                )
            e["to"] = to_date(before)
    new_ids = []
    verified = verified or today()
    year = start[:4]
    for status in sorted(groups, key=lambda s: s or ""):
        codes = sorted(groups[status])
        if not codes:
            continue
        rec = CommentedMap()
        base = f"medicare-telehealth-list-{year}" + (f"-{status}" if status else "")
        if start != f"{year}-01-01":
            base += f"-from-{start}"
        rec["id"] = _new_id(ids, base)
        rec["codes"] = quoted_codes(codes)
        rec["list_status"] = status
        rec["from"] = to_date(start)
        rec["to"] = to_date(end)
        srcs = CommentedSeq()
        srcs.append(flow(source))
        rec["sources"] = srcs
        rec["last_verified"] = to_date(verified)
        rec["evidence"] = "verified"
        entries.append(rec)
        new_ids.append(rec["id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    dump_rt(doc, path)
    return new_ids
