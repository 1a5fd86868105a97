"""telecode new-year: the review worksheet, from the test codebook."""

from __future__ import annotations

import csv
import io

from engine.tooling import new_year


def rows_by_id(ws):
    return {r.id: r for r in ws.rows}


def test_open_records_at_end_of_previous_year(mini_bundle):
    ws = new_year.build(mini_bundle, 2025)
    ids = rows_by_id(ws)
    # open on 2024-12-31 and not ending that day
    assert "medicare-audio-video" in ids and "99454" in ids and "medicare-status-office-em" in ids
    # ending on 2024-12-31: closed, not on the worksheet
    assert "medicare-audio-only-2024" not in ids and "99441" not in ids and "G2012" not in ids
    # starting in 2025: not open at the end of 2024
    assert "98016" not in ids and "medicare-audio-only-2025" not in ids
    assert "flex-2024-caa23" not in ids  # ends 2024-12-31


def test_questions_are_generated_from_the_data(mini_bundle):
    ws = new_year.build(mini_bundle, 2025)
    q = "\n".join(ws.questions)
    assert "99441–99443, G2012 ended on 2024-12-31" in q
    assert "Codes already recorded as new in 2025: 98000–98002, 98016" in q
    ws26 = new_year.build(mini_bundle, 2026)
    q26 = "\n".join(ws26.questions)
    assert ("The Medicare telehealth flexibilities timeline ends on 2026-01-30 (extended, "
            "Continuing Appropriations Act, 2026)") in q26
    assert "1 open record(s) are unverified" in q26
    assert "1 open record(s) were last verified before 2025-01-01" in q26
    assert "codebook.yaml covers" not in q26  # covers.to is 2026-12-31
    ws27 = new_year.build(mini_bundle, 2027)
    assert ws27.questions[0].startswith("codebook.yaml covers dates up to 2026-12-31: set "
                                        "covers.to to 2027-12-31")


def test_row_questions(mini_bundle):
    ids = rows_by_id(new_year.build(mini_bundle, 2026))
    r = ids["medicare-audio-only-2025"]
    assert r.question == ("Does Medicare still want 99202–99205, 99211–99215 with 93, POS 02 "
                          "(facility), 10 (home) for audio-only (em-practitioner) in 2026?")
    s = ids["medicare-status-rpm"]
    assert s.question.startswith("Is Medicare's status of 99454 still 'payable' in 2026? Check "
                                 "with the January 2026 PPRRVU file")
    c = ids["commercial-status-telemedicine-em"]
    assert "Unverified: Plans differ; not checked per plan." in c.question
    assert "Last verified 2024-06-01: re-check it." in c.question
    assert c.sources == "src-b (p)" and c.last_verified == "2024-06-01"


def test_cli_writes_markdown_and_csv_and_changes_nothing(cli, mini_copy, tmp_path):
    before = {p: p.read_bytes() for p in mini_copy.rglob("*") if p.is_file()}
    out = tmp_path / "review"
    code, stdout, err = cli("new-year", "2026", "-o", out, "--codebook", mini_copy)
    assert code == 0, err
    assert before == {p: p.read_bytes() for p in mini_copy.rglob("*") if p.is_file()}
    md = (out / "new-year-2026.md").read_text()
    assert md.startswith("# Review for 2026\n")
    assert "## Commands to run next" in md and "telecode diff 2025 2026" in md
    assert "| medicare-status-rpm | payers/medicare.yaml:" in md
    rows = list(csv.DictReader(io.StringIO((out / "new-year-2026.csv").read_text())))
    assert list(rows[0]) == new_year.CSV_COLUMNS
    by_id = {r["id"]: r for r in rows}
    assert by_id["medicare-audio-only-2025"]["where"] == "routes/medicare.yaml:34"
    assert by_id["medicare-audio-only-2025"]["from"] == "2025-01-01"
    assert all(r["answer"] == "" for r in rows)
    # deterministic
    code, _, _ = cli("new-year", "2026", "-o", tmp_path / "again", "--codebook", mini_copy)
    assert (tmp_path / "again" / "new-year-2026.md").read_bytes() == (
        out / "new-year-2026.md").read_bytes()


def test_cli_bad_year(cli, mini_dir, tmp_path):
    code, _, err = cli("new-year", "next", "--codebook", mini_dir, "-o", tmp_path)
    assert code == 2 and "not a year" in err
    code, _, err = cli("new-year", "2024", "--codebook", mini_dir, "-o", tmp_path)
    assert code == 2 and "no previous year" in err
