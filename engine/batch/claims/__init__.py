"""Claim files for claim mode (`telecode claims`, `engine.batch.spark`).

Readers turn a claim file into `engine.core.claim.ClaimLine`s, in file order:

- `table`: CSV or JSONL with the columns claim_id, line, date_of_service, payer, code,
  modifiers, pos, units;
- `fhir`: FHIR R4 Claim, ExplanationOfBenefit, or a Bundle of them (JSON);
- `x12`: X12 837P (005010X222A1/A2) professional claims.

A file that cannot be read as its format raises `ClaimFileError` naming the line or segment
(the CLI exits 2); a line whose values are wrong becomes a ClaimLine with `problem` set, whose
verdict is an error, and the run goes on. `check_lines` checks the lines claim by claim;
`report` writes rows, the summary and the HTML report.
"""

from __future__ import annotations

from engine.batch.claims.fields import ClaimFileError
from engine.batch.claims.read import detect_format, read_claims
from engine.batch.claims.run import check_lines

__all__ = ["ClaimFileError", "check_lines", "detect_format", "read_claims"]
