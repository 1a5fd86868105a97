"""The written result contract: engine/data/result.schema.json (what engine.check returns and
`telecode check --format json` prints) and engine/data/batch-row.schema.json (a row of
`telecode batch --format jsonl`). Every scenario's and every FAQ's result validates, in key
order; so does a batch run over every scenario."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from engine import core

DATA = Path(__file__).resolve().parents[2] / "engine" / "data"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((DATA / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


RESULT = validator("result")
ROW = validator("batch-row")


def problems(v: Draft202012Validator, value) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(value)]


def test_the_schema_lists_the_keys_in_the_result_order(real_cb, enc):
    result = core.check(enc(mdm="low"), real_cb)
    assert list(result) == RESULT.schema["required"] == list(RESULT.schema["properties"])
    line = RESULT.schema["$defs"]["line"]
    assert list(result["lines"][0]) == line["required"] == list(line["properties"])


def test_every_scenario_result_validates(real_cb, scenarios, plain):
    checked = 0
    for name, sc in scenarios:
        if "errors" in sc["expected"]:
            continue
        result = core.check(plain(sc["encounter"]), real_cb)
        assert problems(RESULT, result) == [], name
        checked += 1
    assert checked > 80


def test_every_faq_result_validates(real_cb, plain):
    faqs = [f for f in real_cb.faqs if f.get("encounter")]
    assert faqs
    for faq in faqs:
        assert problems(RESULT, core.check(plain(faq["encounter"]), real_cb)) == [], faq["id"]


def test_the_schema_rejects_what_the_contract_forbids(real_cb, enc):
    good = core.check(enc(mdm="low"), real_cb)
    assert problems(RESULT, {**good, "extra": 1})
    assert problems(RESULT, {k: v for k, v in good.items() if k != "provisional"})
    bad_line = {**good["lines"][0], "code": "9921"}
    assert problems(RESULT, {**good, "lines": [bad_line]})
    assert problems(RESULT, {**good, "warnings": [{"id": "x", "severity": "fatal",
                                                   "message": "m", "sources": []}]})


def test_batch_rows_validate(real_cb, scenarios, plain):
    from engine.batch import BatchChecker
    from engine.cli.batch import _json_record

    rows = [plain(sc["encounter"]) for _, sc in scenarios]
    checker = BatchChecker(real_cb)
    seen = {"valid": 0, "invalid": 0}
    for _number, rid, outcome, _row in checker.mappings(iter(rows)):
        rec = _json_record(rid, outcome, False)
        assert problems(ROW, rec) == [], rec
        seen["invalid" if outcome.errors else "valid"] += 1
    assert seen["valid"] > 80 and seen["invalid"] > 3


def test_cli_json_output_validates(real_cb, enc):
    from engine.cli import check as cli

    out = io.StringIO()
    encounter = enc(mdm="low", date_of_service="2027-02-01")
    status = cli.run(["-", "--format", "json"], stdin=io.StringIO(json.dumps(encounter)),
                     stdout=out, stderr=io.StringIO())
    assert status == 0
    result = json.loads(out.getvalue())
    assert problems(RESULT, result) == [] and result["provisional"] is True


@pytest.mark.parametrize("name", ["result", "batch-row"])
def test_schema_descriptions_are_written(name):
    schema = validator(name).schema
    assert schema["description"]
    for key, prop in schema["properties"].items():
        assert prop.get("description") or prop.get("$ref"), f"{name}: {key} has no description"
