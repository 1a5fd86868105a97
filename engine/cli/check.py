"""`telecode check`: what to report for one encounter.

    telecode check [FILE|-] [--format text|json] [--codebook BUNDLE] [--payer-profiles DIR]
                   [--KEY VALUE ...]

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
  --payer-profiles DIR  your own payer profiles (default: $TELECODE_PAYER_PROFILES);
                    a broken profile is listed as file:line: entry: what — fix (exit 2)
  --KEY VALUE       any encounter key below, e.g. --payer medicare --minutes 25
                    --evisit_minutes_by_day '{"0": 5, "2": 3}'   (flags override FILE)
"""
# the encounter keys' kinds in the help's words (the keys, choices and defaults come from
# engine.core.contract.FIELDS)
_KIND_WORDS = {"date": "a date, YYYY-MM-DD", "int": "a whole number", "bool": "true or false",
               "minutes_by_day": "a JSON object", "code": "a five-character code",
               "state": "a two-letter state"}

_PROFILES = "--payer-profiles"  # kept in flags until the codebook is loaded
MAX_ENCOUNTER_CHARS = 1 << 20  # an encounter is a few hundred characters: /dev/zero is refused


class _Problem(Exception):
    def __init__(self, errors: list[dict[str, str]], status: int = 2) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status


def _keys_help() -> str:
    """The encounter keys, each with what it holds (kind, choices, default, required), from
    the contract; then how flag text is read (contract.decode_text)."""
    from engine.core import contract

    out = ["Encounter keys (the encounter contract):"]
    width = max(len(name) for name in contract.FIELDS) + 2
    for name, f in contract.FIELDS.items():
        if name == "payer":  # the codebook's payers and profiles, not only the contract's
            what = f.help
        elif f.kind == "enum":
            what = ", ".join(f.choices)
        else:
            what = _KIND_WORDS.get(f.kind, f.kind)
        if f.help and name != "payer":
            # a date, code or state says its form in its help already
            what = f.help if f.kind in ("date", "code", "state") else f"{f.help}; {what}"
        if f.required:
            what = "required: " + what
        elif f.default is not None:
            default = str(f.default).lower() if isinstance(f.default, bool) else f.default
            what += f" (default {default})"
        out += textwrap.wrap(what, width=WIDTH, initial_indent=f"  {name.ljust(width)}",
                             subsequent_indent=" " * (width + 4), break_on_hyphens=False)
    out += ["", *textwrap.wrap(
        "Flag values: true or false as " + " ".join(contract.TRUE_WORDS) + " / "
        + " ".join(contract.FALSE_WORDS) + "; "
        + ", ".join(repr(w) for w in contract.NOT_GIVEN_WORDS) + " leave a key out.",
        width=WIDTH)]
    return "\n".join(out)


def _parse_args(argv: list[str]) -> tuple[dict[str, Any], str | None, str, str | None, bool]:
    from engine.core.contract import FIELDS, decode_text

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
            elif key == "payer_profiles":
                flags[_PROFILES] = value
            elif key in FIELDS:
                flags[key] = decode_text(key, value)
            else:
                close = difflib.get_close_matches(
                    key, [*FIELDS, "format", "codebook", "payer_profiles"], n=1)
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
        if file == "-":
            text = stdin.read(MAX_ENCOUNTER_CHARS + 1)
        else:
            with open(file, encoding="utf-8") as fh:
                text = fh.read(MAX_ENCOUNTER_CHARS + 1)
    except FileNotFoundError:
        raise _Problem([{"field": name, "message": "file not found"}]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Problem([{"field": name, "message": f"cannot read it ({exc})"}]) from None
    if len(text) > MAX_ENCOUNTER_CHARS:
        raise _Problem([{"field": name, "message": f"longer than {MAX_ENCOUNTER_CHARS:,} "
                         "characters; an encounter is one small JSON object"}])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Problem([{"field": name, "message": f"line {exc.lineno}, column {exc.colno}: "
                         f"not valid JSON ({exc.msg}); an encounter is one JSON object"}]) from None
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        raise _Problem([{"field": name, "message": f"not valid JSON ({exc}); an encounter is "
                         "one JSON object"}]) from None
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
    from engine.core.codebook import DEFAULT_PATH, CodebookError, load_codebook

    try:
        cb = load_codebook(bundle)
    except CodebookError as exc:
        raise _Problem([{"field": "codebook", "message": str(exc)}], status=1) from None
    if bundle is None:
        note = _stale_warning(DEFAULT_PATH)
        if note:
            print(note, file=stderr)
    return cb


WIDTH = 96
_SEVERITIES = (("error", "Errors"), ("warning", "Warnings"), ("info", "Notes"))
_USUAL = "POS usual: your usual place of service (not a telehealth POS)"
# the trace entry of a date in a provisional period (engine.core.pipeline)
_PROVISIONAL = "provisional-year"


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    """Wrapped lines; ids and code ranges are never split at their hyphens."""
    return textwrap.wrap(text, width=WIDTH, initial_indent=first,
                         subsequent_indent=first if rest is None else rest,
                         break_on_hyphens=False, break_long_words=False) or [first.rstrip()]


class _Refs:
    """Numbers sources in order of first mention: `[1]`, `[2]` ... listed at the end."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def __call__(self, ids: list[str]) -> str:
        marks = []
        for sid in ids:
            if sid not in self.ids:
                self.ids.append(sid)
            marks.append(f"[{self.ids.index(sid) + 1}]")
        return "".join(marks)


def _source_line(cb: Any, sid: str) -> str:
    src = cb.source(sid) or {}
    parts = [str(src.get("title") or sid)]
    if src.get("publisher"):
        parts.append(str(src["publisher"]))
    if src.get("published"):
        parts.append(str(src["published"]))
    text = ". ".join(p.rstrip(".") for p in parts) + "."
    if src.get("url"):
        text += f" {src['url']}"
    return text + f" ({sid})"


def _words(key: Any) -> str:
    return str(key).replace("_", " ")


def _report(result: dict[str, Any], cb: Any) -> list[str]:
    """The lines to report as a table, then what their modifiers and POS mean."""
    lines = result["lines"]
    if not lines:
        out = ["  Nothing is separately reportable for this encounter."]
        first = next((w for sev, _ in _SEVERITIES for w in result["warnings"]
                      if w["severity"] == sev), None)
        if first is not None:
            out += _wrap(f"Reason: {first['message']}", "  ", "    ")
        return out
    from engine.core.lines import format_line

    rows = [("Code", "Modifiers", "POS", "Units", "Description")]
    for line in lines:
        rows.append((line["code"], " ".join(line["modifiers"]) or "none",
                     line["pos"] or "usual", str(line["units"]), line["label"]))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out = []
    for r in rows:
        out.append("  " + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True))
                   + "  " + r[4])
    day = result["as_of"]
    meanings: list[str] = []
    for line in lines:
        found = [(f"modifier {mod}", cb.modifier_on(mod, day)) for mod in line["modifiers"]]
        if line["pos"]:
            found.append((f"POS {line['pos']}", cb.pos_on(line["pos"], day)))
        for name, rec in found:
            text = f"{name}: {rec['label']}" if rec and rec.get("label") else None
            if text and text not in meanings:
                meanings.append(text)
        if not line["pos"] and _USUAL not in meanings:
            meanings.append(_USUAL)
    if meanings:
        out += _wrap("; ".join(meanings) + ".", "  ", "    ")
    out += _wrap("Claim line" + ("s" if len(lines) > 1 else "") + ": "
                 + "; ".join(format_line(line) for line in lines), "  ", "    ")
    return out


_RATE_WORDS = {"nonfacility": "non-facility", "facility": "facility"}


def _payments(result: dict[str, Any], cb: Any) -> list[str]:
    """Each line's Medicare national amount (engine/core/payments.py), when a fee schedule of
    the codebook covers the date."""
    from engine.core.payments import line_amounts

    amounts = line_amounts(cb, result["lines"], result["as_of"])
    shown = [a for a in amounts if a]
    if not shown:
        return []
    out = ["", *_wrap(f"Medicare payment (national, before the locality adjustment, deductible "
                      f"and coinsurance; CMS fee schedule, {shown[0]['release']} release):",
                      "", "")]
    for a in shown:
        if a["amount"] is not None:
            units = f" for {a['units']} units" if a["units"] > 1 else ""
            text = (f"{a['code']}: ${a['amount']:,.2f}{units} "
                    f"({_RATE_WORDS[a['rate']]}, POS {a['pos']})")
        elif a["nonfacility"] is not None:
            text = (f"{a['code']}: ${a['nonfacility']:,.2f} non-facility or "
                    f"${a['facility']:,.2f} facility per unit; your usual place of service "
                    "decides which")
        else:
            text = (f"{a['code']}: no fee schedule amount (Medicare does not pay it from the "
                    "schedule)")
        out += _wrap(text, "  ", "    ")
    return out


def format_text(result: dict[str, Any], cb: Any, encounter: dict[str, Any]) -> str:
    """The result for people: the lines to report, why (the cited trace), errors, warnings
    and notes, the documentation checklist, then the sources by number with their titles."""
    refs = _Refs()
    payer = cb.payer(encounter.get("payer")) or {}
    out = []
    if result.get("provisional"):
        period = cb.provisional_on(result["as_of"]) or {}
        out += _wrap(f"PROVISIONAL: {result['as_of']} is in {period.get('from')} to "
                     f"{period.get('to')}, which this codebook has not yet reviewed (reviewed "
                     f"through {cb.covers_to}); see the first warning before you bill.", "", "  ")
        out.append("")
    out += [f"telecode check: {payer.get('name') or encounter.get('payer')}",
           f"  {_words(encounter.get('modality'))}, {encounter.get('patient_status')} patient, "
           f"date of service {result['as_of']} (codebook {result['codebook']})",
           "", "Report:"]
    out += _report(result, cb)
    if encounter.get("payer") == "medicare":
        out += _payments(result, cb)

    # Why: the route, then how the codes were chosen, then the rules that spoke; checklist
    # rules are cited with their item under Document instead.
    trace = result["trace"]
    # (by position, not `t in list`: an e-visit of many days has a long trace, and comparing
    # dicts pairwise made this quadratic)
    checklist_trace = [t for t in trace if t["outcome"].startswith("checklist item added")]
    first = [t for t in trace if t["rule"] == _PROVISIONAL]
    shown = [t for t in trace if not t["outcome"].startswith("checklist item added")
             and t["rule"] != _PROVISIONAL]
    chosen = [cb.family(t["rule"]) is not None for t in shown[1:]]
    selection = [t for t, c in zip(shown[1:], chosen, strict=True) if c]
    ordered = first + shown[:1] + selection + [t for t, c in zip(shown[1:], chosen, strict=True)
                                               if not c]
    if ordered:
        out += ["", "Why:"]
        width = len(str(len(ordered)))
        for n, t in enumerate(ordered, 1):
            mark = refs(t["sources"])
            head = f"  {str(n).rjust(width)}. "
            out += _wrap(f"{t['rule']}: {t['outcome']}" + (f" {mark}" if mark else ""),
                         head, " " * len(head))

    for severity, title in _SEVERITIES:
        found = [w for w in result["warnings"] if w["severity"] == severity]
        if not found:
            continue
        out += ["", f"{title}:"]
        for w in found:
            out += _wrap(w["message"], "  - ", "    ")
            mark = refs(w["sources"])
            out += _wrap(f"({w['id']}" + (f"; sources {mark}" if mark else "") + ")",
                         "    ")

    if result["checklist"]:
        out += ["", "Document:"]
        # checklist rules add their items in trace order (duplicate texts are added once)
        marks = ([refs(t["sources"]) for t in checklist_trace]
                 if len(checklist_trace) == len(result["checklist"]) else [])
        for i, item in enumerate(result["checklist"]):
            mark = marks[i] if marks else ""
            out += _wrap(f"[ ] {item}" + (f" {mark}" if mark else ""), "  ", "      ")

    if refs.ids:
        out += ["", "Sources:"]
        width = len(str(len(refs.ids))) + 2
        for n, sid in enumerate(refs.ids, 1):
            head = f"  {f'[{n}]'.ljust(width)} "
            out += _wrap(_source_line(cb, sid), head, " " * len(head))
    out += ["", *_wrap("Not legal or billing advice. CPT is a registered trademark of the "
                       "American Medical Association.", "")]
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
            print(USAGE + "\n" + _keys_help(), file=stdout)
            return 0
        profiles = flags.pop(_PROFILES, None)
        raw = _read_encounter(file, stdin)
        if isinstance(raw, dict):
            raw = {**raw, **flags}
        elif flags:
            raise _Problem([{"field": "encounter",
                             "message": "the FILE must hold a JSON object to combine with flags"}])
        cb = _load(bundle, stderr)
        from engine.cli._profiles import ProfileProblems, with_local_profiles

        try:
            cb = with_local_profiles(cb, profiles)
        except ProfileProblems as exc:
            raise _Problem([{"field": "payer-profiles", "message": line}
                            for line in exc.lines]) from None
        from engine.core import CodebookError, EncounterError, check

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
            if problem.status == 2:
                print("Fix these and run it again (`telecode check --help` lists the keys).",
                      file=stderr)
        return problem.status
    if fmt == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False), file=stdout)
    else:
        from engine.core.contract import validate

        print(format_text(result, cb, validate(raw, cb)), end="", file=stdout)
    return 0
