"""Routes, rule scopes and effects, derived facts, conflicts, result order (mini bundle)."""

from __future__ import annotations

import pytest

from engine import core
from engine.core.plan import compiled
from engine.core.sources import merge


def ids(result):
    return [w["id"] for w in result["warnings"]]


def trace_rules(result):
    return [t["rule"] for t in result["trace"]]


def warning(result, wid):
    found = [w for w in result["warnings"] if w["id"] == wid]
    assert found, f"no warning {wid}: {ids(result)}"
    return found[0]


# ---- routes --------------------------------------------------------------------------------
def test_route_modifiers_and_pos_by_location(mini_cb, enc):
    home = core.check(enc(minutes=25), mini_cb)["lines"][0]
    facility = core.check(enc(minutes=25, patient_location="facility"), mini_cb)["lines"][0]
    assert (home["modifiers"], home["pos"]) == (["95"], "10")
    assert (facility["modifiers"], facility["pos"]) == (["95"], "02")


def test_route_when_condition(mini_cb, enc):
    ok = core.check(enc(modality="audio_only", minutes=25, patient_video_unavailable=True),
                      mini_cb)
    assert [(x["code"], x["modifiers"], x["pos"]) for x in ok["lines"]] == [("99213", ["93"],
                                                                           "10")]
    assert trace_rules(ok)[0] == "medicare-audio-only"
    for kw in ({"patient_video_unavailable": False},
               {"patient_video_unavailable": True, "practitioner_video_capable": False},
               {"patient_video_unavailable": True, "patient_location": "facility"}):
        res = core.check(enc(modality="audio_only", minutes=25, **kw), mini_cb)
        assert res["billable"] is False and res["lines"] == []
        assert ids(res)[0] == "not-covered-no-route"


def test_route_dates(mini_cb, enc):
    r2024 = core.check(enc(payer="commercial", date_of_service="2024-12-31", minutes=25),
                         mini_cb)
    r2025 = core.check(enc(payer="commercial", date_of_service="2025-01-01", minutes=25),
                         mini_cb)
    assert [(x["code"], x["modifiers"]) for x in r2024["lines"]] == [("99213", ["95"])]
    assert [(x["code"], x["modifiers"]) for x in r2025["lines"]] == [("98005", [])]
    assert trace_rules(r2024)[0] == "commercial-audio-video-2024"
    assert trace_rules(r2025)[0] == "commercial-audio-video"


def test_route_clinician(mini_cb, enc):
    # medicare-checkin is clinician: any; medicare-audio-video is em_practitioner only
    assert core.check(enc(modality="virtual_checkin", minutes=8,
                            clinician="non_em_practitioner"), mini_cb)["billable"] is True
    res = core.check(enc(minutes=25, clinician="non_em_practitioner"), mini_cb)
    assert res["billable"] is False and ids(res) == ["not-covered-no-route", "consent-unknown"][:1]


def test_first_matching_route_wins(make_cb, enc):
    def edit(b):
        extra = dict(next(r for r in b["routes"] if r["id"] == "medicare-audio-video"))
        extra.update(id="medicare-audio-video-second", modifiers=["GT"])
        b["routes"].append(extra)
    res = core.check(enc(minutes=25), make_cb(edit))
    assert res["lines"][0]["modifiers"] == ["95"]


def test_no_route_not_covered(mini_cb, enc):
    res = core.check(enc(payer="medicaid", minutes=25), mini_cb)
    assert res["billable"] is False and res["lines"] == []
    w = res["warnings"][0]
    assert w == {"id": "not-covered-no-route", "severity": "warning",
                 "message": "No rule for medicaid audio_video on 2025-03-10: not covered.",
                 "sources": ["src-a"]}
    assert res["trace"][0]["rule"] == "not-covered-no-route"


def _with_no_route_fits(b):
    b["messages"].append({"id": "no-route-fits", "severity": "warning", "sources": [
        {"id": "src-a", "locator": "x"}],
        "text": "{payer} {modality}: no route fits on {date_of_service}.", "placeholders": []})


def test_routes_in_force_but_none_fits(make_cb, enc):
    """A route in force whose condition fails is not "no answer": no-route-fits, citing the
    routes that did not fit; a payer with no route in force still gets not-covered-no-route."""
    cb = make_cb(_with_no_route_fits)
    res = core.check(enc(modality="audio_only", minutes=25), cb)
    assert res["billable"] is False and res["lines"] == []
    route_sources = next(r for r in cb.bundle["routes"] if r["id"] == "medicare-audio-only")
    srcs = merge(["src-a"], [s["id"] for s in route_sources["sources"]])
    assert res["warnings"][0] == {
        "id": "no-route-fits", "severity": "warning",
        "message": "medicare audio_only: no route fits on 2025-03-10.", "sources": srcs}
    assert res["trace"][0] == {
        "rule": "no-route-fits", "sources": srcs,
        "outcome": "no route's condition holds for medicare audio_only (em_practitioner) on "
                   "2025-03-10: nothing reported"}
    # no route in force: the date (medicare audio-only starts in 2025), the payer, the clinician
    for kw in ({"modality": "audio_only", "date_of_service": "2024-12-31"},
               {"payer": "medicaid"}, {"clinician": "non_em_practitioner"}):
        res = core.check(enc(minutes=25, **kw), cb)
        assert ids(res)[0] == "not-covered-no-route", kw
        assert "no-route-fits" not in ids(res)


def test_pos_null_for_non_telehealth_route(mini_cb, enc):
    res = core.check(enc(modality="virtual_checkin", minutes=8, patient_location="facility"),
                       mini_cb)
    assert res["lines"][0]["pos"] is None


# ---- effects ---------------------------------------------------------------------------------
def test_deny(mini_cb, enc):
    res = core.check(enc(modality="virtual_checkin", minutes=8, related_em_prior_7_days=True),
                       mini_cb)
    assert res["billable"] is False and res["lines"] == []
    w = warning(res, "checkin-related-em-prior-7-days")
    assert w["severity"] == "error" and w["sources"] == ["src-c"]
    t = next(t for t in res["trace"] if t["rule"] == "checkin-related-em-prior-7-days")
    assert t["outcome"].startswith("deny") and t["sources"] == ["src-c"]


def test_not_covered(mini_cb, enc):
    res = core.check(enc(modality="portal_evisit", evisit_minutes_by_day={"0": 12},
                           em_within_7_days_after=True), mini_cb)
    assert res["billable"] is False and res["lines"] == []
    assert warning(res, "evisit-absorbed-by-em")["severity"] == "warning"


def test_drop_removes_only_scoped_family(mini_cb, enc):
    res = core.check(enc(modality="remote_monitoring", device_days=20, management_minutes=45),
                       mini_cb)
    assert [x["code"] for x in res["lines"]] == ["99454"]
    assert res["billable"] is True
    assert warning(res, "rpm-management-needs-interaction")["severity"] == "warning"
    t = next(t for t in res["trace"] if t["rule"] == "rpm-management-needs-interaction")
    assert "rpm-management" in t["outcome"]


def test_drop_of_every_line_is_not_billable(mini_cb, enc):
    res = core.check(enc(modality="remote_monitoring", management_minutes=45), mini_cb)
    assert res["billable"] is False and res["lines"] == []


def test_warn_info_checklist(mini_cb, enc):
    res = core.check(enc(payer="commercial", modality="audio_only", minutes=25,
                           discussion_minutes=8), mini_cb)
    assert warning(res, "audio-only-discussion")["severity"] == "warning"
    assert warning(res, "commercial-plans-vary")["severity"] == "info"
    assert warning(res, "commercial-plans-vary")["message"] == "Plans vary for Commercial plans."
    assert res["checklist"] == ["Document the patient's consent.",
                                "Document the total time (25 min)."]
    assert "consent-unknown" not in ids(res)  # checklist rules add no warning
    assert res["billable"] is True


def test_present_false_and_true(mini_cb, enc):
    res = core.check(enc(minutes=25, consent_documented=True), mini_cb)
    assert "Document the patient's consent." not in res["checklist"]
    res = core.check(enc(minutes=25, consent_documented=False), mini_cb)
    assert "Document the patient's consent." not in res["checklist"]
    res = core.check(enc(mdm="low"), mini_cb)
    assert res["checklist"] == ["Document the patient's consent."]  # no minutes: no time item


def test_rule_date_range(mini_cb, enc):
    r24 = core.check(enc(payer="medicaid", date_of_service="2024-12-31"), mini_cb)
    r25 = core.check(enc(payer="medicaid", date_of_service="2025-01-01"), mini_cb)
    assert "old-rule" in ids(r24) and "old-rule" not in ids(r25)


def test_scope_codes_after_selection(mini_cb, enc):
    g2252 = core.check(enc(modality="virtual_checkin", minutes=15), mini_cb)
    assert warning(g2252, "g2252-medicare-only")["message"] == (
        "G2252 is a Medicare HCPCS code; other payers may not know it.")
    assert "g2252-medicare-only" not in ids(core.check(enc(modality="virtual_checkin",
                                                               minutes=8), mini_cb))


def test_scope_codes_see_denied_selection_as_empty(mini_cb, enc):
    res = core.check(enc(modality="virtual_checkin", minutes=15, related_em_prior_7_days=True),
                       mini_cb)
    assert "g2252-medicare-only" not in ids(res)


def test_scope_routes_families_clinicians(make_cb, enc):
    def edit(b):
        b["rules"].append({"id": "x-clin", "title": "t", "scope": {"clinicians":
                           ["non_em_practitioner"]}, "from": "2024-01-01", "to": None,
                           "when": None, "effect": "info", "message": "non-E/M", "conflict": None,
                           "sources": [{"id": "src-c"}]})
        b["rules"].append({"id": "x-fam", "title": "t", "scope": {"families": ["office-em"]},
                           "from": "2024-01-01", "to": None, "when": None, "effect": "info",
                           "message": "office", "conflict": None, "sources": []})
    cb = make_cb(edit)
    ck = core.check(enc(modality="virtual_checkin", minutes=8, clinician="non_em_practitioner"),
                      cb)
    assert "x-clin" in ids(ck) and "x-fam" not in ids(ck)
    av = core.check(enc(minutes=25), cb)
    assert "x-fam" in ids(av) and "x-clin" not in ids(av)
    assert "medicare-modifier-95-conflict" in ids(av)
    ao = core.check(enc(modality="audio_only", minutes=25, patient_video_unavailable=True), cb)
    assert "medicare-modifier-95-conflict" not in ids(ao)  # scoped to the audio-video route


def test_conflict_placeholders_and_sources(mini_cb, enc):
    w = warning(core.check(enc(minutes=25), mini_cb), "medicare-modifier-95-conflict")
    assert w["message"] == ("Sources disagree on modifier 95; we chose: Append 95. Others: "
                            "Pair POS with 93/95.; No modifier needed.")
    assert w["sources"] == ["src-c", "src-b"]  # rule's, then the conflict's


# ---- derived facts ----------------------------------------------------------------------------
@pytest.mark.parametrize("day,state", [
    ("2025-09-30", "extended"), ("2025-10-01", "lapse_restored"),
    ("2025-11-11", "lapse_restored"), ("2025-11-12", "extended"),
    ("2026-02-01", "lapse"), ("2026-06-01", "none"),
])
def test_flexibility_state(mini_cb, day, state):
    assert compiled(mini_cb).flexibility(day)[0] == state


def test_flexibility_placeholders(mini_cb, enc):
    res = core.check(enc(date_of_service="2025-10-10", minutes=25), mini_cb)
    assert warning(res, "medicare-home-lapse")["message"] == (
        "Flexibilities lapsed on 2025-10-10 (2025-10-01 to 2025-11-11); restored by Law Two.")
    res = core.check(enc(date_of_service="2026-02-01", minutes=25), mini_cb)
    assert warning(res, "medicare-home-lapse")["message"] == (
        "Flexibilities lapsed on 2026-02-01 (2026-01-31 to 2026-02-02); restored by .")
    assert "medicare-home-lapse" not in ids(core.check(enc(date_of_service="2026-02-01",
                                                             minutes=25,
                                                             patient_location="facility"),
                                                         mini_cb))


def test_discussion_share(make_cb, enc):
    def edit(b):
        b["rules"].append({"id": "x-share", "title": "t", "scope": {}, "from": "2024-01-01",
                           "to": None, "when": {"field": "discussion_share", "above": 0.5},
                           "effect": "info", "message": "share {discussion_share}",
                           "conflict": None, "sources": []})
    cb = make_cb(edit)
    assert warning(core.check(enc(minutes=20, discussion_minutes=12), cb),
                   "x-share")["message"] == "share 0.6"
    assert "x-share" not in ids(core.check(enc(minutes=20, discussion_minutes=10), cb))
    assert "x-share" not in ids(core.check(enc(minutes=0, discussion_minutes=10), cb))
    assert "x-share" not in ids(core.check(enc(discussion_minutes=10), cb))


def test_selected_codes_condition(make_cb, enc):
    def edit(b):
        b["rules"].append({"id": "x-sel", "title": "t", "scope": {}, "from": "2024-01-01",
                           "to": None, "when": {"field": "selected_codes", "is": "99214"},
                           "effect": "warn", "message": "codes {codes}", "conflict": None,
                           "sources": []})
    cb = make_cb(edit)
    assert warning(core.check(enc(mdm="moderate"), cb), "x-sel")["message"] == "codes 99214"
    assert "x-sel" not in ids(core.check(enc(mdm="low"), cb))


def test_selected_codes_present_condition(make_cb, enc):
    """{field: selected_codes, present: true} holds only when a code was selected: a rule
    can stay silent when nothing is reportable."""
    def edit(b):
        for rid, want in (("x-some", True), ("x-none", False)):
            b["rules"].append({"id": rid, "title": "t", "scope": {}, "from": "2024-01-01",
                               "to": None,
                               "when": {"field": "selected_codes", "present": want},
                               "effect": "warn", "message": rid, "conflict": None,
                               "sources": []})
    cb = make_cb(edit)
    res = core.check(enc(mdm="moderate"), cb)
    assert res["billable"] is True
    assert "x-some" in ids(res) and "x-none" not in ids(res)
    res = core.check(enc(), cb)  # neither MDM nor time: no code
    assert res["lines"] == []
    assert "x-none" in ids(res) and "x-some" not in ids(res)


# ---- codebook inconsistency -------------------------------------------------------------------
def test_selected_code_the_payer_does_not_pay(make_cb, enc):
    def edit(b):
        st = next(s for s in b["statuses"] if s["id"] == "medicare-office-em")
        st["status"] = "not_valid"
    res = core.check(enc(minutes=25), make_cb(edit))
    assert res["billable"] is False and res["lines"] == []
    w = warning(res, "status-not-payable")
    assert w["severity"] == "error"
    assert w["message"] == "Codebook inconsistency: medicare does not pay 99213-95@10 (not_valid)."


def test_varies_and_no_record_are_reportable(mini_cb, enc):
    res = core.check(enc(payer="commercial", minutes=25), mini_cb)  # status: varies
    assert res["billable"] is True
    res = core.check(enc(payer="commercial", modality="virtual_checkin", minutes=8), mini_cb)
    assert [x["code"] for x in res["lines"]] == ["98016"]  # no status record


# ---- result shape and order -------------------------------------------------------------------
def test_result_order_and_dedup(make_cb, enc):
    def edit(b):
        for _n in (1, 2):
            b["rules"].append({"id": "x-dup", "title": "t", "scope": {}, "from": "2024-01-01",
                               "to": None, "when": None, "effect": "warn", "message": "same",
                               "conflict": None, "sources": []})
    res = core.check(enc(minutes=25, requested_code="99214"), make_cb(edit))
    assert ids(res) == ["medicare-modifier-95-conflict", "x-dup", "requested-code-differs"]
    assert trace_rules(res) == ["medicare-audio-video", "medicare-modifier-95-conflict",
                                "consent-unknown", "document-time", "x-dup", "x-dup",
                                "office-em", "requested-code-differs"]
    assert res["as_of"] == "2025-03-10" and res["codebook"] == "test.1+0123456789ab"
    assert list(res) == ["billable", "lines", "warnings", "checklist", "trace", "as_of",
                         "provisional", "codebook"]


def test_deterministic(mini_cb, enc):
    e = enc(modality="portal_evisit", evisit_minutes_by_day={"0": 4, "9": 3})
    assert core.check(e, mini_cb) == core.check(dict(e), mini_cb)


def test_encounter_not_mutated(mini_cb, enc):
    e = enc(minutes=25, evisit_minutes_by_day={"1": 3})
    copy = {**e, "evisit_minutes_by_day": dict(e["evisit_minutes_by_day"])}
    core.check(e, mini_cb)
    assert e == copy


def test_absent_fields_render_empty_not_literal(make_cb, enc):
    def edit(b):
        b["rules"].append({"id": "x-absent", "title": "t", "scope": {}, "from": "2024-01-01",
                           "to": None, "when": None, "effect": "info",
                           "message": "[{minutes}|{state}|{flexibility.law}|{time_minutes}]",
                           "conflict": None, "sources": []})
    res = core.check(enc(date_of_service="2026-06-01", mdm="low"), make_cb(edit))
    assert warning(res, "x-absent")["message"] == "[|||]"
    res = core.check(enc(date_of_service="2025-03-10", minutes=12, state="oh"), make_cb(edit))
    assert warning(res, "x-absent")["message"] == "[12|OH|Law One|12]"


def test_unknown_placeholder_in_rule_is_an_error_in_strict_mode(make_cb, enc):
    def edit(b):
        b["rules"].append({"id": "x-bad", "title": "t", "scope": {}, "from": "2024-01-01",
                           "to": None, "when": None, "effect": "info", "message": "{nobody}",
                           "conflict": None, "sources": []})
    with pytest.raises(core.CodebookError):
        core.check(enc(minutes=25), make_cb(edit))


def test_codebook_defects_strict_and_production(make_cb, enc):
    from engine.core.templates import set_strict

    def edit(b):
        fam = next(f for f in b["families"] if f["id"] == "office-em")
        fam["messages"]["no_level"] = None
        b["rules"].append({"id": "x-bad", "title": "t", "scope": {}, "from": "2024-01-01",
                           "to": None, "when": None, "effect": "info", "message": "hi {nobody}",
                           "conflict": None, "sources": []})
    cb = make_cb(edit)
    with pytest.raises(core.CodebookError):
        core.check(enc(), cb)
    set_strict(False)
    res = core.check(enc(), cb)
    assert warning(res, "x-bad")["message"] == "hi {nobody}"  # rendered literally
    assert res["billable"] is False
    assert "no-code-for-encounter" in ids(res)  # the family had no message: generic one


def test_evisit_without_period_days(make_cb, enc):
    from engine.core.templates import set_strict

    def edit(b):
        next(f for f in b["families"] if f["id"] == "online-digital-em")["period_days"] = None
    cb = make_cb(edit)
    e = enc(modality="portal_evisit", evisit_minutes_by_day={"0": 4, "9": 3})
    with pytest.raises(core.CodebookError):
        core.check(e, cb)
    set_strict(False)
    assert [x["code"] for x in core.check(e, cb)["lines"]] == ["99421"]  # one period
