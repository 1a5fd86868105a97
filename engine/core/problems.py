"""A problem found in a codebook file or a practice's payer profile: where it is, what is
wrong, how to fix it. Printed as ``file:line: entry: what — fix`` by the command line
(engine.tooling re-exports it) and by the browser checker (engine.core.profile_check).
Standard library only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, printed as ``file:line: entry-id: what — how to fix``.

    ``file`` is relative to the codebook folder (``codes/office-em.yaml``); ``line`` is 1-based
    (0 when the problem concerns a whole missing file or folder); ``entry`` is the id of the record
    the problem is in ("" when there is none, e.g. a YAML syntax error).
    """

    file: str
    line: int
    entry: str
    what: str
    fix: str
    rule: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        entry = self.entry or "-"
        fix = f" — {self.fix}" if self.fix else ""
        return f"{where}: {entry}: {self.what}{fix}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file, then line, then text; duplicates removed."""
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.entry, p.what, p.fix, p.rule))
