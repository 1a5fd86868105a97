import datetime as dt

from engine.tooling.lint import provisional_periods as rule
from engine.tooling.validate import validate_codebook

PERIOD = """provisional:
  - from: 2027-01-01
    to: 2027-12-31
    basis: the 2026 rules with no end date, carried forward
    unreviewed: [CPT 2027 code changes]
    review_due: 2027-02-15
    sources: [{id: src-primary, locator: "x"}]
"""


def with_period(root, edit, text=PERIOD):
    path = root / "codebook.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_clean_without_and_with_a_period(minimal_copy, edit, run_rule):
    assert run_rule(rule, minimal_copy) == []
    with_period(minimal_copy, edit)
    assert run_rule(rule, minimal_copy) == []


def test_missing_basis_unreviewed_and_review_date(minimal_copy, edit, run_rule):
    with_period(minimal_copy, edit, PERIOD.replace(
        "basis: the 2026 rules with no end date, carried forward", 'basis: " "').replace(
        "unreviewed: [CPT 2027 code changes]", "unreviewed: []").replace(
        "review_due: 2027-02-15", "review_due: soon"))
    assert run_rule(rule, minimal_copy) == [
        "codebook.yaml:8: provisional period 1: has no basis — say what its answers rest on, "
        "e.g. \"the 2026 rules that have no end date, carried forward\"",
        "codebook.yaml:9: provisional period 1: does not list what is unreviewed — list each "
        "source not yet reviewed (CPT changes, the fee schedule rule, payer policies)",
        "codebook.yaml:10: provisional period 1: has no review date — set review_due to the day "
        "the review should be done by",
    ]


def test_overlap_with_coverage_another_period_and_inverted(minimal_copy, edit, run_rule):
    second = PERIOD.split("\n", 1)[1].replace("2027-01-01", "2027-06-01").replace(
        "2027-12-31", "2028-06-30")
    third = PERIOD.split("\n", 1)[1].replace("2027-01-01", "2029-03-01").replace(
        "2027-12-31", "2029-01-31")
    with_period(minimal_copy, edit, PERIOD.replace("2027-01-01", "2026-12-01") + second + third)
    assert run_rule(rule, minimal_copy) == [
        "codebook.yaml:6: provisional period 1: overlaps the reviewed coverage (2024-01-01 to "
        "2026-12-31) — start it after covers.to: a reviewed day is never provisional",
        "codebook.yaml:12: provisional period 2: overlaps provisional period 1 (2026-12-01 to "
        "2027-12-31) — make the periods follow one another",
        "codebook.yaml:19: provisional period 3: is inverted: from 2029-03-01 to 2029-01-31 — "
        "make `to` on or after `from`",
    ]


def test_unknown_source(minimal_copy, edit, run_rule):
    with_period(minimal_copy, edit, PERIOD.replace("src-primary", "nope"))
    assert run_rule(rule, minimal_copy) == [
        "codebook.yaml:11: provisional period 1: unknown source 'nope' — add it to sources.yaml "
        "or cite a source id listed there",
    ]


def test_stale_after_reports_a_period_past_its_review_date(minimal_copy, edit):
    with_period(minimal_copy, edit)
    before = validate_codebook(minimal_copy, today=dt.date(2027, 2, 15),
                               stale_after=dt.timedelta(days=3650))
    assert [str(w) for w in before.warnings] == []
    after = validate_codebook(minimal_copy, today=dt.date(2027, 3, 1),
                              stale_after=dt.timedelta(days=3650))
    assert [str(w) for w in after.warnings] == [
        "codebook.yaml:10: provisional period 1: 2027-01-01 to 2027-12-31 is still "
        "provisional; its review was due 2027-02-15 (14 days ago) — review it (telecode "
        "new-year lists what is unreviewed), then move covers.to forward and delete the period",
    ]
    assert before.problems == [] and after.problems == []
