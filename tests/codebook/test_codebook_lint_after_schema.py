"""A value of the wrong type is reported by the schema; lint rules that trip over it are named in
one plain note (never 'lint rule X failed: TypeError ...')."""

from __future__ import annotations

from engine.tooling.validate import validate_codebook

from .conftest import FIXTURE_TODAY


def test_wrong_type_gives_schema_problem_and_a_plain_note(minimal_copy, edit) -> None:
    edit(minimal_copy, "codes/office-em.yaml", "mdm: straightforward", "mdm: [straightforward]")
    report = validate_codebook(minimal_copy, today=FIXTURE_TODAY)
    texts = [str(p) for p in report.problems]
    assert any(t.startswith("codes/office-em.yaml:22:") for t in texts), texts
    assert not any("failed:" in t for t in texts), texts
    notes = [t for t in texts if t.startswith("(lint)")]
    assert notes and "could not run on values of the wrong type" in notes[0], texts
    assert "mdm-levels" in notes[0]
