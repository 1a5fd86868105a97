"""engine.core.payments: Medicare national amounts for result lines, from the codebook's fee
schedules and the places of service's payment rate. The expected amounts are the CMS rows
(tests/data/PPRRVU2025_Oct-payments.csv, PPRRVU2026_Jan-codebook.csv) worked by hand:
total RVUs x conversion factor, to the cent."""

from __future__ import annotations

import json

import engine.core.web as web
from engine import core
from engine.core.payments import line_amount, line_amounts, national_amount, pos_rate

VISIT = {"payer": "medicare", "patient_status": "established", "modality": "audio_video",
         "mdm": "moderate"}


def test_national_amount_rounds_half_up_to_the_cent() -> None:
    assert national_amount(3.87, 32.3465) == 125.18    # 125.181...
    assert national_amount(2.90, 32.3465) == 93.80     # 93.80485
    assert national_amount(0.61, 32.3465) == 19.73     # 19.7314
    assert national_amount(1.0, 0.125) == 0.13         # half up, not to even


def test_pos_rate_comes_from_the_places_of_service(real_cb) -> None:
    assert pos_rate(real_cb, "medicare", "10", "2025-11-10") == "nonfacility"
    assert pos_rate(real_cb, "medicare", "02", "2025-11-10") == "facility"
    assert pos_rate(real_cb, "medicare", "11", "2025-11-10") == "nonfacility"  # the office
    assert pos_rate(real_cb, "medicare", "02", "2023-06-01") is None   # before CY2024
    assert pos_rate(real_cb, "medicare", None, "2025-11-10") is None
    assert pos_rate(real_cb, "commercial", "10", "2025-11-10") is None


def test_home_visit_is_the_non_facility_amount_and_elsewhere_the_facility_amount(real_cb) -> None:
    home = core.check({**VISIT, "date_of_service": "2025-11-10", "patient_location": "home"},
                      real_cb)
    away = core.check({**VISIT, "date_of_service": "2026-02-10", "patient_location": "facility"},
                      real_cb)
    assert [(ln["code"], ln["pos"]) for ln in home["lines"]] == [("99214", "10")]
    assert [(ln["code"], ln["pos"]) for ln in away["lines"]] == [("99214", "02")]
    a = line_amount(real_cb, home["lines"][0], "2025-11-10")
    assert a is not None
    assert (a.rate, a.amount, a.nonfacility, a.facility) == ("nonfacility", 125.18, 125.18, 93.80)
    assert a.schedule == "medicare-pfs-2025-10-01" and a.release == "2025-09-11"
    b = line_amount(real_cb, away["lines"][0], "2026-02-10")
    assert b is not None
    assert (b.rate, b.amount, b.nonfacility, b.facility) == ("facility", 84.50, 135.61, 84.50)
    assert b.source == "cms-pprrvu-2026-jan"


def test_units_multiply_and_a_line_without_pos_gets_both_amounts(real_cb) -> None:
    two = line_amount(real_cb, {"code": "99458", "modifiers": [], "pos": "10", "units": 2},
                      "2025-11-10")
    assert two is not None and two.amount == 76.98           # 2 x 38.49
    usual = line_amount(real_cb, {"code": "99453", "modifiers": [], "pos": None, "units": 1},
                        "2025-11-10")
    assert usual is not None
    assert (usual.rate, usual.amount, usual.nonfacility, usual.facility) == (
        None, None, 19.73, 19.73)


def test_codes_medicare_does_not_pay_from_the_schedule_have_no_amount(real_cb) -> None:
    for code in ("98005", "G2025"):    # not valid for Medicare (I); statutory exclusion (X)
        a = line_amount(real_cb, {"code": code, "pos": "10", "units": 1}, "2025-11-10")
        assert a is not None and a.status not in ("payable", "contractor_priced")
        assert (a.amount, a.nonfacility, a.facility) == (None, None, None)


def test_no_schedule_before_the_first_release_the_codebook_holds(real_cb) -> None:
    line = {"code": "99214", "pos": "10", "units": 1}
    assert line_amount(real_cb, line, "2025-09-30") is None
    assert line_amounts(real_cb, [line], "2025-09-30") == [None]


def test_web_run_adds_the_amounts_to_a_medicare_answer_only(real_cb) -> None:
    web.start()
    enc = {**VISIT, "date_of_service": "2025-11-10", "patient_location": "home"}
    answer = json.loads(web.run(json.dumps(enc)))
    assert [p["amount"] for p in answer["payments"]] == [125.18]
    commercial = json.loads(web.run(json.dumps({**enc, "payer": "commercial"})))
    assert "payments" not in commercial

