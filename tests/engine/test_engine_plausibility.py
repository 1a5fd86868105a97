"""engine.core.plausibility: the checker's "Check" notes for entries valid but unlikely."""

from __future__ import annotations

from engine.core.plausibility import doubts


def fields(encounter: dict[str, object]) -> list[str]:
    return [d["field"] for d in doubts(encounter)]


def test_likely_entries_get_no_note() -> None:
    assert doubts({"minutes": 25, "discussion_minutes": 10, "device_days": 30}) == []
    assert doubts({"minutes": 8, "evisit_minutes_by_day": {"0": 5, "2": 3}}) == []


def test_each_unlikely_entry_is_named() -> None:
    assert fields({"minutes": 1441}) == ["minutes"]
    assert fields({"management_minutes": 1441, "minutes": 1440}) == ["management_minutes"]
    assert fields({"minutes": 10, "discussion_minutes": 11}) == ["discussion_minutes"]
    assert fields({"evisit_minutes_by_day": {"0": 1441}}) == ["evisit_minutes_by_day"]
    assert doubts({"device_days": 31}) == [{
        "field": "device_days",
        "message": "31 days is more than the 30-day period: check the number."}]


def test_values_the_validator_refuses_get_its_error_not_a_note() -> None:
    assert doubts({"minutes": "25", "device_days": True, "discussion_minutes": 10**7,
                   "evisit_minutes_by_day": "0:5"}) == []
