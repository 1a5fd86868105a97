"""`telecode validate [PATH] [--stale-after N] [--today DATE] [--format text|json] [--list-rules]`.

Exit 0 with a one-line summary when valid; exit 1 listing every problem as
``file:line: entry-id: what is wrong — how to fix it`` (sorted by file and line). With
``--stale-after 12m`` (or 90d, 1y), also warns about records whose last_verified is older than
that (warnings never change the exit status). Exit 2 for bad options, 3 for an internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from engine.cli._common import guarded


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telecode validate", description="Validate the codebook (schema + lint rules)."
    )
    parser.add_argument(
        "path", nargs="?", help="codebook folder (default: codebook/ of this clone)"
    )
    parser.add_argument(
        "--stale-after", metavar="N",
        help="warn about records last verified more than N ago (e.g. 90d, 12m, 1y)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text",
        help="text (default) or json: {ok, summary, counts, problems, warnings}",
    )
    parser.add_argument(
        "--list-rules", action="store_true", help="list the lint rules and exit"
    )
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD",
        help="the date to check against (default: today); for tests and reviews",
    )
    return parser


def run(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from engine.tooling.validate import parse_duration

    stale = None
    if args.stale_after is not None:
        try:
            stale = parse_duration(args.stale_after)
        except ValueError as exc:
            parser.error(str(exc))
    today = None
    if args.today is not None:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            parser.error(f"--today {args.today!r} is not a date YYYY-MM-DD")
    if args.list_rules:
        return guarded("validate", _list_rules)
    return guarded("validate", lambda: _validate(args, stale, today))


def _list_rules() -> int:
    from engine.tooling.lint import rule_modules

    modules = rule_modules()
    width = max(len(m.RULE) for m in modules)
    print(f"{'schema':<{width}}  every file matches its JSON Schema (codebook/schema/)")
    for module in modules:
        print(f"{module.RULE:<{width}}  {module.DESCRIPTION}")
    return 0


def _validate(args: argparse.Namespace, stale: dt.timedelta | None, today: dt.date | None) -> int:
    from engine.tooling.paths import CODEBOOK_DIR
    from engine.tooling.validate import validate_codebook

    root = Path(args.path) if args.path else CODEBOOK_DIR
    report = validate_codebook(root, today=today, stale_after=stale)
    if args.format == "json":
        def rows(problems: list) -> list[dict[str, object]]:
            return [{"file": p.file, "line": p.line, "entry": p.entry, "what": p.what,
                     "fix": p.fix, "rule": p.rule, "text": str(p)} for p in problems]

        out = {"ok": report.ok, "summary": report.summary() if report.ok else None,
               "counts": report.counts(), "problems": rows(report.problems),
               "warnings": rows(report.warnings)}
        print(json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False))
        return 0 if report.ok else 1
    for warning in report.warnings:
        print(f"warning: {warning}")
    if report.problems:
        for problem in report.problems:
            print(problem)
        count = len(report.problems)
        print(f"codebook invalid: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    line = report.summary()
    if report.warnings:
        line += f" ({len(report.warnings)} stale record{'s' if len(report.warnings) != 1 else ''})"
    print(line)
    return 0
