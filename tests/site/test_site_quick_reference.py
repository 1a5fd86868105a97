"""/quick-reference/<year>/ (issue 17, item 4): printed to PDF on Letter paper by headless
Chromium, each year fits on at most two pages, and it holds the claim lines of the real-time
visits by payer, the other remote services and the year's date caveats."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]


@pytest.fixture(scope="module")
def pdf_pages(served_site, codebook):
    from _site import views
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        for year in views.years(codebook):
            page.goto(f"{served_site}/quick-reference/{year}/", wait_until="load")
            pdf = page.pdf(format="Letter")
            out[year] = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        browser.close()
    return out


def test_each_year_prints_on_at_most_two_letter_pages(pdf_pages):
    assert {2024, 2025, 2026} <= set(pdf_pages)
    for year, pages in pdf_pages.items():
        assert 1 <= pages <= 2, (year, pages)


def _rows(site, visible, year: int, anchor: str) -> list[list[str]]:
    section = site.section(f"/quick-reference/{year}/", anchor)
    return [[visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]]


def test_real_time_visits_are_claim_lines_by_payer(site, text_of):
    rows = _rows(site, text_of, 2025, "real-time")
    def payers(row):
        return row[1].split(", ")

    medicare_video = next(r for r in rows if r[0] == "Audio-video" and "Medicare" in payers(r)
                          and r[3] == "95")
    assert medicare_video[2].startswith("99202–99205")
    assert medicare_video[3] == "95"
    assert "10 at home" in medicare_video[4] and "02 at a health care facility" in medicare_video[4]
    medicare_audio = next(r for r in rows if r[0] == "Audio-only" and "Medicare" in payers(r)
                          and r[3] == "93")
    assert medicare_audio[2].startswith("99202–99205")
    commercial_video = next(r for r in rows if r[0] == "Audio-video"
                            and "Commercial health plans" in payers(r)
                            and r[2].startswith("980"))
    assert commercial_video[2].split(";")[0] == "98000–98007"  # then its add-ons
    commercial_audio = next(r for r in rows if r[0] == "Audio-only"
                            and "Commercial health plans" in payers(r)
                            and r[2].startswith("980"))
    assert commercial_audio[2].split(";")[0] == "98008–98015"


def test_other_services_and_date_caveats_are_listed(site, text_of):
    text = text_of(site.section("/quick-reference/2025/", "other"))
    for code in ("98016", "G2010", "99421", "99446", "99451", "99452", "99454", "99457"):
        assert code in text, code
    dates = text_of(site.section("/quick-reference/2025/", "dates"))
    assert "2025-10-01 → 2025-11-12" in dates and "lapsed" in dates
