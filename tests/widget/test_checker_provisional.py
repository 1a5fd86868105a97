"""The checker in Chromium for a date in the provisional year: it answers, with a banner above
the answer in the engine's own words; a reviewed date has no banner."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

BOOT_TIMEOUT_MS = 180_000  # bounds waiting for Pyodide's first boot; asserts nothing
ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"
VISIT = {"payer": "medicare", "patient_status": "established", "modality": "audio_video",
         "mdm": "moderate"}


def answer(page: Any, base_url: str, day: str) -> None:
    page.goto(base_url + "/checker/?" + urlencode({"date_of_service": day, **VISIT}))
    page.wait_for_selector(ANSWERED, timeout=BOOT_TIMEOUT_MS)


def test_a_2027_date_is_answered_with_a_provisional_banner(page: Any, base_url: str) -> None:
    answer(page, base_url, "2027-03-01")
    box = page.locator("[data-testid=result]")
    assert box.get_attribute("data-state") == "ready", page.inner_text("#tc-result")
    assert box.get_attribute("data-codes") == "99214"
    banner = page.locator("#tc-result .tc-provisional")
    assert banner.count() == 1 and banner.is_visible()
    text = banner.inner_text()
    assert text.startswith("Not yet reviewed. Provisional answer: 2027-03-01 falls in "
                           "2027-01-01 to 2027-12-31")
    assert "Not yet reviewed: CPT 2027 code changes" in text
    # above the answer, and not repeated among the warnings
    order = page.eval_on_selector_all(
        "#tc-result .tc-provisional, #tc-result .tc-verdict",
        "els => els.map(e => e.classList.contains('tc-provisional') ? 'banner' : 'verdict')")
    assert order == ["banner", "verdict"]
    assert page.locator("#tc-result li[data-warning=provisional-year]").count() == 0
    assert page.locator("#tc-date_of_service").get_attribute("max") == "2027-12-31"


def test_a_reviewed_date_has_no_banner(page: Any, base_url: str) -> None:
    answer(page, base_url, "2026-12-31")
    assert page.locator("[data-testid=result]").get_attribute("data-codes") == "99214"
    assert page.locator("#tc-result .tc-provisional").count() == 0
