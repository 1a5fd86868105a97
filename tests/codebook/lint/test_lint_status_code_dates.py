from engine.tooling.lint import status_code_dates as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_code_that_does_not_exist_during_the_status(minimal_copy, edit, run_rule):
    # G2012 ended 2024-12-31; a status from 2025 cannot list it
    edit(minimal_copy, "payers/medicare.yaml", 'codes: ["98016"]', 'codes: ["98016", G2012]')
    assert run_rule(rule, minimal_copy) == [
        "payers/medicare.yaml:28: medicare-status-98016: G2012 does not exist during this status "
        "(2025-01-01..open); it exists 2024-01-01..2024-12-31 — fix the status dates, or remove "
        "the code from it",
    ]


def test_partial_overlap_is_fine(minimal_copy, edit, run_rule):
    # the office-em status (2024 ->) lists G2012 too: it exists on some of its days
    edit(minimal_copy, "payers/commercial.yaml", 'codes: ["99212", "99213"]',
         'codes: ["99212", "99213", G2012, "98016"]')
    assert run_rule(rule, minimal_copy) == []
