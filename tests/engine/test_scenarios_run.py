"""Run every YAML scenario in tests/scenarios/ through core.check on the real codebook.

OpenFisca-style: each scenario file is a YAML list of
    {name, notes?, encounter, expected: {billable, lines, warnings, not_warnings?,
     all_warnings?, checklist_contains?, checklist?, provisional?}}
or, for invalid encounters, expected: {errors: [field, ...]} (the EncounterError must name at least
these fields). One pytest test per scenario (the `scenario` parameter and the `scenarios` and
`plain` fixtures come from conftest.py); run with
    python -m pytest tests/engine/test_scenarios_run.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from engine import core

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK_DIR = ROOT / "codebook"
DEFAULT_BUNDLE = ROOT / "engine" / "data" / "codebook.json"

LINE_KEYS = ("code", "modifiers", "pos", "units")
EXPECTED_KEYS = {"billable", "lines", "warnings", "not_warnings", "all_warnings",
                 "checklist_contains", "checklist", "errors", "provisional"}
SCENARIO_KEYS = {"name", "notes", "encounter", "expected"}


def _bundle_is_fresh() -> bool:
    if not DEFAULT_BUNDLE.exists():
        return False
    built = DEFAULT_BUNDLE.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in CODEBOOK_DIR.rglob("*") if p.is_file())


@pytest.fixture(scope="session")
def real_codebook(tmp_path_factory: pytest.TempPathFactory) -> core.Codebook:
    """The real codebook, compiled by the project tooling unless a fresh bundle already exists.

    TELECODE_SCENARIO_BUNDLE=path runs the scenarios against another compiled bundle.
    """
    override = os.environ.get("TELECODE_SCENARIO_BUNDLE")
    if override:
        return core.load_codebook(override)
    if _bundle_is_fresh():
        return core.load_codebook(DEFAULT_BUNDLE)
    out = tmp_path_factory.mktemp("bundle") / "codebook.json"
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "compile", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, f"telecode compile failed:\n{proc.stdout}\n{proc.stderr}"
    return core.load_codebook(out)


def test_scenario_files_are_well_formed(scenarios) -> None:
    names = [name for name, _ in scenarios]
    assert len(names) == len(set(names)), "scenario names must be unique"
    assert len(names) >= 80
    for name, sc in scenarios:
        assert set(sc) <= SCENARIO_KEYS, f"{name}: unknown keys {set(sc) - SCENARIO_KEYS}"
        assert set(sc["expected"]) <= EXPECTED_KEYS, f"{name}: unknown expected keys"
        if "errors" not in sc["expected"]:
            assert "billable" in sc["expected"] and "lines" in sc["expected"], name


def test_scenario(scenario: dict[str, Any], real_codebook: core.Codebook, plain) -> None:
    encounter = plain(scenario["encounter"])
    expected = plain(scenario["expected"])

    if "errors" in expected:
        with pytest.raises(core.EncounterError) as info:
            core.check(encounter, real_codebook)
        errors = info.value.errors
        assert errors, "EncounterError without errors"
        for err in errors:
            assert set(err) >= {"field", "message"} and err["message"], err
        fields = {e["field"] for e in errors}
        missing = set(expected["errors"]) - fields
        assert not missing, f"expected errors for {sorted(missing)}; got {errors}"
        return

    result = core.check(encounter, real_codebook)
    got_lines = [{k: line.get(k) for k in LINE_KEYS} for line in result["lines"]]
    want_lines = [
        {"code": ln["code"], "modifiers": ln.get("modifiers", []), "pos": ln.get("pos"),
         "units": ln.get("units", 1)}
        for ln in expected["lines"]
    ]
    ids = [w["id"] for w in result["warnings"]]
    why = "\n".join(f"  {w['severity']}: {w['id']}: {w['message']}" for w in result["warnings"])
    assert got_lines == want_lines, f"lines differ\n warnings:\n{why}"
    assert result["billable"] is expected["billable"], f"billable differs\n warnings:\n{why}"
    if not expected["billable"]:
        assert result["lines"] == []
        assert result["warnings"], "not billable without a warning saying why"
    missing = [w for w in expected.get("warnings", []) if w not in ids]
    assert not missing, f"missing warnings {missing}; got {ids}"
    unwanted = [w for w in expected.get("not_warnings", []) if w in ids]
    assert not unwanted, f"unexpected warnings {unwanted}"
    if "all_warnings" in expected:
        assert ids == expected["all_warnings"], f"warnings differ\n{why}"
    if "checklist" in expected:
        assert result["checklist"] == expected["checklist"]
    for text in expected.get("checklist_contains", []):
        assert any(text.lower() in item.lower() for item in result["checklist"]), (
            f"checklist has no item containing {text!r}: {result['checklist']}"
        )
    assert result["as_of"] == encounter["date_of_service"]
    if "provisional" in expected:
        assert result["provisional"] is expected["provisional"]


def _faqs() -> list[dict[str, Any]]:
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load((CODEBOOK_DIR / "faq.yaml").read_text(encoding="utf-8"))
    return list(data["faqs"])


FAQS = _faqs()


@pytest.mark.parametrize("faq", FAQS, ids=[f["id"] for f in FAQS])
def test_faq_expected_result(faq: dict[str, Any], real_codebook: core.Codebook, plain
                             ) -> None:
    """Every FAQ's encounter gives the result the FAQ states (the site build checks it too)."""
    result = core.check(plain(faq["encounter"]), real_codebook)
    expected = plain(faq["expected"])
    got = [{k: line[k] for k in ("code", "modifiers", "pos")} for line in result["lines"]]
    want = [{"code": ln["code"], "modifiers": ln.get("modifiers", []), "pos": ln.get("pos")}
            for ln in expected["lines"]]
    assert got == want
    assert result["billable"] is expected["billable"]
    ids = [w["id"] for w in result["warnings"]]
    assert [w for w in expected.get("warnings", []) if w not in ids] == []
