"""Message templates use only placeholders the engine fills.

Common to every template (codebook/README.md): date_of_service, payer, payer_name, modality,
clinician, patient_status, payer_label, modality_label, clinician_label, patient_status_label,
codes, flexibility.{law,from,to,restored_by,state}, and every encounter key and derived fact
(the `condition_field` vocabulary of schema/common.schema.json).
Rules with a `conflict` also get conflict.{id,topic,chosen,alternatives,reason}. Family
selection messages also get family, family_id, time_minutes, minimum, and for `evisit_periods`
families period, period_start, period_end, period_minutes, period_days; and the data
placeholders compile fills from the thresholds ({min_minutes}, {max_minutes},
{CODE.min_minutes}, {CODE.max_minutes}: engine.tooling.family_data). A message in
messages.yaml also gets the keys the engine documents for its id
(engine.core.pipeline.ENGINE_MESSAGES) and those in its `placeholders` list; its `title` gets none.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from engine.tooling.family_data import DATA_NAME, code_values, family_values
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


def _check(record: Record, text: object, allowed: set[str], path: tuple,
           unlisted: frozenset[str] | set[str] = frozenset()) -> Iterator[Problem]:
    """Unknown placeholders of ``text``; ``unlisted`` names are known but not suggested."""
    if not isinstance(text, str):
        return
    fields = encounter_fields()
    close = difflib.get_close_matches
    for name in PLACEHOLDER.findall(text):
        if name not in allowed and name not in unlisted:
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
    codes = ctx.index.of("code")
    by_code = code_values(c.data for c in codes)
    for family in ctx.index.of("family"):
        messages = family.get("messages")
        if not isinstance(messages, dict):
            continue
        allowed = common | FAMILY | (EVISIT if family.get("time_basis") == "evisit_periods"
                                     else set())
        data = set(by_code) | set(family_values(c.data for c in codes if c.parent == family.id))
        for key in sorted(messages):
            yield from _data(family, messages[key], data, ("messages", key))
            yield from _check(family, messages[key], allowed, ("messages", key),
                              data | _data_names(messages[key]))


def _data_names(text: object) -> set[str]:
    """The data placeholders of ``text`` (reported by _data when they have no value)."""
    return {n for n in PLACEHOLDER.findall(text) if DATA_NAME.match(n)} if isinstance(
        text, str) else set()


def _data(record: Record, text: object, data: set[str], path: tuple) -> Iterator[Problem]:
    for name in sorted(_data_names(text) - data):
        code, _, key = name.rpartition(".")
        if not code:
            what = (f"{{{name}}} has no value: a code of this family that is not an add-on has "
                    "no max_minutes (an open-ended band)" if key == "max_minutes" else
                    f"{{{name}}} has no value: no code of this family has a min_minutes")
            fix = "write the threshold of one code, e.g. {<code>." + key + "}"
        else:
            what = f"{{{name}}} has no value: no code {code} with one {key} in every version"
            fix = "name a code of codes/*.yaml that has this threshold"
        yield record.problem(RULE, what, fix, *path)
