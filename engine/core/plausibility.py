"""Entries that are valid for the engine but unlikely as typed: the checker shows them as
"Check" notes beside the fields (docs/assets/checker/checker.js) and answers anyway.

    doubts(encounter, codebook) -> [{"field", "message"}]   from the decoded encounter
                                                              (contract.decode_text)
"""

from __future__ import annotations

from typing import Any

from engine.core.contract import MAX_WHOLE

# Minutes beyond this in one field are implausible: a day has 1440.
MAX_PLAUSIBLE_MINUTES = 24 * 60
TYPE_CHECKING = False
if TYPE_CHECKING:
    from engine.core.codebook import Codebook
_MINUTE_FIELDS = ("minutes", "discussion_minutes", "management_minutes")


def _whole(value: Any) -> int | None:
    """A whole number the validator accepts (a larger one gets its error, not a note)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_WHOLE:
        return value
    return None


_DEVICE_DAYS: dict[str, int | None] = {}  # codebook version -> its most device days


def device_day_limit(cb: Codebook) -> int | None:
    """The most days of readings a monitoring code counts (the codebook's device-day bands:
    30, one period)."""
    if cb.version not in _DEVICE_DAYS:
        counted = {f["id"] for f in cb.bundle.get("families") or ()
                   if f.get("time_basis") == "device_days"}
        tops = [v["max_minutes"] for v in cb.bundle.get("codes") or ()
                if v.get("family") in counted and isinstance(v.get("max_minutes"), int)]
        _DEVICE_DAYS[cb.version] = max(tops) if tops else None
    return _DEVICE_DAYS[cb.version]


def doubts(encounter: dict[str, Any], cb: Codebook) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for name in _MINUTE_FIELDS:
        v = _whole(encounter.get(name))
        if v is not None and v > MAX_PLAUSIBLE_MINUTES:
            out.append({"field": name,
                        "message": f"{v} minutes is more than 24 hours: check the number."})
    minutes = _whole(encounter.get("minutes"))
    discussion = _whole(encounter.get("discussion_minutes"))
    if minutes is not None and discussion is not None and discussion > minutes:
        out.append({"field": "discussion_minutes",
                    "message": f"The discussion ({discussion} minutes) is longer than the total "
                               f"time ({minutes} minutes): check both."})
    by_day = encounter.get("evisit_minutes_by_day")
    if isinstance(by_day, dict):
        entries = [m for m in map(_whole, by_day.values()) if m is not None]
        if any(m > MAX_PLAUSIBLE_MINUTES for m in entries):
            out.append({"field": "evisit_minutes_by_day",
                        "message": "One day has more than 24 hours of minutes: check the entries."})
        total = sum(entries)
        if minutes is not None and total != minutes:
            out.append({"field": "evisit_minutes_by_day",
                        "message": f"The minutes by day add up to {total}, not the {minutes} "
                                   "total minutes given. The code is chosen from the minutes by "
                                   "day: correct whichever is wrong."})
    days = _whole(encounter.get("device_days"))
    limit = device_day_limit(cb)
    if days is not None and limit is not None and days > limit:
        out.append({"field": "device_days",
                    "message": f"{days} days is more than the {limit}-day period: check the "
                               "number."})
    return out
