"""Benchmark `telecode batch` (run it with scripts/bench; not a test).

Generates a realistic mixed claims file (payers, modalities, dates across 2024-2026, mostly
correct billed lines, some mismatches, some invalid rows), then measures rows per second for:

- csv.DictReader merely reading the file (the baseline),
- `telecode batch` in-process (engine.cli.batch.run: read, check, write CSV),
- `engine.batch.check_rows` over csv.DictReader rows (the library),
- `telecode batch` as a command (a new process: start-up and codebook load included; with
  Python's bytecode cache, as an installed telecode has it),

each on a fresh memo (cold), in --repeat rounds: a round runs the read and every variant one
after the other, so each ratio compares runs made at the same machine speed (a shared
machine's speed drifts by tens of percent). Rows per second are the best of the rounds; ratios
are the medians of the rounds' ratios. `--json FILE` writes the numbers for the site's
/performance/ page.

    scripts/bench                      # 100 000 rows
    scripts/bench --rows 20000 --json docs/_data/benchmark.json
    scripts/bench --profile profile.html   # where the time goes (pyinstrument), no timing
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

COLUMNS = [
    "id", "date_of_service", "payer", "patient_status", "modality", "minutes", "mdm",
    "discussion_minutes", "patient_location", "patient_video_unavailable",
    "evisit_minutes_by_day", "role", "report", "device_days", "management_minutes",
    "billed_code", "billed_modifiers", "billed_pos", "provider_npi",
]
PAYERS = (("medicare", 40), ("commercial", 45), ("medicaid", 15))
MODALITIES = (
    ("audio_video", 45), ("audio_only", 14), ("virtual_checkin", 8), ("portal_evisit", 8),
    ("store_and_forward", 4), ("interprofessional", 5), ("remote_monitoring", 16),
)
MDM = ("straightforward", "low", "moderate", "high")
FIRST_DAY = dt.date(2024, 1, 1)
DAYS = (dt.date(2026, 12, 31) - FIRST_DAY).days + 1


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


# E/M visit level -> (MDM, typical documented minutes); minutes are left out in about half
# of the visits (levelled by MDM), as in real claims
LEVELS = ((1, "straightforward", (10, 15), 10), (2, "low", (20, 25), 35),
          (3, "moderate", (30, 35), 40), (4, "high", (40, 45, 60), 15))


def encounter_rows(n: int, seed: int = 2026) -> Iterator[dict[str, str]]:
    """`n` encounter rows as CSV text cells (no billed columns), lazily.

    Values are correlated the way they are in practice (a visit's MDM and minutes go
    together, audio-only calls are mostly discussion, e-visits span a few days, monitoring
    reports device days and management minutes per month)."""
    rng = random.Random(seed)
    for i in range(1, n + 1):
        modality = _pick(rng, MODALITIES)
        row = dict.fromkeys(COLUMNS, "")
        row["id"] = f"C{i:07d}"
        row["date_of_service"] = (FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
        row["payer"] = _pick(rng, PAYERS)
        row["patient_status"] = "established" if rng.random() < 0.8 else "new"
        row["modality"] = modality
        row["provider_npi"] = str(1_000_000_000 + rng.randrange(500))
        if modality in ("audio_video", "audio_only"):
            _, mdm, minutes, _ = rng.choices(LEVELS, [lv[3] for lv in LEVELS])[0]
            row["mdm"] = mdm
            if rng.random() < 0.5:
                row["minutes"] = str(rng.choice(minutes))
            if modality == "audio_only":
                row["patient_video_unavailable"] = "true" if rng.random() < 0.9 else "false"
                row["discussion_minutes"] = row["minutes"]
            if rng.random() < 0.1:
                row["patient_location"] = "facility"
        elif modality == "virtual_checkin":
            row["minutes"] = str(rng.choice((5, 8, 10, 15, 20)))
            row["discussion_minutes"] = row["minutes"]
        elif modality == "portal_evisit":
            days = {"0": rng.choice((5, 8, 12))}
            if rng.random() < 0.4:
                days[str(rng.choice((1, 2, 3)))] = rng.choice((5, 10))
            row["evisit_minutes_by_day"] = json.dumps(days, separators=(",", ":"))
        elif modality == "interprofessional":
            row["role"] = rng.choice(("consultant", "consultant", "requester"))
            row["minutes"] = str(rng.choice((10, 20, 30, 45)))
            if row["role"] == "consultant":
                row["report"] = rng.choice(("verbal_and_written", "written_only"))
                row["discussion_minutes"] = str(int(row["minutes"]) * 2 // 3)
        elif modality == "remote_monitoring":
            row["device_days"] = str(rng.choice((10, 16, 30)))
            row["management_minutes"] = str(rng.choice((0, 20, 40)))
        yield row


def claim_rows(n: int, seed: int = 2026, invalid_share: float = 0.01,
               mismatch_share: float = 0.12) -> Iterator[dict[str, str]]:
    """Encounter rows with billed lines: mostly what the engine expects, `mismatch_share`
    deliberately wrong (CPT telemedicine code to Medicare, wrong modifier, POS or level), and
    `invalid_share` invalid (bad numbers, payer, date or modality)."""
    from engine.batch.checker import BatchChecker

    checker = BatchChecker()
    rng = random.Random(seed + 1)
    header = COLUMNS
    for row in encounter_rows(n, seed):
        cells = [row[c] for c in header]
        (result,) = checker.check_table(header, [cells])
        lines = list(result.outcome.lines)
        if lines:
            line = lines[0]
            code, mods, pos = line["code"], list(line.get("modifiers") or ()), line.get("pos")
        else:
            code, mods, pos = rng.choice(("99213", "99214", "98016", "99457")), ["95"], "10"
        r = rng.random()
        if r < mismatch_share:
            kind = rng.randrange(4)
            if kind == 0 and code.startswith("992") and len(code) == 5:
                code = "980" + f"{int(code[3:]) - 2:02d}" if code[3] == "1" else "98001"
            elif kind == 1:
                mods = ["GT"] if mods != ["GT"] else ["95"]
            elif kind == 2:
                pos = "02" if pos != "02" else "11"
            else:
                code = {"99213": "99214", "99214": "99215"}.get(code, "99212")
        row["billed_code"] = code
        row["billed_modifiers"] = ";".join(mods)
        row["billed_pos"] = pos or ""
        r = rng.random()
        if r < invalid_share:
            bad = rng.randrange(4)
            if bad == 0:
                row["minutes"] = "twenty"
            elif bad == 1:
                row["payer"] = "medicare advantage"
            elif bad == 2:
                row["date_of_service"] = "2025-02-30"
            else:
                row["modality"] = ""
        yield row


def write_csv(path: str, rows: Iterator[dict[str, str]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)
            n += 1
    return n


# ---- measurements ------------------------------------------------------------------------------
# Each measure is the best of `repeat` runs by CPU time (one core; the machine may be busy with
# other work, which inflates wall-clock time but much less CPU time); wall time is kept too.
def _best(fn: Any, repeat: int, child: bool = False) -> tuple[float, float]:
    best: tuple[float, float] | None = None
    for _ in range(repeat):
        gc.collect()
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        c1, w1 = time.process_time(), time.perf_counter()
        if child:
            ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
        else:
            cpu = c1 - c0
        if best is None or cpu < best[0]:
            best = (cpu, w1 - w0)
    assert best is not None
    return best


def read_baseline(path: str) -> int:
    n = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for _ in csv.DictReader(fh):
            n += 1
    return n


def batch_in_process(path: str) -> None:
    from engine.cli.batch import run

    code = run([path, "-o", os.devnull, "--format", "csv", "--quiet", "--no-progress"])
    if code not in (0, 1):
        raise SystemExit(f"telecode batch failed with status {code}")


def batch_warm(path: str, checker: Any) -> None:
    """The command's own read-check-write loop with a memo that already holds the file."""
    from engine.batch.checker import BatchSummary
    from engine.cli.batch import _csv_in

    with open(path, encoding="utf-8-sig", newline="") as fh, \
            open(os.devnull, "w", encoding="utf-8", newline="") as out:
        _csv_in(fh, path, out, "csv", checker, BatchSummary(), False)


def library(path: str) -> int:
    from engine.batch.checker import BatchChecker, check_rows

    n = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for _ in check_rows(csv.DictReader(fh), checker=BatchChecker()):
            n += 1
    return n


def batch_command(path: str, env: dict[str, str]) -> None:
    exe = os.path.join(os.path.dirname(sys.executable), "telecode")
    cmd = [exe] if os.path.exists(exe) else [
        sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())"]
    subprocess.run(cmd + ["batch", path, "-o", os.devnull, "--quiet", "--no-progress"],
                   check=False, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)


def command_env(cache_dir: str) -> dict[str, str]:
    """The command's environment: Python's bytecode cache on (in `cache_dir`, not in the
    source tree), as an installed telecode has it. scripts/_env.sh turns bytecode writing
    off for the repository, which would make every run compile the engine again (~0.1 s)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache_dir
    return env


def _entry(rows: int, t: tuple[float, float]) -> dict[str, Any]:
    return {"seconds": round(t[0], 4), "wall_seconds": round(t[1], 4),
            "rows_per_s": round(rows / t[0])}


def measure(path: str, rows: int, repeat: int) -> dict[str, Any]:
    from engine.batch.checker import BatchChecker
    from engine.core.codebook import load_codebook

    cb = load_codebook()
    warm = BatchChecker(cb)
    batch_warm(path, warm)
    # rounds: each round times the read and every variant one after the other, so a ratio
    # compares runs made at the same machine speed (a shared machine's speed drifts); the
    # ratios reported are the medians over the rounds, the times the best of the rounds
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in (
        "read", "batch", "warm", "lib", "cli")}
    with tempfile.TemporaryDirectory() as cache:
        env = command_env(cache)
        batch_command(path, env)  # writes the bytecode cache (not timed)
        for _ in range(repeat):
            runs["read"].append(_best(lambda: read_baseline(path), 1))
            runs["batch"].append(_best(lambda: batch_in_process(path), 1))
            runs["cli"].append(_best(lambda: batch_command(path, env), 1, child=True))
            runs["warm"].append(_best(lambda: batch_warm(path, warm), 1))
            runs["lib"].append(_best(lambda: library(path), 1))
    t_read, t_batch, t_warm, t_lib, t_cli = (
        min(runs[k]) for k in ("read", "batch", "warm", "lib", "cli"))

    def ratio(key: str) -> float:
        return round(statistics.median(b[0] / r[0] for b, r in zip(
            runs[key], runs["read"], strict=True)), 2)
    # engine-bound: rows that are all distinct (no memo hit), on a sample
    sample = min(rows, 3000)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        head = [r for _, r in zip(range(sample), reader, strict=False)]

    def no_memo() -> None:
        for _ in BatchChecker(cb, cache_size=0).table(header, head):
            pass

    t_nomemo = _best(no_memo, 1)
    # memo statistics of one run
    checker = BatchChecker(cb)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        for _ in checker.table(header, reader):
            pass
    info = checker.answer.cache_info()
    return {
        "rows": rows,
        "file_bytes": os.path.getsize(path),
        "csv_dictreader": _entry(rows, t_read),
        "batch_in_process": _entry(rows, t_batch),
        "batch_warm_memo": _entry(rows, t_warm),
        "check_rows_library": _entry(rows, t_lib),
        "batch_command": _entry(rows, t_cli),
        "all_distinct": {**_entry(sample, t_nomemo), "rows": sample,
                         "us_per_row": round(t_nomemo[0] / sample * 1e6, 1)},
        "ratio_to_csv_read": ratio("batch"),
        "ratio_warm_to_csv_read": ratio("warm"),
        "ratio_command_to_csv_read": ratio("cli"),
        "ratio_command_to_csv_read_range": [
            round(min(b[0] / r[0] for b, r in zip(runs["cli"], runs["read"], strict=True)), 2),
            round(max(b[0] / r[0] for b, r in zip(runs["cli"], runs["read"], strict=True)), 2)],
        "memo": {"distinct_rows": checker.memo_misses,
                 "row_hit_rate": round(1 - checker.memo_misses / rows, 4),
                 "distinct_encounters": info.misses,
                 "engine_calls_per_row": round(info.misses / rows, 4),
                 "max_size": checker.memo_size,
                 "date_stretches": len(set(checker.reps.values()))},
        "targets": {"rows_per_s": 100_000, "max_ratio_to_csv_read": 3.0},
        "codebook": cb.version,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None,
        "measured": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "repeat": repeat,
    }


def profile(path: str, out: str) -> int:
    """One cold in-process `telecode batch` run under pyinstrument (a statistical profiler:
    its overhead is small, so the shares it shows are those of a normal run)."""
    from pyinstrument import Profiler

    from engine.core.codebook import load_codebook

    load_codebook()  # imports and the codebook's JSON: not the batch's work
    profiler = Profiler(interval=0.0005)
    profiler.start()
    batch_in_process(path)
    profiler.stop()
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(profiler.output_html() if out.endswith(".html")
                 else profiler.output_text(unicode=True, show_all=False))
    print(f"wrote {out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    p.add_argument("--keep", metavar="FILE", help="also keep the generated CSV here")
    p.add_argument("--profile", metavar="FILE",
                   help="instead of timing, profile one cold in-process run with pyinstrument "
                        "and write its report to FILE (.html, else text)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or os.path.join(tmp, "claims.csv")
        t0 = time.perf_counter()
        rows = write_csv(path, claim_rows(args.rows, args.seed))
        print(f"generated {rows} rows ({os.path.getsize(path) / 1e6:.1f} MB) in "
              f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
        if args.profile:
            return profile(path, args.profile)
        res = measure(path, rows, args.repeat)
    names = ("csv_dictreader", "batch_in_process", "batch_warm_memo", "check_rows_library",
             "batch_command", "all_distinct")
    width = max(map(len, names))
    print(f"{'':<{width}}  {'rows/s':>9}  CPU s   wall s   (best of {args.repeat} rounds, by CPU "
          "time)")
    for k in names:
        print(f"{k:<{width}}  {res[k]['rows_per_s']:>9,}  {res[k]['seconds']:6.3f}  "
              f"{res[k]['wall_seconds']:7.3f}")
    print(f"all_distinct = no memo hit at all (engine-bound): "
          f"{res['all_distinct']['us_per_row']} us per row")
    lo, hi = res["ratio_command_to_csv_read_range"]
    print(f"ratio to the csv.DictReader read (median of the rounds): "
          f"{res['ratio_to_csv_read']}x in-process (cold memo), "
          f"{res['ratio_warm_to_csv_read']}x with a warm memo, "
          f"{res['ratio_command_to_csv_read']}x as a command ({lo}-{hi}x over the rounds)")
    memo = res["memo"]
    print(f"memo: {memo['distinct_rows']} distinct rows ({memo['row_hit_rate']:.1%} hits), "
          f"{memo['distinct_encounters']} distinct encounters sent to the engine; "
          f"{memo['date_stretches']} date stretches")
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=2, sort_keys=True)
            fh.write("\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
