"""Item 7 of the reliability issue: the whole site, byte for byte, does not depend on the
builder's time zone, locale, umask, working folder or output path (the checker's Python memory
snapshot depended on TZ)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from _cli import ROOT


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _build(out: Path, cwd: Path, tz: str, lang: str, umask: int) -> None:
    env = {**os.environ, "TZ": tz, "LANG": lang, "LC_ALL": lang}
    cwd.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["bash", "-c", f"umask {umask:03o} && exec {ROOT}/scripts/build {out}"],
                          cwd=cwd, env=env, capture_output=True, timeout=900)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]


@pytest.mark.skipif(shutil.which("node") is None, reason="the site build needs Node")
def test_two_builds_in_different_environments_are_identical(tmp_path):
    a = tmp_path / "a" / "site"
    b = tmp_path / "somewhere" / "else" / "entirely" / "out"
    _build(a, tmp_path / "a", "UTC", "C.UTF-8", 0o022)
    _build(b, tmp_path / "cwd-b", "Pacific/Kiritimati", "de_DE.UTF-8", 0o077)
    da, db = _digests(a), _digests(b)
    assert len(da) > 100
    assert [n for n in da if n.endswith(".snapshot.gz")], "no Python snapshot was built"
    differ = sorted(n for n in da.keys() | db.keys() if da.get(n) != db.get(n))
    assert differ == []
