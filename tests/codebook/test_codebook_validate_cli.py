"""`telecode validate`: summary, problem listing, --stale-after warnings, exit codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.cli import main
from engine.tooling.validate import parse_duration, validate_codebook

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
TODAY = ["--today", "2026-11-01"]


def test_valid_codebook_prints_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MINIMAL), *TODAY]) == 0
    out = capsys.readouterr()
    assert out.out == (
        "codebook OK: 5 codes, 2 families, 2 sources, 2 modifiers, 2 places of service, 2 payers, "
        "4 statuses, 2 routes, 2 rules, 3 flexibility periods, 1 conflict, 2 messages, 1 FAQ\n")
    assert out.err == ""


def test_every_problem_is_listed_sorted_by_file_and_line(
    minimal_copy: Path, edit, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(minimal_copy, "routes/medicare.yaml", 'modifiers: ["95"]', 'modifiers: ["96"]')
    edit(minimal_copy, "codes/virtual-checkin.yaml", "min_minutes: 11", "min_minutes: 12")
    edit(minimal_copy, "sources.yaml", "kind: secondary", "kind: tertiary")
    edit(minimal_copy, "codes/office-em.yaml", "evidence: verified", "evidence: unverified")
    assert main(["validate", str(minimal_copy), *TODAY]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        "codes/office-em.yaml:13", "codes/virtual-checkin.yaml:49",
        "codes/virtual-checkin.yaml:49", "routes/medicare.yaml:7", "sources.yaml:12"]
    assert out.err == "codebook invalid: 5 problems\n"


def test_missing_folder_is_a_clear_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().out == (
        f"{tmp_path / 'nope'}: -: the codebook folder does not exist — give the path of a "
        "codebook folder (e.g. codebook/)\n")


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("12m", 365), ("1y", 365), ("2w", 14),
                                             ("6m", 182)])
def test_durations(text: str, days: int) -> None:
    assert parse_duration(text) == dt.timedelta(days=days)


@pytest.mark.parametrize("text", ["12", "m", "-1d", "1x", ""])
def test_bad_duration_is_a_usage_error(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(MINIMAL), f"--stale-after={text}"])
    assert exc.value.code == 2
    assert "is not a duration: write e.g. 90d, 12w, 12m or 1y" in capsys.readouterr().err


def test_stale_after_warns_but_exits_0(minimal_copy: Path, edit,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    edit(minimal_copy, "faq.yaml", "last_verified: 2026-10-01", "last_verified: 2026-06-30")
    edit(minimal_copy, "routes/medicare.yaml", "last_verified: 2026-10-01",
         "last_verified: 2026-07-01")
    assert main(["validate", str(minimal_copy), "--stale-after", "12m", "--today",
                 "2027-07-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [
        "warning: faq.yaml:18: faq-medicare-video: last verified 2026-06-30 (366 days ago, "
        "before 2026-07-01) — check it against its sources and update last_verified",
    ]
    assert lines[-1].startswith("codebook OK: 5 codes,")
    assert lines[-1].endswith(" (1 stale record)")


def test_stale_after_counts_every_provenance_record() -> None:
    report = validate_codebook(MINIMAL, today=dt.date(2027, 12, 31),
                               stale_after=dt.timedelta(days=90))
    assert report.ok
    assert len(report.warnings) == 28  # every record with provenance (sources have none)
    fresh = validate_codebook(MINIMAL, today=dt.date(2026, 12, 30),
                              stale_after=dt.timedelta(days=90))
    assert fresh.warnings == []


def test_stale_warnings_do_not_hide_problems(minimal_copy: Path, edit,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    edit(minimal_copy, "routes/medicare.yaml", 'modifiers: ["95"]', 'modifiers: ["96"]')
    assert main(["validate", str(minimal_copy), "--stale-after", "1d", "--today",
                 "2026-11-01"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("warning: ") for line in out) == 28
    assert out[-1].startswith("routes/medicare.yaml:7: medicare-audio-video: unknown modifier")


def test_internal_error_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import engine.tooling.validate as validate_module

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(validate_module, "validate_codebook", boom)
    assert main(["validate", str(MINIMAL)]) == 3
    out = capsys.readouterr()
    assert out.out == ""
    assert len(out.err.splitlines()) == 1
    assert out.err.startswith("telecode validate: internal error (RuntimeError: kaboom")
    assert "Traceback" not in out.err


def test_compile_internal_error_is_exit_3(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import engine.tooling.compile as compile_module

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("x")

    monkeypatch.setattr(compile_module, "build_bundle", boom)
    assert main(["compile", str(MINIMAL), "-o", "-"]) == 3
    assert capsys.readouterr().err.startswith("telecode compile: internal error (KeyError")


def test_a_file_in_place_of_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text("name: x\n")
    assert main(["validate", str(path)]) == 1
    assert "this is a file, not a codebook folder" in capsys.readouterr().out


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    from engine.tooling.lint import rule_modules

    assert main(["validate", "--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + len(rule_modules())
    assert lines[0].startswith("schema ")
    assert any(line.startswith("time-bands ") and "overlap or leave a gap" in line
               for line in lines)


def test_every_file_kind_is_required(minimal_copy: Path) -> None:
    import shutil

    (minimal_copy / "faq.yaml").unlink()
    shutil.rmtree(minimal_copy / "rules")
    (minimal_copy / "routes" / "medicare.yaml").unlink()
    report = validate_codebook(minimal_copy, today=dt.date(2026, 11, 1))
    assert [str(p) for p in report.problems] == [
        "faq.yaml: -: required file is missing — create faq.yaml (see codebook/README.md)",
        "routes/: -: folder holds no .yaml file — add at least one routes/<id>.yaml file (see "
        "codebook/README.md)",
        "rules/: -: required folder is missing — create rules/ with at least one .yaml file (see "
        "codebook/README.md)",
    ]


def test_json_format(minimal_copy: Path, edit, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["validate", str(MINIMAL), *TODAY, "--format", "json", "--stale-after",
                 "30d"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True and out["problems"] == []
    assert out["counts"]["code"] == 5 and out["summary"].startswith("codebook OK: ")
    assert len(out["warnings"]) == 28
    assert out["warnings"][0]["rule"] == "stale"
    edit(minimal_copy, "routes/medicare.yaml", 'modifiers: ["95"]', 'modifiers: ["96"]')
    assert main(["validate", str(minimal_copy), *TODAY, "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["summary"] is None
    assert out["problems"] == [{
        "file": "routes/medicare.yaml", "line": 7, "entry": "medicare-audio-video",
        "what": "unknown modifier '96'", "fix": "use one defined in modifiers.yaml",
        "rule": "unknown-modifier-ref",
        "text": "routes/medicare.yaml:7: medicare-audio-video: unknown modifier '96' — use one "
                "defined in modifiers.yaml"}]
