"""Shipped payer profiles (codebook/payers/profiles/): every rule answers on its dates and not
on the day before its start or after its end, and the facts they rest on give exact lines."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.core import check
from engine.core.codebook import load_codebook

CB = load_codebook()
PROFILES = CB.bundle["payer_profiles"]
RULES = [(p["id"], r) for p in PROFILES for r in p["rules"]]


def _day(day: str, delta: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=delta)).isoformat()


def _visit(payer: str, day: str, modality: str = "audio_video", **more) -> dict:
    return {"date_of_service": day, "payer": payer, "patient_status": "established",
            "modality": modality, "mdm": "low", "minutes": 20, "discussion_minutes": 15, **more}


def _lines(result: dict) -> list[tuple[str, list[str], str]]:
    return [(ln["code"], ln["modifiers"], ln["pos"]) for ln in result["lines"]]


def _cites(result: dict, rule_id: str) -> bool:
    return (any(t["outcome"].endswith(f" rule {rule_id}") for t in result["trace"])
            or any(w["id"] == rule_id for w in result["warnings"]))


def test_the_issue_profiles_are_shipped():
    ids = {p["id"] for p in PROFILES}
    assert {"unitedhealthcare", "aetna", "cigna", "elevance", "medicare_advantage",
            "humana_ma"} <= ids
    states = {p["state"] for p in PROFILES if p["type"] == "medicaid"}
    assert {"TX", "CA", "NY", "FL", "PA", "AK"} <= states
    for p in PROFILES:
        assert p["last_verified"] and p["sources"]
        for r in p["rules"]:
            assert r["evidence"] in ("verified", "secondary") and r["sources"]


@pytest.mark.parametrize("pid, rule", RULES, ids=[r["id"] for _, r in RULES])
def test_each_rule_holds_on_its_dates_only(pid, rule):
    service = rule["service"]
    inside = [rule["from"]] + ([rule["to"]] if rule["to"] else [])
    for day in inside:
        result = check(_visit(pid, day, service), CB)
        assert _cites(result, rule["id"]), (pid, day)
        if rule["accepted"] is True:
            assert result["billable"]
            assert result["trace"][0]["outcome"].endswith(f"; from {pid} rule {rule['id']}")
        else:
            assert not result["billable"] and result["lines"] == []
            said = [w for w in result["warnings"] if w["id"] == rule["id"]][0]["message"]
            if rule["accepted"] == "unknown":
                assert said.startswith("Unknown — check the plan.")
            else:
                assert " does not pay for " in said
    outside = []
    if rule["from"] > CB.covers_from:
        outside.append(_day(rule["from"], -1))
    if rule["to"] and rule["to"] < CB.covers_to:
        outside.append(_day(rule["to"], 1))
    for day in outside:
        assert not _cites(check(_visit(pid, day, service), CB), rule["id"]), (pid, day)


def test_texas_medicaid_95_and_93_from_2024_12_01():
    tx = {"state": "TX"}
    assert _lines(check(_visit("medicaid", "2024-12-01", **tx), CB)) == [("99213", ["95"], "10")]
    phone = check(_visit("medicaid", "2024-12-01", "audio_only", **tx), CB)
    assert _lines(phone) == [("99213", ["93"], "10")]
    assert phone["trace"][0]["outcome"].endswith("; from medicaid_tx rule tx-audio-only-93")
    before = check(_visit("medicaid", "2024-11-30", "audio_only", **tx), CB)
    assert before["trace"][0]["outcome"].endswith("; from the medicaid default")
    assert "the default for Medicaid" in " ".join(w["message"] for w in before["warnings"])
    # the profile id itself answers the same
    assert _lines(check(_visit("medicaid_tx", "2025-02-03", "audio_only"), CB)) == [
        ("99213", ["93"], "10")]


def test_state_programs():
    assert _lines(check(_visit("medicaid", "2025-03-03", state="FL"), CB)) == [
        ("99213", ["GT"], "10")]
    assert check(_visit("medicaid", "2025-03-03", "audio_only", state="FL"), CB)[
        "billable"] is False
    assert _lines(check(_visit("medicaid", "2025-03-03", "audio_only", state="CA"), CB)) == [
        ("99213", ["93"], "10")]
    assert _lines(check(_visit("medicaid", "2026-03-03", "audio_only", state="AK",
                               patient_location="facility"), CB)) == [("99213", ["93"], "02")]
    ny = check(_visit("medicaid", "2025-03-03", state="NY"), CB)
    assert ny["billable"] is False
    assert any(w["message"].startswith("Unknown — check the plan.") for w in ny["warnings"])
    oh = check(_visit("medicaid", "2025-03-03", state="OH"), CB)
    assert _lines(oh) == _lines(check(_visit("medicaid", "2025-03-03"), CB))
    assert "medicaid-state-unknown" in {w["id"] for w in oh["warnings"]}


def test_commercial_plans():
    assert _lines(check(_visit("unitedhealthcare", "2024-06-03"), CB)) == [
        ("99213", ["95"], "10")]
    assert _lines(check(_visit("cigna", "2024-06-03"), CB)) == [("99213", ["95"], "02")]
    uhc = check(_visit("unitedhealthcare", "2025-06-02"), CB)
    assert uhc["billable"] is False
    assert {w["id"] for w in uhc["warnings"]} == {"uhc-audio-video-2025"}
    # a service the profile says nothing about: the commercial default, said so
    checkin = check({"date_of_service": "2025-06-02", "payer": "aetna",
                     "patient_status": "established", "modality": "virtual_checkin",
                     "minutes": 8}, CB)
    base = check({"date_of_service": "2025-06-02", "payer": "commercial",
                  "patient_status": "established", "modality": "virtual_checkin",
                  "minutes": 8}, CB)
    assert _lines(checkin) == _lines(base) and checkin["lines"]
    assert "payer-rule-inherited" in {w["id"] for w in checkin["warnings"]}


def test_medicare_advantage_drops_the_medicare_location_rules():
    # 2025-10-15: Medicare's lapse (restored later) is warned about; an MA plan is not bound
    medicare = check(_visit("medicare", "2025-10-15"), CB)
    ma = check(_visit("medicare_advantage", "2025-10-15"), CB)
    assert _lines(ma) == _lines(medicare) == [("99213", ["95"], "10")]
    assert any(w["id"].startswith("medicare-flexibility") for w in medicare["warnings"])
    assert not any(w["id"].startswith("medicare-flexibility") for w in ma["warnings"])
    humana = check(_visit("humana_ma", "2025-10-15"), CB)
    assert humana["trace"][0]["outcome"].endswith("; from humana_ma rule humana-audio-video")
