"""Query helpers and engine invariants over the real compiled bundle."""

from __future__ import annotations

from engine import core
from engine.core.codebook import NO_RECORD, NOT_VALID_ON_DATE


def test_every_code_version_is_found_on_its_dates(real_cb):
    for code in real_cb.bundle["codes"]:
        assert real_cb.code_on(code["code"], code["from"]) is code
        if code["to"]:
            assert real_cb.code_on(code["code"], code["to"]) is code
        assert code in real_cb.codes_of_family(code["family"])
        assert real_cb.family(code["family"]) is not None


def test_every_status_record_is_returned_on_its_dates(real_cb):
    for st in real_cb.bundle["statuses"]:
        for code in st["codes"]:
            got = real_cb.status_of(code, st["payer"], st["from"])
            if real_cb.code_on(code, st["from"]) is None:
                assert got == NOT_VALID_ON_DATE
            else:
                assert isinstance(got, dict) and got["status"] == st["status"], (code, st["id"])


def test_routes_and_modifiers_and_pos(real_cb):
    for route in real_cb.routes:
        assert route in real_cb.routes_of(route["payer"], route["modality"])
        assert real_cb.route(route["id"]) is route
        for mod in route["modifiers"]:
            assert real_cb.modifier_on(mod, route["from"]) is not None, (route["id"], mod)
        for pos in (route["pos"] or {}).values():
            if pos is not None:
                assert real_cb.pos_on(pos, route["from"]) is not None, (route["id"], pos)


def test_status_sentinels(real_cb):
    assert real_cb.status_of("ZZZZZ", "medicare", "2025-01-01") == NOT_VALID_ON_DATE
    some = real_cb.bundle["codes"][0]
    status = real_cb.status_of(some["code"], "no-such-payer", some["from"])
    assert status == NO_RECORD


def test_every_faq_answer_holds(real_cb):
    """The FAQ encounters (the site fails the build on these) through core.check."""
    for faq in real_cb.faqs:
        result = core.check(faq["encounter"], real_cb)
        exp = faq["expected"]
        assert result["billable"] is exp["billable"], faq["id"]
        got = [(x["code"], x["modifiers"], x["pos"]) for x in result["lines"]]
        want = [(x["code"], x.get("modifiers", []), x.get("pos")) for x in exp["lines"]]
        assert got == want, faq["id"]
        ids = {w["id"] for w in result["warnings"]}
        assert set(exp.get("warnings") or []) <= ids, faq["id"]


def test_default_codebook_is_the_compiled_bundle(real_cb):
    enc = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
           "modality": "audio_video", "minutes": 25, "mdm": "moderate"}
    assert core.default_codebook() is core.default_codebook()  # loaded once
    assert core.check(enc) == core.check(enc, real_cb)
    assert core.check(enc)["codebook"] == real_cb.version


def test_requested_code_messages_have_no_empty_slots(real_cb):
    """98016 before it existed, G2012 after it ended, with and without something to report:
    the requested-code messages read as whole sentences (no blank end date or replacement)."""
    base = {"payer": "medicare", "modality": "virtual_checkin", "minutes": 8}
    cases = [
        ({"date_of_service": "2024-10-03", "patient_status": "established",
          "requested_code": "98016"},
         "valid from 2025-01-01 with no end date. It replaces G2012 from 2025-01-01. "
         "For this encounter report G2012."),
        ({"date_of_service": "2025-10-03", "patient_status": "established",
          "requested_code": "G2012"},
         "valid 2019-01-01 to 2024-12-31. It was replaced by 98016. "
         "For this encounter report 98016."),
        ({"date_of_service": "2025-10-03", "patient_status": "new", "requested_code": "G2012"},
         "It was replaced by 98016. Nothing is separately reportable"),
    ]
    for extra, phrase in cases:
        result = core.check({**base, **extra}, real_cb)
        [w] = [w for w in result["warnings"] if w["id"] == "requested-code-not-valid-on-date"]
        assert phrase in w["message"], w["message"]
        for hole in ("  ", " .", ": .", "until  ", "by: ."):
            assert hole not in w["message"], (hole, w["message"])
