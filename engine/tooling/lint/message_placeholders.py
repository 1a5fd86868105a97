"""Message templates use only placeholders the engine fills.

Common to every template (codebook/README.md): date_of_service, payer, payer_name, modality,
clinician, patient_status, codes, flexibility.{law,from,to,restored_by,state}. Rules with a
`conflict` also get conflict.{id,topic,chosen,alternatives,reason}. Family selection messages
also get family, family_id, time_basis. A message in messages.yaml also gets the keys the engine
documents for its id (engine.checker.ENGINE_MESSAGES) and those in its `placeholders` list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import Record

RULE = "message-placeholders"
DESCRIPTION = "a message template uses a placeholder the engine does not fill"

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
COMMON = {"date_of_service", "payer", "payer_name", "modality", "clinician", "patient_status",
          "codes", "flexibility.law", "flexibility.from", "flexibility.to",
          "flexibility.restored_by", "flexibility.state"}
CONFLICT = {"conflict.id", "conflict.topic", "conflict.chosen", "conflict.alternatives",
            "conflict.reason"}
FAMILY = {"family", "family_id", "time_basis"}


def engine_messages() -> dict[str, tuple[str, ...]]:
    try:
        from engine.checker import ENGINE_MESSAGES
    except ImportError:  # pragma: no cover - engine without the table
        return {}
    return dict(ENGINE_MESSAGES)


def _check(record: Record, text: object, allowed: set[str], path: tuple) -> Iterator[Problem]:
    if not isinstance(text, str):
        return
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            yield record.problem(
                RULE, f"unknown placeholder {{{name}}}",
                "use one of: " + ", ".join("{" + a + "}" for a in sorted(allowed)), *path)


def check(ctx: LintContext) -> Iterator[Problem]:
    extra = engine_messages()
    for rule in ctx.index.of("rule"):
        allowed = COMMON | (CONFLICT if rule.get("conflict") else set())
        yield from _check(rule, rule.get("message"), allowed, ("message",))
    for message in ctx.index.of("message"):
        own = {p for p in message.get("placeholders") or [] if isinstance(p, str)}
        allowed = COMMON | set(extra.get(message.id, ())) | own
        yield from _check(message, message.get("text"), allowed, ("text",))
    for family in ctx.index.of("family"):
        messages = family.get("messages")
        if isinstance(messages, dict):
            for key in sorted(messages):
                yield from _check(family, messages[key], COMMON | FAMILY, ("messages", key))
