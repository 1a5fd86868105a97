"""`telecode payers`: the payers a build knows (the codebook's payers, its payer profiles and,
with --payer-profiles DIR or TELECODE_PAYER_PROFILES, a practice's own).

    telecode payers [--format text|json] [--codebook BUNDLE] [--payer-profiles DIR]

JSON: {"payers": [{"id", "name", "type", "base", "chain", "state", "source", "evidence",
"last_verified"}]} in the order shown. Exit status: 0, 2 bad arguments or broken local
profiles, 1 no compiled codebook.
"""

from __future__ import annotations

import argparse
import json
import sys

from engine.cli._common import guarded, make_fail
from engine.cli._profiles import OPTION_HELP, ProfileProblems, with_local_profiles

fail = make_fail("payers")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="telecode payers",
                                description="list the payers and payer profiles a build knows")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--codebook", metavar="BUNDLE", help="a compiled bundle")
    p.add_argument("--payer-profiles", metavar="DIR", default=None, help=OPTION_HELP)
    return p


def payer_rows(cb) -> list[dict]:  # noqa: ANN001 - a Codebook
    local = set(getattr(cb, "local_profile_ids", ()))
    rows = []
    for pid, p in cb.payers.items():
        chain = list(cb.payer_chain.get(pid) or (pid,))
        rows.append({
            "id": pid,
            "name": p.get("name") or pid,
            "type": p.get("type") or ("medicare" if pid == "medicare" else pid),
            "base": p.get("base"),
            "chain": chain,
            "state": p.get("state"),
            "source": "local" if pid in local else ("profile" if p.get("profile") else
                                                     "codebook"),
            "evidence": p.get("evidence"),
            "last_verified": p.get("last_verified"),
        })
    order = {"codebook": 0, "profile": 1, "local": 2}
    return sorted(rows, key=lambda r: (order[r["source"]], r["type"], r["id"]))


def _run(args: argparse.Namespace) -> int:
    from engine.core.codebook import CodebookError, load_codebook

    try:
        cb = load_codebook(args.codebook)
    except CodebookError as exc:
        print(f"telecode payers: {exc}", file=sys.stderr)
        return 1
    try:
        cb = with_local_profiles(cb, args.payer_profiles)
    except ProfileProblems as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return fail(f"the payer profiles in {exc.folder} do not pass "
                    "(telecode payer-profile validate lists the same)")
    rows = payer_rows(cb)
    if args.format == "json":
        print(json.dumps({"payers": rows}, indent=2, ensure_ascii=False))
        return 0
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        base = f" (base {r['base']})" if r["base"] else ""
        state = f", state {r['state']}" if r["state"] else ""
        tag = {"local": " [yours]", "profile": "", "codebook": " [default]"}[r["source"]]
        print(f"{r['id']:<{width}}  {r['name']}{base}{state}{tag}")
    return 0


def run(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    return guarded("payers", lambda: _run(args))
