"""Write payer profile files into a codebook copy (lint tests of payer profiles)."""

from __future__ import annotations

from pathlib import Path


def profile_text(pid: str, base: str, rules: str = "", extra: str = "",
                 ptype: str = "commercial") -> str:
    return (
        "profile:\n"
        f"  id: {pid}\n"
        f"  name: Plan {pid}\n"
        f"  type: {ptype}\n"
        f"  base: {base}\n"
        f"{extra}"
        "  summary: A test plan.\n"
        "  sources:\n"
        "    - {id: src-primary, locator: \"section 1\"}\n"
        "  last_verified: 2025-01-01\n"
        "  evidence: verified\n"
        + (f"rules:\n{rules}" if rules else "")
    )


def rule_text(rid: str, service: str, frm: str, to: str = "null", extra: str = "") -> str:
    return (
        f"  - id: {rid}\n"
        f"    service: {service}\n"
        f"    from: {frm}\n"
        f"    to: {to}\n"
        "    accepted: true\n"
        f"{extra}"
        "    summary: A test rule.\n"
        "    sources:\n"
        "      - {id: src-primary, locator: \"section 2\"}\n"
        "    last_verified: 2025-01-01\n"
        "    evidence: verified\n"
    )


def write_profile(root: Path, pid: str, text: str) -> None:
    folder = root / "payers" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")
