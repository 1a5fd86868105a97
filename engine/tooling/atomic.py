"""Write a file all at once or not at all: the one helper behind every file telecode writes
(`batch -o` and `--summary`, `compile -o`, `new-year`, `import-* --write`).

    with atomic_output("checked.csv", newline="") as out:
        out.write(...)

The text goes to a temporary file in the target's own folder (so the rename never crosses a
file system); only when the block ends without an exception is it flushed to disk and renamed
over the target in one step. Interrupted (Ctrl-C), out of disk space or crashed, the previous
file under that name is untouched and no partial file appears under it: the temporary file is
removed. A target that exists and is not a regular file (/dev/null, /dev/stdout, a pipe) is
written through directly; there is nothing there to keep.

`same_file(a, b)` tells whether two paths (or a path and an open file descriptor) name one file,
so a command can refuse to write over its own input.

Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["atomic_output", "atomic_write_bytes", "atomic_write_text", "same_file"]


def _target(path: str | os.PathLike[str]) -> str:
    """The file to replace: a symlink's target (the link itself stays a link)."""
    return os.path.realpath(os.fspath(path))


def _new_mode(target: str) -> int:
    """The permissions the new file gets: the old file's, else the usual 0666 less umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _is_special(target: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = "utf-8",
                  newline: str | None = None, errors: str | None = None) -> Iterator[IO[Any]]:
    """A file object whose text replaces `path` when the block ends without an exception.

    `mode` is "w" (text; `encoding`, `newline` and `errors` as for open) or "wb". Any
    exception in the block (KeyboardInterrupt too), or an error while flushing, leaves `path`
    as it was and removes the temporary file; the exception goes on to the caller (OSError
    for a full disk or a folder that cannot be written)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_output: mode must be 'w' or 'wb', not {mode!r}")
    binary = mode == "wb"
    target = _target(path)
    if _is_special(target):
        text = {} if binary else {"encoding": encoding, "newline": newline, "errors": errors}
        with open(target, mode, **text) as fh:
            yield fh
        return
    folder = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part", dir=folder)
    done = False
    try:
        fh: IO[Any]
        if binary:
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline, errors=errors)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_mode(target))
        os.replace(tmp, target)
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_output(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8",
                      newline: str | None = None) -> None:
    with atomic_output(path, "w", encoding=encoding, newline=newline) as fh:
        fh.write(text)


def same_file(a: str | int, b: str | int) -> bool:
    """True when `a` and `b` (paths, or open file descriptors such as 0 for stdin) are one
    existing file. A path that does not exist is no file; pipes and terminals compare by
    their own identity, so `x | telecode batch - -o x` is not refused for a pipe."""
    try:
        sa = os.fstat(a) if isinstance(a, int) else os.stat(a)
        sb = os.fstat(b) if isinstance(b, int) else os.stat(b)
    except (OSError, ValueError):
        return False
    if not (stat.S_ISREG(sa.st_mode) and stat.S_ISREG(sb.st_mode)):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)
