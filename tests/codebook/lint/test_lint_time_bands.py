from engine.tooling.lint import time_bands as rule

FIX = ("make each band start at the previous band's max_minutes + 1 (here min_minutes: 11), or "
       "end one of the codes (`to`)")


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_gap_is_reported_per_date(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "min_minutes: 11", "min_minutes: 15")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:49: G2252: time bands of virtual-checkin leave a gap between "
        f"98016 (5-10) and G2252 (15-20) on 2025-01-01 — {FIX}",
        "codes/virtual-checkin.yaml:49: G2252: time bands of virtual-checkin leave a gap between "
        f"G2012 (5-10) and G2252 (15-20) on 2024-01-01 — {FIX}",
    ]


def test_overlap_only_on_the_dates_it_happens(minimal_copy, edit, run_rule):
    # 98016 becomes 5-12 from 2025: overlaps G2252 (11-20) only from 2025-01-01
    edit(minimal_copy, "codes/virtual-checkin.yaml",
         "    from: 2025-01-01\n    patient_status: established\n    min_minutes: 5\n"
         "    max_minutes: 10\n",
         "    from: 2025-01-01\n    patient_status: established\n    min_minutes: 5\n"
         "    max_minutes: 12\n")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:49: G2252: time bands of virtual-checkin overlap: 98016 "
        "(5-12) and G2252 (11-20) on 2025-01-01 — make each band start at the previous band's "
        "max_minutes + 1 (here min_minutes: 13), or end one of the codes (`to`)",
    ]


def test_open_band_followed_by_another_overlaps(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml",
         "    min_minutes: 5\n    max_minutes: 10\n    replaced_by",
         "    min_minutes: 5\n    max_minutes: null\n    replaced_by")
    problems = run_rule(rule, minimal_copy)
    assert problems == [
        "codes/virtual-checkin.yaml:49: G2252: time bands of virtual-checkin overlap: G2012 "
        "(5-open) and G2252 (11-20) on 2024-01-01 — make each band start at the previous band's "
        "max_minutes + 1 (here min_minutes: ?), or end one of the codes (`to`)",
    ]


def test_variants_statuses_non_selectable_and_add_ons_are_separate(minimal_copy, edit, run_rule):
    # G2252 moved to another patient status: no longer compared with the 5-10 bands
    edit(minimal_copy, "codes/virtual-checkin.yaml",
         "    patient_status: established\n    min_minutes: 11",
         "    patient_status: new\n    min_minutes: 9")
    assert run_rule(rule, minimal_copy) == []
    edit(minimal_copy, "codes/virtual-checkin.yaml",
         "    patient_status: new\n    min_minutes: 9",
         "    patient_status: established\n    selectable: false\n    min_minutes: 9")
    assert run_rule(rule, minimal_copy) == []
    edit(minimal_copy, "codes/virtual-checkin.yaml", "    selectable: false\n",
         "    variant: long\n")
    assert run_rule(rule, minimal_copy) == []


def test_mdm_or_time_families_have_no_bands(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/office-em.yaml", "min_minutes: 20", "min_minutes: 10")
    assert run_rule(rule, minimal_copy) == []
