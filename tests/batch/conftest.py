"""Fixtures for the batch tests: the real compiled codebook and a `telecode batch` runner."""

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

from engine.core.codebook import DEFAULT_PATH, Codebook, load_codebook
from engine.core.templates import set_strict

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _strict_templates():
    """Unknown placeholders in messages are errors in tests."""
    set_strict(True)
    yield
    set_strict(os.environ.get("TELECODE_STRICT", "") not in ("", "0"))


@pytest.fixture(scope="session")
def real_cb() -> Codebook:
    """The compiled project bundle (scripts/test compiles it; compile here if it is missing)."""
    if not os.path.exists(DEFAULT_PATH):
        from engine.cli import main

        assert main(["compile", "-o", DEFAULT_PATH]) == 0
    return load_codebook()


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
