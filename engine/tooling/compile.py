"""`telecode compile`: the whole codebook as one JSON bundle (format 1).

The bundle is what the engine, the site and the widget load (standard library only). It is
byte-identical on every run for the same codebook: keys sorted, 2-space indent, UTF-8, a
trailing newline, lists in a stable order (see BRIEF "compiled bundle"), every optional key
filled with its schema default. ``meta.hash`` is the sha256 of the canonical JSON of the bundle
without ``meta.hash`` (``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``,
UTF-8).
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from engine.tooling.family_data import fill_family_messages
from engine.tooling.records import Index

FORMAT = 1


def _from_key(item: dict[str, Any]) -> str:
    value = item.get("from")
    return value if isinstance(value, str) else ""


def build_bundle(index: Index) -> dict[str, Any]:
    """The bundle dict for a codebook that passed validation."""
    filled = index.filled
    docs = sorted(index.loaded.documents, key=lambda d: d.file)

    def of_kind(kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(d.file, copy.deepcopy(filled[d.file])) for d in docs if d.kind == kind]

    cb = copy.deepcopy(index.codebook)
    meta = {
        "name": cb.get("name"),
        "version": cb.get("version"),
        "released": cb.get("released"),
        "covers": cb.get("covers"),
    }
    if cb.get("provisional"):
        meta["provisional"] = cb["provisional"]

    sources: list[dict[str, Any]] = []
    for _, data in of_kind("sources"):
        sources.extend(data.get("sources", []))
    profiles = profiles_of(of_kind("payer-profile"))
    for _, data in of_kind("payer-profile"):
        sources.extend(data.get("sources", []))

    families: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    for file, data in of_kind("family"):
        family = data["family"]
        family["file"] = file
        families.append(family)
        for code in data.get("codes", []):
            code["family"] = family["id"]
            codes.append(code)
    fill_family_messages(families, codes)  # {min_minutes}, {99212.min_minutes}: the data's own

    modifiers: list[dict[str, Any]] = []
    for _, data in of_kind("modifiers"):
        modifiers.extend(data.get("modifiers", []))
    places: list[dict[str, Any]] = []
    for _, data in of_kind("places-of-service"):
        places.extend(data.get("places_of_service", []))

    payers: list[dict[str, Any]] = []
    statuses_by_payer: list[tuple[str, list[dict[str, Any]]]] = []
    for _, data in of_kind("payer"):
        payer = data["payer"]
        payers.append(payer)
        rows = []
        for status in data.get("statuses", []):
            status["payer"] = payer["id"]
            rows.append(status)
        statuses_by_payer.append((payer["id"], rows))
    statuses = [s for _, rows in sorted(statuses_by_payer, key=lambda x: x[0]) for s in rows]

    routes: list[dict[str, Any]] = []
    for _, data in of_kind("routes"):  # files sorted by name, then file order
        routes.extend(data.get("routes", []))
    rules: list[dict[str, Any]] = []
    for file, data in of_kind("rules"):
        for rule in data.get("rules", []):
            rule["file"] = file
            rules.append(rule)
    periods: list[dict[str, Any]] = []
    for _, data in of_kind("flexibilities"):
        periods.extend(data.get("periods", []))
    conflicts: list[dict[str, Any]] = []
    for _, data in of_kind("conflicts"):
        conflicts.extend(data.get("conflicts", []))
    telehealth_list: list[dict[str, Any]] = []
    for _, data in of_kind("telehealth-list"):
        telehealth_list.extend(data.get("entries", []))
    messages: list[dict[str, Any]] = []
    labels: dict[str, dict[str, str]] = {}
    phrases: dict[str, str] = {}
    condition_words: dict[str, dict[str, Any]] = {}
    placeholder_words: dict[str, str] = {}
    for _, data in of_kind("messages"):
        messages.extend(data.get("messages", []))
        for kind, words in sorted((data.get("labels") or {}).items()):
            labels.setdefault(kind, {}).update(words)
        phrases.update(data.get("phrases") or {})
        condition_words.update(data.get("conditions") or {})
        placeholder_words.update(data.get("placeholder_words") or {})
    payments = [data["schedule"] for _, data in of_kind("payments") if data.get("schedule")]
    changes: list[dict[str, Any]] = []
    for _, data in of_kind("changes"):
        changes.extend(data.get("changes", []))
    faqs: list[dict[str, Any]] = []
    for _, data in of_kind("faq"):
        faqs.extend(data.get("faqs", []))

    bundle: dict[str, Any] = {
        "format": FORMAT,
        "meta": meta,
        "sources": sorted(sources, key=lambda s: s["id"]),
        "families": sorted(families, key=lambda f: f["id"]),
        "codes": sorted(codes, key=lambda c: (c["code"], _from_key(c))),
        "modifiers": sorted(modifiers, key=lambda m: (m["code"], _from_key(m))),
        "places_of_service": sorted(places, key=lambda p: (p["code"], _from_key(p))),
        "payers": sorted(payers, key=lambda p: p["id"]),
        "statuses": statuses,
        "routes": routes,
        "rules": rules,
        "flexibilities": sorted(periods, key=_from_key),
        "conflicts": sorted(conflicts, key=lambda c: c["id"]),
        "messages": sorted(messages, key=lambda m: m["id"]),
        # messages.yaml `phrases:` (schema default {}; lint engine-phrases requires each one)
        "phrases": phrases,
        "faqs": faqs,
    }
    if profiles:  # payers/profiles/*.yaml (engine.core.profiles resolves them on load)
        bundle["payer_profiles"] = profiles
    if labels:  # optional messages.yaml section: words for enum values
        bundle["labels"] = labels
    if payments:  # optional files payments/<payer>-<year>.yaml (import-rvu --write-payments)
        bundle["payments"] = sorted(payments, key=lambda p: (p["payer"], _from_key(p)))
    if changes:  # optional files codebook/changes/<year>.yaml: the narrative what-changed
        bundle["changes"] = sorted(changes, key=lambda c: (_from_key(c), c["id"]))
    if condition_words:  # optional messages.yaml section: the site's words for conditions
        bundle["condition_words"] = condition_words
    if placeholder_words:
        bundle["placeholder_words"] = placeholder_words
    if telehealth_list:  # optional file (written by import-cms-list --write)
        bundle["telehealth_list"] = sorted(telehealth_list, key=lambda e: (_from_key(e), e["id"]))
    bundle["meta"]["hash"] = bundle_hash(bundle)
    return bundle


def profiles_of(docs: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Bundle records of payer-profile files: the profile with its `rules` and `file`,
    sorted by id (filled data, as validated)."""
    out = []
    for file, data in docs:
        profile = dict(data["profile"])
        profile["rules"] = list(data.get("rules", []))
        profile["file"] = file
        out.append(profile)
    return sorted(out, key=lambda p: p["id"])


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def bundle_hash(bundle: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of ``bundle`` without ``meta.hash``."""
    clone = dict(bundle)
    clone["meta"] = {k: v for k, v in bundle.get("meta", {}).items() if k != "hash"}
    return hashlib.sha256(canonical_json(clone)).hexdigest()


def dump_bundle(bundle: dict[str, Any]) -> str:
    """The bundle's text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(bundle, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
