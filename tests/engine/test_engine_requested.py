"""requested_code: unknown, not valid on the date, not payable, differs, matches."""

from __future__ import annotations

from engine import core


def requested(result):
    return [w for w in result["warnings"] if w["id"].startswith("requested-code")]


def test_unknown(mini_cb, enc):
    res = core.check(enc(minutes=25, requested_code="12345"), mini_cb)
    assert requested(res) == [{"id": "requested-code-unknown", "severity": "warning",
                               "message": "12345 is not in the codebook.",
                               "sources": ["src-a"]}]
    assert res["billable"] is True  # the answer itself is unchanged


def test_not_valid_on_date_names_dates_and_replacement(mini_cb, enc):
    res = core.check(enc(date_of_service="2025-04-14", modality="virtual_checkin", minutes=8,
                           requested_code="G2012"), mini_cb)
    [w] = requested(res)
    assert w["id"] == "requested-code-not-valid-on-date" and w["severity"] == "error"
    assert w["message"] == ("G2012 is valid 2024-01-01 to 2024-12-31. It was replaced by "
                            "98016. For this encounter report 98016.")
    assert w["sources"] == ["src-a", "src-codes"]


def test_not_yet_valid(mini_cb, enc):
    res = core.check(enc(date_of_service="2024-11-15", modality="virtual_checkin", minutes=8,
                           requested_code="98016"), mini_cb)
    [w] = requested(res)
    assert w["id"] == "requested-code-not-valid-on-date"
    # no end date, not replaced: ready-made phrases, never an empty slot
    assert w["message"] == ("98016 is valid from 2025-01-01 with no end date. It replaces G2012 "
                            "from 2025-01-01. For this encounter report G2012.")


def test_not_valid_on_date_with_nothing_reportable(mini_cb, enc):
    res = core.check(enc(date_of_service="2024-11-15", modality="virtual_checkin", minutes=8,
                           related_em_prior_7_days=True, requested_code="98016"), mini_cb)
    [w] = requested(res)
    assert res["lines"] == []
    assert w["message"].endswith("from 2025-01-01. Nothing is separately reportable for this "
                                 "encounter (see the warnings).")
    assert "  " not in w["message"] and " ." not in w["message"]


def test_not_payable(mini_cb, enc):
    res = core.check(enc(date_of_service="2025-05-20", modality="audio_only", minutes=25,
                           mdm="low", patient_video_unavailable=True, requested_code="98013"),
                       mini_cb)
    [w] = requested(res)
    assert w["id"] == "requested-code-not-payable"
    assert w["message"] == ("Medicare does not pay 98013 on 2025-05-20 (not_valid); "
                            "report 99213-93@10.")
    assert w["sources"] == ["src-a", "src-b"]


def test_differs_and_matches(mini_cb, enc):
    differs = core.check(enc(minutes=25, requested_code="99214"), mini_cb)
    assert [(w["id"], w["message"]) for w in requested(differs)] == [
        ("requested-code-differs", "You asked for 99214; the codebook gives 99213-95@10.")]
    matches = core.check(enc(minutes=25, requested_code="99213"), mini_cb)
    assert [(w["id"], w["severity"], w["message"]) for w in requested(matches)] == [
        ("requested-code-matches", "info", "99213 matches (99213-95@10).")]


def test_add_on_lines_in_expected(mini_cb, enc):
    res = core.check(enc(modality="remote_monitoring", management_minutes=60, device_days=20,
                           interactive_communication=True, requested_code="99457"), mini_cb)
    [w] = requested(res)
    assert w["message"] == "99457 matches (99454;99457;99458x2)."


def test_nothing_reportable_gives_trace_only(mini_cb, enc):
    res = core.check(enc(modality="virtual_checkin", minutes=8, related_em_prior_7_days=True,
                           requested_code="98016"), mini_cb)
    assert requested(res) == []
    assert res["trace"][-1]["rule"] == "requested-code"


def test_not_payable_without_instead_or_lines_reads_cleanly(make_cb, enc):
    """{instead} empty and nothing reportable: no double space, a whole {report} sentence."""
    def edit(b):
        for m in b["messages"]:
            if m["id"] == "requested-code-not-payable":
                m["text"] = "{requested_code} is not paid ({status}). {instead} {report}"
        for s in b["statuses"]:
            s["instead"] = None
    res = core.check(enc(date_of_service="2025-05-20", modality="audio_only", minutes=25,
                           mdm="low", requested_code="98013"), make_cb(edit))
    [w] = requested(res)
    assert res["lines"] == []  # the patient could use video: not billable
    assert w["message"] == ("98013 is not paid (not_valid). Nothing is separately reportable "
                            "for this encounter (see the warnings).")
