"""Verdict rules and the multiplicity-adjusted verdict table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import research
from research.errors import DataError
from research.evaluation import proportion_difference, verdict, verdict_table
from research.multitest import adjust_pvalues


@pytest.mark.parametrize(
    ("estimate", "low", "high", "threshold", "higher", "expected"),
    [
        (0.40, 0.20, 0.60, 0.25, True, "improved"),  # CI > 0, estimate >= threshold
        (0.40, 0.20, 0.60, 0.25, False, "worsened"),  # same numbers, lower is better
        (-90, -110, -70, 30, False, "improved"),  # wait time down 90 s
        (-0.40, -0.60, -0.20, 0.25, True, "worsened"),
        (0.02, -0.05, 0.09, 0.25, True, "no detectable change"),  # equivalence band
        (0.05, 0.01, 0.09, 0.25, True, "no detectable change"),  # significant but negligible
        (0.20, -0.10, 0.50, 0.25, True, "inconclusive"),  # too wide
        (0.15, 0.05, 0.30, 0.25, True, "inconclusive"),  # real, maybe not relevant
        (0.30, -0.05, 0.65, 0.25, True, "inconclusive"),  # CI includes 0
        (0.25, 0.10, 0.40, 0.25, True, "improved"),  # estimate exactly at threshold
        (np.nan, np.nan, np.nan, 0.25, True, "inconclusive"),
    ],
)
def test_verdict_rules(estimate, low, high, threshold, higher, expected):
    assert verdict(estimate, low, high, threshold, higher_is_better=higher) == expected


def test_verdict_rejects_bad_threshold_and_interval():
    with pytest.raises(DataError, match="threshold"):
        verdict(0.1, 0.0, 0.2, -1)
    with pytest.raises(DataError, match="lower bound"):
        verdict(0.1, 0.2, 0.0, 0.1)


def _results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi": ["wait_time", "fcr", "satisfaction", "complaint_rate"],
            "touchpoint": ["hotline", "hotline", "hotline", "store"],
            "estimate": [-90.0, 0.06, 0.30, 0.10],
            "ci_low": [-110.0, 0.01, 0.02, -0.30],
            "ci_high": [-70.0, 0.11, 0.58, 0.50],
            "p_value": [1e-6, 0.018, 0.035, 0.62],
            "unit": ["s", "", "points", "per 1,000"],
        }
    )


THRESHOLDS = {"wait_time": 30, "fcr": 0.05, "satisfaction": 0.2, "complaint_rate": 0.5}
HIGHER = {"wait_time": False, "fcr": True, "satisfaction": True, "complaint_rate": False}


def test_verdict_table_holm_decides_directional_claims():
    out = verdict_table(_results(), THRESHOLDS, HIGHER, language="en")
    # Holm (1979) via research.multitest, checked against the shared helper.
    assert out["p_adjusted"].tolist() == pytest.approx(adjust_pvalues(_results()["p_value"], "holm"))
    assert out["p_adjusted"].tolist() == pytest.approx([4e-6, 0.054, 0.07, 0.62])
    # fcr and satisfaction pass the CI rule (CI excludes 0, estimate >= threshold) but not Holm.
    assert out["verdict"].tolist() == ["improved", "inconclusive", "inconclusive", "inconclusive"]
    assert "multiple comparisons" in out.loc[1, "sentence"]
    unadjusted = verdict_table(_results(), THRESHOLDS, HIGHER, language="en", padjust="none")
    assert unadjusted["verdict"].tolist() == ["improved", "improved", "improved", "inconclusive"]


def test_verdict_table_fdr_option():
    out = verdict_table(_results(), THRESHOLDS, HIGHER, language="en", padjust="fdr")
    # Benjamini-Hochberg: 0.018 * 4/2 = 0.036, 0.035 * 4/3 = 0.0467 -> both below 0.05.
    assert out["p_adjusted"].tolist() == pytest.approx([4e-6, 0.036, 0.04667, 0.62], abs=1e-5)
    assert out["verdict"].tolist() == ["improved", "improved", "improved", "inconclusive"]


def test_sentences_in_both_languages():
    en = verdict_table(_results(), THRESHOLDS, HIGHER, language="en")
    assert en.loc[0, "sentence"] == (
        "hotline · wait_time: improved, down 90 s (95% CI -110 to -70), "
        "at least the practical threshold of 30 s."
    )
    zh = verdict_table(_results(), THRESHOLDS, HIGHER, language="zh", study=research.load_study("sample"))
    assert zh.loc[0, "touchpoint_label"] == "客服热线"
    assert zh.loc[0, "verdict_label"] == "改善"
    assert zh.loc[0, "sentence"] == (
        "客服热线 · wait_time：改善，下降 90 s（95% 置信区间 -110 至 -70），达到实际意义阈值 30 s。"
    )
    assert "尚无定论" in zh.loc[3, "sentence"]


def test_no_detectable_change_sentence():
    rows = pd.DataFrame(
        {
            "kpi": ["nps"],
            "estimate": [0.5],
            "ci_low": [-1.5],
            "ci_high": [2.5],
            "p_value": [0.6],
            "unit": ["points"],
            "kpi_label": ["NPS"],
        }
    )
    out = verdict_table(rows, thresholds=5, higher_is_better=True, language="en")
    assert out.loc[0, "verdict"] == "no detectable change"
    assert out.loc[0, "sentence"] == (
        "NPS: no detectable change; the 95% CI -1.5 to 2.5 lies within ±5.0 points."
    )


def test_compare_proportions_rows_feed_the_table():
    row = proportion_difference(480, 800, 560, 700).assign(kpi="fcr", touchpoint="hotline")
    out = verdict_table(row, thresholds=0.05, higher_is_better=True, language="en")
    assert out.loc[0, "estimate"] == pytest.approx(0.2)
    assert out.loc[0, "verdict"] == "improved"


def test_verdict_table_errors():
    with pytest.raises(DataError, match="lacks columns"):
        verdict_table(pd.DataFrame({"kpi": ["a"], "estimate": [1.0]}), 0.1)
    with pytest.raises(DataError, match="No thresholds"):
        verdict_table(_results(), {"wait_time": 30}, HIGHER)
    with pytest.raises(DataError, match="language"):
        verdict_table(_results(), THRESHOLDS, HIGHER, language="fr")


def test_threshold_and_direction_columns_apply_row_by_row():
    # The same KPI for two touchpoints with different thresholds / directions (as when tables of
    # several touchpoints are stacked): each row must be judged by its own settings.
    rows = pd.DataFrame(
        {
            "kpi": ["score", "score"],
            "touchpoint": ["hotline", "store"],
            "estimate": [0.3, 0.3],
            "ci_low": [0.1, 0.1],
            "ci_high": [0.5, 0.5],
            "p_value": [0.001, 0.001],
            "threshold": [0.2, 0.5],
            "higher_is_better": [True, False],
        }
    )
    out = verdict_table(rows, language="en")
    assert out["threshold"].tolist() == [0.2, 0.5]
    assert out["higher_is_better"].tolist() == [True, False]
    # hotline: CI above 0 and 0.3 >= 0.2 -> improved; store (lower is better): 0.3 up is bad but
    # below its 0.5 threshold, and the interval reaches past it -> inconclusive.
    assert out["verdict"].tolist() == ["improved", "inconclusive"]


def test_demotion_by_the_rows_own_test_is_not_blamed_on_multiplicity():
    # A Newcombe interval can exclude 0 while the pooled z-test is not significant (different
    # methods); with one row there is no multiple-comparison correction to blame.
    rows = pd.DataFrame(
        {"kpi": ["fcr"], "estimate": [0.2], "ci_low": [0.01], "ci_high": [0.39], "p_value": [0.06]}
    )
    out = verdict_table(rows, thresholds=0.1, higher_is_better=True, language="en")
    assert out.loc[0, "verdict"] == "inconclusive"
    assert "multiple comparisons" not in out.loc[0, "sentence"]
    assert out.loc[0, "sentence"].endswith("The test is not significant (p = 0.060).")
    zh = verdict_table(rows, thresholds=0.1, higher_is_better=True, language="zh")
    assert zh.loc[0, "sentence"].endswith("检验不显著（p = 0.060）。")
