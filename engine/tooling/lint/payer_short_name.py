"""A payer or payer profile whose name has a parenthetical part ("Medicare (traditional
fee-for-service, Part B)") gives the short name that tables and short sentences show, and no two
payers or profiles are shown under the same short name."""

from __future__ import annotations

from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "payer-short-name"
DESCRIPTION = ("a payer or profile named with a parenthetical part has no short_name, or two "
               "payers or profiles are shown under the same short name")


def shown_name(record: Record) -> str | None:
    """What tables show for the payer: its short_name, else its name (None if unreadable)."""
    for key in ("short_name", "name"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def check(ctx: LintContext) -> Iterator[Problem]:
    records = [r for r in ctx.index if r.kind in ("payer", "profile") and r.id]
    seen: dict[str, Record] = {}
    for record in sorted(records, key=lambda r: (r.file, r.line())):
        name, short = record.get("name"), record.get("short_name")
        if isinstance(name, str) and "(" in name and not (isinstance(short, str) and short):
            cut = name.split("(")[0].strip() or name
            yield record.problem(
                RULE, f"the name '{name}' has a parenthetical part but there is no short_name",
                f"add the name tables show, e.g. short_name: \"{cut}\"", "name")
        if isinstance(short, str) and "(" in short:
            yield record.problem(
                RULE, f"short_name '{short}' has a parenthetical part",
                "keep the qualifier in `name`; short_name is the bare name", "short_name")
        shown = shown_name(record)
        if shown is None:
            continue
        key = "short_name" if isinstance(short, str) and short.strip() else "name"
        first = seen.setdefault(shown.casefold(), record)
        if first is not record:
            first_key = "short_name" if first.get("short_name") else "name"
            yield record.problem(
                RULE, f"shown as '{shown}', like {first.id} ({first.file}:"
                f"{first.line(first_key)})", "give each payer and profile its own short_name",
                key)
