from engine.tooling.lint import profile_rules as rule
from engine.tooling.lint import unknown_modifier_ref
from tests.codebook.lint._profiles import profile_text, rule_text, write_profile


def test_clean(minimal_copy, run_rule):
    rules = (rule_text("a-video-2024", "audio_video", "2024-01-01", "2024-12-31")
             + rule_text("a-video-2025", "audio_video", "2025-01-01")
             + rule_text("a-checkin", "virtual_checkin", "2024-01-01"))
    write_profile(minimal_copy, "plan_a", profile_text("plan_a", "commercial", rules))
    assert run_rule(rule, minimal_copy) == []


def test_overlapping_dates(minimal_copy, run_rule):
    rules = (rule_text("a-video-2024", "audio_video", "2024-01-01", "2025-03-31")
             + rule_text("a-video-2025", "audio_video", "2025-01-01"))
    write_profile(minimal_copy, "plan_a", profile_text("plan_a", "commercial", rules))
    assert run_rule(rule, minimal_copy) == [
        "payers/profiles/plan_a.yaml:24: a-video-2025: overlapping dates: it and a-video-2024 "
        "(2024-01-01..2025-03-31, line 12) both hold for audio_video from 2025-01-01 — end the "
        "earlier rule the day before this one starts",
    ]


def test_medicaid_state(minimal_copy, run_rule):
    write_profile(minimal_copy, "state_a", profile_text("state_a", "medicaid", ptype="medicaid"))
    write_profile(minimal_copy, "state_b", profile_text("state_b", "medicaid", ptype="medicaid",
                                                        extra="  state: TX\n"))
    write_profile(minimal_copy, "state_c", profile_text("state_c", "medicaid", ptype="medicaid",
                                                        extra="  state: TX\n"))
    # a plan built on a state's profile is asked for by its own id: no state of its own needed
    write_profile(minimal_copy, "plan_e", profile_text("plan_e", "state_b", ptype="medicaid"))
    write_profile(minimal_copy, "plan_d", profile_text("plan_d", "commercial",
                                                       extra="  state: OH\n"))
    assert run_rule(rule, minimal_copy) == [
        "payers/profiles/plan_d.yaml:6: plan_d: only Medicaid profiles have a state — remove "
        "state: (the encounter's state is recorded anyway)",
        "payers/profiles/state_a.yaml:4: state_a: a state Medicaid profile (base: medicaid) "
        "without a state — add state: with the two-letter state, e.g. state: TX",
        "payers/profiles/state_c.yaml:6: state_c: state TX already has a profile, state_b — "
        "keep one profile per state",
    ]


def test_ignores_unknown_rule(minimal_copy, run_rule):
    write_profile(minimal_copy, "plan_a", profile_text(
        "plan_a", "commercial", extra="  ignores: [checkin-consnt]\n"))
    assert run_rule(rule, minimal_copy) == [
        "payers/profiles/plan_a.yaml:6: plan_a: ignores unknown rule 'checkin-consnt' — did you "
        "mean 'checkin-consent'? use a rule id from rules/*.yaml",
    ]


def test_unknown_modifier_in_a_profile_rule(minimal_copy, run_rule):
    rules = rule_text("a-video", "audio_video", "2024-01-01", extra='    modifiers: ["9S"]\n')
    write_profile(minimal_copy, "plan_a", profile_text("plan_a", "commercial", rules))
    assert run_rule(unknown_modifier_ref, minimal_copy) == [
        "payers/profiles/plan_a.yaml:17: a-video: unknown modifier '9S' — "
        "use one defined in modifiers.yaml",
    ]
