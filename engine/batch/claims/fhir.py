"""Claim lines from FHIR R4 JSON: a Claim, an ExplanationOfBenefit (CARIN Blue Button
professional), a Bundle of them (Coverage resources in the Bundle or `contained` are used
for the payer), or NDJSON with one resource per line (a bulk export).

Per item: `productOrService` (the CPT/HCPCS coding; codings of other systems are skipped
when one has a CPT or HCPCS system), `modifier`, `servicedDate` (or `servicedPeriod.start`,
else the claim's `billablePeriod.start`), `locationCodeableConcept` in the CMS place of
service code system, `quantity.value` as units, `sequence` as the line number.

The payer: the `--payer-map` entry for the insurer's identifier (or the Coverage payor's),
else the Coverage `type` (Source of Payment Typology, or an X12 claim filing indicator code),
else the line says the payer type is not given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from engine.batch.claims.fields import ClaimFileError, make_line
from engine.batch.claims.payer_types import SBR09, from_sbr09, from_sopt
from engine.core.claim import ClaimLine

__all__ = ["read_fhir", "POS_SYSTEMS", "CODE_SYSTEMS"]

POS_SYSTEMS = frozenset({
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
    "http://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
    "https://bluebutton.cms.gov/resources/var/line_place_of_srvc_cd",
    "http://terminology.hl7.org/CodeSystem/ex-serviceplace",
})
CODE_SYSTEMS = frozenset({
    "http://www.ama-assn.org/go/cpt", "urn:oid:2.16.840.1.113883.6.12",
    "https://bluebutton.cms.gov/resources/codesystem/hcpcs",
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "urn:oid:2.16.840.1.113883.6.285",
})
CLAIM_TYPES = ("Claim", "ExplanationOfBenefit")


def _load(fh: IO[str], name: str) -> list[dict[str, Any]]:
    text = fh.read()
    try:
        doc = json.loads(text)
        docs = doc if isinstance(doc, list) else [doc]
    except ValueError as exc:
        lines = [t for t in text.splitlines() if t.strip()]
        if len(lines) < 2:
            raise ClaimFileError(f"{name}: not JSON ({exc.msg} at line {exc.lineno}, "
                                 f"column {exc.colno})") from None
        docs = []
        for n, t in enumerate(text.splitlines(), start=1):
            if not t.strip():
                continue
            try:
                docs.append(json.loads(t))
            except ValueError as exc2:
                raise ClaimFileError(f"{name}, line {n}: not JSON ({exc2.msg})") from None
    for i, d in enumerate(docs, start=1):
        if not isinstance(d, dict) or "resourceType" not in d:
            raise ClaimFileError(f"{name}: resource {i} is not a FHIR resource "
                                 "(no resourceType)")
    return docs


def _resources(docs: list[dict[str, Any]], name: str) -> tuple[list[dict[str, Any]],
                                                                dict[str, dict[str, Any]]]:
    """(claims and EOBs in order, coverage by reference key)."""
    claims: list[dict[str, Any]] = []
    coverage: dict[str, dict[str, Any]] = {}

    def visit(res: dict[str, Any], full_url: str | None, where: str) -> None:
        kind = res.get("resourceType")
        if kind == "Bundle":
            for j, entry in enumerate(res.get("entry") or (), start=1):
                inner = (entry or {}).get("resource")
                if isinstance(inner, dict):
                    visit(inner, entry.get("fullUrl"), f"{where} entry {j}")
        elif kind in CLAIM_TYPES:
            claims.append(res)
        elif kind == "Coverage":
            if res.get("id"):
                coverage[f"Coverage/{res['id']}"] = res
            if full_url:
                coverage[full_url] = res

    for i, d in enumerate(docs, start=1):
        if d.get("resourceType") not in ("Bundle", "Coverage") + CLAIM_TYPES:
            raise ClaimFileError(
                f"{name}: resource {i} is a {d.get('resourceType')}; expected a Claim, an "
                "ExplanationOfBenefit or a Bundle of them")
        visit(d, None, f"resource {i}")
    if not claims:
        raise ClaimFileError(f"{name}: no Claim or ExplanationOfBenefit in the file")
    return claims, coverage


def _codes(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, dict):
        return []
    return [(str(c.get("system") or ""), str(c.get("code") or ""))
            for c in concept.get("coding") or () if isinstance(c, dict) and c.get("code")]


def _payer_of(claim: dict[str, Any], coverage: dict[str, dict[str, Any]],
              payer_map: dict[str, str]) -> tuple[str | None, str]:
    """(payer class or None, what identifies the payer, for the message)."""
    contained = {f"#{c.get('id')}": c for c in claim.get("contained") or ()
                 if isinstance(c, dict) and c.get("resourceType") == "Coverage"}
    ids: list[str] = []
    insurer = claim.get("insurer") or {}
    ident = (insurer.get("identifier") or {}).get("value")
    if ident:
        ids.append(str(ident))
    covs = []
    insurance = sorted(claim.get("insurance") or (),
                       key=lambda i: (not (i or {}).get("focal"), (i or {}).get("sequence", 0)))
    for ins in insurance:
        ref = ((ins or {}).get("coverage") or {}).get("reference")
        cov = contained.get(ref) or coverage.get(ref or "")
        if cov:
            covs.append(cov)
            for payor in cov.get("payor") or ():
                pid = ((payor or {}).get("identifier") or {}).get("value")
                if pid:
                    ids.append(str(pid))
    for pid in ids:
        found = payer_map.get(pid.strip().upper())
        if found:
            return found, pid
    for cov in covs:
        for system, code in _codes(cov.get("type")):
            found = from_sopt(code) if "sopt" in system.lower() else None
            if found is None and code.upper() in SBR09:
                found = from_sbr09(code)
            if found:
                return found, code
    who = ids[0] if ids else str(insurer.get("display") or insurer.get("reference") or "")
    return None, who


def read_fhir(fh: IO[str], name: str, payer_map: dict[str, str]) -> Iterator[ClaimLine]:
    claims, coverage = _resources(_load(fh, name), name)
    for n, claim in enumerate(claims, start=1):
        claim_id = str(claim.get("id") or ((claim.get("identifier") or [{}])[0] or {}).get(
            "value") or f"{claim['resourceType']}-{n}")
        payer, who = _payer_of(claim, coverage, payer_map)
        period = claim.get("billablePeriod") or {}
        for k, item in enumerate(claim.get("item") or (), start=1):
            if not isinstance(item, dict):
                yield ClaimLine(claim_id, str(k), "", "", "", (), None, 1,
                                f"item {k} is not a JSON object")
                continue
            codes = _codes(item.get("productOrService"))
            preferred = [c for s, c in codes if s in CODE_SYSTEMS] or [c for _, c in codes]
            code = preferred[0] if preferred else None
            mods = [c for m in item.get("modifier") or () for _, c in _codes(m)]
            pos_codes = _codes(item.get("locationCodeableConcept"))
            pos = next((c for s, c in pos_codes if s in POS_SYSTEMS), None)
            if pos is None and pos_codes:
                pos = pos_codes[0][1]
            day = item.get("servicedDate") or (item.get("servicedPeriod") or {}).get(
                "start") or period.get("start")
            if isinstance(day, str):
                day = day[:10]
            units = (item.get("quantity") or {}).get("value")
            line = make_line(claim_id, str(item.get("sequence") or k), day,
                             payer or "", code, mods, pos, units)
            if payer is None:
                parts = [p for p in (line.problem or "").split("; ") if p and p != "no payer"]
                parts.insert(0, "the payer type is not given (no Coverage type; give "
                             "--payer-map" + (f" for {who}" if who else "") + ")")
                line.problem = "; ".join(parts)
            yield line
