"""`telecode check` text shows each line's Medicare national amount (engine/core/payments.py)
for a Medicare answer. CPython only (the CLI is not in the browser wheel)."""

from __future__ import annotations

import io
import json

from engine.cli import check as cli

VISIT = {"payer": "medicare", "patient_status": "established", "modality": "audio_video",
         "mdm": "moderate"}


def test_check_text_shows_the_amounts_for_medicare_only(real_cb) -> None:
    def text(**extra: object) -> str:
        out = io.StringIO()
        enc = {**VISIT, "date_of_service": "2026-02-10", "patient_location": "facility", **extra}
        assert cli.run(["-"], stdin=io.StringIO(json.dumps(enc)), stdout=out,
                       stderr=io.StringIO()) == 0
        return out.getvalue()

    medicare = text()
    assert "Medicare payment (national, before the locality adjustment" in medicare
    assert "  99214: $84.50 (facility, POS 02)\n" in medicare
    assert "Medicare payment" not in text(payer="commercial")
