"""Read the CMS PPRRVU file (National Physician Fee Schedule Relative Value File) and compare
its STATUS CODE with the codebook's Medicare payment status.

The file as CMS publishes it: a few title lines (one says ``RELEASED mm/dd/yyyy``), a header
of several rows whose last row starts with ``HCPCS``, then one row per code and modifier.
The header row is found by that first cell; the STATUS CODE column by its header name (the
words of the header rows above it joined per column), never by position. The DESCRIPTION
column holds AMA-copyright short descriptors: it is never read.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core.codebook import Codebook

# CMS PFS status indicator -> the codebook's status vocabulary (codebook/README.md).
STATUS_WORDS: dict[str, str] = {
    "A": "payable",
    "R": "payable",
    "T": "payable",
    "C": "contractor_priced",
    "I": "not_valid",
    "X": "statutory_exclusion",
    "B": "bundled",
    "N": "non_covered",
    "E": "excluded",
    "P": "bundled_or_excluded",
    "M": "measurement",
    "J": "anesthesia",
}
DELETED = "deleted"
NOT_YET_VALID = "not_yet_valid"
PAYER = "medicare"
SERIES = "cms-pprrvu"  # id prefix of the sources of PPRRVU releases (one per release)
CODE_RE = re.compile(r"^[0-9A-Z]{5}\Z")
RELEASED_RE = re.compile(r"RELEASED:?\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.I)
HEADER_SCAN_ROWS = 40
MAX_FILE_BYTES = 64 << 20  # PPRRVU files are a few MB


class RvuError(ValueError):
    """The file is not a readable PPRRVU file; the message says what is wrong and what to do."""


@dataclass
class RvuFile:
    path: str
    release: str | None
    statuses: dict[str, str]  # code -> status letter (the row without modifier when there is one)
    header_line: int
    skipped_rows: int = 0
    year: int | None = None  # the calendar year in the title ("2025 National Physician ...")


@dataclass(frozen=True)
class Difference:
    code: str
    codebook: str  # the codebook's status word (or deleted / not_yet_valid / no_record)
    file: str  # the file's status word (or deleted)
    letter: str | None  # the file's STATUS CODE letter, None when the code is absent

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "codebook": self.codebook, "file": self.file}


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise RvuError(f"{path}: the file is empty — download the PPRRVU CSV again")
    if data[:4] == b"PK\x03\x04":
        raise RvuError(
            f"{path}: this is a ZIP or XLSX file, not the PPRRVU CSV — unpack the RVU package "
            "from CMS and give its PPRRVU*.csv file"
        )
    if b"\x00" in data[:4096]:
        raise RvuError(f"{path}: this is a binary file, not a CSV — give the PPRRVU*.csv file")
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RvuError(f"{path}: cannot decode the file")  # pragma: no cover (latin-1 decodes all)


def open_pprrvu(path: str) -> tuple[Any, list[list[str]], int]:
    """Read a PPRRVU file (bounded) up to its header row: the csv reader positioned after the
    header, the rows read so far and the header's index. Raises RvuError in plain words."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # /dev/zero or a wrong file: never unbounded
    except FileNotFoundError:
        raise RvuError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise RvuError(f"{path}: is a folder — give the PPRRVU*.csv file") from None
    except OSError as exc:
        raise RvuError(f"{path}: cannot read it ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise RvuError(f"{path}: larger than {MAX_FILE_BYTES // (1 << 20)} MB — a PPRRVU file is "
                       "a few MB; is this the right file?")
    text = decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    header_at: int | None = None
    try:
        for row in reader:
            rows.append(row)
            if row and row[0].strip().upper() == "HCPCS":
                header_at = len(rows) - 1
                break
            if len(rows) >= HEADER_SCAN_ROWS:
                break
    except csv.Error as exc:
        raise RvuError(f"{path}:{reader.line_num}: not a readable CSV ({exc})") from None
    if header_at is None:
        raise RvuError(
            f"{path}: no header row starting with HCPCS in the first {HEADER_SCAN_ROWS} lines "
            "— this does not look like a CMS PPRRVU file (give PPRRVU*.csv from the RVU package)"
        )
    return reader, rows, header_at


def release_date(rows: list[list[str]], header_at: int, path: str) -> str | None:
    """The RELEASED date above the header (checked to be a real date), or None."""
    release = None
    for row in rows[:header_at]:
        for cell in row:
            m = RELEASED_RE.search(cell)
            if m:
                month, day, year = (int(g) for g in m.groups())
                try:
                    release = _dt.date(year, month, day).isoformat()
                except ValueError:
                    raise RvuError(f"{path}: {m.group(0).strip()!r} is not a real date (month/"
                                   "day/year) — check the file's RELEASED line") from None
    return release


def title_match(rows: list[list[str]], header_at: int, pattern: str) -> re.Match[str] | None:
    """The first cell above the header matching `pattern` (the file's title line)."""
    for row in rows[:header_at]:
        for cell in row:
            t = re.match(pattern, cell, re.I)
            if t:
                return t
    return None


def read_pprrvu(path: str | Path) -> RvuFile:
    """Parse the file. Raises RvuError with a plain message for anything unreadable."""
    path = str(path)
    reader, rows, header_at = open_pprrvu(path)
    header = [c.strip().upper() for c in rows[header_at]]
    release = release_date(rows, header_at, path)
    t = title_match(rows, header_at, r"\s*(\d{4})\b.*Relative Value File")
    cy: int | None = int(t.group(1)) if t else None
    status_col = _find_status_column(rows, header_at, path)
    mod_col = header.index("MOD") if "MOD" in header else None

    statuses: dict[str, str] = {}
    has_plain: set[str] = set()
    skipped = 0
    try:
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(row) < len(header):
                raise RvuError(
                    f"{path}:{line}: the row has {len(row)} fields where the header has "
                    f"{len(header)} — the file looks cut short or damaged; download it again"
                )
            code = row[0].strip().upper()
            if not CODE_RE.match(code):
                skipped += 1
                continue
            letter = row[status_col].strip().upper()
            if not letter:
                raise RvuError(
                    f"{path}:{line}: {code} has an empty STATUS CODE — the file looks damaged; "
                    "download it again"
                )
            plain = mod_col is None or not row[mod_col].strip()
            if plain:
                statuses[code] = letter
                has_plain.add(code)
            elif code not in has_plain and code not in statuses:
                statuses[code] = letter
    except csv.Error as exc:
        raise RvuError(
            f"{path}:{reader.line_num}: the CSV is damaged ({exc}) — the file looks cut short; "
            "download it again"
        ) from None
    if not statuses:
        raise RvuError(f"{path}: the header is there but no code rows follow — the file is cut "
                       "short; download it again")
    return RvuFile(path, release, statuses, header_at + 1, skipped, cy)


def _find_status_column(rows: list[list[str]], header_at: int, path: str) -> int:
    last = [c.strip().upper() for c in rows[header_at]]
    width = len(last)
    joined = []
    for j in range(width):
        words = [r[j].strip().upper() for r in rows[: header_at + 1] if j < len(r) and r[j].strip()]
        joined.append(" ".join(words))
    exact = [j for j in range(width) if re.search(r"\bSTATUS\s+CODE$", joined[j])]
    if len(exact) == 1:
        return exact[0]
    loose = [j for j in range(width) if re.search(r"\bSTATUS\b", joined[j])]
    if len(loose) == 1:
        return loose[0]
    if not loose:
        raise RvuError(
            f"{path}:{header_at + 1}: no STATUS CODE column in the header — the header rows "
            "above the HCPCS row must name it; give the PPRRVU file as CMS publishes it"
        )
    raise RvuError(f"{path}:{header_at + 1}: several columns are named STATUS — cannot tell "
                   "which holds the status code")


# --------------------------------------------------------------------------- compare
def codebook_status(cb: Codebook, code: str, day: str) -> str:
    """The codebook's Medicare status word for `code` on `day` (core.Codebook's lookups):
    a vocabulary status, no_record, or not_yet_valid / deleted when no version of the code is
    in effect on the day."""
    validity = cb.code_validity(code, day)
    if validity != "valid":
        return NOT_YET_VALID if validity == "not_yet_valid" else DELETED
    return cb.status_name(code, PAYER, day)


def file_status(rvu: RvuFile, code: str) -> tuple[str, str | None]:
    letter = rvu.statuses.get(code)
    if letter is None:
        return DELETED, None
    return STATUS_WORDS.get(letter, f"unknown-{letter}"), letter


def compare(bundle: dict[str, Any], rvu: RvuFile, release: str) -> list[Difference]:
    """The codes whose Medicare status on `release` differs between the codebook and the file.
    Raises core's CodebookError when `bundle` is not a compiled codebook."""
    cb = Codebook(bundle)
    out: list[Difference] = []
    for code in sorted(cb.code_index):
        ours = codebook_status(cb, code, release)
        theirs, letter = file_status(rvu, code)
        if ours in (DELETED, NOT_YET_VALID):
            if letter is not None:
                out.append(Difference(code, ours, theirs, letter))
        elif ours != theirs:
            out.append(Difference(code, ours, theirs, letter))
    return out


@dataclass
class WritePlan:
    apply: list[Difference] = field(default_factory=list)
    manual: list[tuple[Difference, str]] = field(default_factory=list)


def plan_write(diffs: list[Difference]) -> WritePlan:
    """Which differences `--write` can apply as status records, and which need a person."""
    plan = WritePlan()
    for d in diffs:
        if d.codebook in (DELETED, NOT_YET_VALID):
            plan.manual.append((d, "the code's dates in codes/<family>.yaml disagree with the "
                                   "file: check the code's `from`/`to` by hand"))
        elif d.file == DELETED:
            plan.manual.append((d, "the file no longer lists the code: if CMS deleted it, give "
                                   "its version a `to` date in codes/<family>.yaml by hand"))
        elif d.file not in STATUS_WORDS.values():
            plan.manual.append((d, f"status letter {d.letter!r} is not in the codebook's "
                                   "vocabulary: check the CMS readme and decide by hand"))
        else:
            plan.apply.append(d)
    return plan


def source_entry(path: str, release: str, sha256: str, accessed: str) -> dict[str, Any]:
    """The sources.yaml entry for an imported PPRRVU file."""
    return {
        "id": f"{SERIES}-{release}",
        "title": f"Physician Fee Schedule Relative Value File, released {release} "
                 f"({Path(path).name})",
        "publisher": "Centers for Medicare & Medicaid Services (CMS)",
        "url": "https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files",
        "published": release,
        "accessed": accessed,
        "kind": "primary",
        "sha256": sha256,
    }


def matching_source(bundle: dict[str, Any], release: str, sha256: str) -> str | None:
    """An existing source for this file: same sha256, or a cms-pprrvu source published the
    release day."""
    for s in bundle.get("sources", []):
        if s.get("sha256") == sha256:
            return str(s["id"])
    for s in bundle.get("sources", []):
        if str(s.get("id", "")).startswith(SERIES) and str(s.get("published")) == release:
            return str(s["id"])
    return None


def source_id_for(bundle: dict[str, Any], path: str, release: str) -> str:
    """The source id `cite_file` cites for this PPRRVU file (nothing written)."""
    from engine.tooling.write import sha256_of

    return matching_source(bundle, release, sha256_of(path)) or f"{SERIES}-{release}"


def cite_file(bundle: dict[str, Any], root: Path, path: str, release: str) -> str:
    """The source id to cite for this PPRRVU file: the codebook's existing source for it, or a
    new sources.yaml entry written now (raises WriteError)."""
    from engine.tooling.write import ensure_source, sha256_of, today

    digest = sha256_of(path)
    source_id = matching_source(bundle, release, digest)
    if source_id is None:
        entry = source_entry(path, release, digest, today())
        ensure_source(root, entry)
        source_id = entry["id"]
    return source_id
