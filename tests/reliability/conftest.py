"""Fixtures for the reliability tests: `telecode ...` run as a real command in a new process,
and a tiny file system that fills up (a tmpfs; skipped where it cannot be mounted)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # the tests import _cli (the runner) by name


@pytest.fixture(scope="session")
def bundle() -> str:
    from engine.core.codebook import DEFAULT_PATH

    if not os.path.exists(DEFAULT_PATH):
        from engine.cli import main

        assert main(["compile", "-o", DEFAULT_PATH]) == 0
    return DEFAULT_PATH


@contextlib.contextmanager
def _mounted(size: str, options: str = "") -> Iterator[Path]:
    where = Path("/tmp") / f"telecode-tinyfs-{uuid.uuid4().hex[:8]}"
    where.mkdir()
    opts = f"size={size}" + (f",{options}" if options else "")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)],
                          capture_output=True)
    if made.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.decode().strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


@pytest.fixture
def tiny_fs() -> Iterator[Path]:
    """A 64 KiB file system: a large enough output fills it."""
    with _mounted("64k") as where:
        yield where


@pytest.fixture
def mounted():
    """mounted(size) -> a context manager giving a tmpfs of that size ("2m")."""
    return _mounted


@pytest.fixture
def read_only_fs() -> Iterator[Path]:
    """An empty file system mounted read-only (root ignores a folder's mode, not this)."""
    with _mounted("64k", "ro") as where:
        yield where
