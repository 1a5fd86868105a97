"""Helpers shared by the maintainer subcommands (validate, compile, diff, new-year, import-rvu,
import-cms-list): the --codebook option and its default folder, the exit-2 failure line, and
the guard that turns a bug into one line instead of a traceback."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable

USAGE_ERROR = 2  # bad arguments, an unreadable file or codebook: nothing is changed
INTERNAL_ERROR = 3

CODEBOOK_HELP = "codebook folder (default: codebook/ of this clone)"


def add_codebook_option(parser: argparse.ArgumentParser, help: str = CODEBOOK_HELP,
                        metavar: str = "DIR") -> None:
    """--codebook, None when not given (see codebook_folder)."""
    parser.add_argument("--codebook", metavar=metavar, default=None, help=help)


def codebook_folder(path: str | None) -> str:
    """`path`, or the codebook/ folder of this clone when it is None."""
    if path is not None:
        return path
    from engine.tooling.paths import CODEBOOK_DIR

    return str(CODEBOOK_DIR)


def make_fail(command: str) -> Callable[[str], int]:
    """fail(msg): print `telecode COMMAND: msg` on stderr and give the exit status 2."""

    def fail(msg: str) -> int:
        print(f"telecode {command}: {msg}", file=sys.stderr)
        return USAGE_ERROR

    return fail


def guarded(name: str, body: Callable[[], int]) -> int:
    """Run ``body``; any unexpected exception becomes a one-line message and exit 3."""
    try:
        return body()
    except KeyboardInterrupt:
        print(f"telecode {name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the CLI edge: never a traceback
        last = traceback.extract_tb(exc.__traceback__)[-1:] or []
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        print(
            f"telecode {name}: internal error ({type(exc).__name__}: {exc}{where}) — this is a "
            "telecode bug, please report it with the command you ran",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
