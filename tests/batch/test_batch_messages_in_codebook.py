"""The batch reasons' wording lives in the codebook, not in Python."""

from __future__ import annotations

import engine
from engine.batch.checker import MESSAGES


def test_every_batch_reason_is_a_codebook_message() -> None:
    cb = engine.load_codebook()
    missing = [mid for mid in MESSAGES if cb.message(mid) is None]
    assert missing == [], f"add these ids to codebook/messages.yaml: {missing}"


def _row_reason(cb: engine.Codebook) -> str:
    rows = [{"id": "r1", "date_of_service": "2025-05-20", "payer": "medicare",
             "patient_status": "established", "modality": "audio_only", "minutes": "25",
             "mdm": "low", "patient_video_unavailable": "true", "billed_code": "98013"}]
    (result,) = list(engine.batch.check_rows(rows, codebook=cb))
    return result.outcome.reason


def test_reason_text_comes_from_the_codebook(monkeypatch) -> None:
    cb = engine.load_codebook()
    assert _row_reason(cb) == "Medicare does not pay 98013; expected 99213-93@10"
    real = cb.message

    def reworded(mid: str):
        record = real(mid)
        if mid == "batch-not-payable":
            record = dict(record, text="REWORDED {code} -> {expected}")
        return record

    monkeypatch.setattr(cb, "message", reworded)
    assert _row_reason(cb) == "REWORDED 98013 -> 99213-93@10"
