"""Claim lines from an X12 837P file (005010X222A1/A2, professional claims), read with pyx12.

pyx12 (`pip install telecode[claims]`, pinned in pyproject.toml) reads the interchange: the
ISA header and its delimiters, segment terminators with or without line ends (`~`, `~\\n`,
`~\\r\\n`), and the envelope counts (ISA/IEA, GS/GE, ST/SE), which it reports as errors. pyx12
4.0.0's place of service code list holds POS 10 (telehealth in the patient's home), which its
older releases lacked. This module walks the segments:

- `HL*..*..*22` (subscriber) with its `SBR`: SBR09, the claim filing indicator, gives the
  payer class (payer_types.SBR09: MB Medicare; 16 Medicare Advantage, never traditional
  Medicare; MC Medicaid; CI/BL/HM commercial), `NM1*PR` (loop 2010BB) the payer id that a
  payer map may refine; `HL*..*..*23` (patient) takes its subscriber's payer. An SBR or
  NM1*PR after a CLM is another payer (loop 2320/2330B) and is skipped.
- `CLM`: CLM01 the claim id, CLM05-1 the place of service; `DTP*472` at claim level is the
  date of service for lines without their own.
- `LX` starts a line (LX01 its number), `SV1`: SV101-2 the code, SV101-3..6 the modifiers,
  SV104 the units, SV105 the line's POS (else CLM05-1); `DTP*472` (D8 or RD8: its first day).

A segment the reader cannot make sense of (an id that is not a segment id, SV1 before any
CLM, CLM without CLM01), a missing ISA header or a broken envelope raises ClaimFileError
naming the segment (its number in the file, and its text). A line whose values do not parse
(no SBR09, SV101 not an HC code, a bad date) is a bad line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from engine.batch.claims.fields import ClaimFileError, make_line
from engine.batch.claims.payer_types import from_sbr09
from engine.core.claim import ClaimLine

__all__ = ["read_x12", "segments"]

_SEG_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")


def _reader(fh: IO[str], name: str):  # noqa: ANN202 - pyx12's X12Reader
    try:
        import pyx12.errors
        import pyx12.x12file
    except ImportError:
        raise ClaimFileError(
            f"{name}: reading X12 837P needs pyx12: pip install 'telecode[claims]'") from None
    try:
        return pyx12.x12file.X12Reader(fh)
    except pyx12.errors.X12Error as exc:
        raise ClaimFileError(f"{name}, segment 1 (ISA): not an X12 interchange ({exc})") from None


class _Tap:
    """pyx12's raw segment reader, keeping the text of the segment it gave last (so a segment's
    elements are split from its own text, not from pyx12's re-serialisation of it)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.text = ""

    def __iter__(self) -> Iterator[str]:
        for text in self.raw:
            self.text = text
            yield text

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def segments(fh: IO[str], name: str) -> Iterator[tuple[int, str, list[str], str]]:
    """(segment number, id, elements (index 0 is the id), sub-element separator), in order.
    Empty trailing elements may be given or not (read them with `_el`)."""
    reader = _reader(fh, name)
    sub = reader.subele_term
    ele = reader.ele_term
    seg_term = reader.seg_term
    tap = _Tap(getattr(reader, "raw", None))
    if tap.raw is not None:
        reader.raw = tap
    n = 0
    for seg in reader:
        n += 1
        text = tap.text
        if text.startswith(" "):  # as pyx12 reads it
            text = text.lstrip()
        parts = text.split(ele)
        seg_id = parts[0]
        if seg_id != seg.get_seg_id() or not _SEG_ID.match(seg_id or ""):
            text = seg.format()  # pyx12's own text of the segment
            parts = text.rstrip(seg_term).split(ele)
            seg_id = parts[0]
            if not _SEG_ID.match(seg_id or ""):
                raise ClaimFileError(f"{name}, segment {n} ({text[:60]!r}): {seg_id!r} is not "
                                     "a segment id; is a segment terminator missing or "
                                     "doubled?")
        errors = reader.pop_errors()
        fatal = [e for e in errors if e[0] in ("isa", "gs", "st")]
        if fatal:
            raise ClaimFileError(f"{name}, segment {n} ({seg_id}): {fatal[0][2]}")
        yield n, seg_id, parts, sub
    reader.cleanup()
    fatal = [e for e in reader.pop_errors() if e[0] in ("isa", "gs", "st")]
    if fatal:
        raise ClaimFileError(f"{name}, end of file after segment {n}: {fatal[0][2]}")
    if n == 0:
        raise ClaimFileError(f"{name}: no segments after the ISA header")


def _el(parts: list[str], i: int) -> str:
    return parts[i].strip() if len(parts) > i else ""


def read_x12(fh: IO[str], name: str, payer_map: dict[str, str]) -> Iterator[ClaimLine]:
    hl_payer: dict[str, tuple[str | None, str, str]] = {}  # HL id -> (class, SBR09, payer id)
    payer: tuple[str | None, str, str] = (None, "", "")
    current_hl = ""
    in_claim = False
    claim_id = ""
    claim_pos = ""
    claim_day = ""
    pending: list[dict[str, str | list[str]]] = []
    line: dict[str, str | list[str]] | None = None
    st_kind = ""

    def flush() -> Iterator[ClaimLine]:
        return _claim_lines(pending, payer, payer_map, claim_id, claim_day, claim_pos)

    for n, seg_id, parts, sub in segments(fh, name):
        if seg_id == "ST":
            st_kind = _el(parts, 1)
            if st_kind != "837":
                raise ClaimFileError(f"{name}, segment {n} (ST): transaction set {st_kind!r} "
                                     "is not an 837 claim")
        elif seg_id == "HL":
            yield from flush()
            in_claim = False
            current_hl = _el(parts, 1)
            level = _el(parts, 3)
            if level == "22":
                payer = (None, "", "")
            elif level == "23":
                payer = hl_payer.get(_el(parts, 2), (None, "", ""))
            hl_payer[current_hl] = payer
        elif seg_id == "SBR" and not in_claim:
            code = _el(parts, 9)
            payer = (from_sbr09(code) if code else None, code.upper(), payer[2])
            hl_payer[current_hl] = payer
        elif seg_id == "NM1" and _el(parts, 1) == "PR" and not in_claim:
            payer = (payer[0], payer[1], _el(parts, 9))
            hl_payer[current_hl] = payer
        elif seg_id == "CLM":
            yield from flush()
            claim_id = _el(parts, 1)
            if not claim_id:
                raise ClaimFileError(f"{name}, segment {n} (CLM): no claim id in CLM01")
            claim_pos = _el(parts, 5).split(sub)[0] if _el(parts, 5) else ""
            claim_day = ""
            in_claim = True
            line = None
        elif seg_id == "LX":
            if not in_claim:
                raise ClaimFileError(f"{name}, segment {n} (LX): a service line before any CLM")
            line = _new_line(_el(parts, 1) or str(len(pending) + 1))
            pending.append(line)
        elif seg_id in ("SV1",):
            if not in_claim:
                raise ClaimFileError(f"{name}, segment {n} (SV1): a service line before any "
                                     "CLM")
            if line is None or line["code"]:
                line = _new_line(str(len(pending) + 1))
                pending.append(line)
            comp = _el(parts, 1).split(sub)
            if comp[0] != "HC":
                line["problem"] = (f"SV101 qualifier {comp[0]!r} is not HC (CPT/HCPCS)"
                                   if comp[0] else "no procedure code in SV101")
            line["code"] = comp[1] if len(comp) > 1 else ""
            line["mods"] = [m for m in comp[2:6] if m]
            line["units"] = _el(parts, 4)
            line["pos"] = _el(parts, 5)
        elif seg_id == "DTP" and _el(parts, 1) == "472" and in_claim:
            value = _el(parts, 3)
            day = value.split("-")[0] if _el(parts, 2) == "RD8" else value
            if line is not None:
                line["day"] = day
            else:
                claim_day = day
        elif seg_id == "SE":
            yield from flush()
            in_claim = False
            line = None
    yield from flush()


def _new_line(number: str) -> dict[str, str | list[str]]:
    """A service line (LX, or an SV1 without its own LX) before its SV1 and DTP are read."""
    return {"number": number, "code": "", "mods": [], "pos": "", "units": "", "day": "",
            "problem": ""}


def _claim_lines(pending: list[dict[str, str | list[str]]],
                 payer: tuple[str | None, str, str], payer_map: dict[str, str], claim_id: str,
                 claim_day: str, claim_pos: str) -> Iterator[ClaimLine]:
    """The claim's service lines read so far (`pending`, then emptied) as ClaimLines, for the
    subscriber's `payer` (class from SBR09, SBR09, payer id of NM1*PR)."""
    klass, sbr09, payer_id = payer
    mapped = payer_map.get(payer_id.upper()) if payer_id else None
    who = mapped or klass
    for ln in pending:
        made = make_line(claim_id, str(ln["number"]), str(ln["day"] or claim_day),
                         who or (f"claim filing indicator {sbr09}" if sbr09 else ""),
                         str(ln["code"]), ln["mods"], str(ln["pos"] or claim_pos),
                         str(ln["units"]))
        problems = [p for p in (made.problem or "").split("; ") if p]
        if not who and not sbr09:
            problems = ["no payer type (SBR09) for this claim's subscriber"] + [
                p for p in problems if p != "no payer"]
        if ln["problem"]:
            problems.insert(0, str(ln["problem"]))
        made.problem = "; ".join(problems) or None
        yield made
    pending.clear()
