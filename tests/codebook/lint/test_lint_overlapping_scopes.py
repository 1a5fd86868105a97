from engine.tooling.lint import overlapping_scopes as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_same_payer_twice_on_one_day(minimal_copy, edit, run_rule):
    edit(minimal_copy, "modifiers.yaml", "  - payer: commercial", "  - payer: medicare")
    assert run_rule(rule, minimal_copy) == [
        "modifiers.yaml:12: mod-95: scope entry 2 (medicare, 2024-01-01..open) overlaps entry 1 "
        "(medicare, 2024-01-01..open) — end the earlier entry the day before the later one starts",
    ]


def test_any_overlaps_every_payer_but_dated_entries_are_fine(minimal_copy, edit, run_rule):
    edit(minimal_copy, "modifiers.yaml", "  - payer: commercial", "  - payer: any")
    assert len(run_rule(rule, minimal_copy)) == 1
    edit(minimal_copy, "modifiers.yaml", "        use: accepted\n        from: 2024-01-01\n",
         "        use: accepted\n        from: 2024-01-01\n        to: 2023-12-31\n")
    # an inverted entry is left to inverted-range
    assert run_rule(rule, minimal_copy) == []
