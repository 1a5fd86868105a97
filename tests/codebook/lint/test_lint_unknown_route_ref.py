from engine.tooling.lint import unknown_route_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_rule_scope_routes(minimal_copy, edit, run_rule):
    edit(minimal_copy, "rules/checkins.yaml", "scope: {modalities: [virtual_checkin]}",
         "scope: {routes: [medicare-checkin, medicare-check-in]}")
    assert run_rule(rule, minimal_copy) == [
        "rules/checkins.yaml:18: checkin-consent: unknown route 'medicare-check-in' — did you "
        "mean 'medicare-checkin'? use one defined in routes/<payer>.yaml",
    ]
