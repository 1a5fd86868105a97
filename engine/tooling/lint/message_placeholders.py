"""Message templates use only placeholders the engine fills.

Common to every template (codebook/README.md): date_of_service, payer, payer_name, modality,
clinician, patient_status, payer_label, modality_label, clinician_label, patient_status_label,
codes, flexibility.{law,from,to,restored_by,state}, and every encounter key and derived fact
(the `condition_field` vocabulary of schema/common.schema.json).
Rules with a `conflict` also get conflict.{id,topic,chosen,alternatives,reason}. Family
selection messages also get family, family_id, time_minutes, minimum, and for `evisit_periods`
families period, period_start, period_end, period_minutes, period_days. A message in
messages.yaml also gets the keys the engine documents for its id
(engine.core.pipeline.ENGINE_MESSAGES) and those in its `placeholders` list; its `title` gets none.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem
from engine.tooling.records import Record
from engine.tooling.schema import load_schemas

RULE = "message-placeholders"
DESCRIPTION = "a message template uses a placeholder the engine does not fill"

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
COMMON = {"date_of_service", "payer", "payer_name", "modality", "clinician", "patient_status",
          "codes", "flexibility.law", "flexibility.from", "flexibility.to",
          "flexibility.restored_by", "flexibility.state",
          # words for enum values (messages.yaml `labels:`)
          "payer_label", "modality_label", "clinician_label", "patient_status_label"}
CONFLICT = {"conflict.id", "conflict.topic", "conflict.chosen", "conflict.alternatives",
            "conflict.reason"}
FAMILY = {"family", "family_id", "time_minutes", "minimum"}
EVISIT = {"period", "period_start", "period_end", "period_minutes", "period_days"}


def encounter_fields() -> set[str]:
    """The encounter keys and derived facts (schema/common.schema.json, condition_field)."""
    schemas, _ = load_schemas()
    return set(schemas["common"]["$defs"]["condition_field"]["enum"])


def engine_messages() -> dict[str, tuple[str, ...]]:
    try:
        from engine.core.pipeline import ENGINE_MESSAGES
    except ImportError:  # pragma: no cover - engine without the table
        return {}
    return dict(ENGINE_MESSAGES)


def _check(record: Record, text: object, allowed: set[str], path: tuple) -> Iterator[Problem]:
    if not isinstance(text, str):
        return
    fields = encounter_fields()
    close = difflib.get_close_matches
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            hint = close(name, sorted(allowed), n=1)
            shown = ", ".join("{" + a + "}" for a in sorted(allowed - fields))
            yield record.problem(
                RULE, f"unknown placeholder {{{name}}}",
                (f"did you mean {{{hint[0]}}}? " if hint else "")
                + f"use an encounter key or one of: {shown}", *path)


def check(ctx: LintContext) -> Iterator[Problem]:
    extra = engine_messages()
    common = COMMON | encounter_fields()
    for rule in ctx.index.of("rule"):
        allowed = common | (CONFLICT if rule.get("conflict") else set())
        yield from _check(rule, rule.get("message"), allowed, ("message",))
    for message in ctx.index.of("message"):
        own = {p for p in message.get("placeholders") or [] if isinstance(p, str)}
        allowed = common | set(extra.get(message.id, ())) | own
        yield from _check(message, message.get("text"), allowed, ("text",))
        title = message.get("title")
        if isinstance(title, str) and PLACEHOLDER.search(title):
            yield message.problem(
                RULE, f"the title {title!r} has a placeholder",
                "a title is quoted as it is (in batch reasons): write it without {...}",
                "title")
    for family in ctx.index.of("family"):
        messages = family.get("messages")
        allowed = common | FAMILY | (EVISIT if family.get("time_basis") == "evisit_periods"
                                     else set())
        if isinstance(messages, dict):
            for key in sorted(messages):
                yield from _check(family, messages[key], allowed, ("messages", key))
