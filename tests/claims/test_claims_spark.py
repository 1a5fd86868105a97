"""engine.batch.spark.check_claims on a local[2] Spark session bound to 127.0.0.1 gives, line
for line, the verdicts `telecode claims` gives for the same file (a realistic mix with add-ons
split over lines, bad values and every payer)."""

from __future__ import annotations

import csv
import os
import random
import shutil
import sys
from pathlib import Path

import pytest

from engine.cli import main

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")

CODES = ["98005", "98013", "99213", "99214", "99457", "99458", "98016", "G2012", "99441",
         "71046", "98981", "98980"]
MODS = ["", "95", "93", "GT", "FQ", "95,25", "95-93"]
POS = ["10", "02", "11", ""]
PAYERS = ["medicare", "Medicare", "commercial", "medicaid", "medicare advantage", "tricare"]
DAYS = ["2024-03-10", "2024-12-31", "2025-01-01", "2025-06-30", "2025-10-02", "2025-11-13",
        "2026-01-31", "2026-02-04", "2023-12-31", "2025-02-30", "03/10/2025", ""]


def mixed_file(path: Path, claims: int = 400, seed: int = 16) -> None:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["claim_id", "line", "date_of_service", "payer", "code", "modifiers", "pos",
                    "units"])
        for c in range(claims):
            day, payer = rnd.choice(DAYS), rnd.choice(PAYERS)
            cid = f"C{c:05d}" if rnd.random() > 0.01 else ""
            for n in range(1, rnd.randint(1, 4) + 1):
                w.writerow([cid, n, day, payer, rnd.choice(CODES), rnd.choice(MODS),
                            rnd.choice(POS), rnd.choice(["1", "2", "", "x"])])


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        pytest.fail("java is missing: Spark needs Java 17+ (scripts/test installs "
                    "Debian's openjdk-17-jre-headless)")
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("telecode-claims-test")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_verdicts_equal_the_single_process_ones(spark, tmp_path):
    from engine.batch.spark import check_claims

    src = tmp_path / "mix.csv"
    mixed_file(src)
    out = tmp_path / "out.csv"
    assert main(["claims", str(src), "-o", str(out), "--quiet"]) == 0
    with open(out, encoding="utf-8", newline="") as fh:
        single = sorted((r["claim_id"], r["line"], r["code"], r["verdict"], r["reasons"],
                         r["message"], r["suggested"]) for r in csv.DictReader(fh))
    df = spark.read.csv(str(src), header=True).repartition(3)
    got = sorted((r.claim_id, r.line, r.code, r.verdict, ";".join(r.reasons), r.message,
                  r.suggested) for r in check_claims(df).collect())
    assert len(got) == len(single) > 800
    assert got == single
    verdicts = {row[3] for row in got}
    assert verdicts == {"ok", "warning", "error"}
    reasons = {x for row in got for x in row[4].split(";") if x}
    assert {"claim-add-on-without-primary", "claim-line-unreadable",
            "claim-code-not-payable", "claim-pos-wrong"} <= reasons


def test_typed_columns(spark):
    import datetime as dt

    from engine.batch.spark import check_claims

    df = spark.createDataFrame(
        [("T1", 1, dt.date(2025, 3, 10), "medicare", "98005", [], 10, 1),
         ("T1", 2, dt.date(2025, 3, 10), "medicare", "99458", ["25"], 11, 2)],
        "claim_id string, line int, date_of_service date, payer string, code string, "
        "modifiers array<string>, pos int, units int")
    rows = sorted(check_claims(df).collect(), key=lambda r: r.line)
    assert [(r.line, r.verdict, r.reasons, r.suggested) for r in rows] == [
        ("1", "error", ["claim-code-not-payable", "claim-check-level-in-note"], "99213-95@10"),
        ("2", "error", ["claim-add-on-without-primary"], "")]


def test_missing_column_is_named(spark):
    from engine.batch.spark import check_claims

    df = spark.createDataFrame([("A", "2025-01-01", "99213")], "claim_id string, "
                               "date_of_service string, code string")
    with pytest.raises(ValueError, match="no column payer"):
        check_claims(df)
