from engine.tooling.lint import unverified_note as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_missing_and_blank_notes(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml",
         'note: "Only one secondary source gives the band."', 'note: "  "')
    edit(minimal_copy, "routes/medicare.yaml", "evidence: verified", "evidence: unverified")
    assert run_rule(rule, minimal_copy) == [
        "codes/virtual-checkin.yaml:54: G2252: evidence is unverified but there is no note — add "
        "`note:` saying what is not verified and what source would settle it",
        "routes/medicare.yaml:13: medicare-audio-video: evidence is unverified but there is no "
        "note — add `note:` saying what is not verified and what source would settle it",
    ]


def test_secondary_needs_no_note(minimal_copy, edit, run_rule):
    edit(minimal_copy, "routes/medicare.yaml", "evidence: verified", "evidence: secondary")
    assert run_rule(rule, minimal_copy) == []
