"""`when` conditions and message templates."""

from __future__ import annotations

import pytest

from engine.core.codebook import CodebookError
from engine.core.conditions import evaluate, fields_used
from engine.core.templates import placeholders, render, set_strict

CTX = {"payer": "medicare", "minutes": 12, "selected_codes": ["99213", "99458"],
       "practitioner_video_capable": True, "share": 0.6, "flag": False}


@pytest.mark.parametrize("cond,expected", [
    (None, True),
    ({"field": "payer", "is": "medicare"}, True),
    ({"field": "payer", "is": "commercial"}, False),
    ({"field": "payer", "in": ["medicaid", "medicare"]}, True),
    ({"field": "payer", "not": "medicare"}, False),
    ({"field": "payer", "not": "commercial"}, True),
    ({"field": "absent", "not": "x"}, False),
    ({"field": "absent", "is": None}, False),
    ({"field": "absent", "present": False}, True),
    ({"field": "absent", "present": True}, False),
    ({"field": "minutes", "present": True}, True),
    ({"field": "minutes", "min": 12}, True),
    ({"field": "minutes", "above": 12}, False),
    ({"field": "minutes", "max": 12}, True),
    ({"field": "minutes", "below": 12}, False),
    ({"field": "minutes", "min": 5, "max": 10}, False),
    ({"field": "minutes", "min": 5, "max": 20}, True),
    ({"field": "absent", "below": 100}, False),
    ({"field": "share", "above": 0.5}, True),
    ({"field": "selected_codes", "is": "99458"}, True),
    ({"field": "selected_codes", "in": ["99214", "99213"]}, True),
    ({"field": "selected_codes", "not": "99458"}, False),
    ({"field": "practitioner_video_capable", "is": True}, True),
    ({"field": "practitioner_video_capable", "is": 1}, False),  # true is not 1
    ({"field": "flag", "is": False}, True),
    ({"field": "flag", "below": 1}, False),  # booleans are not numbers
    ({"field": "selected_codes", "present": True}, True),
    ({"field": "selected_codes", "present": False}, False),
    ({"all": [{"field": "payer", "is": "medicare"}, {"field": "minutes", "min": 10}]}, True),
    ({"all": []}, True),
    ({"any": [{"field": "payer", "is": "x"}, {"field": "minutes", "min": 20}]}, False),
    ({"none": [{"field": "payer", "is": "x"}]}, True),
    ({"none": [{"field": "payer", "is": "medicare"}]}, False),
])
def test_conditions(cond, expected):
    assert evaluate(cond, CTX) is expected


@pytest.mark.parametrize("codes,present", [([], False), (["99213"], True), (None, False)])
def test_selected_codes_present_means_a_code_was_selected(codes, present):
    ctx = {**CTX, "selected_codes": codes}
    assert evaluate({"field": "selected_codes", "present": True}, ctx) is present
    assert evaluate({"field": "selected_codes", "present": False}, ctx) is not present


@pytest.mark.parametrize("bad", [
    "x", {"field": "payer"}, {"field": "payer", "equals": 1}, {"all": {"field": "payer"}},
    {"field": 3, "is": 1}, {"field": "minutes", "min": "5"}, {"field": "payer", "in": "x"},
])
def test_bad_conditions_raise_codebook_error(bad):
    with pytest.raises(CodebookError):
        evaluate(bad, CTX)


def test_fields_used():
    assert fields_used({"all": [{"field": "a", "is": 1}, {"any": [{"field": "b", "min": 1}]}]}) == {
        "a", "b"}


def test_render():
    ctx = {"payer": "medicare", "codes": ["99213", "99458"],
           "flexibility": {"law": "X", "to": None}, "ok": True, "n": 3}
    assert render("{payer}: {codes}; {flexibility.law} to {flexibility.to}; {ok} {n}", ctx) == (
        "medicare: 99213, 99458; X to ; yes 3")
    assert render("no placeholders", {}) == "no placeholders"
    assert render("{ not a placeholder }", {}) == "{ not a placeholder }"
    assert render(None, {}) == ""
    assert placeholders("{a} and {b.c}") == ["a", "b.c"]


def test_unknown_placeholder_strict_and_lenient():
    with pytest.raises(CodebookError):
        render("hello {nobody}", {})
    set_strict(False)
    assert render("hello {nobody} {flexibility.nope}", {"flexibility": {}}) == (
        "hello {nobody} {flexibility.nope}")
