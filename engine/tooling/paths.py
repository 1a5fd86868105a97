"""Where the codebook, its schemas and the compiled bundle live in a clone."""

from __future__ import annotations

from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = ENGINE_DIR.parent
CODEBOOK_DIR = REPO_ROOT / "codebook"
SCHEMA_DIR = CODEBOOK_DIR / "schema"
DEFAULT_BUNDLE = ENGINE_DIR / "data" / "codebook.json"
