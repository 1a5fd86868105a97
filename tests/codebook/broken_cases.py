"""The broken codebooks, as descriptions: each case is the minimal fixture
(fixtures/minimal) with ONE edit, made at test time in a temporary folder. What
`telecode validate` must print for each case, one problem per line, is in
broken_expected.txt (the only other committed part).

    python tests/codebook/broken_cases.py NAME DIR   # write case NAME to DIR/codebook, to look at
    python tests/codebook/broken_cases.py --expected # rewrite broken_expected.txt from validate

Review every changed line of broken_expected.txt by hand before committing it.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "fixtures" / "minimal"


@dataclass(frozen=True)
class Case:
    name: str
    why: str
    edit: Callable[[Path], None]


def replace(file: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        if text.count(old) < count:
            raise ValueError(f"{file}: {old!r} not found {count} time(s)")
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return edit


def write(file: str, data: bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / file).write_bytes(data)
    return edit


def delete(file: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / file
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return edit


CASES = [
    Case("yaml-syntax-error", "an unclosed flow sequence",
         replace("messages.yaml", "placeholders: [requested_code]",
                 "placeholders: [requested_code")),
    Case("empty-file", "faq.yaml has no content", write("faq.yaml", b"")),
    Case("missing-folder", "payers/ does not exist", delete("payers")),
    Case("missing-file", "codebook.yaml does not exist", delete("codebook.yaml")),
    Case("latin1-file", "sources.yaml saved as Latin-1",
         write("sources.yaml", (MINIMAL / "sources.yaml").read_text(encoding="utf-8").replace(
             "A society", "Soci\u00e9t\u00e9 savante").encode("latin-1"))),
    Case("unknown-file", "a file that is no part of the format", write("notes.txt", b"todo\n")),
    Case("duplicate-key", "a key given twice in one mapping",
         replace("routes/medicare.yaml", "    modality: audio_video\n",
                 "    modality: audio_video\n    modality: audio_only\n")),
    Case("unknown-source", "a code cites a source id that sources.yaml lacks",
         replace("codes/office-em.yaml", "{id: src-primary, locator: \"table 1\"}",
                 "{id: src-primery, locator: \"table 1\"}")),
    Case("inverted-range", "a status ends before it starts",
         replace("payers/medicare.yaml", "    to: 2024-12-31\n", "    to: 2023-12-31\n")),
    Case("overlapping-code-versions", "a second version of 99213 while the first is open",
         replace("codes/office-em.yaml", "    mdm: low\n    level: 3\n    min_minutes: 20\n",
                 "    mdm: low\n    level: 3\n    min_minutes: 20\n"
                 "    sources:\n      - {id: src-primary, locator: \"table 1\"}\n"
                 "    last_verified: 2026-10-01\n    evidence: verified\n"
                 "  - id: \"99213@2025-06-01\"\n    code: \"99213\"\n    system: CPT\n"
                 "    label: \"Office visit, established patient, low-level decisions\"\n"
                 "    from: 2025-06-01\n    patient_status: established\n"
                 "    mdm: low\n    level: 3\n    min_minutes: 20\n")),
    Case("band-gap", "G2252 starts at 12 minutes, after G2012/98016 end at 10",
         replace("codes/virtual-checkin.yaml", "min_minutes: 11", "min_minutes: 12")),
    Case("band-overlap", "G2252 starts at 10 minutes, inside the 5-10 band",
         replace("codes/virtual-checkin.yaml", "min_minutes: 11", "min_minutes: 10")),
    Case("duplicate-id", "two rules share an id",
         replace("rules/checkins.yaml", "- id: checkin-consent",
                 "- id: checkin-related-em-prior-7-days")),
    Case("bad-code-format", "a CPT code marked as HCPCS",
         replace("codes/office-em.yaml", "    code: \"99212\"\n    system: CPT",
                 "    code: \"99212\"\n    system: HCPCS")),
    Case("code-record-id", "a code record whose id is not its code",
         replace("codes/office-em.yaml", "  - id: \"99213\"", "  - id: \"99214\"")),
    Case("unknown-modifier-ref", "a route asks for modifier 96",
         replace("routes/medicare.yaml", "modifiers: [\"95\"]", "modifiers: [\"96\"]")),
    Case("unknown-pos-ref", "a route names POS 12",
         replace("routes/medicare.yaml", "home: \"10\"", "home: \"12\"")),
    Case("unknown-family-ref-in-route", "a route names a family that does not exist",
         replace("routes/medicare.yaml", "families: [office-em]", "families: [office-visits]")),
    Case("unknown-code-ref", "a status names a code that no family defines",
         replace("payers/medicare.yaml", "codes: [\"98016\"]", "codes: [\"98016\", \"98017\"]")),
    Case("unknown-conflict-ref", "a rule names a conflict that does not exist",
         replace("rules/checkins.yaml", "conflict: checkin-window", "conflict: checkin-windows")),
    Case("unknown-payer-ref", "a modifier scope names a payer without payers/<payer>.yaml",
         replace("modifiers.yaml", "  - payer: commercial", "  - payer: medicaid")),
    Case("overlapping-statuses", "two Medicare statuses for G2012 in 2024",
         replace("payers/medicare.yaml", "codes: [\"99212\", \"99213\"]",
                 "codes: [\"99212\", \"99213\", G2012]")),
    Case("overlapping-routes", "two unconditional Medicare check-in routes",
         replace("routes/medicare.yaml", "  - id: medicare-checkin\n    payer: medicare\n"
                 "    modality: virtual_checkin\n    from: 2024-01-01\n",
                 "  - id: medicare-checkin\n    payer: medicare\n"
                 "    modality: virtual_checkin\n    from: 2024-01-01\n    to: 2025-06-30\n"
                 "    families: [virtual-checkin]\n    summary: \"Check-ins.\"\n"
                 "    sources:\n      - {id: src-primary, locator: \"section 4\"}\n"
                 "    last_verified: 2026-10-01\n    evidence: verified\n"
                 "  - id: medicare-checkin-2025\n    payer: medicare\n"
                 "    modality: virtual_checkin\n    from: 2025-01-01\n")),
    Case("overlapping-flexibilities", "the lapse starts before the extension ends",
         replace("policies/medicare-telehealth-flexibilities.yaml", "from: 2025-10-01",
                 "from: 2025-09-30")),
    Case("lapse-restored-by-not-extended", "a lapse restored by itself",
         replace("policies/medicare-telehealth-flexibilities.yaml",
                 "restored_by: flex-2025-restored", "restored_by: flex-2025-lapse")),
    Case("future-last-verified", "a route verified after today (2026-11-01)",
         replace("routes/medicare.yaml", "    last_verified: 2026-10-01\n",
                 "    last_verified: 2026-12-01\n")),
    Case("unverified-without-note", "G2252 is unverified and has no note",
         replace("codes/virtual-checkin.yaml",
                 "    note: \"Only one secondary source gives the band.\"\n", "")),
    Case("faq-unknown-code", "a FAQ expects a code that does not exist",
         replace("faq.yaml", "lines: [{code: \"99213\"", "lines: [{code: \"99313\"")),
    Case("faq-unknown-warning", "a FAQ expects a warning id no rule or message has",
         replace("faq.yaml", "warnings: []", "warnings: [checkin-consent-missing]")),
    Case("unknown-placeholder", "a rule message uses {patient}",
         replace("rules/checkins.yaml", "On {date_of_service} a check-in",
                 "On {date_of_service} a check-in for {patient}")),
    Case("phrase-unknown-placeholder", "a phrase uses {payer}, which the engine does not fill",
         replace("messages.yaml", "(not paid by {payer_label}).", "(not paid by {payer}).")),
    Case("phrase-missing", "messages.yaml lacks the phrase report_nothing",
         replace("messages.yaml", '  report_nothing: "Nothing to report."\n', "")),
    Case("file-name-id", "codes/office-em.yaml holds family office-visits",
         replace("codes/office-em.yaml", "  id: office-em", "  id: office-visits")),
    Case("family-fields", "a time_band family without time_basis",
         replace("codes/virtual-checkin.yaml", "  time_basis: discussion_or_minutes\n", "")),
    Case("condition-typo", "a condition value the field can never take",
         replace("rules/checkins.yaml", "when: {field: related_em_prior_7_days, is: true}",
                 "when: {field: patient_location, is: house}")),
    Case("status-code-dates", "a 2025 status lists G2012, which ended 2024-12-31",
         replace("payers/medicare.yaml", "codes: [\"98016\"]", "codes: [\"98016\", G2012]")),
    Case("route-code-outside-families", "a route narrows to a code of another family",
         replace("routes/medicare.yaml", "families: [virtual-checkin]",
                 "families: [virtual-checkin]\n    codes: [\"99213\"]")),
    Case("faq-encounter-unknown-key", "a FAQ encounter with a misspelled key",
         replace("faq.yaml", "      mdm: low\n", "      mdm: low\n      minute: 20\n")),
    Case("overlapping-scopes", "two Medicare scope entries for modifier 95",
         replace("modifiers.yaml", "  - payer: commercial", "  - payer: medicare")),
    Case("schema-type-error", "min_minutes written as words",
         replace("codes/office-em.yaml", "min_minutes: 10", "min_minutes: ten")),
    Case("unquoted-code", "a code written as a number",
         replace("codes/office-em.yaml", "    code: \"99212\"", "    code: 99212")),
    Case("unknown-key", "a misspelled key in a route",
         replace("routes/medicare.yaml", "modifiers: [\"95\"]", "modifier: [\"95\"]")),
    Case("missing-required-key", "a code without a label",
         replace("codes/office-em.yaml",
                 "    label: \"Office visit, established patient, straightforward decisions\"\n",
                 "")),
    Case("bad-date", "a date that does not exist",
         replace("payers/medicare.yaml", "    from: 2025-01-01\n", "    from: 2025-02-30\n")),
    Case("bad-enum", "a misspelled evidence level",
         replace("sources.yaml", "kind: secondary", "kind: secundary")),
    Case("bad-id", "an id that is not kebab-case",
         replace("messages.yaml", "id: not-covered-no-route", "id: Not_Covered")),
]


EXPECTED_FILE = HERE / "broken_expected.txt"
EXPECTED_HEADER = (
    "# What `telecode validate --today 2026-11-01` prints for each case of broken_cases.py,\n"
    "# one problem per line under [case]. Regenerate with `python tests/codebook/broken_cases.py\n"
    "# --expected` and review every changed line by hand.\n"
)


def make(case: Case, folder: Path) -> Path:
    """Write ``case`` to ``folder``/codebook (the minimal fixture plus the case's edit)."""
    root = folder / "codebook"
    shutil.copytree(MINIMAL, root)
    case.edit(root)
    return root


def read_expected(path: Path = EXPECTED_FILE) -> dict[str, list[str]]:
    """broken_expected.txt as {case name: the problems validate prints, in order}."""
    expected: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            if name in expected:
                raise SystemExit(f"{path.name}: case [{name}] given twice")
            current = expected[name] = []
        elif line and not line.startswith("#"):
            if current is None:
                raise SystemExit(f"{path.name}: a problem line before the first [case]")
            current.append(line)
    return expected


def write_expected(work: Path, path: Path = EXPECTED_FILE) -> None:
    """Rewrite broken_expected.txt from what validate says about each case today."""
    from engine.tooling.validate import validate_codebook  # noqa: PLC0415

    sys.path.insert(0, str(HERE))
    from conftest import FIXTURE_TODAY  # noqa: PLC0415

    parts = [EXPECTED_HEADER]
    for case in CASES:
        report = validate_codebook(make(case, work / case.name), today=FIXTURE_TODAY)
        parts.append(f"\n[{case.name}]\n" + "".join(f"{p}\n" for p in report.problems))
    path.write_text("".join(parts), encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(HERE.parents[1]))
    if sys.argv[1:] == ["--expected"]:
        with tempfile.TemporaryDirectory() as tmp:
            write_expected(Path(tmp))
        print(f"{len(CASES)} cases written to {EXPECTED_FILE}")
    elif len(sys.argv) == 3:
        by_name = {case.name: case for case in CASES}
        if sys.argv[1] not in by_name:
            raise SystemExit(f"unknown case {sys.argv[1]!r}; cases: {', '.join(by_name)}")
        print(make(by_name[sys.argv[1]], Path(sys.argv[2])))
    else:
        raise SystemExit(__doc__)
