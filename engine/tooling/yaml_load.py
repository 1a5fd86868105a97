"""Read the codebook's YAML files, keeping a line number for every value.

``load_codebook_files(root)`` returns a :class:`LoadedCodebook`: one :class:`Document` per file
(plain Python data: dict, list, str, int, float, bool, None — dates stay ``"YYYY-MM-DD"``
strings) plus every problem met while reading (missing folders, encodings, YAML syntax, empty
files). It never raises for a bad codebook.

Each document keeps ``lines``: a table from a value's path inside the file (a tuple of keys and
list indexes, ``("codes", 3, "from")``) to its 1-based line, so any later check can say
``file:line``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from engine.tooling.problems import Problem

Path_ = tuple[str | int, ...]

# File kinds: (pattern relative to the codebook folder, kind). The kind names the schema
# (schema/<kind>.schema.json) and the bundle section the file feeds.
FILE_KINDS: list[tuple[str, str]] = [
    ("codebook.yaml", "codebook"),
    ("sources.yaml", "sources"),
    ("codes/*.yaml", "family"),
    ("modifiers.yaml", "modifiers"),
    ("places-of-service.yaml", "places-of-service"),
    ("payers/*.yaml", "payer"),
    ("routes/*.yaml", "routes"),
    ("rules/*.yaml", "rules"),
    ("policies/medicare-telehealth-flexibilities.yaml", "flexibilities"),
    ("policies/source-conflicts.yaml", "conflicts"),
    ("messages.yaml", "messages"),
    ("faq.yaml", "faq"),
]

# What a codebook must contain: files, and folders that must hold at least one file.
REQUIRED_FILES = [
    "codebook.yaml", "sources.yaml", "modifiers.yaml", "places-of-service.yaml",
    "policies/medicare-telehealth-flexibilities.yaml", "policies/source-conflicts.yaml",
    "messages.yaml", "faq.yaml",
]
REQUIRED_FOLDERS = ["codes", "payers", "routes", "rules"]

# Files and folders in the codebook folder that are not data.
IGNORED = ["README.md", "schema/*", "*.md", ".*"]


def kind_of(rel: str) -> str | None:
    for pattern, kind in FILE_KINDS:
        if fnmatch.fnmatchcase(rel, pattern) and rel.count("/") == pattern.count("/"):
            return kind
    return None


@dataclass
class Document:
    file: str  # relative to the codebook folder, with "/"
    kind: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_ = ()) -> int:
        """Line of the value at ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


@dataclass
class LoadedCodebook:
    root: Path
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Document]:
        return [d for d in self.documents if d.kind == kind]

    def document(self, file: str) -> Document | None:
        for d in self.documents:
            if d.file == file:
                return d
        return None

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps timestamps as the text written in the file.

    Dates stay strings (``2025-01-01`` -> ``"2025-01-01"``) so that an impossible date such as
    ``2025-02-30`` is reported by the schema with its line instead of crashing the loader.
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:  # noqa: ARG002
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def _plain(value: Any, path: Path_, lines: dict[Path_, int]) -> Any:
    """Convert ruamel's round-trip objects into plain Python, recording line numbers."""
    if isinstance(value, CommentedMap):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            plain_key = _key_text(key)
            child = path + (plain_key,)
            try:
                line, _col = value.lc.key(key)
                lines[child] = line + 1
            except (KeyError, TypeError, AttributeError):
                pass
            if isinstance(item, CommentedMap | CommentedSeq):
                lines.setdefault(child, item.lc.line + 1)
            out[plain_key] = _plain(item, child, lines)
        return out
    if isinstance(value, CommentedSeq):
        seq: list[Any] = []
        for index, item in enumerate(value):
            child = path + (index,)
            try:
                line, _col = value.lc.item(index)
                lines[child] = line + 1
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            if isinstance(item, CommentedMap) and child not in lines:
                lines[child] = item.lc.line + 1
            seq.append(_plain(item, child, lines))
        return seq
    if isinstance(value, dict):  # anchors merged into plain dicts (rare)
        return {_key_text(k): _plain(v, path + (_key_text(k),), lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, path + (i,), lines) for i, v in enumerate(value)]
    return _plain_scalar(value)


def _key_text(key: Any) -> str:
    """Mapping keys are text in JSON: ``0: 5`` gives the key ``"0"``."""
    key = _plain_scalar(key)
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _plain_scalar(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    name = type(value).__name__
    if name == "ScalarBoolean":
        return bool(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def load_file(path: Path, rel: str, kind: str) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file. Returns (document or None, problems)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, "", f"cannot read the file ({exc.strerror})",
                              "check that the file exists and is readable", "load")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(
            rel, line, "",
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)", "load")]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, [Problem(rel, 1, "", "the file is empty",
                              f"write the {kind} data in it (see codebook/README.md) or delete it",
                              "load")]
    try:
        docs = list(_yaml().load_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x).strip() or "invalid YAML"
        opened = exc.context_mark
        if opened is not None and mark is not None and opened.line != mark.line:
            what += f" (it started on line {opened.line + 1})"
        name = type(exc).__name__
        if "Duplicate" in name:
            fix = "remove or rename one of the two keys"
            what = f"duplicate key: {what}"
        else:
            fix = ("fix the YAML syntax here (indentation, a missing ':', an unclosed quote "
                   "or bracket)")
            what = f"YAML syntax error: {what}"
        return None, [Problem(rel, line, "", _one_line(what), fix, "load")]
    except (YAMLError, ValueError, TypeError) as exc:
        return None, [Problem(rel, 1, "", _one_line(f"YAML error: {exc}"),
                              "fix the YAML syntax of this file", "load")]
    docs = [d for d in docs if d is not None]
    if not docs:
        return None, [Problem(rel, 1, "", "the file has no data (only comments)",
                              f"write the {kind} data in it (see codebook/README.md) or delete it",
                              "load")]
    if len(docs) > 1:
        return None, [Problem(rel, 1, "", "the file holds more than one YAML document ('---')",
                              "keep one document per file", "load")]
    lines: dict[Path_, int] = {}
    root = docs[0]
    if isinstance(root, CommentedMap | CommentedSeq):
        lines[()] = root.lc.line + 1
    data = _plain(root, (), lines)
    lines.setdefault((), 1)
    if not isinstance(data, dict):
        return None, [Problem(rel, lines[()], "",
                              f"the file holds a {type(data).__name__}, not a mapping",
                              "start the file with its top-level key (see codebook/README.md)",
                              "load")]
    return Document(rel, kind, data, lines), []


def _one_line(text: str) -> str:
    return " ".join(text.split())


def load_codebook_files(root: str | Path) -> LoadedCodebook:
    """Read every codebook file under ``root``; never raises for bad data."""
    root = Path(root)
    loaded = LoadedCodebook(root)
    shown = str(root)
    if not root.exists():
        loaded.problems.append(Problem(shown, 0, "", "the codebook folder does not exist",
                                       "give the path of a codebook folder (e.g. codebook/)",
                                       "load"))
        return loaded
    if not root.is_dir():
        loaded.problems.append(Problem(shown, 0, "", "this is a file, not a codebook folder",
                                       "give the folder that holds codebook.yaml", "load"))
        return loaded
    for name in REQUIRED_FILES:
        if not (root / name).is_file():
            loaded.problems.append(Problem(
                name, 0, "", "required file is missing",
                f"create {name} (see codebook/README.md)", "load"))
    for name in REQUIRED_FOLDERS:
        folder = root / name
        if not folder.is_dir():
            loaded.problems.append(Problem(
                name + "/", 0, "", "required folder is missing",
                f"create {name}/ with at least one .yaml file (see codebook/README.md)", "load"))
        elif not any(folder.glob("*.yaml")):
            loaded.problems.append(Problem(
                name + "/", 0, "", "folder holds no .yaml file",
                f"add at least one {name}/<id>.yaml file (see codebook/README.md)", "load"))
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if any(fnmatch.fnmatchcase(rel, pat) for pat in IGNORED) or any(
            part.startswith(".") for part in path.relative_to(root).parts
        ):
            continue
        kind = kind_of(rel)
        if kind is None:
            if path.suffix == ".yml":
                fix = "rename it to .yaml"
            else:
                fix = ("move or rename it to one of the file kinds of codebook/README.md, "
                       "or delete it")
            loaded.problems.append(Problem(rel, 0, "", "file is not part of the codebook format",
                                           fix, "load"))
            continue
        doc, problems = load_file(path, rel, kind)
        loaded.problems.extend(problems)
        if doc is not None:
            loaded.documents.append(doc)
    return loaded
