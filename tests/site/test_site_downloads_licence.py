"""The downloads page says what licence applies to what (issue 17, item 7): the program's MIT
licence (pyproject.toml), that no licence is named yet for the codebook data, and what is not
ours (CPT codes and descriptors), with the column guide of the flat CSV."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_downloads_name_the_licences_and_what_is_not_ours(site, text_of):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]["text"]
    text = text_of(site.section("/downloads/", "licence"))
    assert f"published under the {declared} licence" in text
    assert "no licence has been named yet for the codebook itself" in text
    assert "CPT codes and their descriptors are the American Medical Association's" in text
    assert "every label and summary is our own short description" in text
    assert not (ROOT / "LICENSE").exists()  # when one is added, this page must say so


def test_downloads_have_a_column_guide(site, text_of):
    text = text_of(site.main_html("/downloads/"))
    assert "code-payer-year.csv" in text and "medicare" in text.lower()
    assert site.main_html("/downloads/").count("<th>") >= 2
