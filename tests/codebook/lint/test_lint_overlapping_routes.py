from engine.tooling.lint import overlapping_routes as rule

EXTRA = """  - id: medicare-checkin-any
    payer: medicare
    modality: virtual_checkin
    clinician: CLIN
    from: 2026-01-01
    WHEN
    families: [virtual-checkin]
    summary: "Another check-in route."
    sources:
      - {id: src-primary, locator: "section 4"}
    last_verified: 2026-10-01
    evidence: verified
"""


def add_route(root, clinician: str, when: str = "") -> None:
    path = root / "routes" / "medicare.yaml"
    text = EXTRA.replace("CLIN", clinician).replace("    WHEN\n", when)
    path.write_text(path.read_text() + text)


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_later_unconditional_route_overlapping_is_reported(minimal_copy, run_rule):
    add_route(minimal_copy, "any")
    assert run_rule(rule, minimal_copy) == [
        "routes/medicare.yaml:28: medicare-checkin-any: route overlaps medicare-checkin "
        "(2024-01-01..open, routes/medicare.yaml:14) for medicare virtual_checkin (any) and "
        "neither has a `when` — give one of them a `when` condition, or end the earlier one the "
        "day before this one starts",
    ]


def test_other_clinician_or_a_when_is_fine(minimal_copy, run_rule):
    add_route(minimal_copy, "non_em_practitioner")
    add_route(minimal_copy, "em_practitioner",
              "    when: {field: patient_location, is: facility}\n")
    assert run_rule(rule, minimal_copy) == []
