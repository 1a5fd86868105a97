"""Claim mode (engine.core.claim): every reason, on both sides of the dates it depends on,
against the real codebook; the suggested line only where the rules imply one."""

from __future__ import annotations

import pytest

from engine.core.claim import MEDICARE_ADVANTAGE, REASON_IDS, ClaimChecker, ClaimLine


def verdict(checker, ln, others=()):
    r = checker.check_line(ln, others)
    return r.verdict, r.reason_ids, r.suggested


# ---- the codebook holds every reason's words ------------------------------------------------
def test_every_reason_is_a_cited_codebook_message(real_cb):
    for rid in REASON_IDS:
        msg = real_cb.message(rid)
        assert msg is not None, rid
        assert msg["sources"], rid


def test_reason_words_come_from_the_codebook(edited_checker, line):
    def edit(bundle):
        for m in bundle["messages"]:
            if m["id"] == "claim-add-on-without-primary":
                m["text"] = "EDITED {code} needs {primary}"
    ck = edited_checker(edit)
    r = ck.check_line(line("2025-03-10", "medicare", "99458", pos="11"))
    assert r.message == "EDITED 99458 needs 99457"


# ---- dates the codebook covers ----------------------------------------------------------------
@pytest.mark.parametrize("day,checked", [("2023-12-31", False), ("2024-01-01", True),
                                         ("2026-12-31", True), ("2027-01-01", False)])
def test_date_outside_codebook(checker, line, day, checked):
    v, reasons, _ = verdict(checker, line(day, "medicare", "99213", "95", "10"))
    if checked:
        assert "claim-date-outside-codebook" not in reasons
    else:
        assert (v, reasons) == ("warning", ["claim-date-outside-codebook"])


def test_unknown_code_is_not_checked(checker, line):
    assert verdict(checker, line("2025-03-10", "medicare", "71046", "", "11")) == (
        "ok", ["claim-code-unknown"], None)


def test_unreadable_line(checker):
    r = checker.check_line(ClaimLine("C1", "3", "", "medicare", "", problem="no date of service"))
    assert (r.verdict, r.reason_ids) == ("error", ["claim-line-unreadable"])
    assert "no date of service" in r.message


# ---- code valid on the date -----------------------------------------------------------------
def test_98005_before_and_from_2025(checker, line):
    assert verdict(checker, line("2024-12-31", "commercial", "98005", "", "10")) == (
        "error", ["claim-code-not-valid-on-date"], None)
    assert verdict(checker, line("2025-01-01", "commercial", "98005", "", "10")) == (
        "ok", [], None)


def test_g2012_replaced_by_98016(checker, line):
    assert verdict(checker, line("2024-12-31", "medicare", "G2012", "", "11")) == ("ok", [], None)
    v, reasons, suggested = verdict(checker, line("2025-01-01", "medicare", "G2012", "", "11"))
    assert (v, reasons, suggested) == ("error", ["claim-code-not-valid-on-date"], "98016@11")
    r = checker.check_line(line("2025-01-01", "medicare", "G2012", "", "11"))
    assert "98016" in r.message and "2024-12-31" in r.message


def test_98016_before_2025_points_back_to_g2012(checker, line):
    assert verdict(checker, line("2024-12-31", "medicare", "98016", "", "11")) == (
        "error", ["claim-code-not-valid-on-date"], "G2012@11")


def test_telephone_em_deleted_2025(checker, line):
    assert verdict(checker, line("2024-12-31", "medicare", "99442", "", "10")) == ("ok", [], None)
    v, reasons, suggested = verdict(checker, line("2025-01-01", "medicare", "99442", "", "10"))
    assert (v, reasons, suggested) == ("error", ["claim-code-not-valid-on-date"], None)


# ---- codes the payer does not take ------------------------------------------------------------
def test_98005_to_medicare_suggests_99213_95(checker, line):
    r = checker.check_line(line("2025-01-01", "medicare", "98005", "", "10"))
    assert (r.verdict, r.reason_ids, r.suggested) == (
        "error", ["claim-code-not-payable", "claim-check-level-in-note"], "99213-95@10")
    assert "medicare-status-telemedicine-em" in r.reasons[0].records
    level = r.reasons[1]
    assert level.severity == "info" and "20 minutes or more" in level.message


def test_audio_only_98013_to_medicare_suggests_99213_93(checker, line):
    assert verdict(checker, line("2025-06-02", "medicare", "98013", "93", "10")) == (
        "error", ["claim-code-not-payable", "claim-check-level-in-note"], "99213-93@10")


def test_98002_new_patient_suggests_99204(checker, line):
    assert verdict(checker, line("2026-02-10", "medicare", "98002", "", "02"))[2] == "99204-95@02"


def test_98005_at_pos_11_has_no_single_correction(checker, line):
    assert verdict(checker, line("2025-03-10", "medicare", "98005", "", "11")) == (
        "error", ["claim-code-not-payable"], None)


def test_not_payable_to_commercial_is_only_what_the_codebook_says(checker, line):
    assert verdict(checker, line("2025-03-10", "commercial", "98005", "95", "10"))[0] == "ok"


# ---- place of service -----------------------------------------------------------------------
@pytest.mark.parametrize("day", ["2024-01-01", "2025-06-30", "2026-12-31"])
def test_pos_11_on_medicare_telehealth(checker, line, day):
    v, reasons, suggested = verdict(checker, line(day, "medicare", "99213", "95", "11"))
    assert (v, reasons, suggested) == ("error", ["claim-pos-wrong"], None)
    assert verdict(checker, line(day, "medicare", "99213", "95", "10")) == ("ok", [], None)
    assert verdict(checker, line(day, "medicare", "99213", "95", "02")) == ("ok", [], None)


def test_pos_wrong_message_names_both_telehealth_pos(checker, line):
    r = checker.check_line(line("2024-05-01", "medicare", "99214", "95", "11"))
    assert "99214-95@11" in r.message
    assert ("POS 02 (Telehealth, patient not at home) or 10 (Telehealth, patient at home)"
            in r.message)


def test_in_person_office_visit_is_not_a_telehealth_line(checker, line):
    assert verdict(checker, line("2025-03-10", "medicare", "99213", "", "11")) == ("ok", [], None)


# ---- modifiers --------------------------------------------------------------------------------
def test_missing_modifier_2024_then_2025(checker, line):
    # 2024: Medicare reports audio-only visits with 99441-99443, so 99213 at POS 10 is video
    assert verdict(checker, line("2024-12-31", "medicare", "99213", "", "10")) == (
        "error", ["claim-modifier-missing"], "99213-95@10")
    # 2025: 95 (video) or 93 (audio-only): the claim does not say which
    r = checker.check_line(line("2025-01-01", "medicare", "99213", "", "10"))
    assert (r.verdict, r.reason_ids, r.suggested) == ("error", ["claim-modifier-missing"], None)
    assert "95" in r.message and "93" in r.message


def test_modifier_conflict(checker, line):
    assert verdict(checker, line("2025-03-10", "medicare", "99213", "95-93", "10")) == (
        "error", ["claim-modifier-conflict"], None)


def test_gt_to_medicare_is_replaced_by_95(checker, line):
    r = checker.check_line(line("2025-03-10", "medicare", "99214", "GT", "10"))
    assert (r.verdict, r.suggested) == ("error", "99214-95@10")
    assert set(r.reason_ids) == {"claim-modifier-missing", "claim-modifier-limited"}
    assert "professional claims" in r.message


def test_fq_to_medicare_is_replaced_by_93(checker, line):
    r = checker.check_line(line("2025-03-10", "medicare", "99214", "FQ", "10"))
    assert (r.verdict, r.suggested) == ("error", "99214-93@10")


def test_other_modifiers_are_kept_in_the_suggestion(checker, line):
    assert verdict(checker, line("2024-03-04", "medicare", "99214", "25", "10"))[2] == (
        "99214-95-25@10")


def test_audio_only_office_visit_in_2024_then_2025(checker, line):
    v, reasons, _ = verdict(checker, line("2024-12-31", "medicare", "99213", "93", "10"))
    assert (v, reasons) == ("error", ["claim-modality-not-reported"])
    r = checker.check_line(line("2024-12-31", "medicare", "99213", "93", "10"))
    assert "99441" in r.message
    assert verdict(checker, line("2025-01-01", "medicare", "99213", "93", "10")) == (
        "ok", [], None)


def test_not_a_telehealth_service(checker, line):
    assert verdict(checker, line("2025-03-10", "medicare", "98016", "95", "11")) == (
        "error", ["claim-not-telehealth-service"], "98016@11")
    assert verdict(checker, line("2025-03-10", "medicare", "98016", "", "10")) == (
        "error", ["claim-not-telehealth-service"], None)
    assert verdict(checker, line("2025-03-10", "medicare", "98016", "", "11")) == (
        "ok", [], None)


def test_payer_of_defaults_gets_warnings(checker, line):
    v, reasons, _ = verdict(checker, line("2025-03-10", "commercial", "99457", "95", "11"))
    assert (v, reasons) == ("warning", ["claim-not-telehealth-service"])


# ---- add-on codes -----------------------------------------------------------------------------
def test_add_on_without_primary(checker, line):
    alone = line("2025-03-10", "medicare", "99458", "", "11")
    assert verdict(checker, alone) == ("error", ["claim-add-on-without-primary"], None)
    with_primary = [line("2025-03-10", "medicare", "99457", "", "11", number="1"),
                    line("2025-03-10", "medicare", "99458", "", "11", number="2")]
    assert [r.verdict for r in checker.check_claim(with_primary)] == ["ok", "ok"]
    # the memo keys on the other lines: the same line alone is still an error
    assert verdict(checker, alone)[0] == "error"


def test_add_on_data_comes_from_the_codebook(edited_checker, line):
    def edit(bundle):
        for c in bundle["codes"]:
            if c["code"] == "99458":
                c["add_on"] = None
    assert edited_checker(edit).check_line(
        line("2025-03-10", "medicare", "99458", "", "11")).verdict == "ok"


# ---- flexibility lapses -----------------------------------------------------------------------
@pytest.mark.parametrize("day,lapsed", [
    ("2025-09-30", False), ("2025-10-01", True), ("2025-11-12", True), ("2025-11-13", False),
    ("2026-01-30", False), ("2026-01-31", True), ("2026-02-03", True), ("2026-02-04", False)])
def test_restored_lapse(checker, line, day, lapsed):
    r = checker.check_line(line(day, "medicare", "99213", "95", "10"))
    if lapsed:
        assert (r.verdict, r.reason_ids) == ("warning", ["claim-waiver-lapse"])
        assert "restored" in r.message and "behavioral health" in r.message
        assert "medicare-flexibility-lapse-restored" in r.reasons[0].records
    else:
        assert (r.verdict, r.reason_ids) == ("ok", [])


def test_lapse_not_restored_denies_home_and_warns_facility(edited_checker, line):
    def edit(bundle):
        for p in bundle["flexibilities"]:
            if p["id"] == "flex-2025-lapse":
                p["restored_by"] = None
    ck = edited_checker(edit)
    home = ck.check_line(line("2025-10-01", "medicare", "99213", "95", "10"))
    assert (home.verdict, home.reason_ids) == ("error", ["claim-waiver-lapse"])
    assert "medicare-flexibility-lapse-home-not-covered" in home.reasons[0].records
    site = ck.check_line(line("2025-10-01", "medicare", "99213", "95", "02"))
    assert (site.verdict, site.reason_ids) == ("warning", ["claim-waiver-lapse"])
    assert "rural" in site.message
    assert ck.check_line(line("2025-09-30", "medicare", "99213", "95", "10")).verdict == "ok"
    assert ck.check_line(line("2025-11-13", "medicare", "99213", "95", "10")).verdict == "ok"


def test_lapse_does_not_touch_commercial(checker, line):
    assert verdict(checker, line("2025-10-01", "commercial", "98005", "", "10")) == (
        "ok", [], None)


# ---- payers -----------------------------------------------------------------------------------
def test_medicare_advantage_is_never_traditional_medicare(checker, line):
    # the codebook's generic Medicare Advantage profile (payers/profiles/, issue 15) follows
    # Medicare as a default: its answers are warnings, never traditional Medicare's errors
    r = checker.check_line(line("2025-03-10", MEDICARE_ADVANTAGE, "98005", "", "10"))
    assert (r.verdict, r.reason_ids, r.suggested) == (
        "warning", ["claim-code-not-payable", "claim-check-level-in-note"], "99213-95@10")
    assert "does not pay 98005" in r.message
    traditional = checker.check_line(line("2025-03-10", "medicare", "98005", "", "10"))
    assert traditional.verdict == "error"
    # payer-independent checks still run
    r = checker.check_line(line("2024-03-10", MEDICARE_ADVANTAGE, "98005", "", "10"))
    assert r.reason_ids == ["claim-code-not-valid-on-date"]


def test_medicare_advantage_without_its_profile(checker, line, real_cb):
    # a bundle without payer profiles knows no Medicare Advantage payer: the plan's own rules
    from engine.core.claim import ClaimChecker
    from engine.core.codebook import Codebook

    bare = Codebook({k: v for k, v in real_cb.source_bundle.items() if k != "payer_profiles"})
    r = ClaimChecker(bare).check_line(line("2025-03-10", MEDICARE_ADVANTAGE, "98005", "", "10"))
    assert (r.verdict, r.reason_ids) == ("warning", ["claim-payer-medicare-advantage"])


def test_unknown_payer(checker, line):
    r = checker.check_line(line("2025-03-10", "tricare", "99213", "95", "11"))
    assert (r.verdict, r.reason_ids) == ("warning", ["claim-payer-unknown"])
    assert "tricare" in r.message


def test_every_reason_cites_sources(checker, line):
    r = checker.check_line(line("2025-01-01", "medicare", "98005", "", "10"))
    for reason in r.reasons:
        assert reason.sources and reason.records


def test_memo_gives_the_same_answer(real_cb, line):
    ck = ClaimChecker(real_cb, cache_size=2)
    days = ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-01"]
    got = [ck.check_line(line(d, "medicare", "98005", "", "10")).suggested for d in days]
    assert got == ["99213-95@10"] * 4
    nocache = ClaimChecker(real_cb, cache_size=0)
    assert nocache.check_line(line("2025-01-01", "medicare", "98005", "", "10")).as_dict() == \
        ck.check_line(line("2025-01-01", "medicare", "98005", "", "10")).as_dict()


def test_shared_answers_equal_fresh_ones_on_every_day(real_cb):
    """Lines share an answer within a date segment: the same as checking each line afresh."""
    import datetime as dt

    shared, fresh = ClaimChecker(real_cb), ClaimChecker(real_cb, cache_size=0)
    combos = [("medicare", "98005", (), "10"), ("medicare", "99213", ("95",), "10"),
              ("medicare", "99213", (), "10"), ("medicare", "G2012", (), "11"),
              ("medicare", "99441", (), "10"), ("commercial", "98016", ("95",), "10"),
              ("medicare", "99213", ("95",), "02")]
    day = dt.date(2023, 12, 25)
    lines = []
    while day <= dt.date(2027, 1, 5):
        for payer, code, mods, pos in combos:
            lines.append(ClaimLine("C", "1", day.isoformat(), payer, code, mods, pos))
        day += dt.timedelta(days=1)
    got = [r.as_dict() for r in shared.check_many(lines)]
    assert got == [fresh.check_line(ln).as_dict() for ln in lines]
    assert len(shared._memo) < len(lines) // 20  # answers were shared


def test_modifier_not_used_from_its_scope_date(edited_checker, line):
    """A modifier scope `not_used` for the payer from a date: an error from that day on."""
    def edit(bundle):
        for m in bundle["modifiers"]:
            if m["code"] == "GT":
                m["scope"] = [
                    {"payer": "medicare", "use": "accepted", "from": "2024-01-01",
                     "to": "2025-06-30", "note": None},
                    {"payer": "medicare", "use": "not_used", "from": "2025-07-01", "to": None,
                     "note": "Not taken on professional claims."}]
    ck = edited_checker(edit)
    before = ck.check_line(line("2025-06-30", "medicare", "99214", "GT", "10"))
    after = ck.check_line(line("2025-07-01", "medicare", "99214", "GT", "10"))
    assert before.reason_ids == ["claim-modifier-missing"]
    assert after.reason_ids == ["claim-modifier-not-used", "claim-modifier-missing"]
    assert "Not taken on professional claims." in after.message
    assert after.suggested == before.suggested == "99214-95@10"
