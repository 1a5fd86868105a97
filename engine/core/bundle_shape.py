"""The shape a compiled codebook bundle must have before the engine reads it.

`telecode check --codebook FILE` and `telecode batch --codebook FILE` accept any JSON file; a
file that is JSON but not a bundle (`{}`, `{"meta": "x"}`, `{"codes": [{}]}`) must be refused
with a message, not answered from nothing or crash on its first lookup. This checks what the
Codebook indexes read: the kinds are lists of objects, the keys they are indexed by are text,
dates are text or null. The values' meaning is `telecode validate`'s job (before compiling).

Standard library only (the engine core).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = ["LIST_KINDS", "shape_problems"]

# kind -> keys every record of it must have as text (what the indexes are keyed by)
LIST_KINDS: dict[str, tuple[str, ...]] = {
    "codes": ("id", "code"),
    "conflicts": ("id",),
    "families": ("id",),
    "faqs": ("id",),
    "flexibilities": ("id",),
    "messages": ("id",),
    "modifiers": ("id", "code"),
    "payers": ("id",),
    "places_of_service": ("id", "code"),
    "routes": ("id", "payer", "modality"),
    "rules": ("id",),
    "sources": ("id",),
    "statuses": ("id", "payer"),
}
_MAX_SHOWN = 5


def _date_ok(value: Any) -> bool:
    return value is None or isinstance(value, str)


def shape_problems(bundle: Any, complete: bool = True) -> list[str]:
    """What is wrong with `bundle`'s shape (empty when nothing). `complete`: every kind and
    meta.covers must be there (a file given to the CLI); else only what is there is checked
    (a small bundle built in Python; its records need no id)."""
    if not isinstance(bundle, dict):
        return ["it is not a JSON object"]
    problems: list[str] = []
    meta = bundle.get("meta")
    if meta is not None or complete:
        if not isinstance(meta, dict):
            problems.append("`meta` must be an object with version and covers")
        else:
            covers = meta.get("covers")
            if covers is not None or complete:
                if not (isinstance(covers, dict) and isinstance(covers.get("from"), str)
                        and _date_ok(covers.get("to"))):
                    problems.append("`meta.covers` must be an object with the dates from and to")
    for kind, all_keys in LIST_KINDS.items():
        keys = all_keys if complete else tuple(k for k in all_keys if k != "id")
        items = bundle.get(kind)
        if items is None and not complete:
            continue
        if not isinstance(items, list):
            problems.append(f"`{kind}` must be a list of records")
            continue
        for n, item in enumerate(items):
            where = f"`{kind}[{n}]`"
            if not isinstance(item, dict):
                problems.append(f"{where} must be an object")
            elif keys and any(not isinstance(item.get(k), str) for k in keys):
                problems.append(f"{where} needs {', '.join(keys)} as text")
            elif not (_date_ok(item.get("from")) and _date_ok(item.get("to"))):
                problems.append(f"{where}: from and to must be dates (text) or null")
            elif kind == "statuses" and not (isinstance(item.get("codes"), list) and all(
                    isinstance(c, str) for c in item["codes"])):
                problems.append(f"{where}: codes must be a list of codes")
            if len(problems) > _MAX_SHOWN:
                break
        if len(problems) > _MAX_SHOWN:
            break
    for kind in ("labels", "phrases"):
        value = bundle.get(kind)
        if value is not None and not isinstance(value, dict):
            problems.append(f"`{kind}` must be an object")
    labels = bundle.get("labels")
    if isinstance(labels, dict) and not all(isinstance(v, dict) for v in labels.values()):
        problems.append("`labels` must map each kind to an object of words")
    return problems[:_MAX_SHOWN]
