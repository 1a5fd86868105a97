"""The checker's "Use my payer profile" in headless Chromium: a profile file chosen with the file
input is checked in the browser (the lines of `telecode payer-profile validate`, by the same
core code), a good one becomes a payer whose answer equals the engine's in CPython, no request
carries the file, "Remember on this device" keeps it across a reload and one click removes it,
and a name holding markup is shown as text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from engine.core import web, web_profiles
from tests.engine import test_web_profiles as CASES  # the core test's broken and good profiles

BOOT_TIMEOUT_MS = 180_000  # bounds waiting for Pyodide's first boot; asserts nothing
ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"
STORE_KEY = "telecode-payer-profiles"


MARK = "Zebra-4242 contract terms"  # in every file: no request may carry it
GOOD = CASES.profile(base="commercial").replace("Our contract.", MARK)
VISIT = {**CASES.VISIT, "payer": "medicare"}


def _payload(files: dict[str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "mimeType": "application/yaml", "buffer": text.encode("utf-8")}
            for name, text in sorted(files.items())]


def _core_lines(files: dict[str, str]) -> list[str]:
    """The lines the engine core gives in CPython for the same files (= validate's lines)."""
    got = json.loads(web_profiles.load_profiles(json.dumps(
        [{"name": n, "text": t} for n, t in sorted(files.items())])))
    web_profiles.forget_profiles()
    return got["errors"]


def _cpython_answer(encounter: dict[str, Any]) -> dict[str, Any]:
    web_profiles.load_profile("acme.yaml", GOOD)
    try:
        return json.loads(web.run(json.dumps(encounter)))["result"]
    finally:
        web_profiles.forget_profiles()


def _open(page: Any, base_url: str, requests: list[tuple[str, str]]) -> None:
    page.context.on("request", lambda r: requests.append((r.url, r.post_data or "")))
    page.goto(base_url + "/checker/?" + urlencode(VISIT))
    page.wait_for_selector(ANSWERED, timeout=BOOT_TIMEOUT_MS)


def _load(page: Any, files: dict[str, str], state: str) -> None:
    # the panel's state before this file (so that the wait below is for this file's answer)
    page.evaluate("() => { document.querySelector('#tc-profile').dataset.state = 'before'; }")
    page.set_input_files("#tc-profile-file", _payload(files))
    page.wait_for_selector(f"#tc-profile[data-state={state}]")


def _no_request_carries_the_profile(requests: list[tuple[str, str]]) -> None:
    assert requests, "no request was recorded at all"
    for url, body in requests:
        assert MARK not in url and MARK.replace(" ", "%20") not in url and MARK not in body
        assert "acme-contract" not in url and "acme-contract" not in body


def test_broken_profiles_show_their_lines_and_are_not_used(page: Any, base_url: str) -> None:
    requests: list[tuple[str, str]] = []
    _open(page, base_url, requests)
    for case, files in sorted(CASES.CASES.items()):
        files = {name: text.replace("Our contract.", MARK) for name, text in files.items()}
        _load(page, files, "error")
        shown = page.locator("[data-testid=profile-errors] li").all_text_contents()
        assert shown == _core_lines(files), case
        # ... the same lines validate prints (file names as the browser gives them)
        assert shown == [line.replace(f"{case}/", "") for line in CASES.LINES[case]], case
        assert page.locator("#tc-payer-local").count() == 0
        page.wait_for_selector("#tc-profile[data-state=error]")  # status still shown
        count = len(shown)
        assert page.locator("#tc-profile-status").inner_text() == (
            f"The profile was not loaded: {count} problem{'' if count == 1 else 's'} to fix. "
            "Each line gives the file and line, the entry, what is wrong and how to fix it.")
    _no_request_carries_the_profile(requests)


def test_a_good_profile_is_a_payer_answering_as_the_engine(page: Any, base_url: str) -> None:
    requests: list[tuple[str, str]] = []
    _open(page, base_url, requests)
    _load(page, {"acme.yaml": GOOD}, "ok")
    assert "Acme Health" in page.locator("#tc-profile-status").inner_text()
    option = page.locator("#tc-payer option[value=acme_health]")
    assert option.inner_text() == "Acme Health (your profile)"
    for day in ("2025-03-03", "2024-06-03"):  # its own rule, then its base's
        page.fill("#tc-date_of_service", day)
        page.select_option("#tc-payer", "acme_health")
        page.wait_for_function(
            "() => location.hash.includes('payer=acme_health') && location.hash.includes("
            f"'{day}')")
        page.wait_for_selector(ANSWERED)
        want = _cpython_answer({**VISIT, "payer": "acme_health", "date_of_service": day})
        box = page.locator("[data-testid=result]")
        assert box.get_attribute("data-codes") == " ".join(ln["code"] for ln in want["lines"])
        row = page.locator("#tc-result-body tr[data-code]").first
        assert row.locator("td").nth(2).inner_text().split() == want["lines"][0]["modifiers"]
        assert want["lines"][0]["modifiers"] == (["GT"] if day == "2025-03-03" else ["95"])
        # before its rule, the answer is its base's and says so, in the engine's words
        inherited = [w["message"] for w in want["warnings"] if w["id"] == "payer-rule-inherited"]
        assert bool(inherited) == (day == "2024-06-03")
        for message in inherited:
            assert message in page.locator("#tc-result-body").inner_text()
    # not remembered: a reload forgets it, and nothing is in the browser's storage
    assert page.evaluate(f"() => localStorage.getItem('{STORE_KEY}')") is None
    page.reload()  # the link still names acme_health: now an unknown payer
    page.wait_for_selector(ANSWERED, timeout=BOOT_TIMEOUT_MS)
    assert page.locator("#tc-payer-local").count() == 0
    assert page.locator("#tc-payer option[value=acme_health]").get_attribute(
        "data-from-link") is not None
    assert page.locator("[data-testid=result]").get_attribute("data-state") == "error"
    _no_request_carries_the_profile(requests)


def test_compare_payers_includes_the_readers_own_profile(page: Any, base_url: str) -> None:
    requests: list[tuple[str, str]] = []
    _open(page, base_url, requests)  # VISIT: 2025-03-03, when Acme's own rule holds
    page.click("#tc-compare-toggle")
    page.locator("[data-testid=compare-medicaid]").wait_for()
    assert page.locator("[data-testid=compare-acme_health]").count() == 0
    _load(page, {"acme.yaml": GOOD}, "ok")
    column = page.locator("[data-testid=compare-acme_health]")
    column.wait_for()
    want = _cpython_answer({**VISIT, "payer": "acme_health"})
    page.wait_for_function(
        "want => document.querySelector('[data-testid=compare-acme_health]').dataset.codes"
        " === want", arg=" ".join(ln["code"] for ln in want["lines"]))
    assert column.locator("h3").first.inner_text() == "Acme Health (your profile)"
    assert want["lines"][0]["modifiers"] == ["GT"]  # its own rule: not a default's answer
    assert "GT" in column.inner_text()
    page.click("#tc-profile-forget")  # removed: its column goes too
    page.wait_for_function("() => !document.querySelector('[data-testid=compare-acme_health]')")
    _no_request_carries_the_profile(requests)


def test_remember_on_this_device_and_remove_it(page: Any, base_url: str) -> None:
    requests: list[tuple[str, str]] = []
    _open(page, base_url, requests)
    page.check("#tc-profile-remember")
    _load(page, {"acme.yaml": GOOD}, "ok")
    kept = json.loads(page.evaluate(f"() => localStorage.getItem('{STORE_KEY}')"))
    assert kept["payers"] == [{"id": "acme_health", "name": "Acme Health"}]
    page.select_option("#tc-payer", "acme_health")
    page.wait_for_function("() => location.hash.includes('payer=acme_health')")
    page.reload()  # the link asks for acme_health: the remembered profile answers it
    page.wait_for_selector("#tc-profile[data-state=ok]", timeout=BOOT_TIMEOUT_MS)
    page.wait_for_selector(ANSWERED)
    assert page.locator("#tc-payer").input_value() == "acme_health"
    assert page.is_checked("#tc-profile-remember")
    want = _cpython_answer({**VISIT, "payer": "acme_health"})
    assert page.locator("[data-testid=result]").get_attribute("data-codes") == " ".join(
        ln["code"] for ln in want["lines"])
    assert page.locator("#tc-result-body .tc-not-billable").count() == 0
    # one click removes it: storage, the select, and the answer (the payer is back to a default)
    page.click("#tc-profile-forget")
    page.wait_for_selector("#tc-profile[data-state=empty]")
    assert page.evaluate(f"() => localStorage.getItem('{STORE_KEY}')") is None
    assert page.locator("#tc-payer option[value=acme_health]").count() == 0
    assert page.locator("#tc-payer").input_value() != "acme_health"
    assert page.is_hidden("#tc-profile-forget")
    # the answer (and so the link) follows the payer the select fell back to
    page.wait_for_function("() => !location.hash.includes('payer=acme_health')")
    page.reload()
    page.wait_for_selector(ANSWERED, timeout=BOOT_TIMEOUT_MS)
    assert page.locator("#tc-payer option[value=acme_health]").count() == 0
    assert not page.is_checked("#tc-profile-remember")
    _no_request_carries_the_profile(requests)


@pytest.mark.parametrize("markup", [
    "<script>window.__pwned = 1</script>",
    "<img src=x onerror=\"window.__pwned = 2\">",
])
def test_markup_in_a_name_is_shown_as_text(page: Any, base_url: str, markup: str) -> None:
    requests: list[tuple[str, str]] = []
    _open(page, base_url, requests)
    name = f"Acme {markup}"
    _load(page, {"acme.yaml": CASES.profile(name=json.dumps(name))}, "ok")
    option = page.locator("#tc-payer option[value=acme_health]")
    assert option.inner_text() == f"{name} (your profile)"
    assert name in page.locator("#tc-profile-status").inner_text()
    assert page.locator("#tc-profile script, #tc-profile img, #tc-payer img").count() == 0
    page.select_option("#tc-payer", "acme_health")
    page.wait_for_function("() => location.hash.includes('payer=acme_health')")
    page.wait_for_selector(ANSWERED)
    assert page.locator("#telecode-checker img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert not [u for u, _ in requests if u.rstrip("/").endswith("/x")]
    # a broken file's lines may quote the markup too: text as well
    _load(page, {"acme.yaml": CASES.profile(name=json.dumps(name), mod='"9S"')}, "error")
    assert page.locator("[data-testid=profile-errors] img").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_the_profile_panel_has_no_axe_violations(page: Any, base_url: str) -> None:
    """axe on /checker/ with the panel showing a broken file's lines, then a loaded profile
    (status, the select's group, the remove button)."""
    axe = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
    _open(page, base_url, [])
    # evaluated, not added as a <script>: the site's CSP refuses inline scripts
    page.evaluate(axe.read_text(encoding="utf-8") + "\n;undefined")
    for files, state in (({"acme.yaml": CASES.profile(mod='"9S"')}, "error"),
                         ({"acme.yaml": GOOD}, "ok")):
        _load(page, files, state)
        violations = page.evaluate("async () => (await axe.run(document)).violations")
        summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in violations]
        assert violations == [], json.dumps(summary, indent=1)


def test_instant_navigation_away_and_back_forgets_a_profile_not_remembered(
    page: Any, site: Any
) -> None:
    """The worker lives as long as the tab: a profile that was not remembered must not still
    answer when the checker page is shown again by instant navigation."""
    if not site.instant_navigation:
        pytest.skip("prebuilt site (TELECODE_WIDGET_SITE): its site_url is not this server")
    _open(page, site.base_url, [])
    _load(page, {"acme.yaml": GOOD}, "ok")
    page.evaluate("window.__sameDocument = true")  # survives only instant navigation
    page.click("a.md-logo")
    page.wait_for_function("() => !document.querySelector('[data-testid=result]')")
    page.click("nav a[href$='checker/']")
    page.wait_for_selector(ANSWERED)
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert page.locator("#tc-payer-local").count() == 0
    page.evaluate("() => history.replaceState(null, '', location.pathname + '#payer=acme_health"
                  "&date_of_service=2025-03-03&patient_status=established&modality=audio_video')")
    page.evaluate("() => window.dispatchEvent(new PopStateEvent('popstate'))")
    page.wait_for_selector("[data-testid=result][data-state=error]")
    assert "payer" in page.locator("#tc-result-body").inner_text().lower()


def test_a_file_far_too_large_is_refused_before_it_is_read(page: Any, base_url: str) -> None:
    _open(page, base_url, [])
    _load(page, {"huge.yaml": "# " + "x" * 1_100_000 + "\n"}, "error")
    shown = page.locator("[data-testid=profile-errors] li").all_text_contents()
    assert shown == ["huge.yaml: the file is larger than 1 MB — a payer profile is a few "
                     "kilobytes: choose the profile file"]
