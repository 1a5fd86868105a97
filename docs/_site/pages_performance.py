"""The /performance/ page: `telecode batch` throughput and the encounter checker's start-up
and answer times, from the benchmarks' JSON output.

The numbers come from docs/_data/benchmark.json (`scripts/bench --json
docs/_data/benchmark.json`) and docs/_data/widget-benchmark.json (`scripts/bench-widget --json
docs/_data/widget-benchmark.json`); nothing on the page is typed by hand. Re-run a command and
commit its file to refresh the page. Without a file the page says how to produce it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .text import esc as _esc
from .text import link

BENCHMARK = Path(__file__).resolve().parents[1] / "_data" / "benchmark.json"
WIDGET_BENCHMARK = BENCHMARK.with_name("widget-benchmark.json")
URL = "performance/"
URL_SRC = "performance.md"

ROWS = (
    ("csv_dictreader", "Reading the file with Python's csv.DictReader (the baseline)"),
    ("batch_in_process", "`telecode batch`: read, check and write every row (in-process)"),
    ("batch_command", "`telecode batch` as a command (start-up and codebook load included, "
                      "with Python's bytecode cache as an installed telecode has it)"),
    ("check_rows_library", "`engine.batch.check_rows` over csv.DictReader rows (library)"),
    ("batch_warm_memo", "`telecode batch` again with every answer already memoised"),
    ("all_distinct", "Rows that are all different (no memoised answer: engine-bound)"),
)


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else _esc(value)


def load(path: Path = BENCHMARK) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _not_measured(out: list[str], what: str, command: str) -> str:
    out.append(f"No {what} result is committed yet. Run `{command}` and rebuild the site.")
    return "\n".join(out) + "\n"


def render(data: dict[str, Any] | None) -> str:
    out = ["# Performance", ""]
    out.append(
        "`telecode batch` checks a CSV or JSONL file of telehealth encounters and billed "
        "lines with the same engine as this site: one output row per input row with the lines "
        "to report, the warning ids and a verdict (`ok`, `mismatch`, `not_billable`, "
        "`invalid`) with a short reason, then a summary. These are the numbers of the last "
        "benchmark run, generated from its JSON output."
    )
    out += ["", "```", "telecode batch claims.csv -o checked.csv --summary summary.json "
            "--strict", "```", ""]
    if data is None:
        return _not_measured(out, "benchmark", "scripts/bench --json docs/_data/benchmark.json")
    targets = data.get("targets") or {}
    out += [
        f"Input: a generated file of **{_num(data['rows'])} claim rows** "
        f"({_num(round(data.get('file_bytes', 0) / 1e6, 1))} MB) mixing payers, modalities and "
        "dates of service across 2024–2026, with some billed lines that disagree with the rules "
        "and some invalid rows. Each time is the best of "
        f"{_num(data.get('repeat', 1))} runs on a fresh memo.",
        "",
        "| What | Rows per second | CPU seconds |",
        "|---|---:|---:|",
    ]
    for key, label in ROWS:
        item = data.get(key)
        if item:
            out.append(f"| {label} | {_num(item['rows_per_s'])} | {_num(item['seconds'])} |")
    out += [
        "",
        f"**Time relative to merely reading the file: {_num(data['ratio_to_csv_read'])}×** "
        f"in-process, {_num(data.get('ratio_command_to_csv_read'))}× as a command, "
        f"{_num(data.get('ratio_warm_to_csv_read'))}× once the answers are memoised.",
        "",
        f"Targets: at least {_num(targets.get('rows_per_s'))} rows per second on one core, and "
        f"at most {_num(targets.get('max_ratio_to_csv_read'))}× the time of reading the file.",
        "",
    ]
    memo = data.get("memo") or {}
    if memo:
        out += [
            "## Why it is fast",
            "",
            "The engine's answer depends only on the encounter, and on the date of service only "
            "through the dates the codebook records. The batch checker maps each date to its "
            f"stretch between two such dates ({_num(memo.get('date_stretches'))} stretches in "
            "this codebook), and for each payer, modality and clinician it lets stretches whose "
            "engine plans are the same (same routes, codes, payer statuses and rules in force) "
            "share one answer. Answers are memoised in bounded caches, so the engine ran "
            f"{_num(memo.get('distinct_encounters'))} times for this file of "
            f"{_num(data['rows'])} rows. A CSV line without quotes is split on its commas and "
            "looked up by its text; an answer's output cells are formatted once. Rows are "
            "read, checked and written one at a time, so memory stays flat however large the file.",
            "",
        ]
    out += [
        "## Where these numbers come from",
        "",
        f"Measured on {_esc(data.get('measured'))} with Python {_esc(data.get('python'))} on "
        f"{_esc(data.get('machine'))} ({_num(data.get('cpu_count'))} CPUs, one core used), "
        f"codebook {_esc(data.get('codebook'))}; load average {_num(data.get('load_average'))} "
        "while measuring. Times are CPU time, the best of the rounds; each round reads the "
        "file and runs every variant one after the other, and each ratio is the median of the "
        "rounds' ratios, so it compares runs made at the same machine speed. Re-run with "
        "`scripts/bench "
        "--json docs/_data/benchmark.json`; the numbers depend on the machine and on how busy "
        "it is.",
        "",
    ]
    return "\n".join(out)


def _ms(value: Any) -> str:
    return f"{_num(value)} ms"


def render_widget(data: dict[str, Any] | None) -> str:
    out = ["## The encounter checker", ""]
    out.append(
        f"The {link(URL_SRC, 'checker.md', 'encounter checker')} runs the same engine in your "
        "browser, in "
        "Pyodide (Python compiled to WebAssembly). The site's build saves a snapshot of Python's "
        "memory with the engine imported and the codebook loaded, so a first visit restores it "
        "instead of starting Python."
    )
    out.append("")
    if data is None:
        return _not_measured(out, "checker benchmark",
                             "scripts/bench-widget --json docs/_data/widget-benchmark.json")
    targets = data.get("targets") or {}
    ratio, cold_ms = data["cold_ratio"], data["cold_ms"]
    warm, python = data["warm_ms"], data.get("python_ms") or {}
    out += [
        "| What | Measured | Target |",
        "|---|---:|---:|",
        f"| First answer on a permalink, from navigation (cold cache, median) | "
        f"{_ms(cold_ms['median'])} | |",
        f"| A page that does nothing but start Python (Pyodide) from the same files "
        f"(median) | "
        f"{_ms(data['bare_ms']['median'])} | |",
        f"| First answer ÷ that page's start, per round: median (range) | "
        f"{_num(ratio['median'])}× ({_num(ratio['min'])}–{_num(ratio['max'])}) | "
        f"at most {_num(targets.get('cold_ratio'))}× |",
        f"| A field changed → its answer shown, 95th percentile ({_num(data['changes'])} "
        f"changes; median {_ms(warm['p50'])}) | {_ms(warm['p95'])} | "
        f"at most {_ms(targets.get('warm_p95_ms'))} |",
        f"| … of which inside Python, 95th percentile | {_ms(python.get('p95'))} | |",
        f"| Repeat visit (files in the browser's cache): first answer ÷ that page's start | "
        f"{_num(data['repeat_ratio'])}× | under {_num(targets.get('repeat_ratio'))}× |",
        "",
        f"A first visit downloads {_num(round(data['download_bytes'] / 1e6, 1))} MB; the "
        "browser keeps it for the next visits. After the first answer the checker spends about "
        f"{_ms(data['warm_up_ms']['median'])} answering likely next questions in the "
        "background, so the browser has compiled the code your edits need.",
        "",
        f"Measured on {_esc(data.get('measured'))} in headless {_esc(data.get('browser'))} on "
        f"{_esc(data.get('machine'))} ({_num(data.get('cpu_count'))} CPUs, shared; load "
        f"average {_num(data['load_average']['median'])}), codebook "
        f"{_esc(data.get('codebook'))}, over {_num(data.get('rounds'))} rounds; each round "
        "starts the Python-only page and the checker in fresh browser contexts, one after the "
        "other. "
        "Re-run with `scripts/bench-widget --json docs/_data/widget-benchmark.json`.",
        "",
    ]
    return "\n".join(out)


def pages(codebook: Any) -> dict[str, str]:  # noqa: ARG001 - the page generators' signature (extensions.py)
    return {URL: render(load()) + "\n" + render_widget(load(WIDGET_BENCHMARK))}


def nav(codebook: Any) -> list[dict[str, str]]:  # noqa: ARG001 - the page generators' signature (extensions.py)
    return [{"Performance": "performance.md"}]
