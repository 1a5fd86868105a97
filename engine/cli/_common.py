"""Helpers shared by the subcommands: the --codebook option and its default folder, the exit-2
failure line, and the one guard every command runs under (no traceback, ever; no terminal
escape from the input on standard error)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

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


INTERRUPTED = 130  # 128 + SIGINT, as shells report it

# What input could hide in a message: C0/C1 control characters (terminal escapes, a carriage
# return that overwrites the line, a bell), bidirectional overrides and line separators. Line
# feeds and tabs stay.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`), never raw."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)


class SafeStderr:
    """Standard error that writes what it is given with `visible`: no message can carry a
    terminal escape from the input (a file name, an id, a key) to the user's terminal.
    `raw` is the stream itself (for a progress bar's own carriage returns)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(visible(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def raw_stderr() -> Any:
    """The real standard error behind a SafeStderr (for tqdm)."""
    return getattr(sys.stderr, "raw", sys.stderr)


def _describe_os_error(exc: OSError) -> str:
    where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
    return f"{where}{exc.strerror or exc}"


def guarded(name: str, body: Callable[[], int]) -> int:
    """Run ``body`` the way every telecode command runs (engine/cli/__init__.main):

    - Ctrl-C: "interrupted", exit 130 (files being written are left as they were);
    - the reader of the output went away (`| head`): stop quietly, exit 0;
    - an operating-system error (a full disk, a read-only folder, a file that cannot be read),
      input nested too deeply, or too large to hold: one line, exit 2 (USAGE_ERROR);
    - anything else is a telecode bug: one line naming where, exit 3 (INTERNAL_ERROR).

    Never a traceback. Exit 1 stays what each command documents (differences found, --strict
    failures, a codebook that does not validate)."""
    try:
        return body()
    except KeyboardInterrupt:
        print(f"telecode {name}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        try:  # the reader went away: say nothing more (and do not fail flushing at exit)
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0
    except OSError as exc:
        print(f"telecode {name}: {_describe_os_error(exc)}", file=sys.stderr)
        return USAGE_ERROR
    except RecursionError:
        print(f"telecode {name}: the input is nested too deeply to read", file=sys.stderr)
        return USAGE_ERROR
    except MemoryError:
        print(f"telecode {name}: the input is too large to hold in memory", file=sys.stderr)
        return USAGE_ERROR
    except Exception as exc:  # noqa: BLE001 - the CLI edge: never a traceback
        last = traceback.extract_tb(exc.__traceback__)[-1:] or []
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        text = str(exc)
        text = text if len(text) <= 300 else text[:297] + "..."
        print(
            f"telecode {name}: internal error ({type(exc).__name__}: {text}{where}) — this is a "
            "telecode bug, please report it with the command you ran",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


def run_command(name: str, body: Callable[[], int]) -> int:
    """`guarded`, with standard error made safe (SafeStderr) and both streams writing text
    they cannot encode (a lone surrogate from a JSON string) as backslash escapes."""
    saved = sys.stdout, sys.stderr
    for stream in saved:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot
                pass
    sys.stderr = SafeStderr(saved[1]) if not isinstance(saved[1], SafeStderr) else saved[1]
    try:
        return guarded(name, body)
    finally:
        if sys.stderr.__class__ is SafeStderr:
            sys.stderr = saved[1]
