"""Rules apply in phases, whatever the order of their files: deny / not_covered first (a
denied encounter carries only those warnings), then drop, then warn / info / checklist."""

from __future__ import annotations

from engine import core


def ids(result):
    return [w["id"] for w in result["warnings"]]


def rule_trace(result):
    return [t["rule"] for t in result["trace"] if t["rule"].startswith("x-")]


def _rule(rid, effect, file, scope=None, when=None, message=None):
    return {"id": rid, "title": rid, "scope": scope or {}, "from": "2024-01-01", "to": None,
            "when": when, "effect": effect, "message": message or f"{rid} says so",
            "conflict": None, "sources": [{"id": "src-c"}], "file": file}


def _notes_first_deny_last(b):
    """A mini bundle whose notes sit in a file that sorts first and whose deny and
    not_covered rules sit in files that sort last."""
    checkin = {"modalities": ["virtual_checkin"]}
    b["rules"][:0] = [
        _rule("x-warn", "warn", "rules/a-notes.yaml", checkin),
        _rule("x-info", "info", "rules/a-notes.yaml", checkin),
        _rule("x-checklist", "checklist", "rules/a-notes.yaml", checkin,
              message="Document x."),
        _rule("x-warn-98016", "warn", "rules/a-notes.yaml", {"codes": ["98016"]}),
    ]
    b["rules"] += [
        _rule("x-deny", "deny", "rules/z-billing.yaml", checkin,
              {"field": "leads_to_em_within_24h", "is": True}),
        _rule("x-not-covered", "not_covered", "rules/z-billing.yaml", checkin,
              {"field": "behavioral_health", "is": True}),
    ]


def test_deny_in_a_later_file_leaves_no_earlier_notes(make_cb, enc):
    cb = make_cb(_notes_first_deny_last)
    assert [r["id"] for r in cb.rules].index("x-warn") < [r["id"] for r in cb.rules].index(
        "x-deny")
    base = enc(modality="virtual_checkin", date_of_service="2025-04-14", minutes=8)

    ok = core.check(base, cb)
    assert ok["billable"] is True and [x["code"] for x in ok["lines"]] == ["98016"]
    assert {"x-warn", "x-info", "x-warn-98016"} <= set(ids(ok))
    assert "Document x." in ok["checklist"]

    denied = core.check({**base, "leads_to_em_within_24h": True}, cb)
    assert denied["billable"] is False and denied["lines"] == []
    assert ids(denied) == ["x-deny"]
    assert denied["warnings"][0]["severity"] == "error"
    assert denied["checklist"] == []
    assert rule_trace(denied) == ["x-deny"]

    not_covered = core.check({**base, "behavioral_health": True}, cb)
    assert not_covered["billable"] is False and not_covered["lines"] == []
    assert ids(not_covered) == ["x-not-covered"]
    assert not_covered["checklist"] == []


def test_every_denial_is_reported_and_requested_code_still_answered(make_cb, enc):
    cb = make_cb(_notes_first_deny_last)
    res = core.check(enc(modality="virtual_checkin", date_of_service="2025-04-14", minutes=8,
                           leads_to_em_within_24h=True, behavioral_health=True,
                           related_em_prior_7_days=True, requested_code="G2012"), cb)
    assert res["billable"] is False
    # the mini bundle's own deny (file rules/test.yaml) and both late ones, in bundle order,
    # then the answer about the requested code (deleted at the end of 2024)
    assert ids(res) == ["checkin-related-em-prior-7-days", "x-deny", "x-not-covered",
                        "requested-code-not-valid-on-date"]
    assert res["checklist"] == []


def test_same_result_whatever_the_file_order(make_cb, enc):
    def reversed_rules(b):
        _notes_first_deny_last(b)
        b["rules"].reverse()

    e = enc(modality="virtual_checkin", date_of_service="2025-04-14", minutes=8,
            leads_to_em_within_24h=True)
    first = core.check(e, make_cb(_notes_first_deny_last))
    second = core.check(e, make_cb(reversed_rules))
    assert first["warnings"] == second["warnings"] and first["checklist"] == second["checklist"]
    assert ids(first) == ["x-deny"]


def test_notes_see_the_lines_left_after_a_later_drop(make_cb, enc):
    """A warn scoped to a dropped family's code says nothing, even when its file sorts first."""
    def edit(b):
        b["rules"].insert(0, _rule("x-about-99457", "warn", "rules/a-notes.yaml",
                                   {"codes": ["99457"]}))
    res = core.check(enc(modality="remote_monitoring", device_days=20, management_minutes=45),
                       make_cb(edit))
    assert [x["code"] for x in res["lines"]] == ["99454"]
    assert "rpm-management-needs-interaction" in ids(res)
    assert "x-about-99457" not in ids(res)
    res = core.check(enc(modality="remote_monitoring", device_days=20, management_minutes=45,
                           interactive_communication=True), make_cb(edit))
    assert "x-about-99457" in ids(res)


# ---- one "no time" warning per family ------------------------------------------------------
def _time_message(b):
    b["messages"].append({"id": "time-not-given", "severity": "warning",
                          "text": "{family} needs its time.", "sources": [{"id": "src-a"}]})


def test_no_engine_time_warning_for_a_family_a_scoped_rule_warned_about(make_cb, enc):
    def scoped(families):
        def edit(b):
            _time_message(b)
            b["rules"].append(_rule("x-no-days", "warn", "rules/monitoring.yaml",
                                    {"families": families},
                                    {"field": "device_days", "present": False}))
        return edit

    e = enc(modality="remote_monitoring", management_minutes=45)  # no device_days
    plain = core.check(e, make_cb(_time_message))
    assert ids(plain) == ["rpm-management-needs-interaction", "time-not-given"]
    own = core.check(e, make_cb(scoped(["rpm-device-supply"])))
    assert ids(own) == ["rpm-management-needs-interaction", "x-no-days"]
    assert own["billable"] is False
    # a rule scoped to another family does not speak for this one
    other = core.check(e, make_cb(scoped(["rpm-management"])))
    assert ids(other) == ["rpm-management-needs-interaction", "x-no-days", "time-not-given"]


def test_real_bundle_rpm_without_days_warns_once(real_cb):
    res = core.check({"date_of_service": "2026-06-03", "payer": "medicare",
                        "modality": "remote_monitoring", "patient_status": "established",
                        "management_minutes": 30, "interactive_communication": False}, real_cb)
    assert res["billable"] is False and res["lines"] == []
    assert "rpm-device-days-not-given" in ids(res)
    assert "time-not-given" not in ids(res)
