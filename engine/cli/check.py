"""`telecode check`: what to report for one encounter.

    telecode check [FILE|-] [--format text|json] [--codebook BUNDLE] [--KEY VALUE ...]

FILE is a JSON encounter (`-` reads standard input). Every key of the encounter contract is
also a flag with the same name (`--payer medicare --minutes 25 --patient_video_unavailable
true --evisit_minutes_by_day '{"0": 5}'`); flags override values from the file.

Output: `--format json` prints exactly the engine result; `text` (default) is for people.
Exit status: 0 answered, 2 invalid encounter / unreadable input (every problem listed; with
--format json as {"errors": [{"field", "message"}]} on stdout), 1 no compiled codebook.

The compiled codebook is engine/data/codebook.json. It is never compiled implicitly here
(the core stays standard-library only): when it is missing, or older than the YAML sources
in a source checkout, the command says to run `telecode compile -o engine/data/codebook.json`.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import textwrap
from typing import Any, TextIO

USAGE = """usage: telecode check [FILE|-] [--format text|json] [--codebook BUNDLE] [--KEY VALUE ...]

What to report for one telehealth encounter: codes, modifiers, place of service, warnings,
documentation checklist and the cited reasons.

  FILE              a JSON encounter; '-' reads standard input; omit it to use flags only
  --format FORMAT   text (default, for people) or json (exactly the engine result)
  --codebook PATH   a compiled bundle (default: engine/data/codebook.json)
  --KEY VALUE       any encounter key, e.g. --payer medicare --modality audio_video
                    --minutes 25 --mdm moderate --patient_video_unavailable true
                    --evisit_minutes_by_day '{"0": 5, "2": 3}'   (flags override FILE)

Encounter keys: """

_TRUE = ("true", "yes", "1", "y")
_FALSE = ("false", "no", "0", "n")


class _Problem(Exception):
    def __init__(self, errors: list[dict[str, str]], status: int = 2) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status


def _flag_value(kind: str, text: str) -> Any:
    """Convert a flag's text to the contract's JSON type; leave it as text when it does not
    convert, so the encounter validator reports it in its usual words."""
    if kind == "bool":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return text
    if kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            return text
    if kind == "minutes_by_day":
        try:
            return json.loads(text)
        except ValueError:
            return text
    if text.strip().lower() in ("null", "none", ""):
        return None
    return text


def _parse_args(argv: list[str]) -> tuple[dict[str, Any], str | None, str, str | None, bool]:
    from engine.encounter import FIELDS

    flags: dict[str, Any] = {}
    file: str | None = None
    fmt = "text"
    bundle: str | None = None
    errors: list[dict[str, str]] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return {}, None, fmt, None, True
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            key = name.replace("-", "_")
            if not eq:
                if i + 1 >= len(argv):
                    errors.append({"field": f"--{name}", "message": "needs a value"})
                    i += 1
                    continue
                value = argv[i + 1]
                i += 1
            if key == "format":
                if value not in ("text", "json"):
                    errors.append({"field": "--format", "message": "must be text or json"})
                else:
                    fmt = value
            elif key == "codebook":
                bundle = value
            elif key in FIELDS:
                flags[key] = _flag_value(FIELDS[key].kind, value)
            else:
                close = difflib.get_close_matches(key, [*FIELDS, "format", "codebook"], n=1)
                hint = f"; did you mean --{close[0]}?" if close else ""
                errors.append({"field": f"--{name}", "message": f"unknown option{hint}"})
        elif file is None:
            file = arg
        else:
            errors.append({"field": arg, "message": "only one encounter FILE may be given"})
        i += 1
    if errors:
        raise _Problem(errors)
    return flags, file, fmt, bundle, False


def _read_encounter(file: str | None, stdin: TextIO) -> dict[str, Any] | Any:
    if file is None:
        return {}
    name = "<stdin>" if file == "-" else file
    try:
        text = stdin.read() if file == "-" else open(file, encoding="utf-8").read()
    except FileNotFoundError:
        raise _Problem([{"field": name, "message": "file not found"}]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Problem([{"field": name, "message": f"cannot read it ({exc})"}]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Problem([{"field": name, "message": f"line {exc.lineno}, column {exc.colno}: "
                         f"not valid JSON ({exc.msg}); an encounter is one JSON object"}]) from None
    except RecursionError:
        raise _Problem([{"field": name, "message": "the JSON is nested too deeply; an "
                         "encounter is one flat JSON object"}]) from None


def _stale_warning(path: str, sources: str | None = None) -> str | None:
    """A note when the default bundle is older than the YAML sources of a source checkout."""
    if sources is None:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        sources = os.path.join(root, "codebook")
    if not os.path.isdir(sources):
        return None
    try:
        built = os.path.getmtime(path)
        newest = max(
            (os.path.getmtime(os.path.join(d, f)) for d, _, fs in os.walk(sources) for f in fs
             if f.endswith((".yaml", ".yml", ".json"))),
            default=0.0,
        )
    except OSError:
        return None
    if newest > built:
        return (f"note: {path} is older than the YAML in {sources}; the answer may be out of "
                "date. Run `telecode compile -o engine/data/codebook.json`.")
    return None


def _load(bundle: str | None, stderr: TextIO) -> Any:
    from engine.codebook import DEFAULT_PATH, CodebookError, load_codebook

    try:
        cb = load_codebook(bundle)
    except CodebookError as exc:
        raise _Problem([{"field": "codebook", "message": str(exc)}], status=1) from None
    if bundle is None:
        note = _stale_warning(DEFAULT_PATH)
        if note:
            print(note, file=stderr)
    return cb


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent + "  ")


def format_text(result: dict[str, Any], cb: Any, encounter: dict[str, Any]) -> str:
    """The result for people: lines, warnings, checklist, then the cited why-trace."""
    from engine.lines import format_line

    def titles(ids: list[str]) -> str:
        out = []
        for sid in ids:
            src = cb.source(sid) or {}
            out.append(f"{src.get('title') or sid} [{sid}]")
        return "; ".join(out)

    head = (f"{encounter.get('payer')} {encounter.get('modality')}, "
            f"{encounter.get('patient_status')} patient, date of service {result['as_of']}")
    out = [f"telecode check: {head}", f"codebook {result['codebook']}", ""]
    if result["billable"]:
        out.append("Report:")
        for line in result["lines"]:
            mods = ", ".join(line["modifiers"]) or "none"
            pos = line["pos"] or "your usual place of service (not a telehealth POS)"
            out.append(f"  {format_line(line):<16} {line['label']}")
            out.append(f"  {'':<16} modifiers: {mods}; POS: {pos}; units: {line['units']}")
    else:
        out.append("Report: nothing is separately reportable (see the warnings).")
    if result["warnings"]:
        out += ["", "Warnings:"]
        for w in result["warnings"]:
            out.append(_wrap(f"[{w['severity']}] {w['message']} ({w['id']})", "  "))
            if w["sources"]:
                out.append(_wrap(f"sources: {titles(w['sources'])}", "      "))
    if result["checklist"]:
        out += ["", "Document:"]
        out += [_wrap(f"- {item}", "  ") for item in result["checklist"]]
    if result["trace"]:
        out += ["", "Why:"]
        for n, t in enumerate(result["trace"], 1):
            out.append(_wrap(f"{n}. {t['rule']}: {t['outcome']}", "  "))
            if t["sources"]:
                out.append(_wrap(f"sources: {titles(t['sources'])}", "      "))
    out += ["", "Not legal or billing advice. CPT is a registered trademark of the American "
            "Medical Association."]
    return "\n".join(out) + "\n"


def _guess_format(argv: list[str]) -> str:
    """The --format asked for, even when the rest of the command line is wrong."""
    for i, arg in enumerate(argv):
        if arg == "--format=json" or (arg == "--format" and argv[i + 1 : i + 2] == ["json"]):
            return "json"
    return "text"


def run(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None,
        stderr: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    fmt = _guess_format(argv)
    try:
        flags, file, fmt, bundle, want_help = _parse_args(argv)
        if want_help:
            from engine.encounter import FIELDS

            print(USAGE + ", ".join(FIELDS), file=stdout)
            return 0
        raw = _read_encounter(file, stdin)
        if isinstance(raw, dict):
            raw = {**raw, **flags}
        elif flags:
            raise _Problem([{"field": "encounter",
                             "message": "the FILE must hold a JSON object to combine with flags"}])
        cb = _load(bundle, stderr)
        from engine import CodebookError, EncounterError, check

        try:
            result = check(raw, cb)
        except EncounterError as exc:
            raise _Problem(exc.errors) from None
        except CodebookError as exc:  # a defect in the compiled codebook, not in the input
            raise _Problem([{"field": "codebook", "message": f"{exc}; run `telecode validate`"}],
                           status=1) from None
    except _Problem as problem:
        if fmt == "json":
            print(json.dumps({"errors": problem.errors}, indent=2), file=stdout)
        else:
            what = ("invalid encounter" if problem.status == 2 else "cannot run")
            print(f"telecode check: {what}:", file=stderr)
            for e in problem.errors:
                print(f"  {e['field']}: {e['message']}", file=stderr)
        return problem.status
    if fmt == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False), file=stdout)
    else:
        from engine.encounter import validate

        print(format_text(result, cb, validate(raw, cb)), end="", file=stdout)
    return 0
