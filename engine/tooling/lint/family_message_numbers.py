"""A family message does not restate one of its family's thresholds as a number: it writes the
placeholder ({min_minutes}, {max_minutes}, {CODE.min_minutes}, {CODE.max_minutes}) that compile
fills from the data (engine.tooling.family_data), so the text follows when a band moves.

A number is any one- to three-digit number of the text outside placeholders and not part of a
code ("99212", "G2012") or a year; "N-day" (the length of a period, "a 30-day period") is not a
threshold."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.tooling.family_data import KEYS, PLACEHOLDER, family_values
from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "family-message-numbers"
DESCRIPTION = "a family message writes one of its family's thresholds as a number"

NUMBER = re.compile(r"(?<![\w.])(\d{1,3})(?![\w]|-day)")


def check(ctx: LintContext) -> Iterator[Problem]:
    codes = ctx.index.of("code")
    for family in ctx.index.of("family"):
        messages = family.get("messages")
        if not isinstance(messages, dict):
            continue
        own = [c for c in codes if c.parent == family.id]
        # threshold value -> the placeholders that give it, the family's own first
        where: dict[int, list[str]] = {}
        for name, value in family_values(c.data for c in own).items():
            where.setdefault(value, []).append("{" + name + "}")
        for c in own:
            for key in KEYS:
                value = c.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    name = "{" + f"{c.get('code')}.{key}" + "}"
                    if name not in where.setdefault(value, []):
                        where[value].append(name)
        for key in sorted(messages):
            text = messages[key]
            if not isinstance(text, str):
                continue
            bare = PLACEHOLDER.sub(" ", text)
            for number in dict.fromkeys(int(m) for m in NUMBER.findall(bare)):
                if number in where:
                    names = where[number]
                    more = f" (or {', '.join(names[1:3])})" if len(names) > 1 else ""
                    yield family.problem(
                        RULE, f"messages.{key} writes {number}, a threshold of this family",
                        f"write {names[0]}{more} instead: compile fills it from the data",
                        "messages", key)
