"""`telecode compile`: the bundle format, defaults, order, hash and determinism."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.tooling.compile import bundle_hash

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def compile_to(tmp_path: Path, name: str, source: Path = MINIMAL) -> bytes:
    out = tmp_path / name
    assert main(["compile", str(source), "-o", str(out)]) == 0
    return out.read_bytes()


def test_two_compiles_are_byte_identical(tmp_path: Path) -> None:
    first = compile_to(tmp_path, "a.json")
    second = compile_to(tmp_path, "b.json")
    assert first == second
    assert first.endswith(b"}\n")


def test_bundle_text_is_sorted_two_space_json(tmp_path: Path) -> None:
    raw = compile_to(tmp_path, "a.json")
    bundle = json.loads(raw.decode("utf-8"))
    assert raw.decode("utf-8") == json.dumps(bundle, sort_keys=True, indent=2,
                                             ensure_ascii=False) + "\n"
    assert bundle["format"] == 1
    assert sorted(bundle) == sorted([
        "format", "meta", "sources", "families", "codes", "modifiers", "places_of_service",
        "payers", "statuses", "routes", "rules", "flexibilities", "conflicts", "messages",
        "phrases", "faqs",
        # the payer profile schema, for the browser checker's "Use my payer profile"
        "profile_schema",
    ])


def test_meta_and_hash(tmp_path: Path) -> None:
    bundle = json.loads(compile_to(tmp_path, "a.json"))
    meta = bundle["meta"]
    assert meta["name"] == "telecode test codebook"
    assert meta["version"] == "2026.1"
    assert meta["released"] == "2026-11-01"
    assert meta["covers"] == {"from": "2024-01-01", "to": "2026-12-31"}
    # the hash is the sha256 of the canonical JSON without meta.hash
    clone = json.loads(json.dumps(bundle))
    del clone["meta"]["hash"]
    canonical = json.dumps(clone, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert meta["hash"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert bundle_hash(bundle) == meta["hash"]


def test_order_and_parents(tmp_path: Path) -> None:
    bundle = json.loads(compile_to(tmp_path, "a.json"))
    assert [c["code"] for c in bundle["codes"]] == ["98016", "99212", "99213", "G2012", "G2252"]
    assert {c["code"]: c["family"] for c in bundle["codes"]}["G2252"] == "virtual-checkin"
    assert [f["id"] for f in bundle["families"]] == ["office-em", "virtual-checkin"]
    assert bundle["families"][0]["file"] == "codes/office-em.yaml"
    assert [m["code"] for m in bundle["modifiers"]] == ["93", "95"]
    assert [p["code"] for p in bundle["places_of_service"]] == ["02", "10"]
    assert [s["id"] for s in bundle["sources"]] == ["src-primary", "src-secondary"]
    assert [p["id"] for p in bundle["payers"]] == ["commercial", "medicare"]
    # payers sorted, then file order
    assert [s["payer"] for s in bundle["statuses"]] == ["commercial"] + ["medicare"] * 3
    assert [s["id"] for s in bundle["statuses"]] == [
        "commercial-status-office-em",
        "medicare-status-office-em", "medicare-status-g2012", "medicare-status-98016"]
    assert [r["id"] for r in bundle["routes"]] == ["medicare-audio-video", "medicare-checkin"]
    assert [r["file"] for r in bundle["rules"]] == ["rules/checkins.yaml"] * 2
    assert [p["from"] for p in bundle["flexibilities"]] == [
        "2024-01-01", "2025-10-01", "2025-11-13"]
    assert [m["id"] for m in bundle["messages"]] == [
        "not-covered-no-route", "requested-code-invalid"]
    assert [f["id"] for f in bundle["faqs"]] == ["faq-medicare-video"]
    # messages.yaml `phrases:`, name -> text
    assert bundle["phrases"]["report"] == "Report {lines}."
    assert bundle["phrases"]["this_payer"] == "this payer"


def test_defaults_are_filled_from_the_schema(tmp_path: Path) -> None:
    bundle = json.loads(compile_to(tmp_path, "a.json"))
    code = {c["id"]: c for c in bundle["codes"]}["99213"]
    assert code["to"] is None  # absent in the YAML
    assert code["selectable"] is True
    assert code["replaces"] == [] and code["replaced_by"] == []
    assert code["add_on"] is None and code["variant"] is None and code["note"] is None
    assert code["max_minutes"] is None and code["modality"] is None
    checkin = {r["id"]: r for r in bundle["routes"]}["medicare-checkin"]
    assert checkin["clinician"] == "em_practitioner"
    assert checkin["modifiers"] == [] and checkin["pos"] is None and checkin["when"] is None
    assert checkin["codes"] is None
    consent = {r["id"]: r for r in bundle["rules"]}["checkin-consent"]
    assert consent["scope"] == {"payers": None, "modalities": ["virtual_checkin"],
                                "families": None, "codes": None, "routes": None,
                                "clinicians": None}
    assert consent["conflict"] is None
    family = {f["id"]: f for f in bundle["families"]}["office-em"]
    assert family["messages"] == {"below_minimum": None, "above_maximum": None,
                                  "no_primary": None,
                                  "no_level": "Give the MDM level or the total minutes."}
    assert family["period_days"] is None
    source = {s["id"]: s for s in bundle["sources"]}["src-secondary"]
    assert source["url"] is None and source["published"] is None and source["accessed"] is None
    mod93 = {m["code"]: m for m in bundle["modifiers"]}["93"]
    assert mod93["scope"] == []
    assert {m["code"]: m for m in bundle["modifiers"]}["95"]["scope"][0]["note"] is None
    assert {p["id"]: p["defaults_only"] for p in bundle["payers"]} == {
        "commercial": True, "medicare": False}
    assert bundle["messages"][0]["placeholders"] == []


def test_dates_are_strings(tmp_path: Path) -> None:
    bundle = json.loads(compile_to(tmp_path, "a.json"))
    assert bundle["faqs"][0]["encounter"]["date_of_service"] == "2025-03-10"
    assert bundle["codes"][0]["last_verified"] == "2026-10-01"


def test_stdout_output(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    expected = compile_to(tmp_path, "a.json")
    capsysbinary.readouterr()
    assert main(["compile", str(MINIMAL), "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == expected


def test_compile_refuses_an_invalid_codebook(
    minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (minimal_copy / "sources.yaml").read_text()
    (minimal_copy / "sources.yaml").write_text(text.replace("kind: primary", "kind: primry"))
    out = tmp_path / "out.json"
    assert main(["compile", str(minimal_copy), "-o", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "sources.yaml:8: src-primary: 'kind' is the text 'primry'" in err
    assert "refused" in err


def test_compile_is_independent_of_file_system_order(minimal_copy: Path, tmp_path: Path) -> None:
    """Re-creating the files in another order gives the same bytes."""
    first = compile_to(tmp_path, "a.json", minimal_copy)
    for path in sorted(minimal_copy.rglob("*.yaml"), reverse=True):
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    assert compile_to(tmp_path, "b.json", minimal_copy) == first


def test_output_to_a_device_writes_through(tmp_path: Path) -> None:
    """-o /dev/null must not replace the device with a regular file."""
    import os
    import stat

    assert main(["compile", str(MINIMAL), "-o", os.devnull]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not Path(os.devnull + ".tmp").exists()


def test_family_messages_get_their_thresholds_from_the_data(minimal_copy: Path,
                                                            tmp_path: Path) -> None:
    """{min_minutes}/{max_minutes}/{CODE.min_minutes} are filled at compile time; the engine's
    own placeholders ({time_minutes}) stay for the engine."""
    def messages(source: Path, name: str) -> dict[str, str]:
        bundle = json.loads(compile_to(tmp_path, name, source))
        return next(f for f in bundle["families"] if f["id"] == "virtual-checkin")["messages"]

    assert messages(MINIMAL, "a.json") == {
        "below_minimum": "Under 5 minutes of discussion is not reportable.",
        "above_maximum": "Over 20 minutes: consider a visit code.",
        "no_level": None, "no_primary": None}
    path = minimal_copy / "codes" / "virtual-checkin.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("min_minutes: 11\n    max_minutes: 20",
                        "min_minutes: 11\n    max_minutes: 25")
    text = text.replace('"Over {max_minutes} minutes: consider a visit code."',
                        '"Over {max_minutes} minutes ({G2252.min_minutes}-{G2252.max_minutes} '
                        'is the longest band; {time_minutes} given); {99213.min_minutes} '
                        'minutes is a visit."')
    path.write_text(text, encoding="utf-8")
    assert messages(minimal_copy, "b.json")["above_maximum"] == (
        "Over 25 minutes (11-25 is the longest band; {time_minutes} given); 20 minutes is a visit.")
