"""Read the CMS "List of Medicare Telehealth Services" and compare it with the codebook.

CMS publishes one list per year (sometimes revised mid-year) as a ZIP holding an XLSX, as an
XLSX, or as CSV, with title rows above the header and columns that changed from year to year
(domain-facts §7). So: the header row is found by scanning the first rows for a cell naming
the code column (HCPCS / CPT) with codes below it; columns are mapped by header name (code;
optional status: permanent / provisional; optional audio-only); reading stops at footnotes.
Codes must match ^[0-9A-Z]{5}$. The short-descriptor column is AMA text: it is never read.

The codebook's Medicare telehealth eligibility for a year: the explicit list records
(policies/medicare-telehealth-list.yaml, written by `import-cms-list --write`) when the
codebook has any for that year; otherwise derived from the routes — every code a Medicare
route with a telehealth place of service (POS not null) can report on some day of the year.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ^[0-9A-Z]{5}$, shaped like a CPT (4 digits + digit/letter) or HCPCS (letter + 4 digits)
# code, so that words such as NOTES in a title row are never taken for codes.
CODE_RE = re.compile(r"^(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})\Z")
CODE_HEADER_RE = re.compile(r"HCPCS|CPT|\bCODE\b", re.I)
STATUS_HEADER_RE = re.compile(r"STATUS|PERMANENT|PROVISIONAL|TEMPORARY|CATEGORY", re.I)
AUDIO_HEADER_RE = re.compile(r"AUDIO", re.I)
DESCRIPTOR_RE = re.compile(r"DESCRI|SHORT|LONG", re.I)
HEADER_SCAN_ROWS = 20
PAYER = "medicare"


class ListError(ValueError):
    """The file is not a readable telehealth list; the message says what to do."""


@dataclass(frozen=True)
class Entry:
    code: str
    status: str | None  # permanent | provisional | as written (lower case), None without column
    audio_only: bool | None


@dataclass
class TelehealthList:
    path: str
    kind: str  # csv | xlsx | zip:<member>
    header_row: int
    columns: dict[str, str]  # role -> header text
    entries: dict[str, Entry]
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (row, value)


# ------------------------------------------------------------------------------ reading
def _rows_from_csv(data: bytes, where: str) -> list[list[str]]:
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as exc:
        raise ListError(f"{where}: not a readable CSV ({exc}) — the file may be cut short; "
                        "download it again") from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(5)
    return str(value).strip()


def _rows_from_xlsx(data: bytes, where: str) -> list[list[str]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover
        raise ListError("reading XLSX needs openpyxl: pip install -e '.[tools]'") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            _check_zip(inner, where)  # a workbook is a ZIP too: bound it before openpyxl reads
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        pass  # openpyxl says what is wrong with it below
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ListError(f"{where}: not a readable XLSX workbook ({type(exc).__name__}: "
                        f"{' '.join(str(exc).split())[:120]}) — download it again") from None
    try:
        for ws in wb.worksheets:
            rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            if _find_header(rows) is not None:
                return rows
        first = wb.worksheets[0] if wb.worksheets else None
        return ([[_cell_text(v) for v in row] for row in first.iter_rows(values_only=True)]
                if first is not None else [])
    except Exception as exc:
        raise ListError(f"{where}: the workbook is damaged ({type(exc).__name__}) — download "
                        "it again") from None
    finally:
        wb.close()


# Bounds (a 509 KB ZIP holding a 200 MB CSV took 4.3 GB): the CMS list is a workbook or CSV of
# some tens of KB, so these leave room for growth and stop a hostile file before it is read.
MAX_FILE_BYTES = 32 << 20     # the file given
MAX_MEMBER_BYTES = 16 << 20   # one file inside a ZIP or XLSX, uncompressed
MAX_TOTAL_BYTES = 64 << 20    # all files inside a ZIP or XLSX, uncompressed
MAX_RATIO = 200               # uncompressed / compressed size of one member
MAX_MEMBERS = 10_000


def _check_zip(zf: zipfile.ZipFile, where: str) -> None:
    """Refuse a ZIP (or XLSX) whose members would unpack to more than the bounds, from the
    sizes its directory declares (reading then stops at the bound too: see _read_member)."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ListError(f"{where}: the ZIP holds {len(infos)} files — not a CMS list download")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or ratio > MAX_RATIO:
            raise ListError(
                f"{where}: {info.filename} would unpack to {info.file_size:,} bytes "
                f"({ratio:,.0f} times its packed size) — not a CMS list download; refused "
                "without unpacking it")
    if total > MAX_TOTAL_BYTES:
        raise ListError(f"{where}: the ZIP would unpack to {total:,} bytes — not a CMS list "
                        "download; refused without unpacking it")


def _read_member(zf: zipfile.ZipFile, name: str, where: str) -> bytes:
    """A member's bytes, read in blocks and stopped at MAX_MEMBER_BYTES whatever the
    directory claims."""
    parts: list[bytes] = []
    size = 0
    with zf.open(name) as fh:
        while block := fh.read(1 << 16):
            size += len(block)
            if size > MAX_MEMBER_BYTES:
                raise ListError(f"{where}: {name} unpacks to more than {MAX_MEMBER_BYTES:,} "
                                "bytes — not a CMS list download")
            parts.append(block)
    return b"".join(parts)


def _is_xlsx_zip(zf: zipfile.ZipFile) -> bool:
    names = set(zf.namelist())
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def read_rows(path: str | Path) -> tuple[str, list[list[str]]]:
    """(kind, rows of cell strings) of a CSV, an XLSX, or a ZIP holding one of them."""
    where = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ListError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise ListError(f"{where}: is a folder — give the list file (.zip, .xlsx or .csv)") \
            from None
    except OSError as exc:
        raise ListError(f"{where}: cannot read it ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ListError(f"{where}: larger than {MAX_FILE_BYTES >> 20} MB — the CMS list is far "
                        "smaller; is this the right file?")
    if not data.strip():
        raise ListError(f"{where}: the file is empty — download the list again")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ListError(f"{where}: this is an old Excel .xls file — save it as .xlsx or CSV")
    if data[:5] == b"%PDF-":
        raise ListError(f"{where}: this is a PDF — give the list's XLSX, CSV or ZIP download")
    if data[:2] == b"PK":
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            _check_zip(zf, where)
            zf.testzip()  # bounded now: every member's size was checked
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            raise ListError(f"{where}: a damaged ZIP/XLSX file ({exc}) — download it again") \
                from None
        with zf:
            if _is_xlsx_zip(zf):
                return "xlsx", _rows_from_xlsx(data, where)
            members = [n for n in zf.namelist()
                       if not n.startswith("__MACOSX/") and not n.endswith("/")
                       and n.lower().endswith((".xlsx", ".csv"))]
            if not members:
                raise ListError(f"{where}: the ZIP holds no .xlsx or .csv file — give the "
                                "list's download from CMS")
            xlsx = [n for n in members if n.lower().endswith(".xlsx")]
            pick = xlsx if xlsx else members
            if len(pick) > 1:
                raise ListError(f"{where}: the ZIP holds several list files ({', '.join(pick)})"
                                " — unzip it and give the one to import")
            name = pick[0]
            try:
                inner = _read_member(zf, name, where)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ListError(f"{where}: {name} in the ZIP is damaged ({exc})") from None
            sub = f"{where}!{name}"
            if name.lower().endswith(".xlsx"):
                return f"zip:{name}", _rows_from_xlsx(inner, sub)
            return f"zip:{name}", _rows_from_csv(inner, sub)
    if b"\x00" in data[:4096]:
        raise ListError(f"{where}: a binary file, not a CSV, XLSX or ZIP")
    return "csv", _rows_from_csv(data, where)


def _find_header(rows: list[list[str]]) -> int | None:
    """First row (in the first HEADER_SCAN_ROWS) with a cell naming the code column (HCPCS,
    CPT, Code) whose first value below is a code."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [c.strip() for c in row]
        if sum(1 for c in cells if c) < 2:
            continue
        for j, c in enumerate(cells):
            if c and CODE_HEADER_RE.search(c) and len(c) <= 60:
                below = [r[j].strip().upper() for r in rows[i + 1:i + 8]
                         if j < len(r) and r[j].strip()]
                if below and CODE_RE.match(below[0]):  # the first value below is a code
                    return i
    return None


def _columns(header: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    cells = [c.strip() for c in header]
    # the code column: a header naming HCPCS/CPT that is not a descriptor column
    for j, c in enumerate(cells):
        if c and CODE_HEADER_RE.search(c) and not DESCRIPTOR_RE.search(c):
            cols["code"] = j
            break
    for j, c in enumerate(cells):
        if j == cols.get("code") or not c:
            continue
        if "audio_only" not in cols and AUDIO_HEADER_RE.search(c):
            cols["audio_only"] = j
        elif "status" not in cols and STATUS_HEADER_RE.search(c) and not DESCRIPTOR_RE.search(c):
            cols["status"] = j
    return cols


def _yes_no(value: str) -> bool | None:
    v = value.strip().lower()
    if v in ("yes", "y", "x", "true", "1"):
        return True
    if v in ("no", "n", "false", "0"):
        return False
    return None


def read_list(path: str | Path) -> TelehealthList:
    kind, rows = read_rows(path)
    where = str(path)
    if not any(any(c.strip() for c in r) for r in rows):
        raise ListError(f"{where}: the file holds no data — download the list again")
    at = _find_header(rows)
    if at is None:
        raise ListError(
            f"{where}: no header row with a code column (HCPCS or CPT) and codes below it in the "
            f"first {HEADER_SCAN_ROWS} rows — this does not look like the CMS List of Medicare "
            "Telehealth Services"
        )
    header = rows[at]
    cols = _columns(header)
    if "code" not in cols:  # pragma: no cover (the header was found by its code column)
        raise ListError(f"{where}:{at + 1}: no code column in the header row")
    entries: dict[str, Entry] = {}
    invalid: list[tuple[int, str]] = []
    started = False
    for n, row in enumerate(rows[at + 1:], start=at + 2):
        raw = row[cols["code"]].strip() if cols["code"] < len(row) else ""
        if not raw:
            continue
        code = raw.upper()
        if not CODE_RE.match(code):
            if not started or re.search(r"\s", raw) or len(raw) > 10 or raw[:1] in "*†‡¹²³":
                if started:
                    break  # a footnote: the list ended
                continue
            invalid.append((n, raw))
            continue
        started = True
        status = None
        if "status" in cols and cols["status"] < len(row):
            status = row[cols["status"]].strip().lower() or None
        audio = None
        if "audio_only" in cols and cols["audio_only"] < len(row):
            audio = _yes_no(row[cols["audio_only"]])
        if code not in entries:
            entries[code] = Entry(code, status, audio)
    if not entries:
        raise ListError(f"{where}:{at + 1}: the header is there but no codes follow — the list "
                        "is empty or cut short")
    names = {role: header[j].strip() for role, j in cols.items()}
    return TelehealthList(where, kind, at + 1, names, entries, invalid)


# ----------------------------------------------------------------------------- compare
def _overlaps(rec: dict[str, Any], start: str, end: str) -> bool:
    return (rec.get("from") or "") <= end and (rec.get("to") is None or rec["to"] >= start)


def explicit_entries(bundle: dict[str, Any], day: str) -> list[dict[str, Any]]:
    """List records in force on `day`."""
    return [e for e in bundle.get("telehealth_list", []) if _overlaps(e, day, day)]


def route_eligible(bundle: dict[str, Any], year: int) -> set[str]:
    """Codes a Medicare route with a telehealth POS can report on some day of `year`."""
    start, end = f"{year}-01-01", f"{year}-12-31"
    out: set[str] = set()
    for r in bundle.get("routes", []):
        if r.get("payer") != PAYER or not r.get("pos") or not _overlaps(r, start, end):
            continue
        lo, hi = max(start, r.get("from") or start), min(end, r.get("to") or end)
        allowed = set(r["codes"]) if r.get("codes") else None
        for c in bundle.get("codes", []):
            if c.get("family") in (r.get("families") or []) and _overlaps(c, lo, hi):
                if allowed is None or c["code"] in allowed:
                    out.add(c["code"])
    return out


def eligible(bundle: dict[str, Any], year: int, day: str | None = None) -> tuple[set[str], str]:
    """(codes, basis): the list records in force on `day` (default: 1 January of `year`)
    when there are any ('list-records'), else derived from the routes ('routes')."""
    entries = explicit_entries(bundle, day or f"{year}-01-01")
    if entries:
        return {c for e in entries for c in e.get("codes") or []}, "list-records"
    return route_eligible(bundle, year), "routes"


@dataclass
class Comparison:
    year: int
    basis: str
    differences: list[dict[str, str]]
    not_in_codebook: list[str]
    routes_disagree: list[dict[str, str]]  # when basis is list-records: routes vs the file


def compare(bundle: dict[str, Any], tl: TelehealthList, year: int,
            day: str | None = None) -> Comparison:
    held = {c["code"] for c in bundle.get("codes", [])}
    on_list = set(tl.entries)
    ours, basis = eligible(bundle, year, day)

    def diffs(against: set[str]) -> list[dict[str, str]]:
        out = []
        for code in sorted((on_list & held) | against):
            if code in on_list and code not in against:
                out.append({"code": code, "codebook": "not_telehealth",
                            "list": tl.entries[code].status or "on_list"})
            elif code in against and code not in on_list:
                out.append({"code": code, "codebook": "telehealth", "list": "not_on_list"})
        return out

    differences = diffs(ours)
    routes_disagree = diffs(route_eligible(bundle, year)) if basis == "list-records" else []
    return Comparison(year, basis, differences, sorted(on_list - held), routes_disagree)


def source_entry(path: str, year: int, sha256: str, accessed: str) -> dict[str, Any]:
    return {
        "id": f"cms-telehealth-list-{year}-{sha256[:8]}",
        "title": f"List of Medicare Telehealth Services for CY{year} ({Path(path).name})",
        "publisher": "Centers for Medicare & Medicaid Services (CMS)",
        "url": "https://www.cms.gov/medicare/coverage/telehealth/list-services",
        "published": str(year),
        "accessed": accessed,
        "kind": "primary",
        "sha256": sha256,
    }
