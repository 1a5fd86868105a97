"""The CSV fast path of `telecode claims` (engine/batch/claims/fast_csv.py) gives, byte for
byte, what the general path gives (read_csv, check_lines, report.write_csv, summary): rows,
summary and the messages of unreadable files."""

from __future__ import annotations

import csv
import io
import json

import pytest

from engine.batch.claims import ClaimFileError, check_lines, read_claims
from engine.batch.claims.fast_csv import check_csv_file
from engine.batch.claims.report import summary, write_csv
from engine.cli import main
from engine.core.claim import ClaimChecker

HEADER = "claim_id,line,date_of_service,payer,code,modifiers,pos,units\n"
LIMIT = csv.field_size_limit()


def general(path: str, cb, fmt: str = "csv") -> tuple[str, str]:
    """(output, summary JSON) by the general path, or ('error', message)."""
    try:
        lines, results = check_lines(read_claims(path, "csv"), ClaimChecker(cb))
    except ClaimFileError as exc:
        return "error", str(exc)
    return _written(cb, path, fmt, lines, results,
                    summary(cb, path, "csv", lines, results))


def fast(path: str, cb, fmt: str = "csv") -> tuple[str, str]:
    try:
        rows, results, claim_ids = check_csv_file(path, ClaimChecker(cb),
                                                  "lines" if fmt == "html" else fmt)
    except ClaimFileError as exc:
        return "error", str(exc)
    return _written(cb, path, fmt, rows, results, summary(cb, path, "csv", claim_ids, results))


def _written(cb, path, fmt, lines, results, data) -> tuple[str, str]:
    from engine.batch.claims.html import write_html
    from engine.batch.claims.report import write_jsonl

    out = io.StringIO()
    if fmt == "csv":
        write_csv(out, lines, results)
    elif fmt == "jsonl":
        write_jsonl(out, lines, results)
    else:
        write_html(out, cb, data, lines, results, "http://x/")
    return out.getvalue(), json.dumps(data)


FORMATS = ("csv", "jsonl", "html")


CASES = {
    "plain and add-ons across the file": HEADER
    + "A1,1,2025-03-10,medicare,99457,,11,1\n"
    "B1,1,2025-03-10,medicare,99458,,11,1\n"
    "A1,2,2025-03-10,medicare,99458,,11,2\n"
    "A1,3,2025-03-11,medicare,99458,,11,1\n"
    "C1,1,2024-05-01,medicare,99213,95,11,1\n"
    "C1,2,2024-05-02,medicare,99213,95,11,1\n",
    "quoted cells, multi-line cells, formulas": HEADER
    + '"A,1",1,2025-03-10,medicare,99213,95,10,1\n'
    'A2,1,2025-03-10,medicare,"99213","95,25",10,1\n'
    '"multi\nline",1,2025-03-10,medicare,99213,95,10,1\n'
    "=1+1,1,2025-03-10,medicare,99213,95,10,1\n"
    "-5,-2,2025-03-10,medicare,99213,95,10,1\n"
    "@x,1,2025-03-10,commercial,98006,95,10,1\n"
    '"He said ""x""",1,2024-05-01,medicare,99214,95,02,1\n',
    "odd widths, blank lines, missing ids and numbers": HEADER
    + "S1,1,2024-05-01,medicare\n"
    "L1,1,2024-05-01,medicare,99214,95,02,1,extra,more\n"
    "\n   \n,,,,,,,\n"
    "B1, 1 ,2024-05-01, Medicare ,99214 ,95 ,2, 1.0\n"
    "B1,,2024-05-01,medicare,99214,95,02,\n"
    ",,2024-05-01,medicare,99458,,02,2\n"
    "U1,1,2025/03/01,medicare,9921,9,002,0\n"
    "U2,1,1999-05-01,medicare,99214,95,02,1\n"
    "U3,1,03/01/2025,ma,99214,95-GT,02,1",
    "CRLF and a byte-order mark": "\ufeff" + HEADER.replace("\n", "\r\n")
    + "A1,1,2025-03-10,medicare,98005,,10,1\r\n\r\nA1,2,2025-03-10,medicare,99458,,11,1\r\n",
    "lone CR line ends": HEADER.replace("\n", "\r") + "A1,1,2025-03-10,medicare,98005,,10,1\r",
    "other column order": "Code , PAYER,claim_id,date_of_service,extra\n"
    "99213,medicare,R1,2025-03-10,foo\n99457,medicare,R2,2025-03-10,\n"
    "99458,medicare,R2,2025-03-10,\n",
    "a cell at the csv module's limit": HEADER
    + f"{'X' * LIMIT},1,2025-03-10,medicare,99213,95,10,1\n"
    f"L1,1,2025-03-10,medicare,99213,95,10,{'1' * LIMIT}\n",
    "a cell over the limit": HEADER + "L1,1,2025-03-10,medicare,99213,95,10,1\n"
    f"L2,1,2025-03-10,medicare,99213,95,10,{'X' * (LIMIT + 1)}\n",
    "a quoted cell over the limit": HEADER + f'L2,1,2025-03-10,medicare,"{"X" * (LIMIT + 1)}"\n',
    "a claim id over the limit": HEADER + f"{'X' * (LIMIT + 1)},1,2025-03-10,medicare,99213\n",
    "an unterminated quote": HEADER + 'A1,1,2025-03-10,medicare,99213,95,10,1\nA3,"unterminated\n',
    "a two-line header": '"claim_id","line\n",date_of_service,payer,code\n'
    'A1,"x",2025-03-10,medicare,99213\n',
    "header only": HEADER,
    "empty": "",
    "no required columns": "a,b,c\n1,2,3\n",
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(CASES))
def test_fast_path_is_the_general_path(tmp_path, real_cb, name, fmt):
    path = tmp_path / "lines.csv"
    path.write_text(CASES[name], encoding="utf-8", newline="")
    assert fast(str(path), real_cb, fmt) == general(str(path), real_cb, fmt)


def test_not_utf8_after_the_first_block(tmp_path, real_cb):
    """A bad byte past the start: both paths name the same line."""
    body = "".join(f"C{i},1,2025-03-10,medicare,99213,95,10,1\n" for i in range(800))
    for tail in (b"\xe9t\xe9,1,2025-03-10,medicare,99213,95,10,1\n",
                 b'"multi\nline\xe9",1,2025-03-10,medicare,99213,95,10,1\n'):
        path = tmp_path / "lines.csv"
        path.write_bytes(HEADER.encode() + body.encode() + tail)
        got = fast(str(path), real_cb)
        assert got == general(str(path), real_cb)
        assert got[0] == "error" and "not UTF-8 text" in got[1]


def test_random_mix_matches(tmp_path, real_cb):
    """Many codes, payers, dates (outside the codebook too), modifiers and units."""
    import random

    rnd = random.Random(7)
    codes = ["99213", "99214", "98005", "98006", "98013", "99457", "99458", "G2012", "71046",
             "99453", "99454", "99091", "98016", "99421", "98970", "99212"]
    mods = ["", "95", "93", "GT", "FQ", '"95,25"', "25", "95 GT"]
    rows = []
    for c in range(800):
        for n in range(rnd.choice([1, 1, 2, 3])):
            day = f"{rnd.choice(['2023', '2024', '2025', '2026', '2027'])}-" \
                  f"{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            rows.append(",".join([f"R{rnd.randint(0, c)}", str(n + 1), day,
                                  rnd.choice(["medicare", "commercial", "medicaid", "Medicare",
                                              "medicare advantage", "bogus"]),
                                  rnd.choice(codes), rnd.choice(mods),
                                  rnd.choice(["10", "02", "11", "", "2"]),
                                  rnd.choice(["1", "2", ""])]))
    path = tmp_path / "lines.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    for fmt in FORMATS:
        got = fast(str(path), real_cb, fmt)
        assert got[0] != "error"
        assert got == general(str(path), real_cb, fmt)
    assert fast(str(path), real_cb)[0].count("\n") == len(rows) + 1


def test_cli_csv_output_is_the_fast_path(tmp_path, monkeypatch):
    """`telecode claims x.csv` takes the fast path, whatever the output format."""
    import engine.batch.claims.fast_csv as fast_csv

    calls = []
    real = fast_csv.check_csv_file
    monkeypatch.setattr(fast_csv, "check_csv_file", lambda *a: calls.append(a) or real(*a))
    src = tmp_path / "in.csv"
    src.write_text(CASES["plain and add-ons across the file"], encoding="utf-8")
    assert main(["claims", str(src), "-o", str(tmp_path / "o.csv"), "--quiet"]) == 0
    assert len(calls) == 1
    assert main(["claims", str(src), "-o", str(tmp_path / "o.jsonl"), "--quiet"]) == 0
    assert main(["claims", str(src), "-o", str(tmp_path / "o.html"), "--quiet"]) == 0
    assert [c[2] for c in calls] == ["csv", "jsonl", "lines"]
    rows = list(csv.DictReader(open(tmp_path / "o.csv", encoding="utf-8")))
    assert [r["code"] for r in rows] == ["99457", "99458", "99458", "99458", "99213", "99213"]
    # B1's 99458 has no 99457 on its claim; A1's do, wherever they are in the file
    assert "claim-add-on-without-primary" in rows[1]["reasons"]
    assert "claim-add-on-without-primary" not in rows[2]["reasons"]


def naive_summary(cb, name, lines, results):
    """The summary counted line by line, with a set of claim ids per reason."""
    by: dict = {}
    verdicts = {"ok": 0, "warning": 0, "error": 0}
    for ln, r in zip(lines, results, strict=True):
        verdicts[r.verdict] += 1
        for x in r.reasons:
            e = by.setdefault(x.id, {"lines": 0, "claims": set(), "sources": []})
            e["lines"] += 1
            e["claims"].add(ln.claim_id)
            e["sources"] += [s for s in x.sources if s not in e["sources"]]
    return (verdicts, len({ln.claim_id for ln in lines}),
            {k: (e["lines"], len(e["claims"]), e["sources"]) for k, e in by.items()})


@pytest.mark.parametrize("together", [True, False])
def test_summary_counts_claims_per_reason(real_cb, checker, together):
    """Claims per reason: a claim with several lines that share a reason counts once, whether
    its lines are together in the file or not."""
    import random

    from engine.core.claim import ClaimLine

    rnd = random.Random(3)
    lines = []
    for c in range(300):
        for n in range(rnd.choice([1, 2, 3, 5])):
            lines.append(ClaimLine(f"K{c}", str(n + 1), rnd.choice(
                ["2024-03-10", "2025-03-10", "2026-07-01", "2019-01-01"]),
                rnd.choice(["medicare", "commercial", "medicaid"]),
                rnd.choice(["99213", "98005", "99458", "99457", "G2012"]),
                rnd.choice([(), ("95",), ("93", "95"), ("GT",), ("FQ", "GT")]),
                rnd.choice(["10", "02", "11", None])))
    if not together:
        rnd.shuffle(lines)
    lines += [ClaimLine("", "1", "", "", "", (), None, 1, "no claim_id")] * 3
    results = check_lines(lines, checker)[1]
    data = summary(real_cb, "x", "csv", lines, results)
    verdicts, claims, by = naive_summary(real_cb, "x", lines, results)
    assert data["verdicts"] == verdicts
    assert data["claims"] == claims
    assert {e["id"]: (e["lines"], e["claims"], e["sources"]) for e in data["reasons"]} == by
    assert data["lines"] == len(lines)


def test_claims_by_reason_with_a_reason_twice_in_one_result():
    from engine.batch.claims.report import claims_by_reason
    from engine.core.claim import ClaimResult, Reason

    def reason(rid):
        return Reason(rid, "warning", "m", (), ())

    twice = ClaimResult("warning", (reason("a"), reason("a"), reason("b")), "m", None)
    other = ClaimResult("warning", (reason("b"), reason("c")), "m", None)
    ok = ClaimResult("ok", (), "", None)
    ids = ["X", "X", "Y", "Z", "Z", "Z"]
    res = [twice, other, twice, ok, other, twice]
    assert claims_by_reason(ids, res) == (3, {"a": 3, "b": 3, "c": 2})
    # the same lines, a claim's lines apart
    order = [0, 2, 3, 1, 4, 5]
    assert claims_by_reason([ids[i] for i in order], [res[i] for i in order]) == (
        3, {"a": 3, "b": 3, "c": 2})
    assert claims_by_reason([], []) == (0, {})
