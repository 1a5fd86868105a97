"""Item 8 of the reliability issue: every Python package installed is in requirements.lock with
a hash, and the set-up script installs from it with hash checking."""

from __future__ import annotations

import re
from importlib import metadata

from _cli import ROOT

LOCK = ROOT / "requirements.lock"
LINE = re.compile(r"([a-z0-9][a-z0-9._-]*)==([^ ]+) --hash=sha256:[0-9a-f]{64}")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    out = {}
    for line in LOCK.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.fullmatch(line)
        assert m, f"not a pinned, hashed line: {line!r}"
        out[_norm(m.group(1))] = m.group(2)
    return out


def test_every_installed_package_is_locked_at_its_version():
    pins = locked()
    installed = {_norm(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed.pop("telecode", None)
    installed.pop("setuptools", None)  # the venv's own, never imported by the project
    missing = {n: v for n, v in installed.items() if pins.get(n) != v}
    assert missing == {}, "run scripts/lock-python"
    assert "pip" in pins


def test_every_pyproject_pin_is_in_the_lock():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = locked()
    for req in (r for group in project["optional-dependencies"].values() for r in group):
        name, version = req.split("==")
        assert pins.get(_norm(name)) == version, req


def test_the_set_up_installs_with_hash_checking():
    env = (ROOT / "scripts" / "_env.sh").read_text()
    installs = [line for line in env.splitlines() if "--require-hashes" in line]
    assert len(installs) == 2  # pip itself first, then every package
    assert "-r requirements.lock" in env
    assert "--no-deps \\\n      --no-build-isolation -e ." in env
    assert "stamp_of pyproject.toml requirements.lock" in env
