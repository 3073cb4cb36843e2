"""Regression to the mean (Barnett, van der Pols & Dobson 2005)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from research.errors import DataError
from research.evaluation import (
    RegressionToMeanWarning,
    regression_to_mean,
    retest_correlation,
    rtm_effect_cutoff,
)

SCORES = {"hotline": 2.9, "bill": 3.1, "store": 3.8, "app": 3.9, "website": 4.0, "wechat": 3.7}


def test_group_formula_recovers_simulated_regression_to_the_mean():
    # Independent check by simulation: units measured twice with correlation r and no change;
    # select the worst 20% at baseline; their mean rises by (1 - r) * (mu - selected mean).
    rng = np.random.default_rng(5)
    r, n = 0.6, 200_000
    cov = np.array([[1.0, r], [r, 1.0]]) * 0.5**2
    first, second = rng.multivariate_normal([3.5, 3.5], cov, size=n).T
    worst = first <= np.quantile(first, 0.2)
    observed = second[worst].mean() - first[worst].mean()
    units = pd.Series(first, index=[f"u{i}" for i in range(n)])
    res = regression_to_mean(units, units.index[worst], r=r, warn=False).iloc[0]
    assert res["expected_change"] == pytest.approx(observed, abs=0.004)
    assert res["selected_were_worst"]


def test_cutoff_formula_equals_truncated_normal_mean():
    # Barnett et al. (2005): RTM effect = sigma (1 - r) C with C = phi(z) / Phi(z) below a
    # cutoff; equivalently (1 - r) (mu - E[X | X < c]) with the truncated-normal mean (scipy).
    mu, sd, r, cut = 3.5, 0.5, 0.6, 3.0
    truncated_mean = stats.truncnorm.mean(-np.inf, (cut - mu) / sd, loc=mu, scale=sd)
    assert rtm_effect_cutoff(mu, sd, r, cut) == pytest.approx((1 - r) * (mu - truncated_mean))
    above = stats.truncnorm.mean((cut - mu) / sd, np.inf, loc=mu, scale=sd)
    assert rtm_effect_cutoff(mu, sd, r, cut, selected="above") == pytest.approx((1 - r) * (mu - above))


def test_expected_improvement_and_warning():
    with pytest.warns(RegressionToMeanWarning, match="chosen for scoring worst"):
        res = regression_to_mean(SCORES, ["hotline", "bill"], r=0.7, observed_change=0.35).iloc[0]
    overall = np.mean(list(SCORES.values()))
    expected = 0.3 * (overall - 3.0)
    assert res["expected_change"] == pytest.approx(expected)
    assert res["expected_apparent_improvement"] == pytest.approx(expected)
    assert res["observed_minus_expected"] == pytest.approx(0.35 - expected)
    assert res["share_expected"] == pytest.approx(expected / 0.35)


def test_no_warning_when_selection_was_not_on_worst_scores():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = regression_to_mean(SCORES, ["hotline", "website"], r=0.7).iloc[0]
    assert not res["selected_were_worst"]


def test_lower_is_better_kpi():
    # Wait times (lower is better): the longest waits were picked; they are expected to fall.
    waits = {"a": 300.0, "b": 120.0, "c": 150.0, "d": 130.0}
    with pytest.warns(RegressionToMeanWarning):
        res = regression_to_mean(waits, ["a"], r=0.5, higher_is_better=False, language="zh").iloc[0]
    assert res["expected_change"] == pytest.approx(0.5 * (175.0 - 300.0))
    assert res["expected_apparent_improvement"] == pytest.approx(62.5)
    assert "均值回归" in res["message"]


def test_r_estimated_from_retest_data():
    before = [3.1, 3.8, 4.2, 2.9, 3.5, 3.3]
    after = [3.3, 3.6, 4.0, 3.2, 3.6, 3.2]
    r = retest_correlation(before, after)
    assert r == pytest.approx(stats.pearsonr(before, after).statistic)
    res = regression_to_mean(
        SCORES, ["hotline"], retest=pd.DataFrame({"before": before, "after": after}), warn=False
    ).iloc[0]
    assert res["r"] == pytest.approx(r)


def test_rtm_errors():
    with pytest.raises(DataError, match="among the baseline"):
        regression_to_mean(SCORES, ["bank"], r=0.5)
    with pytest.raises(DataError, match="either r or retest"):
        regression_to_mean(SCORES, ["hotline"])
    with pytest.raises(DataError, match="between -1 and 1"):
        regression_to_mean(SCORES, ["hotline"], r=1.5)
    with pytest.raises(DataError, match="at least two"):
        regression_to_mean({"hotline": 2.9}, ["hotline"], r=0.5)
    with pytest.raises(DataError, match="three units"):
        retest_correlation([1, 2], [1, 2])
