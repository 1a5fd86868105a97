from engine.core.phrases import ENGINE_PHRASES
from engine.tooling.lint import engine_phrases as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_the_real_codebook_has_every_phrase(run_rule):
    from pathlib import Path

    real = Path(__file__).resolve().parents[3] / "codebook"
    assert run_rule(rule, real) == []


def test_missing_phrase(minimal_copy, edit, run_rule):
    edit(minimal_copy, "messages.yaml", '  valid_open: "valid from {start}"\n', "")
    assert run_rule(rule, minimal_copy) == [
        "messages.yaml:17: phrases: the engine needs the phrase 'valid_open', which is missing — "
        "add `valid_open:` under `phrases:` (it may use {start})"]


def test_no_phrases_section_lists_every_phrase(minimal_copy, run_rule):
    path = minimal_copy / "messages.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("phrases:")], encoding="utf-8")
    problems = run_rule(rule, minimal_copy)
    assert len(problems) == len(ENGINE_PHRASES)
    assert all(p.startswith("messages.yaml:1: phrases: the engine needs the phrase ")
               for p in problems)
    assert any("'this_payer', which is missing — add `this_payer:` under `phrases:` "
               "(it takes no placeholder)" in p for p in problems)


def test_placeholder_the_engine_does_not_fill(minimal_copy, edit, run_rule):
    # {codes} is filled for replaced_by, not for report; {date_of_service} (common to messages)
    # is not filled in phrases at all
    edit(minimal_copy, "messages.yaml", '"Report {lines}."', '"Report {codes} ({lines})."')
    edit(minimal_copy, "messages.yaml", '"Nothing to report."',
         '"Nothing to report on {date_of_service}."')
    assert run_rule(rule, minimal_copy) == [
        "messages.yaml:25: phrases.report: unknown placeholder {codes} — it may use {lines}",
        "messages.yaml:26: phrases.report_nothing: unknown placeholder {date_of_service} — "
        "it takes no placeholder",
    ]


def test_unknown_phrase_name(minimal_copy, edit, run_rule):
    edit(minimal_copy, "messages.yaml", "  this_payer:", "  this_payers:")
    problems = run_rule(rule, minimal_copy)
    assert problems[0] == (
        "messages.yaml:17: phrases: the engine needs the phrase 'this_payer', which is missing — "
        "add `this_payer:` under `phrases:` (it takes no placeholder)")
    assert problems[1].startswith(
        "messages.yaml:23: phrases.this_payers: unknown phrase 'this_payers' — did you mean "
        "'this_payer'? the engine uses: valid_open, valid_closed, ")
    assert len(problems) == 2


def test_wrong_types_are_left_to_the_schema(minimal_copy, edit, run_rule):
    edit(minimal_copy, "messages.yaml", '  report: "Report {lines}."', "  report: [1, 2]")
    assert run_rule(rule, minimal_copy) == []
    path = minimal_copy / "messages.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("phrases:")] + "phrases: [a, b]\n", encoding="utf-8")
    assert run_rule(rule, minimal_copy) == []
