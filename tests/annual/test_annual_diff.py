"""telecode diff: value-level changes between two dates, on the small test codebook."""

from __future__ import annotations

import json

import pytest

from engine.tooling.diff import (
    DiffError,
    affected_codes,
    changes_in_year,
    code_ranges,
    diff_bundle,
    parse_when,
)


def keyed(changes):
    return {(c.kind, c.change, c.key, c.field) for c in changes}


def test_years_mean_last_and_first_day():
    assert parse_when("2024", end=True) == "2024-12-31"
    assert parse_when("2025", end=False) == "2025-01-01"
    assert parse_when("2025-03-10", end=True) == "2025-03-10"
    with pytest.raises(DiffError, match="neither a year"):
        parse_when("25/03/2025", end=False)


def test_code_ranges_collapse_consecutive_numbers_only():
    assert code_ranges(["99443", "99441", "99442"]) == "99441–99443"
    assert code_ranges(["99202", "99203", "99204", "99205", "99211", "99212"]) == (
        "99202–99205, 99211, 99212"
    )
    assert code_ranges(["G2250", "G2251", "G2252", "98016"]) == "98016, G2250–G2252"


def test_2024_to_2025_codes_added_and_ended(mini_bundle):
    changes = diff_bundle(mini_bundle, "2024-12-31", "2025-01-01")
    added = sorted(c.code for c in changes if c.kind == "code" and c.change == "added")
    ended = sorted(c.code for c in changes if c.kind == "code" and c.change == "ended")
    assert added == ["98000", "98001", "98002", "98016"]
    assert ended == ["99441", "99442", "99443", "G2012"]
    assert all(c.effective == "2025-01-01" for c in changes)


def test_2024_to_2025_medicare_audio_only_route(mini_bundle):
    changes = diff_bundle(mini_bundle, "2024-12-31", "2025-01-01")
    routes = [c for c in changes if c.kind == "route" and c.key.startswith("medicare audio_only")]
    assert len(routes) == 1
    r = routes[0]
    assert r.change == "changed"
    assert r.before["codes"] == ["99441", "99442", "99443"]
    assert r.after["codes"][0] == "99202" and r.after["codes"][-1] == "99215"
    assert r.before["modifiers"] == [] and r.after["modifiers"] == ["93"]
    assert r.text.startswith("Medicare, audio-only: 99441–99443, POS 02 (facility), 10 (home) → "
                             "99202–99205, 99211–99215 + 93")
    assert r.text.endswith("(from 2025-01-01)")


def test_2024_to_2025_statuses_rules_modifiers_flexibility(mini_bundle):
    k = keyed(diff_bundle(mini_bundle, "2024-12-31", "2025-01-01"))
    assert ("status", "added", "medicare 98016", "status") in k
    assert ("status", "ended", "medicare G2012", "status") in k
    assert ("status", "added", "commercial 98000", "status") in k
    assert ("rule", "added", "audio-only-home-2025", None) in k
    assert ("modifier", "changed", "93 medicare", "use") in k
    assert ("flexibility", "changed", "medicare-telehealth-flexibilities", "law,sources") in k or (
        "flexibility", "changed", "medicare-telehealth-flexibilities", "law") in k
    # nothing unrelated: office E/M codes did not change
    assert not any(key[2].startswith("992") for key in k if key[0] == "code")


def test_2025_to_2026_new_monitoring_code(mini_bundle):
    changes = diff_bundle(mini_bundle, "2025-12-31", "2026-01-01")
    assert [c.code for c in changes if c.kind == "code"] == ["99445"]
    assert ("status", "added", "medicare 99445", "status") in keyed(changes)


def test_same_day_has_no_changes(mini_bundle):
    assert diff_bundle(mini_bundle, "2025-03-01", "2025-03-01") == []


def test_changed_field_is_reported(mini_bundle):
    import copy

    b = copy.deepcopy(mini_bundle)
    for c in list(b["codes"]):
        if c["code"] == "99454":
            old = dict(c)
            c["to"] = "2025-12-31"
            b["codes"].append({**old, "id": "99454@2026-01-01", "from": "2026-01-01",
                               "min_minutes": 2, "label": "RPM device supply 2-30 days"})
    changes = diff_bundle(b, "2025-12-31", "2026-01-01")
    fields = {(c.code, c.field): (c.before, c.after) for c in changes if c.kind == "code"}
    assert fields[("99454", "min_minutes")] == (16, 2)
    assert fields[("99454", "label")] == ("RPM device supply 16-30 days",
                                          "RPM device supply 2-30 days")


def test_mid_year_flexibility_lapse_found_by_changes_in_year(mini_bundle):
    days = [d for d, _ in changes_in_year(mini_bundle, 2025)]
    assert days == ["2025-01-01", "2025-10-01", "2025-11-13"]
    lapse = dict(changes_in_year(mini_bundle, 2025))["2025-10-01"]
    assert [(c.kind, c.after["state"]) for c in lapse] == [("flexibility", "lapse")]


def test_affected_codes(mini_bundle):
    assert affected_codes(mini_bundle, 2026) == ["99445"]
    got = affected_codes(mini_bundle, 2025)
    assert {"98000", "98016", "99441", "G2012", "99202", "99215"} <= set(got)
    assert "99454" not in got and "Q3014" not in got


def test_diff_is_deterministic(mini_bundle, cli, mini_dir):
    _, a, _ = cli("diff", "2024", "2025", "--codebook", mini_dir, "--format", "json")
    _, b, _ = cli("diff", "2024", "2025", "--codebook", mini_dir, "--format", "json")
    assert a == b


def test_cli_json_contract(cli, mini_dir):
    code, out, err = cli("diff", "2024", "2025", "--codebook", mini_dir, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["from"] == "2024-12-31" and doc["to"] == "2025-01-01"
    keys = {"kind", "change", "key", "code", "payer", "field", "before", "after", "effective",
            "text"}
    assert all(set(c) == keys for c in doc["changes"])
    assert doc["counts"]["code.added"] == 4 and doc["counts"]["code.ended"] == 4
    kinds = [c["kind"] for c in doc["changes"]]
    order = ["code", "status", "route", "rule", "modifier", "place_of_service", "flexibility",
             "conflict", "telehealth_list"]
    assert kinds == sorted(kinds, key=order.index)


def test_cli_text_and_markdown(cli, mini_dir):
    code, out, _ = cli("diff", "2024", "2025", "--codebook", mini_dir)
    assert code == 0
    assert "  98000–98002 added — family telemedicine-em (from 2025-01-01)" in out
    assert "  99441–99443 ended — family telephone-em (last day 2024-12-31)" in out
    assert "Medicare, 99441–99443, G2012: payable (record ended) (from 2025-01-01)" in out
    code, out, _ = cli("diff", "2024", "2025", "--codebook", mini_dir, "--format", "markdown")
    assert out.startswith("# Changes from 2024-12-31 to 2025-01-01\n")
    assert "## Codes\n" in out and "## What payers want reported (routes)\n" in out


def test_cli_bad_arguments(cli, mini_dir, tmp_path):
    code, _, err = cli("diff", "last-year", "2025", "--codebook", mini_dir)
    assert code == 2 and "neither a year" in err
    code, _, err = cli("diff", "2024", "2025", "--codebook", tmp_path / "nope.json")
    assert code == 2 and "no such file" in err
