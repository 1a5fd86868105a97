"""Medicare payment amounts (issue 17, item 5): `telecode import-rvu --write-payments` writes
the RVUs of the codebook's codes into codebook/payments/, and the code pages show the national
non-facility and facility amounts, recomputed here from the CMS rows (tests/data/
PPRRVU2025_Oct-payments.csv and PPRRVU2026_Jan-codebook.csv: the rows of the CMS files for the
codebook's codes, DESCRIPTION emptied)."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = {2025: ROOT / "tests" / "data" / "PPRRVU2025_Oct-payments.csv",
            2026: ROOT / "tests" / "data" / "PPRRVU2026_Jan-codebook.csv"}
FIRST_DAY = {2025: "2025-10-01", 2026: "2026-01-01"}  # October and January releases


def cms_rows(path: Path) -> dict[str, dict[str, str]]:
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS")
    names = [" ".join(r[j].strip() for r in rows[: at + 1] if j < len(r) and r[j].strip())
             for j in range(len(rows[at]))]
    return {r[0]: dict(zip(names, r, strict=False)) for r in rows[at + 1:]
            if r and not r[1].strip()}


def national(total: str, factor: str) -> str:
    cents = (Decimal(total) * Decimal(factor)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"${cents:,.2f}"


def _telecode(*args: str) -> subprocess.CompletedProcess[str]:
    main = "import sys, engine.cli; sys.exit(engine.cli.main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", main, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_import_rvu_writes_the_payment_values_the_codebook_holds(tmp_path):
    cb = tmp_path / "codebook"
    shutil.copytree(ROOT / "codebook", cb)
    shutil.rmtree(cb / "payments")
    yaml = YAML(typ="safe", pure=True)
    for year, fixture in FIXTURES.items():
        proc = _telecode("import-rvu", str(fixture), "--write-payments", "--codebook", str(cb))
        assert proc.returncode == 0, proc.stderr
        written = yaml.load((cb / "payments" / f"medicare-{year}.yaml").read_text())["schedule"]
        committed = yaml.load((ROOT / "codebook" / "payments" / f"medicare-{year}.yaml")
                              .read_text())["schedule"]
        assert str(written["from"]) == FIRST_DAY[year] and str(written["to"]) == f"{year}-12-31"
        assert written["values"] == committed["values"]
        assert written["conversion_factor"] == committed["conversion_factor"]
        assert written["sources"][0]["id"] == committed["sources"][0]["id"]
        rows = cms_rows(fixture)
        v = next(x for x in written["values"] if x["code"] == "99214")
        assert Decimal(str(v["total_nonfacility"])) == Decimal(rows["99214"]["NON-FACILITY TOTAL"])
    # the sources the files cite were already in sources.yaml: nothing added
    assert (cb / "sources.yaml").read_text() == (ROOT / "codebook" / "sources.yaml").read_text()


def test_import_rvu_write_payments_refuses_a_file_that_is_not_a_pprrvu(tmp_path):
    bad = tmp_path / "GPCI.csv"
    bad.write_text("Medicare Administrative Contractor,State,Locality\n10112,AL,00\n")
    proc = _telecode("import-rvu", str(bad), "--write-payments")
    assert proc.returncode == 2
    assert "HCPCS" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("year", [2025, 2026])
def test_code_pages_show_the_national_amounts_of_the_rvu_file(site, codebook, year):
    rows = cms_rows(FIXTURES[year])
    checked = 0
    for code, row in sorted(rows.items()):
        if code not in codebook.code_index:
            continue
        section = site.section(f"/codes/{code}/", "medicare-payment")
        line = re.search(rf"<tr><td[^>]*>{FIRST_DAY[year]} →.*?</tr>", section, re.S)
        assert line, (code, year)
        status = codebook.status_name(code, "medicare", FIRST_DAY[year])
        if status in ("payable", "contractor_priced") and row["NON-FACILITY TOTAL"] != "0.00":
            factor = row["CONV FACTOR"]
            nf = re.search(r'data-amount="nonfacility">([^<]+)<', line.group(0)).group(1)
            fa = re.search(r'data-amount="facility">([^<]+)<', line.group(0)).group(1)
            assert nf == national(row["NON-FACILITY TOTAL"], factor), (code, year)
            assert fa == national(row["FACILITY TOTAL"], factor), (code, year)
            checked += 1
        else:
            assert "data-amount" not in line.group(0), (code, year)
    assert checked >= 30


def test_the_amounts_name_which_applies_to_pos_10_and_pos_02(site, text_of):
    text = text_of(site.section("/codes/99214/", "medicare-payment"))
    assert "POS 10 (patient at home) is paid the non-facility amount" in text
    assert "POS 02 (patient elsewhere) the facility amount" in text
    assert "$125.18" in text and "$93.80" in text  # 3.87 and 2.90 RVUs x 32.3465


@pytest.mark.parametrize("code", ["Q3014", "G2025"])
def test_facility_fee_codes_say_how_they_are_paid(site, text_of, code):
    page = site.main_html(f"/codes/{code}/")
    text = text_of(page)
    assert "excluded by statute" not in text
    assert "How it is paid, for Medicare" in text
    assert "tc-status--no" not in page  # no red chip: these are paid, outside the fee schedule
