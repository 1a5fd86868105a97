"""The browser checker's "Use my payer profile" (engine/core/web_profiles.py, standard library
only) says what `telecode payer-profile validate` says for the same file, line for line, and
answers with a good profile as `telecode check --payer-profiles` does.

Also: the core's reader gives the data and lines ruamel gives for every codebook file, and the
core's schema check gives the problems jsonschema gives (engine/tooling/schema.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.core import web, web_profiles
from engine.core.profile_schema import schema_problems
from engine.core.profile_text import ProfileTextError, read_text
from engine.tooling.load import load_file
from engine.tooling.schema import check_document, inlined
from tests.engine import test_cli_payer_profiles as _CLI
from tests.engine import test_web_profiles as _WEB

ROOT = Path(__file__).resolve().parents[2]


# one set of cases: the CLI test's broken folders, the core-only test's files and lines
EXPECTED, VISIT, _broken, _write = (_CLI.EXPECTED, _CLI.VISIT, _CLI._broken, _CLI._write)


@pytest.fixture(autouse=True)
def _shipped_codebook():
    yield
    web_profiles.forget_profiles()


def _files(folder: Path) -> list[dict[str, str]]:
    return [{"name": f"{folder}/{p.name}", "text": p.read_text(encoding="utf-8")}
            for p in sorted(folder.iterdir())]


def _cli_lines(folder: Path, capsys) -> list[str]:
    code = main(["payer-profile", "validate", str(folder)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[-1].startswith("telecode payer-profile: ")
    return err[:-1]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_broken_profile_gets_the_lines_validate_prints(tmp_path, capsys, case):
    folder = _broken(tmp_path, case)
    answer = json.loads(web_profiles.load_profiles(json.dumps(_files(folder))))
    assert answer["ok"] == []
    assert answer["errors"] == _cli_lines(folder, capsys)
    assert any(line.startswith(f"{folder}/{EXPECTED[case]}") for line in answer["errors"])
    # and the widget answers from the shipped codebook: the profile is not there
    out = json.loads(web.run(json.dumps(VISIT)))
    assert "unknown payer 'acme_health'" in out["errors"][0]["message"]


SCHEMA_CASES = {
    "missing-summary": ("  summary: Our contract.\n", ""),
    "unknown-key": ("  summary: Our contract.\n", "  summary: Our contract.\n  colour: red\n"),
    "bad-type": ("type: commercial", "type: comercial"),
    "unquoted-modifier": ('[{mod}]', "[95]"),
    "bad-date": ("from: 2025-01-01", "from: 2025-02-30"),
    "bad-pos": ('home: "10"', 'home: "1"'),
    "pos-text": ('pos: {{home: "10", facility: "02"}}', "pos: home"),
    "accepted": ("accepted: true", "accepted: maybe"),
    "inverted": ("to: {to}", "to: 2024-01-01"),
    "unverified": ("evidence: verified\nrules:", "evidence: unverified\nrules:"),
    "long-id": ("id: {pid}", "id: " + "a" * 61),
    "not-a-mapping": (None, "- just\n- a list\n"),
    "empty": (None, "# nothing here\n"),
}


def _schema_case(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / case
    folder.mkdir()
    old, new = SCHEMA_CASES[case]
    text = new if old is None else _WEB.profile(template=_WEB.PROFILE.replace(old, new, 1))
    (folder / "acme.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_schema_and_shape_problems_match_validate(tmp_path, capsys, case):
    folder = _schema_case(tmp_path, case)
    answer = json.loads(web_profiles.load_profiles(json.dumps(_files(folder))))
    assert answer["errors"] and answer["errors"] == _cli_lines(folder, capsys)


@pytest.mark.parametrize("case", sorted(c for c in SCHEMA_CASES if SCHEMA_CASES[c][0]))
def test_the_core_schema_check_words_errors_as_jsonschema_does(tmp_path, case):
    path = _schema_case(tmp_path, case) / "acme.yaml"
    doc, problems = load_file(path, "acme.yaml", "payer-profile")
    assert doc is not None and problems == []
    want = sorted(str(p) for p in check_document(doc))
    got = sorted(str(p) for p in schema_problems("acme.yaml", doc.data, doc.line,
                                                  inlined("payer-profile")))
    assert got == want
    if case not in ("inverted", "unverified"):  # lint problems, not schema ones
        assert want


def test_a_good_profile_answers_as_check_with_payer_profiles(tmp_path, capsys):
    folder = tmp_path / "mine"
    _write(folder, more="")
    answer = json.loads(web_profiles.load_profiles(json.dumps(_files(folder))))
    assert answer == {"ok": ["acme_health"], "errors": [],
                      "payers": [{"id": "acme_health", "name": "Acme Health"}]}
    enc = tmp_path / "enc.json"
    for visit in (VISIT, {**VISIT, "date_of_service": "2024-06-03"},
                  {**VISIT, "modality": "audio_only"}):
        enc.write_text(json.dumps(visit), encoding="utf-8")
        assert main(["check", "--format", "json", str(enc), "--payer-profiles",
                     str(folder)]) == 0
        want = json.loads(capsys.readouterr().out)
        got = json.loads(web.run(json.dumps(visit)))["result"]
        assert got == want
    # the answer says where it comes from (the profile's rule, or the base's)
    got = json.loads(web.run(json.dumps(VISIT)))["result"]
    assert got["trace"][0]["outcome"].endswith("; from acme_health rule acme-video")
    early = json.loads(web.run(json.dumps({**VISIT, "date_of_service": "2024-06-03"})))
    assert "acme-video" not in early["result"]["trace"][0]["outcome"]
    # forgetting it: the shipped codebook again
    assert json.loads(web_profiles.forget_profiles())["ok"] == []
    assert "errors" in json.loads(web.run(json.dumps(VISIT)))


def test_a_profile_as_json_is_read_too(tmp_path, capsys):
    folder = tmp_path / "json"
    _write(folder)
    data, _ = read_text((folder / "acme.yaml").read_text(encoding="utf-8"))
    (folder / "acme.yaml").unlink()
    (folder / "acme.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    answer = json.loads(web_profiles.load_profiles(json.dumps(_files(folder))))
    assert answer["ok"] == ["acme_health"], answer
    broken = json.dumps(data, indent=2).replace('"GT"', '"9S"')
    (folder / "acme.json").write_text(broken, encoding="utf-8")
    answer = json.loads(web_profiles.load_profiles(json.dumps(_files(folder))))
    assert answer["errors"] == _cli_lines(folder, capsys)
    assert "unknown modifier '9S'" in answer["errors"][0]


def test_script_in_a_name_is_kept_as_text(tmp_path):
    folder = tmp_path / "script"
    _write(folder)
    path = folder / "acme.yaml"
    name = '"<script>alert(1)</script><img src=x onerror=alert(2)>"'
    path.write_text(path.read_text(encoding="utf-8").replace("name: Acme Health",
                                                             f"name: {name}"),
                    encoding="utf-8")
    answer = json.loads(web_profiles.load_profiles(json.dumps(_files(folder))))
    assert answer["payers"][0]["name"] == json.loads(name)


CODEBOOK_FILES = sorted((ROOT / "codebook").rglob("*.yaml"))


@pytest.mark.parametrize("path", CODEBOOK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_reader_reads_the_codebook_as_ruamel_does(path):
    doc, problems = load_file(path, "f", "x")
    assert doc is not None, problems
    data, lines = read_text(path.read_text(encoding="utf-8"))
    assert data == doc.data
    assert lines == doc.lines


@pytest.mark.parametrize("text,line,what", [
    ("profile:\n  id: [acme\n", 3, "YAML syntax error: while parsing a flow sequence"),
    ("profile:\n  id: x\n  id: y\n", 3, "duplicate key 'id' (first on line 2)"),
    ("profile: &a\n  id: x\n", 1, "anchors, aliases and tags"),
    ("profile:\n\tid: x\n", 2, "YAML syntax error: a tab in the indentation"),
    ("a: 1\n---\nb: 2\n", 3, "the file holds more than one YAML document"),
    ('profile:\n  name: "open\n', 3, "YAML syntax error: while scanning a quoted scalar"),
    ("profile:\n  summary: a: b\n", 2, "YAML syntax error: mapping values are not allowed"),
    ("profile: " + "[" * 5000 + "]" * 5000 + "\n", 1, "the data is nested too deeply"),
    ("a:\n" + "".join(" " * n + "- \n" for n in range(1, 200)), 66,
     "the data is nested too deeply"),
])
def test_the_core_reader_says_where_the_text_is_not_yaml(text, line, what):
    with pytest.raises(ProfileTextError) as info:
        read_text(text)
    assert info.value.line == line and info.value.what.startswith(what), info.value.what


@pytest.mark.parametrize("case", sorted(_WEB.CASES))
def test_the_lines_the_core_test_expects_are_what_validate_prints(tmp_path, capsys, monkeypatch,
                                                                  case):
    monkeypatch.chdir(tmp_path)
    folder = Path(case)
    folder.mkdir()
    for name, text in _WEB.CASES[case].items():
        (folder / name).write_text(text, encoding="utf-8")
    assert _cli_lines(folder, capsys) == _WEB.LINES[case]


def test_a_bundle_compiled_without_the_schema_is_checked_all_the_same(tmp_path, capsys):
    """validate with --codebook naming a bundle compiled before bundles carried
    profile_schema: the schema comes from codebook/schema/, the lines are the same."""
    from engine.core.codebook import load_codebook

    raw = dict(load_codebook().source_bundle)
    del raw["profile_schema"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(raw), encoding="utf-8")
    folder = _schema_case(tmp_path, "bad-type")
    assert main(["payer-profile", "validate", str(folder), "--codebook", str(old)]) == 2
    lines = capsys.readouterr().err.splitlines()[:-1]
    assert lines == _cli_lines(folder, capsys)
    assert "'type' is the text 'comercial'" in lines[0]


def test_a_mangled_profile_reads_as_ruamel_reads_it_or_is_refused_with_a_line(tmp_path):
    """Random small edits of a profile (characters YAML cares about added, removed, replaced):
    the core reader never fails other than with ProfileTextError, and whenever both readers
    accept the text they give the same data and lines."""
    import random

    rng = random.Random(7)
    base = _WEB.profile(more=_WEB.LATER)
    chars = list(" :-#'\"[]{},\n\tab1>|")
    path = tmp_path / "f.yaml"
    agreed = 0
    for _ in range(400):
        text = list(base)
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(text))
            op = rng.random()
            if op < 0.4:
                del text[k]
            elif op < 0.8:
                text.insert(k, rng.choice(chars))
            else:
                text[k] = rng.choice(chars)
        mangled = "".join(text)
        path.write_text(mangled, encoding="utf-8")
        doc, _ = load_file(path, "f.yaml", "payer-profile")
        try:
            data, lines = read_text(mangled)
        except ProfileTextError as exc:
            assert exc.line >= 1
            continue
        if doc is not None:
            assert (data, lines) == (doc.data, doc.lines), mangled
            agreed += 1
    assert agreed > 100


@pytest.mark.parametrize("text", [
    "rules:\n  - id: a\n    families:\t [office-em]\n",  # a tab after the colon
    "rules:\n  - # a comment\n    id: a\n",  # the item starts on the next line
    "a: {b: c\td}\n",  # a tab inside a flow value
    "a: >-\n  one\n\n  two\nb: |+\n  kept\n\nc: 1\n",
    '{"profile": {"id": "x",\n  "rules": [1, 2]}}\n',  # JSON over lines
])
def test_the_core_reader_agrees_with_ruamel_on_edge_cases(tmp_path, text):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    doc, problems = load_file(path, "f.yaml", "payer-profile")
    assert doc is not None, problems
    assert read_text(text) == (doc.data, doc.lines)
