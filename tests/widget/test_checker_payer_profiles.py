"""The checker offers the build's named payer plans (payer profiles chosen by their own id) and
answers for them in the browser exactly as the engine does in CPython."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

import engine

BOOT_TIMEOUT_MS = 180_000  # bounds waiting for Pyodide's first boot; asserts nothing
ANSWERED = "[data-testid=result]:not([data-stale]):not([data-state=loading])"


def test_the_payer_select_lists_the_named_plans(page: Any, base_url: str) -> None:
    page.goto(base_url + "/checker/")
    values = page.eval_on_selector_all("#tc-payer option", "els => els.map(e => e.value)")
    cb = engine.load_codebook()
    named = sorted(p["id"] for p in cb.payers.values() if p.get("profile") and not p.get("state"))
    assert values[:3] == ["medicare", "commercial", "medicaid"]
    assert sorted(values[3:]) == named and len(named) >= 6


@pytest.mark.parametrize("payer,day", [("aetna", "2024-06-03"), ("humana_ma", "2025-03-10"),
                                       ("unitedhealthcare", "2024-06-03")])
def test_a_named_plan_answers_as_the_engine_does(page: Any, base_url: str, payer: str,
                                                   day: str) -> None:
    encounter = {"date_of_service": day, "payer": payer, "patient_status": "established",
                 "modality": "audio_video", "mdm": "moderate"}
    page.goto(base_url + "/checker/?" + urlencode(encounter))
    page.wait_for_selector(ANSWERED, timeout=BOOT_TIMEOUT_MS)
    assert page.locator("#tc-payer").input_value() == payer
    want = engine.check(encounter)
    box = page.locator("[data-testid=result]")
    assert box.get_attribute("data-codes") == " ".join(ln["code"] for ln in want["lines"])
    assert want["lines"], want["warnings"]
