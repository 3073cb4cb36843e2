"""Time columns of KPI series: frequency detection, period index, labels, intervention, seasons."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from research.errors import DataError
from research.evaluation.periods import (
    frequency_word,
    intervention_period,
    parse_periods,
    season_applies,
)


@pytest.mark.parametrize(
    ("values", "frequency", "labels"),
    [
        (["Q42010", "Q12011", "Q22011"], "quarter", ["2010Q4", "2011Q1", "2011Q2"]),
        (["2010Q4", "2011Q1"], "quarter", ["2010Q4", "2011Q1"]),
        (["2010-Q4", "2011-Q1"], "quarter", ["2010Q4", "2011Q1"]),
        (["2010 Q4", "2011 q1"], "quarter", ["2010Q4", "2011Q1"]),
        (["2010年第4季度", "2011年第1季度"], "quarter", ["2010Q4", "2011Q1"]),
        (["2011-07", "2011-08"], "month", ["2011-07", "2011-08"]),
        (["2011/11", "2011/12", "2012/01"], "month", ["2011-11", "2011-12", "2012-01"]),
        (["2011年7月", "2011年8月"], "month", ["2011-07", "2011-08"]),
        (["2011-W52", "2012-W01"], "week", ["2011-W52", "2012-W01"]),
        ([1871, 1872], "year", ["1871", "1872"]),
        ([1871.0, 1872.0], "year", ["1871", "1872"]),
        (["1871", "1872"], "year", ["1871", "1872"]),
        (["2024-07-08", "2024-07-15"], "week", ["2024-07-08", "2024-07-15"]),
        (["2024-01-01", "2024-02-01"], "month", ["2024-01", "2024-02"]),
        (["2024-01-31", "2024-02-29"], "month", ["2024-01", "2024-02"]),
        (["2024-01-01", "2024-04-01"], "quarter", ["2024Q1", "2024Q2"]),
        (["2020-06-30", "2021-06-30"], "year", ["2020", "2021"]),
        (["2024-01-01", "2024-01-02"], "day", ["2024-01-01", "2024-01-02"]),
        ([1, 2, 3], "period", ["1", "2", "3"]),
    ],
)
def test_frequency_and_labels(values, frequency, labels):
    periods = parse_periods(pd.Series(values))
    assert periods.frequency == frequency
    assert [periods.label(i) for i in periods.index] == labels


def test_integer_years_are_never_nanoseconds():
    # A year column read as numbers must stay years (pd.to_datetime(1871) would be 1970 + 1871 ns).
    periods = parse_periods(pd.Series([1871, 1899, 1970]))
    assert periods.kind == "integer" and periods.values.tolist() == [1871, 1899, 1970]
    assert periods.index.tolist() == [0, 28, 99] and periods.label(28) == "1899"


def test_missing_periods_leave_gaps():
    assert parse_periods(pd.Series(["2011Q1", "2011Q3", "2012Q1"])).index.tolist() == [0, 2, 4]
    assert parse_periods(pd.Series(["2024-01-01", "2024-01-15"]), "week").index.tolist() == [0, 2]


def test_declared_frequency_for_period_numbers():
    periods = parse_periods(pd.Series([1, 2, 52, 53]), "week")
    assert periods.frequency == "week" and periods.index.tolist() == [0, 1, 51, 52]
    assert frequency_word("week", "en", plural=True) == "weeks" and frequency_word("quarter", "zh") == "季度"


@pytest.mark.parametrize(
    ("values", "row", "message"),
    [
        (["2011Q1", "2011Q2", "2011-07"], 4, "Not a quarter"),
        (["2011Q1", None], 3, "Missing time value"),
        ([2011.5, 2012.0], 2, "Not a whole number"),
        (["2011Q1", "soon"], 3, "Not a quarter"),
        (["tomorrow", "later"], 2, "Not a period or a date"),
    ],
)
def test_bad_time_values_name_their_row(values, row, message):
    with pytest.raises(DataError, match=message) as info:
        parse_periods(pd.Series(values), file="kpis.csv", column="t")
    assert info.value.row == row and info.value.column == "t"


def test_irregular_or_clashing_dates():
    with pytest.raises(DataError, match="10 days apart"):
        parse_periods(pd.Series(["2024-01-01", "2024-01-11"]))
    with pytest.raises(DataError, match="same week"):
        parse_periods(pd.Series(["2024-01-01", "2024-01-03", "2024-01-08"]), "week")


def test_intervention_in_the_form_of_the_time_column():
    quarters = parse_periods(pd.Series(["Q42010", "Q12011", "Q22011", "Q32011", "Q42011"]))
    assert {intervention_period(v, quarters) for v in ("Q32011", "2011Q3", "2011-Q3", "2011-08")} == {3}
    assert intervention_period(dt.date(2011, 7, 1), quarters) == 3
    with pytest.raises(DataError, match="not a quarter"):
        intervention_period(2011, quarters)  # a year names no single quarter
    years = parse_periods(pd.Series([1897.0, 1898.0, 1899.0]))
    assert intervention_period(1899, years) == intervention_period("1899", years) == 2
    weeks = parse_periods(pd.Series(["2025-06-30", "2025-07-07", "2025-07-14"]))
    # a date: the first period that starts on or after it
    assert intervention_period("2025-07-07", weeks) == 1 and intervention_period("2025-07-08", weeks) == 2
    assert intervention_period("2030-01-01", weeks) == 3  # after the series: caught by the loader


def test_seasons_need_a_cycle_and_two_of_them_on_each_side():
    quarters = parse_periods(pd.Series(pd.period_range("2010Q1", periods=16, freq="Q").astype(str)))
    assert season_applies(quarters, 8)[0] and not season_applies(quarters, 7)[0]
    years = parse_periods(pd.Series(np.arange(1900, 2000)))
    applies, reason = season_applies(years, 50)
    assert not applies and reason == "No seasonal terms: years have no seasonal cycle."
    weeks = parse_periods(pd.Series(pd.date_range("2024-07-08", periods=104, freq="7D")))
    applies, reason = season_applies(weeks, 52)
    assert not applies and "52 weeks before" in reason and "two full cycles" in reason
