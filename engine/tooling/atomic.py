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

Several files, all or none: inside `with atomic_files():` every atomic write (the helpers here,
and `atomic_output`) is held in memory and nothing touches the disk; when the block ends without
an exception, each file is written to its temporary file first, and only when all of them are
on disk are they renamed over their targets. An exception in the block, or a failure while
writing the temporary files, leaves every target as it was. (Should a rename itself fail after
others succeeded, the ones already replaced get their previous bytes back.) `staged_text(path)`
gives a file's held text, so a step that reads a file an earlier step of the same block wrote
sees the new text. `import-* --write` use it: the source list and the payer's file change
together or not at all.

`same_file(a, b)` tells whether two paths (or a path and an open file descriptor) name one file,
so a command can refuse to write over its own input.

Standard library only.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["atomic_files", "atomic_output", "atomic_write_bytes", "atomic_write_text",
           "same_file", "staged_text"]

# target path -> bytes, while an `atomic_files()` block runs (None outside one)
_GROUP: contextvars.ContextVar[dict[str, bytes] | None] = contextvars.ContextVar(
    "telecode_atomic_group", default=None)


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
    group = _GROUP.get()
    if group is not None and not _is_special(target):
        buf: IO[Any] = io.BytesIO() if binary else io.StringIO(newline=newline)
        yield buf
        data = buf.getvalue()
        group[target] = data if binary else data.encode(encoding or "utf-8", errors or "strict")
        return
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


@contextlib.contextmanager
def atomic_files() -> Iterator[None]:
    """Hold every atomic write in the block; write them all at its end, or none (see above).
    A block inside another joins the outer one."""
    if _GROUP.get() is not None:
        yield
        return
    group: dict[str, bytes] = {}
    token = _GROUP.set(group)
    try:
        yield
    finally:
        _GROUP.reset(token)
    _commit(group)  # only when the block raised nothing


def staged_text(path: str | os.PathLike[str], encoding: str = "utf-8") -> str | None:
    """The text an `atomic_files()` block holds for `path`, or None (read the file itself)."""
    group = _GROUP.get()
    data = None if group is None else group.get(_target(path))
    return None if data is None else data.decode(encoding)


def _commit(group: dict[str, bytes]) -> None:
    temps: dict[str, str] = {}
    try:
        for target in sorted(group):
            folder = os.path.dirname(target) or "."
            fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part",
                                       dir=folder)
            temps[target] = tmp
            with os.fdopen(fd, "wb") as fh:
                fh.write(group[target])
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _new_mode(target))
        previous = {t: _read_or_none(t) for t in temps}
        replaced: list[str] = []
        try:
            for target, tmp in temps.items():
                os.replace(tmp, target)
                replaced.append(target)
        except BaseException:
            for target in replaced:
                with contextlib.suppress(OSError):
                    old = previous[target]
                    if old is None:
                        os.unlink(target)
                    else:
                        atomic_write_bytes(target, old)
            raise
    finally:
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _read_or_none(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def not_written(folder: str | os.PathLike[str], exc: OSError) -> str:
    """The message for an `atomic_files()` block that could not write its files."""
    what = f" {exc.filename}" if exc.filename else ""
    return (f"{os.fspath(folder)}: cannot write{what} ({exc.strerror or exc}); no file was "
            "changed")
