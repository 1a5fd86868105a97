"""Run `telecode ...` as a real command in a new process (shared by the reliability tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
CMD = [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())"]

HEADER = "id,date_of_service,payer,patient_status,modality,minutes,mdm\n"
ROW = "{i},2025-03-10,medicare,established,audio_video,25,moderate\n"


@dataclass
class Run:
    status: int
    out: str
    err: str


def run(*args: str, stdin: bytes | IO[Any] | None = None, cwd: Path | str = ROOT,
        timeout: float = 300) -> Run:
    """`telecode ARGS` in a new process; `stdin` is bytes or an open file (a shell's `<`)."""
    kw: dict[str, Any] = {"input": stdin} if isinstance(stdin, bytes) or stdin is None \
        else {"stdin": stdin}
    proc = subprocess.run([*CMD, *args], capture_output=True, cwd=cwd, timeout=timeout,
                          env=ENV, **kw)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"))


def claims(n: int) -> str:
    return HEADER + "".join(ROW.format(i=i) for i in range(n))


def no_traceback(res: Run) -> None:
    assert "Traceback" not in res.err, res.err
    assert "Traceback" not in res.out, res.out
