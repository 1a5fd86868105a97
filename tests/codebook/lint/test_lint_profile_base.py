from engine.tooling.lint import profile_base as rule
from tests.codebook.lint._profiles import profile_text, write_profile


def test_clean(minimal_copy, run_rule):
    write_profile(minimal_copy, "plan_a", profile_text("plan_a", "commercial"))
    write_profile(minimal_copy, "plan_b", profile_text("plan_b", "plan_a"))
    assert run_rule(rule, minimal_copy) == []


def test_unknown_base_names_the_closest_ids(minimal_copy, run_rule):
    write_profile(minimal_copy, "plan_a", profile_text("plan_a", "comercial"))
    assert run_rule(rule, minimal_copy) == [
        "payers/profiles/plan_a.yaml:5: plan_a: unknown base 'comercial' — did you mean "
        "'commercial'? use a payer (commercial, medicare) or a profile id",
    ]


def test_cycle_of_bases(minimal_copy, run_rule):
    write_profile(minimal_copy, "plan_a", profile_text("plan_a", "plan_b"))
    write_profile(minimal_copy, "plan_b", profile_text("plan_b", "plan_a"))
    assert run_rule(rule, minimal_copy) == [
        "payers/profiles/plan_a.yaml:5: plan_a: its bases form a cycle: plan_a -> plan_b -> "
        "plan_a — make one of them inherit from a payer (medicare, commercial or medicaid)",
        "payers/profiles/plan_b.yaml:5: plan_b: its bases form a cycle: plan_b -> plan_a -> "
        "plan_b — make one of them inherit from a payer (medicare, commercial or medicaid)",
    ]


def test_itself_as_base(minimal_copy, run_rule):
    write_profile(minimal_copy, "plan_a", profile_text("plan_a", "plan_a"))
    assert run_rule(rule, minimal_copy) == [
        "payers/profiles/plan_a.yaml:5: plan_a: the profile names itself as its base — name the "
        "payer or profile it inherits from, e.g. base: commercial",
    ]
