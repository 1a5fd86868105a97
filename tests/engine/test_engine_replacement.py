"""{replacement} for a requested code that is not valid on the date: replacement codes the
payer does not pay on the date are flagged; runs of codes read as ranges."""

from __future__ import annotations

import pytest

from engine import core
from engine.core.codebook import CodebookError
from engine.core.phrases import codes_phrase
from engine.core.templates import set_strict


def requested(result):
    [w] = [w for w in result["warnings"] if w["id"] == "requested-code-not-valid-on-date"]
    return w["message"]


@pytest.mark.parametrize("codes,text", [
    (["98016"], "98016"),
    (["G2012", "98016"], "G2012 and 98016"),
    (["98008", "98009"], "98008 and 98009"),
    ([f"{n}" for n in range(98008, 98016)], "98008–98015"),
    (["98000", "98001", "98002", "98005", "G2252"], "98000–98002, 98005 and G2252"),
    (["99441", "99442", "99443", "99445", "99446", "99447"], "99441–99443 and 99445–99447"),
])
def test_codes_phrase(codes, text):
    assert codes_phrase(codes) == text


def _replaced_by(codes):
    def edit(b):
        next(c for c in b["codes"] if c["code"] == "G2012")["replaced_by"] = codes
    return edit


def test_replacement_paid_by_the_payer_is_not_flagged(mini_cb, enc):
    res = core.check(enc(date_of_service="2025-04-14", modality="virtual_checkin", minutes=8,
                           requested_code="G2012"), mini_cb)
    assert "It was replaced by 98016. For this encounter report 98016." in requested(res)


def test_replacement_the_payer_does_not_pay_is_flagged(make_cb, enc):
    # commercial: G2252 is non_covered in the mini bundle, 98016 has no status (reportable)
    e = enc(payer="commercial", date_of_service="2025-04-14", modality="virtual_checkin",
            minutes=8, requested_code="G2012")
    some = requested(core.check(e, make_cb(_replaced_by(["98016", "G2252"]))))
    assert "It was replaced by 98016 and G2252 (G2252 not paid by this payer on this " \
           "date). For this encounter report 98016." in some
    every = requested(core.check(e, make_cb(_replaced_by(["G2252"]))))
    assert "It was replaced by G2252 (not paid by this payer on this date)." in every
    # Medicare pays both: nothing flagged
    medicare = requested(core.check({**e, "payer": "medicare"},
                                      make_cb(_replaced_by(["98016", "G2252"]))))
    assert "It was replaced by 98016 and G2252. For this encounter" in medicare


def test_real_bundle_99442_for_medicare_flags_98008_98015(real_cb):
    e = {"date_of_service": "2025-06-02", "payer": "medicare", "modality": "audio_only",
         "patient_status": "established", "minutes": 20, "patient_video_unavailable": True,
         "requested_code": "99442"}
    text = requested(core.check(e, real_cb))
    assert "It was replaced by 98008–98015 (not paid by Medicare on this date)." in text
    assert "For this encounter report 99213-93@10." in text
    commercial = requested(core.check({**e, "payer": "commercial"}, real_cb))
    assert "It was replaced by 98008–98015. For this encounter report 98013@10." in commercial


def test_phrases_are_the_bundles_words(make_cb, enc):
    """The words come from the bundle's `phrases` (messages.yaml), not from Python."""
    def edit(b):
        b["phrases"]["replaced_by"] = "Its successor: {codes}."
        b["phrases"]["report"] = "Bill {lines} instead."
    res = core.check(enc(date_of_service="2025-04-14", modality="virtual_checkin", minutes=8,
                           requested_code="G2012"), make_cb(edit))
    assert "Its successor: 98016. Bill 98016 instead." in requested(res)


def test_a_missing_phrase_is_a_codebook_error_in_strict_mode(make_cb, enc):
    cb = make_cb(lambda b: b["phrases"].pop("report"))
    e = enc(date_of_service="2025-04-14", modality="virtual_checkin", minutes=8,
            requested_code="G2012")
    with pytest.raises(CodebookError, match="no phrase 'report'"):
        core.check(e, cb)
    set_strict(False)  # production: the message still reads, without the missing phrase
    assert requested(core.check(e, cb)).endswith("It was replaced by 98016.")
