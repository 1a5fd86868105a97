"""Billed add-on codes are checked too (issue 14): an add-on without its primary, wrong units,
99417 to Medicare, G2211 on a modifier-25 visit where Medicare does not pay it."""

from __future__ import annotations

import pytest

from engine.batch.checker import check_rows

VISIT = {"patient_status": "established", "modality": "audio_video"}


def one(real_cb, billed: str, payer: str = "medicare", **encounter):
    row = dict(VISIT, payer=payer, date_of_service="2025-06-02", billed_code=billed, **encounter)
    (result,) = list(check_rows([row], real_cb))
    return result


def test_add_on_with_its_primary_is_ok(real_cb):
    r = one(real_cb, "99215-95@10;G2212-95@10", minutes=70)
    assert (r.verdict, r.expected) == ("ok", "99215-95@10;G2212-95@10")


def test_add_on_without_its_primary(real_cb):
    r = one(real_cb, "G2212-95@10", minutes=70)
    assert r.verdict == "mismatch"
    assert r.reason == ("G2212 is an add-on billed without 99205 or 99215; "
                        "expected 99215-95@10;G2212-95@10")


def test_add_on_wrong_units(real_cb):
    r = one(real_cb, "99215-95@10;G2212-95@10x2", minutes=70)
    assert r.verdict == "mismatch"
    assert r.reason.startswith("2 units of G2212; expected 99215-95@10;G2212-95@10")


def test_99417_to_medicare(real_cb):
    r = one(real_cb, "99215-95@10;99417-95@10", minutes=70)
    assert r.verdict == "mismatch"
    assert r.reason.startswith("Medicare does not pay 99417")


def test_add_on_below_its_threshold(real_cb):
    r = one(real_cb, "99215-95@10;G2212-95@10", minutes=68)
    assert r.verdict == "mismatch"
    assert r.reason == "G2212 needs 69 minutes with 99215; expected 99215-95@10"
    r = one(real_cb, "99215-95@10;99417-95@10", minutes=54, payer="medicaid")
    assert r.reason == "99417 needs 55 minutes with 99215; expected 99215-95@10"


@pytest.mark.parametrize("day, other, verdict, why", [
    ("2024-06-03", "preventive", "mismatch",
     "G2211 is not paid on a visit billed with modifier 25 (2024)"),
    ("2025-06-02", "procedure", "mismatch", "G2211 is not paid with modifier 25 for a procedure"),
    ("2025-06-02", "preventive", "ok", ""),
])
def test_g2211_with_a_modifier_25_visit(real_cb, day, other, verdict, why):
    row = dict(VISIT, payer="medicare", date_of_service=day, minutes=30, longitudinal_care=True,
               modifier_25_same_day=True, same_day_service=other,
               billed_code="99214-95@10;G2211-95@10")
    (r,) = list(check_rows([row], real_cb))
    assert r.verdict == verdict
    assert why in r.reason


def test_interactive_complexity_with_crisis(real_cb):
    r = one(real_cb, "90839-95@10;90785-95@10", service="crisis_psychotherapy",
            psychotherapy_minutes=60, interactive_complexity=True)
    assert r.verdict == "mismatch"
    assert r.reason.startswith("90785 is an add-on billed without 90791, 90792")


def test_psychotherapy_rows_from_csv_text(real_cb):
    row = {"date_of_service": "2025-06-02", "payer": "commercial", "patient_status": "established",
           "modality": "audio_only", "service": "psychotherapy", "psychotherapy_minutes": "53",
           "billed_code": "90837-93@10"}
    (r,) = list(check_rows([row], real_cb))
    assert (r.verdict, r.expected) == ("ok", "90837-93@10")
