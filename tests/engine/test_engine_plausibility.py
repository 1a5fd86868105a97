"""engine.core.plausibility: the checker's "Check" notes for entries valid but unlikely."""

from __future__ import annotations

from engine.core.plausibility import device_day_limit, doubts


def fields(encounter: dict[str, object], cb) -> list[str]:
    return [d["field"] for d in doubts(encounter, cb)]


def test_likely_entries_get_no_note(real_cb) -> None:
    assert doubts({"minutes": 25, "discussion_minutes": 10, "device_days": 30}, real_cb) == []
    assert doubts({"minutes": 8, "evisit_minutes_by_day": {"0": 5, "2": 3}}, real_cb) == []


def test_each_unlikely_entry_is_named(real_cb) -> None:
    assert fields({"minutes": 1441}, real_cb) == ["minutes"]
    assert fields({"management_minutes": 1441, "minutes": 1440}, real_cb) == [
        "management_minutes"]
    assert fields({"minutes": 10, "discussion_minutes": 11}, real_cb) == ["discussion_minutes"]
    assert fields({"evisit_minutes_by_day": {"0": 1441}}, real_cb) == ["evisit_minutes_by_day"]
    assert doubts({"device_days": 31}, real_cb) == [{
        "field": "device_days",
        "message": "31 days is more than the 30-day period: check the number."}]


def test_the_device_day_limit_is_the_codebooks_longest_band(real_cb) -> None:
    bands = [v["max_minutes"] for v in real_cb.bundle["codes"]
             if v.get("family") in ("rpm-device-supply", "rtm-device-supply")]
    assert device_day_limit(real_cb) == max(bands) == 30


def test_values_the_validator_refuses_get_its_error_not_a_note(real_cb) -> None:
    assert doubts({"minutes": "25", "device_days": True, "discussion_minutes": 10**7,
                   "evisit_minutes_by_day": "0:5"}, real_cb) == []
