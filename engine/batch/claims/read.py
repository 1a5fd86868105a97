"""Open a claim file and read its lines, whatever its format (by content, then extension)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO

from engine.batch.claims.fields import ClaimFileError
from engine.core.claim import ClaimLine

__all__ = ["FORMATS", "detect_format", "open_claim_file", "read_claims"]

FORMATS = ("csv", "jsonl", "fhir", "x12")


def detect_format(path: str, head: str) -> str:
    """x12 (starts with ISA), fhir (one JSON document with a resourceType), jsonl, or csv."""
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("ISA"):
        return "x12"
    if text.startswith("{"):
        first = text.split("\n", 1)[0]
        if '"resourceType"' in text[:4096] and not first.rstrip().endswith("}"):
            return "fhir"
        if '"resourceType"' in first:
            return "fhir"
        return "jsonl"
    if text.startswith("["):
        return "fhir"
    ext = os.path.splitext(path)[1].lower()
    if ext in (".x12", ".837", ".edi"):
        return "x12"
    if ext == ".json":
        return "fhir"
    if ext == ".jsonl":
        return "jsonl"
    return "csv"


def open_claim_file(path: str) -> IO[str]:
    """The file at `path` opened as UTF-8 text (newline=""), its start checked to be UTF-8."""
    try:
        fh = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise ClaimFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        fh.read(8192)
    except UnicodeDecodeError:
        fh.close()
        raise ClaimFileError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    fh.seek(0)
    return fh


def read_claims(path: str, fmt: str | None = None,
                payer_map: dict[str, str] | None = None) -> Iterator[ClaimLine]:
    """The claim lines of the file at `path` (format detected unless `fmt` is given).
    `payer_map` (X12 and FHIR): payer id -> payer class, refining the file's payer type."""
    fh = open_claim_file(path)
    try:
        if fmt is None:
            fmt = detect_format(path, fh.read(8192))
            fh.seek(0)
        if fmt == "csv":
            from engine.batch.claims.table import read_csv
            yield from read_csv(fh, path)
        elif fmt == "jsonl":
            from engine.batch.claims.table import read_jsonl
            yield from read_jsonl(fh, path)
        elif fmt == "fhir":
            from engine.batch.claims.fhir import read_fhir
            yield from read_fhir(fh, path, payer_map or {})
        elif fmt == "x12":
            from engine.batch.claims.x12 import read_x12
            yield from read_x12(fh, path, payer_map or {})
        else:
            raise ClaimFileError(f"{path}: unknown format {fmt!r} (use one of "
                                 + ", ".join(FORMATS) + ")")
    finally:
        fh.close()
