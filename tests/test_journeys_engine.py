"""research.journeys.engine: the same Ibis expressions give identical results on DuckDB and PySpark."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from conftest_journeys import spark_backend  # noqa: F401  (session-scoped fixture)

from research import load_study
from research.errors import DataError
from research.journeys import build_events
from research.journeys.engine import connect, events


@pytest.fixture(scope="module")
def sample_path():
    return build_events(load_study("sample"))


def _directly_follows(table):
    """Directly-follows counts with persons and the first time, ordered by the event order."""
    window = ibis.window(group_by=table.person_id, order_by=[table.event_seq])
    steps = table.mutate(
        next_touchpoint=table.touchpoint.lead().over(window),
        step=ibis.row_number().over(window),
        gap=(table.ts.lead().over(window).epoch_seconds() - table.ts.epoch_seconds()),
    )
    pairs = steps.filter(steps.next_touchpoint.notnull())
    return (
        pairs.group_by(["touchpoint", "next_touchpoint"])
        .aggregate(
            n=pairs.count(),
            persons=pairs.person_id.nunique(),
            first=pairs.ts.min(),
            mean_gap=pairs.gap.mean(),
            max_step=pairs.step.max(),
        )
        .order_by(["touchpoint", "next_touchpoint"])
    )


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].astype("datetime64[us]")
        elif pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype("int64")
    return out.reset_index(drop=True)


def test_duckdb_and_pyspark_agree(sample_path, spark_backend):  # noqa: F811
    duck = _normalise(_directly_follows(events(connect(), sample_path)).execute())
    spark = _normalise(_directly_follows(events(spark_backend, sample_path)).execute())
    assert len(duck) > 20 and duck["n"].sum() == 207_037 - 19_955  # one pair per step after the first
    pd.testing.assert_frame_equal(duck, spark, check_exact=False, rtol=1e-12)


def test_counts_and_order_agree(sample_path, spark_backend):  # noqa: F811
    def first_three(table):
        window = ibis.window(group_by=table.person_id, order_by=[table.event_seq])
        ranked = table.mutate(step=ibis.row_number().over(window))
        head = ranked.filter(ranked.step < 3)
        return (
            head.group_by(["step", "touchpoint"]).aggregate(n=head.count()).order_by(["step", "touchpoint"])
        )

    duck = _normalise(first_three(events(connect(), sample_path)).execute())
    spark = _normalise(first_three(events(spark_backend, sample_path)).execute())
    pd.testing.assert_frame_equal(duck, spark)
    assert duck.loc[duck["step"] == 0, "n"].sum() == 19_955


def test_duckdb_settings(tmp_path):
    con = connect(memory_limit="1GB", temp_directory=tmp_path / "spill", threads=1)
    settings = dict(
        con.raw_sql(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('memory_limit', 'temp_directory', 'enable_progress_bar', 'threads')"
        ).fetchall()
    )
    assert settings["enable_progress_bar"] == "false"
    assert settings["temp_directory"] == str(tmp_path / "spill")
    assert settings["threads"] == "1"
    assert settings["memory_limit"].startswith(("953.6 MiB", "1.0 GB", "1000.0 MB"))


def test_study_spill_directory():
    study = load_study("sample")
    con = connect(study=study)
    (value,) = con.raw_sql("SELECT current_setting('temp_directory')").fetchone()
    assert value.startswith(str(study.processed_dir / "journeys" / "duckdb_tmp"))


def test_unknown_engine_and_missing_table(tmp_path):
    with pytest.raises(DataError, match="Unknown engine"):
        connect("polars")
    with pytest.raises(DataError, match="Event table not found"):
        events(connect(), tmp_path / "none.parquet")
