"""Medicare geographic practice cost indices (GPCIs) by payment locality, from the CMS files of
an RVU package: the GPCI addendum (`GPCI2025.csv`, PFS Addendum E) and, optionally, the
locality-to-county crosswalk (`25LOCCO.csv`).

`telecode import-rvu GPCI2025.csv --write-gpci --release 2025-09-11 [--counties 25LOCCO.csv]`
writes `codebook/localities/medicare-<year>.yaml`: per locality its contractor (MAC) number,
state, locality number, name, counties, and the work, practice expense and malpractice GPCIs,
dated for the calendar year the title names and citing both files. A locality's payment for a
code is (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor
(engine/core/payments.py, locality_amount). Columns are found by their header words.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from engine.tooling.importers.rvu import RvuError

__all__ = ["GpciFile", "Locality", "document", "read_counties", "read_gpci", "source_entry"]

HEADER_START = "medicare administrative contractor"
# value key -> words the header cell starts with / contains
COLUMNS = {"mac": "medicare administrative contractor", "state": "state",
           "locality": "locality number", "name": "locality name", "work": "pw gpci",
           "pe": "pe gpci", "mp": "mp gpci"}
_YEAR = re.compile(r"\bCY\s*(\d{4})\b", re.IGNORECASE)


@dataclass
class Locality:
    mac: str
    state: str
    locality: str
    name: str
    work: Decimal
    pe: Decimal
    mp: Decimal
    counties: str | None = None


@dataclass
class GpciFile:
    path: str
    year: int | None
    localities: list[Locality] = field(default_factory=list)


def _rows(path: str) -> list[list[str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read(1 << 22)
    except FileNotFoundError:
        raise RvuError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RvuError(f"{path}: cannot read it ({exc})") from None
    try:
        return list(csv.reader(text.splitlines()))
    except csv.Error as exc:
        raise RvuError(f"{path}: the CSV is damaged ({exc})") from None


def _number(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise RvuError(f"{where}: {text!r} is not a number — the file looks damaged") from None
    if not value.is_finite() or value < 0:
        raise RvuError(f"{where}: {text!r} is not an index — the file looks damaged")
    return value


def read_gpci(path: str | Path) -> GpciFile:
    """The localities of a CMS GPCI addendum (RvuError when it is not one)."""
    path = str(path)
    rows = _rows(path)
    at = next((i for i, r in enumerate(rows)
               if r and r[0].strip().lower().startswith(HEADER_START)), None)
    if at is None:
        raise RvuError(f"{path}: no header line starting 'Medicare Administrative Contractor' "
                       "— is this the CMS GPCI addendum (GPCI<year>.csv)?")
    header = [c.strip().lower() for c in rows[at]]
    cols: dict[str, int] = {}
    for key, words in COLUMNS.items():
        found = [j for j, h in enumerate(header) if words in h]
        if len(found) != 1:
            raise RvuError(f"{path}:{at + 1}: no single column with {words!r} in its name")
        cols[key] = found[0]
    title = " ".join(" ".join(r) for r in rows[:at])
    m = _YEAR.search(title)
    out = GpciFile(path, int(m.group(1)) if m else None)
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows[at + 1:], start=at + 2):
        if len(row) <= max(cols.values()) or not re.fullmatch(r"\d{4,5}", row[cols["mac"]].strip()):
            continue  # notes and blank lines
        where = f"{path}:{n}"
        loc = Locality(
            mac=row[cols["mac"]].strip().zfill(5),
            state=row[cols["state"]].strip().upper(),
            locality=row[cols["locality"]].strip().zfill(2),
            name=" ".join(row[cols["name"]].replace("*", " ").split()),
            work=_number(row[cols["work"]], where), pe=_number(row[cols["pe"]], where),
            mp=_number(row[cols["mp"]], where))
        if not re.fullmatch(r"[A-Z]{2}", loc.state) or not re.fullmatch(r"\d{2}", loc.locality):
            raise RvuError(f"{where}: state {loc.state!r} or locality {loc.locality!r} is not "
                           "what a GPCI row holds")
        if (loc.mac, loc.locality) in seen:
            raise RvuError(f"{where}: contractor {loc.mac} locality {loc.locality} appears twice")
        seen.add((loc.mac, loc.locality))
        out.localities.append(loc)
    if not out.localities:
        raise RvuError(f"{path}: no locality rows after the header — the file is cut short")
    return out


def read_counties(path: str | Path) -> dict[tuple[str, str], str]:
    """(MAC, locality) -> the counties it covers, from a CMS locality crosswalk (nnLOCCO.csv)."""
    path = str(path)
    rows = _rows(path)
    at = next((i for i, r in enumerate(rows) if r and "contractor" in r[0].strip().lower()
               and len(r) >= 5 and "counties" in r[4].strip().lower()), None)
    if at is None:
        raise RvuError(f"{path}: no header line 'Medicare Administrative Contractor, Locality "
                       "Number, State, Fee Schedule Area, Counties' — is this the CMS county "
                       "crosswalk (nnLOCCO.csv)?")
    out: dict[tuple[str, str], str] = {}
    for row in rows[at + 1:]:
        if len(row) < 5 or not re.fullmatch(r"\d{4,5}", row[0].strip()) or not re.fullmatch(
                r"\d{1,2}", row[1].strip()):
            continue
        out[(row[0].strip().zfill(5), row[1].strip().zfill(2))] = " ".join(row[4].split())
    if not out:
        raise RvuError(f"{path}: no locality rows after the header — the file is cut short")
    return out


def source_entry(kind: str, path: str, year: int, release: str, sha256: str,
                 accessed: str) -> dict[str, Any]:
    """The sources.yaml entry for the GPCI addendum (`gpci`) or the county crosswalk."""
    what = ("Geographic practice cost indices by locality (PFS Addendum E)" if kind == "gpci"
            else "Payment localities and their counties")
    return {
        "id": f"cms-{kind}-{year}",
        "title": f"CY{year} Medicare physician fee schedule: {what}, in the RVU package "
                 f"released {release} ({Path(path).name})",
        "publisher": "Centers for Medicare & Medicaid Services (CMS)",
        "url": "https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files",
        "published": release,
        "accessed": accessed,
        "kind": "primary",
        "sha256": sha256,
    }


def document(gf: GpciFile, counties: dict[tuple[str, str], str] | None, release: str,
             sources: list[dict[str, str]], verified: str) -> dict[str, Any]:
    """The localities/medicare-<year>.yaml document."""
    year = gf.year
    entries = []
    for loc in gf.localities:
        entry: dict[str, Any] = {"mac": loc.mac, "state": loc.state, "locality": loc.locality,
                                 "name": loc.name}
        where = (counties or {}).get((loc.mac, loc.locality))
        if where:
            entry["counties"] = where
        entry.update(work=float(loc.work), pe=float(loc.pe), mp=float(loc.mp))
        entries.append(entry)
    return {"localities": {
        "id": f"medicare-gpci-{year}",
        "payer": "medicare",
        "title": f"Medicare geographic practice cost indices by locality, CY{year} "
                 f"({release} release)",
        "release": release,
        "from": f"{year}-01-01",
        "to": f"{year}-12-31",
        "localities": entries,
        "sources": sources,
        "last_verified": verified,
        "evidence": "verified",
    }}


def source_id(sources: list[dict[str, Any]], kind: str, year: int, release: str,
              digest: str) -> tuple[str, bool]:
    """(the id to cite for a file, whether sources.yaml needs its entry): the source with its
    sha256, else cms-<kind>-<year> — or, when that id already names another file (another
    release of the year), cms-<kind>-<year>-<release>."""
    known = next((str(s["id"]) for s in sources if s.get("sha256") == digest), None)
    if known is not None:
        return known, False
    ids = {str(s.get("id")) for s in sources}
    base = f"cms-{kind}-{year}"
    return (base if base not in ids else f"{base}-{release}"), True


def _indices(doc: Any) -> dict[tuple[str, str], tuple[float, float, float]]:
    return {(str(x.get("mac")), str(x.get("locality"))):
            (float(x.get("work")), float(x.get("pe")), float(x.get("mp")))
            for x in doc.get("localities") or [] if isinstance(x, dict)}


def kept_or_refused(root: Path, doc: dict[str, Any]) -> str | None:
    """Whether the year's localities file may be replaced by `doc`: None (write it), the reason
    to write nothing (it holds the same GPCIs from a newer release), or WriteError when another
    release of the same year gives other GPCIs: both cover the whole year, so they conflict."""
    from engine.tooling.write import WriteError, load_rt

    new = doc["localities"]
    path = root / "localities" / f"{new['payer']}-{str(new['from'])[:4]}.yaml"
    if not path.exists():
        return None
    held = load_rt(path)
    old = held.get("localities") if isinstance(held, dict) else None
    if not isinstance(old, dict):
        return None
    o_release, release = str(old.get("release")), str(new["release"])
    if o_release == release:
        return None  # the same release again (counties added, say): replaced
    rel = path.relative_to(root).as_posix()
    before, after = _indices(old), _indices(new)
    if before != after:
        where = next(k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k))
        newer = max(o_release, release)
        raise WriteError(
            f"{rel}: the {o_release} release and the {release} release give different GPCIs "
            f"for CY{str(new['from'])[:4]} (contractor {where[0]}, locality {where[1]}) — the "
            "two releases conflict over the whole year; nothing was written. If the "
            f"{newer} release corrects the other, remove {rel} and import the {newer} one")
    if o_release > release:
        return f"{rel} already holds the same GPCIs from the newer {o_release} release"
    return None
