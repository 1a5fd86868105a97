"""Checker fixes of issue 17 (item 6), in a real headless Chromium: the date defaults to today
(within the codebook's coverage), no MDM is preselected, a consult with a verbal and written
report asks for its discussion minutes, e-visit totals that disagree with the by-day entries and
implausible minutes are flagged, "Compare payers" scrolls into view, typing answers without
leaving the field, the site navigation stays on /checker/ with "Checker" at the top level, and
the engine's contract messages are shown in the form's words."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any
from urllib.parse import urlencode

import engine

ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"
CONSULT = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established",
           "modality": "interprofessional", "role": "consultant",
           "report": "verbal_and_written", "minutes": 20}


def permalink(encounter: dict[str, Any]) -> str:
    return "/checker/?" + urlencode({k: str(v) for k, v in encounter.items()})


def codes_of(encounter: dict[str, Any]) -> str:
    return " ".join(ln["code"] for ln in engine.check(encounter)["lines"])


def wait_codes(page: Any, want: str) -> None:
    page.wait_for_function(
        "want => { const r = document.querySelector('[data-testid=result]');"
        " return r.dataset.state === 'ready' && r.dataset.codes === want; }", arg=want)


def test_the_date_defaults_to_today_within_the_coverage(page: Any, base_url: str) -> None:
    cb = engine.load_codebook()
    page.clock.set_fixed_time(dt.datetime(2025, 6, 15, 12, 0))
    page.goto(base_url + "/checker/")
    assert page.input_value("input[name=date_of_service]") == "2025-06-15"
    page.clock.set_fixed_time(dt.datetime(2031, 3, 1, 12, 0))
    page.goto(base_url + "/checker/")
    last = page.get_attribute("input[name=date_of_service]", "max")  # the last day answered
    assert last >= cb.covers_to and last < "2031-03-01"
    assert page.input_value("input[name=date_of_service]") == last
    page.clock.set_fixed_time(dt.datetime(2019, 3, 1, 12, 0))
    page.goto(base_url + "/checker/")
    assert page.input_value("input[name=date_of_service]") == cb.covers_from
    # a permalink's date is kept
    page.goto(base_url + permalink({**CONSULT, "date_of_service": "2024-05-06"}))
    assert page.input_value("input[name=date_of_service]") == "2024-05-06"


def test_no_mdm_is_preselected(page: Any, base_url: str) -> None:
    page.goto(base_url + "/checker/")
    page.wait_for_selector(ANSWERED)
    assert page.input_value("select[name=mdm]") == ""


def test_a_consult_without_discussion_minutes_asks_for_them(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(CONSULT))
    page.wait_for_selector(ANSWERED)
    ask = page.locator("#tc-result li[data-warning=interprofessional-discussion-minutes-asked]")
    assert ask.is_visible()
    assert "discussion" in ask.inner_text() and "99446" in ask.inner_text()
    page.fill("input[name=discussion_minutes]", "15")
    page.press("input[name=discussion_minutes]", "Enter")
    want = codes_of({**CONSULT, "discussion_minutes": 15})
    assert want != "99451"
    wait_codes(page, want)
    assert page.locator("#tc-result li[data-warning=interprofessional-discussion-minutes-asked]"
                        ).count() == 0


def test_evisit_totals_that_disagree_with_the_days_are_flagged(page: Any, base_url: str) -> None:
    enc = {"date_of_service": "2025-06-02", "payer": "commercial",
           "patient_status": "established", "modality": "portal_evisit", "minutes": 20,
           "evisit_minutes_by_day": "0:5, 2:3"}
    page.goto(base_url + permalink(enc))
    page.wait_for_selector(ANSWERED)
    flag = page.locator("[data-testid=plausibility] li[data-field=evisit_minutes_by_day]")
    assert "add up to 8, not the 20 total minutes" in flag.inner_text()
    assert page.locator(".tc-field[data-field=evisit_minutes_by_day] .tc-field-warning"
                        ).is_visible()
    page.fill("input[name=minutes]", "8")
    page.press("input[name=minutes]", "Enter")
    page.wait_for_selector(ANSWERED)
    page.wait_for_function("() => !document.querySelector('[data-testid=plausibility]')")


def test_implausible_minutes_get_a_warning(page: Any, base_url: str) -> None:
    enc = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established",
           "modality": "audio_video", "minutes": 2000}
    page.goto(base_url + permalink(enc))
    page.wait_for_selector(ANSWERED)
    flag = page.locator("[data-testid=plausibility] li[data-field=minutes]")
    assert "more than 24 hours" in flag.inner_text()


def test_compare_payers_scrolls_its_result_into_view(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(CONSULT))
    page.wait_for_selector(ANSWERED)
    page.click("#tc-compare-toggle")
    page.locator("[data-testid=compare-medicaid]").wait_for()
    # the comparison starts below the form, out of view: the click brings its heading in view
    page.wait_for_function(
        "() => { const r = document.getElementById('tc-compare-title').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight && window.scrollY > 0; }")


def test_typing_in_a_number_field_answers_without_leaving_it(page: Any, base_url: str) -> None:
    enc = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established",
           "modality": "audio_video", "minutes": 5}
    page.goto(base_url + permalink(enc))
    page.wait_for_selector(ANSWERED)
    page.fill("input[name=minutes]", "")
    want = codes_of({**enc, "minutes": 45})
    assert want != codes_of(enc)
    page.type("input[name=minutes]", "45", delay=30)
    start = time.monotonic()
    wait_codes(page, want)  # no Enter, no blur: the answer follows the typing
    print(f"answer {1000 * (time.monotonic() - start):.0f} ms after the last keystroke")
    assert page.evaluate("document.activeElement.name") == "minutes"


def test_the_site_navigation_stays_on_the_checker(page: Any, base_url: str) -> None:
    page.goto(base_url + "/checker/")
    nav = page.locator(".md-sidebar--primary")
    assert nav.is_visible()
    top = page.eval_on_selector_all(
        ".md-sidebar--primary nav.md-nav--primary > ul > li > a, "
        ".md-sidebar--primary nav.md-nav--primary > ul > li > label",
        "els => els.map(e => e.textContent.trim())")
    assert "Checker" in top
    assert top.index("Checker") < top.index("Codes")


def test_contract_errors_are_shown_in_the_forms_words(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink({**CONSULT, "modality": "videocall"}) + "&minuts=5")
    page.wait_for_selector(ANSWERED)
    errors = page.inner_text("#tc-result .tc-error-list")
    assert "Video visit (real-time audio and video)" in errors
    assert "Total minutes" in errors  # did you mean … (for the unknown minuts)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", errors), errors


def test_a_long_answer_is_not_cut_off_on_desktop(page: Any, base_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 600})
    enc = {"date_of_service": "2025-10-15", "payer": "medicare",
           "patient_status": "established", "modality": "audio_only", "minutes": 25,
           "patient_location": "facility"}
    page.goto(base_url + permalink(enc))
    page.wait_for_selector(ANSWERED)
    assert page.locator("#tc-result .tc-warnings li").count() >= 2
    # taller than the screen: the panel is not sticky and not a box with hidden overflow, so
    # every line of the answer is reached by scrolling the page
    box = page.evaluate("""() => { const el = document.querySelector('.tc-output-sticky');
        const s = getComputedStyle(el);
        return {scroll: el.scrollHeight, client: el.clientHeight, position: s.position,
                fits: el.dataset.fits}; }""")
    assert box["scroll"] <= box["client"] + 1, box
    assert box["fits"] == "false" and box["position"] == "static", box
    last = page.locator("#tc-result .tc-note").last
    last.scroll_into_view_if_needed()
    assert last.is_visible()
    # a short answer on a tall screen follows the form
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.wait_for_function("() => document.querySelector('.tc-output-sticky').dataset.fits"
                           " === 'true'")
    assert page.evaluate("getComputedStyle(document.querySelector('.tc-output-sticky'))"
                         ".position") == "sticky"
