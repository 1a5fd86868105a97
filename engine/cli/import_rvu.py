"""`telecode import-rvu FILE`: compare a CMS PPRRVU file with the codebook's Medicare status."""

from __future__ import annotations

import argparse
import json
import sys

from engine.cli._common import add_codebook_option, codebook_folder, make_fail

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

DESCRIPTION = """\
Compare the STATUS CODE of a CMS National Physician Fee Schedule Relative Value File
(PPRRVU*.csv, as CMS publishes it) with the codebook's Medicare payment status on the file's
release date (the `RELEASED mm/dd/yyyy` title line; --as-of DATE compares on another date),
for every code the codebook holds.
A code missing from the file counts as deleted. Letters map to the codebook's vocabulary:
A/R/T payable, C contractor_priced, I not_valid, X statutory_exclusion, B bundled,
N non_covered, E excluded, P bundled_or_excluded, M measurement, J anesthesia.
The DESCRIPTION column (AMA text) is never read.
"""

EPILOG = """\
JSON output (--format json):
  {"release": "YYYY-MM-DD",
   "differences": [{"code": "99454", "codebook": "payable", "file": "bundled"}, ...]}
  `codebook` is a status word, or deleted / not_yet_valid (the code's dates) or no_record;
  `file` is a status word, or deleted (not in the file).

--write applies each status difference as dated records in payers/medicare.yaml: the record
in force ends the day before the release date (or --as-of), a new record starts on it citing
the file (added to sources.yaml with its sha256) and runs until the next record or PPRRVU
release the codebook already has: an older release written after a newer one fills only the
days before it; two releases that give a code different statuses from the same day are refused
(exit 2, nothing written). Code dates (deleted / not yet valid) are never
changed automatically: those are listed for a person to check.

--write-payments writes the Medicare payment values of the codebook's codes found in the file
(work, practice expense and malpractice RVUs, the non-facility and facility totals, the
conversion factor) into payments/medicare-<YEAR>.yaml (a later quarter of a year already
held: payments/medicare-<FROM>.yaml), dated from the quarter of the release (a January release
applies from January 1, an October release from October 1) to the end of the year, citing the
file. A schedule ends the day before the next one the codebook holds starts, in whatever order
releases are written; two releases from the same day that differ are refused (exit 2). The site
shows national amounts (total x conversion factor) from them; it never reads CMS files. Only
the rows of the codebook's codes are written.

--write-gpci reads FILE as the CMS GPCI addendum of an RVU package (GPCI<YEAR>.csv, PFS
Addendum E) and writes localities/medicare-<YEAR>.yaml: per payment locality its contractor,
state, locality number, name and work, practice expense and malpractice GPCIs, for the calendar
year the title names; --counties nnLOCCO.csv adds each locality's counties; --release gives the
package's release date (the addendum has none). Another release of the same year: the same
GPCIs keep the newer release; other GPCIs are refused (exit 2: both cover the whole year).
Both files are cited (sources.yaml, with their
sha256). Code pages show a locality's amount: (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x
MP GPCI) x conversion factor.

Exit status: 0 no differences (or all written), 1 differences found (or some left for a
person), 2 unreadable file or codebook.
"""


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    args.codebook = codebook_folder(args.codebook)
    if args.counties and not args.write_gpci:
        return make_fail("import-rvu")("--counties goes with --write-gpci")
    if args.write_gpci:
        return write_gpci(args)
    if args.write_payments:
        return write_payments(args)
    return _compare_statuses(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telecode import-rvu", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE", help="the PPRRVU CSV file")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--write", action="store_true", help="apply the differences as records")
    add_codebook_option(parser)
    parser.add_argument("--release", metavar="YYYY-MM-DD",
                        help="release date, when the file has no RELEASED line")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="compare (and --write) on this date instead of the release date, "
                             "e.g. 2027-01-01 for a January file released in December")
    parser.add_argument("--write-payments", action="store_true",
                        help="write the payment values of the codebook's codes into "
                             "payments/medicare-<YEAR>.yaml (no status comparison)")
    parser.add_argument("--write-gpci", action="store_true",
                        help="FILE is a GPCI addendum (GPCI<YEAR>.csv): write its localities "
                             "into localities/medicare-<YEAR>.yaml (needs --release)")
    parser.add_argument("--counties", metavar="FILE",
                        help="with --write-gpci: the locality-to-county file (nnLOCCO.csv)")
    return parser


def _compare_statuses(args: argparse.Namespace) -> int:
    """The file's status letters against the codebook's Medicare statuses (--write: applied)."""
    from engine.tooling.diff import DiffError, LoadError, load_bundle, parse_when
    from engine.tooling.importers import rvu
    from engine.tooling.write import WriteError

    fail = make_fail("import-rvu")

    try:
        data = rvu.read_pprrvu(args.file)
    except rvu.RvuError as exc:
        return fail(str(exc))
    release = data.release
    if args.release:
        try:
            release = parse_when(args.release, end=False)
        except DiffError as exc:
            return fail(f"--release: {exc}")
    if release is None:
        return fail(f"{args.file}: no 'RELEASED mm/dd/yyyy' line above the header — give the "
                    "release date with --release YYYY-MM-DD")
    try:
        bundle = load_bundle(args.codebook)
    except (LoadError, WriteError) as exc:
        return fail(str(exc))
    as_of = release
    if args.as_of:
        try:
            as_of = parse_when(args.as_of, end=False)
        except DiffError as exc:
            return fail(f"--as-of: {exc}")
    from engine.core.codebook import CodebookError

    try:
        diffs = rvu.compare(bundle, data, as_of)
    except CodebookError as exc:
        return fail(str(exc))
    checked = len({c["code"] for c in bundle.get("codes", [])})

    written: list[str] = []
    manual: list[tuple[rvu.Difference, str]] = []
    if args.write and diffs:
        plan = rvu.plan_write(diffs)
        manual = plan.manual
        if plan.apply:
            problem = _write_statuses(args, bundle, plan.apply, release, as_of, written)
            if problem is not None:
                return fail(problem)
    _report(args, data, diffs, release, as_of, checked, written)
    for d, why in manual:
        print(f"telecode import-rvu: not written: {d.code}: {why}", file=sys.stderr)
    if not diffs:
        return 0
    if args.write and not manual:
        return 0
    return 1


def _write_statuses(args: argparse.Namespace, bundle: dict[str, Any], apply: list[Any],
                    release: str, as_of: str, written: list[str]) -> str | None:
    """Write the status changes `apply` (and cite the file), all or nothing; the records
    written are added to `written`. Returns the problem when nothing could be written."""
    from pathlib import Path

    from engine.tooling.atomic import atomic_files, not_written
    from engine.tooling.importers import rvu
    from engine.tooling.write import StatusChange, WriteError, plan_status_changes

    root = Path(args.codebook)
    try:
        source_id = rvu.source_id_for(bundle, args.file, release)
        changes = [
            StatusChange(d.code, d.file, as_of,
                         {"id": source_id,
                          "locator": f"STATUS CODE column, {d.code}: {d.letter}"})
            for d in apply
        ]
        # planned first: a conflict with another release writes nothing
        pending = plan_status_changes(root, rvu.PAYER, changes, series=rvu.SERIES)
        with atomic_files():  # the source list and the payer's file: both or neither
            rvu.cite_file(bundle, root, args.file, release)
            written += pending.write()
    except WriteError as exc:
        return str(exc)
    except OSError as exc:
        return not_written(root, exc)
    return None


def _report(args: argparse.Namespace, data: Any, diffs: list[Any], release: str, as_of: str,
            checked: int, written: list[str]) -> None:
    """The comparison on stdout: JSON, or the text report (differences, records written)."""
    from engine.tooling.importers import rvu

    if args.format == "json":
        doc = {"release": release, "differences": [d.as_dict() for d in diffs]}
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        when = f"compared on {as_of}" if as_of != release else "compared on that date"
        print(f"{args.file}: released {release}, {when}; {checked} codes of the codebook "
              f"checked against {len(data.statuses)} codes in the file.")
        if data.year and as_of[:4] != str(data.year):
            print(f"Note: the file is for CY{data.year}; if it applies from a later date than "
                  f"{as_of}, give that date with --as-of (e.g. --as-of {data.year}-01-01).")
        if not diffs:
            print("No differences: the codebook's Medicare status agrees with the file.")
        else:
            print(f"{len(diffs)} difference(s) (code: codebook status -> file status):")
            for d in diffs:
                letter = f" ({d.letter})" if d.letter else ""
                print(f"  {d.code}: {d.codebook} -> {d.file}{letter}")
        if written:
            print(f"Written: {len(written)} record(s) in payers/{rvu.PAYER}.yaml: "
                  + ", ".join(written))
            print("Next: telecode validate, then telecode diff to review the change.")


def write_payments(args: argparse.Namespace) -> int:
    """`--write-payments`: the file's payment values for the codebook's codes, as YAML."""
    from pathlib import Path

    from engine.tooling.atomic import atomic_files, not_written
    from engine.tooling.diff import LoadError, load_bundle
    from engine.tooling.importers import rvu, rvu_payments
    from engine.tooling.importers.schedule_dates import place_schedule
    from engine.tooling.write import WriteError, today

    fail = make_fail("import-rvu")
    try:
        pf = rvu_payments.read_payment_file(args.file)
    except rvu.RvuError as exc:
        return fail(str(exc))
    release = args.release or pf.release
    if release is None:
        return fail(f"{args.file}: no 'RELEASED mm/dd/yyyy' line above the header — give the "
                    "release date with --release YYYY-MM-DD")
    start = args.as_of or pf.applies_from()
    if start is None:
        return fail(f"{args.file}: the title names no year — give the first day the values "
                    "apply to with --as-of YYYY-MM-DD")
    try:
        bundle = load_bundle(args.codebook)
    except (LoadError, WriteError) as exc:
        return fail(str(exc))
    root = Path(args.codebook)
    try:
        doc = rvu_payments.schedule(
            bundle, pf, rvu.source_id_for(bundle, args.file, release),
            "WORK RVU, PE RVU, MP RVU, TOTAL and CONV FACTOR columns",
            today(), start, f"{start[:4]}-12-31")
        place = place_schedule(root, doc)  # among the schedules held; a conflict writes nothing
        if place.kept:
            print(f"{args.file}: released {release}; nothing written: {place.kept}.")
            return 0
        with atomic_files():  # the source list and the payments files: all or none
            rvu.cite_file(bundle, root, args.file, release)
            place.write()
    except WriteError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(not_written(root, exc))
    n, out, end = len(doc["schedule"]["values"]), place.path, doc["schedule"]["to"]
    print(f"{args.file}: released {release}; wrote the payment values of {n} codes of the "
          f"codebook (dates of service {start} to {end or 'open'}) to "
          f"payments/{out.name}, conversion factor {doc['schedule']['conversion_factor']}.")
    for path, ended in place.ended:
        print(f"payments/{path.name}: {ended['schedule'].get('id')} now ends "
              f"{ended['schedule']['to']}.")
    print("Next: telecode validate, then telecode compile.")
    return 0


def write_gpci(args: argparse.Namespace) -> int:
    """`--write-gpci`: a GPCI addendum's localities (and their counties) as YAML."""
    from pathlib import Path

    from engine.tooling.atomic import atomic_files, not_written
    from engine.tooling.diff import DiffError, LoadError, load_bundle, parse_when
    from engine.tooling.importers import gpci, rvu
    from engine.tooling.write import WriteError, dump_rt, ensure_source, sha256_of, today

    fail = make_fail("import-rvu")
    if not args.release:
        return fail("--write-gpci: give the release date of the RVU package the file comes "
                    "from with --release YYYY-MM-DD (the GPCI addendum does not print it)")
    try:
        release = parse_when(args.release, end=False)
    except DiffError as exc:
        return fail(f"--release: {exc}")
    try:
        gf = gpci.read_gpci(args.file)
        counties = gpci.read_counties(args.counties) if args.counties else None
    except rvu.RvuError as exc:
        return fail(str(exc))
    if gf.year is None:
        return fail(f"{args.file}: the title names no year (CY <year>)")
    if counties is not None:
        unmatched = [f"{loc.mac}/{loc.locality}" for loc in gf.localities
                     if (loc.mac, loc.locality) not in counties]
        if unmatched:
            return fail(f"{args.counties}: no counties for contractor/locality "
                        f"{', '.join(unmatched[:5])}{' ...' if len(unmatched) > 5 else ''} of "
                        f"{args.file} — are the two files of the same year?")
    try:
        bundle = load_bundle(args.codebook)
    except (LoadError, WriteError) as exc:
        return fail(str(exc))
    root = Path(args.codebook)
    files = [("gpci", args.file, "work, PE and MP GPCI columns by locality")]
    if args.counties:
        files.append(("locco", args.counties, "counties of each locality"))
    try:
        cited, entries = [], []
        for kind, path, locator in files:
            digest = sha256_of(path)
            known, new = gpci.source_id(bundle.get("sources", []), kind, gf.year, release,
                                        digest)
            if new:
                entries.append({**gpci.source_entry(kind, path, gf.year, release, digest,
                                                    today()), "id": known})
            cited.append({"id": known, "locator": locator})
        doc = gpci.document(gf, counties, release, cited, today())
        kept = gpci.kept_or_refused(root, doc)  # another release of the year: a conflict
        if kept:
            print(f"{args.file}: release {release}; nothing written: {kept}.")
            return 0
        out = root / "localities" / f"medicare-{gf.year}.yaml"
        out.parent.mkdir(exist_ok=True)
        with atomic_files():  # the source list and the localities file: both or neither
            for entry in entries:
                ensure_source(root, entry)
            dump_rt(doc, out)
    except WriteError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(not_written(root, exc))
    print(f"{args.file}: {len(gf.localities)} localities of CY{gf.year} (release {release}) "
          f"written to localities/{out.name}"
          + (", with their counties" if counties else "") + ".")
    print("Next: telecode validate, then telecode compile.")
    return 0
