"""engine.batch as a library: check_rows, cell parsing, the memo and its exactness."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import random
from pathlib import Path

import pytest

import engine
from engine.batch.checker import BatchChecker, BatchSummary, check_rows, date_representatives

ROOT = Path(__file__).resolve().parents[2]
LINE = {"code": "99214", "modifiers": ["95"], "pos": "10", "units": 1, "label": "x"}


def bench_module():
    spec = importlib.util.spec_from_file_location("telecode_bench", ROOT / "scripts" / "bench.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Stub:
    """A stand-in for engine.check that records what it is given."""

    def __init__(self, result=None, error=None):
        self.calls: list[dict] = []
        self.result = result or {"billable": True, "lines": [LINE],
                                 "warnings": [{"id": "w1", "severity": "info", "message": "m"}]}
        self.error = error

    def __call__(self, encounter):
        self.calls.append(encounter)
        if self.error is not None:
            raise self.error
        return self.result


BASE = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
        "modality": "audio_video"}


def test_cells_are_read_like_a_spreadsheet_writes_them():
    stub = Stub()
    rows = [{**BASE, "minutes": "25", "practitioner_video_capable": "Yes",
             "patient_video_unavailable": "0", "consent_documented": "", "mdm": " moderate ",
             "evisit_minutes_by_day": '{"0": 5}', "note": "kept"}]
    (res,) = check_rows(rows, check=stub)
    assert stub.calls == [{**BASE, "minutes": 25, "practitioner_video_capable": True,
                           "patient_video_unavailable": False, "mdm": "moderate",
                           "evisit_minutes_by_day": {"0": 5}}]
    assert res.row["note"] == "kept"
    assert (res.id, res.billable, res.expected, res.warnings, res.verdict) == (
        1, True, "99214-95@10", ("w1",), "")


def test_typed_json_values_and_text_values_share_one_engine_call():
    stub = Stub()
    rows = [{**BASE, "minutes": 25, "consent_documented": True, "id": "a"},
            {**BASE, "minutes": "25", "consent_documented": "TRUE", "id": "b"},
            {**BASE, "minutes": "25", "consent_documented": "yes", "id": "c"},
            {**BASE, "minutes": True, "consent_documented": "yes", "id": "d"}]
    out = list(check_rows(rows, check=stub))
    assert [r.id for r in out] == ["a", "b", "c", "d"]
    # a boolean given for minutes is not the number 1: the engine sees it as text
    assert stub.calls == [{**BASE, "minutes": 25, "consent_documented": True},
                          {**BASE, "minutes": "true", "consent_documented": True}]


def test_verdicts_with_an_injected_check_function():
    stub = Stub()
    rows = [{**BASE, "billed_code": "99214", "billed_modifiers": "95", "billed_pos": "10"},
            {**BASE, "billed_code": "99213", "billed_modifiers": "95", "billed_pos": "10"},
            {**BASE, "billed_code": "99214", "billed_modifiers": "95;GT", "billed_pos": "10"},
            {**BASE, "billed_code": "99214"},  # modifiers and POS not compared
            {**BASE, "billed_code": "99214-95@10x2"},
            {**BASE, "billed_code": ""}]
    got = [(r.verdict, r.reason) for r in check_rows(rows, check=stub)]
    assert got == [
        ("ok", ""),
        ("mismatch", "billed 99213; expected 99214-95@10"),
        ("mismatch", "modifiers 95;GT on 99214; expected 99214-95@10"),
        ("ok", ""),
        ("mismatch", "2 units of 99214; expected 99214-95@10"),
        ("mismatch", "nothing billed; expected 99214-95@10"),
    ]


def test_engine_errors_and_crashes_make_the_row_invalid():
    err = engine.EncounterError([{"field": "payer", "message": "required"}])
    (res,) = check_rows([{**BASE, "billed_code": "99214"}], check=Stub(error=err))
    assert (res.verdict, res.errors) == ("invalid", ({"field": "payer", "message": "required"},))
    (res,) = check_rows([BASE], check=Stub(error=RuntimeError("boom")))
    assert res.verdict == "" and res.billable is None
    assert res.errors[0]["field"] == "engine"
    assert "internal error (RuntimeError: boom)" in res.errors[0]["message"]
    (res,) = check_rows(["not a mapping"], check=Stub())
    assert res.errors[0]["field"] == "line"


def test_date_stretches_from_a_small_bundle():
    bundle = {
        "meta": {"covers": {"from": "2024-01-01", "to": "2024-12-31"}},
        "codes": [{"code": "A", "from": "2024-03-01", "to": "2024-06-30"}],
        "rules": [{"id": "r", "from": "2024-01-01", "to": None,
                   "when": {"field": "date_of_service", "min": "2024-09-15"}}],
    }
    reps = date_representatives(bundle)
    assert len(reps) == 366
    assert reps["2024-01-01"] == reps["2024-02-29"] == "2024-01-01"
    assert reps["2024-03-01"] == reps["2024-06-30"] == "2024-03-01"
    assert reps["2024-07-01"] == reps["2024-09-14"] == "2024-07-01"
    assert reps["2024-09-15"] == "2024-09-15"
    assert reps["2024-09-16"] == reps["2024-12-31"] == "2024-09-16"


def test_a_text_that_names_the_date_is_recomputed_for_the_real_date(real_cb):
    def check(encounter):
        calls.append(encounter["date_of_service"])
        return {"billable": False, "lines": [], "warnings": [
            {"id": "x", "severity": "warning",
             "message": f"nothing for {encounter['date_of_service']}"}]}

    calls: list[str] = []
    checker = BatchChecker(real_cb, check=check)
    stretch = real_cb.__dict__["_batch_date_reps"]
    day1, day2 = "2025-03-10", "2025-03-11"
    assert stretch[day1] == stretch[day2] != day1  # same stretch: the memo may share answers
    rows = [{**BASE, "date_of_service": d, "billed_code": "99214"} for d in (day1, day2, day1)]
    out = list(check_rows(rows, checker=checker))
    assert [r.reason for r in out] == [f"nothing is billable: nothing for {d}"
                                       for d in (day1, day2, day1)]
    assert sorted(set(calls)) == sorted({stretch[day1], day1, day2})
    # rows without a date in their text share the stretch's answer
    calls.clear()
    ok = BatchChecker(real_cb, check=Stub())
    list(check_rows([{**BASE, "date_of_service": d} for d in (day1, day2)], checker=ok))
    assert ok.answer.cache_info().misses == 1


def test_memo_gives_exactly_the_engines_answer_on_every_date(real_cb):
    """Random claims over all covered dates: the memoised batch answer equals engine.check
    on the row's own date (lines, warning ids, billable, errors)."""
    bench = bench_module()
    rng = random.Random(7)
    first = dt.date(2024, 1, 1)
    rows = []
    for row in bench.encounter_rows(1500, seed=11):
        row["date_of_service"] = (first + dt.timedelta(days=rng.randrange(1096))).isoformat()
        rows.append(row)
    header = list(rows[0])
    checker = BatchChecker(real_cb)
    out = list(checker.check_table(header, ([r[h] for h in header] for r in rows)))
    # the memo answered rows on other dates than the one it computed them for
    assert checker.memo_misses < len(rows) * 0.6
    for row, res in zip(rows, out, strict=True):
        enc = {}
        for k, v in row.items():
            if k in engine.core.contract.FIELDS and v != "":
                kind = engine.core.contract.FIELDS[k].kind
                if kind == "int":
                    v = int(v)
                elif kind == "bool":
                    v = v.lower() in ("true", "yes", "1")
                elif kind == "minutes_by_day":
                    import json

                    v = json.loads(v)
                enc[k] = v
        try:
            want = engine.check(enc, real_cb)
        except engine.EncounterError as exc:
            assert list(res.errors) == exc.errors
            continue
        assert res.expected == engine.format_lines(want["lines"]), row
        assert list(res.warnings) == list(dict.fromkeys(w["id"] for w in want["warnings"])), row
        assert res.billable == want["billable"]
        assert res.errors == ()


def test_check_rows_over_a_csv_file_with_the_real_engine(real_cb, tmp_path):
    bench = bench_module()
    path = tmp_path / "claims.csv"
    bench.write_csv(str(path), bench.claim_rows(400, seed=3))
    summary = BatchSummary()
    with open(path, newline="") as fh:
        for res in check_rows(csv.DictReader(fh), real_cb):
            summary.add(res)
            assert res.verdict in ("ok", "mismatch", "not_billable", "invalid")
            assert (res.verdict == "invalid") == bool(res.errors)
    data = summary.as_json()
    assert data["rows"] == 400
    assert data["ok"] > 200 and data["mismatch"] > 10 and data["invalid"] >= 1
    assert sum(data["mismatches_by_reason"].values()) == data["mismatch"] + data["not_billable"]


@pytest.mark.parametrize("text", ["95;GT", "95,GT", "95 gt"])
def test_modifier_lists(text):
    stub = Stub(result={"billable": True, "warnings": [],
                        "lines": [{**LINE, "modifiers": ["GT", "95"]}]})
    (res,) = check_rows([{**BASE, "billed_code": "99214", "billed_modifiers": text,
                          "billed_pos": "10"}], check=stub)
    assert res.verdict == "ok"


def test_a_date_in_an_engine_message_is_rewritten_without_asking_the_engine_again(real_cb):
    # a message with no title (a batch reason quotes its text) that names the date once
    template = real_cb.message("status-not-payable")["text"]
    assert template.count("{date_of_service}") == 1
    assert real_cb.message("status-not-payable").get("title") is None

    def check(encounter):
        calls.append(encounter["date_of_service"])
        day = encounter["date_of_service"]
        text = f"no answer on {day}" if encounter["minutes"] == 1 else f"{day}, really {day}"
        return {"billable": False, "lines": [], "warnings": [
            {"id": "status-not-payable", "severity": "error", "message": text}]}

    calls: list[str] = []
    checker = BatchChecker(real_cb, check=check)
    stretch = real_cb.__dict__["_batch_date_reps"]
    days = ("2025-03-10", "2025-03-11", "2025-03-12")
    assert len({stretch[d] for d in days}) == 1 and stretch[days[0]] not in days
    rows = [{**BASE, "date_of_service": d, "minutes": "1", "billed_code": "99214"} for d in days]
    out = list(check_rows(rows, checker=checker))
    assert [r.reason for r in out] == [f"nothing is billable: no answer on {d}" for d in days]
    assert calls == [stretch[days[0]]]  # the engine was asked once, for the stretch
    # the date appears more often than the template says: ask the engine about the day itself
    calls.clear()
    rows = [{**BASE, "date_of_service": d, "minutes": "2", "billed_code": "99214"} for d in days]
    out = list(check_rows(rows, checker=checker))
    assert [r.reason for r in out] == [f"nothing is billable: {d}, really {d}" for d in days]
    assert calls == [stretch[days[0]], *days]


def test_engine_batch_imports_only_the_standard_library(real_cb):
    import json
    import subprocess
    import sys

    probe = r"""
import json, sys
before = set(sys.modules)
import engine.batch
rows = [{"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
         "modality": "audio_video", "mdm": "moderate", "billed_code": "99214"}]
(res,) = engine.batch.check_rows(rows)
new = sorted(set(sys.modules) - before)
print(json.dumps({"modules": new, "stdlib": sorted(sys.stdlib_module_names),
                  "verdict": res.verdict}))
"""
    proc = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "ok"
    tops = {m.split(".")[0] for m in data["modules"]}
    assert sorted(t for t in tops if t not in set(data["stdlib"]) and t != "engine") == []
    assert not any(m.startswith(("engine.tooling", "engine.cli")) for m in data["modules"])


def test_memoised_verdicts_and_reasons_equal_a_day_by_day_check(real_cb):
    """Claims with billed lines over all covered dates: the memo (date stretches, re-dated
    texts) gives the same verdicts, reasons and errors as asking the engine about every
    row's own day."""
    bench = bench_module()
    rows = list(bench.claim_rows(1500, seed=21))
    header = list(rows[0])
    table = [[r[h] for h in header] for r in rows]
    shared = BatchChecker(real_cb)
    exact = BatchChecker(real_cb, cache_size=0)
    exact.reps = {}  # no stretches: the engine is asked about each row's own date
    exact._share_days = False  # ... and no stretch shares another's answers
    got = [(r.verdict, r.reason, r.expected, r.warnings, r.errors)
           for r in shared.check_table(header, table)]
    want = [(r.verdict, r.reason, r.expected, r.warnings, r.errors)
            for r in exact.check_table(header, table)]
    assert got == want
    assert shared.answer.cache_info().misses < 0.6 * len(rows)  # the memo was shared
    assert any(v == "not_billable" for v, *_ in got) and any(v == "mismatch" for v, *_ in got)
