"""The /checker/ widget in a real headless Chromium: the engine in Pyodide gives the same answers
as the engine in CPython, the form behaves, nothing leaves 127.0.0.1, and axe finds nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from ruamel.yaml import YAML

import engine
import engine.core.web

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "tests" / "scenarios"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BOOT_TIMEOUT_MS = 180_000  # bounds waiting for Pyodide's first boot; asserts nothing
ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"
PYODIDE_PATHS = ("/assets/pyodide/", "/assets/checker/worker.js", ".whl", ".snapshot.gz",
                 "/assets/checker/engine.json")


# ------------------------------------------------------------------------------------------------
# Encounters and their CPython answers.

def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{day}:{minutes}" for day, minutes in value.items())
    return str(value)


def permalink(encounter: dict[str, Any]) -> str:
    return "/checker/?" + urlencode({k: _param(v) for k, v in encounter.items()})


def parity_scenarios() -> list[tuple[str, dict[str, Any]]]:
    """Valid encounters from every scenario file: the first, middle and last of each (≥ 20)."""
    yaml = YAML(typ="safe", pure=True)
    picked: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        valid = [s for s in yaml.load(path.read_text(encoding="utf-8"))
                 if "errors" not in s["expected"]]
        for i in sorted({0, len(valid) // 2, len(valid) - 1} if valid else set()):
            picked.append((f"{path.stem}/{valid[i]['name']}", _plain(valid[i]["encounter"])))
    return picked


SCENARIOS = parity_scenarios()


def cpython_lines(encounter: dict[str, Any]) -> list[dict[str, Any]]:
    result = engine.check(encounter)
    return [{"code": ln["code"], "modifiers": ln["modifiers"], "pos": ln["pos"]}
            for ln in result["lines"]]


def widget_lines(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        "#tc-result .tc-lines tbody tr",
        """rows => rows.map(tr => ({
            code: tr.dataset.code,
            modifiers: (tr.querySelector('.tc-mods').dataset.modifiers || '').split(' ')
                .filter(Boolean),
            pos: tr.querySelector('.tc-pos').dataset.pos || null,
        }))""",
    )


def open_in_checker(page: Any, base_url: str, path: str) -> None:
    """Open a permalink: a real page load the first time, then by clicking a link to it on the
    checker page (the checker answers such links in place; the worker stays alive)."""
    if "/checker/" not in page.url:
        page.goto(base_url + path)
    else:
        page.evaluate(
            """href => {
                document.querySelector('[data-testid=result]').dataset.stale = '1';
                const a = document.createElement('a');
                a.href = href; a.textContent = 'try it'; a.id = 'tc-test-link';
                document.querySelector('article, main, body').append(a);
                a.click();
                // Answered in place, the result box is already 'loading' again: not stale.
                const box = document.querySelector('[data-testid=result]');
                if (box.dataset.state === 'loading') delete box.dataset.stale;
            }""",
            base_url + path,
        )
    page.wait_for_selector(ANSWERED, timeout=BOOT_TIMEOUT_MS)


def state(page: Any) -> tuple[str, str]:
    box = page.locator("[data-testid=result]")
    return box.get_attribute("data-state") or "", box.get_attribute("data-codes") or ""


# ------------------------------------------------------------------------------------------------
# One browser page shared by the parity checks (one Pyodide boot for all of them).

@pytest.fixture(scope="module")
def shared_recorder(make_recorder: Any) -> Any:
    return make_recorder()


@pytest.fixture(scope="module")
def checker_page(browser: Any, shared_recorder: Any, page_factory: Any) -> Iterator[Any]:
    context, page = page_factory(browser, shared_recorder)
    yield page
    context.close()


def test_enough_parity_scenarios() -> None:
    assert len(SCENARIOS) >= 20
    assert len({enc["modality"] for _, enc in SCENARIOS}) >= 6


@pytest.mark.parametrize("encounter", [e for _, e in SCENARIOS], ids=[n for n, _ in SCENARIOS])
def test_permalink_gives_the_cpython_answer(
    checker_page: Any, base_url: str, encounter: dict[str, Any]
) -> None:
    open_in_checker(checker_page, base_url, permalink(encounter))
    want = cpython_lines(encounter)
    got_state, got_codes = state(checker_page)
    assert got_state == "ready", checker_page.inner_text("#tc-result")
    assert got_codes == " ".join(line["code"] for line in want)
    assert widget_lines(checker_page) == want


NO_ROUTE = [s for s in YAML(typ="safe", pure=True).load(
    (SCENARIO_DIR / "no-route.yaml").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("scenario", NO_ROUTE, ids=[s["name"] for s in NO_ROUTE])
def test_no_route_permalinks_give_the_cpython_answer(
    checker_page: Any, base_url: str, scenario: dict[str, Any]
) -> None:
    """Every no-route scenario, including consults with no role: a field the link leaves out
    is left out of the encounter (the role and report selects have a "Not given" choice)."""
    encounter = _plain(scenario["encounter"])
    open_in_checker(checker_page, base_url, permalink(encounter))
    want = engine.check(encounter)
    assert state(checker_page) == ("ready", " ".join(ln["code"] for ln in want["lines"]))
    if encounter["modality"] == "interprofessional":
        assert checker_page.input_value("#tc-role") == encounter.get("role", "")
    shown = checker_page.eval_on_selector_all(
        "#tc-result [data-warning]", "els => els.map(e => e.dataset.warning)")
    assert shown == [w["id"] for w in want["warnings"]]  # each warning, marked with its id


def test_parity_run_stayed_on_127_0_0_1_without_console_errors(
    checker_page: Any, shared_recorder: Any
) -> None:
    assert shared_recorder.requests, "the parity tests made no request at all"
    assert shared_recorder.off_site() == []
    assert shared_recorder.console_errors == []
    # Pyodide booted once for all the permalinks: links were answered in place.
    wasm = [u for u in shared_recorder.requests if u.endswith("pyodide.asm.wasm")]
    assert len(wasm) == 1, wasm


# ------------------------------------------------------------------------------------------------
# Behaviour of the form.

EXAMPLE = {
    "date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
    "modality": "audio_video", "minutes": 25, "mdm": "low",
}


def test_changing_a_field_changes_the_answer_and_the_url(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    before = state(page)
    assert before == ("ready", " ".join(ln["code"] for ln in cpython_lines(EXAMPLE)))

    page.select_option("select[name=mdm]", "high")
    changed = {**EXAMPLE, "mdm": "high"}
    want = " ".join(ln["code"] for ln in cpython_lines(changed))
    assert want != before[1], "the example change must change the engine's answer"
    page.wait_for_function(
        "want => { const r = document.querySelector('[data-testid=result]');"
        " return r.dataset.state === 'ready' && r.dataset.codes === want; }",
        arg=want,
    )
    page.wait_for_function("() => location.hash.includes('mdm=high')")  # follows the answer
    assert urlsplit(page.url).query == ""  # the encounter is in the fragment only (issue 13)
    query = parse_qs(urlsplit(page.url).fragment)
    assert query["mdm"] == ["high"]
    assert query["minutes"] == ["25"]


def test_fields_irrelevant_to_the_modality_are_hidden(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(EXAMPLE))
    assert page.is_visible("select[name=mdm]")
    assert not page.is_visible("input[name=device_days]")
    page.select_option("select[name=modality]", "remote_monitoring")
    assert page.is_visible("input[name=device_days]")
    assert not page.is_visible("select[name=mdm]")
    page.wait_for_selector(ANSWERED)
    page.wait_for_function("() => location.hash.includes('modality=remote_monitoring')")
    assert "mdm" not in parse_qs(urlsplit(page.url).fragment)


def test_mental_health_and_add_on_fields_show_only_when_they_apply(page: Any, base_url: str
                                                                   ) -> None:
    """Issue 14: the service and its own fields appear only where they apply, and a family
    psychotherapy session typed into the form gets the engine's answer."""
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    assert page.is_visible("select[name=service]")
    assert page.is_visible("input[name=longitudinal_care]")
    assert page.is_visible("input[name=in_person_visit_within_months]")  # Medicare only
    for hidden in ("input[name=psychotherapy_minutes]", "select[name=family_with_patient]",
                   "input[name=interactive_complexity]", "select[name=same_day_service]"):
        assert not page.is_visible(hidden), hidden
    page.check("input[name=modifier_25_same_day]")
    assert page.is_visible("select[name=same_day_service]")
    page.uncheck("input[name=modifier_25_same_day]")
    assert not page.is_visible("select[name=same_day_service]")

    page.select_option("select[name=service]", "family_psychotherapy")
    assert page.is_visible("input[name=psychotherapy_minutes]")
    assert page.is_visible("select[name=family_with_patient]")
    assert not page.is_visible("input[name=longitudinal_care]")
    assert not page.is_visible("input[name=behavioral_health]")  # implied by the service
    assert not page.is_visible("input[name=interactive_complexity]")  # not with 90846/90847
    page.select_option("select[name=family_with_patient]", "true")
    page.fill("input[name=psychotherapy_minutes]", "50")
    page.press("input[name=psychotherapy_minutes]", "Enter")
    want = {k: v for k, v in EXAMPLE.items() if k != "minutes"}
    want.update(service="family_psychotherapy", family_with_patient=True,
                psychotherapy_minutes=50)
    codes = " ".join(ln["code"] for ln in cpython_lines({**want, "minutes": 25}))
    assert codes == "90847"
    page.wait_for_function(
        "want => { const r = document.querySelector('[data-testid=result]');"
        " return r.dataset.state === 'ready' && r.dataset.codes === want; }",
        arg=codes,
    )

    page.select_option("select[name=payer]", "commercial")
    assert not page.is_visible("input[name=in_person_visit_within_months]")
    page.select_option("select[name=modality]", "remote_monitoring")
    assert not page.is_visible("select[name=service]")
    assert not page.is_visible("input[name=psychotherapy_minutes]")
    page.wait_for_selector(ANSWERED)
    page.wait_for_function("() => location.hash.includes('modality=remote_monitoring')")
    assert "psychotherapy_minutes" not in parse_qs(urlsplit(page.url).fragment)


def test_invalid_input_shows_a_plain_error_next_to_the_field(page: Any, base_url: str) -> None:
    bad = {**EXAMPLE, "minutes": "-5"}
    page.goto(base_url + permalink(bad))
    page.wait_for_selector(ANSWERED)
    assert state(page) == ("error", "")
    with pytest.raises(engine.EncounterError) as info:
        engine.check({**EXAMPLE, "minutes": -5})
    (message,) = [e["message"] for e in info.value.errors if e["field"] == "minutes"]
    error = page.locator("#tc-err-minutes")
    assert error.is_visible()
    assert error.inner_text() == message
    assert page.get_attribute("input[name=minutes]", "aria-invalid") == "true"
    assert "Traceback" not in page.inner_text("body")

    page.fill("input[name=minutes]", "25")
    page.press("input[name=minutes]", "Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=result]')"
                           ".dataset.state === 'ready'")
    assert not page.is_visible("#tc-err-minutes")


def test_a_link_with_an_unknown_parameter_says_so(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(EXAMPLE) + "&minuts=5")
    page.wait_for_selector(ANSWERED)
    assert state(page)[0] == "error"
    assert "minutes" in page.inner_text("#tc-result li[data-field=minuts]")


def test_compare_payers_shows_each_payers_answer(page: Any, base_url: str) -> None:
    encounter = {**EXAMPLE, "date_of_service": "2025-06-02"}
    page.goto(base_url + permalink(encounter))
    page.wait_for_selector(ANSWERED)
    page.click("#tc-compare-toggle")
    for payer in ("medicare", "commercial", "medicaid"):
        col = page.locator(f"[data-testid=compare-{payer}]")
        col.wait_for()
        want = " ".join(ln["code"] for ln in cpython_lines({**encounter, "payer": payer}))
        assert col.get_attribute("data-codes") == want, payer


def test_copy_link_copies_the_permalink(
    browser: Any, base_url: str, recorder: Any, page_factory: Any
) -> None:
    context, page = page_factory(
        browser, recorder, permissions=["clipboard-read", "clipboard-write"]
    )
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    page.click("#tc-copy")
    page.wait_for_selector("#tc-copy-status:has-text('copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied.startswith(base_url + "/checker/#")  # the encounter in the fragment (issue 13)
    assert {k: v[0] for k, v in parse_qs(urlsplit(copied).fragment).items()} == {
        k: _param(v) for k, v in EXAMPLE.items()
    }
    assert recorder.off_site() == []
    assert recorder.console_errors == []


def test_checker_page_has_no_axe_violations(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    page.click("#tc-compare-toggle")
    page.locator("[data-testid=compare-medicaid]").wait_for()
    # evaluated, not added as a <script>: the site's CSP refuses inline scripts
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], json.dumps(summary, indent=1)


def test_other_pages_load_no_pyodide_bytes(page: Any, base_url: str, recorder: Any) -> None:
    page.goto(base_url + "/")
    page.wait_for_load_state("networkidle")
    links = page.eval_on_selector_all(
        "a[href]", "els => els.map(a => a.href).filter(h => h.startsWith(location.origin))"
    )
    others = sorted({h.split("#")[0] for h in links if "/checker/" not in h})[:8]
    for href in others:
        page.goto(href)
        page.wait_for_load_state("networkidle")
    assert len(recorder.requests) > len(others)
    assert [u for u in recorder.requests if any(p in u for p in PYODIDE_PATHS)] == []


def test_checker_survives_navigation_away_and_back(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    first = state(page)
    page.click("a.md-logo")  # to the home page (instant navigation where the site enables it)
    page.wait_for_function("() => !document.querySelector('[data-testid=result]')")
    page.go_back()
    page.wait_for_selector(ANSWERED)
    assert state(page) == first


def test_back_and_forward_between_permalinks(page: Any, base_url: str) -> None:
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    first = state(page)
    high = {**EXAMPLE, "mdm": "high"}
    open_in_checker(page, base_url, permalink(high))
    second = state(page)
    assert second != first
    page.evaluate("document.querySelector('[data-testid=result]').dataset.stale = '1'")
    page.go_back()
    page.wait_for_function(
        "want => document.querySelector('[data-testid=result]').dataset.codes === want"
        " && document.querySelector('[data-testid=result]').dataset.state === 'ready'",
        arg=first[1],
    )
    assert page.input_value("select[name=mdm]") == "low"


def _manifest(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "assets" / "checker" / "engine.json").read_text("utf-8"))


def test_visits_restore_the_snapshot_built_with_the_site(
    page: Any, base_url: str, built_site: Path, recorder: Any
) -> None:
    """The worker restores the build's Python snapshot (engine imported, codebook loaded) on a
    first visit and again on a repeat visit; the wheel is not needed then."""
    manifest = _manifest(built_site)
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    first = state(page)
    assert page.get_attribute("#telecode-checker", "data-engine-from") == "snapshot"
    assert any(u.endswith("/assets/checker/" + manifest["snapshot"]) for u in recorder.requests)
    assert not any(u.endswith(".whl") for u in recorder.requests)
    assert widget_lines(page) == cpython_lines(EXAMPLE)

    page.reload()
    page.wait_for_selector(ANSWERED)
    assert page.get_attribute("#telecode-checker", "data-engine-from") == "snapshot"
    assert state(page) == first
    page.select_option("select[name=mdm]", "high")
    want = " ".join(ln["code"] for ln in cpython_lines({**EXAMPLE, "mdm": "high"}))
    page.wait_for_function(
        "want => { const r = document.querySelector('[data-testid=result]');"
        " return r.dataset.state === 'ready' && r.dataset.codes === want; }",
        arg=want,
    )


def _answers_after_snapshot_swap(page: Any, base_url: str, body: bytes) -> str:
    """Serve `body` in place of the snapshot; return how the worker started Python once the
    permalink is answered with the CPython engine's lines."""
    page.context.route("**/*.snapshot.gz", lambda route: route.fulfill(
        status=200, body=body, headers={"content-type": "application/gzip"}))
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    assert state(page)[0] == "ready"
    assert widget_lines(page) == cpython_lines(EXAMPLE)
    return page.get_attribute("#telecode-checker", "data-engine-from")


def test_an_unusable_snapshot_falls_back_to_starting_python(
    page: Any, base_url: str, recorder: Any
) -> None:
    """A snapshot that cannot be restored (here: not one at all) costs time, not answers: the
    worker starts Python and installs the wheel."""
    assert _answers_after_snapshot_swap(page, base_url, b"not a memory snapshot") == "start"
    assert any(u.endswith(".whl") for u in recorder.requests)


def test_a_snapshot_the_server_already_unzipped_is_used(
    page: Any, base_url: str, built_site: Path
) -> None:
    """Servers that send .gz files with Content-Encoding: gzip hand the worker unzipped bytes."""
    packed = (built_site / "assets" / "checker" / _manifest(built_site)["snapshot"]).read_bytes()
    assert _answers_after_snapshot_swap(page, base_url, gzip.decompress(packed)) == "snapshot"


def test_the_worker_warms_up_after_the_first_answer(page: Any, base_url: str) -> None:
    """After the first answer the worker checks that encounter's neighbours and every FAQ
    encounter for every payer, three times (worker.js, warmUp), and then says so; edits made
    meanwhile are answered."""
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    page.select_option("select[name=mdm]", "moderate")  # during the warm-up
    want = " ".join(ln["code"] for ln in cpython_lines({**EXAMPLE, "mdm": "moderate"}))
    page.wait_for_function(
        "want => { const r = document.querySelector('[data-testid=result]');"
        " return r.dataset.state === 'ready' && r.dataset.codes === want; }",
        arg=want,
    )
    page.wait_for_function("() => performance.getEntriesByName('telecode-warm').length > 0")
    warm = page.evaluate("(() => { const m = performance.getEntriesByName('telecode-warm')[0];"
                         " return {at: m.startTime, encounters: m.detail.encounters}; })()")
    answered = page.evaluate("performance.getEntriesByName('telecode-answer')[0].startTime")
    assert warm["at"] > answered
    engine.core.web.start()
    faqs = len(engine.core.web.warm_up_encounters())
    assert warm["encounters"] % 3 == 0 and warm["encounters"] > 3 * faqs  # + the neighbours


def test_loading_shows_a_stepped_progress_bar(page: Any, base_url: str) -> None:
    """While Python starts the page shows a progress bar with steps, not an animated
    indeterminate one (its frames would compete with Python's start); it goes once answered."""
    page.goto(base_url + permalink(EXAMPLE))
    assert page.evaluate("document.querySelector('#tc-progress-bar').position") >= 0
    assert page.get_attribute("#tc-progress-bar", "max") == "3"
    page.wait_for_selector(ANSWERED)
    assert page.locator("#tc-progress").is_hidden()


SEARCH_INDEX_ENTRY = (
    "() => performance.getEntriesByType('resource')"
    ".find(e => new URL(e.name).pathname === '/search/search_index.json')"
)


def test_search_index_is_requested_after_the_first_answer(page: Any, base_url: str) -> None:
    """On /checker/ Material's search index (1.1 MB to parse and index) waits while Python
    starts: it is requested once the first answer is shown and the reader pauses."""
    page.goto(base_url + permalink(EXAMPLE))
    page.wait_for_selector(ANSWERED)
    answered = page.evaluate("performance.getEntriesByName('telecode-answer')[0].startTime")
    page.wait_for_function(f"() => Boolean(({SEARCH_INDEX_ENTRY})())")
    requested = page.evaluate(f"({SEARCH_INDEX_ENTRY})().startTime")
    assert requested > answered


def test_search_on_the_checker_page_finds_a_code(page: Any, base_url: str) -> None:
    """Turning to the search box while Python is still starting loads the index at once."""
    page.goto(base_url + permalink(EXAMPLE))
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.fill("input.md-search__input", "98016")
    first = page.locator(".md-search-result__item a").first
    first.wait_for()
    assert urlsplit(first.get_attribute("href")).path == "/codes/98016/"


def test_try_it_links_and_instant_navigation_keep_the_worker(
    page: Any, site: Any, recorder: Any
) -> None:
    if not site.instant_navigation:
        pytest.skip("prebuilt site (TELECODE_WIDGET_SITE): its site_url is not this server")
    page.goto(site.base_url + "/codes/99213/")
    page.wait_for_load_state("networkidle")
    try_it = page.locator("a[href*='checker/#']").first
    href = try_it.get_attribute("href")
    encounter = {k: v[0] for k, v in parse_qs(urlsplit(href).fragment).items()}
    page.evaluate("window.__sameDocument = true")  # survives only instant navigation
    try_it.click()
    page.wait_for_selector(ANSWERED)
    assert page.evaluate("window.__sameDocument === true"), "the link reloaded the page"
    typed = {k: int(v) if v.isdigit() else {"true": True, "false": False}.get(v, v)
             for k, v in encounter.items()}
    assert widget_lines(page) == cpython_lines(typed)

    booted = [u for u in recorder.requests if u.endswith("pyodide.asm.wasm")]
    page.click("a.md-logo")
    page.wait_for_function("() => !document.querySelector('[data-testid=result]')")
    page.click("nav a[href$='checker/']")
    page.wait_for_selector(ANSWERED)
    assert page.evaluate("window.__sameDocument === true")
    assert state(page)[0] == "ready"
    assert [u for u in recorder.requests if u.endswith("pyodide.asm.wasm")] == booted


def test_a_permalink_number_too_large_to_hold_is_an_error(page: Any, base_url: str) -> None:
    """400 digits is Infinity in JavaScript (sent as null: "not given"): it must be an error,
    and the one `telecode check --minutes 999…` gives (the engine reads the text)."""
    page.goto(base_url + permalink({**EXAMPLE, "minutes": "9" * 400}))
    page.wait_for_selector(ANSWERED)
    assert state(page)[0] == "error"
    assert page.locator("#tc-err-minutes").is_visible()
    assert page.inner_text("#tc-err-minutes").startswith("must be at most 1,000,000, got 9999")
