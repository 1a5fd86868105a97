"""The encounter contract: validation, defaults and normalisation.

`validate(raw, codebook)` returns a new dict with every key of the contract (defaults applied;
optional keys without a default are absent) or raises `EncounterError` listing **every**
problem found. It never raises anything else, whatever JSON value it is given.

`null` for an optional key means "not given" (so forms can send empty fields).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
import reprlib

from engine.core.errors import EncounterError

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["FIELDS", "Field", "validate", "decode_text", "describe", "MODALITIES", "PAYERS",
           "SERVICES", "TRUE_WORDS", "FALSE_WORDS", "NOT_GIVEN_WORDS"]

PAYERS = ("medicare", "medicaid", "commercial")
PATIENT_STATUSES = ("new", "established")
MODALITIES = (
    "audio_video",
    "audio_only",
    "virtual_checkin",
    "store_and_forward",
    "portal_evisit",
    "interprofessional",
    "remote_monitoring",
)
MDM_LEVELS = ("straightforward", "low", "moderate", "high")
LOCATIONS = ("home", "facility")
ROLES = ("consultant", "requester")
REPORTS = ("verbal_and_written", "written_only")
CLINICIANS = ("em_practitioner", "non_em_practitioner")
# issue 14: what kind of service the encounter is (visit = the E/M visit of the modality)
SERVICES = (
    "visit",
    "psychotherapy",
    "psychotherapy_with_em",
    "psychiatric_evaluation",
    "psychiatric_evaluation_medical",
    "crisis_psychotherapy",
    "family_psychotherapy",
    "group_psychotherapy",
)
# the services that are mental health services (behavioral_health is implied)
BEHAVIORAL_SERVICES = frozenset(SERVICES[1:])
# the services timed by psychotherapy_minutes
TIMED_SERVICES = frozenset(
    ("psychotherapy", "psychotherapy_with_em", "crisis_psychotherapy", "family_psychotherapy"))
SAME_DAY_SERVICES = ("procedure", "preventive")
# the modalities a psychotherapy service can be furnished by (real-time telehealth)
REAL_TIME = ("audio_video", "audio_only")

# full matches (`$` alone would accept a final line feed: "99214\n")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_STATE_RE = re.compile(r"[A-Za-z]{2}")
_DAY_RE = re.compile(r"[0-9]+")
# the largest whole number an encounter may hold (minutes, days): far above any real visit,
# small enough that no arithmetic on it overflows a float (a 400-digit number did)
MAX_WHOLE = 1_000_000


class Field:
    """One key of the encounter contract."""

    __slots__ = ("name", "kind", "required", "default", "choices", "help")

    def __init__(self, name: str, kind: str, required: bool = False, default: Any = None,
                 choices: tuple[str, ...] = (), help: str = "") -> None:
        self.name = name
        self.kind = kind  # date | enum | int | bool | minutes_by_day | code | state
        self.required = required
        self.default = default  # None: absent when not given
        self.choices = choices
        self.help = help


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("date_of_service", "date", required=True, help="date of service, YYYY-MM-DD"),
        Field("payer", "enum", required=True, choices=PAYERS,
              help="a payer or payer profile id (telecode payers)"),
        Field("patient_status", "enum", required=True, choices=PATIENT_STATUSES),
        Field("modality", "enum", required=True, choices=MODALITIES),
        Field("minutes", "int", help="total practitioner time in minutes"),
        Field("evisit_minutes_by_day", "minutes_by_day",
              help='e-visit minutes per day offset, e.g. {"0": 5, "2": 3} or 0:5,2:3'),
        Field("mdm", "enum", choices=MDM_LEVELS, help="medical decision making"),
        Field("discussion_minutes", "int", help="medical discussion minutes"),
        Field("patient_location", "enum", default="home", choices=LOCATIONS),
        Field("practitioner_video_capable", "bool", default=True),
        Field("patient_video_unavailable", "bool", default=False),
        Field("related_em_prior_7_days", "bool", default=False),
        Field("leads_to_em_within_24h", "bool", default=False),
        Field("em_within_7_days_after", "bool", default=False),
        Field("followup_within_24_business_hours", "bool", default=True),
        Field("consent_documented", "bool"),
        Field("behavioral_health", "bool", default=False),
        Field("role", "enum", choices=ROLES),
        Field("report", "enum", choices=REPORTS),
        Field("consultant_saw_patient_prior_14_days", "bool", default=False),
        Field("consult_leads_to_visit_within_14_days", "bool", default=False),
        Field("device_days", "int", help="monitoring days in the 30-day period"),
        Field("management_minutes", "int", help="treatment management minutes in the month"),
        Field("interactive_communication", "bool", default=False),
        Field("clinician", "enum", default="em_practitioner", choices=CLINICIANS),
        Field("service", "enum", default="visit", choices=SERVICES),
        Field("psychotherapy_minutes", "int",
              help="face-to-face psychotherapy minutes (crisis: the crisis time)"),
        Field("family_with_patient", "bool", help="family psychotherapy: the patient took part"),
        Field("interactive_complexity", "bool", default=False),
        Field("longitudinal_care", "bool", default=False),
        Field("modifier_25_same_day", "bool", default=False),
        Field("same_day_service", "enum", choices=SAME_DAY_SERVICES,
              help="what the modifier-25 service that day was"),
        Field("in_person_visit_within_months", "int",
              help="months since the last in-person visit with this practitioner"),
        Field("state", "state", help="two-letter state"),
        Field("requested_code", "code", help="the code you meant to bill"),
    )
}


# ---- text -> value: the one decoder of cell, flag and form text (CLI, batch, widget) ---------
# Words for true and false (any case), and the texts that mean "not given" (after stripping).
TRUE_WORDS = ("true", "yes", "y", "t", "1", "on")
FALSE_WORDS = ("false", "no", "n", "f", "0", "off")
NOT_GIVEN_WORDS = ("", "null", "none")
# a whole number of more digits than this is no encounter's minutes or days (batch: an error)
MAX_DIGITS = 18
_TRUE_SET = frozenset(TRUE_WORDS)
_FALSE_SET = frozenset(FALSE_WORDS)
_NOT_GIVEN_SET = frozenset(NOT_GIVEN_WORDS)
_NOT_GIVEN_LEN = max(map(len, NOT_GIVEN_WORDS))
_WHOLE_RE = re.compile(r"[+-]?[0-9]+")
_PAIR_RE = re.compile(r"([0-9]+):([0-9]+)")
_PAIR_SEP_RE = re.compile(r"[,;\s]+")
_KIND: dict[str, str] = {n: f.kind for n, f in FIELDS.items()}
# input-format problems (how a text must be written), reported when the caller collects them
_BAD_JSON = "is not valid JSON ({detail}); write an object such as {{\"0\": 5, \"2\": 3}}"
_TOO_LARGE = "is a number of {digits} digits; an encounter's minutes and days are far smaller"


def decode_text(name: str, text: str, errors: list[dict[str, str]] | None = None) -> Any:
    """Text for one contract key (a batch cell, a command-line flag) -> its JSON value.

    None means "not given" (an empty text, `null`, `none`). Booleans are TRUE_WORDS or
    FALSE_WORDS in any case, whole numbers are digits with an optional sign, minutes by day are
    a JSON object or day:minutes pairs ("0:5, 2:3", as the checker form takes them), codes and
    states are read in capitals; other kinds keep the (stripped) text. Text that does not
    convert is returned unchanged, so `validate` reports it in its usual words. With `errors`,
    a text that cannot be read at all (invalid JSON, a number of more than MAX_DIGITS digits)
    is reported there instead, as {"field", "message"}, and None is returned."""
    text = text.strip()
    if not text or (len(text) <= _NOT_GIVEN_LEN and text.lower() in _NOT_GIVEN_SET):
        return None
    kind = _KIND[name]
    if kind == "bool":
        low = text.lower()
        if low in _TRUE_SET:
            return True
        if low in _FALSE_SET:
            return False
        return text
    if kind == "int":
        if not _WHOLE_RE.fullmatch(text):
            return text
        if len(text.lstrip("+-0")) > MAX_DIGITS and errors is not None:
            errors.append({"field": name, "message": _TOO_LARGE.format(digits=len(text))})
            return None
        try:
            return int(text)
        except ValueError:  # more digits than Python converts (4300): the validator says so
            return text
    if kind == "minutes_by_day":
        if text[0] != "{":
            pairs = _day_pairs(text)
            if pairs is not None:
                return pairs
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            if errors is None:
                return text
            detail = "nested too deeply" if isinstance(exc, RecursionError) else _brief(exc)
            errors.append({"field": name, "message": _BAD_JSON.format(detail=detail)})
            return None
    if kind == "code" or kind == "state":
        return text.upper()
    return text


def _day_pairs(text: str) -> dict[str, Any] | None:
    """"0:5, 2:3" (day:minutes pairs, separated by commas, semicolons or spaces) -> {"0": 5,
    "2": 3}; None when the text is not written that way. Minutes too long to convert stay text,
    for the validator to name."""
    out: dict[str, Any] = {}
    for part in _PAIR_SEP_RE.split(text):
        if not part:
            continue
        m = _PAIR_RE.fullmatch(part)
        if m is None:
            return None
        try:
            out[m[1]] = int(m[2])
        except ValueError:  # more digits than Python converts (4300)
            out[m[1]] = m[2]
    return out


def _brief(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 120 else text[:117] + "..."


def describe() -> dict[str, Any]:
    """The contract as plain JSON data: per key its kind, whether it is required, its default
    and its choices (in the contract's order), and the decoder's words. The checker page
    embeds it (docs/_site) so its script holds no contract values of its own."""
    return {
        "fields": {n: {"kind": f.kind, "required": f.required, "default": f.default,
                       "choices": list(f.choices)} for n, f in FIELDS.items()},
        "true_words": list(TRUE_WORDS),
        "false_words": list(FALSE_WORDS),
        "not_given_words": list(NOT_GIVEN_WORDS),
    }


_DEFAULTS: dict[str, Any] = {n: f.default for n, f in FIELDS.items() if f.default is not None}
_REQUIRED: tuple[str, ...] = tuple(n for n, f in FIELDS.items() if f.required)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = 40
_REPR.maxother = 40


def _short(value: Any) -> str:
    """A short, safe repr (bounded depth and length, whatever the value)."""
    text = _REPR.repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_date(value: Any) -> tuple[str | None, str | None]:
    """(normalised date, error message). Python callers may pass a datetime.date."""
    if type(value) is _dt.date:
        return value.isoformat(), None
    if not isinstance(value, str):
        return None, f"must be a date written YYYY-MM-DD, got {_type_name(value)}"
    if not _DATE_RE.fullmatch(value):
        return None, f"must be a date written YYYY-MM-DD, got {_short(value)}"
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return None, f"{value!r} is not a real calendar date"
    return value, None


def _check_minutes_by_day(value: Any) -> tuple[dict[str, int] | None, list[str]]:
    if not isinstance(value, dict):
        return None, [
            f"must be an object of day offset -> minutes, e.g. {{\"0\": 5, \"2\": 3}}, "
            f"got {_type_name(value)}"
        ]
    problems: list[str] = []
    out: dict[int, int] = {}
    for key, minutes in value.items():
        if _is_int(key):
            day = key if 0 <= key <= 999999 else None
        elif isinstance(key, str) and _DAY_RE.fullmatch(key) and len(key) <= 6:
            day = int(key)
        else:
            day = None
        if day is None:
            problems.append(
                f"day {_short(key)} must be a day offset: a whole number from 0 to 999999 "
                "(\"0\" is the day of the first review)"
            )
            continue
        if day in out:
            problems.append(f"day {day} is given twice")
            continue
        if not _is_int(minutes):
            problems.append(
                f"minutes on day {day} must be a whole number, got {_type_name(minutes)}"
            )
            continue
        if minutes < 0:
            problems.append(f"minutes on day {day} must be 0 or more, got {_short(minutes)}")
            continue
        if minutes > MAX_WHOLE:
            problems.append(f"minutes on day {day} must be at most {MAX_WHOLE:,}, "
                            f"got {_short(minutes)}")
            continue
        out[day] = minutes
    if problems:
        return None, problems
    return {str(d): out[d] for d in sorted(out)}, []


@functools.lru_cache(maxsize=256)
def _close_choice(value: str, choices: tuple[str, ...]) -> list[str]:
    """The choice closest to `value` (difflib; remembered: a batch repeats its typos)."""
    import difflib  # only when a value is wrong: not at start-up

    return difflib.get_close_matches(value, choices, n=1, cutoff=0.6)


def _suggest(key: str) -> str:
    import difflib  # only when a key is wrong: not at start-up

    matches = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.6)
    if matches:
        return f"; did you mean {matches[0]!r}?"
    return "; allowed keys: " + ", ".join(FIELDS)


# name -> how the fast path checks a value: a frozenset of choices (enum), or a kind word
_FAST_KIND: dict[str, Any] = {
    n: frozenset(f.choices) if f.kind == "enum" else f.kind for n, f in FIELDS.items()
}
# the payer's choices are the codebook's payers and payer profiles (checked in validate)
_FAST_KIND["payer"] = "payer"
_DATES_SEEN: dict[str, None] = {}  # date strings that passed _check_date (bounded)


def _fast(raw: dict[Any, Any]) -> dict[str, Any] | None:
    """The normalised encounter when every value is plainly valid (the common case), else
    None: `validate` then runs the full checks, which collect every problem."""
    out = dict(_DEFAULTS)
    for name, value in raw.items():
        kind = _FAST_KIND.get(name) if type(name) is str else None
        if kind is None:
            return None
        if value is None:
            continue
        if kind == "bool":
            if value is not True and value is not False:
                return None
        elif kind == "int":
            if type(value) is not int or value < 0 or value > MAX_WHOLE:
                return None
        elif kind == "date":
            if type(value) is not str:
                return None
            if value not in _DATES_SEEN:
                if _check_date(value)[1] is not None:
                    return None
                if len(_DATES_SEEN) >= 4096:
                    _DATES_SEEN.clear()
                _DATES_SEEN[value] = None
        elif type(kind) is frozenset:
            if type(value) is not str or value not in kind:
                return None
        elif kind == "code":
            if type(value) is not str or not _CODE_RE.fullmatch(value):
                return None
        elif kind == "payer":
            if type(value) is not str:
                return None
        else:  # minutes_by_day, state: normalised by the full path
            return None
        out[name] = value
    for name in _REQUIRED:
        if out.get(name) is None:
            return None
    if (out["service"] != "visit" or "psychotherapy_minutes" in out
            or "family_with_patient" in out or "same_day_service" in out):
        if raw.get("behavioral_health") is False or _relations(out):
            return None
    return out


def _relations(out: dict[str, Any]) -> list[tuple[str, str]]:
    """Problems between keys (issue 14: the service and its own fields); applies what the
    service implies (behavioral_health) to `out`."""
    problems: list[tuple[str, str]] = []
    service = out.get("service", "visit")
    behavioral = service in BEHAVIORAL_SERVICES
    modality = out.get("modality")
    if behavioral and modality is not None and modality not in REAL_TIME:
        problems.append(("service", f"{service} is a real-time service: use modality "
                                    f"audio_video or audio_only, not {modality}"))
    if "psychotherapy_minutes" in out and service not in TIMED_SERVICES:
        problems.append(("psychotherapy_minutes",
                         "only for service psychotherapy, psychotherapy_with_em, "
                         f"crisis_psychotherapy or family_psychotherapy, not {service}"))
    if service == "family_psychotherapy" and "family_with_patient" not in out:
        problems.append(("family_with_patient",
                         "required for family_psychotherapy: true when the patient took part"))
    elif "family_with_patient" in out and service != "family_psychotherapy":
        problems.append(("family_with_patient", f"only for family_psychotherapy, not {service}"))
    if "same_day_service" in out and not out.get("modifier_25_same_day"):
        problems.append(("same_day_service",
                         "only with modifier_25_same_day: true (what that other service was)"))
    if behavioral:
        out["behavioral_health"] = True
    return problems


def _payer_ok(out: dict[str, Any], codebook: Any) -> bool:
    """True when the payer is one the codebook knows (its payers and payer profiles; without a
    codebook, the three defaults)."""
    payer = out.get("payer")
    if codebook is None:
        return payer in PAYERS
    return payer in codebook.payers


def _payer_problem(value: Any, codebook: Any) -> str:
    import difflib  # only when a value is wrong: not at start-up

    ids = tuple(codebook.payer_ids) if codebook is not None else PAYERS
    if not isinstance(value, str):
        return f"must be a payer id such as {', '.join(ids[:3])}, got {_type_name(value)}"
    close = difflib.get_close_matches(value.lower(), ids, n=3, cutoff=0.5)
    hint = (f"; did you mean {close[0]!r}? closest ids: {', '.join(close)}" if close
            else f"; known ids: {', '.join(ids)}")
    return f"unknown payer {_short(value)}{hint} (`telecode payers` lists them)"


def _outside(day: str, codebook: Any) -> str:
    """The error for a date the codebook does not answer for."""
    start, end = codebook.covers_from, codebook.covers_to
    periods = getattr(codebook, "provisional", None) or []
    answered = f"{start} to {end}"
    if periods:
        answered += ", and provisionally " + ", ".join(
            f"{p['from']} to {p['to']}" for p in periods)
    return (f"{day} is outside the dates this codebook covers ({answered}); "
            "the engine does not guess beyond them")


def validate(raw: Any, codebook: Any = None) -> dict[str, Any]:
    """Check `raw` against the contract; return the normalised encounter.

    `codebook` (an engine.Codebook) adds the covered-date guard: a date outside
    meta.covers and no provisional period is an error (the engine never extrapolates),
    and the payer may be any payer or payer profile id it holds (without it: medicare,
    commercial, medicaid).
    """
    if type(raw) is dict:
        out = _fast(raw)
        if out is not None and not _payer_ok(out, codebook):
            out = None
        if out is not None:
            day = out["date_of_service"]
            if codebook is None:
                return out
            start, end = codebook.covers_from, codebook.answers_to
            if not ((start and day < start) or (end and day > end)):
                return out
    if not isinstance(raw, dict):
        raise EncounterError(
            [{"field": "encounter", "message": f"must be a JSON object, got {_type_name(raw)}"}]
        )
    errors: list[dict[str, str]] = []

    def err(name: str, message: str) -> None:
        errors.append({"field": name, "message": message})

    for key in raw:
        if not isinstance(key, str):
            err(str(key), "keys must be text")
        elif key not in FIELDS:
            err(key, "unknown key" + _suggest(key))
    for name in _REQUIRED:
        if raw.get(name) is None:
            f = FIELDS[name]
            what = f" ({f.help})" if f.help else ""
            choices = f"; one of: {', '.join(f.choices)}" if f.choices else ""
            err(name, f"required{what}{choices}")

    out: dict[str, Any] = dict(_DEFAULTS)
    for name, value in raw.items():
        f = FIELDS.get(name) if isinstance(name, str) else None
        if f is None or value is None:
            continue
        kind = f.kind
        # fast paths for the common, valid cases
        if kind == "bool" and (value is True or value is False):
            out[name] = value
            continue
        if name == "payer":
            if isinstance(value, str) and _payer_ok({"payer": value}, codebook):
                out[name] = value
            else:
                err(name, _payer_problem(value, codebook))
            continue
        if kind == "enum" and type(value) is str and value in f.choices:
            out[name] = value
            continue
        if kind == "int" and type(value) is int and 0 <= value <= MAX_WHOLE:
            out[name] = value
            continue
        for problem in _read_value(f, name, value, out):
            err(name, problem)

    if raw.get("behavioral_health") is False and out.get("service") in BEHAVIORAL_SERVICES:
        err("behavioral_health", f"{out['service']} is a mental health service: leave "
                                 "behavioral_health out or true")
    for name, problem in _relations(out):
        err(name, problem)
    day = out.get("date_of_service")
    if day is not None and codebook is not None:
        start, end = codebook.covers_from, codebook.answers_to
        if (start and day < start) or (end and day > end):
            err("date_of_service", _outside(day, codebook))
    if errors:
        raise EncounterError(errors)
    return out


def _read_value(f: Field, name: str, value: Any, out: dict[str, Any]) -> list[str]:
    """Field `name`'s value (not None, not one of validate's fast cases): stored in `out`
    when it is valid; the problems with it otherwise."""
    if f.kind == "date":
        day, problem = _check_date(value)
        if problem:
            return [problem]
        out[name] = day
    elif f.kind == "enum":
        if not (isinstance(value, str) and value in f.choices):
            hint = ""
            if isinstance(value, str):
                close = _close_choice(value, f.choices)
                if close:
                    hint = f"; did you mean {close[0]!r}?"
            return [f"must be one of {', '.join(f.choices)}, got {_short(value)}{hint}"]
        out[name] = value
    elif f.kind == "int":
        if not _is_int(value):
            return [f"must be a whole number of {'days' if 'days' in name else 'minutes'}, "
                    f"got {_type_name(value)} {_short(value)}"]
        if value < 0:
            return [f"must be 0 or more, got {_short(value)}"]
        if value > MAX_WHOLE:
            return [f"must be at most {MAX_WHOLE:,}, got {_short(value)}"]
        out[name] = value
    elif f.kind == "bool":
        if not isinstance(value, bool):
            return [f"must be true or false, got {_type_name(value)} {_short(value)}"]
        out[name] = value
    elif f.kind == "minutes_by_day":
        days, problems = _check_minutes_by_day(value)
        if days is not None:
            out[name] = days
        return list(problems)
    elif f.kind == "code":
        if isinstance(value, str) and _CODE_RE.fullmatch(value):
            out[name] = value
        elif isinstance(value, str) and _CODE_RE.fullmatch(value.strip().upper()):
            return [f"write the code in capitals without spaces: {value.strip().upper()!r}"]
        else:
            return ["must be a five-character code such as \"99213\" or \"G2012\", "
                    f"got {_type_name(value)} {_short(value)}"]
    elif f.kind == "state":
        if not (isinstance(value, str) and _STATE_RE.fullmatch(value)):
            return [f"must be a two-letter state such as \"OH\", got {_short(value)}"]
        out[name] = value.upper()
    return []
