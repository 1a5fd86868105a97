from engine.tooling.lint import faq_encounter as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_unknown_key_and_bad_value(minimal_copy, edit, run_rule):
    edit(minimal_copy, "faq.yaml", "      mdm: low\n", "      mdm: lowish\n      minute: 20\n")
    problems = run_rule(rule, minimal_copy)
    assert [p.split(" — ")[0].split(": encounter.")[1].split(":")[0] for p in problems] == [
        "mdm", "minute"]
    assert problems[0].startswith("faq.yaml:11: faq-medicare-video: encounter.mdm: ")
    assert problems[1].startswith("faq.yaml:12: faq-medicare-video: encounter.minute: unknown key")
    assert "minutes" in problems[1]  # the engine's "did you mean"


def test_date_outside_the_covered_range(minimal_copy, edit, run_rule):
    edit(minimal_copy, "faq.yaml", "date_of_service: 2025-03-10", "date_of_service: 2023-12-31")
    assert run_rule(rule, minimal_copy) == [
        "faq.yaml:7: faq-medicare-video: date_of_service 2023-12-31 is outside the covered dates "
        "(2024-01-01 to 2026-12-31) — choose a date inside codebook.yaml's covers",
    ]
