from engine.tooling.lint import unknown_family_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_route_and_rule_scope_families(minimal_copy, edit, run_rule):
    edit(minimal_copy, "routes/medicare.yaml", "families: [office-em]",
         "families: [office-em, telemedicine-em]")
    edit(minimal_copy, "rules/checkins.yaml", "families: [virtual-checkin]",
         "families: [virtual-check-in]")
    assert run_rule(rule, minimal_copy) == [
        "routes/medicare.yaml:6: medicare-audio-video: unknown family 'telemedicine-em' — use one "
        "defined in codes/<family>.yaml",
        "rules/checkins.yaml:6: checkin-related-em-prior-7-days: unknown family "
        "'virtual-check-in' — did you mean 'virtual-checkin'? use one defined in "
        "codes/<family>.yaml",
    ]
