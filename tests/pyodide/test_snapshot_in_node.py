"""The checker's Python memory snapshot (scripts/widget-snapshot.mjs) answers exactly as the
engine in CPython does: every scenario of tests/scenarios/ (valid and invalid encounters) and
every FAQ, restored under Node the way the browser's worker restores it, with no wheel
installed (the engine answers from the snapshot's memory)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import engine
from engine.core import web

ROOT = Path(__file__).resolve().parents[2]
MAKER = ROOT / "scripts" / "widget-snapshot.mjs"
ANSWERS = ROOT / "tests" / "pyodide" / "snapshot_answers.mjs"


def _json(value: Any) -> Any:
    """As a client sends it (dates as text, object keys as text)."""
    return json.loads(json.dumps(value, default=str))


def all_encounters() -> list[dict[str, Any]]:
    yaml = YAML(typ="safe", pure=True)
    found = [_json(item["encounter"])
             for path in sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))
             for item in yaml.load(path.read_text(encoding="utf-8"))]
    found += [faq["encounter"] for faq in engine.default_codebook().bundle["faqs"]
              if faq.get("encounter")]
    return found


def cpython_answer(encounter: dict[str, Any]) -> dict[str, Any]:
    """CPython's answer: the engine's result (or its errors) and, where engine.core.web.run adds
    them (a Medicare answer with fee schedule rows), the lines' payment amounts."""
    try:
        answer: dict[str, Any] = {"result": _json(engine.check(encounter))}
    except engine.EncounterError as err:
        return {"errors": _json(err.errors)}
    from_web = json.loads(web.run(json.dumps(encounter)))
    assert from_web["result"] == answer["result"]
    if "payments" in from_web:
        answer["payments"] = from_web["payments"]
    return answer


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not shutil.which("node") or not (ROOT / "node_modules" / "pyodide").is_dir():
        pytest.fail("node and node_modules/pyodide are needed (scripts/test installs them)")
    out = tmp_path_factory.mktemp("snapshot")
    made_wheel = subprocess.run([sys.executable, str(ROOT / "scripts" / "core_wheel.py"), str(out)],
                                check=True, capture_output=True, text=True)
    wheel = Path(made_wheel.stdout.strip())
    made = subprocess.run(["node", str(MAKER), str(wheel), str(out / "python.snapshot.gz")],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["codebook"] == engine.default_codebook().version
    return out / "python.snapshot.gz"


def test_the_snapshot_answers_every_scenario_and_faq_as_cpython(
    snapshot: Path, tmp_path: Path
) -> None:
    encounters = all_encounters()
    assert len(encounters) > 100
    (tmp_path / "encounters.json").write_text(json.dumps(encounters), encoding="utf-8")
    proc = subprocess.run(["node", str(ANSWERS), str(snapshot), str(tmp_path / "encounters.json")],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["version"] == engine.default_codebook().version
    assert out["engine_file_exists"] is False, out["engine_file"]  # no wheel was installed
    assert len(out["answers"]) == len(encounters)
    differ = [(e, a) for e, a in zip(encounters, out["answers"], strict=True)
              if a != cpython_answer(e)]
    assert not differ, json.dumps(differ[0], indent=1)[:3000]
    kinds = {next(iter(a)) for a in out["answers"]}
    assert kinds == {"result", "errors"}  # both valid and invalid encounters were asked
    assert any("payments" in a for a in out["answers"])  # and Medicare answers with amounts
