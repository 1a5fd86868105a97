"""1 000 000 rows generated on the fly stream through check_rows and the CLI in flat memory.

Memory, not time: the resident set is sampled as rows go by, and its growth after a warm-up
must stay under a fixed bound far below what keeping the rows would take (1 000 000 rows of
these sizes held in memory take well over 500 MB).
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from engine.batch.checker import BatchChecker, BatchSummary, check_rows

ROOT = Path(__file__).resolve().parents[2]
ROWS = 1_000_000
GROWTH_LIMIT_MB = 40

PAYERS = ("medicare", "commercial", "medicaid")
KINDS = (
    ("audio_video", "minutes", (15, 25, 35, 45), "99214", "95", "10"),
    ("audio_only", "minutes", (15, 25), "98013", "93", "10"),
    ("virtual_checkin", "minutes", (8, 15), "98016", "", ""),
    ("remote_monitoring", "device_days", (10, 20), "99454", "", ""),
)
HEADER = ("id,date_of_service,payer,patient_status,modality,minutes,mdm,device_days,"
          "patient_video_unavailable,billed_code,billed_modifiers,billed_pos,note")


def _pool(size: int, seed: int) -> list[str]:
    """Distinct encounter+billed cell strings."""
    rng = random.Random(seed)
    out = []
    for _ in range(size):
        modality, field, values, code, mod, pos = rng.choice(KINDS)
        day = f"202{rng.choice((4, 5, 6))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        value = str(rng.choice(values))
        cells = [day, rng.choice(PAYERS), rng.choice(("new", "established")), modality,
                 value if field == "minutes" else "", rng.choice(("low", "moderate", "")),
                 value if field == "device_days" else "", rng.choice(("yes", "no", "")),
                 code, mod, pos]
        out.append(",".join(cells))
    return out


INVALID = "2025-13-01,medicare,established,audio_video,ten,,,,99214,95,10"


def csv_lines(n: int) -> Iterator[str]:
    """The header, then `n` rows with unique ids and notes. Encounters: 90 % from 300 common
    ones, 10 % from 3 000 rarer ones (so the row memo of the test fills and evicts), and every
    1 000th row invalid."""
    hot, cold = _pool(300, 5), _pool(3000, 6)
    rng = random.Random(9)
    yield HEADER + "\n"
    for i in range(n):
        if i % 1000 == 999:
            cells = INVALID
        elif rng.random() < 0.9:
            cells = hot[rng.randrange(300)]
        else:
            cells = cold[rng.randrange(3000)]
        yield f"R{i},{cells},note {i} {'x' * (i % 50)}\n"


def rss_mb() -> float:
    """The current resident set (Linux /proc), else the peak (ru_maxrss)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def test_a_million_rows_through_check_rows_in_flat_memory(real_cb):
    import csv

    # a small row memo that fills and evicts (the engine-answer memo keeps its default size)
    checker = BatchChecker(real_cb, cache_size=1024)
    summary = BatchSummary()
    samples: list[float] = []
    rows = csv.DictReader(csv_lines(ROWS))
    for res in check_rows(rows, checker=checker):
        summary.add(res)
        if res.number % 100_000 == 0:
            samples.append(rss_mb())
    assert summary.rows == ROWS
    assert res.id == f"R{ROWS - 1}"
    assert len(checker.memo) <= 1024  # the row memo is bounded
    assert checker.memo_misses > 3300  # ... and it did evict (3 300 distinct rows)
    data = summary.as_json()
    assert data["invalid"] == ROWS // 1000
    assert data["rows"] == ROWS
    growth = max(samples[1:]) - samples[0]
    assert growth < GROWTH_LIMIT_MB, f"memory grew by {growth:.1f} MB: {samples}"


_CHILD = """
import resource, sys
from engine.cli import main
status = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"PEAK_KB={peak}", file=sys.stderr)
sys.exit(status)
"""


def _cli_peak_kb(n: int, tmp_path: Path) -> tuple[int, str]:
    out = tmp_path / f"out-{n}.csv"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "batch", "-", "--input-format", "csv", "-o", str(out),
         "--summary", str(tmp_path / f"s-{n}.json"), "--quiet"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdin is not None
    buf: list[str] = []
    for line in csv_lines(n):
        buf.append(line)
        if len(buf) == 5000:
            proc.stdin.write("".join(buf).encode())
            buf.clear()
    proc.stdin.write("".join(buf).encode())
    proc.stdin.close()
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.wait(timeout=1200) == 0, err
    peak = int(err.rsplit("PEAK_KB=", 1)[1].split()[0])
    with open(out, "rb") as fh:
        lines = sum(1 for _ in fh)
    assert lines == n + 1
    return peak, err


def test_a_million_rows_through_the_cli_in_flat_memory(real_cb, tmp_path):
    small, _ = _cli_peak_kb(20_000, tmp_path)
    big, _ = _cli_peak_kb(ROWS, tmp_path)
    growth_mb = (big - small) / 1e3
    assert growth_mb < GROWTH_LIMIT_MB, f"peak grew from {small} KB to {big} KB"
