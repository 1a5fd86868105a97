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
from engine.tooling.schema import inlined

FORMAT = 1


def _from_key(item: dict[str, Any]) -> str:
    value = item.get("from")
    return value if isinstance(value, str) else ""


class _Documents:
    """The validated documents of a codebook, by file kind, in file-name order (filled data:
    every optional key has its schema default). Each read is a deep copy: the bundle owns it."""

    def __init__(self, index: Index) -> None:
        self.filled = index.filled
        self.docs = sorted(index.loaded.documents, key=lambda d: d.file)

    def of_kind(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(d.file, copy.deepcopy(self.filled[d.file])) for d in self.docs
                if d.kind == kind]

    def records(self, kind: str, key: str) -> list[dict[str, Any]]:
        """The `key` lists of every file of `kind`, one after the other."""
        return [r for _, data in self.of_kind(kind) for r in data.get(key, [])]


def build_bundle(index: Index) -> dict[str, Any]:
    """The bundle dict for a codebook that passed validation."""
    docs = _Documents(index)
    cb = copy.deepcopy(index.codebook)
    meta = {
        "name": cb.get("name"),
        "version": cb.get("version"),
        "released": cb.get("released"),
        "covers": cb.get("covers"),
    }
    if cb.get("provisional"):
        meta["provisional"] = cb["provisional"]
    sources = docs.records("sources", "sources") + docs.records("payer-profile", "sources")
    families, codes = _families_and_codes(docs)
    payers, statuses = _payers_and_statuses(docs)
    messages, words = _messages_and_words(docs)
    rules = [{**rule, "file": file} for file, data in docs.of_kind("rules")
             for rule in data.get("rules", [])]
    bundle: dict[str, Any] = {
        "format": FORMAT,
        "meta": meta,
        "sources": sorted(sources, key=lambda s: s["id"]),
        "families": sorted(families, key=lambda f: f["id"]),
        "codes": sorted(codes, key=lambda c: (c["code"], _from_key(c))),
        "modifiers": sorted(docs.records("modifiers", "modifiers"),
                            key=lambda m: (m["code"], _from_key(m))),
        "places_of_service": sorted(docs.records("places-of-service", "places_of_service"),
                                    key=lambda p: (p["code"], _from_key(p))),
        "payers": sorted(payers, key=lambda p: p["id"]),
        "statuses": statuses,
        "routes": docs.records("routes", "routes"),  # files sorted by name, then file order
        "rules": rules,
        "flexibilities": sorted(docs.records("flexibilities", "periods"), key=_from_key),
        "conflicts": sorted(docs.records("conflicts", "conflicts"), key=lambda c: c["id"]),
        "messages": sorted(messages, key=lambda m: m["id"]),
        # messages.yaml `phrases:` (schema default {}; lint engine-phrases requires each one)
        "phrases": words.pop("phrases"),
        "faqs": docs.records("faq", "faqs"),
    }
    payments = [data["schedule"] for _, data in docs.of_kind("payments") if data.get("schedule")]
    localities = [data["localities"] for _, data in docs.of_kind("localities")
                  if data.get("localities")]
    optional: dict[str, Any] = {
        # payers/profiles/*.yaml (engine.core.profiles resolves them on load)
        "payer_profiles": profiles_of(docs.of_kind("payer-profile")),
        # the payer profile schema, $refs written out: the browser checker checks a
        # practice's own profile with it (engine/core/profile_schema.py)
        "profile_schema": inlined("payer-profile"),
        # optional files payments/<payer>-<year>.yaml (import-rvu --write-payments)
        "payments": sorted(payments, key=lambda p: (p["payer"], _from_key(p))),
        # optional files localities/<payer>-<year>.yaml (import-rvu --write-gpci)
        "localities": sorted(localities, key=lambda p: (p["payer"], _from_key(p))),
        # optional files codebook/changes/<year>.yaml: the narrative what-changed
        "changes": sorted(docs.records("changes", "changes"),
                          key=lambda c: (_from_key(c), c["id"])),
        # optional file (written by import-cms-list --write)
        "telehealth_list": sorted(docs.records("telehealth-list", "entries"),
                                  key=lambda e: (_from_key(e), e["id"])),
        # optional messages.yaml sections: words for enum values, conditions, placeholders
        **words,
    }
    bundle.update((key, value) for key, value in optional.items() if value)
    bundle["meta"]["hash"] = bundle_hash(bundle)
    return bundle


def _families_and_codes(docs: _Documents) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """codes/<family>.yaml: the families (with their `file`) and their codes (with `family`);
    the families' messages get their thresholds from the codes (family_data)."""
    families: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    for file, data in docs.of_kind("family"):
        family = data["family"]
        family["file"] = file
        families.append(family)
        for code in data.get("codes", []):
            code["family"] = family["id"]
            codes.append(code)
    fill_family_messages(families, codes)  # {min_minutes}, {99212.min_minutes}: the data's own
    return families, codes


def _payers_and_statuses(docs: _Documents) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """payers/<payer>.yaml: the payers, and their statuses (with `payer`) by payer id."""
    payers: list[dict[str, Any]] = []
    statuses_by_payer: list[tuple[str, list[dict[str, Any]]]] = []
    for _, data in docs.of_kind("payer"):
        payer = data["payer"]
        payers.append(payer)
        rows = []
        for status in data.get("statuses", []):
            status["payer"] = payer["id"]
            rows.append(status)
        statuses_by_payer.append((payer["id"], rows))
    statuses = [s for _, rows in sorted(statuses_by_payer, key=lambda x: x[0]) for s in rows]
    return payers, statuses


def _messages_and_words(docs: _Documents) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """messages.yaml: the messages, and its word sections (labels, phrases, condition_words,
    placeholder_words) merged over the files."""
    messages: list[dict[str, Any]] = []
    labels: dict[str, dict[str, str]] = {}
    phrases: dict[str, str] = {}
    condition_words: dict[str, dict[str, Any]] = {}
    placeholder_words: dict[str, str] = {}
    for _, data in docs.of_kind("messages"):
        messages.extend(data.get("messages", []))
        for kind, words in sorted((data.get("labels") or {}).items()):
            labels.setdefault(kind, {}).update(words)
        phrases.update(data.get("phrases") or {})
        condition_words.update(data.get("conditions") or {})
        placeholder_words.update(data.get("placeholder_words") or {})
    return messages, {"labels": labels, "phrases": phrases, "condition_words": condition_words,
                      "placeholder_words": placeholder_words}


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
