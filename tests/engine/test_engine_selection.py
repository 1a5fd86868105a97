"""Selection methods on the mini bundle: mdm_or_time, time_band (+ add-ons), e-visit periods,
fixed and none."""

from __future__ import annotations

import pytest

from engine import core
from engine.core.methods import evisit_periods


def codes(result):
    return [(line["code"], line["units"]) for line in result["lines"]]


def ids(result):
    return [w["id"] for w in result["warnings"]]


# ---- mdm_or_time -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "mdm,minutes,expected",
    [
        ("moderate", 25, "99214"),       # MDM wins
        ("low", 35, "99214"),            # time wins (30 <= 35 < 40)
        ("straightforward", 40, "99215"),  # time threshold is a minimum: met exactly
        ("high", None, "99215"),
        (None, 10, "99212"),
        (None, 19, "99212"),
        (None, 20, "99213"),
        ("low", 5, "99213"),             # time below the lowest level, MDM still selects
    ],
)
def test_mdm_or_time_higher_wins(mini_cb, enc, mdm, minutes, expected):
    kw = {}
    if mdm:
        kw["mdm"] = mdm
    if minutes is not None:
        kw["minutes"] = minutes
    result = core.check(enc(**kw), mini_cb)
    assert codes(result) == [(expected, 1)]
    assert result["billable"] is True


def test_mdm_or_time_new_patient_codes(mini_cb, enc):
    result = core.check(enc(patient_status="new", minutes=45), mini_cb)
    assert codes(result) == [("99204", 1)]


def test_mdm_or_time_no_level(mini_cb, enc):
    result = core.check(enc(), mini_cb)
    assert result["billable"] is False and result["lines"] == []
    w = [w for w in result["warnings"] if w["id"] == "office-em-no-level"]
    assert w and w[0]["message"] == "Office E/M: give MDM or minutes."
    assert w[0]["sources"] == ["src-codes"]


def test_mdm_or_time_below_minimum(mini_cb, enc):
    result = core.check(enc(minutes=9), mini_cb)
    assert result["billable"] is False
    assert "office-em-below-minimum" in ids(result)
    assert any("below the minimum time (9)" in w["message"] for w in result["warnings"])


def test_unselectable_code_never_chosen(mini_cb, enc):
    # 99211 has no MDM/time and selectable: false; minimal time gives nothing, never 99211
    result = core.check(enc(minutes=3), mini_cb)
    assert "99211" not in [line["code"] for line in result["lines"]]


def test_code_modality_must_match(mini_cb, enc):
    av = core.check(enc(payer="commercial", minutes=25), mini_cb)
    ao = core.check(enc(payer="commercial", modality="audio_only", minutes=25,
                          discussion_minutes=12), mini_cb)
    assert codes(av) == [("98005", 1)]
    assert codes(ao) == [("98013", 1)]


# ---- time_band ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "day,minutes,discussion,expected",
    [
        ("2024-11-15", 8, None, "G2012"),
        ("2025-04-14", 8, None, "98016"),
        ("2025-04-14", 30, 15, "G2252"),   # discussion time wins over total minutes
        ("2025-04-14", 5, None, "98016"),  # band start inclusive
        ("2025-04-14", 10, None, "98016"),  # band end inclusive
        ("2025-04-14", 11, None, "G2252"),
        ("2025-04-14", 20, None, "G2252"),
    ],
)
def test_time_band(mini_cb, enc, day, minutes, discussion, expected):
    kw = {"date_of_service": day, "modality": "virtual_checkin", "minutes": minutes}
    if discussion is not None:
        kw["discussion_minutes"] = discussion
    result = core.check(enc(**kw), mini_cb)
    assert codes(result) == [(expected, 1)]
    assert result["lines"][0]["pos"] is None and result["lines"][0]["modifiers"] == []


def test_time_band_below_and_above(mini_cb, enc):
    below = core.check(enc(modality="virtual_checkin", minutes=4), mini_cb)
    assert below["billable"] is False and "virtual-checkin-below-minimum" in ids(below)
    above = core.check(enc(modality="virtual_checkin", minutes=21), mini_cb)
    assert above["billable"] is False and "virtual-checkin-above-maximum" in ids(above)
    msg = [w["message"] for w in above["warnings"] if w["id"] == "virtual-checkin-above-maximum"]
    assert msg == ["Check-in above 20 minutes: bill a visit."]


def test_time_band_missing_time_uses_family_message(mini_cb, enc):
    result = core.check(enc(modality="virtual_checkin"), mini_cb)
    assert result["billable"] is False
    assert "virtual-checkin-below-minimum" in ids(result)
    assert any("no discussion_or_minutes given" in t["outcome"] for t in result["trace"])


@pytest.mark.parametrize(
    "management,expected",
    [
        (19, []),
        (20, [("99457", 1)]),
        (39, [("99457", 1)]),
        (40, [("99457", 1), ("99458", 1)]),
        (65, [("99457", 1), ("99458", 2)]),
    ],
)
def test_add_on_units_2025(mini_cb, enc, management, expected):
    result = core.check(enc(date_of_service="2025-06-10", modality="remote_monitoring",
                              management_minutes=management, interactive_communication=True),
                          mini_cb)
    assert codes(result) == expected


def test_short_period_codes_by_date(mini_cb, enc):
    kw = dict(modality="remote_monitoring", device_days=10, management_minutes=15,
              interactive_communication=True)
    before = core.check(enc(date_of_service="2025-12-31", **kw), mini_cb)
    after = core.check(enc(date_of_service="2026-01-01", **kw), mini_cb)
    assert before["billable"] is False and before["lines"] == []
    assert codes(after) == [("99445", 1), ("99470", 1)]


def test_family_without_time_gives_no_line_but_others_do(mini_cb, enc):
    result = core.check(enc(modality="remote_monitoring", device_days=20), mini_cb)
    assert codes(result) == [("99454", 1)]
    assert result["warnings"] == []
    assert any(t["rule"] == "rpm-management" and "no management_minutes given" in t["outcome"]
               for t in result["trace"])


# ---- e-visit periods ------------------------------------------------------------------------
def test_evisit_periods_helper():
    assert evisit_periods({"0": 4, "9": 3}, 7) == [(0, 4), (9, 3)]
    assert evisit_periods({"0": 5, "2": 3}, 7) == [(0, 8)]
    assert evisit_periods({"0": 5, "6": 1, "7": 2, "13": 1, "14": 1}, 7) == [(0, 6), (7, 3),
                                                                                (14, 1)]
    assert evisit_periods({"0": 0, "3": 5, "9": 1}, 7) == [(3, 6)]
    assert evisit_periods({"0": 0}, 7) == []


def evisit(mini_cb, enc, by_day, **kw):
    return core.check(enc(modality="portal_evisit", evisit_minutes_by_day=by_day, **kw),
                        mini_cb)


def test_evisit_two_short_periods_give_nothing(mini_cb, enc):
    result = evisit(mini_cb, enc, {"0": 4, "9": 3})
    assert result["billable"] is False and result["lines"] == []
    messages = [w["message"] for w in result["warnings"]]
    assert messages == ["E-visit period 1 totals 4 min: under the minimum.",
                        "E-visit period 2 totals 3 min: under the minimum."]


def test_evisit_one_period_lowest_band(mini_cb, enc):
    result = evisit(mini_cb, enc, {"0": 5, "2": 3})
    assert codes(result) == [("99421", 1)]
    assert result["lines"][0]["pos"] is None


def test_evisit_highest_band(mini_cb, enc):
    assert codes(evisit(mini_cb, enc, {"0": 12, "3": 10})) == [("99423", 1)]


def test_evisit_periods_never_pooled(mini_cb, enc):
    # 4 + 3 = 7 would reach the lowest band if pooled
    result = evisit(mini_cb, enc, {"0": 4, "7": 3})
    assert result["lines"] == []
    # one line per reportable period; a short period only warns
    result = evisit(mini_cb, enc, {"0": 6, "8": 12, "16": 2})
    assert codes(result) == [("99421", 1), ("99422", 1)]
    assert ids(result) == ["online-digital-em-below-minimum"]


def test_evisit_minutes_without_days_is_one_period(mini_cb, enc):
    result = core.check(enc(modality="portal_evisit", minutes=15), mini_cb)
    assert codes(result) == [("99422", 1)]


# ---- fixed and none ---------------------------------------------------------------------------
def test_fixed(mini_cb, enc):
    result = core.check(enc(modality="store_and_forward"), mini_cb)
    assert codes(result) == [("G2010", 1)]
    assert result["lines"][0]["label"] == "Review of patient images"


def test_none_family_never_selected(make_cb, enc):
    def edit(b):
        b["routes"][4]["families"] = ["facility-fees"]  # medicare-audio-video
    result = core.check(enc(minutes=30), make_cb(edit))
    assert result["lines"] == [] and result["billable"] is False
    assert any("never selected" in t["outcome"] for t in result["trace"])


def test_route_codes_restrict_candidates(make_cb, enc):
    def edit(b):
        route = next(r for r in b["routes"] if r["id"] == "medicare-checkin")
        route["codes"] = ["G2252"]
    cb = make_cb(edit)
    assert codes(core.check(enc(modality="virtual_checkin", minutes=15), cb)) == [("G2252", 1)]
    assert core.check(enc(modality="virtual_checkin", minutes=8), cb)["lines"] == []


def test_no_candidate_code_message(mini_cb, enc):
    # a new patient has no check-in code; the deny rule explains, selection stays quiet
    result = core.check(enc(modality="virtual_checkin", patient_status="new", minutes=8),
                          mini_cb)
    assert ids(result) == ["checkin-established-only"]
    assert result["warnings"][0]["severity"] == "error"
    # without the rule, the generic no-code message says it
    result = core.check(enc(modality="store_and_forward", patient_status="new"), mini_cb)
    assert "no-code-for-encounter" in ids(result)
    assert "Image review: no code fits this encounter." in [w["message"]
                                                            for w in result["warnings"]]


def test_family_message_placeholders(make_cb, enc):
    def edit(b):
        fam = next(f for f in b["families"] if f["id"] == "office-em")
        fam["messages"]["below_minimum"] = "{family} ({family_id}): {time_minutes} < {minimum}"
        fam["messages"]["no_level"] = "[{minimum}|{period}|{time_basis}]"
        ev = next(f for f in b["families"] if f["id"] == "online-digital-em")
        ev["messages"]["below_minimum"] = ("{period}: days {period_start}-{period_end} of "
                                           "{period_days}: {period_minutes} < {minimum}")
    cb = make_cb(edit)
    msgs = [w["message"] for w in core.check(enc(minutes=7), cb)["warnings"]]
    assert "Office E/M (office-em): 7 < 10" in msgs
    msgs = [w["message"] for w in core.check(enc(), cb)["warnings"]]
    assert "[10||minutes]" in msgs
    res = core.check(enc(modality="portal_evisit", evisit_minutes_by_day={"2": 3}), cb)
    assert [w["message"] for w in res["warnings"]] == ["1: days 2-8 of 7: 3 < 5"]
