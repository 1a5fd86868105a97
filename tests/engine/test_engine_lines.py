"""The compact line format shared with the batch checker."""

from __future__ import annotations

import pytest

from engine.core.lines import format_line, format_lines, line_matches, lines_match, parse_billed


def test_format():
    assert format_line({"code": "99214", "modifiers": ["95"], "pos": "10", "units": 1}) == (
        "99214-95@10")
    assert format_line({"code": "99458", "modifiers": [], "pos": None, "units": 2}) == "99458x2"
    assert format_line({"code": "99213", "modifiers": ["93", "FQ"], "pos": "10",
                        "units": 1}) == "99213-93-FQ@10"
    assert format_lines([{"code": "99214", "modifiers": ["95"], "pos": "10", "units": 1},
                         {"code": "99458", "modifiers": [], "pos": None, "units": 2}]) == (
        "99214-95@10;99458x2")
    assert format_lines([]) == ""


def test_parse_round_trip():
    text = "99214-95@10;99458x2;G2010"
    lines = parse_billed(text)
    assert lines == [
        {"code": "99214", "modifiers": ["95"], "pos": "10", "units": 1},
        {"code": "99458", "modifiers": [], "pos": None, "units": 2},
        {"code": "G2010", "modifiers": [], "pos": None, "units": 1},
    ]
    assert format_lines(lines) == text
    assert parse_billed(" g2010 ; ") == [{"code": "G2010", "modifiers": [], "pos": None,
                                          "units": 1}]
    assert parse_billed("") == []


@pytest.mark.parametrize("bad", ["9921", "99214-9@10", "99214@1", "99214x", "99214-95@10x"])
def test_parse_errors(bad):
    with pytest.raises(ValueError):
        parse_billed(bad)


def test_matching():
    a = {"code": "99213", "modifiers": ["93", "FQ"], "pos": "10", "units": 1}
    assert line_matches({"code": "99213", "modifiers": ["FQ", "93"], "pos": "10"}, a)
    assert not line_matches({"code": "99213", "modifiers": ["93"], "pos": "10"}, a)
    assert not line_matches({"code": "99213", "modifiers": ["93", "FQ"], "pos": "02"}, a)
    assert line_matches({"code": "G2010", "modifiers": []}, {"code": "G2010", "modifiers": [],
                                                             "pos": None, "units": 1})
    assert lines_match(parse_billed("99458x2;99457"), parse_billed("99457;99458x2"))
    assert not lines_match(parse_billed("99458;99457"), parse_billed("99457;99458x2"))
