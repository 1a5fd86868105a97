"""The checker sends the form's texts as typed and the engine reads them with the decoder the
CLI uses (engine.core.web.run_form -> contract.decode_text): in a real Chromium, a text typed in
the form gets the answer, or the error message, that `telecode check --KEY TEXT` gives."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from engine.cli import check as cli

ENC = {"date_of_service": "2025-06-02", "payer": "medicare", "patient_status": "established",
       "modality": "audio_video", "mdm": "moderate", "minutes": "30"}
SETTLED = ("() => { const r = document.querySelector('[data-testid=result]');"
           " return !r.hasAttribute('data-stale')"
           " && ['ready', 'error'].includes(r.dataset.state); }")


def cli_answer(encounter: dict[str, str]) -> dict[str, Any]:
    argv = [a for key, text in encounter.items() for a in (f"--{key}", text)]
    out = io.StringIO()
    cli.run([*argv, "--format", "json"], stdin=io.StringIO(""), stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def type_minutes(page: Any, text: str) -> None:
    page.fill("input[name=minutes]", text)
    page.press("input[name=minutes]", "Enter")
    page.wait_for_function(
        "want => location.hash.includes('minutes=' + want)", arg=urlencode({"m": text.strip()})[2:])
    page.wait_for_function(SETTLED)


@pytest.mark.parametrize("text", [" +45 ", "045", "4" * 400, "12.5", "-3"])
def test_typed_minutes_answer_as_the_cli_reads_them(page: Any, base_url: str, text: str) -> None:
    page.goto(base_url + "/checker/#" + urlencode(ENC))
    page.wait_for_function(SETTLED)
    type_minutes(page, text)
    want = cli_answer({**ENC, "minutes": text})
    result = page.locator("[data-testid=result]")
    if "errors" in want:
        assert result.get_attribute("data-state") == "error"
        [error] = want["errors"]
        assert error["field"] == "minutes"
        assert page.inner_text("#tc-err-minutes") == error["message"]
    else:
        assert result.get_attribute("data-state") == "ready"
        assert result.get_attribute("data-codes") == " ".join(ln["code"] for ln in want["lines"])


def test_a_400_digit_number_gets_the_cli_message(page: Any, base_url: str) -> None:
    page.goto(base_url + "/checker/#" + urlencode({**ENC, "minutes": "4" * 400}))
    page.wait_for_function(SETTLED)
    assert page.inner_text("#tc-err-minutes").startswith("must be at most 1,000,000, got 4444")
