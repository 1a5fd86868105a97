from engine.tooling.lint import faq_expected as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_unknown_code_modifier_and_pos(minimal_copy, edit, run_rule):
    edit(minimal_copy, "faq.yaml", 'lines: [{code: "99213", modifiers: ["95"], pos: "10"}]',
         'lines: [{code: "99215", modifiers: ["95", "GT"], pos: "11"}]')
    assert run_rule(rule, minimal_copy) == [
        "faq.yaml:14: faq-medicare-video: expected line names unknown code '99215' — use a code "
        "defined in codes/*.yaml",
        "faq.yaml:14: faq-medicare-video: expected line names unknown modifier 'GT' — use a "
        "modifier defined in modifiers.yaml",
        "faq.yaml:14: faq-medicare-video: expected line names unknown place of service '11' — use "
        "a POS defined in places-of-service.yaml",
    ]


def test_code_not_in_force_on_the_date_of_service(minimal_copy, edit, run_rule):
    edit(minimal_copy, "faq.yaml", 'lines: [{code: "99213"', 'lines: [{code: "G2012"')
    assert run_rule(rule, minimal_copy) == [
        "faq.yaml:14: faq-medicare-video: expected code G2012 is not in force on 2025-03-10 — fix "
        "the expected code or the encounter's date_of_service",
    ]
