from engine.tooling.lint import family_fields as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_time_band_needs_basis_and_minutes(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "  time_basis: discussion_or_minutes\n", "")
    edit(minimal_copy, "codes/virtual-checkin.yaml", "    min_minutes: 11\n", "")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:6: virtual-checkin: selection time_band needs a time_basis — "
        "add time_basis: (see codebook/README.md)",
        "codes/virtual-checkin.yaml:43: G2252: code of time_band family virtual-checkin has no "
        "min_minutes — give the band's min_minutes (and max_minutes, or null if open)",
    ]


def test_evisit_periods_need_period_days(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "time_basis: discussion_or_minutes",
         "time_basis: evisit_periods")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:7: virtual-checkin: time_basis evisit_periods needs "
        "period_days — add period_days: 7",
    ]


def test_mdm_or_time_codes_need_level_and_mdm(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/office-em.yaml", "    level: 3\n", "")
    assert run_rule(rule, minimal_copy) == [
        "codes/office-em.yaml:30: 99213: code of mdm_or_time family office-em has no level — add "
        "level: (see codebook/README.md)",
    ]
    edit(minimal_copy, "codes/office-em.yaml", "    mdm: low\n", "    selectable: false\n")
    assert run_rule(rule, minimal_copy) == []


def test_add_on_primary_in_the_same_family(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "    replaces: [G2012]\n",
         "    replaces: [G2012]\n    add_on: {primary: \"99213\", each_minutes: 10}\n")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:39: 98016: add-on primary 99213 is not a code of family "
        "virtual-checkin — name a code of the same family",
    ]
