from engine.tooling.lint import overlapping_flexibilities as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_overlapping_periods(minimal_copy, edit, run_rule):
    edit(minimal_copy, "policies/medicare-telehealth-flexibilities.yaml", "from: 2025-11-13",
         "from: 2025-11-01")
    assert run_rule(rule, minimal_copy) == [
        "policies/medicare-telehealth-flexibilities.yaml:24: flex-2025-restored: period "
        "2025-11-01..open overlaps flex-2025-lapse (2025-10-01..2025-11-12) — each day has one "
        "state: end the earlier period the day before this one starts",
    ]


def test_a_gap_is_not_an_overlap(minimal_copy, edit, run_rule):
    edit(minimal_copy, "policies/medicare-telehealth-flexibilities.yaml", "from: 2025-11-13",
         "from: 2025-12-01")
    assert run_rule(rule, minimal_copy) == []
