"""`telecode batch --payments`: each row's lines get their Medicare national amounts (CSV and
JSONL, after the result's columns and before the input's extras). The amounts are the CMS rows
(tests/data/PPRRVU2025_Oct-payments.csv, PPRRVU2026_Jan-codebook.csv) worked by hand: total
RVUs x conversion factor, to the cent; POS 10 takes the non-facility amount, POS 02 the
facility amount."""

from __future__ import annotations

import json

from engine.batch.results import OUTPUT_COLUMNS, PAYMENT_COLUMNS, SHORT_COLUMNS

HEADER = "id,date_of_service,payer,patient_status,modality,mdm,patient_location,note\n"
ROWS = ("home,2025-11-10,medicare,established,audio_video,moderate,home,a\n"
        "away,2026-02-10,medicare,established,audio_video,moderate,facility,b\n"
        "plan,2025-11-10,commercial,established,audio_video,moderate,home,c\n"
        "early,2025-03-10,medicare,established,audio_video,moderate,home,d\n"
        "bad,2025-11-10,medicare,established,audio_video,bogus,home,e\n")
EXPECTED = {  # national (the POS's), non-facility, facility
    "home": ("125.18", "125.18", "93.80"),    # 99214 RVU25D: 3.87 / 2.90 x 32.3465
    "away": ("84.50", "135.61", "84.50"),     # 99214 RVU26A: 4.06 / 2.53 x 33.4009
    "plan": ("", "", ""),                     # not Medicare
    "early": ("", "", ""),                    # before the first fee schedule the codebook holds
    "bad": ("", "", ""),                      # invalid row
}


def _cells(row: dict[str, object]) -> tuple[object, ...]:
    return tuple(row[c] for c in PAYMENT_COLUMNS)


def test_csv_rows_get_the_payment_columns(batch, write):
    res = batch(write("in.csv", HEADER + ROWS), "--payments", "--quiet")
    assert res.status == 0, res.err
    header = res.out.splitlines()[0].split(",")
    assert header == [*SHORT_COLUMNS, *PAYMENT_COLUMNS, "note"]
    rows = res.by_id()
    assert {k: _cells(r) for k, r in rows.items()} == EXPECTED
    assert rows["home"]["expected"] == "99214-95@10" and rows["home"]["note"] == "a"
    # without the flag the output has no payment columns (and takes the fast path)
    plain = batch(write("in2.csv", HEADER + ROWS), "--quiet")
    assert plain.out.splitlines()[0].split(",") == [*SHORT_COLUMNS, "note"]
    assert [r["expected"] for r in plain.csv_rows()] == [r["expected"] for r in rows.values()]


def test_billed_csv_and_jsonl_rows_get_them_too(batch, write):
    billed = HEADER.replace(",note", ",billed_code,note")
    body = "".join(r.replace(",a\n", ",99214,a\n").replace(",b\n", ",99214,b\n")
                   .replace(",c\n", ",,c\n").replace(",d\n", ",,d\n").replace(",e\n", ",,e\n")
                   for r in ROWS.splitlines(keepends=True))
    res = batch(write("billed.csv", billed + body), "--payments", "--quiet")
    assert res.out.splitlines()[0].split(",") == [*OUTPUT_COLUMNS, *PAYMENT_COLUMNS, "note"]
    assert {k: _cells(r) for k, r in res.by_id().items()} == EXPECTED
    names = HEADER.strip().split(",")
    lines = [json.dumps(dict(zip(names, r.strip().split(","), strict=True))) for r in
             ROWS.splitlines()]
    src = write("in.jsonl", "\n".join(lines) + "\n")
    out = batch(src, "--payments", "--quiet")
    assert {r["id"]: _cells(r) for r in out.jsonl()} == EXPECTED
    as_csv = batch(src, "--payments", "--quiet", "--format", "csv")
    assert {k: _cells(r) for k, r in as_csv.by_id().items()} == EXPECTED


def test_lines_are_joined_in_the_order_of_expected(batch, write):
    header = ("id,date_of_service,payer,patient_status,modality,device_days,management_minutes,"
              "interactive_communication,patient_location\n")
    row = "rpm,2025-11-10,medicare,established,remote_monitoring,16,45,true,home\n"
    res = batch(write("rpm.csv", header + row), "--payments", "--quiet")
    got = res.by_id()["rpm"]
    lines = got["expected"].split(";")
    assert lines == ["99454", "99457", "99458"], got
    # no telehealth POS on monitoring lines: no single amount, both rates per line (RVU25D
    # totals 1.33/1.33, 1.48/0.89, 1.19/0.89 x 32.3465)
    assert _cells(got) == (";;", "43.02;47.87;38.49", "43.02;28.79;28.79")


def test_jsonl_rows_with_payments_follow_the_row_schema(batch, write):
    from jsonschema import Draft202012Validator

    from engine.core.codebook import DEFAULT_PATH

    path = DEFAULT_PATH.replace("codebook.json", "batch-row.schema.json")
    with open(path, encoding="utf-8") as fh:
        schema = Draft202012Validator(json.load(fh))
    res = batch(write("in.csv", HEADER + ROWS), "--payments", "--quiet", "--format", "jsonl")
    rows = res.jsonl()
    assert len(rows) == 5
    for row in rows:
        assert [e.message for e in schema.iter_errors(row)] == [], row
    assert list(schema.iter_errors({**rows[0], "medicare_national_amount": "$125.18"}))
