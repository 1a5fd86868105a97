"""`telecode claims INPUT [-o OUT] [--format csv|jsonl|html] [--summary FILE]`: check claim
lines as a claim shows them (X12 837P, FHIR R4 Claim/ExplanationOfBenefit/Bundle, claim-line
CSV/JSONL), one output row per claim line in input order.

Exit status: 0 when the file was read (whatever the verdicts; with --strict, 1 when a line has
an error verdict); 2 for bad arguments or an unreadable or malformed file (the message names
the line or segment). Output files are written to a temporary file and renamed at the end
(engine/tooling/atomic.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from engine.cli._common import USAGE_ERROR, guarded, make_fail

_fail = make_fail("claims")
OUT_FORMATS = ("csv", "jsonl", "html")
IN_FORMATS = ("csv", "jsonl", "fhir", "x12")
DEFAULT_SITE = os.environ.get("TELECODE_SITE_URL", "http://127.0.0.1:8000/")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="telecode claims",
        description="Check claim lines (X12 837P, FHIR R4 Claim/ExplanationOfBenefit/Bundle, "
        "or CSV/JSONL with claim_id, line, date_of_service, payer, code, modifiers, pos, "
        "units) before submission: one row per line with its verdict, reasons and the "
        "corrected line where the rules imply one.")
    p.add_argument("input", metavar="INPUT", help="the claim file")
    p.add_argument("-o", "--output", metavar="OUT", default="-",
                   help="output file (default: standard output)")
    p.add_argument("--format", choices=OUT_FORMATS, default=None,
                   help="output format (default: from OUT's extension, else csv)")
    p.add_argument("--input-format", choices=IN_FORMATS, default=None,
                   help="input format (default: detected from the content)")
    p.add_argument("--summary", metavar="FILE", help="also write the summary by reason as JSON")
    p.add_argument("--payer-map", metavar="FILE",
                   help="JSON object or CSV (payer_id,payer) mapping a payer id of the file "
                   "(X12 NM1*PR, FHIR insurer/insurance) to medicare, medicare_advantage, "
                   "commercial or medicaid; it refines the payer type of the file")
    p.add_argument("--site-url", default=DEFAULT_SITE,
                   help="the site the HTML report links to (default: %(default)s)")
    p.add_argument("--codebook", metavar="FILE", help="compiled codebook bundle (JSON)")
    p.add_argument("--payer-profiles", metavar="DIR", default=None,
                   help="a folder of your own payer profiles (YAML or JSON; default: "
                        "$TELECODE_PAYER_PROFILES)")
    p.add_argument("--payments", action="store_true",
                   help="add the line's Medicare national amount (columns "
                        "medicare_national_amount, medicare_nonfacility_amount, "
                        "medicare_facility_amount; Medicare lines only; csv and jsonl)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a line has an error")
    p.add_argument("--quiet", action="store_true", help="no summary on standard error")
    return p


def run(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return guarded("claims", lambda: _run(args))


def _payer_map(path: str) -> dict[str, str]:
    from engine.batch.claims.fields import ClaimFileError, parse_payer

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimFileError(f"{path}: cannot read the payer map ({exc})") from None
    out: dict[str, str] = {}
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ClaimFileError(f"{path}: the payer map is not JSON ({exc})") from None
        items = [(str(k), str(v)) for k, v in data.items()]
    else:
        import csv

        rows = list(csv.reader(text.splitlines()))
        if rows and [c.strip().lower() for c in rows[0][:2]] == ["payer_id", "payer"]:
            rows = rows[1:]
        items = []
        for n, r in enumerate(rows, start=2):
            if len(r) < 2:
                raise ClaimFileError(f"{path}, line {n}: expected payer_id,payer")
            items.append((r[0], r[1]))
    for key, value in items:
        out[key.strip().upper()] = parse_payer(value)
    return out


def _payments(cb):  # noqa: ANN001, ANN202 - a Codebook; a line's payment cells
    from engine.batch.results import PaymentCells

    cells = PaymentCells(cb).cells
    return lambda ln: cells(({"code": ln.code, "pos": ln.pos, "units": ln.units},),
                            ln.date_of_service, ln.payer)


def _run(args: argparse.Namespace) -> int:
    from engine.batch.claims import ClaimFileError, check_lines, detect_format, read_claims
    from engine.batch.claims.report import summary, summary_text, write_csv, write_jsonl
    from engine.core.claim import ClaimChecker
    from engine.core.codebook import CodebookError
    from engine.tooling.atomic import atomic_output, same_file

    if not os.path.isfile(args.input):
        return _fail(f"{args.input}: no such file")
    out_fmt = args.format
    if out_fmt is None:
        ext = os.path.splitext(args.output)[1].lower().lstrip(".")
        out_fmt = ext if args.output != "-" and ext in OUT_FORMATS else "csv"
    if args.output != "-":
        if same_file(args.input, args.output):
            return _fail(f"{args.output}: the output would overwrite the input")
        if not os.path.isdir(os.path.dirname(os.path.abspath(args.output))):
            return _fail(f"{args.output}: its folder does not exist")
    if args.summary:
        for other, what in ((args.input, "the input"), (args.output, "the output")):
            if other != "-" and (same_file(args.summary, other) or os.path.realpath(
                    args.summary) == os.path.realpath(other)):
                return _fail(f"{args.summary}: the summary would overwrite {what}")
    from engine.cli._profiles import ProfileProblems, load_with_profiles

    try:
        cb = load_with_profiles(args.codebook, args.payer_profiles)
    except (CodebookError, ProfileProblems) as exc:
        return _fail(str(exc))
    try:
        payer_map = _payer_map(args.payer_map) if args.payer_map else None
        fmt = args.input_format
        if fmt is None:
            with open(args.input, encoding="utf-8", errors="replace") as fh:
                fmt = detect_format(args.input, fh.read(8192))
        if fmt == "csv" and not args.payments:  # the fast path: rows rendered as they are read
            from engine.batch.claims.fast_csv import check_csv_file

            lines, results, claim_ids = check_csv_file(
                args.input, ClaimChecker(cb), out_fmt if out_fmt != "html" else "lines")
        else:
            lines, results = check_lines(read_claims(args.input, fmt, payer_map),
                                         ClaimChecker(cb))
            claim_ids = [ln.claim_id for ln in lines]
    except ClaimFileError as exc:
        return _fail(str(exc))
    data = summary(cb, args.input, fmt, claim_ids, results, args.site_url)
    extra = {"payments": _payments(cb)} if args.payments else {}
    if extra and out_fmt == "html":
        return _fail("--payments adds columns to csv and jsonl output, not to the html report")

    def write(out) -> None:  # noqa: ANN001 - a text file
        if out_fmt == "csv":
            write_csv(out, lines, results, **extra)
        elif out_fmt == "jsonl":
            write_jsonl(out, lines, results, **extra)
        else:
            from engine.batch.claims.html import write_html
            write_html(out, cb, data, lines, results, args.site_url)

    try:
        if args.output == "-":
            write(sys.stdout)
            sys.stdout.flush()
        else:
            with atomic_output(args.output, newline="", errors="backslashreplace") as out:
                write(out)
        if args.summary:
            with atomic_output(args.summary, errors="backslashreplace") as sf:
                json.dump(data, sf, indent=2, ensure_ascii=False)
                sf.write("\n")
    except OSError as exc:
        return _fail(f"cannot write the output ({exc.strerror or exc})")
    if not args.quiet:
        print(summary_text(data), file=sys.stderr)
    if args.strict and data["verdicts"]["error"]:
        return 1
    return 0


__all__ = ["run", "USAGE_ERROR"]
