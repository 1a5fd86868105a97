"""Read a payer profile file (YAML or JSON) with the standard library, keeping a line number
for every value: the browser checker's reader (no YAML library there), and the one
`telecode payer-profile validate` uses for a practice's own files, so both say the same.

    data, lines = read_text(text)      # or ProfileTextError(line, what, fix)

`lines` maps a value's path inside the file (a tuple of keys and list indexes,
``("rules", 0, "from")``) to its 1-based line: a mapping value's line is its key's, a list
item's its own, the whole file's that of its first value (as engine/tooling/load.py gives).

The YAML a profile needs, and nothing else: block mappings and `- ` lists, flow lists and
mappings (`[a, b]`, `{id: x, locator: "y"}`, hence JSON), plain, 'single' and "double" quoted
scalars, folded and literal block scalars (`>-`, `|`), comments, one leading `---`. Scalars
follow the YAML 1.2 core schema (null, true/false, numbers), except dates, which stay text.
Anchors, aliases, tags, merge keys and several documents are refused with their line.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["ProfileTextError", "read_text", "SYNTAX_FIX"]

Path_ = tuple  # of str | int
SYNTAX_FIX = ("fix the YAML syntax here (indentation, a missing ':', an unclosed quote or "
              "bracket)")
MAX_DEPTH = 64  # levels of nesting (engine/tooling/load.py allows as many)
_EMPTY_FIX = "write the payer-profile data in it (see codebook/README.md) or delete it"
_UNSUPPORTED = "write the value out in full (a payer profile uses plain YAML: no &, *, ! or <<)"

_INT = re.compile(r"[-+]?[0-9][0-9_]*")
_OCT = re.compile(r"0o[0-7_]+")
_HEX = re.compile(r"0x[0-9a-fA-F_]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
            "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


class ProfileTextError(ValueError):
    """The text is not the YAML (or JSON) a profile is written in; `line` is 1-based."""

    def __init__(self, line: int, what: str, fix: str = SYNTAX_FIX) -> None:
        super().__init__(f"line {line}: {what}")
        self.line = line
        self.what = what
        self.fix = fix


def plain_value(text: str) -> Any:
    """A plain (unquoted) scalar as YAML 1.2's core schema reads it (dates stay text)."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.fullmatch(text):
        return int(text.replace("_", ""))
    if _OCT.fullmatch(text):
        return int(text[2:].replace("_", ""), 8)
    if _HEX.fullmatch(text):
        return int(text[2:].replace("_", ""), 16)
    if _FLOAT.fullmatch(text) and ("." in text or "e" in text or "E" in text):
        return float(text.replace("_", ""))
    if _INF.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]  # offset of each line's first character
        for m in re.finditer("\n", text):
            self.starts.append(m.end())
        self.raw = text.split("\n")
        self.lines: dict[Path_, int] = {}
        # per line, its indentation (-2: a tab in it, reported when the line is reached); a
        # `- ` item's content is read from the column after the dash (value_after)
        self.indent: list[int] = []
        for line in self.raw:
            if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
                self.indent.append(-2)  # a tab in the indentation: reported when reached
            else:
                self.indent.append(len(line) - len(line.lstrip(" ")))

    # ---------------------------------------------------------------- positions

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def content_at(self, i: int, col: int) -> str:
        return _strip_comment(self.raw[i][col:])

    def next_line(self, i: int) -> int:
        """The first line from i that holds something (not blank, not only a comment)."""
        while i < len(self.raw) and not _strip_comment(self.raw[i].lstrip(" \t")):
            i += 1
        return i

    def depth_check(self, path: Path_, line: int) -> None:
        if len(path) > MAX_DEPTH:
            raise ProfileTextError(line, f"the data is nested too deeply (more than {MAX_DEPTH} "
                                   "levels)", "a payer profile needs a few levels: remove the "
                                   "extra brackets or indentation")

    def tab_check(self, i: int) -> None:
        if self.indent[i] == -2:
            raise ProfileTextError(i + 1, "YAML syntax error: a tab in the indentation",
                                   "indent with spaces, not tabs")

    # ---------------------------------------------------------------- the document

    def document(self) -> Any:
        i = self.next_line(0)
        if i < len(self.raw) and self.raw[i].rstrip() == "---":
            i = self.next_line(i + 1)
        if i >= len(self.raw):
            return _NOTHING
        self.tab_check(i)
        value, i = self.block(i, self.indent[i], ())
        i = self.next_line(i)
        if i < len(self.raw):
            head = self.raw[i].strip()
            if head.startswith("---"):
                nxt = self.next_line(i + 1)
                line = nxt + 1 if nxt < len(self.raw) and head == "---" else i + 1
                raise ProfileTextError(line, "the file holds more than one YAML document "
                                       "('---')", "keep one document per file")
            raise ProfileTextError(i + 1, "YAML syntax error: this line does not fit the "
                                   "indentation of the lines before it")
        return value

    def block(self, i: int, col: int, path: Path_) -> tuple[Any, int]:
        """The block value whose first line is i, its content starting at column col."""
        self.depth_check(path, i + 1)
        text = self.content_at(i, col)
        self.lines.setdefault(path, i + 1)
        if text == "-" or text.startswith("- "):
            return self.sequence(i, col, path)
        if _key_split(text) is not None:
            return self.mapping(i, col, path)
        return self.value_after(i, col, col - 1, path)

    def next_entry(self, i: int, col: int, entries: str) -> tuple[int, bool]:
        """(the next line holding something from i, whether it is an entry of the block at
        `col`: False at the end of the text, a line less indented or a document marker)."""
        i = self.next_line(i)
        if i >= len(self.raw):
            return i, False
        self.tab_check(i)
        if self.indent[i] < col or self.raw[i].startswith(("---", "...")):
            return i, False
        if self.indent[i] > col:
            raise ProfileTextError(i + 1, "YAML syntax error: this line is indented more than "
                                   f"{entries} before it")
        return i, True

    def mapping(self, i: int, col: int, path: Path_) -> tuple[Any, int]:
        out: dict[str, Any] = {}
        first = True
        while i < len(self.raw):
            if not first:
                i, more = self.next_entry(i, col, "the keys")
                if not more:
                    break
            text = self.content_at(i, col)
            split = _key_split(text)
            if split is None:
                if text == "-" or text.startswith("- "):
                    raise ProfileTextError(i + 1, "YAML syntax error: a list item where a key "
                                           "was expected (indent the list under its key)")
                raise ProfileTextError(i + 1, "YAML syntax error: expected 'key: value' here "
                                       "(a missing ':'?)")
            key_text, rest_col = split
            key = self.key_value(key_text, i)
            first = False
            line = i + 1
            if key == "<<":
                raise ProfileTextError(line, "merge keys ('<<') are not supported",
                                       "write the keys out in full")
            if key in out:
                raise ProfileTextError(line, f"duplicate key '{key}' (first on line "
                                       f"{self.lines.get(path + (key,), '?')})",
                                       "remove or rename one of the two keys")
            self.lines[path + (key,)] = line
            value, i = self.value_after(i, col + rest_col, col, path + (key,))
            out[key] = value
        return out, i

    def key_value(self, key_text: str, i: int) -> str:
        if key_text[:1] in "\"'":
            value, end = self.flow_scalar_quoted(self.starts[i] + self.raw[i].index(key_text))
            return json_key(value)
        if key_text[:1] in "&*!":
            raise ProfileTextError(i + 1, "anchors, aliases and tags (&, *, !) are not "
                                   "supported", _UNSUPPORTED)
        if key_text[:1] in "[{?":
            raise ProfileTextError(i + 1, "a key is a list or mapping, not plain text",
                                   "use plain text keys")
        return json_key(plain_value(key_text))

    def value_after(self, i: int, col: int, owner: int, path: Path_) -> tuple[Any, int]:
        """The value that starts at column col of line i (after `key:` or `- `); `owner` is
        the column of the key or dash it belongs to."""
        rest = self.content_at(i, col).lstrip(" \t")
        col = col + (len(self.raw[i][col:]) - len(self.raw[i][col:].lstrip(" \t")))
        if not rest:
            j = self.next_line(i + 1)
            if j < len(self.raw):
                self.tab_check(j)
                nxt = self.content_at(j, self.indent[j])
                if self.indent[j] > owner or (self.indent[j] == owner and path
                                              and isinstance(path[-1], str)
                                              and (nxt == "-" or nxt.startswith("- "))):
                    return self.block(j, self.indent[j], path)
            self.lines.setdefault(path, i + 1)
            return None, i + 1
        self.lines.setdefault(path, i + 1)
        head = rest[0]
        if head in "&*!":
            raise ProfileTextError(i + 1, "anchors, aliases and tags (&, *, !) are not "
                                   "supported", _UNSUPPORTED)
        if head in "@`%":
            raise ProfileTextError(i + 1, f"YAML syntax error: a plain value cannot start "
                                   f"with '{head}'", "quote the value")
        if head in "[{\"'":
            offset = self.starts[i] + col
            value, end = self.flow_value(offset, path)
            end_line = self.line_of(max(end - 1, offset)) - 1
            tail = _strip_comment(self.text[end: self.starts[end_line] + len(self.raw[end_line])])
            if tail.strip():
                raise ProfileTextError(end_line + 1, "YAML syntax error: unexpected text "
                                       f"after the value: {tail.strip()[:30]!r}")
            return value, end_line + 1
        if head in "|>":
            return self.block_scalar(i, rest, owner)
        if head == "-" and (rest == "-" or rest.startswith("- ")) and isinstance(
                path[-1] if path else None, int):
            return self.sequence(i, col, path)  # "- - a": a list in a list
        if head == "-" and (rest == "-" or rest.startswith("- ")):
            raise ProfileTextError(i + 1, "YAML syntax error: block sequence entries are not "
                                   "allowed here (put the list on the lines below its key)")
        if _key_split(rest) is not None and path and isinstance(path[-1], int):
            return self.mapping(i, col, path)  # "- id: x": a mapping in a list
        if _key_split(rest) is not None:
            raise ProfileTextError(i + 1, "YAML syntax error: mapping values are not allowed "
                                   "here (a second ':' on the line? quote the value)")
        return self.scalar_lines(i, col, owner, path)

    def sequence(self, i: int, col: int, path: Path_) -> tuple[Any, int]:
        out: list[Any] = []
        first = True
        while i < len(self.raw):
            if not first:
                i, more = self.next_entry(i, col, "the list items")
                if not more:
                    break
            text = self.content_at(i, col)
            if not (text == "-" or text.startswith("- ")):
                if first or self.indent[i] != col:
                    raise ProfileTextError(i + 1, "YAML syntax error: expected a list item "
                                           "('- ')")
                break  # a key at the list's column ends a list written under its key
            first = False
            item = path + (len(out),)  # its line: where its value starts (value_after)
            value, i = self.value_after(i, col + 1, col, item)
            out.append(value)
        return out, i

    def scalar_lines(self, i: int, col: int, owner: int, path: Path_) -> tuple[Any, int]:
        """A plain scalar, over several lines when the next ones are indented more than its
        key (folded with single spaces, blank lines giving a line break)."""
        parts = [self.content_at(i, col).strip()]
        j = i + 1
        breaks = 0
        while j < len(self.raw):
            stripped = self.raw[j].strip()
            if not stripped:
                breaks += 1
                j += 1
                continue
            if stripped.startswith("#") or self.indent[j] <= owner:
                break
            text = _strip_comment(self.raw[j].lstrip(" "))
            if ": " in text or text.endswith(":"):
                raise ProfileTextError(j + 1, "YAML syntax error: mapping values are not "
                                       "allowed here (quote a value that holds ': ', or "
                                       "indent this key like the ones before it)")
            parts.append("\n" * breaks if breaks else " ")
            parts.append(text.strip())
            breaks = 0
            j += 1
            if text != self.raw[j - 1].lstrip(" ").rstrip():
                break  # a comment ends a plain scalar
        value = "".join(parts)
        if ": " in value or value.endswith(":"):
            raise ProfileTextError(i + 1, "YAML syntax error: mapping values are not allowed "
                                   "here (quote a value that holds ': ')")
        return plain_value(value), j

    def block_scalar(self, i: int, header: str, owner: int) -> tuple[str, int]:
        m = re.fullmatch(r"([|>])([-+]?)([1-9]?)([-+]?)", header.strip())
        if not m:
            raise ProfileTextError(i + 1, "YAML syntax error: a block scalar's header is "
                                   f"{header.strip()!r} (write |, |-, > or >-)")
        style, chomp = m.group(1), m.group(2) or m.group(4)
        explicit = int(m.group(3)) if m.group(3) else 0
        j = i + 1
        body: list[str] = []
        indent = owner + explicit if explicit else 0
        while j < len(self.raw):
            line = self.raw[j]
            if not line.strip():
                body.append("")
                j += 1
                continue
            width = len(line) - len(line.lstrip(" "))
            if not indent:
                if width <= owner:
                    break
                indent = width
            if width < indent:
                break
            body.append(line[indent:])
            j += 1
        kept = 0
        while body and body[-1] == "":
            body.pop()
            kept += 1
        text = "\n".join(body) if style == "|" else _fold(body)
        if chomp == "-":
            value = text
        elif chomp == "+":
            value = text + "\n" * (1 + kept) if body else "\n" * kept
        else:
            value = text + "\n" if body else ""
        # the line after the last content line (blank lines after it are skipped later)
        return value, i + 1 + len(body)

    # ---------------------------------------------------------------- flow (and JSON)

    def skip(self, pos: int) -> int:
        text = self.text
        while pos < len(text):
            ch = text[pos]
            if ch in " \t\r\n":
                pos += 1
            elif ch == "#" and (pos == 0 or text[pos - 1] in " \t\r\n"):
                while pos < len(text) and text[pos] != "\n":
                    pos += 1
            else:
                break
        return pos

    def flow_value(self, pos: int, path: Path_) -> tuple[Any, int]:
        pos = self.skip(pos)
        text = self.text
        line = self.line_of(pos)
        self.depth_check(path, line)
        self.lines.setdefault(path, line)
        if pos >= len(text):
            raise ProfileTextError(line, "YAML syntax error: a value is missing at the end of "
                                   "the file")
        ch = text[pos]
        if ch == "[":
            return self.flow_seq(pos, path)
        if ch == "{":
            return self.flow_map(pos, path)
        if ch in "\"'":
            return self.flow_scalar_quoted(pos)
        if ch in "&*!":
            raise ProfileTextError(line, "anchors, aliases and tags (&, *, !) are not "
                                   "supported", _UNSUPPORTED)
        start = pos
        while pos < len(text):
            ch = text[pos]
            if ch in ",[]{}" or (ch == ":" and (pos + 1 >= len(text)
                                                or text[pos + 1] in " \t\r\n,[]{}")):
                break
            if ch == "#" and text[pos - 1] in " \t":
                break
            pos += 1
        raw = text[start:pos]
        if "\n" in raw:  # a plain value over several lines: line breaks fold to spaces
            raw = " ".join(part.strip(" \t") for part in raw.split("\n") if part.strip(" \t"))
        return plain_value(raw.strip(" \t")), pos

    def flow_seq(self, pos: int, path: Path_) -> tuple[list[Any], int]:
        opened = self.line_of(pos)
        out: list[Any] = []
        pos += 1
        while True:
            pos = self.skip(pos)
            if pos >= len(self.text):
                self._unclosed("sequence", "]", pos, opened)
            if self.text[pos] == "]":
                return out, pos + 1
            item = path + (len(out),)
            self.lines[item] = self.line_of(pos)
            value, pos = self.flow_value(pos, item)
            out.append(value)
            pos = self.skip(pos)
            if pos < len(self.text) and self.text[pos] == ",":
                pos += 1
            elif pos >= len(self.text) or self.text[pos] != "]":
                self._unclosed("sequence", "]", pos, opened)

    def flow_map(self, pos: int, path: Path_) -> tuple[dict[str, Any], int]:
        opened = self.line_of(pos)
        out: dict[str, Any] = {}
        pos += 1
        while True:
            pos = self.skip(pos)
            if pos >= len(self.text):
                self._unclosed("mapping", "}", pos, opened)
            if self.text[pos] == "}":
                return out, pos + 1
            line = self.line_of(pos)
            if self.text[pos] in "[{":
                raise ProfileTextError(line, "a key is a list or mapping, not plain text",
                                       "use plain text keys")
            key_value, pos = self.flow_value(pos, path + ("\0key",))
            self.lines.pop(path + ("\0key",), None)
            key = json_key(key_value)
            if key in out:
                raise ProfileTextError(line, f"duplicate key '{key}' (first on line "
                                       f"{self.lines.get(path + (key,), '?')})",
                                       "remove or rename one of the two keys")
            self.lines[path + (key,)] = line
            pos = self.skip(pos)
            if pos < len(self.text) and self.text[pos] == ":":
                after = self.skip(pos + 1)
                if after < len(self.text) and self.text[after] in ",}":
                    value, pos = None, after
                else:
                    value, pos = self.flow_value(pos + 1, path + (key,))
            else:
                value = None
            out[key] = value
            pos = self.skip(pos)
            if pos < len(self.text) and self.text[pos] == ",":
                pos += 1
            elif pos >= len(self.text) or self.text[pos] != "}":
                self._unclosed("mapping", "}", pos, opened)

    def _unclosed(self, what: str, close: str, pos: int, opened: int) -> None:
        got = "end of file" if pos >= len(self.text) else repr(self.text[pos])
        where = f" (it started on line {opened})" if self.line_of(pos) != opened else ""
        raise ProfileTextError(self.line_of(pos), f"YAML syntax error: while parsing a flow "
                               f"{what}, expected ',' or '{close}', but got {got}{where}")

    def flow_scalar_quoted(self, pos: int) -> tuple[str, int]:
        text = self.text
        quote = text[pos]
        opened = self.line_of(pos)
        out: list[str] = []
        i = pos + 1
        while True:
            if i >= len(text):
                raise ProfileTextError(self.line_of(i), "YAML syntax error: while scanning a "
                                       "quoted scalar, found unexpected end of file"
                                       + (f" (it started on line {opened})"
                                          if self.line_of(i) != opened else ""))
            ch = text[i]
            if ch == quote:
                if quote == "'" and text[i + 1: i + 2] == "'":
                    out.append("'")
                    i += 2
                    continue
                return "".join(out), i + 1
            if ch == "\\" and quote == '"':
                nxt = text[i + 1: i + 2]
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                    i += 2
                    continue
                if nxt in _HEX_ESCAPES:
                    n = _HEX_ESCAPES[nxt]
                    digits = text[i + 2: i + 2 + n]
                    if len(digits) != n or not all(c in "0123456789abcdefABCDEF" for c in digits):
                        raise ProfileTextError(self.line_of(i), "YAML syntax error: a bad "
                                               f"escape \\{nxt}{digits} in a quoted value")
                    out.append(chr(int(digits, 16)))
                    i += 2 + n
                    continue
                if nxt == "\n":  # an escaped line break: the next line continues the text
                    i += 2
                    while i < len(text) and text[i] in " \t":
                        i += 1
                    continue
                raise ProfileTextError(self.line_of(i), f"YAML syntax error: an unknown "
                                       f"escape \\{nxt} in a quoted value",
                                       "write \\\\ for a backslash, or use single quotes")
            if ch == "\n":
                # a line break inside quotes folds to a space (blank lines to line breaks)
                while out and out[-1] in " \t":
                    out.pop()
                j = i + 1
                breaks = 0
                while j < len(text) and text[j] in " \t\n":
                    if text[j] == "\n":
                        breaks += 1
                    j += 1
                out.append("\n" * breaks if breaks else " ")
                i = j
                continue
            out.append(ch)
            i += 1


_NOTHING = object()


def _fold(body: list[str]) -> str:
    """The lines of a folded block scalar (`>`): joined with spaces, blank lines as breaks,
    more-indented lines kept as they are."""
    out = ""
    prev_more = False
    pending_breaks = 0
    for n, line in enumerate(body):
        if line == "":
            pending_breaks += 1
            continue
        more = line[:1] in (" ", "\t")
        if n == 0 or out == "" and pending_breaks == 0:
            out += "\n" * pending_breaks + line
        elif more or prev_more:
            out += "\n" * (pending_breaks + 1) + line
        elif pending_breaks:
            out += "\n" * pending_breaks + line
        else:
            out += " " + line
        pending_breaks = 0
        prev_more = more
    return out


def _strip_comment(text: str) -> str:
    """The text before a comment (a `#` at the start or after a blank, outside quotes)."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                continue
        elif ch in "\"'" and (i == 0 or text[i - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _key_split(text: str) -> tuple[str, int] | None:
    """(the key's text, the column after its ':') when the line is `key: ...`, else None."""
    if not text or text[0] in "[{#" or text == "-" or text.startswith("- "):
        return None
    if text[0] in "\"'":
        quote = text[0]
        i = 1
        while i < len(text):
            if text[i] == "\\" and quote == '"':
                i += 2
                continue
            if text[i] == quote:
                if quote == "'" and text[i + 1: i + 2] == "'":
                    i += 2
                    continue
                break
            i += 1
        rest = text[i + 1:]
        stripped = rest.lstrip(" ")
        if stripped.startswith(":") and (len(stripped) == 1 or stripped[1] in " \t"):
            return text[: i + 1], i + 1 + (len(rest) - len(stripped)) + 1
        return None
    for i, ch in enumerate(text):
        if ch == ":" and (i + 1 == len(text) or text[i + 1] in " \t"):
            return text[:i].rstrip(), i + 1
        if ch == "#" and i and text[i - 1] in " \t":
            return None
    return None


def json_key(key: Any) -> str:
    """Mapping keys are text in JSON: ``0: 5`` gives the key ``"0"``."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def read_text(text: str) -> tuple[Any, dict[Path_, int]]:
    """(data, lines) of a profile file's text; ProfileTextError when it is not one."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ProfileTextError(1, "the file is empty", _EMPTY_FIX)
    reader = _Reader(text)
    value = reader.document()
    if value is _NOTHING:
        raise ProfileTextError(1, "the file has no data (only comments)", _EMPTY_FIX)
    return value, reader.lines
