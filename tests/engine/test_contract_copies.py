"""The encounter contract lives once (engine/core/contract.py); every other copy is checked
against it here: the codebook's JSON Schema enums, the codebook's words for each value
(messages.yaml `labels:` and `conditions:`) and the checker form's words. The form itself and
checker.js are checked in tests/widget/test_checker_form_contract.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.core import contract
from engine.core.contract import FIELDS
from engine.core.plan import DERIVED_FIELDS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "codebook" / "schema"


def _schema(name: str) -> dict:
    return json.loads((SCHEMA / f"{name}.schema.json").read_text(encoding="utf-8"))


def _defs() -> dict:
    return _schema("common")["$defs"]


def test_schema_modality_and_payer_enums_are_the_contract() -> None:
    assert _defs()["modality"]["enum"] == list(contract.MODALITIES)
    assert sorted(_defs()["payer"]["enum"]) == sorted(contract.PAYERS)


def test_schema_clinician_enum_is_the_contract_plus_any() -> None:
    # a route or rule for any clinician says "any"; an encounter names one
    assert _defs()["clinician"]["enum"] == [*contract.CLINICIANS, "any"]


def test_schema_condition_fields_are_the_contract_keys_and_derived_facts() -> None:
    names = _defs()["condition_field"]["enum"]
    assert len(names) == len(set(names))
    assert set(names) == {*FIELDS, *DERIVED_FIELDS}


def test_schema_family_levels_are_the_contract() -> None:
    props = _schema("family")["properties"]["codes"]["items"]["properties"]
    assert props["patient_status"]["enum"] == [*contract.PATIENT_STATUSES, "any"]
    assert props["mdm"]["enum"] == [*contract.MDM_LEVELS, None]


ENUMS = [name for name, f in FIELDS.items() if f.kind == "enum"]


@pytest.mark.parametrize("name", ENUMS)
def test_every_enum_value_has_reader_words(real_cb, name: str) -> None:
    """labels.<field> for the labelled kinds (payer, modality, clinician, patient_status),
    else conditions.<field>.values: a reader page never shows a raw value."""
    words = real_cb.labels.get(name) or (real_cb.bundle["condition_words"].get(name) or {}).get(
        "values") or {}
    missing = [v for v in FIELDS[name].choices if not words.get(v)]
    assert missing == [], f"messages.yaml has no words for {name}: {missing}"


@pytest.mark.parametrize("name", [n for n, f in FIELDS.items()
                                  if f.kind == "enum" or (f.kind == "bool" and f.default is None)])
def test_every_choice_of_the_form_has_form_words(real_cb, name: str) -> None:
    form = (real_cb.bundle["condition_words"].get(name) or {}).get("form") or []
    values = [v for item in form for v in item]
    want = list(FIELDS[name].choices) if FIELDS[name].kind == "enum" else ["true", "false"]
    assert sorted(values) == sorted(want) and len(values) == len(want), name


def test_modality_titles_cover_every_modality(real_cb) -> None:
    """The reference pages' modality rows and headings (labels.modality_title)."""
    titles = real_cb.labels.get("modality_title") or {}
    assert sorted(titles) == sorted(contract.MODALITIES)
    assert all(t and "_" not in t for t in titles.values())


def test_payer_types_have_words(real_cb) -> None:
    """The payer matrix's kinds (labels.payer_type): exactly each profile type of the schema
    and each default payer, each with words."""
    schema = json.loads((ROOT / "codebook" / "schema" / "payer-profile.schema.json").read_text())
    types = set(_enums(schema, "type"))
    words = real_cb.labels.get("payer_type") or {}
    assert types and set(words) == types | set(contract.PAYERS)
    assert all(w and "_" not in w for w in words.values())


def _enums(node: object, key: str) -> list[str]:
    """Every `enum` of a property named `key` anywhere in a JSON Schema."""
    found: list[str] = []
    if isinstance(node, dict):
        prop = (node.get("properties") or {}).get(key)
        if isinstance(prop, dict) and isinstance(prop.get("enum"), list):
            found += prop["enum"]
        for value in node.values():
            found += _enums(value, key)
    elif isinstance(node, list):
        for value in node:
            found += _enums(value, key)
    return found


def test_site_word_tables_hold_no_contract_values() -> None:
    """No module of the site (docs/_site) has a word table of its own for contract values:
    words come from messages.yaml (labels, conditions)."""
    import ast

    values = {v for f in FIELDS.values() for v in f.choices}
    found = []
    for path in sorted((ROOT / "docs" / "_site").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)
                        and isinstance(k.value, str)}
                if len(keys & values) >= 2 and all(isinstance(v, ast.Constant)
                                                    for v in node.values):
                    found.append(f"{path.name}:{node.lineno}: {sorted(keys & values)}")
    assert found == []


def test_cli_help_lists_every_key_with_its_choices_and_default() -> None:
    import io
    import re

    from engine.cli import check as cli

    out = io.StringIO()
    assert cli.run(["--help"], stdout=out) == 0
    text = out.getvalue().split("Encounter keys", 1)[1]
    entries = dict(re.findall(r"^  ([a-z0-9_]+) +(.*(?:\n {10,}.*)*)", text, flags=re.M))
    assert list(entries) == list(FIELDS)
    for name, f in FIELDS.items():
        words = " ".join(entries[name].split())
        assert words.startswith("required: ") is f.required, name
        if name != "payer":
            for choice in f.choices:
                assert re.search(rf"\b{choice}\b", words), (name, choice)
        if f.default is not None:
            default = str(f.default).lower() if isinstance(f.default, bool) else f.default
            assert words.endswith(f"(default {default})"), name
    for word in (*contract.TRUE_WORDS, *contract.FALSE_WORDS):
        assert f" {word} " in text or f" {word};" in text, word
