"""Fixtures for the engine tests: a small hand-written bundle; the YAML scenarios of
tests/scenarios/ (`scenario` parameter, `scenarios` and `plain` fixtures). The real compiled
bundle (`real_cb`) and strict templates come from tests/conftest.py."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from engine.core.codebook import Codebook

FIXTURES = Path(__file__).parent / "fixtures"
MINI_PATH = FIXTURES / "mini_bundle.json"
SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="session")
def mini_bundle() -> dict[str, Any]:
    return json.loads(MINI_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def mini_cb(mini_bundle) -> Codebook:
    return Codebook(copy.deepcopy(mini_bundle), path=str(MINI_PATH))


@pytest.fixture
def make_cb(mini_bundle):
    """Build a Codebook from the mini bundle after `edit(bundle)` changes a deep copy."""

    def make(edit=None) -> Codebook:
        bundle = copy.deepcopy(mini_bundle)
        if edit is not None:
            edit(bundle)
        return Codebook(bundle)

    return make


def encounter(**kw: Any) -> dict[str, Any]:
    base = {"date_of_service": "2025-03-10", "payer": "medicare",
            "patient_status": "established", "modality": "audio_video"}
    base.update(kw)
    return base


@pytest.fixture
def enc():
    return encounter


def _plain(value: Any) -> Any:
    """YAML values as JSON a client would send: dates as strings, object keys as strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture
def plain():
    """plain(value): a YAML value as the JSON a client would send."""
    return _plain


@functools.cache
def _load_scenarios() -> tuple[tuple[str, dict[str, Any]], ...]:
    """Every scenario of tests/scenarios/*.yaml as ("<file stem>/<name>", scenario), file by
    file in name order. The values are as YAML gives them (dates as dates): see `plain`."""
    yaml = YAML(typ="safe", pure=True)
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path.name}: a scenario file is a YAML list"
        for item in data:
            out.append((f"{path.stem}/{item['name']}", item))
    return tuple(out)


@pytest.fixture(scope="session")
def scenarios() -> tuple[tuple[str, dict[str, Any]], ...]:
    """(name, scenario) for every YAML scenario; do not modify the scenarios."""
    return _load_scenarios()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking a `scenario` argument runs once per YAML scenario (id: file/name)."""
    if "scenario" in metafunc.fixturenames:
        items = _load_scenarios()
        metafunc.parametrize("scenario", [s for _, s in items], ids=[n for n, _ in items])
