from engine.tooling.lint import inverted_range as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_inverted_record_scope_entry_and_covers(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "to: 2024-12-31", "to: 2023-12-31")
    edit(minimal_copy, "modifiers.yaml", "        use: required\n        from: 2024-01-01\n",
         "        use: required\n        from: 2024-01-01\n        to: 2023-06-30\n")
    edit(minimal_copy, "codebook.yaml", "to: 2026-12-31", "to: 2023-12-31")
    fix = ("`to` is the last day the fact holds: make it on or after `from` (or null while "
           "open)")
    assert run_rule(rule, minimal_copy) == [
        "codebook.yaml:4: -: covers is inverted: from 2024-01-01 to 2023-12-31 — make covers.to "
        "on or after covers.from",
        f"codes/virtual-checkin.yaml:21: G2012: range is inverted: from 2024-01-01 to 2023-12-31 "
        f"— {fix}",
        f"modifiers.yaml:15: mod-95: scope entry 2 is inverted: from 2024-01-01 to 2023-06-30 — "
        f"{fix}",
    ]


def test_a_one_day_range_is_fine(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "to: 2024-12-31", "to: 2024-01-01")
    assert run_rule(rule, minimal_copy) == []
