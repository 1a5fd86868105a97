"""The built site has every page of the contract, with real content from the codebook."""

from __future__ import annotations

import json
import re

import pytest

import engine

CONTRACT_PAGES = [
    "/", "/codes/", "/modifiers/", "/place-of-service/", "/payers/", "/medicare-flexibilities/",
    "/faq/", "/documentation/", "/sources/", "/conventions/", "/about/", "/print/2024/",
    "/print/2025/", "/print/2026/", "/downloads/",
]
NOT_ADVICE = "Not legal or billing advice"
TRADEMARK = "CPT is a registered trademark of the American Medical Association"


@pytest.mark.parametrize("path", CONTRACT_PAGES)
def test_contract_page_exists_with_footer_notices(site, path):
    page = site.html(path)
    footer = page[page.index('<footer class="md-footer">'):]
    assert NOT_ADVICE in footer and TRADEMARK in footer
    assert len(site.text(path)) > 400, f"{path} has almost no content"


def test_every_code_has_its_page_with_a_heading_naming_it(site, codebook):
    for code in codebook.code_index:
        page = site.main_html(f"/codes/{code}/")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        assert h1 and code in h1.group(1), code


def test_code_98016_shows_dates_status_and_sources(site, codebook, text_of):
    text = site.text("/codes/98016/")
    first = codebook.code_versions("98016")[0]
    assert f"valid {first['from']} → open" in text
    # Medicare status per year, from the engine's Codebook.status_of
    row = re.search(r"<tr><td[^>]*>Medicare</td>(.*?)</tr>",
                    site.section("/codes/98016/", "status-by-payer-and-year"), re.S)
    assert row, "no Medicare row in the status table"
    cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    assert cells == ["code not in effect", "payable", "payable", "payable"]  # 2027 provisional
    assert codebook.status_name("98016", "medicare", "2024-06-01") == "not_valid_on_date"
    assert codebook.status_name("98016", "medicare", "2025-06-01") == "payable"
    # every source of the code record is listed with its last-verified date
    sources = site.section("/codes/98016/", "sources")
    for ref in first["sources"]:
        title = codebook.source(ref["id"])["title"]
        assert text_of(title) in text_of(sources)
    assert first["last_verified"] in text_of(sources)
    # related: it replaced G2012, linked
    assert 'href="../G2012/"' in site.section("/codes/98016/", "related-codes")


def test_code_page_lists_routes_rules_and_faqs(site, codebook, text_of):
    routes = text_of(site.section("/codes/99214/", "modifiers-and-place-of-service"))
    assert "Medicare" in routes and "95" in routes and "93" in routes
    rules = site.section("/codes/98016/", "rules-that-apply")
    assert "../../rules/#checkin-related-em-prior-7-days" in rules
    faq_ids = [f["id"] for f in codebook.faqs if "99214" in f.get("codes", [])]
    assert faq_ids
    faqs = site.section("/codes/99214/", "questions-about-this-code")
    for fid in faq_ids:
        assert f"../../faq/#{fid}" in faqs


def _year_block(site, year: int) -> str:
    page = site.main_html("/codes/")
    m = re.search(rf'<div class="tc-year" data-year="{year}">(.*?)</div>\s*</div>', page, re.S)
    assert m, f"no {year} block on /codes/"
    return m.group(1)


def test_codes_2025_lists_98000_to_98016_and_not_99441(site):
    block = _year_block(site, 2025)
    listed = set(re.findall(r'<a href="(\w{5})/">\1</a>', block))
    for n in range(98000, 98017):
        assert str(n) in listed
    assert "99441" not in listed
    assert "99441" in set(re.findall(r'<a href="(\w{5})/">\1</a>', _year_block(site, 2024)))


def test_codes_table_shows_medicare_status_and_badges(site, text_of):
    block = _year_block(site, 2025)
    row = re.search(r"<tr><td[^>]*><strong><a href=\"98013/\">98013</a>.*?</tr>", block, re.S)
    assert row
    assert "not valid for this payer" in text_of(row.group(0))
    assert "new 2025" in text_of(row.group(0))
    assert 'href="../conventions/#badge-new"' in row.group(0)
    ended = re.search(r"<tr><td[^>]*><strong><a href=\"G2012/\">G2012</a>.*?</tr>",
                      _year_block(site, 2024), re.S)
    assert ended and "ends 2024-12-31" in text_of(ended.group(0))


def test_every_badge_links_to_its_explanation(site):
    conventions_ids = set(re.findall(r'id="(badge-[a-z-]+)"', site.html("/conventions/")))
    found = 0
    for page in site.pages():
        for m in re.finditer(r'<a class="tc-badge tc-badge--([a-z-]+)" href="([^"]+)"',
                             page.read_text(encoding="utf-8")):
            kind, href = m.groups()
            on_conventions = page.parent.name == "conventions"
            assert href.endswith(f"conventions/#badge-{kind}") or (
                on_conventions and href == f"#badge-{kind}"), (page, href)
            assert f"badge-{kind}" in conventions_ids
            found += 1
    assert found > 100


def test_faq_page_shows_the_engines_answers(site, codebook, text_of):
    for faq in codebook.faqs:
        result = engine.check(dict(faq["encounter"]), codebook)
        section = site.section("/faq/", faq["id"])
        table = re.search(r'<div class="tc-table tc-answer">(.*?)</div>', section, re.S)
        if result["lines"]:
            assert table, faq["id"]
            codes = re.findall(r"<tr><td[^>]*><strong><a[^>]*>([^<]+)</a>", table.group(1))
            assert codes == [ln["code"] for ln in result["lines"]], faq["id"]
            for ln in result["lines"]:
                for mod in ln["modifiers"]:
                    assert f"<code>{mod}</code>" in table.group(1)
        else:
            assert table is None and "Nothing is separately reportable" in section
        for w in result["warnings"]:
            assert text_of(w["message"])[:60] in text_of(section), (faq["id"], w["id"])


def test_payer_matrix_by_year_and_modality(site, text_of):
    page = site.main_html("/payers/")
    m = re.search(r'<div class="tc-year" data-year="2025">(.*?)</div>\s*</div>', page, re.S)
    assert m
    rows = {text_of(r[0]): r[1] for r in re.findall(
        r"<tr><td[^>]*><strong>(.*?)</strong></td>(.*?)</tr>", m.group(1), re.S)}
    audio_only = rows["Audio-only"]
    medicare_cell = text_of(re.findall(r"<td[^>]*>(.*?)</td>", audio_only, re.S)[0])
    assert "Office and outpatient E/M" in medicare_cell and "93" in medicare_cell
    commercial = text_of(re.findall(r"<td[^>]*>(.*?)</td>", audio_only, re.S)[1])
    assert "Telemedicine E/M" in commercial


def test_flexibilities_timeline_lists_laws_and_lapses(site, codebook):
    text = site.text("/medicare-flexibilities/")
    for p in codebook.flexibilities:
        assert p["from"] in text
        if p.get("law"):
            assert p["law"][:30] in text
    assert any(p["state"] == "lapse" for p in codebook.flexibilities)
    assert "lapse" in text


def test_documentation_page_lists_the_engines_checklist_items(site, codebook):
    text = site.text("/documentation/")
    checklist = [r for r in codebook.rules if r["effect"] == "checklist"]
    assert checklist
    for r in checklist:
        words = re.sub(r"\{[a-z_.]+\}", "", r["message"]).split()[:6]
        assert " ".join(words) in text, r["id"]


def test_sources_page_lists_every_source_and_its_citing_records(site, codebook, text_of):
    page = site.main_html("/sources/")
    for sid in codebook.sources:
        assert f'id="src-{sid}"' in page
    aafp = site.section("/sources/", "src-aafp-th25", until='<div class="tc-source"')
    assert "../codes/" in aafp and "Cited by" in aafp


def test_modifiers_and_pos_pages_list_every_record(site, bundle):
    mods = site.main_html("/modifiers/")
    for m in bundle["modifiers"]:
        assert f'id="mod-{m["code"].lower()}"' in mods
    pos = site.main_html("/place-of-service/")
    for p in bundle["places_of_service"]:
        assert f'id="pos-{p["code"]}"' in pos


def test_print_pages_have_a_section_per_family(site, codebook):
    for year in (2024, 2025, 2026):
        page = site.main_html(f"/print/{year}/")
        families = re.findall(r'<h2 class="tc-print-family" id="family-([a-z-]+)"', page)
        assert len(families) >= 10, year
        assert "CPT is a registered trademark" in page
    assert "family-telephone-em" in site.main_html("/print/2024/")
    assert "family-telephone-em" not in site.main_html("/print/2026/")


def test_about_page_says_not_advice_and_trademark(site):
    text = site.text("/about/")
    assert "not legal or billing advice" in text
    assert TRADEMARK in text
    assert "Report an error" in text


def test_downloads_are_the_codebook_as_json_and_csv(site, bundle_path, codebook):
    assert site.file("/downloads/codebook.json").read_bytes() == bundle_path.read_bytes()
    csv_text = site.file("/downloads/codes.csv").read_text(encoding="utf-8")
    header, *rows = csv_text.splitlines()
    assert header.startswith("id,")
    assert len(rows) == len(codebook.bundle["codes"])
    assert any(r.startswith("98016,") for r in rows)
    page = site.main_html("/downloads/")
    for name in ("codebook.json", "codes.csv", "statuses.csv", "routes.csv", "sources.csv"):
        assert f'href="{name}"' in page


def test_search_index_has_an_entry_per_code(site, codebook):
    index = json.loads(site.file("/search/search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    for code in codebook.code_index:
        hits = [d for d in docs if d["location"] == f"codes/{code}/"]
        assert hits and code in hits[0]["title"], code
    # "98016" finds its own page first among page titles
    titled = [d["location"] for d in docs if "98016" in d["title"] and "#" not in d["location"]]
    assert titled == ["codes/98016/"]


def test_sitemap_dates_come_from_the_codebook(site, codebook):
    sitemap = site.file("/sitemap.xml").read_text(encoding="utf-8")
    dates = set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap))
    assert dates == {codebook.meta["released"]}


def test_code_page_says_what_to_report_instead(site, codebook):
    status = codebook.status_of("98013", "medicare", "2025-06-01")
    assert isinstance(status, dict) and status["status"] == "not_valid" and status["instead"]
    text = site.text("/codes/98013/")
    assert f"Instead, for Medicare ({status['from']} →" in text
    assert text.count(status["instead"]) == 1
