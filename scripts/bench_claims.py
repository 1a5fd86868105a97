"""Benchmark claim mode (`scripts/bench --claims`; not a test).

Generates a realistic claim-line CSV (payers, dates across 2024-2026, mostly correct telehealth
lines, 98000-98015 sent to Medicare, POS 11 on telehealth lines, missing modifiers, RPM add-ons
with and without their primary, deleted codes, about 1% bad lines), then measures, in
--repeat rounds (each round runs every variant one after the other, so a ratio compares runs
at the same machine speed; lines per second are the best round by CPU time, ratios the
median of the rounds):

- csv.DictReader merely reading the file (the baseline, as in scripts/bench),
- `telecode claims` in-process (engine.cli.claims.run: read, check, write CSV; for CSV input
  that is the fast path of engine/batch/claims/fast_csv.py),
- the check alone (engine.batch.claims.check_lines over lines already read).

With --x12-mb N it writes an N MB X12 837P file of the same lines and times pyx12's own bare
parse (iterating its X12Reader) against the 837P reader (pyx12 plus the claim walk). With
--spark it times engine.batch.spark.check_claims on a local[2] session (127.0.0.1).
`--json FILE` writes the numbers for the site's 'Check claims' page.

    scripts/bench --claims                                # 200 000 lines
    scripts/bench --claims --x12-mb 100 --spark --json docs/_data/claims-benchmark.json
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

COLUMNS = ["claim_id", "line", "date_of_service", "payer", "code", "modifiers", "pos", "units"]
# (weight, payer, code, modifiers, pos, units): a claim's first line; RPM claims add 99458
MIX = (
    (30, "medicare", "99213", "95", "10", "1"), (12, "medicare", "99214", "95", "02", "1"),
    (8, "medicare", "99214", "93", "10", "1"), (4, "medicare", "98005", "", "10", "1"),
    (3, "medicare", "99213", "95", "11", "1"), (3, "medicare", "99213", "", "10", "1"),
    (2, "medicare", "99214", "GT", "10", "1"), (2, "medicare", "G2012", "", "11", "1"),
    (5, "medicare", "99457", "", "11", "1"), (1, "medicare", "99458", "", "11", "1"),
    (15, "commercial", "98006", "95", "10", "1"), (10, "commercial", "99214", "95", "02", "1"),
    (6, "medicaid", "98013", "93", "10", "1"), (3, "medicare advantage", "98005", "", "10", "1"),
    (1, "medicare", "71046", "", "11", "1"),
)
FIRST = 19723  # 2024-01-01 as days since 1970-01-01
DAYS = 1096


def _day(n: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=n)).isoformat()


def claim_lines(n: int, seed: int = 2026) -> Iterator[list[str]]:
    rnd = random.Random(seed)
    weights = [m[0] for m in MIX]
    days = [_day(FIRST + i) for i in range(DAYS)]
    made = c = 0
    while made < n:
        c += 1
        _, payer, code, mods, pos, units = rnd.choices(MIX, weights)[0]
        day = rnd.choice(days)
        if rnd.random() < 0.01:
            day = day.replace("-", "/")  # a bad line
        rows = [[f"C{c:08d}", "1", day, payer, code, mods, pos, units]]
        if code == "99457" and rnd.random() < 0.7:
            rows.append([f"C{c:08d}", "2", day, payer, "99458", "", pos, "2"])
        for r in rows:
            if made < n:
                made += 1
                yield r


def write_csv(path: str, n: int, seed: int) -> int:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        count = 0
        for row in claim_lines(n, seed):
            w.writerow(row)
            count += 1
    return count


def write_x12(path: str, megabytes: float, seed: int) -> int:
    """An 837P interchange of the mix: one subscriber (Medicare) per 200 claims."""
    isa = ("ISA*00*" + " " * 10 + "*00*" + " " * 10 + "*ZZ*" + "SUBMITTERID".ljust(15) + "*ZZ*"
           + "RECEIVERID".ljust(15) + "*250311*1200*^*00501*000000001*0*P*:~\n")
    sbr = {"medicare": "MB", "commercial": "CI", "medicaid": "MC", "medicare advantage": "16"}
    target = int(megabytes * 1e6)
    lines = 0
    with open(path, "w", encoding="ascii", newline="") as fh:
        fh.write(isa + "GS*HC*SUBMITTERID*RECEIVERID*20250311*1200*1*X*005010X222A1~\n")
        size = 0
        st = 0
        gen = claim_lines(10**9, seed)
        while size < target:
            st += 1
            segs = [f"ST*837*{st:04d}*005010X222A1", "BHT*0019*00*B1*20250311*1200*CH",
                    "NM1*41*2*CLINIC*****46*S1", "NM1*40*2*CH*****46*R1", "HL*1**20*1",
                    "NM1*85*2*CLINIC*****XX*1234567893"]
            hl = 1
            claim = None
            for _ in range(2000):
                row = next(gen)
                if row[1] == "1" or claim is None:  # a claim split by an ST starts anew
                    hl += 1
                    segs += [f"HL*{hl}*1*22*0", f"SBR*P*18*******{sbr[row[3]]}",
                             "NM1*IL*1*DOE*JANE****MI*1EG4", "NM1*PR*2*PAYER*****PI*P1",
                             f"CLM*{row[0]}*100***{row[6] or '11'}:B:1*Y*A*Y*Y", "HI*ABK:I10"]
                    claim = row[0]
                mods = ":".join(m for m in row[5].split(",") if m)
                svc = "HC:" + row[4] + (":" + mods if mods else "")
                segs += [f"LX*{row[1]}", f"SV1*{svc}*50*UN*{row[7]}***1",
                         f"DTP*472*D8*{row[2].replace('-', '').replace('/', '')}"]
                lines += 1
            assert claim
            segs.append(f"SE*{len(segs) + 1}*{st:04d}")
            text = "".join(s + "~\n" for s in segs)
            fh.write(text)
            size += len(text)
        fh.write(f"GE*{st}*1~\nIEA*1*000000001~\n")
    return lines


def _best(fn: Callable[[], Any]) -> tuple[float, float]:
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


def read_baseline(path: str) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        for _ in csv.DictReader(fh):
            pass


def claims_command(path: str, out: str) -> None:
    from engine.cli.claims import run

    assert run([path, "-o", out, "--quiet"]) == 0


def measure(path: str, lines: int, repeat: int) -> dict[str, Any]:
    from engine.batch.claims import check_lines, read_claims
    from engine.core.claim import ClaimChecker
    from engine.core.codebook import load_codebook

    cb = load_codebook()
    read = list(read_claims(path))
    out = path + ".out.csv"
    runs: dict[str, list[tuple[float, float]]] = {"csv_dictreader": [], "claims_in_process": [],
                                                  "check_only": []}
    for _ in range(repeat):
        runs["csv_dictreader"].append(_best(lambda: read_baseline(path)))
        runs["claims_in_process"].append(_best(lambda: claims_command(path, out)))
        runs["check_only"].append(_best(lambda: check_lines(read, ClaimChecker(cb))))
    res: dict[str, Any] = {"lines": lines, "repeat": repeat,
                           "file_mb": round(os.path.getsize(path) / 1e6, 1)}
    for key, got in runs.items():
        cpu, wall = min(got)
        res[key] = {"lines_per_s": int(lines / cpu), "seconds": round(cpu, 3),
                    "wall_seconds": round(wall, 3)}
    ratios = [c[0] / b[0] for c, b in zip(runs["claims_in_process"], runs["csv_dictreader"],
                                           strict=True)]
    res["ratio_to_csv_read"] = round(statistics.median(ratios), 2)
    return res


def measure_x12(path: str, repeat: int) -> dict[str, Any]:
    import pyx12.x12file

    from engine.batch.claims import read_claims

    def bare() -> None:
        with open(path, encoding="ascii", newline="") as fh:
            for _ in pyx12.x12file.X12Reader(fh):
                pass

    count = [0]

    def ours() -> None:
        count[0] = sum(1 for _ in read_claims(path, "x12"))

    b = [_best(bare) for _ in range(repeat)]
    o = [_best(ours) for _ in range(repeat)]
    mb = os.path.getsize(path) / 1e6
    bc, oc = min(b)[0], min(o)[0]
    return {"file_mb": round(mb, 1), "lines": count[0],
            "pyx12_bare_parse": {"seconds": round(bc, 2), "mb_per_s": round(mb / bc, 2)},
            "claims_reader": {"seconds": round(oc, 2), "mb_per_s": round(mb / oc, 2),
                              "lines_per_s": int(count[0] / oc)},
            "ratio_to_bare_parse": round(oc / bc, 2)}


def measure_spark(path: str) -> dict[str, Any]:
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from engine.batch.spark import check_claims

    spark = (SparkSession.builder.master("local[2]").config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        df = spark.read.csv(path, header=True).cache()  # the check, not the CSV read
        df.count()
        check_claims(df).count()  # warm the Python workers
        walls = []
        for _ in range(3):
            t0 = time.perf_counter()
            n = check_claims(df).count()
            walls.append(time.perf_counter() - t0)
        wall = min(walls)
    finally:
        spark.stop()
    return {"lines": n, "wall_seconds": round(wall, 2), "lines_per_s": int(n / wall),
            "master": "local[2]", "shuffle_partitions": 2, "input_cached": True}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="scripts/bench --claims", description=__doc__.split("\n")[0])
    p.add_argument("--lines", type=int, default=200_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--x12-mb", type=float, default=0, help="also time an N MB 837P file")
    p.add_argument("--spark", action="store_true", help="also time Spark local[2]")
    p.add_argument("--json", metavar="FILE")
    args = p.parse_args(argv)
    res: dict[str, Any] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "claim-lines.csv")
        lines = write_csv(path, args.lines, args.seed)
        res["csv"] = m = measure(path, lines, args.repeat)
        for k in ("csv_dictreader", "claims_in_process", "check_only"):
            print(f"{k:<18} {m[k]['lines_per_s']:>10,} lines/s  {m[k]['seconds']:.3f} s CPU")
        print(f"telecode claims / csv.DictReader read: {m['ratio_to_csv_read']}x "
              f"({lines:,} lines, {m['file_mb']} MB)")
        if args.x12_mb:
            x = os.path.join(tmp, "claims.837")
            write_x12(x, args.x12_mb, args.seed)
            res["x12"] = xm = measure_x12(x, 1)
            print(f"837P {xm['file_mb']} MB: pyx12 bare parse {xm['pyx12_bare_parse']['seconds']}"
                  f" s, claims reader {xm['claims_reader']['seconds']} s "
                  f"({xm['claims_reader']['lines_per_s']:,} lines/s; "
                  f"{xm['ratio_to_bare_parse']}x the bare parse)")
        if args.spark:
            res["spark"] = sm = measure_spark(path)
            print(f"spark local[2]: {sm['lines_per_s']:,} lines/s ({sm['wall_seconds']} s wall)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=2, sort_keys=True)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
