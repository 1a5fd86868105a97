from engine.tooling.lint import lapse_restored_by as rule

FILE = "policies/medicare-telehealth-flexibilities.yaml"


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_restored_by_unknown_period(minimal_copy, edit, run_rule):
    edit(minimal_copy, FILE, "restored_by: flex-2025-restored", "restored_by: flex-2026")
    assert run_rule(rule, minimal_copy) == [
        f"{FILE}:16: flex-2025-lapse: restored_by names unknown period 'flex-2026' — name the id "
        "of the extended period whose law restored it",
    ]


def test_restored_by_an_earlier_extension(minimal_copy, edit, run_rule):
    edit(minimal_copy, FILE, "restored_by: flex-2025-restored", "restored_by: flex-2024")
    assert run_rule(rule, minimal_copy) == [
        f"{FILE}:16: flex-2025-lapse: restored_by names flex-2024, which starts (2024-01-01) "
        "before the lapse ends — a lapse is restored by a later period",
    ]


def test_restored_by_on_an_extension(minimal_copy, edit, run_rule):
    edit(minimal_copy, FILE, '    law: "Another law"\n',
         '    law: "Another law"\n    restored_by: flex-2024\n')
    assert run_rule(rule, minimal_copy) == [
        f"{FILE}:27: flex-2025-restored: restored_by is set on a period that is not a lapse — "
        "remove restored_by (only a lapse can be restored)",
    ]


def test_restored_by_not_a_string_is_left_to_the_schema(minimal_copy, edit, run_rule):
    # Found by the robustness property test: a list here crashed the rule (unhashable).
    edit(minimal_copy, FILE, "restored_by: flex-2025-restored", "restored_by: [flex-2025-restored]")
    assert run_rule(rule, minimal_copy) == []
