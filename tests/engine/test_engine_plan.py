"""engine.core.plan: date segments and per-(payer, modality, clinician, segment) plans."""

from __future__ import annotations

import datetime as dt

from engine import core
from engine.core.codebook import in_range
from engine.core.plan import compiled, segments


def _days(start: str, end: str):
    day, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    while day <= last:
        yield day.isoformat()
        day += dt.timedelta(days=1)


def test_records_in_force_are_constant_within_each_segment(real_cb):
    """The invariant the plans rest on: on every covered day, each dated record is in force
    exactly when it is in force on its segment's first day."""
    seg = segments(real_cb)
    b = real_cb.bundle
    records = [r for g in ("routes", "rules", "codes", "statuses", "flexibilities")
               for r in b[g]]
    for day in _days(real_cb.covers_from, real_cb.covers_to):
        start = seg.starts[seg.index(day)]
        assert start <= day
        for r in records:
            assert in_range(r, day) == in_range(r, start), (day, r.get("id"))


def test_segment_boundaries_fall_on_from_and_after_to(mini_cb):
    seg = segments(mini_cb)
    # G2012 ends 2024-12-31 and 98016 starts 2025-01-01 in the mini bundle
    assert seg.index("2024-12-31") != seg.index("2025-01-01")
    assert "2025-01-01" in seg.starts  # a `from`
    assert seg.starts[seg.index("2025-01-01")] == "2025-01-01"
    assert seg.starts[0] == ""


def test_plan_holds_routes_and_rules_in_force_only(mini_cb, enc):
    comp = compiled(mini_cb)
    before = comp.plan("medicare", "virtual_checkin", "em_practitioner", "2024-12-31")
    after = comp.plan("medicare", "virtual_checkin", "em_practitioner", "2025-01-01")
    assert before is comp.plan("medicare", "virtual_checkin", "em_practitioner", "2024-12-30")

    def codes(plan):
        return {c["code"] for rp in plan.routes for f in rp.families
                for c in f.by_status["established"].codes}

    assert "G2012" in codes(before) and "98016" not in codes(before)
    assert "98016" in codes(after) and "G2012" not in codes(after)
    for plan, day in ((before, "2024-12-31"), (after, "2025-01-01")):
        for rp in plan.routes:
            assert in_range(rp.route, day)
            assert all(e.in_force(day) for e in rp.rules)
    # the plans change what is selected, not how: results match the dates
    res = core.check(enc(modality="virtual_checkin", minutes=8,
                           date_of_service="2024-12-31"), mini_cb)
    assert [x["code"] for x in res["lines"]] == ["G2012"]


def test_check_does_not_memoise_results(mini_cb, enc):
    """Two checks of the same encounter give equal but separate results (callers may edit
    them) and the same trace; nothing of a result is shared with the plan."""
    e = enc(minutes=25)
    first = core.check(e, mini_cb)
    first["lines"][0]["modifiers"].append("XX")
    first["trace"][0]["sources"].append("x")
    first["warnings"][0]["sources"].append("x")
    second = core.check(e, mini_cb)
    assert "XX" not in second["lines"][0]["modifiers"]
    assert "x" not in second["trace"][0]["sources"]
    assert "x" not in second["warnings"][0]["sources"]
