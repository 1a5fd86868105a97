"""The downloads page says what licence applies to what (issue 17, item 7): the program's MIT
licence (pyproject.toml, LICENSE), the codebook data's CC BY 4.0 (codebook/LICENSE.md), and
what is not ours (CPT codes and descriptors), with the column guide of the flat CSV."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_downloads_name_the_licences_and_what_is_not_ours(site, text_of):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]["text"]
    text = text_of(site.section("/downloads/", "licence"))
    assert f"published under the {declared} licence" in text
    assert (ROOT / "LICENSE").read_text().startswith(f"{declared} License")
    assert "Creative Commons Attribution 4.0 International licence, CC BY 4.0" in text
    assert "CC BY 4.0" in (ROOT / "codebook" / "LICENSE.md").read_text()
    assert "CPT codes and their descriptors are the American Medical Association's" in text
    assert "every label and summary is our own short description" in text


def test_downloads_have_a_column_guide(site, text_of):
    text = text_of(site.main_html("/downloads/"))
    assert "code-payer-year.csv" in text and "medicare" in text.lower()
    assert site.main_html("/downloads/").count("<th>") >= 2


def test_localities_csv_holds_the_cms_indices(site):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(
        site.file("/downloads/localities.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 109
    manhattan = next(r for r in rows if (r["mac"], r["locality"]) == ("13202", "01"))
    # GPCI2025.csv: 13202,NY,01,MANHATTAN,1.065,1.166,1.656
    assert (manhattan["state"], manhattan["work GPCI"], manhattan["PE GPCI"],
            manhattan["MP GPCI"]) == ("NY", "1.065", "1.166", "1.656")
    assert (manhattan["from"], manhattan["to"], manhattan["release"]) == (
        "2025-01-01", "2025-12-31", "2025-09-11")
    assert manhattan["source"] == "cms-gpci-2025; cms-locco-2025"
