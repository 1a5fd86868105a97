"""messages.yaml `phrases:` has every phrase the engine needs, each using only the placeholders
the engine fills for it (engine.core.phrases.ENGINE_PHRASES), and no phrase the engine never
uses."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from engine.core.phrases import ENGINE_PHRASES
from engine.tooling.lint import LintContext
from engine.tooling.lint.message_placeholders import PLACEHOLDER
from engine.tooling.problems import Problem

RULE = "engine-phrases"
DESCRIPTION = "a phrase the engine needs is missing from messages.yaml, or uses a placeholder " \
              "the engine does not fill for it"


def _may_use(names: tuple[str, ...]) -> str:
    if not names:
        return "it takes no placeholder"
    return "it may use " + ", ".join("{" + n + "}" for n in names)


def check(ctx: LintContext) -> Iterator[Problem]:
    index = ctx.index
    if not index.knows("message"):
        return
    docs = index.loaded.of_kind("messages")
    if not docs:
        return
    found: dict[str, str] = {}
    for doc in docs:
        data = index.filled.get(doc.file)
        phrases = data.get("phrases") if isinstance(data, dict) else None
        if phrases is None:
            continue
        if not isinstance(phrases, dict):
            return  # the schema reports the type
        for name, text in phrases.items():
            name = str(name)
            found.setdefault(name, doc.file)
            where = doc.line(("phrases", name))
            entry = f"phrases.{name}"
            if name not in ENGINE_PHRASES:
                hint = difflib.get_close_matches(name, sorted(ENGINE_PHRASES), n=1)
                yield Problem(doc.file, where, entry, f"unknown phrase {name!r}",
                              (f"did you mean {hint[0]!r}? " if hint else "")
                              + "the engine uses: " + ", ".join(ENGINE_PHRASES), RULE)
                continue
            if not isinstance(text, str):
                continue  # the schema reports the type
            allowed = ENGINE_PHRASES[name]
            for placeholder in PLACEHOLDER.findall(text):
                if placeholder not in allowed:
                    hint = difflib.get_close_matches(placeholder, allowed, n=1)
                    yield Problem(doc.file, where, entry,
                                  f"unknown placeholder {{{placeholder}}}",
                                  (f"did you mean {{{hint[0]}}}? " if hint else "")
                                  + f"{_may_use(allowed)}", RULE)
    first = docs[0]
    for name, allowed in ENGINE_PHRASES.items():
        if name not in found:
            yield Problem(first.file, first.line(("phrases",)), "phrases",
                          f"the engine needs the phrase {name!r}, which is missing",
                          f"add `{name}:` under `phrases:` ({_may_use(allowed)})", RULE)
