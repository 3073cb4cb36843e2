"""Group comparisons: Welch ANOVA + Games-Howell, Kruskal-Wallis + Dunn, chi-square."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from research.errors import DataError
from research.survey.compare import (
    compare_means,
    compare_proportions,
    compare_ranks,
    cramers_v,
    dunn_test,
    epsilon_squared,
    omega_squared,
)

# Pain threshold by hair colour (McClave & Dietrich 1991), bundled with pingouin as
# pg.read_dataset("anova"); 19 subjects in 4 groups.
PAIN = pg.read_dataset("anova").rename(columns={"Hair color": "hair", "Pain threshold": "pain"})

# Zar (2010), Biostatistical Analysis 5th ed., Example 11.x: pH in four ponds (one value
# missing), as used by FSA's dunnTest tests. Bonferroni-adjusted two-sided Dunn p-values
# from UniStat (quoted in FSA's tests/testthat): 2-1 0.1956, 3-1 0.0191, 3-2 1,
# 4-1 0.0166, 4-2 1, 4-3 1.
PONDS = pd.DataFrame(
    {
        "pond": np.repeat([1, 2, 3, 4], 8),
        "ph": [
            7.68,
            7.69,
            7.70,
            7.70,
            7.72,
            7.73,
            7.73,
            7.76,
            7.71,
            7.73,
            7.74,
            7.74,
            7.78,
            7.78,
            7.80,
            7.81,
            7.74,
            7.75,
            7.77,
            7.78,
            7.80,
            7.81,
            7.84,
            np.nan,
            7.71,
            7.71,
            7.74,
            7.79,
            7.81,
            7.85,
            7.87,
            7.91,
        ],
    }
)

# Agresti (2007), An Introduction to Categorical Data Analysis 2nd ed., Table 2.5: party
# identification by gender (General Social Survey); Pearson X^2 = 30.07, df = 2.
PARTY = pd.DataFrame(
    [("democrat", "female")] * 762
    + [("democrat", "male")] * 484
    + [("independent", "female")] * 327
    + [("independent", "male")] * 239
    + [("republican", "female")] * 468
    + [("republican", "male")] * 477,
    columns=["party", "gender"],
)


def test_welch_anova_matches_pingouin_documentation():
    # pingouin docs, welch_anova example on this data: F = 5.890, ddof2 = 8.330, p = 0.0188.
    result = compare_means(PAIN, "pain", "hair")
    row = result.omnibus.iloc[0]
    assert row.statistic == pytest.approx(5.890, abs=5e-4)
    assert row.df2 == pytest.approx(8.330, abs=5e-4)
    assert row.p_value == pytest.approx(0.0188, abs=5e-5)
    assert row.n == 19 and row.k == 4


def test_eta_and_omega_squared_from_the_anova_table():
    # pingouin docs, anova(detailed=True) on this data: SS_between 1360.726, SS_within
    # 1001.800, df 3 and 15, MS_within 66.787, eta^2 0.576. Omega^2 by Hays' formula.
    result = compare_means(PAIN, "pain", "hair").omnibus.iloc[0]
    assert result.eta_squared == pytest.approx(0.5760, abs=5e-5)
    expected_omega = (1360.726 - 3 * 66.787) / (1360.726 + 1001.800 + 66.787)
    assert result.omega_squared == pytest.approx(expected_omega, abs=1e-5)
    assert omega_squared(PAIN, "pain", "hair") == pytest.approx(0.4777, abs=5e-5)


def test_games_howell_pairs_and_intervals():
    result = compare_means(PAIN, "pain", "hair", padjust="holm")
    pairs = result.pairwise
    assert len(pairs) == 6
    # pingouin docs, pairwise_gameshowell on this data: Dark Brunette vs Light Blond
    # diff -21.8, p = 0.0148 (studentized range), the only GH pair with p < 0.05 besides
    # Light Blond vs Light Brunette (0.0378).
    row = pairs[(pairs.group_a == "Dark Brunette") & (pairs.group_b == "Light Blond")].iloc[0]
    assert row.difference == pytest.approx(-21.8)
    assert row.p_games_howell == pytest.approx(0.0148, abs=5e-5)
    # The simultaneous Games-Howell interval excludes 0 exactly when its p-value < 0.05.
    excludes_zero = (pairs.ci_low > 0) | (pairs.ci_high < 0)
    assert (excludes_zero == (pairs.p_games_howell < 0.05)).all()
    # p_value is the unadjusted Welch t-test; Holm on top of it.
    welch = stats.ttest_ind(
        PAIN.pain[PAIN.hair == "Dark Brunette"], PAIN.pain[PAIN.hair == "Light Blond"], equal_var=False
    )
    assert row.p_value == pytest.approx(welch.pvalue, rel=1e-9)
    assert (pairs.p_adjusted >= pairs.p_value).all()
    assert "significantly higher in Light Blond than in Dark Brunette" in row.reading


def test_kruskal_wallis_and_epsilon_squared():
    # pingouin docs, kruskal on this data: H = 10.589, p = 0.0142.
    result = compare_ranks(PAIN, "pain", "hair").omnibus.iloc[0]
    assert result.statistic == pytest.approx(10.589, abs=5e-4)
    assert result.p_value == pytest.approx(0.0142, abs=5e-5)
    # Tomczak & Tomczak (2014): epsilon^2 = H / (n - 1).
    assert result.epsilon_squared == pytest.approx(10.58863 / 18, abs=1e-5)
    assert epsilon_squared(10.58863, 19) == pytest.approx(0.58826, abs=1e-5)


def test_dunn_matches_zar_ponds_published_values():
    table = dunn_test(PONDS, "ph", "pond", padjust="bonferroni")
    got = {(int(r.group_b), int(r.group_a)): round(r.p_adjusted, 4) for r in table.itertuples()}
    expected = {(2, 1): 0.1956, (3, 1): 0.0191, (3, 2): 1.0, (4, 1): 0.0166, (4, 2): 1.0, (4, 3): 1.0}
    assert got == expected
    assert len(PONDS.dropna()) == 31


def test_dunn_tie_correction_against_kruskal():
    # With two groups Dunn's z^2 equals the tie-corrected Kruskal-Wallis H (scipy).
    df = pd.DataFrame({"x": [1, 2, 2, 3, 3, 3, 4, 4, 5, 5], "g": list("aaaaabbbbb")})
    z = dunn_test(df, "x", "g").statistic.iloc[0]
    assert z**2 == pytest.approx(stats.kruskal([1, 2, 2, 3, 3], [3, 4, 4, 5, 5]).statistic)


def test_chi_square_and_cramers_v_match_agresti():
    result = compare_proportions(PARTY, "gender", "party", success="female")
    row = result.omnibus.iloc[0]
    assert row.statistic == pytest.approx(30.07, abs=5e-3)
    assert row.df1 == 2 and row.n == 2757
    assert row.cramers_v == pytest.approx(np.sqrt(30.0701 / 2757), abs=1e-4)
    assert cramers_v([[762, 327, 468], [484, 239, 477]]) == pytest.approx(row.cramers_v)
    # Democrat vs Republican female share: 762/1246 vs 468/945.
    pairs = result.pairwise.set_index(["group_a", "group_b"])
    pair = pairs.loc[("democrat", "republican")]
    assert pair.difference == pytest.approx(762 / 1246 - 468 / 945)
    assert pair.ci_low < pair.difference < pair.ci_high
    assert pair.significant


def test_newcombe_interval_published_value():
    # Newcombe (1998), Stat Med 17:873-890, Table II example (a): 56/70 vs 48/80,
    # method 10 (hybrid score) interval 0.0524 to 0.3339.
    df = pd.DataFrame({"yes": [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32, "g": ["a"] * 70 + ["b"] * 80})
    pair = compare_proportions(df, "yes", "g", success=1).pairwise.iloc[0]
    assert pair.ci_low == pytest.approx(0.0524, abs=5e-5)
    assert pair.ci_high == pytest.approx(0.3339, abs=5e-5)


def test_fdr_option_and_chinese_reading():
    labels = {
        "Light Blond": "浅金发",
        "Dark Brunette": "深棕发",
        "Dark Blond": "深金发",
        "Light Brunette": "浅棕发",
    }
    holm = compare_means(PAIN, "pain", "hair", padjust="holm")
    fdr = compare_means(
        PAIN, "pain", "hair", padjust="fdr", language="zh", dv_label="疼痛阈值", group_labels=labels
    )
    assert (fdr.pairwise.p_adjusted <= holm.pairwise.p_adjusted + 1e-12).all()
    row = fdr.pairwise.set_index(["group_a", "group_b"]).loc[("Dark Brunette", "Light Blond")]
    assert row.reading.startswith("浅金发的疼痛阈值显著高于深棕发（差值 21.80，95% CI")
    assert fdr.details["padjust"] == "fdr"


def test_bad_input():
    with pytest.raises(DataError, match="at least two groups"):
        compare_means(PAIN.assign(hair="x"), "pain", "hair")
    with pytest.raises(DataError, match="Column not found"):
        compare_ranks(PAIN, "nope", "hair")
    with pytest.raises(DataError, match="Non-numeric"):
        compare_means(PAIN.assign(pain=PAIN.pain.astype(str).replace("62", "sixty-two")), "pain", "hair")
    with pytest.raises(DataError, match="same answer"):
        compare_proportions(PARTY, "gender", "party", success="other")


def test_interval_matches_the_correction_for_none_and_bonferroni():
    # With padjust="none" the pairwise interval is the plain Welch t interval, which scipy
    # computes independently (ttest_ind(equal_var=False).confidence_interval); it excludes 0
    # exactly when the unadjusted p < 0.05, and the reading does not call p "adjusted".
    plain = compare_means(PAIN, "pain", "hair", padjust="none").pairwise
    row = plain[(plain.group_a == "Dark Blond") & (plain.group_b == "Dark Brunette")].iloc[0]
    welch = stats.ttest_ind(
        PAIN.pain[PAIN.hair == "Dark Blond"], PAIN.pain[PAIN.hair == "Dark Brunette"], equal_var=False
    )
    interval = welch.confidence_interval(0.95)
    assert (row.ci_low, row.ci_high) == pytest.approx((interval.low, interval.high), rel=1e-9)
    assert row.p_value == pytest.approx(welch.pvalue, rel=1e-9) and row.significant  # p = 0.0388
    assert "p = 0.039" in row.reading and "adjusted" not in row.reading
    for pairs in (plain, compare_means(PAIN, "pain", "hair", padjust="bonferroni").pairwise):
        excludes_zero = (pairs.ci_low > 0) | (pairs.ci_high < 0)
        assert (excludes_zero == pairs.significant).all()
    # Bonferroni over the 6 pairs: the Welch interval at level 1 - 0.05 / 6 (scipy again).
    bonferroni = compare_means(PAIN, "pain", "hair", padjust="bonferroni").pairwise.iloc[0]
    wide = welch.confidence_interval(1 - 0.05 / 6)
    assert (bonferroni.ci_low, bonferroni.ci_high) == pytest.approx((wide.low, wide.high), rel=1e-9)
    assert "adjusted p = 0.233" in bonferroni.reading  # 6 x 0.0388


def test_pairwise_z_test_equals_the_two_by_two_chi_square():
    # Pearson's chi-square of the 2x2 table equals z^2 of the pooled two-proportion z-test
    # (Agresti 2007, sec. 2.4.1); scipy computes the chi-square independently.
    pairs = compare_proportions(PARTY, "gender", "party", success="female").pairwise
    pair = pairs.set_index(["group_a", "group_b"]).loc[("democrat", "republican")]
    chi2, p, _, _ = stats.chi2_contingency([[762, 1246 - 762], [468, 945 - 468]], correction=False)
    assert pair.statistic**2 == pytest.approx(chi2, rel=1e-9)
    assert pair.p_value == pytest.approx(p, rel=1e-9)


def test_boolean_success_on_a_rating_scale_is_refused():
    # True == 1 in pandas: on a 1-5 item success=True would silently compare the share of 1s.
    df = pd.DataFrame({"overall_sat": [1, 2, 5, 4, 5, 3], "tier": list("aabbcc")})
    with pytest.raises(DataError, match="yes/no"):
        compare_proportions(df, "overall_sat", "tier")
    top_two = df.assign(top=(df.overall_sat >= 4).astype(int))
    binary = compare_proportions(top_two, "top", "tier", success=True)
    assert binary.groups["successes"].tolist() == [0, 2, 1]
