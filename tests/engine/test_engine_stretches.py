"""engine.core.stretches: the one date-stretch algorithm (plan segments, claim mode, batch)."""

from __future__ import annotations

from engine.core.stretches import Stretches, bounds_of, day_after


def test_boundaries_are_each_from_and_the_day_after_each_to():
    records = [{"from": "2024-03-01", "to": "2024-06-30"}, {"from": "2024-12-01", "to": None},
               {"from": None, "to": "2024-02-29"}]
    assert bounds_of(records) == {"2024-03-01", "2024-07-01", "2024-12-01"}
    st = Stretches(bounds_of(records))
    assert st.starts == ["", "2024-03-01", "2024-07-01", "2024-12-01"]
    assert st.index("2024-02-29") == 0
    assert st.starts[st.index("2024-06-30")] == "2024-03-01"
    assert st.starts[st.index("2024-07-01")] == "2024-07-01"
    assert st.days("2024-06-29", "2024-07-02") == {
        "2024-06-29": "2024-03-01", "2024-06-30": "2024-03-01",
        "2024-07-01": "2024-07-01", "2024-07-02": "2024-07-01"}


def test_day_after_crosses_months_and_years_and_keeps_non_dates_in_place():
    assert day_after("2024-02-28") == "2024-02-29"
    assert day_after("2024-12-31") == "2025-01-01"
    after = day_after("2025-02-30")  # no such day: sorts right after the text itself
    assert "2025-02-30" < after < "2025-03-01"
