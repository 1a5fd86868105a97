"""`telecode import-cms-list FILE --year YEAR`: compare the CMS telehealth list."""

from __future__ import annotations

import argparse
import json
import sys

from engine.cli._common import add_codebook_option, codebook_folder, make_fail

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

DESCRIPTION = """\
Compare the CMS List of Medicare Telehealth Services for YEAR (a .zip holding an .xlsx or
.csv, an .xlsx, or a .csv, as CMS publishes it) with the codebook's Medicare telehealth
eligibility for that year. The header row is found by its code column (HCPCS / CPT) and the
columns by name (code; optional status such as Permanent/Provisional; optional audio-only).
The short-descriptor column (AMA text) is never read.

The codebook's eligibility: the records of policies/medicare-telehealth-list.yaml in force on
the date (1 January of YEAR, or --from) when there are any; otherwise derived from the routes
(the codes a Medicare route with a telehealth place of service can report in YEAR).
Codes on the list that the codebook does not hold are listed as "not in codebook" and are
never written.
"""

EPILOG = """\
JSON output (--format json):
  {"year": 2025, "basis": "routes" | "list-records",
   "differences": [{"code": "99211", "codebook": "telehealth" | "not_telehealth",
                    "list": "not_on_list" | "on_list" | "<status column value>"}],
   "not_in_codebook": ["90785", ...],
   "invalid": [{"row": 12, "value": "9921"}],
   "routes_disagree": [...same shape as differences: routes vs the list, when basis is
                       list-records...]}

--write records the list's codes that the codebook holds as dated records in
policies/medicare-telehealth-list.yaml (from 1 January of YEAR, or --from, to 31 December),
grouped by the list's status, citing the file (added to sources.yaml with its sha256).
Routes are never changed automatically: `routes_disagree` lists what a person should check.

Exit status: 0 no differences (or written), 1 differences found, 2 unreadable file or
codebook (nothing is changed).
"""


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    args.codebook = codebook_folder(args.codebook)

    from engine.tooling.diff import DiffError, LoadError, load_bundle, parse_when
    from engine.tooling.importers import cms_list
    from engine.tooling.write import WriteError

    fail = make_fail("import-cms-list")

    year = args.year
    if not 1990 <= year <= 2100:
        return fail(f"--year {year}: give a calendar year such as 2026")
    start = f"{year}-01-01"
    if args.start:
        try:
            start = parse_when(args.start, end=False)
        except DiffError as exc:
            return fail(f"--from: {exc}")
        if not start.startswith(f"{year}-"):
            return fail(f"--from {start} is not in {year}")
    try:
        tl = cms_list.read_list(args.file)
    except cms_list.ListError as exc:
        return fail(str(exc))
    try:
        bundle = load_bundle(args.codebook)
    except (LoadError, WriteError) as exc:
        return fail(str(exc))
    result = cms_list.compare(bundle, tl, year, start)

    written: list[str] = []
    if args.write and result.differences:
        problem = _write_list(args, bundle, tl, start, written)
        if problem is not None:
            return fail(problem)
    _report(args, tl, result, written)
    if not result.differences or written:
        return 0
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telecode import-cms-list", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE", help="the list: .zip, .xlsx or .csv")
    parser.add_argument("--year", required=True, type=int, help="the calendar year of the list")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--write", action="store_true", help="record the list as dated records")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                        help="first day the list holds (default: 1 January of YEAR; give the "
                             "day of a mid-year revision)")
    add_codebook_option(parser)
    return parser


def _write_list(args: argparse.Namespace, bundle: dict[str, Any], tl: Any, start: str,
                written: list[str]) -> str | None:
    """Record the list's codes the codebook holds (and cite the file), all or nothing; the
    records written are added to `written`. Returns the problem when nothing was written."""
    from pathlib import Path

    from engine.tooling.atomic import atomic_files, not_written
    from engine.tooling.importers import cms_list
    from engine.tooling.write import (
        WriteError,
        add_telehealth_list_entries,
        ensure_source,
        sha256_of,
        today,
    )

    year = args.year
    root = Path(args.codebook)
    held = {c["code"] for c in bundle.get("codes", [])}
    groups: dict[str | None, list[str]] = {}
    for code, entry in tl.entries.items():
        if code in held:
            status = entry.status if entry.status in ("permanent", "provisional") else None
            groups.setdefault(status, []).append(code)
    digest = sha256_of(args.file)
    entry = cms_list.source_entry(args.file, year, digest, today())
    existing = [s for s in bundle.get("sources", []) if s.get("sha256") == digest]
    source_id = existing[0]["id"] if existing else entry["id"]
    column = tl.columns.get("code", "code")
    try:
        with atomic_files():  # every file the list touches, and the source list: all or none
            if groups:
                written += add_telehealth_list_entries(
                    root, groups, start, f"{year}-12-31",
                    {"id": source_id, "locator": f"CY{year} list, column '{column}'"})
                if not existing:
                    ensure_source(root, entry)
    except WriteError as exc:
        return str(exc)
    except OSError as exc:
        return not_written(root, exc)
    return None


def _report(args: argparse.Namespace, tl: Any, result: Any, written: list[str]) -> None:
    """The comparison on stdout: JSON, or the text report."""
    year = args.year
    if args.format == "json":
        doc = {
            "year": year,
            "basis": result.basis,
            "differences": result.differences,
            "not_in_codebook": result.not_in_codebook,
            "invalid": [{"row": r, "value": v} for r, v in tl.invalid],
            "routes_disagree": result.routes_disagree,
        }
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        cols = ", ".join(f"{k}: '{v}'" for k, v in sorted(tl.columns.items()))
        print(f"{args.file}: {len(tl.entries)} codes on the list (header row {tl.header_row}; "
              f"{cols}).")
        basis = ("the list records in policies/medicare-telehealth-list.yaml"
                 if result.basis == "list-records" else "the Medicare telehealth routes")
        print(f"Compared with the codebook's Medicare telehealth codes for {year} ({basis}).")
        if not result.differences:
            print("No differences.")
        else:
            print(f"{len(result.differences)} difference(s) (code: codebook -> list):")
            for d in result.differences:
                print(f"  {d['code']}: {d['codebook']} -> {d['list']}")
        if result.not_in_codebook:
            print(f"Not in codebook ({len(result.not_in_codebook)}, not written): "
                  + ", ".join(result.not_in_codebook))
        for row, value in tl.invalid:
            print(f"  row {row}: {value!r} is not a code (^[0-9A-Z]{{5}}$); skipped")
        if result.routes_disagree:
            print("Routes that disagree with the list (check by hand):")
            for d in result.routes_disagree:
                print(f"  {d['code']}: routes {d['codebook']} -> list {d['list']}")
        if written:
            print(f"Written: {', '.join(written)} in policies/medicare-telehealth-list.yaml.")
            print("Next: telecode validate, then telecode diff to review the change.")
