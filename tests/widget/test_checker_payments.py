"""The checker in Chromium shows a Medicare answer's national amount per reported line, worded for
a coder (rate and POS named, national and before adjustments), as engine.core.payments computes
it in CPython; a commercial answer and a date before the first fee schedule show none."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from engine.core.codebook import load_codebook
from engine.core.payments import line_amount
from engine.core.pipeline import check

BOOT_TIMEOUT_MS = 180_000  # bounds waiting for Pyodide's first boot; asserts nothing
ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"
VISIT = {"payer": "medicare", "patient_status": "established", "modality": "audio_video",
         "mdm": "moderate"}


def answer(page: Any, base_url: str, encounter: dict[str, Any]) -> None:
    page.goto(base_url + "/checker/?" + urlencode(encounter))
    page.wait_for_selector(ANSWERED, timeout=BOOT_TIMEOUT_MS)


def test_home_and_facility_visits_show_their_own_amount(page: Any, base_url: str) -> None:
    cb = load_codebook()
    for day, where, words in (("2025-11-10", "home", "(non-facility, POS 10)"),
                              ("2026-02-10", "facility", "(facility, POS 02)")):
        enc = {**VISIT, "date_of_service": day, "patient_location": where}
        answer(page, base_url, enc)
        line = check(enc, cb)["lines"][0]
        expected = line_amount(cb, line, day)
        assert expected is not None and expected.amount is not None
        item = page.locator("[data-testid=payments] li[data-code='99214']")
        assert item.count() == 1, page.inner_text("#tc-result")
        text = item.inner_text()
        assert text == f"99214: Medicare national amount: ${expected.amount:,.2f} {words}."
        note = page.locator("#tc-result .tc-payments + .tc-note").inner_text()
        assert f"({expected.release} release), before the locality adjustment" in note
        href = item.locator("a").get_attribute("href") or ""
        assert href.endswith("/codes/99214/#medicare-payment")


def test_no_amounts_for_commercial_or_before_the_first_schedule(page: Any, base_url: str) -> None:
    for enc in ({**VISIT, "payer": "commercial", "date_of_service": "2025-11-10",
                 "patient_location": "home"},
                {**VISIT, "date_of_service": "2025-03-10", "patient_location": "home"}):
        answer(page, base_url, enc)
        assert page.locator("[data-testid=result]").get_attribute("data-state") == "ready"
        assert page.locator("[data-testid=payments]").count() == 0
