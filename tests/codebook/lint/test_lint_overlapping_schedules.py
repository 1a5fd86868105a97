from pathlib import Path

from engine.tooling.lint import overlapping_schedules as rule

SCHEDULE = """\
schedule:
  id: {id}
  payer: medicare
  title: "Test fee schedule"
  release: "2025-09-11"
  from: {start}
  to: 2025-12-31
  conversion_factor: 32.3465
  values:
    - {{code: "99213", work_rvu: 1.3, pe_rvu_nonfacility: 1.0, pe_rvu_facility: 0.5, mp_rvu: 0.1,
       total_nonfacility: 2.4, total_facility: 1.9}}
  sources:
    - {{id: src-primary, locator: "p"}}
  last_verified: 2026-10-01
  evidence: verified
"""


def _schedules(root: Path, *spans: tuple[str, str, str]) -> None:
    (root / "payments").mkdir()
    for name, ident, start in spans:
        (root / "payments" / name).write_text(SCHEDULE.format(id=ident, start=start))


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_quarters_that_follow_each_other(minimal_copy, edit, run_rule):
    _schedules(minimal_copy, ("medicare-2025.yaml", "pfs-jan", "2025-01-01"),
               ("medicare-2025-10-01.yaml", "pfs-oct", "2025-10-01"))
    edit(minimal_copy, "payments/medicare-2025.yaml", "to: 2025-12-31", "to: 2025-09-30")
    assert run_rule(rule, minimal_copy) == []


def test_a_january_schedule_running_over_october(minimal_copy, run_rule):
    _schedules(minimal_copy, ("medicare-2025.yaml", "pfs-jan", "2025-01-01"),
               ("medicare-2025-10-01.yaml", "pfs-oct", "2025-10-01"))
    assert run_rule(rule, minimal_copy) == [
        "payments/medicare-2025-10-01.yaml:6: pfs-oct: fee schedule 2025-10-01..2025-12-31 "
        "overlaps pfs-jan (2025-01-01..2025-12-31, payments/medicare-2025.yaml) — each day of "
        "service has one: end the earlier one the day before this one starts (`to:`)",
    ]
