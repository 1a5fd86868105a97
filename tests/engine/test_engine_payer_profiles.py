"""Payer profiles in the engine (engine.core.profiles): inheritance, dated overrides, where an
answer came from, Medicaid by state, and unknown payers."""

from __future__ import annotations

import copy
import json

import pytest

from engine.core import check
from engine.core.codebook import DEFAULT_PATH, Codebook, CodebookError
from engine.core.errors import EncounterError

SRC = [{"id": "aafp-th25", "locator": "test"}]


def _profile(pid: str, base: str, rules: list[dict] | None = None, **extra) -> dict:
    return {"id": pid, "name": f"Plan {pid.upper()}", "type": "commercial", "base": base,
            "state": None, "summary": "test", "ignores": [], "sources": SRC,
            "last_verified": "2026-12-01", "evidence": "verified", "note": None,
            "rules": rules or [], "file": f"{pid}.yaml", **extra}


def _rule(rid: str, service: str, frm: str, to: str | None = None, accepted=True, **extra):
    return {"id": rid, "service": service, "from": frm, "to": to, "accepted": accepted,
            "families": None, "codes": None, "modifiers": None, "pos": None,
            "summary": f"summary of {rid}.", "sources": SRC, "last_verified": "2026-12-01",
            "evidence": "verified", "note": None, **extra}


@pytest.fixture(scope="module")
def raw() -> dict:
    with open(DEFAULT_PATH, encoding="utf-8") as fh:
        bundle = json.load(fh)
    # only the test's own profiles
    bundle["payer_profiles"] = []
    return bundle


def _cb(raw: dict, *profiles: dict) -> Codebook:
    bundle = copy.deepcopy(raw)
    bundle["payer_profiles"] = list(profiles)
    return Codebook(bundle)


def _visit(payer: str, day: str = "2025-03-10", **more) -> dict:
    return {"date_of_service": day, "payer": payer, "patient_status": "established",
            "modality": "audio_video", "mdm": "low", **more}


def _lines(result: dict) -> list[tuple[str, list[str], str]]:
    return [(ln["code"], ln["modifiers"], ln["pos"]) for ln in result["lines"]]


def test_a_profile_that_says_nothing_answers_like_its_base(raw):
    cb = _cb(raw, _profile("plan_x", "commercial"))
    for day in ("2024-06-03", "2025-03-10", "2026-05-04"):
        base = check(_visit("commercial", day), cb)
        mine = check(_visit("plan_x", day), cb)
        assert _lines(mine) == _lines(base) and mine["billable"] == base["billable"]
        route = mine["trace"][0]
        assert route["rule"] == "plan_x/" + base["trace"][0]["rule"]
        assert route["outcome"].endswith("; from the commercial default")
        said = [w for w in mine["warnings"] if w["id"] == "payer-rule-inherited"]
        assert said and "the default for commercial plans" in said[0]["message"]
        assert "Plan PLAN_X" in said[0]["message"]


def test_a_dated_rule_overrides_the_base_on_its_dates_only(raw):
    rule = _rule("x-video-office", "audio_video", "2025-01-01", "2025-12-31",
                 families=["office-em"], modifiers=["95"], pos={"home": "10", "facility": "02"})
    cb = _cb(raw, _profile("plan_x", "commercial", [rule]))
    assert _lines(check(_visit("plan_x", "2024-12-31"), cb)) == [("99213", ["95"], "10")]
    assert _lines(check(_visit("plan_x", "2025-01-01"), cb)) == [("99213", ["95"], "10")]
    inside = check(_visit("plan_x", "2025-12-31", patient_location="facility"), cb)
    assert _lines(inside) == [("99213", ["95"], "02")]
    assert inside["trace"][0]["outcome"].endswith("; from plan_x rule x-video-office")
    assert not [w for w in inside["warnings"] if w["id"] == "payer-rule-inherited"]
    # the day after, the commercial default again (CPT telemedicine code, no modifier)
    assert _lines(check(_visit("plan_x", "2026-01-01"), cb)) == [("98005", [], "10")]
    # the base's answer is untouched
    assert _lines(check(_visit("commercial", "2025-06-01"), cb)) == [("98005", [], "10")]


def test_not_accepted_and_unknown(raw):
    rules = [_rule("x-no-phone", "audio_only", "2025-01-01", accepted=False),
             _rule("x-checkin-unknown", "virtual_checkin", "2025-01-01", accepted="unknown")]
    cb = _cb(raw, _profile("plan_x", "commercial", rules))
    phone = check(_visit("plan_x", modality="audio_only", discussion_minutes=15, minutes=20),
                  cb)
    assert phone["billable"] is False and phone["lines"] == []
    msg = [w for w in phone["warnings"] if w["id"] == "x-no-phone"][0]["message"]
    assert msg.startswith("Plan PLAN_X does not pay for audio-only visits on 2025-03-10")
    assert "summary of x-no-phone." in msg
    checkin = check({"date_of_service": "2025-03-10", "payer": "plan_x",
                     "patient_status": "established", "modality": "virtual_checkin",
                     "minutes": 10}, cb)
    assert checkin["billable"] is False
    msg = [w for w in checkin["warnings"] if w["id"] == "x-checkin-unknown"][0]["message"]
    assert msg.startswith("Unknown — check the plan.")
    # before the rules' dates: the base answers
    before = check(_visit("plan_x", "2024-12-31", modality="audio_only", discussion_minutes=15,
                          minutes=20), cb)
    assert before["billable"] is True


def test_a_chain_of_bases_inherits_the_nearest_rule(raw):
    rule = _rule("x-video-office", "audio_video", "2025-01-01",
                 families=["office-em"], modifiers=["95"])
    later = _rule("y-video-gt", "audio_video", "2026-01-01", modifiers=["GT"])
    cb = _cb(raw, _profile("plan_x", "commercial", [rule]),
             _profile("plan_y", "plan_x", [later]), _profile("plan_z", "plan_y"))
    assert _lines(check(_visit("plan_z", "2025-06-02"), cb)) == [("99213", ["95"], "10")]
    # plan_y's rule changes the modifier only: the rest (office E/M, POS) from the base route
    z = check(_visit("plan_z", "2026-02-02"), cb)
    assert _lines(z) == [("98005", ["GT"], "10")]
    assert z["trace"][0]["outcome"].endswith("; from plan_y rule y-video-gt")


def test_ignored_base_rules_do_not_apply(raw):
    cb = _cb(raw, _profile("plan_x", "commercial", ignores=["commercial-plans-vary"]))
    ids = {w["id"] for w in check(_visit("plan_x"), cb)["warnings"]}
    assert "commercial-plans-vary" not in ids
    assert "commercial-plans-vary" in {w["id"] for w in check(_visit("commercial"), cb)["warnings"]}


def test_unknown_payer_names_the_closest_ids(raw):
    cb = _cb(raw, _profile("plan_x", "commercial"), _profile("plan_xy", "commercial"))
    with pytest.raises(EncounterError) as info:
        check(_visit("plan_xx"), cb)
    text = str(info.value)
    assert "unknown payer 'plan_xx'" in text and "closest ids: plan_x" in text
    assert "plan_xy" in text


def test_medicaid_by_state(raw):
    tx = _profile("medicaid_zz", "medicaid", [
        _rule("zz-video-95", "audio_video", "2024-12-01", families=["office-em"],
              modifiers=["95"])], type="medicaid", state="ZZ")
    cb = _cb(raw, tx)
    assert cb.effective_payer("medicaid", "ZZ") == "medicaid_zz"
    by_state = check(_visit("medicaid", "2025-03-10", state="ZZ"), cb)
    assert _lines(by_state) == [("99213", ["95"], "10")]
    assert by_state["trace"][0]["outcome"].endswith("; from medicaid_zz rule zz-video-95")
    default = check(_visit("medicaid", "2025-03-10"), cb)
    other = check(_visit("medicaid", "2025-03-10", state="OH"), cb)
    assert _lines(other) == _lines(default)
    said = [w for w in other["warnings"] if w["id"] == "medicaid-state-unknown"]
    assert said and "no Medicaid profile for the state OH" in said[0]["message"]
    assert not [w for w in default["warnings"] if w["id"] == "medicaid-state-unknown"]


@pytest.mark.parametrize("profiles, words", [
    ([_profile("plan_x", "nobody")], "unknown base 'nobody'"),
    ([_profile("plan_x", "plan_y"), _profile("plan_y", "plan_x")], "cycle"),
    ([_profile("medicare", "commercial")], "used twice"),
])
def test_bad_profiles_are_refused(raw, profiles, words):
    with pytest.raises(CodebookError, match=words):
        _cb(raw, *profiles)
