"""The 837P reader splits each segment's own text (engine/batch/claims/x12.py `segments`), not
pyx12's re-serialisation of it: the same element values as pyx12's Segment.format() gives,
for leading spaces, trailing empty elements and sub-elements, an empty composite and an
element-less segment (data/x12/edge-elements.837), and no call to format() on a good file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pyx12 = pytest.importorskip("pyx12")

from engine.batch.claims import read_claims  # noqa: E402
from engine.batch.claims.x12 import _el, segments  # noqa: E402

DATA = Path(__file__).parent / "data" / "x12"
GOOD = ["denials.837", "loops-crlf.837", "no-newlines.837", "edge-elements.837"]


def norm(value: str, sub: str) -> str:
    """An element without its trailing empty sub-elements (pyx12's text drops them; the
    reader splits composites and skips empty ones)."""
    return value.rstrip(sub)


def by_format(path: Path) -> list[tuple[int, str, list[str]]]:
    """Each segment's elements as pyx12's own text of it gives them."""
    import pyx12.x12file

    with open(path, encoding="utf-8", newline="") as fh:
        reader = pyx12.x12file.X12Reader(fh)
        out = []
        for n, seg in enumerate(reader, start=1):
            parts = seg.format().rstrip(reader.seg_term).split(reader.ele_term)
            out.append((n, parts[0], [norm(_el(parts, i), reader.subele_term)
                                      for i in range(1, 20)]))
    return out


@pytest.mark.parametrize("name", GOOD)
def test_elements_are_pyx12s(name):
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        got = [(n, sid, [norm(_el(parts, i), sub) for i in range(1, 20)])
               for n, sid, parts, sub in segments(fh, name)]
    assert got == by_format(DATA / name)


def test_edge_file_lines():
    lines = list(read_claims(str(DATA / "edge-elements.837"), "x12"))
    got = {(ln.claim_id, ln.line): (ln.code, ln.modifiers, ln.pos, ln.date_of_service,
                                    ln.problem) for ln in lines}
    # SV1*HC:99213:95::  (trailing empty sub-elements), RD8 (its first day)
    assert got[("POS11", "1")] == ("99213", ("95",), "11", "2025-03-10", None)
    # SV1*HC:99214:::*50*UN*1*  and a leading space before HI
    assert got[("NOMOD", "1")] == ("99214", (), "10", "2024-05-01", None)
    # CLM05 ':B:1' (no POS in the claim) and an empty SV1 composite on an element-less LX
    assert got[("GT", "1")][2] is None
    assert got[("BADLINE", "3")][4] == "no procedure code in SV101; no code"


def test_no_reserialisation_on_a_good_file(monkeypatch):
    import pyx12.segment

    def refuse(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise AssertionError("Segment.format called")

    monkeypatch.setattr(pyx12.segment.Segment, "format", refuse)
    with open(DATA / "denials.837", encoding="utf-8", newline="") as fh:
        assert sum(1 for _ in segments(fh, "denials.837")) == 78


def test_malformed_segment_message_keeps_pyx12s_text():
    with open(DATA / "malformed-segment.837", encoding="utf-8", newline="") as fh:
        with pytest.raises(Exception, match=r"segment 22 \('L X\*1~'\)"):
            list(segments(io.StringIO(fh.read()), "m.837"))
