"""Payer types as claim formats write them, mapped to the engine's payer classes.

- X12 837P SBR09 (claim filing indicator code): MB (Medicare Part B) -> medicare;
  16 (Medicare Advantage, an HMO Medicare risk plan) -> medicare_advantage, never traditional
  Medicare; MC -> medicaid; CI (commercial), BL (Blue Cross/Blue Shield), HM (HMO) ->
  commercial. Other codes (MA Part A, CH TRICARE, VA, WC, ...) are not mapped.
- FHIR Coverage.type in the Source of Payment Typology (PHDSC): 1x Medicare, with 11x
  Medicare managed care (Medicare Advantage); 2x Medicaid; 5x private insurance and 6x Blue
  Cross/Blue Shield -> commercial. A coding in the X12 filing-indicator list is read as SBR09.
"""

from __future__ import annotations

from engine.core.claim import MEDICARE_ADVANTAGE

__all__ = ["SBR09", "SOPT_SYSTEM", "from_sbr09", "from_sopt"]

SBR09 = {"MB": "medicare", "16": MEDICARE_ADVANTAGE, "MC": "medicaid",
         "CI": "commercial", "BL": "commercial", "HM": "commercial"}
SOPT_SYSTEM = "https://nahdo.org/sopt"


def from_sbr09(code: str) -> str | None:
    return SBR09.get(code.strip().upper())


def from_sopt(code: str) -> str | None:
    c = code.strip()
    if not c.isdigit():
        return None
    if c.startswith("11"):
        return MEDICARE_ADVANTAGE
    return {"1": "medicare", "2": "medicaid", "5": "commercial", "6": "commercial"}.get(c[0])
