"""The Medicare locality picker (issue 17, item 5): `telecode import-rvu GPCI2025.csv
--write-gpci` writes the CY2025 GPCIs (with 25LOCCO.csv's counties) into codebook/localities/,
and each code page's picker offers every locality with the code's amount there, recomputed
here from the CMS files (tests/data/GPCI2025.csv, 25LOCCO.csv, PPRRVU2025_Oct-payments.csv):
(work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor, to the cent."""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
GPCI, LOCCO, RVU = DATA / "GPCI2025.csv", DATA / "25LOCCO.csv", DATA / "PPRRVU2025_Oct-payments.csv"
# (MAC, locality): a statewide locality, Manhattan, Los Angeles, Alaska (work floor 1.5),
# a "rest of state" one
LOCALITIES = [("10112", "00"), ("13202", "01"), ("01182", "18"), ("02102", "01"),
              ("09102", "99")]
CODES = ["99214", "99213", "90837", "99457", "G2211"]


def _telecode(*args: str) -> subprocess.CompletedProcess[str]:
    main = "import sys, engine.cli; sys.exit(engine.cli.main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", main, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def gpci_rows() -> dict[tuple[str, str], dict[str, Decimal]]:
    rows = list(csv.reader(GPCI.open(newline="", encoding="utf-8")))
    at = next(i for i, r in enumerate(rows) if r and r[0].startswith("Medicare Administrative"))
    out = {}
    for r in rows[at + 1:]:
        if len(r) >= 7 and r[0].strip().isdigit():
            out[(r[0].strip(), r[2].strip())] = {"work": Decimal(r[4]), "pe": Decimal(r[5]),
                                                  "mp": Decimal(r[6])}
    return out


def rvu_rows() -> dict[str, dict[str, str]]:
    rows = list(csv.reader(RVU.open(newline="", encoding="utf-8")))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS")
    names = [" ".join(r[j].strip() for r in rows[: at + 1] if j < len(r) and r[j].strip())
             for j in range(len(rows[at]))]
    return {r[0]: dict(zip(names, r, strict=False)) for r in rows[at + 1:]
            if r and not r[1].strip()}


def locality_amount(row: dict[str, str], g: dict[str, Decimal], pe_column: str) -> str:
    total = (Decimal(row["WORK RVU"]) * g["work"] + Decimal(row[pe_column]) * g["pe"]
             + Decimal(row["MP RVU"]) * g["mp"])
    cents = (total * Decimal(row["CONV FACTOR"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"${cents:,.2f}"


def test_import_rvu_writes_the_committed_localities(tmp_path):
    cb = tmp_path / "codebook"
    shutil.copytree(ROOT / "codebook", cb)
    shutil.rmtree(cb / "localities")
    proc = _telecode("import-rvu", str(GPCI), "--write-gpci", "--release", "2025-09-11",
                     "--counties", str(LOCCO), "--codebook", str(cb))
    assert proc.returncode == 0, proc.stderr
    assert "109 localities of CY2025" in proc.stdout
    yaml = YAML(typ="safe", pure=True)
    written = yaml.load((cb / "localities" / "medicare-2025.yaml").read_text())["localities"]
    committed = yaml.load((ROOT / "codebook" / "localities" / "medicare-2025.yaml")
                          .read_text())["localities"]
    assert written["localities"] == committed["localities"]
    assert [str(written[k]) for k in ("from", "to", "release")] == [
        "2025-01-01", "2025-12-31", "2025-09-11"]
    assert [s["id"] for s in written["sources"]] == ["cms-gpci-2025", "cms-locco-2025"]
    # the files were already cited (same sha256): sources.yaml is unchanged
    assert (cb / "sources.yaml").read_text() == (ROOT / "codebook" / "sources.yaml").read_text()
    la = next(x for x in written["localities"] if (x["mac"], x["locality"]) == ("01182", "18"))
    assert la["counties"].startswith("LOS ANGELES") and la["work"] == 1.042


def test_write_gpci_refuses_what_it_cannot_use(tmp_path):
    no_release = _telecode("import-rvu", str(GPCI), "--write-gpci")
    assert no_release.returncode == 2 and "--release" in no_release.stderr
    not_gpci = _telecode("import-rvu", str(RVU), "--write-gpci", "--release", "2025-09-11")
    assert not_gpci.returncode == 2 and "GPCI" in not_gpci.stderr
    stray = _telecode("import-rvu", str(RVU), "--counties", str(LOCCO))
    assert stray.returncode == 2 and "--write-gpci" in stray.stderr
    for res in (no_release, not_gpci, stray):
        assert "Traceback" not in res.stderr


@pytest.mark.parametrize("code", CODES)
def test_code_pages_offer_each_localitys_amount(site, code):
    page = site.main_html(f"/codes/{code}/")
    options = {m.group(1): m.group(0) for m in re.finditer(
        r'<option value="(\d{5}-\d{2})"[^>]*>', page)}
    g, rvu = gpci_rows(), rvu_rows()[code]
    assert len(options) == len(g) == 109
    for mac, loc in LOCALITIES:
        opt = options[f"{mac}-{loc}"]
        nonfac = html.unescape(re.search(r'data-nonfacility="([^"]+)"', opt).group(1))
        fac = html.unescape(re.search(r'data-facility="([^"]+)"', opt).group(1))
        assert nonfac == locality_amount(rvu, g[(mac, loc)], "NON-FAC PE RVU"), (code, mac)
        assert fac == locality_amount(rvu, g[(mac, loc)], "FACILITY PE RVU"), (code, mac)


def test_the_picker_says_what_it_computes(site, text_of):
    text = text_of(site.section("/codes/99214/", "medicare-locality-2025-10-01"))
    assert ("(work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × conversion factor "
            "(32.3465)") in text
    assert "geographic practice cost indices by locality, CY2025 (2025-09-11 release)" in text
    # a code Medicare does not pay from the fee schedule has no picker
    assert "data-locality-picker" not in site.main_html("/codes/98005/")


def test_choosing_a_locality_shows_its_amounts_in_chromium(served_site):
    from playwright.sync_api import sync_playwright

    g, rvu = gpci_rows()[("13202", "01")], rvu_rows()["99214"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(served_site + "/codes/99214/", wait_until="load")
            box = page.locator("[data-locality-picker]")
            assert box.is_visible()  # shown once the script runs
            out = page.locator("[data-testid=locality-amount]")
            assert out.inner_text() == ""
            box.locator("select").select_option("13202-01")
            text = out.inner_text()
            assert text.startswith("NY · Manhattan")
            assert (f"{locality_amount(rvu, g, 'NON-FAC PE RVU')} non-facility (POS 10), "
                    f"{locality_amount(rvu, g, 'FACILITY PE RVU')} facility (POS 02)") in text
        finally:
            browser.close()
