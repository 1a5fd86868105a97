"""Reader pages speak a coder's language (issue 17, item 1).

Every built page's visible text (the article; the maintainers' and performance pages and the
folded "for developers / for maintainers" blocks, class tc-dev, excepted) is scanned for engine
internals: field names and raw enum values (snake_case), `@`-notation of code versions, record
ids and source short-codes of the codebook, placeholders, and route jargon. Ids stay in
anchors and tooltips (attributes), which are not visible text.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))

# source ids that are also ordinary words of our text ("a sentinel event")
ORDINARY_WORDS = {"sentinel"}
# pages for maintainers and developers, where ids and engine words are the subject
DEV_PAGES = ("maintainers/", "maintainers-widget/", "performance/", "developers/",
             "payer-profiles/",  # writing payer profiles with the command line
             "claims/")  # running `telecode claims`: its columns and reason ids are the subject
VOID = {"br", "img", "input", "hr", "meta", "link", "wbr", "source", "col", "area"}

PATTERNS = {
    "field name or raw value": re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"),
    "@-notation": re.compile(r"\b[0-9A-Z]{5}\S*@|@[0-9]{4}-[0-9]{2}"),
    "placeholder": re.compile(r"\{[a-z_][a-z0-9_.]*\}"),
    "route jargon": re.compile(r"\b(?:no )?routes?\b(?!\.csv)", re.I),
    "usual POS": re.compile(r"\busual POS\b"),
}


class _Visible(HTMLParser):
    """Visible text, without script/style and without elements of class tc-dev."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hide = tag in ("script", "style", "template") or "tc-dev" in classes
        self.stack.append((tag, hide))
        self.hidden += hide

    def handle_endtag(self, tag):
        if not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            t, hide = self.stack.pop()
            self.hidden -= hide
            if t == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    m = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    parser = _Visible()
    parser.feed(m.group(1) if m else html)
    return " ".join(" ".join(parser.parts).split())


def record_ids(bundle: dict) -> set[str]:
    """Ids a reader must never see: every record id with a hyphen or a digit (not a code
    number), every source id; payer ids are plain words (Medicare) and are left out."""
    payers = {p["id"] for p in bundle.get("payers", [])}
    ids = {s["id"] for s in bundle.get("sources", [])}
    for value in bundle.values():
        if not isinstance(value, list):
            continue
        for rec in value:
            rid = rec.get("id") if isinstance(rec, dict) else None
            if not isinstance(rid, str) or re.fullmatch(r"[0-9A-Z]{5}", rid):
                continue
            if re.search(r"[-0-9]", rid):
                ids.add(rid)
    return ids - payers - ORDINARY_WORDS


def problems_in(text: str, ids: set[str]) -> list[str]:
    found = []
    for what, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            found.append(f"{what}: {m.group(0)!r} in …{text[max(0, m.start() - 50):m.end() + 30]}…")
    # a token is a run of id characters; a domain (bhnet.org) is one token, not an id
    for m in re.finditer(r"[a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9]", text):
        token = m.group(0)
        if token in ids:
            found.append(f"record id: {token!r} in …{text[max(0, m.start() - 50):m.end() + 30]}…")
    return found


def test_the_scan_finds_each_kind_of_internal():
    ids = {"medicare-audio-only", "aafp-th25"}
    html = ('<article class="md-content__inner md-typeset"><p>role is verbal_and_written; '
            "99454@2026-01-01; On {date_of_service}; no route; POS usual POS; "
            "see medicare-audio-only and aafp-th25.</p>"
            '<details class="tc-dev"><summary>x</summary>hidden_value other-id</details>'
            '<p title="aafp-th25"><a href="#medicare-audio-only">Medicare audio-only</a> '
            "(aafp.org), routes.csv</p></article>")
    found = problems_in(visible_text(html), ids)
    kinds = sorted({f.split(":")[0] for f in found})
    assert kinds == ["@-notation", "field name or raw value", "placeholder", "record id",
                     "route jargon", "usual POS"]
    assert not any("hidden_value" in f for f in found)
    assert sum(f.startswith("record id") for f in found) == 2


def test_no_engine_internals_in_the_visible_text_of_any_reader_page(site, bundle):
    ids = record_ids(bundle)
    assert "medicare-audio-only" in ids and "aafp-th25" in ids
    offenders = []
    pages = 0
    for path in site.pages():
        url = path.relative_to(site.root).as_posix()
        if url.startswith(DEV_PAGES) or url.startswith("assets/") or url == "404.html":
            continue
        pages += 1
        for problem in problems_in(visible_text(path.read_text(encoding="utf-8")), ids):
            offenders.append(f"/{url}: {problem}")
    assert pages > 60
    assert not offenders, f"{len(offenders)} internals on reader pages:\n" + "\n".join(
        offenders[:40])


def test_every_condition_of_the_codebook_has_its_own_words(codebook):
    from _site import words

    missing = {}
    records = (list(codebook.routes) + list(codebook.rules)
               + list(codebook.bundle.get("families", [])) + list(codebook.bundle.get("codes", [])))
    assert any(r.get("when") for r in records)
    for rec in records:
        gaps = words.missing_words(codebook, rec.get("when"))
        if gaps:
            missing[rec["id"]] = gaps
    assert not missing, missing


def test_one_of_several_values_reads_as_one_clause(codebook):
    """`in` with the field's is_one_of words: "the service is A, B or C", not "the service is
    A or the service is B or ..."; without them, each value's own clause."""
    from _site import words

    cond = {"field": "service", "in": ["psychotherapy", "psychiatric_evaluation",
                                      "group_psychotherapy"]}
    assert words.condition(codebook, cond) == (
        "the service is psychotherapy, a psychiatric diagnostic evaluation or group psychotherapy")
    assert words.missing_words(codebook, cond) == []
    assert words.condition(codebook, {"field": "flexibility_state", "in": ["lapse", "none"]}) == (
        "the Medicare telehealth flexibilities have lapsed on the date or no Medicare telehealth "
        "flexibility is in force on the date")


def test_the_payer_matrix_names_the_service_once_per_condition(site):
    text = site.text("/payers/matrix/")
    assert "the service is psychotherapy, a psychiatric diagnostic evaluation" in text
    assert "or the service is" not in text


@pytest.mark.parametrize("code, sentence", [
    ("99446", "The clinician is the consultant and the consultant gives a verbal and written "
              "report and more than 50% of the time is discussion"),
    ("99452", "The clinician is the requesting practitioner"),
])
def test_payer_conditions_read_as_sentences_on_code_pages(site, text_of, code, sentence):
    text = text_of(site.section(f"/codes/{code}/", "modifiers-and-place-of-service"))
    assert sentence in text


def test_faq_encounters_are_shown_in_words(site, codebook, text_of):
    faq = next(f for f in codebook.faqs if f["encounter"].get("modality") == "audio_video")
    block = site.section("/faq/", faq["id"], until="<h2")
    m = re.search(r'<p class="tc-encounter">(.*?)</p>', block, re.S)
    assert m, faq["id"]
    shown = text_of(m.group(1))
    assert "payer: Medicare" in shown
    assert "service: audio-video visits" in shown
    assert f"date of service: {faq['encounter']['date_of_service']}" in shown
    assert "=" not in shown


def test_the_flat_download_has_a_row_per_code_payer_and_year(site, codebook):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(
        site.file("/downloads/code-payer-year.csv").read_text(encoding="utf-8"))))
    row = next(r for r in rows if (r["code"], r["year"], r["payer"]) == ("99214", "2026",
                                                                          "medicare"))
    assert row["status"] == "payable"
    assert row["Medicare non-facility"] == "135.61" and row["Medicare facility"] == "84.50"
    assert {r["payer"] for r in rows} == {"medicare", "commercial", "medicaid"}
    assert not any(r["code"] == "98000" and r["year"] == "2024" for r in rows)  # not yet valid
    guide = site.text("/downloads/")
    assert "Medicare non-facility" in guide and "status dates" in guide
