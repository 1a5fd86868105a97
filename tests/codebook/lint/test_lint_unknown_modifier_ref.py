from engine.tooling.lint import unknown_modifier_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_route_and_faq_modifiers(minimal_copy, edit, run_rule):
    edit(minimal_copy, "routes/medicare.yaml", 'modifiers: ["95"]', 'modifiers: ["95", GT]')
    edit(minimal_copy, "faq.yaml", 'codes: ["99213", "95"]', 'codes: ["99213", "59"]')
    assert run_rule(rule, minimal_copy) == [
        "faq.yaml:5: faq-medicare-video: unknown modifier '59' — use one "
        "defined in modifiers.yaml",
        "routes/medicare.yaml:7: medicare-audio-video: unknown modifier 'GT' — use one defined "
        "in modifiers.yaml",
    ]
