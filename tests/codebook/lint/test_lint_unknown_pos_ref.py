from engine.tooling.lint import unknown_pos_ref as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_route_pos(minimal_copy, edit, run_rule):
    edit(minimal_copy, "routes/medicare.yaml", 'facility: "02"', 'facility: "11"')
    assert run_rule(rule, minimal_copy) == [
        "routes/medicare.yaml:8: medicare-audio-video: unknown place of service '11' — use one "
        "defined in places-of-service.yaml",
    ]


def test_null_pos_is_fine(minimal_copy, edit, run_rule):
    edit(minimal_copy, "routes/medicare.yaml", 'facility: "02"', "facility: null")
    assert run_rule(rule, minimal_copy) == []
