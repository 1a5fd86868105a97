"""engine.check reads as a pipeline: validate -> plan -> select -> rules -> requested -> render.
Each stage is a module that returns data; only the render stage writes messages."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "engine" / "core"
# the stages, in the order check() runs them, and the modules they use
STAGES = ("contract", "plan", "select", "rules", "requested", "render")
# modules whose functions write a message's text (templates.render, the ready-made phrases)
WRITERS = {"engine.core.templates": {"render"},
           "engine.core.phrases": {"phrase", "validity_phrase", "replacement_phrase",
                                   "report_phrase", "codes_phrase"}}
# stage modules of engine.check that must not write any (they take notes instead)
NOTE_TAKERS = ("select", "methods", "rules", "requested", "plan", "pipeline", "notes")


def _imported(name: str) -> dict[str, set[str]]:
    tree = ast.parse((CORE / f"{name}.py").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.setdefault(node.module, set()).update(a.name for a in node.names)
    return found


def test_only_the_render_stage_writes_messages():
    for name in NOTE_TAKERS:
        imports = _imported(name)
        for module, writers in WRITERS.items():
            # a phrase may be handed over to be written later (requested: fills), not written
            used = imports.get(module, set()) & writers
            if name == "requested" and module == "engine.core.phrases":
                continue
            assert not used, f"engine/core/{name}.py imports {sorted(used)} from {module}"
    assert "render" in _imported("render").get("engine.core.templates", set())


def test_requested_hands_its_phrases_to_the_render_stage_uncalled():
    tree = ast.parse((CORE / "requested.py").read_text(encoding="utf-8"))
    phrases = WRITERS["engine.core.phrases"]
    called = {n.func.id for n in ast.walk(tree)
              if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not called & phrases, sorted(called & phrases)


def test_check_runs_the_stages_in_order():
    """check() calls each stage once, top to bottom: a reader follows one encounter down it."""
    tree = ast.parse((CORE / "pipeline.py").read_text(encoding="utf-8"))
    check = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check")
    calls = sorted((n.lineno, n.func.id) for n in ast.walk(check)
                   if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))
    names = [name for _, name in calls]
    order = ["validate", "choose_route", "apply_rules", "answer_requested", "result"]
    for name in order:
        assert names.count(name) == 1, (name, names)
    positions = [names.index(name) for name in order]
    assert positions == sorted(positions), names
    for name in STAGES:
        assert (CORE / f"{name}.py").exists(), name
