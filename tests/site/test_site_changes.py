"""/changes/<year>/ opens with what a coder reports differently (codebook/changes/<year>.yaml,
issue 17 item 3), each change linked to its sources and to the checker with an encounter that
shows it; the value-level diff stays below, folded, for maintainers."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

import engine


def _changes(bundle: dict, year: int) -> list[dict]:
    return [c for c in bundle.get("changes", []) if c["from"].startswith(str(year))]


def test_the_codebook_describes_the_changes_of_2025_and_2026(bundle):
    ids = {c["id"] for c in bundle.get("changes", [])}
    for wanted in ("change-2025-telemedicine-em-codes", "change-2025-telephone-em-deleted",
                   "change-2026-telehealth-list-one-category",
                   "change-2026-frequency-limits-removed",
                   "change-2026-virtual-direct-supervision",
                   "change-2026-teaching-physician-presence",
                   "change-2026-flexibilities-lapse-and-extension"):
        assert wanted in ids
    for c in bundle["changes"]:
        assert c["sources"], c["id"]


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_narrative_comes_first_and_the_diff_is_folded(site, bundle, year):
    page = site.main_html(f"/changes/{year}/")
    folded = page.index('<details class="tc-dev">')
    for c in _changes(bundle, year):
        at = page.find(f'id="{c["id"]}"')
        assert 0 < at < folded, c["id"]
    assert page.index('id="group-codes"') < folded
    # the data diff is still there, inside the fold
    assert page.find(f'id="{year}-01-01"') > folded


def _checker_fragment(section: str) -> dict[str, str] | None:
    m = re.search(r'<a class="tc-try" href="([^"]+)"', section)
    if not m:
        return None
    url = urlsplit(html.unescape(m.group(1)))
    assert not url.query, url  # the encounter travels in the fragment only (issue 13)
    return dict(parse_qsl(url.fragment))


def _short(result: dict) -> str:
    if not result["billable"] or not result["lines"]:
        return "nothing to report separately"
    codes = " + ".join("-".join([ln["code"], *ln["modifiers"]]) for ln in result["lines"])
    pos = next((ln["pos"] for ln in result["lines"] if ln["pos"]), None)
    return f"{codes} · POS {pos}" if pos else codes


@pytest.mark.parametrize("year", [2025, 2026])
def test_each_change_links_its_sources_and_the_checker(site, bundle, text_of, year):
    items = _changes(bundle, year)
    assert items
    for c in items:
        section = site.section(f"/changes/{year}/", c["id"], until="<h3")
        for ref in c["sources"]:
            assert f'sources/#src-{ref["id"]}"' in section, (c["id"], ref["id"])
        linked = _checker_fragment(section)
        if c.get("encounter") is None:
            assert linked is None, c["id"]
            continue
        want = {k: ("true" if v is True else "false" if v is False else str(v))
                for k, v in c["encounter"].items()}
        assert linked == want, c["id"]
        answer = _short(engine.check(dict(c["encounter"])))
        assert f"the checker's answer for this encounter: {answer}" in text_of(section), c["id"]


def test_the_2025_answers_show_the_change(site, text_of):
    """The permalinks show what changed: Medicare audio-only is an office visit with 93, the
    commercial video visit is a 98000-range code."""
    audio = text_of(site.section("/changes/2025/", "change-2025-telephone-em-deleted", "<h3"))
    assert "answer for this encounter: 99213-93 · POS 10" in audio
    video = text_of(site.section("/changes/2025/", "change-2025-telemedicine-em-codes", "<h3"))
    assert re.search(r"answer for this encounter: 980(0[0-7]) · POS 10", video)
