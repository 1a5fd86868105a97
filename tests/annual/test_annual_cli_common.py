"""engine/cli/_common.py: what the maintainer subcommands share (--codebook and its default
folder, the one-line failure with exit status 2)."""

from __future__ import annotations

import argparse

import pytest

from engine.cli._common import add_codebook_option, codebook_folder, make_fail
from engine.tooling.paths import CODEBOOK_DIR


def test_codebook_option_defaults_to_this_clones_folder() -> None:
    parser = argparse.ArgumentParser()
    add_codebook_option(parser)
    assert parser.parse_args([]).codebook is None
    assert codebook_folder(None) == str(CODEBOOK_DIR)
    assert (CODEBOOK_DIR / "codebook.yaml").is_file()
    assert codebook_folder(parser.parse_args(["--codebook", "elsewhere"]).codebook) == "elsewhere"


def test_fail_prints_one_line_and_gives_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert make_fail("new-year")("'27' is not a year") == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == "telecode new-year: '27' is not a year\n"


@pytest.mark.parametrize("command", ["import-rvu", "import-cms-list", "new-year", "diff"])
def test_each_maintainer_command_names_itself_when_it_fails(
        command: str, capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    from engine.cli import main

    args = {"import-rvu": [str(tmp_path / "none.csv")],
            "import-cms-list": [str(tmp_path / "none.csv"), "--year", "2025"],
            "new-year": ["2027"], "diff": ["2024", "2025"]}[command]
    assert main([command, *args, "--codebook", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"telecode {command}: "), err
    assert "Traceback" not in err
