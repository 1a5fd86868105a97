"""The YAML loader: plain data, a line for every value, clear problems for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.tooling.load import load_file


def load(tmp_path: Path, text: str | bytes):
    path = tmp_path / "x.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return load_file(path, "x.yaml", "rules")


def test_plain_data_and_lines(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, (
        "# comment\n"
        "rules:\n"
        "  - id: a\n"
        "    from: 2025-01-01\n"
        "    n: 0x1F\n"
        "    ok: true\n"
        "    none: ~\n"
        "    f: 0.5\n"
        "    code: \"99213\"\n"
        "    list: [1, two]\n"
        "    by_day: {0: 5, 3: 10}\n"
        "  - id: b\n"
        "    when:\n"
        "      field: x\n"))
    assert problems == []
    assert doc.data == {"rules": [
        {"id": "a", "from": "2025-01-01", "n": 31, "ok": True, "none": None, "f": 0.5,
         "code": "99213", "list": [1, "two"], "by_day": {"0": 5, "3": 10}},
        {"id": "b", "when": {"field": "x"}},
    ]}
    assert doc.line(("rules",)) == 2
    assert doc.line(("rules", 0)) == 3
    assert doc.line(("rules", 0, "from")) == 4
    assert doc.line(("rules", 0, "list", 1)) == 10
    assert doc.line(("rules", 0, "by_day", "3")) == 11
    assert doc.line(("rules", 1, "when")) == 13
    assert doc.line(("rules", 1, "when", "field")) == 14
    assert doc.line(("rules", 1, "missing", "deeper")) == 12  # nearest ancestor


@pytest.mark.parametrize(("text", "expected"), [
    ("", "x.yaml:1: -: the file is empty — write the rules data in it (see codebook/README.md) "
         "or delete it"),
    ("# only a comment\n", "x.yaml:1: -: the file has no data (only comments) — write the rules "
                           "data in it (see codebook/README.md) or delete it"),
    ("a: 1\n---\nb: 2\n", "x.yaml:3: -: the file holds more than one YAML document ('---') — "
                          "keep one document per file"),
    ("- a\n- b\n", "x.yaml:1: -: the file holds a list, not a mapping — start the file with its "
                   "top-level key (see codebook/README.md)"),
    ("a: &x [*x]\n", "x.yaml:1: -: the data is nested too deeply (a recursive alias?) — remove "
                     "the alias (*name) that refers to itself"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "x.yaml:3: -: merge keys ('<<') are not supported "
                                            "— write the keys out in full"),
    ("a:\n  b: 1\n  b: 2\n", "x.yaml:3: -: duplicate key 'b' (first on line 2) — remove or "
                             "rename one of the two keys"),
    ("a: b: c\n", "x.yaml:1: -: YAML syntax error: mapping values are not allowed in this "
                  "context — fix the YAML syntax here (indentation, a missing ':', an unclosed "
                  "quote or bracket)"),
    ("a:\n\tb: 1\n", "x.yaml:2: -: YAML syntax error: while scanning for the next token found "
                     "character that cannot start any token — fix the YAML syntax here "
                     "(indentation, a missing ':', an unclosed quote or bracket)"),
    (b"a: 1\nb: caf\xe9\n", "x.yaml:2: -: the file is not UTF-8 (byte 0xe9 at offset 11) — save "
                            "the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
])
def test_bad_files_give_one_clear_problem(tmp_path: Path, text: str | bytes,
                                          expected: str) -> None:
    doc, problems = load(tmp_path, text)
    assert doc is None
    assert [str(p) for p in problems] == [expected]


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "\ufeffrules: []\n")
    assert problems == [] and doc.data == {"rules": []}


def test_aliases_are_expanded(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "a: &s [x, y]\nb: *s\n")
    assert problems == [] and doc.data == {"a": ["x", "y"], "b": ["x", "y"]}
