"""Write a file whole or not at all: a temporary file beside it, renamed over it at the end.

(The reliability issue plans a shared helper; until it is on main, claim mode uses this one.)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO

__all__ = ["atomic_text"]


@contextlib.contextmanager
def atomic_text(path: str) -> Iterator[IO[str]]:
    """Open a temporary text file in `path`'s folder; on success it replaces `path`
    (os.replace), on an exception it is removed and `path` is left as it was."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
