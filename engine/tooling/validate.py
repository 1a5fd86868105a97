"""`telecode validate`: load the codebook, check every file against its JSON Schema, then run
the lint rules. Returns every problem (never raises for a bad codebook)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.core.profile_lint import as_date
from engine.tooling.exceptions import apply_exceptions
from engine.tooling.lint import LINT_FAILURE_FILE, LintContext, rule_modules, run_rules
from engine.tooling.lint.provisional_periods import periods as provisional_periods
from engine.tooling.load import load_codebook_files
from engine.tooling.problems import Problem, sort_problems
from engine.tooling.records import PROVENANCE_KINDS, Index, build_index
from engine.tooling.schema import check_document

# Summary order and words: record kind -> plural noun
COUNT_WORDS = [
    ("code", "codes"), ("family", "families"), ("source", "sources"), ("modifier", "modifiers"),
    ("pos", "places of service"), ("payer", "payers"), ("status", "statuses"),
    ("route", "routes"), ("rule", "rules"), ("period", "flexibility periods"),
    ("conflict", "conflicts"), ("message", "messages"), ("faq", "FAQs"),
    ("telehealth_list_entry", "telehealth list entries"),
    ("profile", "payer profiles"), ("profile_rule", "payer profile rules"),
]
# Kinds of optional files: counted in the summary only when present.
OPTIONAL_COUNTS = {"telehealth_list_entry", "profile", "profile_rule"}
SINGULAR = {"codes": "code", "families": "family", "sources": "source", "modifiers": "modifier",
            "places of service": "place of service", "payers": "payer", "statuses": "status",
            "routes": "route", "rules": "rule", "flexibility periods": "flexibility period",
            "conflicts": "conflict", "messages": "message", "FAQs": "FAQ",
            "telehealth list entries": "telehealth list entry",
            "payer profiles": "payer profile", "payer profile rules": "payer profile rule"}


@dataclass
class Report:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    index: Index | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        if self.index is None:
            return {}
        return {kind: len(self.index.of(kind)) for kind, _ in COUNT_WORDS}

    def summary(self) -> str:
        counts = self.counts()
        parts = []
        for kind, word in COUNT_WORDS:
            n = counts.get(kind, 0)
            if n == 0 and kind in OPTIONAL_COUNTS:
                continue
            parts.append(f"{n} {SINGULAR[word] if n == 1 else word}")
        return "codebook OK: " + ", ".join(parts)


def validate_codebook(
    root: str | Path,
    today: dt.date | None = None,
    stale_after: dt.timedelta | None = None,
) -> Report:
    """Validate the codebook folder ``root``. ``today`` is injectable for tests."""
    today = today or dt.date.today()
    root = Path(root)
    report = Report(root)
    loaded = load_codebook_files(root)
    problems = list(loaded.problems)
    for doc in loaded.documents:
        problems.extend(check_document(doc))
    index = build_index(loaded)
    report.index = index
    lint = run_rules(LintContext(index, today))
    if any(p.rule == "schema" for p in problems):
        # A lint rule that tripped over a value of the wrong type is explained by the schema
        # problems already listed: say the semantic checks are incomplete, not that they failed.
        tripped = sorted(p.entry for p in lint if p.file == LINT_FAILURE_FILE)
        lint = [p for p in lint if p.file != LINT_FAILURE_FILE]
        if tripped:
            lint.append(Problem(
                LINT_FAILURE_FILE, 0, "",
                f"semantic checks {', '.join(tripped)} could not run on values of the wrong "
                "type", "fix the schema problems above, then run telecode validate again",
                "lint"))
    problems.extend(lint)
    problems = apply_exceptions(loaded, problems, {m.RULE for m in rule_modules()})
    report.problems = sort_problems(problems)
    if stale_after is not None:
        report.warnings = sort_problems(stale_records(index, today, stale_after))
    return report


def stale_records(index: Index, today: dt.date, limit: dt.timedelta) -> list[Problem]:
    """Records whose last_verified is older than ``today - limit``."""
    cutoff = today - limit
    out = []
    for record in index:
        if record.kind not in PROVENANCE_KINDS:
            continue
        checked = as_date(record.get("last_verified"))
        if checked is not None and checked < cutoff:
            age = (today - checked).days
            out.append(record.problem(
                "stale", f"last verified {checked.isoformat()} ({age} days ago, before "
                f"{cutoff.isoformat()})",
                "check it against its sources and update last_verified", "last_verified"))
    out.extend(overdue_provisional(index, today))
    return out


def overdue_provisional(index: Index, today: dt.date) -> list[Problem]:
    """Provisional periods whose review date has passed (codebook.yaml `provisional:`)."""
    doc = index.loaded.document("codebook.yaml")
    if doc is None:
        return []
    out = []
    for i, period in provisional_periods(index.codebook):
        due = as_date(period.get("review_due"))
        if due is not None and due < today:
            out.append(Problem(
                doc.file, doc.line(("provisional", i, "review_due")), f"provisional period {i + 1}",
                f"{period.get('from')} to {period.get('to')} is still provisional; its review "
                f"was due {due.isoformat()} ({(today - due).days} days ago)",
                "review it (telecode new-year lists what is unreviewed), then move covers.to "
                "forward and delete the period", "stale"))
    return out


_DURATION = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")


def parse_duration(text: str) -> dt.timedelta:
    """``90d``, ``12w``, ``12m`` (30-day months... see below), ``1y`` -> timedelta.

    Months count as 30.4375 days and years as 365.25 days (whole days, rounded down), so
    ``12m`` == ``1y`` == 365 days.
    """
    match = _DURATION.match(text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration: write e.g. 90d, 12w, 12m or 1y")
    number, unit = int(match.group(1)), match.group(2)
    days = {"d": 1.0, "w": 7.0, "m": 30.4375, "y": 365.25}[unit] * number
    return dt.timedelta(days=int(days))
