from engine.tooling.lint import overlapping_statuses as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_same_payer_same_code_overlapping(minimal_copy, edit, run_rule):
    edit(minimal_copy, "payers/medicare.yaml", 'codes: ["98016"]', 'codes: ["98016", "99213"]')
    assert run_rule(rule, minimal_copy) == [
        "payers/medicare.yaml:28: medicare-status-98016: medicare status of 99213 "
        "(2025-01-01..open) overlaps status medicare-status-office-em (2024-01-01..open, "
        "payers/medicare.yaml:10) from 2025-01-01 — end one record the day before the other "
        "starts, or remove the code from one of them",
    ]


def test_other_payers_and_adjacent_ranges_are_fine(minimal_copy, edit, run_rule):
    # commercial also lists 99212/99213: different payer, no problem
    edit(minimal_copy, "payers/medicare.yaml", 'codes: ["98016"]', 'codes: ["98016", G2012]')
    assert run_rule(rule, minimal_copy) == []  # G2012's own status ends 2024-12-31
