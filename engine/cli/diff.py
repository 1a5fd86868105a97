"""`telecode diff FROM TO`: value-level changes between the codebook on two dates."""

from __future__ import annotations

import argparse
import sys

from engine.cli._common import add_codebook_option, make_fail

DESCRIPTION = """\
Show every value that differs between the codebook in force on FROM and on TO: codes added
and ended, changed code values (label, time band, ...), payment status per payer, routes
(what a payer wants reported per modality: codes, modifiers, POS), rules and windows,
modifier and POS use per payer, the Medicare flexibilities state, source conflicts, and
the CMS telehealth list where the codebook records it.

FROM and TO are dates (2025-01-01) or years. A year as FROM means its last day, a year as
TO its first day: `telecode diff 2024 2025` compares 2024-12-31 with 2025-01-01, i.e. the
changes that took effect on New Year's Day 2025. (Mid-year changes: give dates, or see the
site's /changes/<year>/ page, which lists every change date of the year.)

--before PATH reads FROM from another codebook (a folder or compiled bundle) and TO from this
one: after a provisional year is reviewed, `telecode diff 2027-01-01 2027-01-01 --before
OLD.json` lists what the review changed relative to the provisional answers on that day
(OLD.json: `telecode compile` of the codebook before the review).
"""

EPILOG = """\
JSON output (--format json), keys sorted:
  {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD",
   "counts": {"<kind>.<change>": n, ...},
   "changes": [{"kind":   "code" | "status" | "route" | "rule" | "modifier" |
                          "place_of_service" | "flexibility" | "conflict" |
                          "telehealth_list",
                "change": "added" | "ended" | "changed",
                "key":    what changed ("98016", "medicare 98016", route key, rule id, ...),
                "code":   the code (or modifier / POS code) or null,
                "payer":  payer id or null,
                "field":  the changed field (comma-separated for routes), null if added/ended,
                "before": the old value (null if added), "after": the new value (null if ended),
                "effective": first day the new value holds, or null,
                "text":   one line in plain words}, ...]}
Changes are ordered by kind (as listed), payer, code/key, then field.

Exit status: 0 (also when there are no changes), 2 for bad arguments or an unreadable codebook.
"""


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="telecode diff",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("from_", metavar="FROM", help="year or YYYY-MM-DD")
    parser.add_argument("to", metavar="TO", help="year or YYYY-MM-DD")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument("--before", metavar="PATH",
                        help="read FROM from this codebook folder or compiled bundle instead")
    # None: load_bundle takes codebook/ of this clone, else the engine's compiled bundle
    add_codebook_option(
        parser, metavar="PATH",
        help="codebook folder or compiled bundle (default: codebook/ of this clone, else the "
        "engine's compiled bundle)")
    args = parser.parse_args(argv)
    fail = make_fail("diff")

    from engine.tooling.diff import (
        DiffError,
        LoadError,
        diff_bundle,
        load_bundle,
        parse_when,
        render_json,
        render_markdown,
        render_text,
    )
    from engine.tooling.write import WriteError

    try:
        d1 = parse_when(args.from_, end=True)
        d2 = parse_when(args.to, end=False)
        bundle = load_bundle(args.codebook)
        before = load_bundle(args.before) if args.before is not None else None
    except (DiffError, LoadError, WriteError) as exc:
        return fail(str(exc))
    changes = (diff_bundle(bundle, d1, d2) if before is None
               else diff_bundle(before, d1, d2, after=bundle))
    if args.format == "json":
        sys.stdout.write(render_json(changes, d1, d2))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(
            changes, heading_level=1, title=f"Changes from {d1} to {d2}"))
    else:
        sys.stdout.write(render_text(changes, d1, d2))
    return 0
