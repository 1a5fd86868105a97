"""The provisional year on the built site: every page's footer says how far the codebook is
reviewed; the code tables, code pages and print pages show 2027 marked provisional with what is
not yet reviewed; the checker's date picker reaches the end of the provisional period."""

from __future__ import annotations

import re

FOOTER = "Reviewed through 2026-12-31; 2027 provisional."


def test_every_page_footer_says_reviewed_through_and_provisional(site):
    pages = site.pages()
    assert len(pages) > 50
    for path in pages:
        page = path.read_text(encoding="utf-8")
        if '<footer class="md-footer">' not in page:
            continue  # redirects and fragments
        footer = page[page.index('<footer class="md-footer">'):]
        assert FOOTER in footer, path


def test_code_tables_show_2027_as_a_provisional_tab(site, codebook, text_of):
    page = site.main_html("/codes/")
    labels = re.findall(r'<div class="tabbed-labels">(.*?)</div>', page, re.S)[0]
    assert [text_of(x) for x in re.findall(r"<label[^>]*>(.*?)</label>", labels)] == [
        "2024", "2025", "2026", "2027 (provisional)"]
    blocks = page.split('<div class="tabbed-block">')
    note = text_of(blocks[4].split("</div>", 1)[0])
    assert note.startswith("2027 is provisional")
    assert ("Dates of service 2027-01-01 to 2027-12-31 are answered from the 2026 rules that "
            "have no end date") in note
    for item in codebook.provisional[0]["unreviewed"]:
        assert item in text_of(blocks[4])
    assert "tc-provisional" not in blocks[3]  # 2026 is reviewed


def test_code_page_status_table_marks_2027(site, text_of):
    table = site.section("/codes/99214/", "status-by-payer-and-year")
    heads = [text_of(h) for h in re.findall(r"<th>(.*?)</th>", table)]
    assert heads == ["Payer", "2024", "2025", "2026", "2027 (provisional)"]


def test_print_page_for_2027_is_marked_provisional(site, text_of):
    text = site.text("/print/2027/")
    assert text.startswith("Telehealth coding quick reference 2027 (provisional)")
    assert "2027 is provisional" in text.split("·")[0]
    assert "Dates of service 2027-01-01 to 2027-12-31" in text
    assert "provisional" not in site.text("/print/2026/").split("·")[0].lower()


def test_home_page_states_both_ranges(site):
    assert ("covers dates of service 2024-01-01 to 2026-12-31, and provisionally 2027-01-01 "
            "to 2027-12-31.") in site.text("/")


def test_checker_date_picker_reaches_the_provisional_end(site):
    page = site.main_html("/checker/")
    tag = re.search(r'<input id="tc-date_of_service"[^>]*>', page).group(0)
    assert 'min="2024-01-01"' in tag and 'max="2027-12-31"' in tag
