from engine.tooling.lint import mdm_levels as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_minutes_must_rise_with_the_level(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/office-em.yaml", "min_minutes: 20", "min_minutes: 10")
    assert run_rule(rule, minimal_copy) == [
        "codes/office-em.yaml:37: 99213: level 3 needs 10 minutes, not more than level 2 (99212, "
        "10) on 2024-01-01 — a higher level needs more minutes: check min_minutes",
    ]


def test_mdm_must_rise_with_the_level(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/office-em.yaml", "mdm: low", "mdm: straightforward")
    assert run_rule(rule, minimal_copy) == [
        "codes/office-em.yaml:35: 99213: level 3 has MDM straightforward, not above level 2 "
        "(99212, straightforward) on 2024-01-01 — order levels by MDM (straightforward < low < "
        "moderate < high)",
    ]


def test_repeated_level(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/office-em.yaml", "level: 3", "level: 2")
    assert run_rule(rule, minimal_copy) == [
        "codes/office-em.yaml:36: 99213: level 2 is also 99212's level (on 2024-01-01) — give "
        "each code of the ladder its own level",
    ]


def test_other_patient_status_is_another_ladder(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/office-em.yaml",
         "    patient_status: established\n    mdm: low\n    level: 3\n    min_minutes: 20",
         "    patient_status: new\n    mdm: low\n    level: 1\n    min_minutes: 5")
    assert run_rule(rule, minimal_copy) == []
