"""The checker widget's "Use my payer profile" in the engine core alone (web_profiles.py):
no YAML library, no schema library, so this file runs inside Pyodide too (tests/pyodide runs
tests/engine there). Each broken profile gets its `file:line: entry: what — fix` lines: LINES
are what `telecode payer-profile validate` prints for the same files (checked in CPython by
test_local_profile_parity.py), a good profile answers from its rules and says when an answer
comes from its base."""

from __future__ import annotations

import json

import pytest

from engine.core import web, web_profiles

PROFILE = """\
profile:
  id: {pid}
  name: {name}
  type: commercial
  base: {base}
  summary: Our contract.
  sources:
    - {{id: {src}, locator: "section 4"}}
  last_verified: 2026-12-01
  evidence: verified
rules:
  - id: {rid}
    service: audio_video
    from: 2025-01-01
    to: {to}
    accepted: true
    families: [office-em]
    modifiers: [{mod}]
    pos: {{home: "10", facility: "02"}}
    summary: Office visit with GT.
    sources:
      - {{id: {src}, locator: "section 4.2"}}
    last_verified: 2026-12-01
    evidence: verified
{more}sources:
  - id: {src}
    title: Our contract with Acme Health
    publisher: Acme Health
    kind: primary
"""
LATER = """\
  - id: acme-video-later
    service: audio_video
    from: 2025-06-01
    accepted: unknown
    summary: Not settled.
    sources:
      - {id: acme-contract, locator: "section 5"}
    last_verified: 2026-12-01
    evidence: verified
"""
VISIT = {"date_of_service": "2025-03-03", "payer": "acme_health",
         "patient_status": "established", "modality": "audio_video", "mdm": "low"}


def profile(pid: str = "acme_health", base: str = "unitedhealthcare", mod: str = '"GT"',
            more: str = "", name: str = "Acme Health", rid: str = "acme-video",
            src: str = "acme-contract", to: str = "null", template: str = PROFILE) -> str:
    """A profile file from PROFILE (or an edit of it: `template`) with these values."""
    return template.format(pid=pid, name=name, base=base, mod=mod, more=more, rid=rid, src=src,
                           to=to)


# case -> {file name: text}; the file names are as a folder `case` would give them
CASES: dict[str, dict[str, str]] = {
    "bad-yaml": {"acme.yaml": "profile:\n  id: [acme\n"},
    "unknown-base": {"acme.yaml": profile(base="unitedhealth")},
    "cycle": {"acme.yaml": profile(base="acme_two"),
              "two.yaml": profile(pid="acme_two", base="acme_health", rid="two-video",
                                  src="two-contract")},
    "unknown-modifier": {"acme.yaml": profile(mod='"9S"')},
    "overlapping-dates": {"acme.yaml": profile(more=LATER)},
    "collision": {"acme.yaml": profile(pid="cigna")},
}
LINES: dict[str, list[str]] = {  # one message per line, as printed
    "bad-yaml": [
        "bad-yaml/acme.yaml:3: -: YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got end of file (it started on line 2) — fix the YAML syntax here (indentation, a missing ':', an unclosed quote or bracket)",  # noqa: E501
    ],
    "collision": [
        "collision/acme.yaml:2: cigna: id 'cigna' is already used by a profile at (codebook)/profiles/cigna:1 — give this record a unique id (a later version of a code is \"<code>@<from>\")",  # noqa: E501
        "collision/acme.yaml:2: cigna: the id collides with the shipped profile 'cigna' (Cigna Healthcare (commercial plans)) — choose another id (e.g. cigna_local); to build on it, write base: cigna",  # noqa: E501
    ],
    "cycle": [
        "cycle/acme.yaml:5: acme_health: its bases form a cycle: acme_health -> acme_two -> acme_health — make one of them inherit from a payer (medicare, commercial or medicaid)",  # noqa: E501
        "cycle/two.yaml:5: acme_two: its bases form a cycle: acme_two -> acme_health -> acme_two — make one of them inherit from a payer (medicare, commercial or medicaid)",  # noqa: E501
    ],
    "overlapping-dates": [
        "overlapping-dates/acme.yaml:27: acme-video-later: overlapping dates: it and acme-video (2025-01-01..open, line 12) both hold for audio_video from 2025-06-01 — end the earlier rule the day before this one starts",  # noqa: E501
    ],
    "unknown-base": [
        "unknown-base/acme.yaml:5: acme_health: unknown base 'unitedhealth' — did you mean 'unitedhealthcare'? use a payer (commercial, medicaid, medicare) or a profile id",  # noqa: E501
    ],
    "unknown-modifier": [
        "unknown-modifier/acme.yaml:18: acme-video: unknown modifier '9S' — use one defined in modifiers.yaml",  # noqa: E501
    ],
}


def files_of(case: str) -> str:
    return json.dumps([{"name": f"{case}/{name}", "text": text}
                       for name, text in sorted(CASES[case].items())])


@pytest.fixture(autouse=True)
def _shipped_codebook():
    yield
    web_profiles.forget_profiles()


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_profile_is_refused_with_its_lines(case: str) -> None:
    answer = json.loads(web_profiles.load_profiles(files_of(case)))
    assert answer == {"ok": [], "payers": [], "errors": LINES[case]}
    # the widget answers from the shipped codebook: the local id is not a payer
    out = json.loads(web.run(json.dumps(VISIT)))
    assert "unknown payer 'acme_health'" in out["errors"][0]["message"]


def test_a_good_profile_answers_from_its_rules_and_its_base() -> None:
    answer = json.loads(web_profiles.load_profile("acme.yaml", profile(base="commercial")))
    assert answer == {"ok": ["acme_health"], "errors": [],
                      "payers": [{"id": "acme_health", "name": "Acme Health"}]}
    mine = json.loads(web.run(json.dumps(VISIT)))["result"]
    assert [(ln["code"], ln["modifiers"], ln["pos"]) for ln in mine["lines"]] == [
        ("99213", ["GT"], "10")]
    assert mine["trace"][0]["outcome"].endswith("; from acme_health rule acme-video")
    # before the rule starts, the answer is its base's, and says so
    early = json.loads(web.run(json.dumps({**VISIT, "date_of_service": "2024-06-03"})))
    early = early["result"]
    assert [(ln["code"], ln["modifiers"]) for ln in early["lines"]] == [("99213", ["95"])]
    assert early["trace"][0]["outcome"].endswith("; from the commercial default")
    assert "payer-rule-inherited" in [w["id"] for w in early["warnings"]]
    # another file replaces it; forgetting goes back to the shipped codebook
    web_profiles.load_profile("other.yaml", profile(pid="other_plan", rid="other-video",
                                                    src="other-contract"))
    assert "errors" in json.loads(web.run(json.dumps(VISIT)))
    assert "result" in json.loads(web.run(json.dumps({**VISIT, "payer": "other_plan"})))
    web_profiles.forget_profiles()
    assert "errors" in json.loads(web.run(json.dumps({**VISIT, "payer": "other_plan"})))


def test_a_broken_file_after_a_good_one_leaves_the_shipped_codebook() -> None:
    web_profiles.load_profile("acme.yaml", profile())
    assert "result" in json.loads(web.run(json.dumps(VISIT)))
    answer = json.loads(web_profiles.load_profile("acme.yaml", profile(mod='"9S"')))
    assert answer["errors"] == [line.replace("unknown-modifier/", "")
                                for line in LINES["unknown-modifier"]]
    assert "errors" in json.loads(web.run(json.dumps(VISIT)))


def test_a_name_with_script_is_given_back_as_text() -> None:
    name = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    answer = json.loads(web_profiles.load_profile("acme.yaml", profile(name=json.dumps(name))))
    assert answer["payers"] == [{"id": "acme_health", "name": name}]


@pytest.mark.parametrize("files", ["{}", "[]", "[{}]", "not json"])
def test_not_a_list_of_files(files: str) -> None:
    answer = json.loads(web_profiles.load_profiles(files))
    assert answer["ok"] == [] and answer["errors"][0].startswith("the files could not be read")
