import datetime as dt

from engine.tooling.lint import future_last_verified as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_today_is_injectable(minimal_copy, run_rule):
    # every record was verified 2026-10-01, the source accessed 2026-10-01
    problems = run_rule(rule, minimal_copy, today=dt.date(2026, 9, 30))
    assert len(problems) == 29  # 28 records + 1 source accessed
    assert problems[0] == (
        "codes/office-em.yaml:12: office-em: last_verified 2026-10-01 is in the future (today is "
        "2026-09-30) — set last_verified to the day it was really checked")
    assert "sources.yaml:7: src-primary: accessed 2026-10-01 is in the future (today is " \
        "2026-09-30) — set accessed to the day it was really checked" in problems
    assert run_rule(rule, minimal_copy, today=dt.date(2026, 10, 1)) == []


def test_one_record_in_the_future(minimal_copy, edit, run_rule):
    edit(minimal_copy, "faq.yaml", "last_verified: 2026-10-01", "last_verified: 2026-11-02")
    assert run_rule(rule, minimal_copy) == [
        "faq.yaml:18: faq-medicare-video: last_verified 2026-11-02 is in the future (today is "
        "2026-11-01) — set last_verified to the day it was really checked",
    ]
