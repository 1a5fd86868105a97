"""engine.tooling.family_data: the thresholds family messages take from the data."""

from __future__ import annotations

from engine.tooling.family_data import code_values, family_values, fill


def test_family_values_min_and_closed_max() -> None:
    codes = [{"code": "A0001", "min_minutes": 5, "max_minutes": 10},
             {"code": "A0002", "min_minutes": 11, "max_minutes": 20},
             {"code": "A0003", "min_minutes": 30, "max_minutes": None, "add_on": True}]
    assert family_values(codes) == {"min_minutes": 5, "max_minutes": 20}
    # an open-ended band that is not an add-on: no maximum
    assert family_values([*codes[:1], {"code": "A0004", "min_minutes": 11}]) == {
        "min_minutes": 5}
    assert family_values([{"code": "A0005"}]) == {}


def test_code_values_only_when_every_version_agrees() -> None:
    codes = [{"code": "A0001", "min_minutes": 5, "max_minutes": 10},
             {"code": "A0001", "min_minutes": 5, "max_minutes": 12},
             {"code": "A0002", "min_minutes": 16, "max_minutes": None}]
    assert code_values(codes) == {"A0001.min_minutes": 5, "A0002.min_minutes": 16}


def test_fill_leaves_the_engine_placeholders() -> None:
    values = {"min_minutes": 5, "A0001.max_minutes": 10}
    assert fill("Under {min_minutes} ({time_minutes} given; {A0001.max_minutes}, "
                "{max_minutes}, {codes})", values) == (
        "Under 5 ({time_minutes} given; 10, {max_minutes}, {codes})")
