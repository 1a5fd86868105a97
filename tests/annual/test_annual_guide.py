"""The maintainer guide (docs/maintainers.md) only names commands and options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "maintainers.md"


def command_lines() -> list[list[str]]:
    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    out = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            for part in line.split("&&"):
                words = shlex.split(part.split(">", 1)[0])
                if words and words[0] == "telecode":
                    out.append(words)
    return out


def test_guide_walks_through_every_annual_command():
    used = {w[1] for w in command_lines()}
    assert {"new-year", "import-rvu", "import-cms-list", "validate", "diff"} <= used
    text = GUIDE.read_text(encoding="utf-8")
    for script in ("scripts/test", "scripts/build"):
        assert script in text
    order = [text.index(s) for s in ("scripts/test", "telecode new-year", "telecode import-rvu",
                                     "telecode import-cms-list", "telecode validate",
                                     "telecode diff", "scripts/build")]
    assert order == sorted(order)


@pytest.mark.parametrize("words", command_lines(), ids=lambda w: " ".join(w[1:3]))
def test_every_option_in_the_guide_exists(words, capsys):
    from engine.cli import COMMANDS, main

    assert words[1] in COMMANDS
    with pytest.raises(SystemExit) as exc:
        main([words[1], "--help"])
    assert exc.value.code == 0
    helptext = capsys.readouterr().out
    for w in words[2:]:
        if w.startswith("--"):
            assert w.split("=")[0] in helptext, f"{w} is not an option of telecode {words[1]}"
