"""The engine core imports nothing outside the standard library (it runs in Pyodide)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MINI = Path(__file__).parent / "fixtures" / "mini_bundle.json"

PROBE = r"""
import json, sys
before = set(sys.modules)
import engine
from engine.cli import check as cli_check
cb = engine.load_codebook(sys.argv[1])
result = engine.check({"date_of_service": "2025-03-10", "payer": "medicare",
                       "patient_status": "established", "modality": "audio_video",
                       "minutes": 25, "requested_code": "99214"}, cb)
try:
    engine.check({"payer": "x"}, cb)
except engine.EncounterError:
    pass
engine.format_lines(result["lines"])
new = sorted(set(sys.modules) - before)
print(json.dumps({"modules": new, "stdlib": sorted(sys.stdlib_module_names),
                  "billable": result["billable"]}))
"""


def test_engine_imports_only_stdlib():
    proc = subprocess.run([sys.executable, "-S", "-c", PROBE, str(MINI)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["billable"] is True
    stdlib = set(data["stdlib"])
    tops = {m.split(".")[0] for m in data["modules"]}
    third_party = sorted(t for t in tops if t not in stdlib and t != "engine")
    assert "engine" in tops  # the probe really imported the engine
    assert third_party == []
    assert "engine.tooling" not in data["modules"]
