"""`telecode payer-profile`: a practice's own payer profiles.

    telecode payer-profile init ID --base BASE -o FILE.yaml [--codebook BUNDLE]
    telecode payer-profile validate DIR [--codebook BUNDLE]

`init` writes a commented starter profile that passes `validate` as it is (its rules are
examples in comments). `validate` checks every .yaml/.yml/.json file of DIR with the codebook's
schema and lint rules against the compiled codebook: problems are listed as
`file:line: entry: what — fix`. Exit status: 0 OK, 2 problems or bad arguments, 1 no codebook.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys

from engine.cli._common import guarded, make_fail

fail = make_fail("payer-profile")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_TYPE_OF_ROOT = {"medicare": "medicare_advantage", "medicaid": "medicaid",
                 "commercial": "commercial"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="telecode payer-profile",
                                description="write and check your own payer profiles")
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    init = sub.add_parser("init", help="write a commented starter profile")
    init.add_argument("id", metavar="ID", help="the payer id to use in encounters (acme_health)")
    init.add_argument("--base", required=True,
                      help="the payer or profile it inherits from (telecode payers lists them)")
    init.add_argument("-o", "--output", required=True, metavar="FILE",
                      help="the file to write (never overwritten)")
    init.add_argument("--codebook", metavar="BUNDLE", help="a compiled bundle")
    val = sub.add_parser("validate", help="check a folder of payer profiles")
    val.add_argument("folder", metavar="DIR")
    val.add_argument("--codebook", metavar="BUNDLE", help="a compiled bundle")
    return p


def starter(pid: str, base: str, ptype: str, base_name: str, today: str) -> str:
    """The starter profile's text: valid as it is, every field explained."""
    return f"""\
# A payer profile for telecode: what {pid} wants that its base ({base_name}) does not.
# Anything this file does not say comes from the base, and the answer says so.
# Check it with:  telecode payer-profile validate THIS_FOLDER
# Use it with:    telecode check --payer-profiles THIS_FOLDER --payer {pid} ...
profile:
  id: {pid}                  # the encounter's payer (lowercase, digits, underscores)
  name: "{pid}"              # the name shown in answers and on your site
  type: {ptype}              # commercial | medicare_advantage | medicaid
  base: {base}               # a payer or profile (telecode payers lists them)
  summary: >-
    Describe the contract or policy this profile writes down.
  ignores: []               # ids of base rules that do not hold for this payer
  sources:
    - {{id: {pid.replace('_', '-')}-contract, locator: "the section you used"}}
  last_verified: {today}
  evidence: unverified       # verified | secondary | unverified
  note: "Fill in from the contract, then set evidence."
rules: []
# One rule per service and date range, e.g. (remove the # to use it):
#  - id: {pid.replace('_', '-')}-video-2025
#    service: audio_video     # audio_video | audio_only | virtual_checkin | store_and_forward
#                             # | portal_evisit | interprofessional | remote_monitoring
#    from: 2025-01-01
#    to: null                 # the last day it holds, or null while it holds
#    accepted: true           # true | false (does not pay) | unknown (check the plan)
#    families: [office-em]    # optional: the code family to report instead of the base's
#    modifiers: ["95"]        # optional: [] for none
#    pos: {{home: "10", facility: "02"}}   # optional
#    summary: "Office visit codes with modifier 95, as the contract says."
#    sources:
#      - {{id: {pid.replace('_', '-')}-contract, locator: "section 4.2"}}
#    last_verified: {today}
#    evidence: verified
sources:                     # sources this file cites that the codebook does not hold
  - id: {pid.replace('_', '-')}-contract
    title: "Our contract with {pid}"
    publisher: "{pid}"
    kind: primary
"""


def _codebook(path: str | None):  # noqa: ANN202 - a Codebook or an exit status
    from engine.core.codebook import CodebookError, load_codebook

    try:
        return load_codebook(path)
    except CodebookError as exc:
        print(f"telecode payer-profile: {exc}", file=sys.stderr)
        return 1


def _init(args: argparse.Namespace) -> int:
    pid, base = args.id, args.base
    if not _ID.match(pid):
        return fail(f"{pid!r} is not a payer id: use lowercase letters, digits and underscores, "
                    "starting with a letter (e.g. acme_health)")
    cb = _codebook(args.codebook)
    if isinstance(cb, int):
        return cb
    if pid in cb.payers:
        kind = "profile" if cb.payers[pid].get("profile") else "payer"
        return fail(f"{pid!r} is already a shipped {kind} "
                    f"({cb.payers[pid].get('name')}); choose another id, e.g. {pid}_local, "
                    f"and use --base {pid} to build on it")
    if base not in cb.payers:
        import difflib

        close = difflib.get_close_matches(base, list(cb.payers), n=3)
        hint = f"; closest ids: {', '.join(close)}" if close else ""
        return fail(f"unknown base {base!r}{hint} (telecode payers lists them)")
    if os.path.exists(args.output):
        return fail(f"{args.output} exists; it is not overwritten (choose another file)")
    chain = cb.payer_chain.get(base) or (base,)
    record = cb.payers[base]
    ptype = record.get("type") or _TYPE_OF_ROOT.get(chain[-1], "commercial")
    text = starter(pid, base, ptype, str(record.get("name") or base),
                   dt.date.today().isoformat())
    try:
        with open(args.output, "x", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        return fail(f"cannot write {args.output} ({exc.strerror or exc})")
    print(f"wrote {args.output}: payer profile {pid} (base {base}); edit it, then run "
          f"`telecode payer-profile validate {os.path.dirname(args.output) or '.'}`")
    return 0


def _validate(args: argparse.Namespace) -> int:
    cb = _codebook(args.codebook)
    if isinstance(cb, int):
        return cb
    from engine.tooling.payer_profiles import load_profile_folder

    local = load_profile_folder(args.folder, cb)
    if not local.ok:
        for problem in local.problems:
            print(str(problem), file=sys.stderr)
        n = len(local.problems)
        print(f"telecode payer-profile: {n} problem{'s' if n != 1 else ''} in {args.folder}",
              file=sys.stderr)
        return 2
    n = len(local.profiles)
    rules = sum(len(p.get("rules") or ()) for p in local.profiles)
    print(f"payer profiles OK: {n} profile{'s' if n != 1 else ''}, {rules} "
          f"rule{'s' if rules != 1 else ''} in {args.folder} "
          f"({', '.join(p['id'] for p in local.profiles)})")
    return 0


def run(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage and the problem
        return 0 if exc.code == 0 else 2
    if args.action is None:
        parser.print_help(sys.stderr)
        return 2
    return guarded("payer-profile", lambda: _init(args) if args.action == "init"
                   else _validate(args))
