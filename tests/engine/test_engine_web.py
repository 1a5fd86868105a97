"""engine.core.web, the checker widget's entry point (JSON text in, JSON text out). Runs in CPython
and, like the rest of tests/engine, inside Pyodide."""

from __future__ import annotations

import json

import engine.core.web as web
from engine import core
from engine.core.contract import FIELDS, PAYERS

EXAMPLE = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
           "modality": "audio_only", "minutes": 25, "mdm": "low",
           "patient_video_unavailable": True}


def test_start_loads_the_default_codebook_once(real_cb) -> None:
    assert web.start() == real_cb.version
    assert web.start() == web.version() == real_cb.version


def test_run_gives_the_engine_answer_as_json(real_cb) -> None:
    web.start()
    answer = json.loads(web.run(json.dumps(EXAMPLE)))
    assert answer == {"result": json.loads(json.dumps(core.check(EXAMPLE, real_cb)))}
    assert [ln["code"] for ln in answer["result"]["lines"]] == ["99213"]


def test_run_gives_field_errors_for_an_invalid_encounter(real_cb) -> None:
    web.start()
    answer = json.loads(web.run(json.dumps({**EXAMPLE, "payer": "medicar"})))
    assert list(answer) == ["errors"]
    assert [e["field"] for e in answer["errors"]] == ["payer"]
    assert "medicare" in answer["errors"][0]["message"]  # did you mean


def test_run_never_raises(real_cb) -> None:
    web.start()
    answer = json.loads(web.run("{not json"))
    assert list(answer) == ["failed"]
    assert "JSONDecodeError" in answer["failed"]


def test_warm_up_encounters_are_every_faq_for_every_payer(real_cb) -> None:
    web.start()
    texts = web.warm_up_encounters()
    faqs = [f for f in real_cb.bundle["faqs"] if f.get("encounter")]
    assert len(texts) == len(faqs) * len(PAYERS) > 0
    answers = [json.loads(web.run(t)) for t in texts]
    assert {next(iter(a)) for a in answers} == {"result"}  # valid encounters: real code paths
    assert {json.loads(t)["payer"] for t in texts} == set(PAYERS)


def test_warm_up_starts_with_the_first_encounters_neighbours(real_cb) -> None:
    web.start()
    faqs_only = web.warm_up_encounters()
    texts = web.warm_up_encounters(json.dumps(EXAMPLE))
    assert texts[len(texts) - len(faqs_only):] == faqs_only
    neighbours = [json.loads(t) for t in texts[:len(texts) - len(faqs_only)]]
    enums = {f.name: f.choices for f in FIELDS.values() if f.kind == "enum" and f.name in EXAMPLE}
    assert len(neighbours) == sum(len(choices) - 1 for choices in enums.values())
    for n in neighbours:  # each differs from the first encounter in one choice
        changed = [k for k in EXAMPLE if n[k] != EXAMPLE[k]]
        assert len(changed) == 1 and changed[0] in enums
    assert {n["mdm"] for n in neighbours} == set(enums["mdm"])
    assert web.warm_up_encounters("{not json") == web.warm_up_encounters("[1]") == faqs_only


def test_run_form_reads_the_forms_texts_like_json_values(real_cb) -> None:
    web.start()
    texts = {**{k: str(v) for k, v in EXAMPLE.items()}, "patient_video_unavailable": "true",
             "mdm": " low ", "minutes": "+25", "consent_documented": ""}
    answer = json.loads(web.run_form(json.dumps(texts)))
    assert answer == {**json.loads(web.run(json.dumps(EXAMPLE))), "doubts": []}


def test_run_form_names_a_key_the_contract_does_not_have(real_cb) -> None:
    web.start()
    answer = json.loads(web.run_form(json.dumps({**EXAMPLE, "minuts": "25"})))
    assert [e["field"] for e in answer["errors"]] == ["minuts"]
    assert answer["doubts"] == []


def test_run_form_notes_entries_valid_but_unlikely(real_cb) -> None:
    web.start()
    evisit = {"date_of_service": "2025-06-02", "payer": "commercial",
              "patient_status": "established", "modality": "portal_evisit", "minutes": "20",
              "evisit_minutes_by_day": "0:5, 2:3"}
    answer = json.loads(web.run_form(json.dumps(evisit)))
    assert "result" in answer
    assert answer["doubts"] == [{
        "field": "evisit_minutes_by_day",
        "message": "The minutes by day add up to 8, not the 20 total minutes given. The code is "
                   "chosen from the minutes by day: correct whichever is wrong."}]
    long = json.loads(web.run_form(json.dumps({**EXAMPLE, "minutes": "2000",
                                               "discussion_minutes": "4" * 400})))
    assert long["doubts"] == [{"field": "minutes",
                               "message": "2000 minutes is more than 24 hours: check the number."}]
    assert [e["field"] for e in long["errors"]] == ["discussion_minutes"]
