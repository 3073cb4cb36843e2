"""The journey report layer recovers the sample's planted truths (data/raw/sample/README.md,
section journeys; generator constants in research.sample.events) and joins survey scores to
journeys when respondents carry a person id of the log."""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest
from conftest_journeys import spark_backend  # noqa: F401  (session-scoped fixture)

from research.errors import NotApplicable
from research.journeys import behaviour_table
from research.journeys.report import (
    JourneyData,
    beside_breaks,
    conversion_by_segment,
    failure_impact,
    funnel_by_segment,
    gap_to_outcome,
    interviews_by_journey,
    journey_results,
    load_journeys,
    said_by_journey,
    survey_by_journey,
)
from research.sample import events as planted

# The sample's run parameters (data/raw/sample/study.yml, runs journeys-zh / journeys-en).
FAILURE = dict(
    exposure_event="appointment_booked",
    failure_event="appointment_missed",
    contact_touchpoint="hotline",
    complaint_touchpoint="complaints",
)
SEGMENT = "channel_preference"
PRE = ["online_ads", "outdoor_ads", "website", "wechat", "sales_rep"]


@pytest.fixture(scope="module")
def sample():
    return load_journeys("sample")


def test_missed_appointments_call_three_times_as_often_and_complain_more(sample):
    table = failure_impact(sample, **FAILURE).set_index("group")
    failed, kept = table.loc["failed"], table.loc["not_failed"]
    # README: 18% missed (planted MISSED_INSTALL_RATE), observed 2.70 vs 0.92 calls per customer.
    assert failed["share_ci_low"] < planted.MISSED_INSTALL_RATE < failed["share_ci_high"]
    assert round(failed["share"], 2) == 0.18
    assert round(failed["contacts_per_person"], 2) == 2.70
    assert round(kept["contacts_per_person"], 2) == 0.92
    assert failed["ratio"] == pytest.approx(planted.HOTLINE_MULTIPLIER_MISSED, abs=0.15)
    # complaints: planted 22% vs 4%
    assert failed["complained_ci_low"] < planted.COMPLAINT_MISSED < failed["complained_ci_high"]
    assert kept["complained_ci_low"] < planted.COMPLAINT_BASE < kept["complained_ci_high"]
    # independent count in pandas
    log = pd.read_parquet(sample.path)
    booked = set(log.loc[log["event"] == FAILURE["exposure_event"], "person_id"])
    missed = set(log.loc[log["event"] == FAILURE["failure_event"], "person_id"])
    assert failed["persons"] == len(missed) and kept["persons"] == len(booked - missed)


def test_online_buyers_order_two_days_after_their_last_touch_others_six(sample):
    table = gap_to_outcome(sample, ["store", "app"], SEGMENT, before=PRE).set_index("segment")
    assert table.loc["online", "mean_days"] == pytest.approx(2.0, abs=0.15)
    for other in ("offline", "mixed"):
        assert table.loc[other, "mean_days"] == pytest.approx(6.0, abs=0.4)
        assert table.loc[other, "ci_low"] < 6.0 + 0.4


def test_conversion_by_channel_preference(sample):
    table = conversion_by_segment(sample, "order", SEGMENT).set_index("segment")
    for preference, rate in planted.CONVERSION.items():
        assert table.loc[preference, "estimate"] == pytest.approx(rate, abs=0.02)
    assert table["n"].sum() == planted.CUSTOMERS


def test_sample_survey_does_not_link_to_the_log(sample):
    with pytest.raises(NotApplicable, match="person id"):
        survey_by_journey(sample)


def test_segments_need_a_known_column(sample):
    with pytest.raises(NotApplicable, match="segment column"):
        conversion_by_segment(sample, "order", "no_such_column")


@pytest.fixture()
def linked():
    log = pd.DataFrame(
        {
            "person_id": ["p1", "p1", "p2", "p2", "p3", "p4", "p4"],
            "ts": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2 + ["2024-01-01"] * 2 + ["2024-01-03"]),
            "touchpoint": ["web", "shop", "web", "shop", "web", "web", "help"],
            "event": ["view", "order", "view", "order", "view", "view", "call"],
            "event_seq": range(7),
        }
    )
    data = JourneyData(None, None, Path("."), "duckdb", "en", None, "secret")
    log["person_id"] = data.person_ids(log["person_id"]).to_numpy()
    data.table = ibis.memtable(log)
    responses = pd.DataFrame({"rid": ["p1", "p2", "p3", "p4", "x9"], "ltr": [10, 9, 3, 6, 10]})
    return data, responses


def test_scores_by_experienced_touchpoint(linked):
    data, responses = linked
    table = said_by_journey(data, responses, "rid", "ltr", touchpoint="shop").set_index("group")
    # hand count: p1, p2 experienced (10, 9 -> mean 9.5); p3, p4 not (3, 6 -> 4.5); x9 unlinked
    assert table.loc["experienced", "n"] == 2 and table.loc["experienced", "estimate"] == 9.5
    # t interval, scipy: 4.5 +- t(0.975, 1) * 1.5
    from scipy import stats

    half = stats.t.ppf(0.975, 1) * np.std([3, 6], ddof=1) / np.sqrt(2)
    assert table.loc["not_experienced", "ci_high"] == pytest.approx(4.5 + half)


def test_nps_by_path_variant(linked):
    data, responses = linked
    table = said_by_journey(data, responses, "rid", "ltr", kind="nps").set_index("group")
    # p1, p2 both promoters on web > shop: NPS 100; p3 (3) and p4 (6) detractors: -100
    assert table.loc["web > shop", "estimate"] == 100 and table.loc["web > shop", "n"] == 2
    assert table.loc["web", "estimate"] == -100 and table.loc["web > help", "estimate"] == -100


def test_unlinked_respondents_are_not_applicable(linked):
    data, _ = linked
    with pytest.raises(NotApplicable):
        said_by_journey(data, pd.DataFrame({"rid": ["zz"], "ltr": [5]}), "rid", "ltr")


def test_results_are_plain_json():
    assert journey_results(a=pd.DataFrame({"x": [np.nan, 1.0]}), b=None) == {
        "a": [{"x": None}, {"x": 1.0}],
        "b": None,
    }


def test_pain_points_beside_breaks_by_hand():
    behaviour = pd.DataFrame(
        {"touchpoint": ["a", "b", "c"], "drop_off": [0.1, 0.6, 0.6], "repeat_rate": [0.0, 0.2, 0.1]}
    )
    mentions = pd.DataFrame(
        {"touchpoint": ["b", "b", "a", "c"], "code": ["slow", "rude", "x", "y"], "mentions": [3, 1, 2, 0]}
    )
    table = beside_breaks(behaviour, mentions)
    assert table["touchpoint"].tolist() == ["b", "c", "a"]  # drop-off first, ties by name
    assert table["mentions"].tolist() == [4, 0, 2]
    assert table["top_code"].tolist() == ["slow", None, "x"]


def test_interviews_link_only_through_person_ids(sample):
    behaviour = behaviour_table(sample.table)
    with pytest.raises(NotApplicable, match="interviewee"):
        interviews_by_journey(sample, behaviour)
    # Give three events of the log the pseudonyms of interviewees R01-R03: now they link.
    log = pd.read_parquet(sample.path)
    linked_ids = sample.person_ids(pd.Series(["R01", "R02", "R03"]))
    log.loc[log.index[:3], "person_id"] = linked_ids.to_numpy()
    data = JourneyData(sample.study, ibis.memtable(log), sample.path, "duckdb", "en", None, sample.key)
    table = interviews_by_journey(data, behaviour)
    assert table["mentions"].sum() > 0
    assert table["drop_off"].is_monotonic_decreasing


def test_survey_scores_by_journey_when_respondents_link(sample):
    from research.survey.data import load_wave
    from research.survey.metrics import mean_ci

    survey = load_wave(sample.study, "")
    item = survey.outcome["overall"]
    answered = survey.responses.dropna(subset=[item]).head(40)
    # Give 40 persons of the log the pseudonyms of 40 respondents: they link.
    log = pd.read_parquet(sample.path)
    persons = log["person_id"].drop_duplicates().head(40).to_numpy()
    mapping = dict(zip(persons, sample.person_ids(answered["respondent_id"]).to_numpy(), strict=True))
    log["person_id"] = log["person_id"].map(lambda p: mapping.get(p, p))
    data = JourneyData(sample.study, ibis.memtable(log), sample.path, "duckdb", "en", None, sample.key)
    touchpoint = log.loc[log["person_id"].isin(mapping.values()), "touchpoint"].mode().iloc[0]
    table = survey_by_journey(data, touchpoint=touchpoint).set_index("group")
    assert table["n"].sum() == 40
    # independent: the same respondents' mean by mean_ci
    hit = set(log.loc[log["touchpoint"] == touchpoint, "person_id"])
    linked = answered.assign(person_id=sample.person_ids(answered["respondent_id"]).to_numpy())
    expected = mean_ci(linked.loc[linked["person_id"].isin(hit), item].to_numpy()).iloc[0]
    assert table.loc["experienced", "estimate"] == pytest.approx(expected["estimate"])
    assert table.loc["experienced", "ci_low"] == pytest.approx(expected["ci_low"])


def test_report_figures_identical_on_pyspark(sample, spark_backend):  # noqa: F811
    frame = spark_backend._session.read.parquet(str(sample.path))
    frame.createOrReplaceTempView("j3_report_events")
    spark = JourneyData(
        sample.study,
        spark_backend.table("j3_report_events"),
        sample.path,
        "pyspark",
        "en",
        sample.customers,
        sample.key,
    )
    cases = [
        (failure_impact, FAILURE),
        (conversion_by_segment, {"outcome_event": "order", "segment": SEGMENT}),
        (gap_to_outcome, {"outcome": ["store", "app"], "segment": SEGMENT, "before": PRE}),
    ]
    for function, args in cases:
        pd.testing.assert_frame_equal(function(spark, **args), function(sample, **args), check_dtype=False)


def test_funnel_by_customer_segment_against_scipy(sample):
    from scipy.stats import chi2_contingency

    from research.journeys import compare_funnel_segments

    table = funnel_by_segment(sample, ["website", "store"], SEGMENT)
    step = table[table["step"] == 2]
    counts = np.column_stack([step["reached"], step["n"] - step["reached"]])
    expected = chi2_contingency(counts, correction=False)  # Pearson, no continuity correction
    tested = compare_funnel_segments(table)
    assert tested["statistic"].iloc[0] == pytest.approx(expected.statistic)
    assert set(table["segment"]) == set(planted.CONVERSION)
