"""The codebook as JSON and CSV files under /downloads/ (listed by downloads.md)."""

from __future__ import annotations

from engine.core.codebook import Codebook

from . import downloads


def pages(codebook: Codebook) -> dict[str, bytes]:
    return dict(downloads.files(codebook))
