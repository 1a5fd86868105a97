from engine.tooling.lint import unknown_payer_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_route_rule_and_scope_payers(minimal_copy, edit, run_rule):
    (minimal_copy / "payers" / "commercial.yaml").unlink()
    edit(minimal_copy, "rules/checkins.yaml", "payers: [medicare]", "payers: [medicare, medicaid]")
    assert run_rule(rule, minimal_copy) == [
        "modifiers.yaml:12: mod-95: unknown payer 'commercial' — use one defined in "
        "payers/<payer>.yaml",
        "rules/checkins.yaml:5: checkin-related-em-prior-7-days: unknown payer 'medicaid' — did "
        "you mean 'medicare'? use one defined in payers/<payer>.yaml",
    ]


def test_scope_payer_any_is_fine(minimal_copy, edit, run_rule):
    edit(minimal_copy, "modifiers.yaml", "  - payer: commercial", "  - payer: any")
    assert run_rule(rule, minimal_copy) == []
