"""One page per code in the bundle: /codes/<CODE>/ (its body is the code_page macro).

Search: a code the codebook's FAQs are about ranks above codes whose pages say the same words
(a search for "check-in" lands on 98016, which three FAQs answer, not on G2251, a niche code
with a similar title): the page's search boost grows with the number of FAQs that name it."""

from __future__ import annotations

from engine.core.codebook import Codebook

from . import views

MAX_FAQ_BOOST = 3  # FAQs counted at most: a boost of 1 + 0.5 x this


def search_boost(codebook: Codebook, code: str) -> float:
    faqs = sum(code in (f.get("codes") or []) for f in codebook.faqs)
    return 1 + 0.5 * min(faqs, MAX_FAQ_BOOST)


def pages(codebook: Codebook) -> dict[str, str]:
    out = {}
    for code in views.all_codes(codebook):
        boost = search_boost(codebook, code)
        front = f"---\nsearch:\n  boost: {boost}\n---\n\n" if boost != 1 else ""
        out[f"codes/{code}/"] = f"{front}{{{{ code_page({code!r}) }}}}\n"
    return out
