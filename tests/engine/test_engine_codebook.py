"""engine.core.codebook: loading and the query helpers the site and batch checker use."""

from __future__ import annotations

import json

import pytest

from engine import core
from engine.core.codebook import NO_RECORD, NOT_VALID_ON_DATE, Codebook, CodebookError, in_range


def test_load_and_version(mini_cb):
    cb = core.load_codebook(mini_cb.path)
    assert isinstance(cb, core.Codebook)
    assert cb.version == "test.1+0123456789ab"
    assert cb.bundle["format"] == 1
    assert (cb.covers_from, cb.covers_to) == ("2024-01-01", "2026-12-31")


def test_missing_file_says_compile(tmp_path):
    with pytest.raises(CodebookError) as info:
        core.load_codebook(tmp_path / "nope.json")
    assert "telecode compile" in str(info.value)


def test_bad_json_says_compile(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CodebookError) as info:
        core.load_codebook(bad)
    assert "telecode compile" in str(info.value)
    (tmp_path / "list.json").write_text(json.dumps([1]))
    with pytest.raises(CodebookError):
        core.load_codebook(tmp_path / "list.json")


def test_in_range():
    assert in_range({"from": "2024-01-01", "to": None}, "2030-01-01")
    assert in_range({"from": "2024-01-01", "to": "2024-12-31"}, "2024-12-31")
    assert not in_range({"from": "2024-01-01", "to": "2024-12-31"}, "2025-01-01")
    assert not in_range({"from": "2025-01-01", "to": None}, "2024-12-31")


def test_code_versions_and_code_on(mini_cb):
    assert [v["from"] for v in mini_cb.code_versions("G2012")] == ["2024-01-01"]
    assert mini_cb.code_versions("00000") == []
    assert mini_cb.code_on("G2012", "2024-12-31")["code"] == "G2012"
    assert mini_cb.code_on("G2012", "2025-01-01") is None
    assert mini_cb.code_on("98016", "2025-01-01")["replaces"] == ["G2012"]


def test_code_versions_sorted_by_from():
    cb = Codebook({"meta": {}, "codes": [
        {"code": "99454", "from": "2026-01-01", "to": None, "family": "f", "label": "b"},
        {"code": "99454", "from": "2024-01-01", "to": "2025-12-31", "family": "f", "label": "a"},
    ]})
    assert [v["label"] for v in cb.code_versions("99454")] == ["a", "b"]
    assert cb.code_on("99454", "2026-05-01")["label"] == "b"
    assert cb.version == "?+"


def test_code_validity(mini_cb):
    assert mini_cb.code_validity("G2012", "2024-06-01") == "valid"
    assert mini_cb.code_validity("G2012", "2025-06-01") == "deleted"
    assert mini_cb.code_validity("98016", "2024-06-01") == "not_yet_valid"
    assert mini_cb.code_validity("ABCDE", "2024-06-01") == "unknown"


def test_family_queries(mini_cb):
    assert mini_cb.family("online-digital-em")["period_days"] == 7
    assert mini_cb.family("nope") is None
    assert [c["code"] for c in mini_cb.codes_of_family("virtual-checkin", "2025-02-01")] == [
        "98016", "G2252"]
    assert len(mini_cb.codes_of_family("virtual-checkin")) == 3


def test_status_of(mini_cb):
    st = mini_cb.status_of("98013", "medicare", "2025-05-20")
    assert st["status"] == "not_valid" and st["payer"] == "medicare"
    assert mini_cb.status_of("98013", "medicare", "2024-05-20") == NOT_VALID_ON_DATE
    assert mini_cb.status_of("98016", "commercial", "2025-05-20") == NO_RECORD
    assert mini_cb.status_name("98013", "commercial", "2025-05-20") == "varies"
    assert mini_cb.status_name("99999", "medicare", "2025-05-20") == "not_valid_on_date"
    assert mini_cb.is_payable("99213", "medicare", "2025-05-20") is True
    assert mini_cb.is_payable("98013", "medicare", "2025-05-20") is False
    assert mini_cb.is_payable("98013", "commercial", "2025-05-20") is True  # varies
    assert mini_cb.is_payable("G2252", "commercial", "2025-05-20") is False  # non_covered
    assert mini_cb.is_payable("98016", "commercial", "2025-05-20") is True  # no record


def test_routes_and_rules(mini_cb):
    assert [r["id"] for r in mini_cb.routes_of("commercial", "audio_video")] == [
        "commercial-audio-video-2024", "commercial-audio-video"]
    assert len(mini_cb.routes_of("medicare")) == 6
    assert mini_cb.routes_of("medicaid") == []
    assert mini_cb.route("medicare-rpm")["families"] == ["rpm-device-supply", "rpm-management"]
    rules = [r["id"] for r in mini_cb.rules_for("medicare", "audio_video")]
    assert "medicare-modifier-95-conflict" in rules and "commercial-plans-vary" not in rules
    assert mini_cb.rule("old-rule")["to"] == "2024-12-31"


def test_flexibility_on(mini_cb):
    assert mini_cb.flexibility_on("2025-10-05")["id"] == "flex-lapse-1"
    assert mini_cb.flexibility_on("2026-06-01") is None
    assert mini_cb.flexibility("flex-ext-2")["law"] == "Law Two"


def test_by_id_lookups(mini_cb):
    assert mini_cb.conflict("medicare-modifier-95")["chosen"] == "Append 95."
    assert mini_cb.message("requested-code-matches")["severity"] == "info"
    assert mini_cb.source("src-a")["title"] == "Title src-a"
    assert mini_cb.payer("medicare")["name"] == "Medicare"
    assert mini_cb.covers("2024-01-01") and not mini_cb.covers("2027-01-01")


def test_payer_short_name_else_name_else_id(make_cb, real_cb):
    def edit(bundle):
        bundle["payers"][0]["short_name"] = "Short"
        bundle["payers"][0]["name"] = "Long (qualified)"

    cb = make_cb(edit)
    first = cb.bundle["payers"][0]["id"]
    assert cb.payer_short_name(first) == "Short"
    assert cb.payer_short_name("no-such-payer") == "no-such-payer"
    # the real codebook: what tables and batch messages showed before short_name existed
    assert [real_cb.payer_short_name(p) for p in ("medicare", "commercial", "medicaid",
                                                  "unitedhealthcare", "humana_ma")] == [
        "Medicare", "Commercial health plans", "Medicaid", "UnitedHealthcare",
        "Humana Medicare Advantage"]
    for pid, payer in real_cb.payers.items():
        assert real_cb.payer_short_name(pid) == str(payer["name"]).split(" (")[0], pid


def test_codebook_repr_is_short(mini_cb):
    assert len(repr(mini_cb)) < 200
