"""The checker widget's pages (extension point of docs/_site/hook.py), and its form's parts that
come from the encounter contract.

The pages themselves are hand-written (docs/checker.md, docs/maintainers-widget.md). The
checker is a top-level item of mkdocs.yml's nav, next to Home (issue 17: a reader's tool, not
a maintainer's), so this module adds nothing to the nav.

The form's selects are rendered at build time (macros `checker_select`, `checker_contract`):
the values, their order of meaning and the defaults from engine.core.contract, the words from
messages.yaml `conditions.<field>.form` / `form_blank`, so docs/checker.md types no choice and
checker.js holds no contract value (it reads #tc-contract).
"""

from __future__ import annotations

import html
import json
from typing import Any

from engine.core import contract

from .text import esc


class FormWordsError(ValueError):
    """messages.yaml's form words do not match the contract (the build stops)."""


def pages(codebook: Any) -> dict[str, str]:
    return {}


def nav(codebook: Any) -> list[dict[str, str]]:
    return []


def _words(codebook: Any, name: str) -> dict[str, Any]:
    return (codebook.bundle.get("condition_words") or {}).get(name) or {}


def _pairs(items: Any) -> list[tuple[str, str]]:
    """[{value: words}, ...] (messages.yaml, in order) as (value, words) pairs."""
    return [(str(k), str(v)) for item in items or () for k, v in item.items()]


def choices(codebook: Any, name: str) -> list[tuple[str, str]]:
    """(value, words) of a field's select, in the form's order: the empty choice first when
    the field may be left out and has no default, then every contract choice (true/false for
    a true/false field). Raises FormWordsError when the words do not cover exactly those."""
    field = contract.FIELDS[name]
    if field.kind == "enum":
        values = list(field.choices)
    elif field.kind == "bool":
        values = ["true", "false"]
    else:
        raise FormWordsError(f"{name} is a {field.kind} field, not a choice")
    words = _words(codebook, name)
    form = _pairs(words.get("form"))
    if sorted(v for v, _ in form) != sorted(values):
        raise FormWordsError(
            f"messages.yaml conditions.{name}.form has {[v for v, _ in form]}; the contract's "
            f"choices are {sorted(values)}")
    out: list[tuple[str, str]] = []
    blank = words.get("form_blank")
    may_be_blank = not field.required and field.default is None
    if bool(blank) != may_be_blank:
        raise FormWordsError(
            f"messages.yaml conditions.{name}.form_blank: "
            + ("give the words for 'not given'" if may_be_blank else
               "this field is required or has a default: it has no empty choice"))
    if blank:
        out.append(("", str(blank)))
    return out + form


def select(codebook: Any, name: str, help: bool = False, selected: str | None = None,
           group: str | None = None, group_options: str = "") -> str:
    """The <select> of one contract field (docs/checker.md): id tc-<name>, its default as
    data-default, its help and error slots in aria-describedby; `selected` preselects a
    choice; `group` adds an <optgroup> of that label holding `group_options` (lines of
    <option>s, the named payer plans)."""
    field = contract.FIELDS[name]
    default = f' data-default="{field.default}"' if field.default is not None else ""
    described = f"tc-help-{name} tc-err-{name}" if help else f"tc-err-{name}"
    lines = [f'  <select id="tc-{name}" name="{name}"{default} '
             f'aria-describedby="{described}">']
    values = []
    for value, words in choices(codebook, name):
        mark = " selected" if selected is not None and value == selected else ""
        lines.append(f'    <option value="{value}"{mark}>{esc(words)}</option>')
        values.append(value)
    if selected is not None and selected not in values:
        raise FormWordsError(f"checker_select({name!r}): {selected!r} is not one of its choices")
    if group is not None:
        lines += [f'    <optgroup label="{esc(group)}">', group_options, "    </optgroup>"]
    lines.append("  </select>")
    return "\n".join(lines)


def box(name: str) -> str:
    """The checkbox of one true/false contract field with a default (docs/checker.md): its
    default as data-default, checked when the default is true."""
    field = contract.FIELDS[name]
    if field.kind != "bool" or field.default is None:
        raise FormWordsError(f"checker_box({name!r}): only a true/false field with a default "
                             "is a checkbox (one without a default is a select: checker_select)")
    default = "true" if field.default else "false"
    checked = " checked" if field.default else ""
    return (f'  <input id="tc-{name}" name="{name}" type="checkbox" data-default="{default}"'
            f'{checked} aria-describedby="tc-err-{name}">')


def compare_payers(codebook: Any) -> list[list[str]]:
    """[payer, column title] of the "Compare payers" view (messages.yaml
    conditions.payer.compare): the contract's default payers."""
    titles = _pairs(_words(codebook, "payer").get("compare"))
    if sorted(p for p, _ in titles) != sorted(contract.PAYERS):
        raise FormWordsError(f"messages.yaml conditions.payer.compare has {titles}; "
                             f"the contract's payers are {sorted(contract.PAYERS)}")
    return [[payer, title] for payer, title in titles]


def contract_element(codebook: Any) -> str:
    """What checker.js needs of the contract, as JSON in an attribute: the words for true and
    false (a permalink's checkbox values; engine.core.contract.describe) and the compare
    payers. The engine reads every other text itself (web.run_form). Not a script element,
    which instant navigation would run."""
    described = contract.describe()
    data = {"true_words": described["true_words"], "false_words": described["false_words"],
            "compare": compare_payers(codebook)}
    text = html.escape(json.dumps(data, sort_keys=True, ensure_ascii=True), quote=True)
    return f'<div id="tc-contract" hidden data-contract="{text}"></div>'
