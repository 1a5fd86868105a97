from engine.tooling.lint import overlapping_code_versions as rule

SECOND = """  - id: "G2012@2024-07-01"
    code: G2012
    system: HCPCS
    label: "Brief check-in, 5 to 10 minutes"
    from: 2024-07-01
    to: null
    sources:
      - {id: src-primary, locator: "section 2"}
    last_verified: 2026-10-01
    evidence: verified
"""


def add_version(root, frm: str) -> None:
    path = root / "codes" / "virtual-checkin.yaml"
    path.write_text(path.read_text() + SECOND.replace("2024-07-01", frm))


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_a_version_starting_inside_the_previous_one(minimal_copy, run_rule):
    add_version(minimal_copy, "2024-07-01")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:60: G2012@2024-07-01: this version of G2012 "
        "(2024-07-01..open) overlaps version G2012 (2024-01-01..2024-12-31, "
        "codes/virtual-checkin.yaml:16) — end the earlier version the day before this one "
        "starts (set its `to`)",
    ]


def test_a_version_starting_the_day_after_is_fine(minimal_copy, run_rule):
    add_version(minimal_copy, "2025-01-01")
    assert run_rule(rule, minimal_copy) == []
