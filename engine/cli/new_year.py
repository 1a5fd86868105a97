"""`telecode new-year YEAR`: write the yearly review worksheet (Markdown and CSV)."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli._common import add_codebook_option, codebook_folder, make_fail

DESCRIPTION = """\
Prepare the review for YEAR: a worksheet listing every record still open at the end of
YEAR-1 (codes, payment status, routes, rules, modifiers, places of service, flexibility
periods, source conflicts) with its file:line, sources and last_verified, the questions a
maintainer must answer for YEAR (generated from the data), and the commands to run next.
Writes DIR/new-year-YEAR.md and DIR/new-year-YEAR.csv. Changes no data.
"""


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="telecode new-year", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("year", metavar="YEAR", help="the year to prepare, e.g. 2027")
    parser.add_argument("-o", "--output", metavar="DIR",
                        help="folder for the worksheet (default: review-YEAR)")
    add_codebook_option(parser)
    args = parser.parse_args(argv)
    args.codebook = codebook_folder(args.codebook)

    from engine.tooling import new_year
    from engine.tooling.atomic import atomic_write_text
    from engine.tooling.diff import LoadError, load_bundle
    from engine.tooling.write import WriteError, compile_with_locations

    fail = make_fail("new-year")

    if not (args.year.isdigit() and len(args.year) == 4):
        return fail(f"{args.year!r} is not a year — give one like 2027")
    year = int(args.year)
    try:
        if Path(args.codebook).is_dir():
            bundle, where = compile_with_locations(args.codebook)
        else:
            bundle, where = load_bundle(args.codebook), {}
    except (LoadError, WriteError) as exc:
        return fail(str(exc))
    first = int(str(((bundle.get("meta") or {}).get("covers") or {}).get("from") or "0")[:4])
    if year <= first:
        return fail(f"{year} is not after the codebook's first covered year ({first}) — "
                    "there is no previous year to review")
    ws = new_year.build(bundle, year, where)
    out = Path(args.output or f"review-{year}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        md = out / f"new-year-{year}.md"
        cs = out / f"new-year-{year}.csv"
        name = str((bundle.get("meta") or {}).get("name") or "the codebook")
        # each file appears whole or not at all (a failure keeps last run's files)
        atomic_write_text(md, new_year.to_markdown(ws, name))
        atomic_write_text(cs, new_year.to_csv(ws))
    except OSError as exc:
        return fail(f"{out}: cannot write the worksheet ({exc.strerror})")
    print(f"Wrote {md} and {cs}: {len(ws.rows)} open records, {len(ws.questions)} questions "
          "for the whole codebook. Nothing in the codebook was changed.")
    print("Next:")
    for c in ws.commands:
        print(f"  {c}")
    return 0
