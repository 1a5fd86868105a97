"""Fixtures for the batch tests: a `telecode batch` runner, over the real compiled codebook
(`real_cb`, tests/conftest.py; compiled here when missing)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.core.codebook import DEFAULT_PATH

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def _compiled() -> None:
    """Compile the project bundle if it is missing (scripts/test compiles it; the batch command
    runs need it), before `real_cb` (tests/conftest.py) loads it."""
    if not os.path.exists(DEFAULT_PATH):
        from engine.cli import main

        assert main(["compile", "-o", DEFAULT_PATH]) == 0


@dataclass
class Run:
    status: int
    out: str
    err: str

    def csv_rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.out)))

    def jsonl(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    def by_id(self) -> dict[str, dict[str, str]]:
        return {r["id"]: r for r in self.csv_rows()}


def run_batch(*args: str, stdin: bytes | None = None) -> Run:
    """`telecode batch ARGS` in a new process (the real command line, real files)."""
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "batch", *args],
        input=stdin, capture_output=True, cwd=ROOT, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


@pytest.fixture
def batch(real_cb):
    """Run `telecode batch` as a command (the compiled codebook exists)."""
    return run_batch


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path from text (or bytes) and return its path as a string."""

    def _write(name: str, content: str | bytes) -> str:
        p = tmp_path / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8", newline="")
        return str(p)

    return _write
