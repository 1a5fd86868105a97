"""The checker form's texts are read by the one decoder the CLI uses (contract.decode_text):
for each text a coder may type, engine.core.web.run_form answers exactly as `telecode check
--KEY TEXT --format json` does (the same result, or the same errors). CPython only (it runs the
CLI); test_engine_web.py checks run_form itself, also inside Pyodide."""

from __future__ import annotations

import io
import json

import pytest

import engine.core.web as web
from engine.cli import check as cli

BASE = {"date_of_service": "2025-03-10", "payer": "medicare", "patient_status": "established",
        "modality": "audio_video", "mdm": "moderate"}
EVISIT = {**BASE, "payer": "commercial", "modality": "portal_evisit"}

CASES = [
    (BASE, "minutes", "25"),
    (BASE, "minutes", " +25 "),
    (BASE, "minutes", "025"),
    (BASE, "minutes", "-5"),
    (BASE, "minutes", "12.5"),
    (BASE, "minutes", "1e3"),
    (BASE, "minutes", "4" * 400),  # a number far too large: the same message in both
    (BASE, "minutes", "9" * 5000),  # more digits than Python converts
    (BASE, "minutes", "null"),
    (BASE, "consent_documented", "Yes"),
    (BASE, "consent_documented", "off"),
    (BASE, "consent_documented", "maybe"),
    (BASE, "requested_code", "g2211"),
    (BASE, "requested_code", "9921"),
    (BASE, "state", "tx"),
    (BASE, "mdm", " high "),
    (BASE, "mdm", "very high"),
    (EVISIT, "evisit_minutes_by_day", "0:5, 2:3"),
    (EVISIT, "evisit_minutes_by_day", "0:5;2:3 4:1"),
    (EVISIT, "evisit_minutes_by_day", '{"0": 5, "2": 3}'),
    (EVISIT, "evisit_minutes_by_day", "0:5, two:3"),
    (EVISIT, "evisit_minutes_by_day", "0:" + "4" * 400),
]


def cli_answer(encounter: dict[str, str]) -> dict[str, object]:
    argv = [a for key, text in encounter.items() for a in (f"--{key}", text)]
    out, err = io.StringIO(), io.StringIO()
    status = cli.run([*argv, "--format", "json"], stdin=io.StringIO(""), stdout=out, stderr=err)
    assert status in (0, 2), err.getvalue()
    return json.loads(out.getvalue())


@pytest.mark.parametrize("base,key,text", CASES, ids=[f"{k}={t[:12]!r}" for _, k, t in CASES])
def test_the_form_reads_a_text_as_the_cli_reads_the_flag(real_cb, base, key, text) -> None:
    web.start()
    form = {**base, key: text}
    answer = json.loads(web.run_form(json.dumps(form)))
    answer.pop("doubts")
    answer.pop("payments", None)  # the CLI prints payments in its text format only
    want = cli_answer(form)
    if "errors" in want:
        assert answer == {"errors": want["errors"]}
    else:
        assert answer == {"result": want}


def test_a_400_digit_number_gets_the_cli_message_not_a_type_error(real_cb) -> None:
    web.start()
    answer = json.loads(web.run_form(json.dumps({**BASE, "minutes": "4" * 400})))
    assert answer["errors"][0]["field"] == "minutes"
    assert answer["errors"][0]["message"].startswith("must be at most 1,000,000, got 4444")
