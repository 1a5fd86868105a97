from engine.tooling.lint import unknown_source as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_unknown_source_in_a_record_and_in_a_conflict_position(minimal_copy, edit, run_rule):
    edit(minimal_copy, "routes/medicare.yaml", "locator: \"section 4\"", "locator: \"s4\"")
    edit(minimal_copy, "routes/medicare.yaml", "{id: src-primary, locator: \"s4\"}",
         "{id: cms-manual, locator: \"s4\"}")
    edit(minimal_copy, "policies/source-conflicts.yaml", "{id: src-secondary, locator: \"page 2\"}",
         "{id: src-secundary, locator: \"page 2\"}")
    assert run_rule(rule, minimal_copy) == [
        "policies/source-conflicts.yaml:10: checkin-window: unknown source 'src-secundary' — did "
        "you mean 'src-secondary'? cite an id from sources.yaml, or add the source there",
        "routes/medicare.yaml:21: medicare-checkin: unknown source 'cms-manual' — cite an id from "
        "sources.yaml, or add the source there",
    ]


def test_silent_when_sources_yaml_did_not_load(minimal_copy, edit, run_rule):
    (minimal_copy / "sources.yaml").write_text("sources: [\n")
    assert run_rule(rule, minimal_copy) == []
