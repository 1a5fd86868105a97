"""Property tests (hypothesis): any JSON value gives a contract result or EncounterError, and
valid encounters always give results that satisfy the contract."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import core
from engine.core.contract import FIELDS

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

CODE_RE = re.compile(r"^[0-9A-Z]{5}$")
SEVERITIES = {"info", "warning", "error"}

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.floats(allow_nan=False), st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def assert_contract(result: Any, cb: core.Codebook, encounter: dict[str, Any]) -> None:
    assert isinstance(result, dict)
    assert list(result) == ["billable", "lines", "warnings", "checklist", "trace", "as_of",
                            "provisional", "codebook"]
    assert isinstance(result["billable"], bool)
    assert result["provisional"] is (cb.provisional_on(encounter["date_of_service"]) is not None)
    assert result["billable"] == bool(result["lines"])
    if not result["billable"]:
        assert result["warnings"], "not billable must say why"
    for line in result["lines"]:
        assert list(line) == ["code", "modifiers", "pos", "units", "label"]
        assert CODE_RE.match(line["code"])
        assert cb.code_on(line["code"], encounter["date_of_service"]) is not None
        assert isinstance(line["modifiers"], list)
        assert all(isinstance(m, str) for m in line["modifiers"])
        assert line["pos"] is None or isinstance(line["pos"], str)
        assert isinstance(line["units"], int) and not isinstance(line["units"], bool)
        assert line["units"] >= 1
        assert isinstance(line["label"], str) and line["label"]
    seen = set()
    for w in result["warnings"]:
        assert list(w) == ["id", "severity", "message", "sources"]
        assert isinstance(w["id"], str) and w["id"]
        assert w["severity"] in SEVERITIES
        assert isinstance(w["message"], str) and w["message"]
        assert "{" not in w["message"] or "}" not in w["message"], w["message"]
        assert all(cb.source(s) is not None for s in w["sources"]), w["sources"]
        assert (w["id"], w["message"]) not in seen
        seen.add((w["id"], w["message"]))
    assert all(isinstance(c, str) and c for c in result["checklist"])
    assert len(set(result["checklist"])) == len(result["checklist"])
    assert result["trace"]
    for t in result["trace"]:
        assert list(t) == ["rule", "outcome", "sources"]
        assert isinstance(t["rule"], str) and isinstance(t["outcome"], str)
        assert all(cb.source(s) is not None for s in t["sources"]), t["sources"]
    assert result["as_of"] == encounter["date_of_service"]
    assert result["codebook"] == cb.version


def check_or_error(value: Any, cb: core.Codebook) -> None:
    try:
        result = core.check(value, cb)
    except core.EncounterError as exc:
        assert exc.errors
        for e in exc.errors:
            assert set(e) == {"field", "message"}
            assert isinstance(e["field"], str) and isinstance(e["message"], str)
        return
    assert_contract(result, cb, value)


@SETTINGS
@given(value=json_values)
def test_any_json_value(mini_cb, value):
    check_or_error(value, mini_cb)


# Values that are mostly right: each contract key either absent, valid, or random junk.
def _valid_value(name: str, cb_from: str = "2024-01-01", cb_to: str = "2026-12-31"):
    f = FIELDS[name]
    if f.kind == "date":
        return st.dates().map(lambda d: d.isoformat()) | st.sampled_from(
            ["2024-01-01", "2024-12-31", "2025-01-01", "2025-10-01", "2026-01-01", "2026-02-01",
             "2026-12-31", "2027-01-01", "2027-12-31", "2028-01-01"])
    if f.kind == "enum":
        return st.sampled_from(f.choices)
    if f.kind == "int":
        return st.integers(0, 120)
    if f.kind == "bool":
        return st.booleans()
    if f.kind == "minutes_by_day":
        return st.dictionaries(st.integers(0, 30).map(str), st.integers(0, 40), max_size=5)
    if f.kind == "code":
        return st.sampled_from(["99213", "99214", "98013", "98016", "G2012", "G2010", "99423",
                                "99457", "12345", "99441", "99452"])
    return st.sampled_from(["OH", "tx"])


@st.composite
def near_encounters(draw, junk: bool = True):
    enc: dict[str, Any] = {}
    for name, f in FIELDS.items():
        choice = draw(st.sampled_from(["valid", "valid", "absent"] + (["junk"] if junk else [])))
        if f.required and not junk:
            choice = "valid"
        if choice == "valid":
            enc[name] = draw(_valid_value(name))
        elif choice == "junk":
            enc[name] = draw(json_values)
    if junk and draw(st.booleans()):
        enc[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    return enc


@SETTINGS
@given(value=near_encounters())
def test_near_valid_encounters(mini_cb, value):
    check_or_error(value, mini_cb)


@st.composite
def valid_encounters(draw, last: str = "2026-12-31"):
    """Valid encounters dated from 2024-01-01 to `last` (the mini bundle's coverage; the real
    bundle's reaches through its provisional year)."""
    date = __import__("datetime").date
    enc = draw(near_encounters(junk=False))
    enc["date_of_service"] = draw(st.dates(min_value=date(2024, 1, 1),
                                           max_value=date.fromisoformat(last))
                                  .map(lambda d: d.isoformat()))
    return _consistent(enc)


def _consistent(enc: dict[str, Any]) -> dict[str, Any]:
    """Drop the keys that contradict the service (issue 14: keys of one service only), so that
    the encounter is valid as a whole, as a form would send it."""
    from engine.core.contract import BEHAVIORAL_SERVICES, TIMED_SERVICES

    service = enc.get("service") or "visit"
    if service in BEHAVIORAL_SERVICES and enc.get("modality") not in ("audio_video", "audio_only"):
        enc["modality"] = "audio_video"
    if service in BEHAVIORAL_SERVICES and enc.get("behavioral_health") is False:
        del enc["behavioral_health"]
    if service not in TIMED_SERVICES:
        enc.pop("psychotherapy_minutes", None)
    if service == "family_psychotherapy":
        enc.setdefault("family_with_patient", True)
        if enc["family_with_patient"] is None:
            enc["family_with_patient"] = False
    else:
        enc.pop("family_with_patient", None)
    if not enc.get("modifier_25_same_day"):
        enc.pop("same_day_service", None)
    return enc


@SETTINGS
@given(value=valid_encounters())
def test_valid_encounters_mini(mini_cb, value):
    assert_contract(core.check(value, mini_cb), mini_cb, value)


@SETTINGS
@given(value=valid_encounters(last="2027-12-31"))
def test_valid_encounters_real_bundle(real_cb, value):
    assert_contract(core.check(value, real_cb), real_cb, value)
