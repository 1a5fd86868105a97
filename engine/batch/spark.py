"""Claim mode on Spark: `check_claims(df)` for volumes past one machine.

    pip install 'telecode[spark]'          # pyspark and pyarrow; Spark needs Java 17+

    from engine.batch.spark import check_claims
    lines = spark.read.csv("claims/*.csv", header=True)   # or any DataFrame
    checked = check_claims(lines)                          # claim_id, line, code, verdict,
    checked.write.parquet("checked/")                      # reasons, message, suggested

`df` has the claim-line columns claim_id, line, date_of_service, payer, code, modifiers, pos,
units (the CSV/JSONL columns of `telecode claims`; any Spark types: dates, integers, and
`modifiers` as text or an array). The answer per line is the one `telecode claims` gives for
the same file: the same parsing of each value (`make_table_line`) and the same checker. An
add-on looks at the other lines of its claim wherever they are: the codes of each claim are
gathered with a group-by and joined to its lines before the check.

The check runs in `mapInArrow`: each partition makes one `ClaimChecker`, whose memo lives
across the partition's Arrow batches; the codebook is loaded once per Python worker (the
bundle shipped in the installed package, or `codebook` when given, a path every executor can
read). With `spark-submit`:

    spark-submit --master 'local[8]' check.py      # check.py calls check_claims as above

On Databricks, install the wheel with its `spark` extra on the cluster and call
`check_claims` from a notebook. Output rows are not ordered; sort by claim_id and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame

__all__ = ["check_claims", "OUTPUT_COLUMNS", "check_batches"]

INPUT_COLUMNS = ("claim_id", "line", "date_of_service", "payer", "code", "modifiers", "pos",
                 "units")
OUTPUT_COLUMNS = ("claim_id", "line", "code", "verdict", "reasons", "message", "suggested",
                  "provisional")
_SCHEMA = ("claim_id string, line string, code string, verdict string, reasons array<string>, "
           "message string, suggested string, provisional boolean")
_CLAIM_CODES = "__telecode_claim_codes"
_CODEBOOKS: dict[str | None, Any] = {}  # per Python worker: path -> Codebook


def _codebook(path: str | None) -> Any:
    cb = _CODEBOOKS.get(path)
    if cb is None:
        from engine.core.codebook import load_codebook

        cb = _CODEBOOKS[path] = load_codebook(path)
    return cb


def check_batches(batches: Iterator[pa.RecordBatch], codebook: str | None = None
                  ) -> Iterator[pa.RecordBatch]:
    """The mapInArrow function: claim-line batches (with the claim's codes) -> output batches.
    One checker for all the batches of the call (a partition)."""
    import pyarrow as pa

    from engine.batch.claims.fields import make_table_line
    from engine.batch.claims.table import text_value
    from engine.core.claim import ClaimChecker

    checker = ClaimChecker(_codebook(codebook))
    add_ons = checker.add_on_codes
    check = checker.check_line
    kinds = {"reasons": pa.list_(pa.string()), "provisional": pa.bool_()}
    out_schema = pa.schema([(c, kinds.get(c, pa.string())) for c in OUTPUT_COLUMNS])
    for batch in batches:
        cols = batch.to_pydict()
        n = batch.num_rows
        empty = [None] * n
        get = {c: cols.get(c, empty) for c in INPUT_COLUMNS}
        claim_codes = cols.get(_CLAIM_CODES, empty)
        out: dict[str, list[Any]] = {c: [] for c in OUTPUT_COLUMNS}
        for i in range(n):
            mods = get["modifiers"][i]
            ln = make_table_line(
                text_value(get["claim_id"][i]), text_value(get["line"][i]) or "",
                text_value(get["date_of_service"][i]), text_value(get["payer"][i]),
                text_value(get["code"][i]), mods if isinstance(mods, list) else text_value(mods),
                text_value(get["pos"][i]), get["units"][i] if isinstance(
                    get["units"][i], int) else text_value(get["units"][i]))
            if ln.code in add_ons and ln.problem is None:
                others = list(claim_codes[i] or ())
                if ln.code in others:
                    others.remove(ln.code)
                r = check(ln, others)
            else:
                r = check(ln)
            out["claim_id"].append(ln.claim_id)
            out["line"].append(ln.line)
            out["code"].append(ln.code)
            out["verdict"].append(r.verdict)
            out["reasons"].append(r.reason_ids)
            out["message"].append(r.message)
            out["suggested"].append(r.suggested or "")
            out["provisional"].append(r.provisional)
        yield pa.RecordBatch.from_pydict(out, schema=out_schema)


def check_claims(df: DataFrame, codebook: str | None = None) -> DataFrame:
    """The verdict of every claim line of `df` (see the module docstring)."""
    from pyspark.sql import functions as F

    missing = [c for c in ("claim_id", "date_of_service", "payer", "code") if c not in df.columns]
    if missing:
        raise ValueError("check_claims: the DataFrame has no column " + ", ".join(missing)
                         + "; it needs " + ", ".join(INPUT_COLUMNS))
    for c in INPUT_COLUMNS:
        if c not in df.columns:
            df = df.withColumn(c, F.lit(None).cast("string"))
    key = F.coalesce(F.trim(F.col("claim_id").cast("string")), F.lit(""))
    lines = df.withColumn("__telecode_key", key)
    codes = lines.groupBy("__telecode_key").agg(
        F.collect_list(F.upper(F.trim(F.col("code").cast("string")))).alias(_CLAIM_CODES))
    joined = lines.join(codes, on="__telecode_key", how="left").select(
        *INPUT_COLUMNS, _CLAIM_CODES)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return check_batches(batches, codebook)

    return joined.mapInArrow(run, _SCHEMA)
