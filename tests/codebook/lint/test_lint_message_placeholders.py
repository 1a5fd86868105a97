from engine.tooling.lint import message_placeholders as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_rule_message_placeholders(minimal_copy, edit, run_rule):
    # conflict.* is allowed only in a rule that names a conflict
    edit(minimal_copy, "rules/checkins.yaml", 'message: "Document the patient\'s consent."',
         'message: "Document consent ({conflict.chosen})."')
    problems = run_rule(rule, minimal_copy)
    assert len(problems) == 1
    assert problems[0].startswith(
        "rules/checkins.yaml:21: checkin-consent: unknown placeholder {conflict.chosen} — use an "
        "encounter key or one of: {clinician_label}, {codes}, {flexibility.from}, ")


def test_messages_yaml_own_and_engine_placeholders(minimal_copy, edit, run_rule):
    edit(minimal_copy, "messages.yaml", "{requested_code} is not valid",
         "{requested_code} ({valid_from}) is not valid for {reason}")
    edit(minimal_copy, "messages.yaml", "placeholders: [requested_code]",
         "placeholders: [requested_code, reason]")
    # valid_from is not in this message's list; the engine fills it only for
    # requested-code-not-valid-on-date
    problems = run_rule(rule, minimal_copy)
    assert [p.split(" — ")[0] for p in problems] == [
        "messages.yaml:11: requested-code-invalid: unknown placeholder {valid_from}"]
    edit(minimal_copy, "messages.yaml", "id: requested-code-invalid",
         "id: requested-code-not-valid-on-date")
    assert run_rule(rule, minimal_copy) == []


def test_family_messages(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", '"Under {min_minutes} minutes of discussion',
         '"{family}: {discussion_minutes} of {minimum} minutes ({period}) of discussion')
    problems = run_rule(rule, minimal_copy)
    # {period} exists only for e-visit families (time_basis evisit_periods)
    assert [p.split(" — ")[0] for p in problems] == [
        "codes/virtual-checkin.yaml:9: virtual-checkin: unknown placeholder {period}"]
    edit(minimal_copy, "codes/virtual-checkin.yaml", "time_basis: discussion_or_minutes",
         "time_basis: evisit_periods\n  period_days: 7")
    assert run_rule(rule, minimal_copy) == []


def test_encounter_keys_are_placeholders(minimal_copy, edit, run_rule):
    edit(minimal_copy, "rules/checkins.yaml", 'message: "Document the patient\'s consent."',
         'message: "Document consent ({minutes} min, {patient_location}, {selected_codes})."')
    assert run_rule(rule, minimal_copy) == []


def test_message_titles_have_no_placeholder(minimal_copy, edit, run_rule):
    edit(minimal_copy, "messages.yaml", '    text: "No rule for {payer}',
         '    title: "No rule for this payer on that date"\n    text: "No rule for {payer}')
    assert run_rule(rule, minimal_copy) == []
    edit(minimal_copy, "messages.yaml", '"No rule for this payer on that date"',
         '"No rule for {payer} on that date"')
    problems = run_rule(rule, minimal_copy)
    assert problems == [
        "messages.yaml:4: not-covered-no-route: the title 'No rule for {payer} on that date' "
        "has a placeholder — a title is quoted as it is (in batch reasons): write it without "
        "{...}"]


def test_family_data_placeholders_need_a_value(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", '"Over {max_minutes} minutes:',
         '"Over {max_minutes} ({G2252.max_minutes}, {99213.min_minutes}) minutes:')
    assert run_rule(rule, minimal_copy) == []
    edit(minimal_copy, "codes/virtual-checkin.yaml", "{99213.min_minutes}",
         "{99999.min_minutes}, {G2252.max_minute}")
    edit(minimal_copy, "codes/virtual-checkin.yaml", "    min_minutes: 11\n    max_minutes: 20",
         "    min_minutes: 11\n    max_minutes: null")
    problems = run_rule(rule, minimal_copy)
    assert [p.split(" — ")[0] for p in problems] == [
        "codes/virtual-checkin.yaml:10: virtual-checkin: unknown placeholder {G2252.max_minute}",
        "codes/virtual-checkin.yaml:10: virtual-checkin: {99999.min_minutes} has no value: no "
        "code 99999 with one min_minutes in every version",
        "codes/virtual-checkin.yaml:10: virtual-checkin: {G2252.max_minutes} has no value: no "
        "code G2252 with one max_minutes in every version",
        "codes/virtual-checkin.yaml:10: virtual-checkin: {max_minutes} has no value: a code of "
        "this family that is not an add-on has no max_minutes (an open-ended band)",
    ]
