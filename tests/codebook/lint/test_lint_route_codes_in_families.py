from engine.tooling.lint import route_codes_in_families as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_code_of_another_family(minimal_copy, edit, run_rule):
    edit(minimal_copy, "routes/medicare.yaml", "families: [virtual-checkin]",
         'families: [virtual-checkin]\n    codes: [G2252, "99213"]')
    assert run_rule(rule, minimal_copy) == [
        "routes/medicare.yaml:19: medicare-checkin: code 99213 is not in the route's families "
        "(virtual-checkin) — add its family to `families`, or remove the code",
    ]
    edit(minimal_copy, "routes/medicare.yaml", "families: [virtual-checkin]",
         "families: [virtual-checkin, office-em]")
    assert run_rule(rule, minimal_copy) == []
