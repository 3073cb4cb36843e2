"""Experience consistency: spread across touchpoints and online/offline channel gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from research import load_study
from research.errors import DataError
from research.survey.consistency import channel_gap, channel_gaps, experience_spread, spread_by_segment
from research.survey.data import load_survey

ITEMS = pd.DataFrame(
    {
        "item": ["app_speed", "web_speed", "store_wait", "hotline_wait", "store_staff"],
        "touchpoint": ["app", "website", "store", "hotline", "store"],
        "attribute": ["speed", "speed", "speed", "speed", "friendliness"],
    }
)
CHANNELS = {"app": "online", "website": "online", "store": "offline", "hotline": "offline"}


def _responses(n: int = 200, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.normal(3.5, 0.6, size=n)
    frame = pd.DataFrame(
        {
            "app_speed": base + 0.4 + rng.normal(0, 0.5, n),
            "web_speed": base + 0.3 + rng.normal(0, 0.5, n),
            "store_wait": base + rng.normal(0, 0.5, n),
            "hotline_wait": base - 0.3 + rng.normal(0, 0.5, n),
            "store_staff": base + rng.normal(0, 0.5, n),
            "weight": rng.uniform(0.5, 2, n),
        }
    )
    frame.loc[rng.random(n) < 0.3, "web_speed"] = np.nan
    frame.loc[rng.random(n) < 0.2, "hotline_wait"] = np.nan
    frame.loc[rng.random(n) < 0.1, ["app_speed", "web_speed"]] = np.nan
    return frame


def test_spread_matches_numpy():
    scores = pd.DataFrame({"a": [1, 5, 3, np.nan], "b": [2, 5, np.nan, 1], "c": [4, 4, np.nan, np.nan]})
    sd = experience_spread(scores)
    assert sd.iloc[0] == pytest.approx(np.std([1, 2, 4], ddof=1))
    assert sd.iloc[1] == pytest.approx(np.std([5, 5, 4], ddof=1))
    assert np.isnan(sd.iloc[2]) and np.isnan(sd.iloc[3])
    assert experience_spread(scores, measure="range").iloc[0] == 3
    assert experience_spread(scores, min_touchpoints=3).notna().sum() == 2


def test_spread_by_segment_intervals():
    rng = np.random.default_rng(3)
    scores = pd.DataFrame(rng.integers(1, 6, size=(300, 4)).astype(float), columns=list("abcd"))
    segment = pd.Series(rng.choice(["east", "west"], 300))
    table = spread_by_segment(scores, segment, labels={"east": "华东", "west": "西部"})
    spread = experience_spread(scores)
    east = spread[segment == "east"]
    row = table.set_index("segment").loc["east"]
    # Unweighted: the t interval of the mean (scipy as the independent reference).
    low, high = stats.t.interval(0.95, len(east) - 1, loc=east.mean(), scale=stats.sem(east))
    assert row.estimate == pytest.approx(east.mean())
    assert row.ci_low == pytest.approx(low) and row.ci_high == pytest.approx(high)
    assert row.label == "华东"
    assert table.iloc[-1]["segment"] == "all" and table.iloc[-1]["n"] == 300


def test_channel_gap_equals_paired_t_test():
    responses = _responses()
    gap = channel_gap(responses, ITEMS, CHANNELS, "speed").iloc[0]
    online = responses[["app_speed", "web_speed"]].mean(axis=1)
    offline = responses[["store_wait", "hotline_wait"]].mean(axis=1)
    both = online.notna() & offline.notna()
    # Student's paired t-test (scipy.stats.ttest_rel) as the independent reference.
    reference = stats.ttest_rel(online[both], offline[both])
    assert gap.gap == pytest.approx((online - offline)[both].mean())
    assert gap.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert gap.n == both.sum()
    assert gap.online_items == "app_speed, web_speed"
    assert gap.ci_low < gap.gap < gap.ci_high
    assert 0.3 < gap.gap < 0.7  # planted: online about +0.5 above offline on speed


def test_weighted_channel_gap():
    responses = _responses()
    gap = channel_gap(responses, ITEMS, CHANNELS, "speed", weights="weight").iloc[0]
    online = responses[["app_speed", "web_speed"]].mean(axis=1)
    offline = responses[["store_wait", "hotline_wait"]].mean(axis=1)
    both = online.notna() & offline.notna()
    expected = np.average((online - offline)[both], weights=responses.weight[both])
    assert gap.gap == pytest.approx(expected)
    assert gap.n_eff < gap.n


def test_channel_gap_needs_both_channels():
    with pytest.raises(DataError, match="both online and offline"):
        channel_gap(_responses(), ITEMS, CHANNELS, "friendliness")


def test_channel_gaps_on_the_sample_study():
    study = load_study("sample")
    data = load_survey(study, "before")
    gaps = channel_gaps(data, {t.id: t.channel for t in study.touchpoints}).set_index("attribute")
    assert "speed" in gaps.index
    assert (gaps["n"] > 100).all()
    assert np.isfinite(gaps[["gap", "ci_low", "ci_high"]].to_numpy()).all()


def test_weighted_channel_gap_se_is_the_wls_sandwich():
    # The weighted gap's SE is the Taylor-linearised SE of a weighted mean, which equals the HC1
    # sandwich SE of the intercept of a WLS fit (statsmodels, independent); p from t with n - 1 df.
    import statsmodels.api as sm

    responses = _responses()
    gap = channel_gap(responses, ITEMS, CHANNELS, "speed", weights="weight").iloc[0]
    online = responses[["app_speed", "web_speed"]].mean(axis=1)
    offline = responses[["store_wait", "hotline_wait"]].mean(axis=1)
    both = online.notna() & offline.notna()
    diff = (online - offline)[both].to_numpy()
    fit = sm.WLS(diff, np.ones_like(diff), weights=responses.weight[both].to_numpy()).fit(cov_type="HC1")
    assert gap.se == pytest.approx(fit.bse[0])
    assert gap.p_value == pytest.approx(2 * stats.t.sf(abs(fit.params[0] / fit.bse[0]), both.sum() - 1))
