"""Fixtures for the annual-update tooling tests (diff, new-year, importers, change pages)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MINI = HERE / "fixtures" / "mini"
RVU_FIXTURE = REPO / "tests" / "data" / "PPRRVU2025_Oct-codebook.csv"
REAL_CODEBOOK = REPO / "codebook"


@pytest.fixture
def mini_dir() -> Path:
    return MINI


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "codebook"
    shutil.copytree(MINI, dest)
    return dest


@pytest.fixture(scope="session")
def mini_bundle() -> dict:
    from engine.tooling.write import compile_folder

    return compile_folder(MINI)


@pytest.fixture
def rvu_fixture() -> Path:
    return RVU_FIXTURE


@pytest.fixture
def real_codebook() -> Path:
    if not (REAL_CODEBOOK / "codes").is_dir() or not (REAL_CODEBOOK / "payers").is_dir():
        pytest.skip("the real codebook (branch data) is not merged into this checkout yet")
    return REAL_CODEBOOK


@pytest.fixture
def cli(capsys):
    """Run `telecode ARGS...` in-process; returns (exit code, stdout, stderr)."""
    from engine.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
