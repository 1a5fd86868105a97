"""Stretches of days whose engine plans have the same signature share the engine's answers
(engine.core.plan.Compiled.plan_signature, BatchChecker._shared_day). These tests check the
promise the sharing rests on against the real engine, day by day."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import engine
from engine.batch.checker import BatchChecker
from engine.core.contract import FIELDS
from engine.core.plan import compiled

ROOT = Path(__file__).resolve().parents[2]


def bench_module():
    spec = importlib.util.spec_from_file_location("telecode_bench", ROOT / "scripts" / "bench.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def decoded(row: dict[str, str]) -> dict:
    enc = {}
    for k, v in row.items():
        if k in FIELDS and v != "":
            kind = FIELDS[k].kind
            enc[k] = (int(v) if kind == "int" else v.lower() == "true" if kind == "bool"
                      else json.loads(v) if kind == "minutes_by_day" else v)
    return enc


def answer(enc: dict, cb) -> tuple:
    try:
        res = engine.check(enc, cb)
    except engine.EncounterError as exc:
        return ("invalid", tuple(e["field"] for e in exc.errors))
    return (res["billable"], engine.format_lines(res["lines"]),
            tuple(w["id"] for w in res["warnings"]), tuple(t["rule"] for t in res["trace"]))


def test_days_with_the_same_plan_signature_give_the_same_answers(real_cb):
    checker = BatchChecker(real_cb)
    starts = sorted(set(checker.reps.values()))
    bench = bench_module()
    shared_pairs = 0
    for row in bench.encounter_rows(600, seed=5):
        enc = decoded(row)
        values = {k: v for k, v in enc.items() if k != "date_of_service"}
        for start in starts:
            shared = checker._shared_day(start, values)
            if shared == start:
                continue
            shared_pairs += 1
            assert answer({**enc, "date_of_service": start}, real_cb) == \
                answer({**enc, "date_of_service": shared}, real_cb), (enc, start, shared)
    assert shared_pairs > 1000  # the real codebook has stretches to share


def test_a_signature_changes_with_each_record_that_matters(real_cb):
    comp = compiled(real_cb)
    sig = comp.plan_signature
    # 98000-98015 start on 2025-01-01: commercial audio-video plans differ across that day
    assert sig("commercial", "audio_video", "em_practitioner", "2024-12-31") != \
        sig("commercial", "audio_video", "em_practitioner", "2025-01-01")
    # Medicare's rules read the flexibility period: the 2025-10-01 lapse is its own plan
    assert sig("medicare", "audio_video", "em_practitioner", "2025-09-30") != \
        sig("medicare", "audio_video", "em_practitioner", "2025-10-01")
    # commercial rules do not read it: the lapse changes nothing for them
    assert sig("commercial", "audio_video", "em_practitioner", "2025-09-30") == \
        sig("commercial", "audio_video", "em_practitioner", "2025-10-01")


def test_a_condition_on_the_date_itself_keeps_its_segment_apart(real_cb, tmp_path):
    bundle = json.loads(json.dumps(real_cb.bundle))
    plan = compiled(real_cb).plan("commercial", "audio_video", "em_practitioner", "2025-10-01")
    rule_id = plan.routes[0].rules.all[0].id  # a rule the commercial plan applies
    (rule,) = [r for r in bundle["rules"] if r["id"] == rule_id]
    rule["when"] = {"field": "date_of_service", "is": "2025-10-15"}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    cb = engine.load_codebook(str(path))
    sig = compiled(cb).plan_signature
    assert sig("commercial", "audio_video", "em_practitioner", "2025-09-30") != \
        sig("commercial", "audio_video", "em_practitioner", "2025-10-01")


def test_not_billable_reasons_quote_the_message_title(real_cb):
    checker = BatchChecker(real_cb)
    rows = [{"date_of_service": d, "payer": "medicaid", "patient_status": "established",
             "modality": "remote_monitoring", "device_days": "20", "billed_code": "99454"}
            for d in ("2026-01-07", "2026-03-02")]
    out = list(checker.check_mappings(rows))
    title = real_cb.message("not-covered-no-route")["title"]
    assert [r.reason for r in out] == [f"nothing is billable: {title}"] * 2
    assert out[0].outcome is out[1].outcome  # no date in it: one outcome for both rows
