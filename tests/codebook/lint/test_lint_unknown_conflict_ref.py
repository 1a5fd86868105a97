from engine.tooling.lint import unknown_conflict_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_rule_conflict(minimal_copy, edit, run_rule):
    edit(minimal_copy, "rules/checkins.yaml", "conflict: checkin-window",
         "conflict: modifier-95")
    assert run_rule(rule, minimal_copy) == [
        "rules/checkins.yaml:11: checkin-related-em-prior-7-days: unknown conflict 'modifier-95' "
        "— use one defined in policies/source-conflicts.yaml",
    ]


def test_silent_without_a_conflicts_file_that_loads(minimal_copy, edit, run_rule):
    (minimal_copy / "policies" / "source-conflicts.yaml").write_bytes(b"conflicts: \xff\n")
    assert run_rule(rule, minimal_copy) == []
