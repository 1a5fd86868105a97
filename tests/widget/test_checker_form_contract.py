"""The checker form (docs/checker.md, its selects rendered at build time from the contract and
messages.yaml by docs/_site/pages_checker.py) in step with the engine's encounter contract
(engine.core.contract.FIELDS): every key has exactly one input named after it, select options are
the contract's choices, defaults agree, and each field has a label and an error slot. The page is
rendered here through the site's own macros module (as mkdocs-macros does). No browser needed."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import jinja2

from engine.core.contract import FIELDS

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "checker.md"


@cache
def rendered() -> str:
    """docs/checker.md with its macros run (the site's macros module, on the compiled
    codebook), as mkdocs-macros renders it before Markdown."""
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from _site import macros
    finally:
        sys.path.remove(str(ROOT / "docs"))
    found: dict[str, object] = {}
    env = SimpleNamespace(
        macro=lambda fn, name="": found.setdefault(name or fn.__name__, fn) and fn,
        page=SimpleNamespace(file=SimpleNamespace(src_uri="checker.md")),
        conf={"extra": {}})
    macros.define_env(env)
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
        PAGE.read_text(encoding="utf-8").split("\n---\n", 1)[1])
    return template.render(**found)


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    options: list[str] = field(default_factory=list)
    grouped: list[str] = field(default_factory=list)  # options inside an <optgroup>


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: dict[str, list[Control]] = {}
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.testids: dict[str, dict[str, str]] = {}
        self._select: Control | None = None
        self._group = False

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
        if tag == "optgroup":
            self._group = True
        if tag == "option" and self._select is not None:
            (self._select.grouped if self._group else self._select.options).append(
                a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "optgroup":
            self._group = False


def parse() -> FormParser:
    parser = FormParser()
    parser.feed(rendered())
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


# ---- one source: the form's choices and checker.js come from the contract -----------------
CHECKER_JS = ROOT / "docs" / "assets" / "checker" / "checker.js"
MESSAGES = ROOT / "codebook" / "messages.yaml"


class OptionParser(HTMLParser):
    """(value, words) of every <option> of each select, outside any <optgroup>."""

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, list[tuple[str, str]]] = {}
        self._select: str | None = None
        self._value: str | None = None
        self._group = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "select":
            self._select = a["name"]
            self.options[self._select] = []
        elif tag == "optgroup":
            self._group = True
        elif tag == "option" and self._select and not self._group:
            self._value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._value is not None and self._select:
            self.options[self._select].append((self._value, data))
            self._value = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "optgroup":
            self._group = False


def test_the_page_source_types_no_select_choice_or_default() -> None:
    source = PAGE.read_text(encoding="utf-8")
    assert "<select" not in source and "<option" not in source
    assert 'type="checkbox"' not in source and "data-default" not in source


def test_option_words_are_the_codebook_words_in_their_order() -> None:
    from ruamel.yaml import YAML

    words = YAML(typ="safe").load(MESSAGES.read_text(encoding="utf-8"))["conditions"]
    parser = OptionParser()
    parser.feed(rendered())
    assert set(parser.options) == {n for n, f in FIELDS.items()
                                   if f.kind == "enum" or (f.kind == "bool" and f.default is None)}
    for name, options in parser.options.items():
        want = [(str(k), str(v)) for item in words[name]["form"] for k, v in item.items()]
        if words[name].get("form_blank"):
            want.insert(0, ("", words[name]["form_blank"]))
        assert options == want, name


def test_named_plans_are_the_payer_profiles() -> None:
    from engine.core.codebook import load_codebook

    profiles = sorted(p["id"] for p in load_codebook().payers.values()
                      if p.get("profile") and not p.get("state"))
    (payer,) = parse().controls["payer"]
    assert profiles and sorted(payer.grouped) == profiles


def test_the_page_carries_the_contract_for_checker_js() -> None:
    import html as _html
    import re

    from engine.core import contract

    m = re.search(r'<div id="tc-contract" hidden data-contract="([^"]*)"></div>', rendered())
    assert m, "the checker page has no #tc-contract"
    data = json.loads(_html.unescape(m.group(1)))
    compare = data.pop("compare")
    described = contract.describe()
    assert data == {"true_words": described["true_words"],
                    "false_words": described["false_words"]}
    assert [p for p, _ in compare] == ["medicare", "commercial", "medicaid"]
    assert sorted(p for p, _ in compare) == sorted(contract.PAYERS)


def test_checker_js_holds_no_contract_values() -> None:
    """No enum value, true/false word or payer title typed in checker.js: it reads the
    contract from the page (#tc-contract) and the choices from the form."""
    import re

    from engine.core import contract

    js = CHECKER_JS.read_text(encoding="utf-8")
    js = re.sub(r"^\s*//.*$", "", js, flags=re.M)  # comments may name values
    literals = set(re.findall(r'"([^"\\\n]*)"', js)) | set(re.findall(r"'([^'\\\n]*)'", js))
    values = {v for f in FIELDS.values() for v in f.choices}
    words = {w for w in (*contract.TRUE_WORDS, *contract.FALSE_WORDS) if w.isalpha()} - {
        "true", "false"}  # "true"/"false" are also HTML attribute values (data-default)
    assert literals & values == set()
    assert literals & words == set()
    assert not re.search(r"\[\s*\"(?:medicare|commercial|medicaid)\"", js)


def test_form_words_that_miss_a_choice_stop_the_build() -> None:
    import copy

    import pytest

    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from _site import pages_checker
    finally:
        sys.path.remove(str(ROOT / "docs"))
    from engine.core.codebook import load_codebook

    cb = load_codebook()
    broken = copy.deepcopy(cb.bundle)
    broken["condition_words"]["modality"]["form"].pop()  # remote_monitoring has no words
    with pytest.raises(pages_checker.FormWordsError, match="remote_monitoring"):
        pages_checker.choices(type(cb)(broken), "modality")
    del broken["condition_words"]["mdm"]["form_blank"]
    with pytest.raises(pages_checker.FormWordsError, match="not given"):
        pages_checker.choices(type(cb)(broken), "mdm")
