"""Payer profiles (issue 15) meet the services of issue 14: a profile's rules change visits
only; psychotherapy and the other behavioral services are answered as the profile's base
answers them, and a visit under a profile rule keeps its add-on codes (prolonged services)."""

from __future__ import annotations

import pytest

from engine import core

PSYCHOTHERAPY = {"date_of_service": "2026-03-10", "patient_status": "established",
                 "modality": "audio_video", "service": "psychotherapy",
                 "psychotherapy_minutes": 45}


def lines(cb, **enc) -> str:
    return core.format_lines(core.check(enc, cb)["lines"])


@pytest.mark.parametrize("payer,base", [
    ("unitedhealthcare", "commercial"), ("aetna", "commercial"), ("cigna", "commercial"),
    ("elevance", "commercial"), ("humana_ma", "medicare"), ("medicare_advantage", "medicare")])
def test_psychotherapy_under_a_profile_answers_like_its_base(real_cb, payer, base):
    assert lines(real_cb, **PSYCHOTHERAPY, payer=payer) == lines(real_cb, **PSYCHOTHERAPY,
                                                                 payer=base) == "90834-95@10"


def test_psychotherapy_for_a_state_medicaid_profile(real_cb):
    assert lines(real_cb, **PSYCHOTHERAPY, payer="medicaid", state="TX") == "90834-95@10"


def test_a_visit_under_a_profile_rule_keeps_its_add_ons(real_cb):
    visit = {"date_of_service": "2025-03-10", "patient_status": "established",
             "modality": "audio_video", "mdm": "moderate", "minutes": 70}
    # Texas Medicaid's own rule (office E/M + 95) and the prolonged-services add-on of its base
    assert lines(real_cb, **visit, payer="medicaid", state="TX") == "99215-95@10;99417-95@10x2"
    assert lines(real_cb, **{**visit, "date_of_service": "2024-03-10"},
                 payer="humana_ma") == "99215-95@10;G2212-95@10"
