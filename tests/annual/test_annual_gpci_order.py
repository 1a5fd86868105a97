"""import-rvu --write-gpci with two RVU packages of one year, in either order: both cover the
whole calendar year, so GPCIs that differ are a conflict (exit 2, naming both releases and the
locality, nothing written); the same GPCIs keep the newer release, whichever comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

GPCI = Path(__file__).resolve().parent.parent / "data" / "GPCI2025.csv"


def _changed(tmp_path: Path) -> Path:
    text = GPCI.read_text(encoding="utf-8-sig")
    assert "10112,AL,00,ALABAMA,1,0.869,0.575" in text
    out = tmp_path / "GPCI2025_other.csv"
    out.write_text(text.replace("10112,AL,00,ALABAMA,1,0.869,0.575",
                                "10112,AL,00,ALABAMA,1,0.871,0.575"), encoding="utf-8")
    return out


def _held(root: Path) -> dict:
    return YAML(typ="safe", pure=True).load(
        (root / "localities" / "medicare-2025.yaml").read_text())["localities"]


@pytest.mark.parametrize("first,second", [("2025-09-11", "2025-06-01"),
                                          ("2025-06-01", "2025-09-11")])
def test_two_releases_with_other_gpcis_conflict(cli, mini_copy, tmp_path, first, second):
    code, _, err = cli("import-rvu", GPCI, "--write-gpci", "--release", first,
                       "--codebook", mini_copy)
    assert code == 0, err
    before = {p: p.read_text() for p in mini_copy.rglob("*.yaml")}
    code, out, err = cli("import-rvu", _changed(tmp_path), "--write-gpci", "--release", second,
                         "--codebook", mini_copy)
    assert code == 2, out + err
    assert first in err and second in err and "10112" in err and "locality 00" in err
    assert "Traceback" not in err
    assert before == {p: p.read_text() for p in mini_copy.rglob("*.yaml")}


@pytest.mark.parametrize("order", [("2025-09-11", "2025-06-01"), ("2025-06-01", "2025-09-11")])
def test_the_same_gpcis_keep_the_newer_release(cli, mini_copy, tmp_path, order):
    copy = tmp_path / "GPCI2025_copy.csv"  # another file (its own sha256), the same values
    copy.write_text(GPCI.read_text(encoding="utf-8-sig") + "\n", encoding="utf-8")
    files = {"2025-09-11": GPCI, "2025-06-01": copy}
    for release in order:
        code, out, err = cli("import-rvu", files[release], "--write-gpci", "--release", release,
                             "--codebook", mini_copy)
        assert code == 0, err
    held = _held(mini_copy)
    assert str(held["release"]) == "2025-09-11"
    sources = YAML(typ="safe", pure=True).load((mini_copy / "sources.yaml").read_text())
    cited = next(s for s in sources["sources"] if s["id"] == held["sources"][0]["id"])
    assert "2025-09-11" in cited["title"]
    code, out, err = cli("validate", mini_copy)
    assert code == 0, out + err
