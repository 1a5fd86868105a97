"""Build the browser's engine wheel: engine/core and the compiled codebook, nothing else.

Usage: python scripts/core_wheel.py OUTDIR   (prints the wheel's path)

The checker (scripts/build-widget), the Pyodide test runner and the snapshot test all use
this wheel. The `telecode` distribution that pip installs holds every layer; the browser needs
only the core (standard library only) and engine/data/codebook.json, so they are staged in a
temporary folder with a pyproject of their own and built there with hatchling (reproducible:
the same files give the same bytes). `engine` is a namespace package in this wheel: the
browser imports `engine.core`, never `engine` itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "telecode-core"
version = "{version}"
description = "telecode's engine core and compiled codebook, for the browser checker."
requires-python = ">=3.11"
license = {{ text = "MIT" }}

[tool.hatch.build.targets.wheel]
only-include = ["engine/core", "engine/data/codebook.json"]
artifacts = ["engine/data/codebook.json"]
"""


def version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("core_wheel: no version in pyproject.toml")
    return match.group(1)


def build(outdir: Path) -> Path:
    bundle = ROOT / "engine" / "data" / "codebook.json"
    if not bundle.is_file():
        raise SystemExit("core_wheel: engine/data/codebook.json is missing: run "
                         "`telecode compile -o engine/data/codebook.json`")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        shutil.copytree(ROOT / "engine" / "core", stage / "engine" / "core",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (stage / "engine" / "data").mkdir()
        shutil.copyfile(bundle, stage / "engine" / "data" / "codebook.json")
        (stage / "pyproject.toml").write_text(PYPROJECT.format(version=version()),
                                              encoding="utf-8")
        for old in outdir.glob("telecode_core-*.whl"):
            old.unlink()
        subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                        str(outdir), str(stage)], check=True, stdout=subprocess.DEVNULL)
    (wheel,) = outdir.glob("telecode_core-*.whl")
    return wheel


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    print(build(Path(sys.argv[1]).resolve()))
