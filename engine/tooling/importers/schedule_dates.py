"""Where a new fee schedule (payments/<payer>-*.yaml) goes among the ones the codebook holds,
so that quarterly releases written in any order leave one schedule per day of service.

A schedule applies from the first day of its release's quarter to the end of the year; a
later quarter's schedule takes over from its own first day. So a new schedule from S ends the
day before the next schedule of the payer starts (an older release never overrides a newer
one's days), and a schedule in force on S ends the day before S. Two releases whose schedules
start on the same day and differ are a conflict: WriteError naming both and a code, nothing
written. The same release again replaces its own file; an identical schedule of another
release keeps the newer release.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.tooling.write import WriteError, dump_rt, load_rt


@dataclass
class Placement:
    path: Path  # the file of the new schedule
    doc: dict[str, Any]  # the new schedule's document, its `to` capped
    ended: list[tuple[Path, Any]] = field(default_factory=list)  # schedules that end earlier
    kept: str | None = None  # why nothing is written (a newer identical release holds it)

    def write(self) -> None:
        if self.kept:
            return
        self.path.parent.mkdir(exist_ok=True)
        dump_rt(self.doc, self.path)
        for path, doc in self.ended:
            dump_rt(doc, path)


def _day_before(day: str) -> str:
    return (_dt.date.fromisoformat(day) - _dt.timedelta(days=1)).isoformat()


def _values(s: Any) -> tuple[Any, list[dict[str, Any]]]:
    return (float(s.get("conversion_factor") or 0),
            [{str(k): v for k, v in v.items()} for v in s.get("values") or []])


def _cited(s: Any) -> str:
    ids = [str(x.get("id")) for x in s.get("sources") or [] if isinstance(x, dict)]
    return ids[0] if ids else str(s.get("id"))


def _first_difference(old: Any, new: dict[str, Any]) -> str:
    if float(old.get("conversion_factor") or 0) != float(new["conversion_factor"]):
        return "the conversion factor"
    before = {str(v.get("code")): dict(v) for v in old.get("values") or []}
    after = {str(v["code"]): dict(v) for v in new["values"]}
    for code in sorted(set(before) | set(after)):
        if before.get(code) != after.get(code):
            return code
    return "their values"  # pragma: no cover (called only when they differ)


def place_schedule(root: Path, doc: dict[str, Any]) -> Placement:
    """The files to write for the new schedule `doc` ({"schedule": {...}}), nothing written.
    Raises WriteError when another release's schedule from the same day differs."""
    new = doc["schedule"]
    start, end, release = str(new["from"]), new.get("to"), str(new.get("release"))
    end = None if end is None else str(end)
    folder = root / "payments"
    target: Path | None = None
    ended: list[tuple[Path, Any]] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        old_doc = load_rt(path)
        old = old_doc.get("schedule") if isinstance(old_doc, dict) else None
        if not isinstance(old, dict) or old.get("payer") != new["payer"]:
            continue
        o_from, o_to = str(old.get("from")), old.get("to")
        o_to = None if o_to is None else str(o_to)
        o_release = str(old.get("release"))
        rel = path.relative_to(root).as_posix()
        if o_from == start:
            if o_release != release and _values(old) != _values(new):
                raise WriteError(
                    f"{rel}: {_cited(old)} (the {o_release} release) and {_cited(new)} (the "
                    f"{release} release) give different values from {start} "
                    f"({_first_difference(old, new)}) — the two releases conflict; nothing was "
                    "written. Check which is right, then remove or correct the file by hand "
                    "(or give --as-of the day the newer release applies from)")
            if o_release > release:
                return Placement(path, doc, kept=f"{rel} already holds the same values from "
                                                 f"the newer {o_release} release")
            target = path
            if o_to is not None and (end is None or o_to < end):
                end = o_to  # it was ended by a later quarter already
        elif o_from < start and (o_to is None or start <= o_to):
            old["to"] = _day_before(start)
            ended.append((path, old_doc))
        elif o_from > start and (end is None or o_from <= end):
            end = _day_before(o_from)
    new["to"] = end
    if target is None:
        target = folder / f"{new['payer']}-{start[:4]}.yaml"
        if target.exists():
            target = folder / f"{new['payer']}-{start}.yaml"
    return Placement(target, doc, ended)
