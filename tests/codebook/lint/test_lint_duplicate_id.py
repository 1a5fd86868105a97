from engine.tooling.lint import duplicate_id as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_same_id_in_two_kinds_of_records(minimal_copy, edit, run_rule):
    # a rule that takes the id of a conflict (ids are unique across the whole codebook)
    edit(minimal_copy, "rules/checkins.yaml", "- id: checkin-consent", "- id: checkin-window")
    assert run_rule(rule, minimal_copy) == [
        "rules/checkins.yaml:16: checkin-window: id 'checkin-window' is already used by a "
        "conflict at policies/source-conflicts.yaml:2 — give this record a unique id (a later "
        "version of a code is \"<code>@<from>\")",
    ]


def test_same_code_id_twice(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/office-em.yaml", '  - id: "99213"', '  - id: "99212"')
    assert run_rule(rule, minimal_copy) == [
        "codes/office-em.yaml:29: 99212: id '99212' is already used by a code at "
        "codes/office-em.yaml:15 — give this record a unique id (a later version of a code is "
        "\"<code>@<from>\")",
    ]
