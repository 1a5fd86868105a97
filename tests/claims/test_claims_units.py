"""Units cells that float() reads but that are no count of units: a bad line, never a crash."""

from __future__ import annotations

import pytest

from engine.batch.claims.fields import parse_units, parse_values


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "9" * 400])
def test_units_that_are_not_a_number(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_units(text)
    problem = parse_values("2025-03-10", "medicare", "99213", "95", "10", text)[-1]
    assert problem == f"units {text!r} is not a number"


def test_large_whole_units_are_read():
    assert parse_units("2.000") == 2
    assert parse_units("1" * 30) == int(float("1" * 30))
