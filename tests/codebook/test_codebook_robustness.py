"""Whatever is in the files, validate reports problems and never crashes (no traceback, no
lint rule failing on odd data)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.tooling.load import load_codebook_files
from engine.tooling.validate import validate_codebook

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
TODAY = dt.date(2026, 11, 1)
LOADED = load_codebook_files(MINIMAL)
FILES = sorted(d.file for d in LOADED.documents)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 100_000), st.floats(allow_nan=False),
    st.sampled_from(["", "2025-01-01", "2025-02-30", "99213", "95", "medicare", "{x}", "a b",
                     "src-primary", "office-em", "G2012", "lapse", "extended", "any"]),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(
                                ["id", "code", "from", "to", "sources", "min_minutes", "when",
                                 "field", "is", "scope", "payer", "x"]), inner, max_size=3)),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += paths(item, prefix + (i,))
    return out


def no_crash(root: Path) -> None:
    report = validate_codebook(root, today=TODAY, stale_after=dt.timedelta(days=30))
    for problem in report.problems:
        assert "failed:" not in problem.what, str(problem)  # a lint rule crashed
        assert str(problem)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(file=st.sampled_from(FILES), pick=st.integers(0, 10_000), new=values)
def test_any_value_anywhere(tmp_path_factory, file: str, pick: int, new: Any) -> None:
    root = tmp_path_factory.mktemp("cb")
    shutil.rmtree(root)
    shutil.copytree(MINIMAL, root)
    data = copy.deepcopy(LOADED.document(file).data)
    where = paths(data)[pick % len(paths(data))]
    if where:
        node = data
        for part in where[:-1]:
            node = node[part]
        node[where[-1]] = new
    else:
        data = new
    (root / file).write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    no_crash(root)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(file=st.sampled_from(FILES), raw=st.binary(max_size=60))
def test_any_bytes(tmp_path_factory, file: str, raw: bytes) -> None:
    root = tmp_path_factory.mktemp("cb")
    shutil.rmtree(root)
    shutil.copytree(MINIMAL, root)
    (root / file).write_bytes(raw)
    no_crash(root)
