"""Every lint rule is a module with RULE, DESCRIPTION and check(), and has its own test file."""

from __future__ import annotations

from pathlib import Path

from engine.tooling.lint import rule_modules

TESTS = Path(__file__).parent / "lint"


def test_each_rule_has_an_id_a_description_and_its_own_test() -> None:
    modules = rule_modules()
    assert len(modules) >= 20
    ids = [m.RULE for m in modules]
    assert len(set(ids)) == len(ids)
    for module in modules:
        name = module.__name__.rsplit(".", 1)[1]
        assert module.RULE == name.replace("_", "-"), name
        assert module.DESCRIPTION and callable(module.check)
        assert (TESTS / f"test_lint_{name}.py").is_file(), f"no unit test for lint rule {name}"
