"""The checker form (docs/checker.md) is written by hand for plain-language labels; this keeps it
in step with the engine's encounter contract (engine.core.contract.FIELDS): every key has exactly
one input named after it, select options are the contract's choices, defaults agree, and each field
has a label and an error slot. No browser needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from engine.core.contract import FIELDS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "checker.md"


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    options: list[str] = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: dict[str, list[Control]] = {}
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.testids: dict[str, dict[str, str]] = {}
        self._select: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if "data-testid" in a:
            self.testids[a["data-testid"]] = a
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        if tag in ("input", "select") and "name" in a:
            control = Control(tag, a)
            self.controls.setdefault(a["name"], []).append(control)
            if tag == "select":
                self._select = control
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def parse() -> FormParser:
    parser = FormParser()
    parser.feed(PAGE.read_text(encoding="utf-8"))
    return parser


def test_every_contract_key_has_exactly_one_input() -> None:
    form = parse()
    assert set(form.controls) == set(FIELDS)
    assert all(len(c) == 1 for c in form.controls.values())


def test_select_options_are_the_contract_choices() -> None:
    form = parse()
    for name, spec in FIELDS.items():
        (control,) = form.controls[name]
        if spec.kind == "enum":
            assert control.tag == "select", name
            choices = [o for o in control.options if o != ""]
            assert sorted(choices) == sorted(spec.choices), name
            if "" in control.options:
                assert not spec.required and spec.default is None, f"{name}: blank not allowed"
        if spec.kind == "bool" and spec.default is None:
            assert control.tag == "select" and control.options == ["", "true", "false"], name


def test_defaults_agree_with_the_contract() -> None:
    form = parse()
    for name, spec in FIELDS.items():
        (control,) = form.controls[name]
        if spec.kind == "bool" and spec.default is not None:
            assert control.attrs.get("type") == "checkbox", name
            assert control.attrs.get("data-default") == str(spec.default).lower(), name
            assert ("checked" in control.attrs) is spec.default, name
        elif spec.default is not None:
            assert control.attrs.get("data-default") == spec.default, name
        else:
            assert "data-default" not in control.attrs, name


def test_each_input_has_a_label_and_an_error_slot() -> None:
    form = parse()
    for name, (control,) in form.controls.items():
        assert control.attrs["id"] == f"tc-{name}"
        assert control.attrs["id"] in form.label_for, f"{name} has no <label for>"
        assert f"tc-err-{name}" in form.ids, f"{name} has no error slot"
        assert f"tc-err-{name}" in control.attrs.get("aria-describedby", "").split()


def test_result_container_has_the_test_hooks() -> None:
    result = parse().testids["result"]
    assert result["data-state"] == "loading"
    assert result["data-codes"] == ""
    assert result["aria-live"] == "polite"
