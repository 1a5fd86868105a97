from engine.tooling.lint import unknown_warning_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_known_warning_ids(minimal_copy, edit, run_rule):
    edit(minimal_copy, "faq.yaml", "warnings: []",
         "warnings: [checkin-consent, not-covered-no-route, virtual-checkin-below-minimum, "
         "status-not-payable]")
    assert run_rule(rule, minimal_copy) == []


def test_unknown_warning_id(minimal_copy, edit, run_rule):
    edit(minimal_copy, "faq.yaml", "warnings: []", "warnings: [checkin-consent, modifier-95]")
    assert run_rule(rule, minimal_copy) == [
        "faq.yaml:15: faq-medicare-video: unknown warning id 'modifier-95' — use one defined in "
        "rules/*.yaml or messages.yaml",
    ]
