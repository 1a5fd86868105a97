"""engine.core.render: notes written once, at the end, each in the context it was taken in."""

from __future__ import annotations

from engine.core.notes import FIXED, RENDER, SQUASH, note
from engine.core.render import result


class _Cb:
    version = "test+0"


def test_each_note_is_written_with_the_codes_of_its_stage():
    ctx = {"codes": ["99214", "G2211"], "selected_codes": ["99214", "G2211"], "payer": "x"}
    before_drop = ["99214", "G2211"]
    after_drop = ["99214"]
    notes = [
        note("family-msg", "warning", "selected then: {codes}", None, ["s1"], []),
        note("drop", "warning", "left: {codes}", None, ["s2"], after_drop),
        note("warn", "info", "for {payer}: {selected_codes}", {"payer": "Medicare"}, [],
             before_drop),
        note("engine", "warning", "a  {missing_value}\n text", {"missing_value": None}, [],
             after_drop, SQUASH),
        note("fixed", "error", "{not a placeholder}", None, [], after_drop, FIXED),
        note("drop", "warning", "left: {codes}", None, ["s2"], after_drop),  # repeated
    ]
    checklist = [note("c", "info", "document {codes}", None, [], after_drop, RENDER),
                 note("c2", "info", "document 99214", None, [], after_drop, FIXED),
                 note("c3", "info", "", None, [], after_drop, FIXED)]
    res = result(_Cb(), ctx, "2025-03-10", True, [], notes, checklist, [], False)
    assert [(w["id"], w["message"]) for w in res["warnings"]] == [
        ("family-msg", "selected then: "), ("drop", "left: 99214"),
        ("warn", "for Medicare: 99214, G2211"), ("engine", "a text"),
        ("fixed", "{not a placeholder}")]
    assert res["warnings"][1]["sources"] == ["s2"]
    assert res["checklist"] == ["document 99214"]
    assert res["codebook"] == "test+0" and res["as_of"] == "2025-03-10"


def test_fills_are_called_when_the_message_is_written():
    calls: list[str] = []

    def fill() -> str:
        calls.append("called")
        return "valid from 2025"

    n = note("m", "warning", "{validity}.", {"validity": None}, [], [], SQUASH,
             {"validity": fill})
    assert calls == []
    res = result(_Cb(), {"codes": [], "selected_codes": []}, "2025-03-10", False, [], [n], [],
                 [], False)
    assert calls == ["called"] and res["warnings"][0]["message"] == "valid from 2025."
