"""The checker's permalink keeps the encounter in the URL fragment (issue 13): a fragment is never
sent to a server (no request, no Referer, no log line holds the encounter). Old `?…` links still
open and are moved to the fragment with history.replaceState; a heading's anchor is not an
encounter; a number too large to hold (400 digits) is an error, not "not given"."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import engine

ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"
ENC = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established",
       "modality": "audio_video", "mdm": "moderate", "minutes": "30"}


def codes_of(encounter: dict[str, Any]) -> str:
    typed = {k: int(v) if str(v).isdigit() else v for k, v in encounter.items()}
    return " ".join(ln["code"] for ln in engine.check(typed)["lines"])


def wait_codes(page: Any, want: str) -> None:
    page.wait_for_function(
        "want => { const r = document.querySelector('[data-testid=result]');"
        " return r.dataset.state === 'ready' && r.dataset.codes === want; }", arg=want)


def fragment_of(page: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).fragment).items()}


def test_a_fragment_permalink_answers_and_the_form_writes_the_fragment(
        page: Any, base_url: str, recorder: Any) -> None:
    page.goto(base_url + "/checker/#" + urlencode(ENC))
    wait_codes(page, codes_of(ENC))
    page.select_option("select[name=mdm]", "high")
    changed = {**ENC, "mdm": "high"}
    wait_codes(page, codes_of(changed))
    page.wait_for_function("() => location.hash.includes('mdm=high')")
    assert urlsplit(page.url).query == ""
    assert fragment_of(page) == changed
    # no request of the page or its worker carried the encounter
    assert recorder.requests and not [u for u in recorder.requests if "date_of_service" in u]


def test_an_old_query_link_opens_and_moves_to_the_fragment(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    length = page.evaluate("history.length")
    page.goto(base_url + "/checker/?" + urlencode(ENC))
    wait_codes(page, codes_of(ENC))
    assert urlsplit(page.url).query == ""
    assert urlsplit(page.url).path == "/checker/"
    assert fragment_of(page) == ENC
    assert page.evaluate("history.length") == length + 1  # replaced, not a new entry
    # Back leaves the checker for the previous page, not for the old address
    page.go_back()
    page.wait_for_function("() => location.pathname === '/'")


def test_a_fragment_link_on_the_checker_answers_in_place(page: Any, base_url: str) -> None:
    page.goto(base_url + "/checker/#" + urlencode(ENC))
    wait_codes(page, codes_of(ENC))
    page.evaluate("window.telecodeSameDocument = true")
    other = {**ENC, "minutes": "45", "mdm": "high"}
    assert codes_of(other) != codes_of(ENC)
    page.evaluate("""href => { const a = document.createElement('a'); a.href = href;
        a.textContent = 'other'; a.id = 'tc-test-link';
        document.querySelector('article, main, body').append(a); }""",
                  "/checker/#" + urlencode(other))
    page.click("#tc-test-link")
    wait_codes(page, codes_of(other))
    page.go_back()  # the link made a history entry; Back shows its encounter again
    wait_codes(page, codes_of(ENC))
    assert page.evaluate("window.telecodeSameDocument === true")


def test_a_heading_anchor_is_not_an_encounter(page: Any, base_url: str) -> None:
    page.goto(base_url + "/checker/")
    page.wait_for_selector(ANSWERED)
    defaults = page.evaluate("location.href"), page.input_value("input[name=minutes]")
    page.goto(base_url + "/checker/#" + urlencode({**ENC, "minutes": "47"}))
    wait_codes(page, codes_of({**ENC, "minutes": "47"}))
    page.goto(base_url + "/")
    page.goto(base_url + "/checker/#no-such-heading")
    page.wait_for_selector(ANSWERED)
    assert page.input_value("select[name=mdm]") == ""  # the form's defaults, not an encounter
    assert page.input_value("input[name=minutes]") == defaults[1] != "47"


def test_a_400_digit_number_in_a_permalink_is_an_error(page: Any, base_url: str) -> None:
    huge = {**ENC, "minutes": "9" * 400}
    page.goto(base_url + "/checker/#" + urlencode(huge))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=result]').dataset.state === 'error'")
    text = page.inner_text("[data-testid=result]")
    assert "minutes" in text.lower() or "time" in text.lower(), text
    # the same number in an old query link is an error too
    page.goto(base_url + "/")
    page.goto(base_url + "/checker/?" + urlencode(huge))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=result]').dataset.state === 'error'")
