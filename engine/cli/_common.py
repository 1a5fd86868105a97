"""Helpers shared by the maintainer subcommands (validate, compile)."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

INTERNAL_ERROR = 3


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
