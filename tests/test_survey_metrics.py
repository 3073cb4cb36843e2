"""Survey metrics against hand computations from published formulas and independent packages."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from research import DataError
from research.survey import (
    bottom_box,
    ces,
    csat,
    load_survey,
    mean_ci,
    nps,
    nps_difference,
    outcome_summary,
    scorecard,
    top_box,
)

# 263 trials, 81 successes: Newcombe (1998), Statistics in Medicine 17:857-872, Table I,
# method 3 (Wilson score interval without continuity correction): 0.2553 to 0.3662.
NEWCOMBE_SUCCESSES, NEWCOMBE_N = 81, 263


def test_nps_wald_matches_the_trinomial_variance_by_hand():
    # 120 promoters, 50 passives, 30 detractors (n = 200). Rocks (2016), The American
    # Statistician 70(4), eq. 2: Var(NPS) = (pP + pD - (pP - pD)^2) / n.
    scores = [10] * 70 + [9] * 50 + [8] * 30 + [7] * 20 + [6] * 10 + [0] * 20
    p, d, n = 120 / 200, 30 / 200, 200
    se = np.sqrt((p + d - (p - d) ** 2) / n)  # sqrt(0.5475 / 200) = 0.052321
    z = stats.norm.ppf(0.975)
    row = nps(scores).iloc[0]
    assert row["nps"] == pytest.approx(45.0)
    assert row["se"] == pytest.approx(100 * se, abs=1e-9)
    assert row["se"] == pytest.approx(5.2321, abs=1e-4)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * (0.45 - z * se), 100 * (0.45 + z * se)))
    assert (row["promoters"], row["passives"], row["detractors"]) == pytest.approx((0.60, 0.25, 0.15))
    assert row["n"] == 200 and row["n_eff"] == pytest.approx(200)


def test_nps_equals_the_mean_of_minus_one_zero_plus_one_codes():
    # MeasuringU "trinomial means" (Sauro & Lewis 2021): NPS is the mean of -1/0/+1 codes, and the
    # Wald variance is that variable's population variance / n: an independent route via numpy.
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 11, size=500).astype(float)
    coded = np.where(scores >= 9, 1, np.where(scores <= 6, -1, 0))
    row = nps(scores).iloc[0]
    assert row["nps"] == pytest.approx(100 * coded.mean())
    assert row["se"] == pytest.approx(100 * coded.std(ddof=0) / np.sqrt(len(coded)))


def test_nps_adjusted_wald_adds_three_quarters_and_three():
    # Adjusted-Wald (Rocks 2016; Sauro & Lewis 2016, Quantifying the User Experience, 2nd ed.):
    # add 3/4 to promoters and detractors and 3 to n. 6 promoters, 2 passives, 2 detractors.
    scores = [10] * 6 + [8] * 2 + [5] * 2
    p, d, m = (6 + 0.75) / 13, (2 + 0.75) / 13, 13
    se = np.sqrt((p + d - (p - d) ** 2) / m)
    z = stats.norm.ppf(0.975)
    row = nps(scores, method="adjusted_wald").iloc[0]
    assert row["nps"] == pytest.approx(40.0)  # the reported score stays unadjusted
    assert row["se"] == pytest.approx(100 * se)
    assert row["ci_low"] == pytest.approx(100 * (p - d - z * se))
    assert row["ci_high"] == pytest.approx(100 * (p - d + z * se))


def test_nps_weights_are_not_frequency_counts():
    scores = np.array([10, 10, 8, 3, 3, 9])
    weights = np.array([2.0, 1.0, 1.0, 1.0, 0.5, 0.5])
    row = nps(scores, weights).iloc[0]
    p, d = 3.5 / 6, 1.5 / 6
    n_eff = 6**2 / np.sum(weights**2)  # Kish: 36 / 7.5 = 4.8
    assert row["nps"] == pytest.approx(100 * (p - d))
    assert row["n_eff"] == pytest.approx(4.8)
    assert row["se"] == pytest.approx(100 * np.sqrt((p + d - (p - d) ** 2) / n_eff))
    # Doubling every weight changes nothing: weights are relative, not counts.
    assert nps(scores, 2 * weights).iloc[0]["se"] == pytest.approx(row["se"])


def test_nps_rejects_out_of_range_and_drops_missing():
    with pytest.raises(DataError, match="outside the scale"):
        nps([10, 99, 5])
    assert nps([10, np.nan, 5]).iloc[0]["n"] == 2


def test_nps_difference_z_test_by_hand():
    a = [10] * 50 + [7] * 30 + [3] * 20  # NPS 30, Var 0.61/100
    b = [10] * 40 + [7] * 30 + [3] * 30  # NPS 10, Var 0.69/100
    se = np.sqrt(0.61 / 100 + 0.69 / 100)
    z = 0.20 / se
    row = nps_difference(a, b).iloc[0]
    assert row["difference"] == pytest.approx(20.0)
    assert row["se"] == pytest.approx(100 * se)
    assert row["z"] == pytest.approx(z)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(z))


def test_wilson_interval_reproduces_newcombe_table():
    values = [5] * NEWCOMBE_SUCCESSES + [3] * (NEWCOMBE_N - NEWCOMBE_SUCCESSES)
    row = top_box(values, scale_max=5).iloc[0]
    assert row["estimate"] == pytest.approx(81 / 263)
    assert row["ci_low"] == pytest.approx(0.2553, abs=5e-5)
    assert row["ci_high"] == pytest.approx(0.3662, abs=5e-5)
    low, high = proportion_confint(81, 263, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_bottom_box_and_csat_use_the_same_wilson_interval():
    values = [1] * 20 + [2] * 10 + [4] * 50 + [5] * 20
    bottom = bottom_box(values, scale_min=1).iloc[0]
    low, high = proportion_confint(30, 100, method="wilson")
    assert bottom["estimate"] == pytest.approx(0.30)
    assert (bottom["ci_low"], bottom["ci_high"]) == pytest.approx((low, high))
    satisfied = csat(values).iloc[0]
    low, high = proportion_confint(70, 100, method="wilson")
    assert satisfied["estimate"] == pytest.approx(70.0)
    assert (satisfied["ci_low"], satisfied["ci_high"]) == pytest.approx((100 * low, 100 * high))


def test_weighted_wilson_uses_effective_n():
    values = np.array([5, 5, 4, 2, 1, 3, 5, 4])
    weights = np.array([3.0, 1, 1, 1, 1, 1, 0.5, 0.5])
    row = top_box(values, 5, weights=weights).iloc[0]
    share = weights[values >= 4].sum() / weights.sum()
    n_eff = weights.sum() ** 2 / np.sum(weights**2)
    low, high = proportion_confint(share * n_eff, n_eff, method="wilson")
    assert row["estimate"] == pytest.approx(share)
    assert row["n_eff"] == pytest.approx(n_eff)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_mean_ci_unweighted_matches_statsmodels_t_interval():
    values = np.array([3, 4, 5, 2, 4, 4, 5, 1, 3, 4], dtype=float)
    row = mean_ci(values).iloc[0]
    reference = sm.stats.DescrStatsW(values)
    assert row["estimate"] == pytest.approx(3.5)
    assert row["se"] == pytest.approx(reference.std_mean)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(reference.tconfint_mean())


def test_weighted_mean_se_is_the_linearised_sandwich_of_wls():
    # Taylor linearisation (Lumley 2010, sec. 2.3) equals the HC1 sandwich SE of the intercept
    # of a weighted least-squares fit: statsmodels computes it independently.
    rng = np.random.default_rng(7)
    values = rng.integers(1, 6, size=80).astype(float)
    weights = rng.uniform(0.3, 3.0, size=80)
    row = mean_ci(values, weights).iloc[0]
    fit = sm.WLS(values, np.ones_like(values), weights=weights).fit(cov_type="HC1")
    assert row["estimate"] == pytest.approx(fit.params[0])
    assert row["se"] == pytest.approx(fit.bse[0])


def test_ces_checks_its_scale():
    assert ces([7, 6, 5, 6, 2]).iloc[0]["estimate"] == pytest.approx(5.2)
    with pytest.raises(DataError, match="Effort answer outside"):
        ces([8, 6])


def test_scorecard_on_the_sample_recovers_the_planted_hotline_gain():
    data = load_survey("sample")
    card = scorecard(data).set_index(["wave", "touchpoint"])
    gain = card.loc[("after", "hotline"), "mean"] - card.loc[("before", "hotline"), "mean"]
    assert gain == pytest.approx(0.36, abs=0.1)  # README truth: +0.36 (population)
    # Untreated touchpoints do not move beyond sampling noise.
    for touchpoint in ("store", "app", "website"):
        change = card.loc[("after", touchpoint), "mean"] - card.loc[("before", touchpoint), "mean"]
        assert abs(change) < 0.12
    assert {"n", "n_eff", "top_box", "top_box_ci_low", "bottom_box_ci_high"} <= set(card.columns)
    assert (card["n_eff"] <= card["n"]).all()
    by_tier = scorecard(data.wave("before"), by="tier", weighted=False)
    assert set(by_tier["tier"]) == {"standard", "silver", "gold"}


def test_outcome_summary_nps_rises_after_the_improvement():
    summary = outcome_summary(load_survey("sample")).set_index(["wave", "metric"])
    rise = summary.loc[("after", "nps"), "estimate"] - summary.loc[("before", "nps"), "estimate"]
    assert 0 < rise < 20  # README truth: +8.5 points in the population; SE of the difference ~4
    before = load_survey("sample", "before").responses["overall_sat"].dropna()
    unweighted = outcome_summary(load_survey("sample", "before"), weighted=False).set_index("metric")
    assert unweighted.loc["csat", "estimate"] == pytest.approx(100 * (before >= 4).mean())
    assert unweighted.loc["overall_mean", "estimate"] == pytest.approx(before.mean())


def test_nps_difference_adjusted_wald_is_centred_on_the_adjusted_scores():
    # Adjusted-Wald per group (3/4 added to promoters and detractors, 3 to n; Sauro & Lewis,
    # measuringu.com/nps-significance-test): the 3/4s cancel in P - D, so the adjusted NPS is
    # (P - D) / (n + 3). a: 6 P, 2 D of 10; b: 3 P, 4 D of 10.
    a = [10] * 6 + [8] * 2 + [5] * 2
    b = [9] * 3 + [7] * 3 + [2] * 4
    pa, da, pb, db = 6.75 / 13, 2.75 / 13, 3.75 / 13, 4.75 / 13
    se = np.sqrt((pa + da - (pa - da) ** 2) / 13 + (pb + db - (pb - db) ** 2) / 13)
    centre = (pa - da) - (pb - db)  # 0.4 * 10 / 13 - (-0.1 * 10 / 13) = 5 / 13
    z = stats.norm.ppf(0.975)
    row = nps_difference(a, b, method="adjusted_wald").iloc[0]
    assert row["difference"] == pytest.approx(50.0)  # unadjusted 40 - (-10)
    assert row["se"] == pytest.approx(100 * se)
    expected = (100 * (centre - z * se), 100 * (centre + z * se))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected)
    assert row["z"] == pytest.approx(centre / se)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(centre / se))


def test_box_shares_refuse_codes_outside_the_declared_scale():
    # 99 = "don't know" must not silently count as "not in the bottom box".
    with pytest.raises(DataError, match="outside the scale"):
        bottom_box([1, 2, 5, 99], scale_min=1, scale_max=5)
    with pytest.raises(DataError, match="outside the scale"):
        top_box([1, 5, -9], scale_max=5, scale_min=1)
    with pytest.raises(DataError, match="outside the scale"):
        csat([1, 5, 0], scale_min=1)
    assert bottom_box([1, 2, 5, 4], scale_min=1, scale_max=5).iloc[0]["estimate"] == pytest.approx(0.5)


def test_weighted_scorecard_row_by_hand():
    # One scorecard row recomputed with numpy from the touchpoint scores and weights: weighted
    # mean, weighted top-2 share (score >= 4 on 1-5), and Kish's n_eff.
    data = load_survey("sample", "before")
    card = scorecard(data).set_index("touchpoint").loc["hotline"]
    scores = data.touchpoint_scores()["hotline"]
    keep = scores.notna()
    x, w = scores[keep].to_numpy(), data.responses.loc[keep, "weight"].to_numpy()
    assert card["mean"] == pytest.approx(np.average(x, weights=w))
    assert card["top_box"] == pytest.approx(w[x >= 4].sum() / w.sum())
    assert card["bottom_box"] == pytest.approx(w[x <= 2].sum() / w.sum())
    assert card["n"] == keep.sum() and card["n_eff"] == pytest.approx(w.sum() ** 2 / np.sum(w**2))


def test_scorecard_nps_of_each_touchpoints_users_by_hand():
    # NPS among the respondents who rated the touchpoint (its users), recomputed with numpy:
    # 100 x (share answering 9-10 - share answering 0-6) of the 0-10 recommendation item.
    data = load_survey("sample", "before")
    card = scorecard(data, weighted=False).set_index("touchpoint")
    scores = data.touchpoint_scores()
    for touchpoint in ("hotline", "complaints"):
        users = scores[touchpoint].notna()
        answers = data.responses.loc[users, "recommend"].dropna().to_numpy()
        expected = 100 * ((answers >= 9).mean() - (answers <= 6).mean())
        assert card.loc[touchpoint, "nps"] == pytest.approx(expected)
        assert card.loc[touchpoint, "nps_n"] == len(answers)
        assert card.loc[touchpoint, "nps_ci_low"] < expected < card.loc[touchpoint, "nps_ci_high"]
