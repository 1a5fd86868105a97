"""A FAQ's expected result names codes, modifiers and POS that exist, and a code that is in
force on the FAQ's date of service."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.lint._util import as_date, date_range
from engine.tooling.problems import Problem

RULE = "faq-expected"
DESCRIPTION = "a FAQ's expected result names an unknown code, modifier or POS"


def check(ctx: LintContext) -> Iterator[Problem]:
    index = ctx.index
    versions: dict[str, list[tuple]] = {}
    for r in index.of("code"):
        rng = date_range(r)
        code = r.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)  # unquoted: the schema reports it
        if isinstance(code, str) and rng:
            versions.setdefault(code, []).append(rng)
    modifiers = index.codes("modifier")
    places = index.codes("pos")
    for faq in index.of("faq"):
        encounter = faq.get("encounter") if isinstance(faq.get("encounter"), dict) else {}
        day = as_date(encounter.get("date_of_service"))
        expected = faq.get("expected") if isinstance(faq.get("expected"), dict) else {}
        lines = expected.get("lines") if isinstance(expected.get("lines"), list) else []
        for i, line in enumerate(lines):
            if not isinstance(line, dict):
                continue
            path = ("expected", "lines", i)
            code = line.get("code")
            if isinstance(code, str) and index.knows("code"):
                if code not in versions:
                    yield faq.problem(RULE, f"expected line names unknown code '{code}'",
                                      "use a code defined in codes/*.yaml", *path, "code")
                elif day and not any(a <= day <= b for a, b in versions[code]):
                    yield faq.problem(
                        RULE, f"expected code {code} is not in force on {day.isoformat()}",
                        "fix the expected code or the encounter's date_of_service", *path, "code")
            for j, mod in enumerate(line.get("modifiers") or []):
                if isinstance(mod, str) and index.knows("modifier") and mod not in modifiers:
                    yield faq.problem(RULE, f"expected line names unknown modifier '{mod}'",
                                      "use a modifier defined in modifiers.yaml",
                                      *path, "modifiers", j)
            pos = line.get("pos")
            if isinstance(pos, str) and index.knows("pos") and pos not in places:
                yield faq.problem(RULE, f"expected line names unknown place of service '{pos}'",
                                  "use a POS defined in places-of-service.yaml", *path, "pos")
