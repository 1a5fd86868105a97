"""The engine's own test suite, run with real pytest INSIDE Pyodide (Node), must pass in full.

The runner (run_pytest.mjs) installs the engine *wheel* (what the browser gets) into Pyodide's
site-packages and runs pytest there. This test compares the in-Pyodide summary with what CPython
collects for the same files: "N passed" with N equal to CPython's count, 0 failed, nothing
skipped or deselected — so no test can "pass" without having run.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "pyodide" / "run_pytest.mjs"
ENGINE_TESTS = ROOT / "tests" / "engine"

# What a test file may import to be run inside Pyodide: the standard library, pytest, the engine
# core and the pure-Python packages below (installed into Pyodide from PyPI wheels). Files that
# need anything else (hypothesis, engine.tooling, the CLI, subprocess) stay in CPython only.
PURE_PYTHON_EXTRAS = {"ruamel": "ruamel.yaml"}  # top-level module -> distribution
ALLOWED_TOP_LEVEL = {"pytest", "engine", *PURE_PYTHON_EXTRAS}
FORBIDDEN_MODULES = {"subprocess", "multiprocessing", "engine.tooling", "engine.cli"}
# The scenario runner imports subprocess only to compile a stale bundle; in Pyodide the bundle
# is the wheel's own copy, always fresh, so that branch never runs there.
SUBPROCESS_ONLY_WHEN_STALE = {"test_scenarios_run.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def runs_in_pyodide(path: Path) -> bool:
    """True when every import of the file is available inside Pyodide."""
    forbidden = set(FORBIDDEN_MODULES)
    if path.name in SUBPROCESS_ONLY_WHEN_STALE:
        forbidden.discard("subprocess")
    for name in _imports(path):
        top = name.split(".")[0]
        if top not in ALLOWED_TOP_LEVEL and top not in sys.stdlib_module_names:
            return False
        if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
            return False
    return True


def extras_needed(files: list[str]) -> list[str]:
    tops = {name.split(".")[0] for f in files for name in _imports(ROOT / f)}
    return sorted(dist for top, dist in PURE_PYTHON_EXTRAS.items() if top in tops)


# The conftest files pytest loads for tests/engine: the shared one (tests/conftest.py) and its own.
CONFTESTS = (ROOT / "tests" / "conftest.py", ENGINE_TESTS / "conftest.py")


def pyodide_test_files() -> list[str]:
    for conftest in CONFTESTS:
        if conftest.exists() and not runs_in_pyodide(conftest):
            pytest.fail(f"{conftest.relative_to(ROOT)} imports a module Pyodide does not have")
    files = sorted(p for p in ENGINE_TESTS.glob("test_*.py") if runs_in_pyodide(p))
    return [str(p.relative_to(ROOT)) for p in files]


def test_selection_rule_knows_what_pyodide_lacks(tmp_path: Path) -> None:
    ok = tmp_path / "test_ok.py"
    ok.write_text("import json\nimport pytest\nfrom engine import check\n")
    bad_third_party = tmp_path / "test_h.py"
    bad_third_party.write_text("from hypothesis import given\n")
    bad_subprocess = tmp_path / "test_s.py"
    bad_subprocess.write_text("import subprocess\n")
    bad_tooling = tmp_path / "test_t.py"
    bad_tooling.write_text("from engine.tooling import compile\n")
    assert runs_in_pyodide(ok)
    assert not runs_in_pyodide(bad_third_party)
    assert not runs_in_pyodide(bad_subprocess)
    assert not runs_in_pyodide(bad_tooling)
    yaml_user = tmp_path / "test_y.py"
    yaml_user.write_text("from ruamel.yaml import YAML\n")
    assert runs_in_pyodide(yaml_user)
    assert extras_needed([]) == []


def _cpython_collected(files: list[str]) -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    match = re.search(r"^(\d+) tests? collected", proc.stdout, re.MULTILINE)
    assert proc.returncode == 0 and match, proc.stdout + proc.stderr
    return int(match.group(1))


@pytest.fixture(scope="module")
def engine_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "engine" / "data" / "codebook.json").exists():
        pytest.fail("engine/data/codebook.json is missing: run `telecode compile` first")
    out = tmp_path_factory.mktemp("wheel")
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "core_wheel.py"), str(out)],
                          check=True, capture_output=True, text=True)
    return Path(made.stdout.strip())


def test_engine_suite_passes_inside_pyodide(engine_wheel: Path) -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed to run Pyodide"
    files = pyodide_test_files()
    assert "tests/engine/test_scenarios_run.py" in files, files
    # "Use my payer profile": the core's profile check gives validate's lines in Pyodide too
    assert "tests/engine/test_web_profiles.py" in files, files
    expected = _cpython_collected(files)
    assert expected > 0

    # a conftest.py (the scenario loader) may need an extra that no test file imports itself
    conftest = [str(c.relative_to(ROOT)) for c in CONFTESTS if c.exists()]
    extras = [arg for dist in extras_needed(files + conftest) for arg in ("--with", dist)]
    proc = subprocess.run(
        [node, str(RUNNER), "--wheel", str(engine_wheel), *extras, "--", "-q", *files],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={**os.environ, "TELECODE_PYTHON": sys.executable},
    )
    output = proc.stdout + proc.stderr
    assert "on emscripten; engine from /lib/python3.14/site-packages/engine" in proc.stdout, output
    summary = proc.stdout.strip().splitlines()[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}
    counts.pop("warning", None)
    counts.pop("warnings", None)
    assert counts == {"passed": expected}, (
        f"in Pyodide: {summary!r}; CPython collects {expected}\n{output}"
    )
    assert proc.returncode == 0, output
