"""Importance-performance analysis (Martilla & James 1977)."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import DataError
from research.survey.importance_performance import QUADRANTS, ipa, quadrant_label

# Martilla & James (1977, J. Marketing 41(1), Fig. 1): quadrant A = high importance / fair
# performance "Concentrate here", B = high / excellent "Keep up the good work", C = low / fair
# "Low priority", D = low / excellent "Possible overkill".
IMPORTANCE = pd.Series(
    {
        "hotline": 28.0,
        "bill": 21.0,
        "home_install": 14.0,
        "store": 16.0,
        "app": 9.0,
        "website": 6.0,
        "wechat": 4.0,
        "complaints": 2.0,
    }
)
PERFORMANCE = pd.Series(
    {
        "hotline": 2.9,
        "bill": 3.2,
        "home_install": 3.3,
        "store": 3.8,
        "app": 3.9,
        "website": 3.6,
        "wechat": 3.7,
        "complaints": 2.8,
    }
)


def test_quadrants_at_the_means():
    table = ipa(IMPORTANCE, PERFORMANCE).set_index("item")
    # Crosshairs: mean importance 12.5, mean performance 3.4.
    assert table["importance_cut"].iloc[0] == pytest.approx(12.5)
    assert table["performance_cut"].iloc[0] == pytest.approx(3.4)
    assert table.loc["hotline", "quadrant"] == "concentrate_here"
    assert table.loc["bill", "quadrant"] == "concentrate_here"
    assert table.loc["home_install", "quadrant"] == "concentrate_here"
    assert table.loc["store", "quadrant"] == "keep_up_the_good_work"
    assert table.loc["complaints", "quadrant"] == "low_priority"
    assert table.loc["app", "quadrant"] == "possible_overkill"
    assert list(table.index[:2]) == ["hotline", "bill"]  # sorted by importance


def test_median_crosshair_and_ties_count_as_high():
    table = ipa(IMPORTANCE, PERFORMANCE, centre="median").set_index("item")
    # Medians of the 8 values: (9 + 14) / 2 and (3.3 + 3.6) / 2.
    assert table["importance_cut"].iloc[0] == pytest.approx(11.5)
    assert table["performance_cut"].iloc[0] == pytest.approx(3.45)
    assert table.loc["home_install", "quadrant"] == "concentrate_here"
    skewed = ipa(
        pd.Series({"a": 1.0, "b": 2.0, "c": 30.0}), pd.Series({"a": 3.0, "b": 3.0, "c": 3.0}), centre="median"
    ).set_index("item")
    assert skewed.loc["b", "quadrant"] == "keep_up_the_good_work"  # b is below the mean (11) only
    tie = ipa(pd.Series({"a": 1.0, "b": 3.0}), pd.Series({"a": 2.0, "b": 2.0})).set_index("item")
    assert tie.loc["a", "quadrant"] == "possible_overkill"  # performance on the line = high


def test_labels_in_both_languages():
    zh = ipa(IMPORTANCE, PERFORMANCE, language="zh")
    assert set(zh["quadrant_label"]) <= {"重点改进", "继续保持", "低优先级", "过度投入"}
    assert quadrant_label("keep_up_the_good_work") == "Keep up the good work"
    assert quadrant_label("possible_overkill", "zh") == "过度投入"
    assert len(QUADRANTS) == 4


def test_bad_input():
    with pytest.raises(DataError, match="same items"):
        ipa(IMPORTANCE, PERFORMANCE.drop("bill"))
    with pytest.raises(DataError, match="crosshair"):
        ipa(IMPORTANCE, PERFORMANCE, centre="mode")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="at least two"):
        ipa(IMPORTANCE[:1], PERFORMANCE[:1])
