"""`telecode compile [PATH] [-o FILE]`: write the codebook as one JSON bundle.

Refuses (exit 1, listing every problem) a codebook that does not validate. ``-o -`` writes to
standard output. Default output: engine/data/codebook.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli._common import USAGE_ERROR, guarded


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telecode compile", description="Write the codebook as one JSON bundle."
    )
    parser.add_argument(
        "path", nargs="?", help="codebook folder (default: codebook/ of this clone)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE",
        help="where to write the bundle; '-' for standard output "
        "(default: engine/data/codebook.json)",
    )
    return parser


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return guarded("compile", lambda: _compile(args))


def _compile(args: argparse.Namespace) -> int:
    from engine.tooling.compile import build_bundle, dump_bundle
    from engine.tooling.paths import CODEBOOK_DIR, DEFAULT_BUNDLE
    from engine.tooling.validate import validate_codebook

    root = Path(args.path) if args.path else CODEBOOK_DIR
    report = validate_codebook(root)
    if not report.ok or report.index is None:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        count = len(report.problems)
        print(f"telecode compile: refused, the codebook has {count} problem"
              f"{'s' if count != 1 else ''} (run `telecode validate`)", file=sys.stderr)
        return 1
    text = dump_bundle(build_bundle(report.index))
    if args.output == "-":
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return 0
    out = Path(args.output) if args.output else DEFAULT_BUNDLE
    data = text.encode("utf-8")
    from engine.tooling.atomic import atomic_write_bytes

    try:
        if not out.parent.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out, data)  # readers never see half a file; a failure keeps the old
    except OSError as exc:
        print(f"telecode compile: {out}: cannot write it ({exc.strerror or exc}); nothing was "
              "written", file=sys.stderr)
        return USAGE_ERROR
    if out.is_file():
        print(f"telecode compile: wrote {out} ({len(data)} bytes)", file=sys.stderr)
    return 0
