"""Encounter validation: every error kind, all collected together, with did-you-mean hints."""

from __future__ import annotations

import pytest

from engine import core
from engine.core.contract import FIELDS, validate

BASE = {"date_of_service": "2025-03-10", "payer": "medicare",
        "patient_status": "established", "modality": "audio_video"}


def errors_of(raw, cb=None) -> dict[str, list[str]]:
    with pytest.raises(core.EncounterError) as info:
        validate(raw, cb)
    out: dict[str, list[str]] = {}
    for e in info.value.errors:
        assert set(e) == {"field", "message"}
        out.setdefault(e["field"], []).append(e["message"])
    return out


def test_defaults_applied_and_optional_absent():
    enc = validate(dict(BASE))
    assert enc["patient_location"] == "home"
    assert enc["practitioner_video_capable"] is True
    assert enc["patient_video_unavailable"] is False
    assert enc["followup_within_24_business_hours"] is True
    assert enc["clinician"] == "em_practitioner"
    for absent in ("consent_documented", "minutes", "mdm", "role", "report", "state",
                   "requested_code", "evisit_minutes_by_day", "device_days"):
        assert absent not in enc


def test_every_contract_key_is_known():
    assert set(FIELDS) == {
        "date_of_service", "payer", "patient_status", "modality", "minutes",
        "evisit_minutes_by_day", "mdm", "discussion_minutes", "patient_location",
        "practitioner_video_capable", "patient_video_unavailable", "related_em_prior_7_days",
        "leads_to_em_within_24h", "em_within_7_days_after", "followup_within_24_business_hours",
        "consent_documented", "behavioral_health", "role", "report",
        "consultant_saw_patient_prior_14_days", "consult_leads_to_visit_within_14_days",
        "device_days", "management_minutes", "interactive_communication", "clinician", "state",
        "requested_code",
        # issue 14
        "service", "psychotherapy_minutes", "family_with_patient", "interactive_complexity",
        "longitudinal_care", "modifier_25_same_day", "same_day_service",
        "in_person_visit_within_months",
    }


def test_all_problems_collected_in_one_error():
    errs = errors_of({"payer": "medicar", "minuts": 5, "minutes": -1, "mdm": "medium",
                      "consent_documented": "yes", "discussion_minutes": 2.5})
    assert set(errs) == {"date_of_service", "payer", "patient_status", "modality", "minuts",
                         "minutes", "mdm", "consent_documented", "discussion_minutes"}
    assert "did you mean 'medicare'" in errs["payer"][0]
    assert "did you mean 'minutes'" in errs["minuts"][0]
    assert "0 or more" in errs["minutes"][0]
    assert "required" in errs["date_of_service"][0]


def test_unknown_key_did_you_mean():
    errs = errors_of({**BASE, "patient_locaton": "home", "evisit_minutes": {"0": 5}})
    assert "did you mean 'patient_location'" in errs["patient_locaton"][0]
    assert "did you mean 'evisit_minutes_by_day'" in errs["evisit_minutes"][0]


@pytest.mark.parametrize("key", ["minutes", "discussion_minutes", "device_days",
                                 "management_minutes"])
@pytest.mark.parametrize("value", [True, False, "25", 2.0, [1], {"a": 1}])
def test_integers_reject_bool_text_float(key, value):
    assert key in errors_of({**BASE, key: value})


@pytest.mark.parametrize("key", ["practitioner_video_capable", "consent_documented",
                                 "behavioral_health", "interactive_communication"])
@pytest.mark.parametrize("value", [1, 0, "true", "false", [True]])
def test_booleans_reject_non_bool(key, value):
    assert key in errors_of({**BASE, key: value})


@pytest.mark.parametrize("day", ["2025-02-30", "2025-3-10", "20250310", "10/03/2025", 20250310,
                                 "2025-03-10T00:00", ""])
def test_bad_dates(day):
    assert "date_of_service" in errors_of({**BASE, "date_of_service": day})


def test_date_outside_covered_range_refused(mini_cb):
    for day in ("2023-12-31", "2027-01-01"):
        errs = errors_of({**BASE, "date_of_service": day}, mini_cb)
        assert "outside the dates this codebook covers" in errs["date_of_service"][0]
    assert validate({**BASE, "date_of_service": "2024-01-01"}, mini_cb)
    assert validate({**BASE, "date_of_service": "2026-12-31"}, mini_cb)


def test_engine_check_refuses_dates_outside_cover(mini_cb):
    with pytest.raises(core.EncounterError) as info:
        core.check({**BASE, "date_of_service": "2027-01-01"}, mini_cb)
    assert info.value.errors[0]["field"] == "date_of_service"


def test_evisit_minutes_by_day():
    enc = validate({**BASE, "evisit_minutes_by_day": {"9": 3, "0": 4}})
    assert enc["evisit_minutes_by_day"] == {"0": 4, "9": 3}
    assert validate({**BASE, "evisit_minutes_by_day": {0: 4}})["evisit_minutes_by_day"] == {"0": 4}
    errs = errors_of({**BASE, "evisit_minutes_by_day": {"-1": 4, "a": 1, "2": -3, "3": "5",
                                                        "4": True, "5": 1.5}})
    assert len(errs["evisit_minutes_by_day"]) == 6
    assert "evisit_minutes_by_day" in errors_of({**BASE, "evisit_minutes_by_day": [4, 3]})
    assert "evisit_minutes_by_day" in errors_of({**BASE, "evisit_minutes_by_day": {"0": 1,
                                                                                   "00": 2}})


def test_requested_code_and_state_format():
    assert validate({**BASE, "requested_code": "G2012", "state": "oh"})["state"] == "OH"
    errs = errors_of({**BASE, "requested_code": "g2012"})
    assert "capitals" in errs["requested_code"][0]
    for bad in ("9921", "992134", 99213, "99 13"):
        assert "requested_code" in errors_of({**BASE, "requested_code": bad})
    for bad in ("Ohio", "O", 12):
        assert "state" in errors_of({**BASE, "state": bad})


def test_enum_values():
    for key, bad in (("modality", "video"), ("patient_location", "clinic"), ("role", "x"),
                     ("report", "written"), ("clinician", "therapist"), ("mdm", 3)):
        assert key in errors_of({**BASE, key: bad})
    errs = errors_of({**BASE, "modality": "audio-video"})
    assert "did you mean 'audio_video'" in errs["modality"][0]


def test_null_means_not_given_for_optional_keys():
    enc = validate({**BASE, "minutes": None, "patient_location": None, "mdm": None})
    assert "minutes" not in enc and enc["patient_location"] == "home"
    assert "payer" in errors_of({**BASE, "payer": None})


@pytest.mark.parametrize("raw", [None, [], "x", 3, 2.5, True, [BASE]])
def test_non_object_encounter(raw):
    assert list(errors_of(raw)) == ["encounter"]


def test_non_string_keys():
    errs = errors_of({**BASE, 5: 1})
    assert "5" in errs


def test_error_is_valueerror_with_readable_text():
    with pytest.raises(ValueError) as info:
        validate({})
    assert "payer: required" in str(info.value)
    assert info.value.to_json()["errors"][0]["field"] == "date_of_service"


def test_python_date_object_accepted_but_not_datetime():
    import datetime as dt

    assert validate({**BASE, "date_of_service": dt.date(2025, 3, 10)})["date_of_service"] == (
        "2025-03-10")
    assert "date_of_service" in errors_of({**BASE, "date_of_service": dt.datetime(2025, 3, 10)})


def test_deeply_nested_junk_is_reported_not_crashing():
    deep: list = []
    for _ in range(50000):
        deep = [deep]
    errs = errors_of({**BASE, "payer": deep, "minutes": deep, "evisit_minutes_by_day": {"0": deep}})
    assert set(errs) == {"payer", "minutes", "evisit_minutes_by_day"}
    assert len(errs["payer"][0]) < 200
