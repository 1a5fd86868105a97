"""One text -> value decoder (engine.core.contract.decode_text) for command-line flags, batch
cells and the checker page: the same words for true/false and "not given", the same numbers."""

from __future__ import annotations

import io
import json

import pytest

from engine.batch.cells import decode_cell
from engine.cli import check as cli
from engine.core import contract
from engine.core.contract import FIELDS, decode_text

TEXTS = ["", "  ", "none", "NULL", "true", "Yes", "y", "T", "1", "on", "false", "No", "n", "F",
         "0", "off", "maybe", "25", " 25 ", "+7", "-3", "5_000", "1e3", "12" * 10,
         '{"0": 5}', "{bad", "moderate", " moderate ", "OH"]


@pytest.mark.parametrize("name", list(FIELDS))
def test_batch_cells_use_the_contract_decoder(name: str) -> None:
    for text in TEXTS:
        a: list[dict[str, str]] = []
        b: list[dict[str, str]] = []
        assert decode_cell(name, text, a) == decode_text(name, text, b), (name, text)
        assert a == b


@pytest.mark.parametrize("text,want", [
    ("", None), ("none", None), ("Null", None), ("yes", True), ("ON", True), ("t", True),
    ("no", False), ("off", False), ("F", False), ("maybe", "maybe"), (" x ", "x"),
])
def test_booleans_and_not_given(text: str, want: object) -> None:
    assert decode_text("consent_documented", text) == want


def test_numbers_and_objects() -> None:
    assert decode_text("minutes", " +25 ") == 25
    assert decode_text("minutes", "5_000") == "5_000"  # not a number a coder writes
    assert decode_text("minutes", "1e3") == "1e3"
    assert decode_text("minutes", "9" * 30) == int("9" * 30)  # the validator says "at most"
    errors: list[dict[str, str]] = []
    assert decode_text("minutes", "9" * 30, errors) is None
    assert errors == [{"field": "minutes", "message": "is a number of 30 digits; an "
                       "encounter's minutes and days are far smaller"}]
    assert decode_text("evisit_minutes_by_day", '{"0": 5, "2": 3}') == {"0": 5, "2": 3}
    assert decode_text("evisit_minutes_by_day", "{bad") == "{bad"
    errors = []
    assert decode_text("evisit_minutes_by_day", "{bad", errors) is None
    assert errors[0]["message"].startswith("is not valid JSON (")
    assert decode_text("mdm", " moderate ") == "moderate"


def test_no_choice_is_a_not_given_or_boolean_word() -> None:
    words = {*contract.NOT_GIVEN_WORDS, *contract.TRUE_WORDS, *contract.FALSE_WORDS}
    for name, f in FIELDS.items():
        assert not words & set(f.choices), name
    assert not set(contract.TRUE_WORDS) & set(contract.FALSE_WORDS)


def _cli_json(*args: str) -> dict:
    out = io.StringIO()
    cli.run([*args, "--format", "json"], stdin=io.StringIO(""), stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_flags_decode_like_batch_cells() -> None:
    base = ["--date_of_service", "2025-03-10", "--payer", "medicare", "--patient_status", "new",
            "--modality", "audio_only", "--minutes", "20"]
    said_yes = _cli_json(*base, "--patient_video_unavailable", "Y", "--mdm", "none")
    said_true = _cli_json(*base, "--patient_video_unavailable", "true")
    assert said_yes == said_true and said_yes["billable"] is True
    refused = _cli_json(*base, "--patient_video_unavailable", "maybe")
    assert refused["errors"] == [{"field": "patient_video_unavailable",
                                  "message": "must be true or false, got text 'maybe'"}]


def test_describe_is_the_contract() -> None:
    data = contract.describe()
    assert list(data["fields"]) == list(FIELDS)
    assert data["fields"]["service"] == {"kind": "enum", "required": False, "default": "visit",
                                         "choices": list(contract.SERVICES)}
    assert data["true_words"] == list(contract.TRUE_WORDS)
    json.dumps(data)  # plain JSON
