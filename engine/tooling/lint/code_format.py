"""Code records: the code fits its system, and the id is the code or `<code>@<from>`.

CPT: five digits, or four digits + F/T/U (category II, III, PLA). HCPCS level II: a letter
A-V and four digits. The earliest version of a code has id = code; later ones `<code>@<from>`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "code-format"
DESCRIPTION = "a code does not fit its system, or a code record's id does not match its code"

PATTERNS = {"CPT": re.compile(r"^[0-9]{4}[0-9FTU]\Z"), "HCPCS": re.compile(r"^[A-V][0-9]{4}\Z")}
HINTS = {"CPT": "five digits (or four digits + F, T or U)", "HCPCS": "a letter A-V + four digits"}


def check(ctx: LintContext) -> Iterator[Problem]:
    versions: dict[str, list[Record]] = defaultdict(list)
    for record in ctx.index.of("code"):
        code, system = record.get("code"), record.get("system")
        if not isinstance(code, str):
            continue
        pattern = PATTERNS.get(system) if isinstance(system, str) else None
        if pattern is not None and not pattern.match(code):
            other = next((s for s, p in PATTERNS.items() if p.match(code)), None)
            fix = f"set system: {other}" if other else f"a {system} code is {HINTS[system]}"
            yield record.problem(RULE, f"'{code}' is not a valid {system} code", fix, "code")
        versions[code].append(record)
    for code, records in versions.items():
        records.sort(key=lambda r: (str(r.get("from")), r.file, r.line()))
        for i, record in enumerate(records):
            want = code if i == 0 else f"{code}@{record.get('from')}"
            if record.id != want:
                why = "the earliest version" if i == 0 else "a later version"
                yield record.problem(
                    RULE, f"id '{record.id}' does not match code {code} ({why}, from "
                    f"{record.get('from')})", f'set id: "{want}"', "id")
