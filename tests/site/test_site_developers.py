"""The "For developers" page renders the engine's output schemas from engine/data/ and the
site serves the schema files byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_developers_page_lists_every_key_of_both_schemas(site):
    text = site.text("/developers/")
    for name in ("result", "batch-row"):
        schema = json.loads((ROOT / "engine" / "data" / f"{name}.schema.json").read_text())
        for key, prop in schema["properties"].items():
            assert key in text, (name, key)
            if prop.get("description"):
                assert prop["description"].split(".")[0] in text, (name, key)
    for part in ("Line", "Warning", "Step"):
        assert part in text
    assert "provisional-year" in text and "2027-12-31" in text


def test_schema_files_are_served_as_committed(site):
    for name in ("result", "batch-row"):
        served = (site.root / "developers" / f"{name}.schema.json").read_bytes()
        assert served == (ROOT / "engine" / "data" / f"{name}.schema.json").read_bytes()
    page = site.main_html("/developers/")
    assert 'href="result.schema.json"' in page and 'href="batch-row.schema.json"' in page
