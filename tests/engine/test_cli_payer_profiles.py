"""A practice's own payer profiles through the command line: payer-profile init / validate,
--payer-profiles and TELECODE_PAYER_PROFILES on check and batch, telecode payers; broken
profiles each get a `file:line: entry: what — fix` line and exit status 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from engine.cli import main
from tests.engine.test_web_profiles import LATER, VISIT, profile  # the browser's cases too


def _write(folder: Path, base="unitedhealthcare", mod='"GT"', more="", name="acme.yaml",
           **fields: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(profile(base=base, mod=mod, more=more, **fields), encoding="utf-8")
    return path


def _check(args, capsys, monkeypatch=None):
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_init_validate_and_check(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    target = folder / "acme.yaml"
    assert main(["payer-profile", "init", "acme_health", "--base", "cigna", "-o",
                 str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "base: cigna" in text and "# One rule per service" in text
    assert main(["payer-profile", "validate", str(folder)]) == 0
    assert "payer profiles OK: 1 profile, 0 rules" in capsys.readouterr().out
    # never overwritten
    assert main(["payer-profile", "init", "acme_health", "--base", "cigna", "-o",
                 str(target)]) == 2
    assert "exists" in capsys.readouterr().err
    # the starter answers like its base, Cigna (2024: 99213-95 at POS 02)
    enc = tmp_path / "enc.json"
    enc.write_text(json.dumps({**VISIT, "date_of_service": "2024-03-04"}), encoding="utf-8")
    code, out, _ = _check([str(enc), "--payer-profiles", str(folder)], capsys)
    assert code == 0
    lines = json.loads(out)["lines"]
    assert [(ln["code"], ln["modifiers"], ln["pos"]) for ln in lines] == [("99213", ["95"], "02")]


def test_init_refuses_bad_ids_and_bases(tmp_path, capsys):
    out = str(tmp_path / "x.yaml")
    assert main(["payer-profile", "init", "aetna", "--base", "commercial", "-o", out]) == 2
    assert "already a shipped profile" in capsys.readouterr().err
    assert main(["payer-profile", "init", "Bad-Id", "--base", "commercial", "-o", out]) == 2
    assert main(["payer-profile", "init", "acme", "--base", "comercial", "-o", out]) == 2
    assert "closest ids: commercial" in capsys.readouterr().err


def test_check_with_option_and_environment(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "mine"
    _write(folder)
    enc = tmp_path / "enc.json"
    enc.write_text(json.dumps(VISIT), encoding="utf-8")
    code, out, _ = _check([str(enc), "--payer-profiles", str(folder)], capsys)
    assert code == 0
    result = json.loads(out)
    assert [(ln["code"], ln["modifiers"]) for ln in result["lines"]] == [("99213", ["GT"])]
    assert result["trace"][0]["outcome"].endswith("; from acme_health rule acme-video")
    # without the folder, the payer is unknown
    code, out, _ = _check([str(enc)], capsys)
    assert code == 2 and "unknown payer 'acme_health'" in out
    monkeypatch.setenv("TELECODE_PAYER_PROFILES", str(folder))
    code, out, _ = _check([str(enc)], capsys)
    assert code == 0 and json.loads(out)["lines"][0]["modifiers"] == ["GT"]
    # 2024: the rule is not in force; the answer comes through UnitedHealthcare's rule
    code, out, _ = _check([str(enc), "--date_of_service", "2024-06-03"], capsys)
    assert json.loads(out)["trace"][0]["outcome"].endswith(
        "; from unitedhealthcare rule uhc-audio-video-2024")


def test_batch_with_profiles(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "mine"
    _write(folder)
    rows = tmp_path / "in.csv"
    rows.write_text(
        "id,date_of_service,payer,patient_status,modality,mdm,billed_code,billed_modifiers,"
        "billed_pos\n"
        "a,2025-03-03,acme_health,established,audio_video,low,99213,GT,10\n"
        "b,2025-03-03,acme_health,established,audio_video,low,99213,95,10\n"
        "c,2025-03-03,medicaid,established,audio_only,low,99213,93,10\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["batch", str(rows), "-o", str(out), "--payer-profiles", str(folder),
                 "--quiet", "--no-progress"]) == 0
    got = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert got["a"]["verdict"] == "ok" and got["a"]["expected"] == "99213-GT@10"
    assert got["b"]["verdict"] == "mismatch"
    # the same through the environment
    monkeypatch.setenv("TELECODE_PAYER_PROFILES", str(folder))
    out.unlink()
    assert main(["batch", str(rows), "-o", str(out), "--quiet", "--no-progress"]) == 0
    got = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert got["a"]["verdict"] == "ok"


def test_payers_lists_the_local_profiles(tmp_path, capsys):
    folder = tmp_path / "mine"
    _write(folder)
    assert main(["payers", "--format", "json", "--payer-profiles", str(folder)]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)["payers"]}
    assert rows["acme_health"]["source"] == "local"
    assert rows["acme_health"]["chain"] == ["acme_health", "unitedhealthcare", "commercial"]
    assert rows["medicaid_tx"]["state"] == "TX" and rows["medicare"]["source"] == "codebook"
    assert main(["payers"]) == 0
    assert "humana_ma" in capsys.readouterr().out


def _broken(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / case
    if case == "bad-yaml":
        folder.mkdir()
        (folder / "acme.yaml").write_text("profile:\n  id: [acme\n", encoding="utf-8")
    elif case == "unknown-base":
        _write(folder, base="unitedhealth")
    elif case == "cycle":
        _write(folder, base="acme_two")
        _write(folder, base="acme_health", name="two.yaml", pid="acme_two", rid="two-video",
               src="two-contract")
    elif case == "unknown-modifier":
        _write(folder, mod='"9S"')
    elif case == "overlapping-dates":
        _write(folder, more=LATER)
    elif case == "collision":
        _write(folder, pid="cigna")
    return folder


EXPECTED = {
    "bad-yaml": "acme.yaml:3: -: YAML syntax error",
    "unknown-base": "acme.yaml:5: acme_health: unknown base 'unitedhealth' — did you mean "
                    "'unitedhealthcare'?",
    "cycle": "acme.yaml:5: acme_health: its bases form a cycle: acme_health -> acme_two -> "
             "acme_health",
    "unknown-modifier": "acme.yaml:18: acme-video: unknown modifier '9S' — use one defined in "
                        "modifiers.yaml",
    "overlapping-dates": "acme.yaml:27: acme-video-later: overlapping dates: it and acme-video "
                         "(2025-01-01..open, line 12) both hold for audio_video from 2025-06-01",
    "collision": "acme.yaml:2: cigna: the id collides with the shipped profile 'cigna'",
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_profiles_exit_2_with_file_line_messages(tmp_path, capsys, case):
    folder = _broken(tmp_path, case)
    prefix = str(folder) + "/"
    assert main(["payer-profile", "validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert prefix + EXPECTED[case] in err, err
    assert "Traceback" not in err
    enc = tmp_path / "enc.json"
    enc.write_text(json.dumps(VISIT), encoding="utf-8")
    code, out, err = _check([str(enc), "--payer-profiles", str(folder)], capsys)
    messages = [e["message"] for e in json.loads(out)["errors"]]
    assert code == 2 and any((prefix + EXPECTED[case]) in m for m in messages), messages
    rows = tmp_path / "in.csv"
    rows.write_text("date_of_service,payer,patient_status,modality\n"
                    "2025-03-03,medicare,established,audio_video\n", encoding="utf-8")
    assert main(["batch", str(rows), "-o", str(tmp_path / "o.csv"), "--payer-profiles",
                 str(folder), "--quiet", "--no-progress"]) == 2
    assert prefix + EXPECTED[case] in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_missing_folder(tmp_path, capsys):
    assert main(["payer-profile", "validate", str(tmp_path / "nope")]) == 2
    assert "the payer profile folder does not exist" in capsys.readouterr().err


def test_claims_with_profiles(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "mine"
    _write(folder)
    lines = tmp_path / "lines.csv"
    lines.write_text("claim_id,line,date_of_service,payer,code,modifiers,pos,units\n"
                     "A1,1,2025-03-10,acme_health,99213,GT,10,1\n"
                     "A2,1,2025-03-10,acme_health,99213,95,10,1\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["claims", str(lines), "-o", str(out), "--payer-profiles", str(folder),
                 "--quiet"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["verdict"] == "ok"
    assert rows[1]["verdict"] != "ok" and rows[1]["suggested"] == "99213-GT@10"
    # the environment, and a broken folder: exit 2, nothing written
    monkeypatch.setenv("TELECODE_PAYER_PROFILES", str(_broken(tmp_path, "unknown-base")))
    out.unlink()
    assert main(["claims", str(lines), "-o", str(out), "--quiet"]) == 2
    assert "unknown base 'unitedhealth'" in capsys.readouterr().err
    assert not out.exists()
