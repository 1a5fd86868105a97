"""Payer profiles on the built site: the payer matrix (a column per payer, the filter, cards on a
390 px phone), one page per payer, the code pages' "By payer" section, and a practice's own
profiles through the build (escaped names; broken ones stop the build with file:line)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.site.conftest import ROOT, SiteDir, build_site

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
IDS = ["medicare", "commercial", "medicaid", "aetna", "cigna", "elevance", "unitedhealthcare",
       "humana_ma", "medicare_advantage", "medicaid_ak", "medicaid_ca", "medicaid_fl",
       "medicaid_ny", "medicaid_pa", "medicaid_tx"]

HOSTILE = """\
profile:
  id: acme_health
  name: "Acme <script>alert(1)</script> {{ 7*191 }}"
  type: commercial
  base: aetna
  summary: "Our <b>contract</b> [x](javascript:alert(2))"
  sources:
    - {id: acme-contract, locator: "section <i>4</i>"}
  last_verified: 2026-12-01
  evidence: verified
rules:
  - id: acme-video
    service: audio_video
    from: 2025-01-01
    accepted: true
    families: [office-em]
    modifiers: ["GT"]
    summary: "Office visit <img src=x onerror=alert(3)> with GT."
    sources:
      - {id: acme-contract, locator: "4.2"}
    last_verified: 2026-12-01
    evidence: verified
sources:
  - id: acme-contract
    title: "Contract <script>x()</script>"
    publisher: Acme
    kind: primary
"""


def test_matrix_has_a_column_per_payer(site):
    html = site.html("/payers/matrix/")
    for pid in IDS:
        assert f'<th scope="col" data-payer="{pid}"' in html, pid
    assert 'data-pm-filter' in html and "assets/payer-matrix.js" in html
    assert (site.root / "assets" / "payer-matrix.js").is_file()
    # defaults first, then the profiles by kind (Medicare Advantage before Medicaid), each
    # column and each filter named in words (messages.yaml labels.payer_type)
    first = html.split("</table>", 1)[0]  # one table per year, the same columns
    heads = re.findall(r'<th scope="col" data-payer="([a-z0-9_]+)" data-type="([a-z_]+)"', first)
    assert [p for p, _ in heads[:3]] == ["medicare", "commercial", "medicaid"]
    kinds = ["medicare", "commercial", "medicare_advantage", "medicaid"]
    rest = [kinds.index(t) for _, t in heads[3:]]
    assert rest == sorted(rest) and {1, 2, 3} <= set(rest)
    for words in ("Medicare Advantage", "Commercial", "Medicaid"):
        assert f"<small>{words}</small>" in html and f'checked> {words}</label>' in html
    text = site.text("/payers/matrix/")
    assert "Unknown — check the plan" in text and "Not paid" in text
    assert "the default for commercial plans" in text
    # reached from the payers page
    assert 'href="matrix/"' in site.html("/payers/")


def test_payer_pages(site):
    tx = site.text("/payers/medicaid_tx/")
    for words in ("Texas Medicaid", "state TX", "2024-12-01 → open", "last verified 2026-12-04",
                  "Additional telemedicine and telehealth services available December 1, 2024",
                  "Medicaid answers are defaults; each state decides"):
        assert words in tx, words
    html = site.main_html("/payers/medicaid_tx/")
    assert "<code>95</code>" in html and "<code>93</code>" in html
    uhc = site.text("/payers/unitedhealthcare/")
    assert "Unknown — check the plan" in uhc and "builds on Commercial health plans" in uhc
    humana = site.text("/payers/humana_ma/")
    assert "builds on Medicare Advantage plan (generic) → Medicare" in humana
    # a page that speaks a coder's language: no record ids or enum values
    for raw in ("uhc-audio-video-2025", "audio_video", "medicare_advantage"):
        assert raw not in uhc + humana


def test_code_pages_list_each_payer(site):
    text = site.text("/codes/99213/")
    assert "By payer" in text
    for name in ("Texas Medicaid", "Florida Medicaid", "Humana Medicare Advantage",
                 "UnitedHealthcare (commercial plans)"):
        assert name in text
    assert "New York Medicaid" in text and "unknown — check the plan" in text


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_matrix_filter_and_phone_layout(served_site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(served_site + "/payers/matrix/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.text_content(".tc-pm-count") == "All 15 payers shown."
    page.fill("input[type=search]", "texas")
    assert page.text_content(".tc-pm-count") == "1 of 15 payers shown."
    visible = page.evaluate("""() => [...document.querySelectorAll(
        '.tabbed-block:not([hidden]) table.tc-pm td[data-payer]')]
        .filter(td => td.offsetParent !== null).map(td => td.dataset.payer)""")
    assert visible and set(visible) == {"medicaid_tx"}
    # a cell is a labelled card on the phone: the payer's name comes before its answer
    label = page.evaluate("""() => getComputedStyle(document.querySelector(
        'table.tc-pm td[data-payer="medicaid_tx"]'), '::before').content""")
    assert "Texas Medicaid" in label
    page.fill("input[type=search]", "")
    page.uncheck("input[value=medicaid]")
    assert page.text_content(".tc-pm-count") == "8 of 15 payers shown."
    page.close()


def test_practice_build_with_own_profiles(tmp_path, bundle_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "acme.yaml").write_text(HOSTILE, encoding="utf-8")
    monkeypatch.setenv("TELECODE_PAYER_PROFILES", str(folder))
    out = tmp_path / "site"
    proc = build_site(bundle_path, out)
    assert proc.returncode == 0, proc.stderr
    site = SiteDir(out)
    html = site.html("/payers/acme_health/")
    assert "<script>alert(1)</script>" not in html and "<script>x()</script>" not in html
    assert "<img src=x" not in html and "<b>contract</b>" not in html
    assert "1337" not in html  # {{ 7*191 }} is not run as a template
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt;" in html or \
        "Acme &#60;script&#62;alert(1)&#60;/script&#62;" in html
    matrix = site.html("/payers/matrix/")
    assert 'data-payer="acme_health"' in matrix and "<script>alert(1)" not in matrix
    assert "GT" in site.text("/payers/acme_health/")


def test_practice_build_refuses_broken_profiles(tmp_path, bundle_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "acme.yaml").write_text(HOSTILE.replace("base: aetna", "base: aetnaa"),
                                      encoding="utf-8")
    monkeypatch.setenv("TELECODE_PAYER_PROFILES", str(folder))
    proc = build_site(bundle_path, tmp_path / "site")
    assert proc.returncode != 0
    assert f"{folder}/acme.yaml:5: acme_health: unknown base 'aetnaa'" in proc.stdout + proc.stderr


def test_build_script_payer_profiles_option(tmp_path):
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "build"), "--payer-profiles"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "--payer-profiles needs a folder" in proc.stderr
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "acme.yaml").write_text(HOSTILE.replace("id: acme_health", "id: aetna"),
                                      encoding="utf-8")
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "build"), "--payer-profiles",
                           str(folder), str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 2
    assert "collides with the shipped profile 'aetna'" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_practice_how_to_page(site):
    text = site.text("/payer-profiles/")
    for words in ("telecode payer-profile init acme_health --base aetna",
                  "telecode payer-profile validate my-payers/",
                  "scripts/build --payer-profiles my-payers/"):
        assert words in text
    assert 'href="../payer-profiles/"' in site.html("/payers/")
    assert "the state's own program applies" in site.text("/checker/")
