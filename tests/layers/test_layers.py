"""The package's four layers: engine.core (standard library only), engine.batch, engine.cli,
engine.tooling. Each layer imports only the ones before it; the browser wheel holds the core."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
# layer -> the engine layers it may import (itself included)
MAY_IMPORT = {
    "core": {"core"},
    "batch": {"core", "batch"},
    "cli": {"core", "batch", "cli", "tooling"},
    "tooling": {"core", "tooling"},
}


def _engine_imports(path: Path) -> set[str]:
    """The engine modules a file imports (absolute imports, anywhere in the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "engine")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "engine":
                found.update(f"engine.{a.name}" for a in node.names)
            elif node.module.startswith("engine."):
                found.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # importlib.import_module("engine.cli.batch") and the like
            if node.value.startswith("engine.") and node.value.replace(".", "").replace(
                    "_", "").isalnum():
                found.add(node.value)
    return found


def _layer_files(layer: str) -> list[Path]:
    return sorted((ENGINE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_each_layer_imports_only_the_layers_below_it(layer: str) -> None:
    assert _layer_files(layer), f"engine/{layer}/ has no modules"
    wrong = []
    for path in _layer_files(layer):
        for name in _engine_imports(path):
            parts = name.split(".")
            if len(parts) < 2 or parts[1] not in MAY_IMPORT[layer]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_the_engine_folder_holds_only_the_four_layers() -> None:
    loose = sorted(p.name for p in ENGINE.glob("*.py") if p.name != "__init__.py")
    folders = sorted(p.name for p in ENGINE.iterdir()
                     if p.is_dir() and p.name not in ("__pycache__", "data"))
    assert loose == []
    assert folders == sorted(MAY_IMPORT)


def test_core_imports_only_the_standard_library() -> None:
    """Import every core module in a fresh interpreter: nothing but stdlib and engine.core."""
    modules = sorted(
        "engine." + ".".join(p.relative_to(ENGINE).with_suffix("").parts).removesuffix(
            ".__init__")
        for p in _layer_files("core"))
    probe = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    # -S: no site-packages, so a third-party import would fail outright.
    proc = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout)
    stdlib = set(sys.stdlib_module_names)
    outside = sorted(m for m in loaded if m.split(".")[0] not in stdlib | {"engine"})
    other_layers = sorted(m for m in loaded if m.startswith("engine.") and not m.startswith(
        "engine.core"))
    assert "engine.core.pipeline" in loaded
    assert outside == []
    assert other_layers == []


def test_the_public_api_is_the_cores() -> None:
    import engine
    import engine.core

    for name in engine.__all__:
        assert getattr(engine, name) is getattr(engine.core, name), name
    assert {"check", "load_codebook", "EncounterError", "Codebook"} <= set(engine.__all__)


def test_the_browser_wheel_holds_the_core_and_the_codebook_only(tmp_path: Path) -> None:
    if not (ENGINE / "data" / "codebook.json").is_file():
        pytest.fail("engine/data/codebook.json is missing: run `telecode compile` first")
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "core_wheel.py"), str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    wheel = Path(made.stdout.strip())
    names = zipfile.ZipFile(wheel).namelist()
    package = sorted(n for n in names if not n.split("/")[0].endswith(".dist-info"))
    core = sorted(str(p.relative_to(ROOT)) for p in _layer_files("core"))
    assert package == sorted([*core, "engine/data/codebook.json"])
    # scripts/build-widget ships this very wheel
    assert "scripts/core_wheel.py" in (ROOT / "scripts" / "build-widget").read_text()
