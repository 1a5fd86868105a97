"""Own words: no text in the compiled codebook may copy the two source documents.

tests/data/source-shingles.sha256 holds the sha256 of every normalized 6-word shingle of the AAD
and AMCI source documents (made by scripts/make-shingle-hashes; hashes only, never the text). This
test hashes every 6-word shingle of every text field of the bundle compiled from codebook/ and
fails on any match, naming the record and the field. Source titles and URLs are citations, not
our text, and are skipped.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
HASHES = ROOT / "tests" / "data" / "source-shingles.sha256"
SCRIPT = ROOT / "scripts" / "make-shingle-hashes"
# Fields of `sources` records that cite a document rather than describe anything in our words.
CITATION_FIELDS = {"title", "url", "publisher"}


def _shingler() -> ModuleType:
    loader = SourceFileLoader("make_shingle_hashes", str(SCRIPT))
    spec = spec_from_loader(loader.name, loader)
    assert spec is not None
    module = module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shingler() -> ModuleType:
    return _shingler()


@pytest.fixture(scope="module")
def source_hashes() -> frozenset[str]:
    lines = HASHES.read_text(encoding="ascii").split()
    return frozenset(lines)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("own-words") / "codebook.json"
    assert main(["compile", str(ROOT / "codebook"), "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def text_fields(bundle: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(section/record id, field path, text) for every string in the bundle's records."""

    def walk(value: Any, field: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield field, value
        elif isinstance(value, dict):
            for key, sub in value.items():
                yield from walk(sub, f"{field}.{key}" if field else key)
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                yield from walk(sub, f"{field}[{i}]")

    for section, records in sorted(bundle.items()):
        if not isinstance(records, list):
            continue  # format, meta
        for i, record in enumerate(records):
            rid = record.get("id", str(i)) if isinstance(record, dict) else str(i)
            for field, text in walk(record, ""):
                if section == "sources" and field in CITATION_FIELDS:
                    continue
                yield f"{section}/{rid}", field, text


def copied(bundle: dict[str, Any], hashes: frozenset[str], shingler: ModuleType) -> list[str]:
    hits = []
    for record, field, text in text_fields(bundle):
        found = [s for s in shingler.shingles(text) if shingler.digest(s) in hashes]
        if found:
            hits.append(f"{record} field {field}: {len(found)} copied 6-word run(s), "
                        f"first {found[0]!r} - rewrite it in our own words")
    return hits


def test_hash_file_is_hashes_only(source_hashes: frozenset[str]) -> None:
    assert len(source_hashes) > 1500  # both documents, about 2,000 distinct shingles
    assert all(len(h) == 64 and set(h) <= set("0123456789abcdef") for h in source_hashes)


def test_normalization_ignores_case_punctuation_and_quotes(shingler: ModuleType) -> None:
    assert shingler.normalize("The Patient’s  e-visit; 5-10 MINUTES.") == [
        "the", "patient", "s", "e", "visit", "5", "10", "minutes"]
    assert shingler.shingles("a b c d e") == []
    assert shingler.shingles("a b c d e f g") == ["a b c d e f", "b c d e f g"]


def test_codebook_text_copies_no_source_document(
    bundle: dict[str, Any], source_hashes: frozenset[str], shingler: ModuleType
) -> None:
    hits = copied(bundle, source_hashes, shingler)
    assert hits == [], "text copied from the source documents:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    ("section", "field", "phrase"),
    [
        # a sentence of the AMCI document, and a sentence of the AAD document
        ("faqs", "answer", "In short: Telemedicine coding requires precision, not assumption."),
        ("rules", "message", "As usual we recommend you contact all payers first."),
    ],
)
def test_a_copied_phrase_is_caught_and_named(
    bundle: dict[str, Any], source_hashes: frozenset[str], shingler: ModuleType,
    section: str, field: str, phrase: str,
) -> None:
    tampered = copy.deepcopy(bundle)
    record = tampered[section][0]
    record[field] = f"{record[field]} {phrase}"
    hits = copied(tampered, source_hashes, shingler)
    assert len(hits) == 1
    assert hits[0].startswith(f"{section}/{record['id']} field {field}: 1 copied 6-word run(s)")


def test_citation_titles_are_not_our_text(
    bundle: dict[str, Any], source_hashes: frozenset[str], shingler: ModuleType
) -> None:
    # the AMCI source is cited by its own title; that is a citation, so it is skipped, but the
    # same words in a summary would be a hit
    amci = next(s for s in bundle["sources"] if s["id"] == "amci")
    assert any(shingler.digest(s) in source_hashes for s in shingler.shingles(amci["title"]))
    tampered = copy.deepcopy(bundle)
    tampered["faqs"][0]["answer"] = amci["title"]
    assert [h for h in copied(tampered, source_hashes, shingler) if h.startswith("faqs/")]
