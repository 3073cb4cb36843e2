"""Golden tests: every journey primitive gives identical results on DuckDB and PySpark.

The same Ibis expressions run on both engines: every primitive on the hand-made log of
test_journeys_primitives.py (ties in time, an unmapped event, topics, segments), and the
main ones on the sample study's event log (207,037 events). Frames must be equal cell by cell
(floats to 1e-9 relative). Flows, sessions and episodes on the sample log were identical too
(measured) but take 10-20 s each on local Spark, so the suite runs them on the hand-made log only.
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import pandas as pd
import pyarrow as pa
import pytest
from conftest_journeys import spark_backend  # noqa: F401  (session-scoped fixture)
from test_journeys_primitives import LOG, STAGES

from research import load_study
from research.journeys import build_events
from research.journeys.behaviour import behaviour_table, time_between
from research.journeys.contacts import channel_switches, loops, repeat_contacts
from research.journeys.directly_follows import dfg
from research.journeys.engine import connect, events
from research.journeys.funnels import funnel
from research.journeys.paths import flows, variants
from research.journeys.sessionization import episodes, episodize, sessionize, sessions

HAND = {
    "variants": lambda t: variants(t, outcome="purchase", top=None),
    "variants_stage": lambda t: variants(t, level="stage", stages=STAGES, outcome="purchase"),
    "dfg": lambda t: dfg(t),
    "flows": lambda t: flows(t, "web", steps=2, top=1),
    "flows_back": lambda t: flows(t, "purchase", steps=2, direction="backward"),
    "funnel": lambda t: funnel(t, ["web", "store", "purchase"], segment="segment"),
    "repeat": lambda t: repeat_contacts(t, ["hotline"]),
    "behaviour": lambda t: behaviour_table(t),
    "time_between": lambda t: time_between(t, "web", "purchase"),
    "loops": lambda t: loops(t),
    "switches": lambda t: channel_switches(t),
    "sessions": lambda t: sessions(t, timedelta(minutes=30)),
    "episodes": lambda t: episodes(t, "web", "purchase", timedelta(days=3)),
    "episode_journeys": lambda t: dfg(episodize(t, "web", "purchase"), journey=["person_id", "episode"]),
    "session_journeys": lambda t: variants(
        sessionize(t, timedelta(minutes=30)), journey=["person_id", "session"], top=None
    ),
}

SAMPLE = {
    "variants": lambda t: variants(t, outcome="store"),
    "dfg": lambda t: dfg(t),
    "funnel": lambda t: funnel(t, ["online_ads", "website", "store"], window=timedelta(days=30)),
    "repeat": lambda t: repeat_contacts(t, ["hotline", "complaints"], not_upstream=["bill", "sms_notice"]),
    "behaviour": lambda t: behaviour_table(t),
    "time_between": lambda t: time_between(t, "website", "store"),
    "loops": lambda t: loops(t),
    "switches": lambda t: channel_switches(t),
}


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-9)


@pytest.fixture(scope="module")
def hand_tables(spark_backend):  # noqa: F811
    duck = connect("duckdb").create_table("j2_golden", ibis.memtable(LOG))
    # through Arrow, so missing strings arrive in Spark as nulls (not the text "NaN")
    arrow = pa.Table.from_pandas(LOG, preserve_index=False)
    # a temporary view, not a managed table (those are written under ./spark-warehouse)
    spark_backend._session.createDataFrame(arrow).createOrReplaceTempView("j2_golden")
    spark = spark_backend.table("j2_golden")
    assert int(spark.touchpoint.isnull().sum().to_pandas()) == 1
    return duck, spark


@pytest.fixture(scope="module")
def sample_tables(spark_backend):  # noqa: F811
    path = build_events(load_study("sample"))
    # cached in Spark's memory: the primitives read the table several times per query
    frame = spark_backend._session.read.parquet(str(path)).cache()
    frame.count()
    frame.createOrReplaceTempView("j2_sample_events")
    yield events(connect("duckdb"), path), spark_backend.table("j2_sample_events")
    frame.unpersist()


@pytest.mark.parametrize("name", sorted(SAMPLE))
def test_sample_log_identical(sample_tables, name):
    duck, spark = sample_tables
    expected = SAMPLE[name](duck)
    assert len(expected) > 0
    assert_same(expected, SAMPLE[name](spark))


@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_log_identical(hand_tables, name):
    duck, spark = hand_tables
    assert_same(HAND[name](duck), HAND[name](spark))
