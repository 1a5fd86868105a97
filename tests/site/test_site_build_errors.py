"""The build fails, in plain words, on an unknown macro, an undefined variable or missing data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _build(project: Path, bundle: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TELECODE_CODEBOOK": str(bundle)}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
         str(project / "out")], cwd=project, env=env, capture_output=True, text=True,
        timeout=900)


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """docs/ and mkdocs.yml copied, so a test can add a page without touching the tree."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


@pytest.mark.parametrize(("page", "expect"), [
    ("{{ no_such_macro() }}", "no_such_macro"),
    ("{{ no_such_variable }}", "no_such_variable"),
    ("{{ code_page('00000') }}", "00000"),
])
def test_a_bad_macro_call_fails_the_build(project_copy, bundle_path, page, expect):
    (project_copy / "docs" / "zz-bad.md").write_text(f"# Bad\n\n{page}\n", encoding="utf-8")
    proc = _build(project_copy, bundle_path)
    assert proc.returncode != 0
    assert expect in proc.stdout + proc.stderr
    assert not (project_copy / "out" / "zz-bad" / "index.html").exists()


def test_a_missing_codebook_is_reported_in_plain_words(tmp_path):
    proc = _build(ROOT, tmp_path / "missing.json")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "compiled codebook not found" in out and "telecode compile" in out
    assert "Traceback" not in out
