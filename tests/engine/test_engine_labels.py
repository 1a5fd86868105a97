"""Words for enum values (messages.yaml `labels:`): {modality_label}, {status_label}, ...
No message the real codebook writes shows a raw enum value such as audio_video."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from engine import core
from engine.core.codebook import NO_RECORD, NOT_VALID_ON_DATE, Codebook
from engine.core.contract import CLINICIANS, MODALITIES, PATIENT_STATUSES, PAYERS


def _vocabulary(cb: Codebook) -> dict[str, set[str]]:
    return {
        "payer": set(PAYERS),
        "modality": set(MODALITIES),
        "clinician": set(CLINICIANS),
        "patient_status": set(PATIENT_STATUSES),
        "status": {s["status"] for s in cb.bundle["statuses"]} | {NO_RECORD, NOT_VALID_ON_DATE},
        "time_basis": {f["time_basis"] for f in cb.bundle["families"] if f.get("time_basis")},
    }


def _raw_values(cb: Codebook) -> set[str]:
    """Enum values that are ids, not words (they contain an underscore)."""
    return {v for values in _vocabulary(cb).values() for v in values if "_" in v}


def _texts(result: dict[str, Any]) -> list[str]:
    return [w["message"] for w in result["warnings"]] + list(result["checklist"])


def _raw_in(text: str, raw: set[str]) -> list[str]:
    return sorted(v for v in raw if re.search(rf"(?<![A-Za-z0-9_]){re.escape(v)}(?![A-Za-z0-9_])",
                                              text))


def test_real_codebook_labels_every_value(real_cb):
    for kind, values in _vocabulary(real_cb).items():
        words = real_cb.labels.get(kind) or {}
        missing = sorted(values - set(words))
        assert not missing, f"messages.yaml labels.{kind} lacks {missing}"
        for value in values:
            assert "_" not in words[value], (kind, value, words[value])


def test_label_fallback_never_shows_an_underscore(mini_cb):
    assert mini_cb.labels == {}
    assert mini_cb.label("modality", "audio_video") == "audio video"
    assert mini_cb.label("status", None) == ""


def test_no_scenario_message_shows_a_raw_enum_value(real_cb, scenarios, plain):
    raw = _raw_values(real_cb)
    assert {"audio_video", "non_em_practitioner", "not_valid"} <= raw
    bad = []
    encounters = [(name, plain(item["encounter"])) for name, item in scenarios
                  if "errors" not in item["expected"]]
    assert len(encounters) >= 80
    for name, enc in encounters:
        for text in _texts(core.check(enc, real_cb)):
            found = _raw_in(text, raw)
            if found:
                bad.append(f"{name}: {found}: {text}")
    assert not bad, "\n".join(bad)


BASE = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established"}


@pytest.mark.parametrize("extra,wid,words", [
    ({"modality": "audio_video", "minutes": 25, "clinician": "non_em_practitioner"},
     "not-covered-no-route",
     ["for audio-video visits by a practitioner who cannot bill E/M visits"]),
    ({"modality": "virtual_checkin"}, "time-not-given",
     ["is chosen by the minutes of medical discussion (or the total minutes), and none"]),
    ({"modality": "portal_evisit"}, "time-not-given",
     ["is chosen by the e-visit minutes per day, and none"]),
    ({"modality": "audio_only", "minutes": 20, "patient_video_unavailable": True,
      "requested_code": "98012"},
     "requested-code-not-payable", ["(its status: not valid for this payer)"]),
])
def test_engine_messages_use_label_words(real_cb, extra, wid, words):
    res = core.check({**BASE, **extra}, real_cb)
    raw = _raw_values(real_cb)
    for text in _texts(res):
        assert not _raw_in(text, raw), text
    [w] = [w for w in res["warnings"] if w["id"] == wid]
    for phrase in words:
        assert phrase in w["message"], w["message"]


def test_status_not_payable_uses_status_words(real_cb):
    bundle = copy.deepcopy(real_cb.bundle)
    for s in bundle["statuses"]:
        if s["payer"] == "medicare" and "99213" in s["codes"]:
            s["status"] = "not_valid"
    cb = Codebook(bundle)
    res = core.check({**BASE, "modality": "audio_video", "minutes": 25}, cb)
    [w] = [w for w in res["warnings"] if w["id"] == "status-not-payable"]
    assert 'is "not valid for this payer", so nothing is reported' in w["message"]
    assert "not_valid" not in w["message"]


def test_no_code_for_encounter_uses_modality_and_status_words(make_cb, enc):
    def edit(b):
        b["labels"] = {"modality": {"virtual_checkin": "virtual check-ins"},
                       "patient_status": {"established": "established"}}
        msg = next(m for m in b["messages"] if m["id"] == "no-code-for-encounter")
        msg["text"] = "Nothing fits {modality_label} for a {patient_status_label} patient."
        for c in b["codes"]:
            if c["family"] == "virtual-checkin":
                c["patient_status"] = "new"
    res = core.check(enc(modality="virtual_checkin", minutes=8), make_cb(edit))
    [w] = [w for w in res["warnings"] if w["id"] == "no-code-for-encounter"]
    assert w["message"] == "Nothing fits virtual check-ins for a established patient."
