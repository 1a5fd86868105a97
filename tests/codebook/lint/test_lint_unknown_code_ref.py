from engine.tooling.lint import unknown_code_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_every_kind_of_code_reference(minimal_copy, edit, run_rule):
    edit(minimal_copy, "payers/medicare.yaml", 'codes: ["98016"]', 'codes: ["98061"]')
    edit(minimal_copy, "codes/virtual-checkin.yaml", "replaces: [G2012]", "replaces: [G2021]")
    edit(minimal_copy, "routes/medicare.yaml", "families: [virtual-checkin]",
         "families: [virtual-checkin]\n    codes: [G2252, G2253]")
    edit(minimal_copy, "rules/checkins.yaml", "families: [virtual-checkin]",
         "families: [virtual-checkin]\n      codes: [\"98016\", \"98017\"]")
    edit(minimal_copy, "faq.yaml", 'codes: ["99213", "95"]', 'codes: ["99214", "95"]')
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:38: 98016: unknown code 'G2021' — did you mean 'G2012'? use "
        "one defined in codes/*.yaml",
        "faq.yaml:5: faq-medicare-video: unknown code '99214' — did you mean '99213'? use one "
        "defined in codes/*.yaml",
        "payers/medicare.yaml:28: medicare-status-98016: unknown code '98061' — did you mean "
        "'98016'? use one defined in codes/*.yaml",
        "routes/medicare.yaml:19: medicare-checkin: unknown code 'G2253' — did you mean 'G2252'? "
        "use one defined in codes/*.yaml",
        "rules/checkins.yaml:7: checkin-related-em-prior-7-days: unknown code '98017' — did you "
        "mean '98016'? use one defined in codes/*.yaml",
    ]


def test_add_on_primary(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "    replaces: [G2012]\n",
         "    replaces: [G2012]\n    add_on: {primary: \"99999\", each_minutes: 10}\n")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:39: 98016: unknown code '99999' — use one defined in "
        "codes/*.yaml",
    ]
