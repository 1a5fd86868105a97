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
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.core.profile_check import decode
from engine.core.profile_text import json_key
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
    ("payers/profiles/*.yaml", "payer-profile"),
    ("routes/*.yaml", "routes"),
    ("rules/*.yaml", "rules"),
    ("policies/medicare-telehealth-flexibilities.yaml", "flexibilities"),
    ("policies/source-conflicts.yaml", "conflicts"),
    ("policies/medicare-telehealth-list.yaml", "telehealth-list"),
    ("messages.yaml", "messages"),
    ("faq.yaml", "faq"),
    ("changes/*.yaml", "changes"),  # optional: what changed for coders, per year
    ("payments/*.yaml", "payments"),  # optional: written by import-rvu --write-payments
    ("localities/*.yaml", "localities"),  # optional: written by import-rvu --write-gpci
    ("lint-exceptions.yaml", "lint-exceptions"),  # optional: accepted lint problems
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


class _TooDeep(Exception):
    pass


class _Builder:
    """Plain Python data from composed YAML nodes, with the line of every value.

    Composing nodes (instead of constructing ruamel's round-trip objects) is fast with the C
    parser of ``ruamel.yaml.clib`` and gives every node's line. Scalars follow the YAML 1.2 core
    schema, except timestamps, which stay text (``2025-01-01`` -> ``"2025-01-01"``) so that an
    impossible date such as ``2025-02-30`` is reported with its line instead of crashing.
    """

    MAX_DEPTH = 64
    # values one file may expand to, aliases counted every time they are used (the largest
    # codebook file holds about 2,000): 600 bytes of nested aliases ("billion laughs") expand
    # to billions and took 160 s and 6 GB before this bound
    MAX_NODES = 200_000

    def __init__(self, yaml: YAML, rel: str) -> None:
        self.constructor = yaml.constructor
        self.rel = rel
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []

    def expanded_size(self, root: Node) -> int:
        """How many values `root` builds to, each aliased node sized once (linear in the
        file); stops counting past MAX_NODES. A node inside itself raises _TooDeep."""
        sizes: dict[int, int] = {}
        open_: set[int] = set()

        def size(node: Node, depth: int) -> int:
            key = id(node)
            known = sizes.get(key)
            if known is not None:
                return known
            if key in open_ or depth > self.MAX_DEPTH:
                raise _TooDeep(node.start_mark.line + 1)
            if isinstance(node, MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, SequenceNode):
                children = list(node.value)
            else:
                sizes[key] = 1
                return 1
            open_.add(key)
            total = 1
            for child in children:
                total += size(child, depth + 1)
                if total > self.MAX_NODES:
                    break
            open_.discard(key)
            sizes[key] = total
            return total

        return size(root, 0)

    def build(self, node: Node, path: Path_ = (), depth: int = 0) -> Any:
        if depth > self.MAX_DEPTH:
            raise _TooDeep(node.start_mark.line + 1)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(Problem(
                        self.rel, line, "", "merge keys ('<<') are not supported",
                        "write the keys out in full", "load"))
                    continue
                if not isinstance(key_node, ScalarNode):
                    self.problems.append(Problem(
                        self.rel, line, "", "a key is a list or mapping, not plain text",
                        "use plain text keys", "load"))
                    continue
                key = json_key(self.scalar(key_node))
                if key in out:
                    self.problems.append(Problem(
                        self.rel, line, "", f"duplicate key '{key}' (first on line "
                        f"{self.lines.get(path + (key,), '?')})",
                        "remove or rename one of the two keys", "load"))
                    continue
                self.lines[path + (key,)] = line
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: Node) -> Any:
        tag = node.tag or ""
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            try:
                return int(self.constructor.construct_yaml_int(node))
            except (ValueError, TypeError):
                return str(node.value)
        if tag == "tag:yaml.org,2002:float":
            try:
                return float(self.constructor.construct_yaml_float(node))
            except (ValueError, TypeError):
                return str(node.value)
        return str(node.value)  # str, timestamp, and any other tag: the text as written


def _yaml() -> YAML:
    """A safe YAML composer (the C parser when ruamel.yaml.clib is installed)."""
    return YAML(typ="safe")


def load_file(path: Path, rel: str, kind: str) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file. Returns (document or None, problems)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, "", f"cannot read the file ({exc.strerror})",
                              "check that the file exists and is readable", "load")]
    text, problems = decode(raw, rel)
    if text is None:
        return None, problems
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, [Problem(rel, 1, "", "the file is empty",
                              f"write the {kind} data in it (see codebook/README.md) or delete it",
                              "load")]
    yaml = _yaml()
    try:
        nodes = [n for n in yaml.compose_all(text) if n is not None]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x).strip() or "invalid YAML"
        opened = exc.context_mark
        if opened is not None and mark is not None and opened.line != mark.line:
            what += f" (it started on line {opened.line + 1})"
        fix = ("fix the YAML syntax here (indentation, a missing ':', an unclosed quote "
               "or bracket)")
        return None, [Problem(rel, line, "", _one_line(f"YAML syntax error: {what}"), fix,
                              "load")]
    except (YAMLError, ValueError, TypeError) as exc:
        return None, [Problem(rel, 1, "", _one_line(f"YAML error: {exc}"),
                              "fix the YAML syntax of this file", "load")]
    if not nodes:
        return None, [Problem(rel, 1, "", "the file has no data (only comments)",
                              f"write the {kind} data in it (see codebook/README.md) or delete it",
                              "load")]
    if len(nodes) > 1:
        return None, [Problem(rel, nodes[1].start_mark.line + 1, "",
                              "the file holds more than one YAML document ('---')",
                              "keep one document per file", "load")]
    builder = _Builder(yaml, rel)
    try:
        if builder.expanded_size(nodes[0]) > builder.MAX_NODES:
            return None, [Problem(
                rel, 1, "", f"the file expands to more than {builder.MAX_NODES:,} values "
                "(aliases *name that repeat anchors &name)", "write the data out without "
                "nested aliases", "load")]
        data = builder.build(nodes[0])
    except (_TooDeep, RecursionError) as exc:
        line = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 1
        return None, [Problem(rel, line, "", "the data is nested too deeply (a recursive alias?)",
                              "remove the alias (*name) that refers to itself", "load")]
    if builder.problems:
        return None, builder.problems
    lines = builder.lines
    if not isinstance(data, dict):
        return None, [Problem(rel, lines[()], "",
                              f"the file holds a {_TYPE_NAMES.get(type(data), 'value')}, "
                              "not a mapping",
                              "start the file with its top-level key (see codebook/README.md)",
                              "load")]
    return Document(rel, kind, data, lines), []


_TYPE_NAMES = {list: "list", str: "text", int: "number", float: "number", bool: "boolean",
               type(None): "null value"}


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
    real_root = root.resolve()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if not path.resolve().is_relative_to(real_root):
            loaded.problems.append(Problem(
                rel, 0, "", "a link to a file outside the codebook folder; it is not read",
                "copy the file into the codebook (every fact must live in codebook/)", "load"))
            continue
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
