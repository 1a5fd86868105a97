from pathlib import Path

from engine.tooling.lint import family_message_numbers as rule

REAL = Path(__file__).resolve().parents[3] / "codebook"
MSG = "codes/virtual-checkin.yaml"


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_the_real_codebook_is_clean(run_rule):
    assert run_rule(rule, REAL) == []


def test_restated_thresholds_are_reported_with_their_placeholders(minimal_copy, edit, run_rule):
    edit(minimal_copy, MSG, '"Under {min_minutes} minutes of discussion is not reportable."',
         '"Under 5 minutes of discussion is not reportable (G2252 from 11 minutes)."')
    edit(minimal_copy, MSG, '"Over {max_minutes} minutes: consider a visit code."',
         '"Over 20 minutes, or 20 or more: consider a visit code."')
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:9: virtual-checkin: messages.below_minimum writes 11, a "
        "threshold of this family — write {G2252.min_minutes} instead: compile fills it from "
        "the data",
        "codes/virtual-checkin.yaml:9: virtual-checkin: messages.below_minimum writes 5, a "
        "threshold of this family — write {min_minutes} (or {G2012.min_minutes}, "
        "{98016.min_minutes}) instead: compile fills it from the data",
        "codes/virtual-checkin.yaml:10: virtual-checkin: messages.above_maximum writes 20, a "
        "threshold of this family — write {max_minutes} (or {G2252.max_minutes}) instead: "
        "compile fills it from the data",
    ]


def test_codes_years_periods_and_other_numbers_are_not_thresholds(minimal_copy, edit, run_rule):
    edit(minimal_copy, MSG, '"Under {min_minutes} minutes of discussion is not reportable."',
         '"Under {min_minutes} minutes in a 10-day period (since 2025, G2012 and 98016; '
         '7 calls; {time_minutes} given) is not reportable."')
    assert run_rule(rule, minimal_copy) == []
    # the same sentence with a number that is one of the thresholds (G2252 ends at 20)
    edit(minimal_copy, MSG, "7 calls", "20 calls")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:9: virtual-checkin: messages.below_minimum writes 20, a "
        "threshold of this family — write {max_minutes} (or {G2252.max_minutes}) instead: "
        "compile fills it from the data",
    ]
