from engine.tooling.lint import condition_values as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_values_a_field_can_never_take(minimal_copy, edit, run_rule):
    edit(minimal_copy, "rules/checkins.yaml", "when: {field: related_em_prior_7_days, is: true}",
         "when: {all: [{field: related_em_prior_7_days, is: \"yes\"}, "
         "{any: [{field: modality, in: [audio_video, audio-only]}, "
         "{field: flexibility_state, not: lapsed}, {field: patient_location, min: 1}, "
         "{field: minutes, is: \"10\"}, {field: selected_codes, in: [\"98016\", \"98017\"]}]}]}")
    problems = run_rule(rule, minimal_copy)
    assert [p.split(" — ")[0] for p in problems] == sorted([
        "rules/checkins.yaml:8: checkin-related-em-prior-7-days: related_em_prior_7_days is true "
        "or false, not 'yes'",
        "rules/checkins.yaml:8: checkin-related-em-prior-7-days: modality can never be "
        "'audio-only'",
        "rules/checkins.yaml:8: checkin-related-em-prior-7-days: flexibility_state can never be "
        "'lapsed'",
        "rules/checkins.yaml:8: checkin-related-em-prior-7-days: 'min' compares patient_location "
        "(enum) as a number",
        "rules/checkins.yaml:8: checkin-related-em-prior-7-days: minutes is a number, not '10'",
        "rules/checkins.yaml:8: checkin-related-em-prior-7-days: selected_codes compared with "
        "unknown code '98017'",
    ])
    assert any("modality can never be 'audio-only' — did you mean 'audio_only'?" in p
               for p in problems)


def test_valid_conditions(minimal_copy, edit, run_rule):
    edit(minimal_copy, "rules/checkins.yaml", "when: {field: related_em_prior_7_days, is: true}",
         "when: {none: [{field: flexibility_state, in: [lapse, none]}, "
         "{field: discussion_share, above: 0.5}, {field: discussion_minutes, min: 11}, "
         "{field: consent_documented, present: false}, {field: selected_codes, is: G2252}]}")
    assert run_rule(rule, minimal_copy) == []
