"""One page per code in the bundle: /codes/<CODE>/ (its body is the code_page macro)."""

from __future__ import annotations

from engine.core.codebook import Codebook

from . import views


def pages(codebook: Codebook) -> dict[str, str]:
    return {f"codes/{code}/": f"{{{{ code_page({code!r}) }}}}\n"
            for code in views.all_codes(codebook)}
