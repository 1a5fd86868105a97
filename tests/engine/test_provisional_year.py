"""The provisional year (codebook.yaml `provisional:`): dates after the reviewed coverage are
answered from the rules that have no end date, flagged, with a provisional-year warning; dates
after the last provisional day are refused. Every non-error scenario is re-dated to both sides
of the two boundaries (it covers every family and payer default the scenarios cover)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine import core

REVIEWED_LAST, FIRST, LAST, AFTER = "2026-12-31", "2027-01-01", "2027-12-31", "2028-01-01"


def _answer(result: dict[str, Any]) -> tuple[Any, ...]:
    return (result["billable"], core.format_lines(result["lines"]),
            tuple(w["id"] for w in result["warnings"] if w["id"] != "provisional-year"),
            tuple(result["checklist"]))


def _redatable(scenarios, plain) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for name, sc in scenarios:
        if "errors" in sc["expected"] or "requested_code" in sc["encounter"]:
            continue
        out.append((name, plain(sc["encounter"])))
    return out


def test_the_real_codebook_has_a_provisional_2027(real_cb):
    assert real_cb.covers_to == REVIEWED_LAST
    assert real_cb.answers_to == LAST
    period = real_cb.provisional_on(FIRST)
    assert period is not None and period is real_cb.provisional_on(LAST)
    assert real_cb.provisional_on(REVIEWED_LAST) is None and real_cb.provisional_on(AFTER) is None
    assert period["unreviewed"] and period["basis"] and period["review_due"]


def test_every_scenario_on_both_sides_of_both_boundaries(real_cb, scenarios, plain):
    families: set[str] = set()
    payers: set[str] = set()
    cases = _redatable(scenarios, plain)
    assert len(cases) > 80
    for name, enc in cases:
        before = core.check({**enc, "date_of_service": REVIEWED_LAST}, real_cb)
        first = core.check({**enc, "date_of_service": FIRST}, real_cb)
        last = core.check({**enc, "date_of_service": LAST}, real_cb)
        assert before["provisional"] is False, name
        assert "provisional-year" not in [w["id"] for w in before["warnings"]], name
        for result in (first, last):
            assert result["provisional"] is True, name
            assert result["warnings"][0]["id"] == "provisional-year", name
            assert result["warnings"][0]["severity"] == "warning", name
            assert result["trace"][0]["rule"] == "provisional-year", name
        # no record ends on 2026-12-31 in this codebook: the answer carries forward unchanged
        assert _answer(first) == _answer(before), name
        assert _answer(last) == _answer(first), name
        with pytest.raises(core.EncounterError) as info:
            core.check({**enc, "date_of_service": AFTER}, real_cb)
        assert [e["field"] for e in info.value.errors] == ["date_of_service"], name
        assert "provisionally 2027-01-01 to 2027-12-31" in info.value.errors[0]["message"]
        payers.add(enc["payer"])
        families.update(real_cb.code_on(line["code"], REVIEWED_LAST)["family"]
                        for line in before["lines"])
    assert payers == {"medicare", "commercial", "medicaid"}
    assert len(families) >= 12, sorted(families)


def test_the_warning_says_what_is_unreviewed(real_cb, enc):
    result = core.check(enc(date_of_service="2027-03-10", mdm="moderate"), real_cb)
    text = result["warnings"][0]["message"]
    assert text.startswith("Provisional answer: 2027-03-10 falls in 2027-01-01 to 2027-12-31")
    assert "reviewed through 2026-12-31" in text
    for item in real_cb.provisional_on("2027-03-10")["unreviewed"]:
        assert item in text
    assert "{" not in text
    assert set(result["warnings"][0]["sources"]) >= {"fr-2026"}
    assert core.format_lines(result["lines"]) == "99214-95@10"


def test_a_record_ending_2026_12_31_does_not_reappear_in_2027(real_cb, enc):
    bundle = copy.deepcopy(real_cb.bundle)
    ended = 0
    for code in bundle["codes"]:
        if code["code"] == "99214" and code.get("to") is None:
            code["to"] = REVIEWED_LAST
            ended += 1
    assert ended == 1
    cb = core.Codebook(bundle)
    visit = enc(mdm="moderate")
    assert core.format_lines(core.check({**visit, "date_of_service": REVIEWED_LAST},
                                        cb)["lines"]) == "99214-95@10"
    result = core.check({**visit, "date_of_service": FIRST}, cb)
    assert result["provisional"] is True
    assert "99214" not in core.format_lines(result["lines"])


def test_without_a_provisional_period_2027_is_refused(real_cb, enc):
    bundle = copy.deepcopy(real_cb.bundle)
    del bundle["meta"]["provisional"]
    cb = core.Codebook(bundle)
    assert cb.answers_to == REVIEWED_LAST
    with pytest.raises(core.EncounterError) as info:
        core.check(enc(date_of_service=FIRST, mdm="low"), cb)
    assert info.value.errors[0]["message"] == (
        "2027-01-01 is outside the dates this codebook covers (2024-01-01 to 2026-12-31); the "
        "engine does not guess beyond them")
