from pathlib import Path

from engine.tooling.lint import payer_short_name as rule
from tests.codebook.lint._profiles import profile_text, write_profile

REAL = Path(__file__).resolve().parents[3] / "codebook"


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_the_real_codebook_is_clean(run_rule):
    assert run_rule(rule, REAL) == []


def test_a_parenthetical_name_needs_a_short_name(minimal_copy, edit, run_rule):
    edit(minimal_copy, "payers/medicare.yaml", "  name: Medicare\n",
         "  name: Medicare (traditional, Part B)\n")
    assert run_rule(rule, minimal_copy) == [
        "payers/medicare.yaml:3: medicare: the name 'Medicare (traditional, Part B)' has a "
        "parenthetical part but there is no short_name — add the name tables show, e.g. "
        "short_name: \"Medicare\"",
    ]
    edit(minimal_copy, "payers/medicare.yaml", "  name: Medicare (traditional, Part B)\n",
         "  name: Medicare (traditional, Part B)\n  short_name: Medicare\n")
    assert run_rule(rule, minimal_copy) == []


def test_a_short_name_has_no_parenthetical_part(minimal_copy, edit, run_rule):
    edit(minimal_copy, "payers/medicare.yaml", "  name: Medicare\n",
         "  name: Medicare\n  short_name: Medicare (FFS)\n")
    assert run_rule(rule, minimal_copy) == [
        "payers/medicare.yaml:4: medicare: short_name 'Medicare (FFS)' has a parenthetical part "
        "— keep the qualifier in `name`; short_name is the bare name",
    ]


def test_two_payers_shown_under_one_name(minimal_copy, run_rule):
    write_profile(minimal_copy, "plan_a", profile_text(
        "plan_a", "commercial", extra="  short_name: medicare\n"))
    assert run_rule(rule, minimal_copy) == [
        "payers/profiles/plan_a.yaml:6: plan_a: shown as 'medicare', like medicare "
        "(payers/medicare.yaml:3) — give each payer and profile its own short_name",
    ]
