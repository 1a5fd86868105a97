"""The 'Check claims' page (docs/claims.md): one section per claim-mode reason, with an
anchor named after the reason (the reports of `telecode claims` link to it), and the claim
benchmark's numbers from docs/_data/claims-benchmark.json (`scripts/bench --claims --json
...`; nothing typed by hand).

Each section's title and sources come from the reason's message in the codebook
(messages.yaml); the explanation below is how a billing office reads and fixes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.core.claim import REASON_IDS

from .text import code_span, esc, link

BENCHMARK = Path(__file__).resolve().parents[1] / "_data" / "claims-benchmark.json"

# reason id -> (what it means, how to fix it), in a billing office's words
EXPLAIN: dict[str, tuple[str, str]] = {
    "claim-line-unreadable": (
        "A value on the line could not be read: a date that is not a calendar date, a code "
        "that is not five characters, a missing payer, units that are not a whole number.",
        "Correct the value in the claim file. The other lines of the file are still checked."),
    "claim-date-outside-codebook": (
        "The date of service is before or after the years this reference covers.",
        "Check the line against the payer's rules for that year by hand."),
    "claim-provisional-year": (
        "The date of service falls in a year the codebook answers provisionally: from the "
        "last reviewed year's rules that have no end date, before that year's rules were "
        "reviewed. The message lists what is not yet reviewed.",
        "Check the listed changes for that year before you rely on the answer."),
    "claim-code-unknown": (
        "The code is not one of the telehealth and virtual-care codes this reference covers "
        "(an X-ray or a lab test, for example). Nothing is wrong with it as far as we know.",
        "Nothing to do for telehealth; your usual scrubber checks it."),
    "claim-payer-unknown": (
        "The payer is not Medicare, Medicare Advantage, a commercial plan or Medicaid, so only "
        "the checks that do not depend on the payer were made.",
        "Give the payer type in the file, or a payer map for its payer id."),
    "claim-payer-medicare-advantage": (
        "The claim goes to a Medicare Advantage plan (claim filing indicator 16 on an 837P). "
        "Plans set their own telehealth rules; they are never checked as traditional "
        "Medicare.",
        "Check the plan's telehealth policy. Code dates and add-on pairs were still checked."),
    "claim-code-not-valid-on-date": (
        "The code did not exist on the date of service: it was deleted before that day or "
        "created after it. The message gives the dates the code is valid and what replaced it.",
        "Report the code in force on that date; the report suggests it when there is "
        "exactly one."),
    "claim-code-not-payable": (
        "The payer does not pay this code on that date. The message says what the payer "
        "wants reported instead.",
        "Report the code the payer takes. When the code names its own level of medical "
        "decision making, the suggested code keeps that level and the patient status."),
    "claim-check-level-in-note": (
        "The suggested code was matched on the level of medical decision making. A claim does "
        "not show whether the level was chosen by decision making or by time.",
        "If the note chose the level by time, check its minutes against the suggested code."),
    "claim-pos-wrong": (
        "A telehealth line carries a place of service the payer does not take for telehealth "
        "on that date, such as the office's own place of service.",
        "Use the telehealth place of service the message names for where the patient was. "
        "The claim does not show where the patient was, so the report does not pick one."),
    "claim-modifier-missing": (
        "A telehealth line lacks the modifier the payer wants on that date. The message names "
        "the modifier for each way the visit could have been held.",
        "Add the modifier for the way the visit was held. When only one way is possible on "
        "that date, the report suggests the corrected line."),
    "claim-modifier-conflict": (
        "The line carries modifiers for two ways of holding a visit (video and audio-only).",
        "Keep the one modifier that describes how the visit was held."),
    "claim-modifier-limited": (
        "The payer takes this modifier only in some settings. The message quotes when.",
        "Use the payer's usual modifier unless your setting is one of those."),
    "claim-modifier-not-used": (
        "The payer does not use this modifier on that date.",
        "Remove it, or replace it with the modifier the payer wants."),
    "claim-modality-not-reported": (
        "For this way of holding a visit the payer wants other codes on that date. The "
        "message names them.",
        "Report one of the codes the message names, chosen from the note."),
    "claim-not-telehealth-service": (
        "The code is a virtual service that is not a telehealth service (a check-in, an "
        "e-visit, remote monitoring), yet the line carries a telehealth place of service or "
        "modifier.",
        "Report it with the practitioner's usual place of service and without the telehealth "
        "modifier."),
    "claim-add-on-without-primary": (
        "An add-on code is on a claim that does not have its primary code. The message names "
        "the primary code.",
        "Add the primary code to the claim, or remove the add-on."),
    "claim-waiver-lapse": (
        "On the date of service the Medicare telehealth waivers had lapsed. Home telehealth "
        "for care other than behavioral health was not covered at the time, even where a law "
        "later restored it retroactively.",
        "Check whether the visit was for behavioral health, then the claim's status (held, "
        "denied and reprocessed) or the advance beneficiary notice."),
}


def claim_reasons(cb: Any, src: str) -> str:
    missing = [r for r in REASON_IDS if r not in EXPLAIN or cb.message(r) is None]
    if missing:
        raise ValueError("claim reasons without an explanation or message: " + ", ".join(missing))
    out: list[str] = []
    for rid in REASON_IDS:
        msg = cb.message(rid)
        means, fix = EXPLAIN[rid]
        sources = ", ".join(
            link(src, "sources.md", esc((cb.source(s["id"]) or {}).get("title") or s["id"]),
                 anchor=f"src-{s['id']}") for s in msg.get("sources") or ())
        out.append(
            f'<section class="tc-claim-reason" id="{esc(rid)}">'
            f"<h3>{esc(msg.get('title') or rid)}</h3>"
            f"<p>{esc(means)}</p><p><strong>What to do:</strong> {esc(fix)}</p>"
            f"<p><small>Shown in the output as {code_span(rid)}. Sources: {sources}</small></p>"
            "</section>")
    return "\n".join(out)


def load(path: Path = BENCHMARK) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def claims_performance(cb: Any, src: str) -> str:  # noqa: ARG001 - a section macro: fn(codebook, page)
    data = load()
    if data is None:
        return ("<p>No claim benchmark result is committed yet. Run "
                "<code>scripts/bench --claims --json docs/_data/claims-benchmark.json</code> "
                "and rebuild the site.</p>")
    c = data["csv"]
    rows = [
        ("Reading the file with Python's csv.DictReader (the baseline)",
         c["csv_dictreader"]["lines_per_s"]),
        ("<code>telecode claims</code>: read, check and write every line (in-process)",
         c["claims_in_process"]["lines_per_s"]),
        ("The check alone, on lines already read", c["check_only"]["lines_per_s"]),
    ]
    body = "".join(f"<tr><td>{name}</td><td>{n:,}</td></tr>" for name, n in rows)
    out = [f"<p>{c['lines']:,} claim lines ({c['file_mb']} MB of CSV), best of "
           f"{c['repeat']} rounds by CPU time, Python {esc(data['python'])}. "
           f"<code>telecode claims</code> takes {c['ratio_to_csv_read']}× the time of a plain "
           "csv.DictReader read of the same file.</p>",
           f"<table><thead><tr><th>What</th><th>Claim lines per second</th></tr></thead>"
           f"<tbody>{body}</tbody></table>"]
    x = data.get("x12")
    if x:
        out.append(
            f"<p>An {x['file_mb']} MB 837P file ({x['lines']:,} service lines): pyx12's own "
            f"bare parse takes {x['pyx12_bare_parse']['seconds']} s "
            f"({x['pyx12_bare_parse']['mb_per_s']} MB/s); the 837P reader takes "
            f"{x['claims_reader']['seconds']} s ({x['claims_reader']['lines_per_s']:,} lines/s), "
            f"{x['ratio_to_bare_parse']}× the bare parse.</p>")
    s = data.get("spark")
    if s:
        out.append(f"<p>Spark {esc(s['master'])} on this machine ({data['cpus']} CPUs): "
                   f"{s['lines_per_s']:,} claim lines per second ({s['lines']:,} lines in "
                   f"{s['wall_seconds']} s, best of 3; the input cached in Spark, the JVM "
                   "and Python workers already started).</p>")
    return "\n".join(out)
