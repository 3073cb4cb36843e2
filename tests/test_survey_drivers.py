"""Key driver analysis: coefficients, VIF, relative weights, Shapley/LMG, bootstrap."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm

from research.errors import DataError
from research.survey.drivers import (
    bootstrap_importance,
    key_drivers,
    r_squared,
    relative_weights,
    shapley_r2,
    standardized_coefficients,
)

# R's built-in `swiss` data (Mosteller & Tukey 1977, pp. 549-551; R datasets package): 47
# French-speaking Swiss provinces about 1888. Columns: Fertility, Agriculture, Examination,
# Education, Catholic, Infant.Mortality. Used by Grömping (2006, J. Stat. Softw. 17(1)) to
# illustrate relaimpo.
SWISS_COLUMNS = ["fertility", "agriculture", "examination", "education", "catholic", "infant_mortality"]
SWISS_ROWS = [
    (80.2, 17.0, 15, 12, 9.96, 22.2),
    (83.1, 45.1, 6, 9, 84.84, 22.2),
    (92.5, 39.7, 5, 5, 93.4, 20.2),
    (85.8, 36.5, 12, 7, 33.77, 20.3),
    (76.9, 43.5, 17, 15, 5.16, 20.6),
    (76.1, 35.3, 9, 7, 90.57, 26.6),
    (83.8, 70.2, 16, 7, 92.85, 23.6),
    (92.4, 67.8, 14, 8, 97.16, 24.9),
    (82.4, 53.3, 12, 7, 97.67, 21.0),
    (82.9, 45.2, 16, 13, 91.38, 24.4),
    (87.1, 64.5, 14, 6, 98.61, 24.5),
    (64.1, 62.0, 21, 12, 8.52, 16.5),
    (66.9, 67.5, 14, 7, 2.27, 19.1),
    (68.9, 60.7, 19, 12, 4.43, 22.7),
    (61.7, 69.3, 22, 5, 2.82, 18.7),
    (68.3, 72.6, 18, 2, 24.2, 21.2),
    (71.7, 34.0, 17, 8, 3.3, 20.0),
    (55.7, 19.4, 26, 28, 12.11, 20.2),
    (54.3, 15.2, 31, 20, 2.15, 10.8),
    (65.1, 73.0, 19, 9, 2.84, 20.0),
    (65.5, 59.8, 22, 10, 5.23, 18.0),
    (65.0, 55.1, 14, 3, 4.52, 22.4),
    (56.6, 50.9, 22, 12, 15.14, 16.7),
    (57.4, 54.1, 20, 6, 4.2, 15.3),
    (72.5, 71.2, 12, 1, 2.4, 21.0),
    (74.2, 58.1, 14, 8, 5.23, 23.8),
    (72.0, 63.5, 6, 3, 2.56, 18.0),
    (60.5, 60.8, 16, 10, 7.72, 16.3),
    (58.3, 26.8, 25, 19, 18.46, 20.9),
    (65.4, 49.5, 15, 8, 6.1, 22.5),
    (75.5, 85.9, 3, 2, 99.71, 15.1),
    (69.3, 84.9, 7, 6, 99.68, 19.8),
    (77.3, 89.7, 5, 2, 100.0, 18.3),
    (70.5, 78.2, 12, 6, 98.96, 19.4),
    (79.4, 64.9, 7, 3, 98.22, 20.2),
    (65.0, 75.9, 9, 9, 99.06, 17.8),
    (92.2, 84.6, 3, 3, 99.46, 16.3),
    (79.3, 63.1, 13, 13, 96.83, 18.1),
    (70.4, 38.4, 26, 12, 5.62, 20.3),
    (65.7, 7.7, 29, 11, 13.79, 20.5),
    (72.7, 16.7, 22, 13, 11.22, 18.9),
    (64.4, 17.6, 35, 32, 16.92, 23.0),
    (77.6, 37.6, 15, 7, 4.97, 20.0),
    (67.6, 18.7, 25, 7, 8.65, 19.5),
    (35.0, 1.2, 37, 53, 42.34, 18.0),
    (44.7, 46.6, 16, 29, 50.43, 18.2),
    (42.8, 27.7, 22, 29, 58.33, 19.3),
]
SWISS = pd.DataFrame(SWISS_ROWS, columns=SWISS_COLUMNS)
SWISS_DRIVERS = SWISS_COLUMNS[1:]

# R's built-in `mtcars` (Henderson & Velleman 1981), the columns used by the rwa vignette.
MTCARS = pd.DataFrame(
    [
        (21.0, 6, 160.0, 110, 4),
        (21.0, 6, 160.0, 110, 4),
        (22.8, 4, 108.0, 93, 4),
        (21.4, 6, 258.0, 110, 3),
        (18.7, 8, 360.0, 175, 3),
        (18.1, 6, 225.0, 105, 3),
        (14.3, 8, 360.0, 245, 3),
        (24.4, 4, 146.7, 62, 4),
        (22.8, 4, 140.8, 95, 4),
        (19.2, 6, 167.6, 123, 4),
        (17.8, 6, 167.6, 123, 4),
        (16.4, 8, 275.8, 180, 3),
        (17.3, 8, 275.8, 180, 3),
        (15.2, 8, 275.8, 180, 3),
        (10.4, 8, 472.0, 205, 3),
        (10.4, 8, 460.0, 215, 3),
        (14.7, 8, 440.0, 230, 3),
        (32.4, 4, 78.7, 66, 4),
        (30.4, 4, 75.7, 52, 4),
        (33.9, 4, 71.1, 65, 4),
        (21.5, 4, 120.1, 97, 3),
        (15.5, 8, 318.0, 150, 3),
        (15.2, 8, 304.0, 150, 3),
        (13.3, 8, 350.0, 245, 3),
        (19.2, 8, 400.0, 175, 3),
        (27.3, 4, 79.0, 66, 4),
        (26.0, 4, 120.3, 91, 5),
        (30.4, 4, 95.1, 113, 5),
        (15.8, 8, 351.0, 264, 5),
        (19.7, 6, 145.0, 175, 5),
        (15.0, 8, 301.0, 335, 5),
        (21.4, 4, 121.0, 109, 4),
    ],
    columns=["mpg", "cyl", "disp", "hp", "gear"],
)


def test_swiss_r_squared_matches_r():
    # R: summary(lm(Fertility ~ ., data = swiss)) prints "Multiple R-squared: 0.7067"
    # (example in R's ?swiss help page).
    assert r_squared(SWISS, "fertility", SWISS_DRIVERS) == pytest.approx(0.7067, abs=5e-5)


def test_swiss_vif_matches_car():
    # R: car::vif(lm(Fertility ~ ., data = swiss)) = 2.284129 3.675420 2.774943 1.937160
    # 1.107542 (widely reproduced output, e.g. the Johns Hopkins "Regression Models" course).
    table = standardized_coefficients(SWISS, "fertility", SWISS_DRIVERS)
    np.testing.assert_allclose(table["vif"], [2.284129, 3.675420, 2.774943, 1.937160, 1.107542], atol=5e-6)


def test_swiss_standardized_coefficients_from_r_estimates():
    # R: coef(lm(Fertility ~ ., swiss)) = -0.17211 (Agriculture), -0.25801, -0.87094, 0.10412,
    # 1.07705; the standardised coefficient is b * sd(x) / sd(y).
    raw = np.array([-0.17211, -0.25801, -0.87094, 0.10412, 1.07705])
    expected = raw * SWISS[SWISS_DRIVERS].std().to_numpy() / SWISS["fertility"].std()
    table = standardized_coefficients(SWISS, "fertility", SWISS_DRIVERS)
    np.testing.assert_allclose(table["estimate"], expected, rtol=1e-4)
    assert (table["n"] == 47).all()


def test_hc3_standard_errors_match_the_formula():
    # MacKinnon & White (1985) HC3: (X'X)^-1 X' diag(e_i^2 / (1 - h_ii)^2) X (X'X)^-1, computed
    # here independently with numpy on the z-scored swiss data.
    z = (SWISS - SWISS.mean()) / SWISS.std(ddof=0)
    x = np.column_stack([np.ones(47), z[SWISS_DRIVERS].to_numpy()])
    y = z["fertility"].to_numpy()
    xtx_inv = np.linalg.inv(x.T @ x)
    residuals = y - x @ (xtx_inv @ x.T @ y)
    leverage = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = x.T @ (x * (residuals**2 / (1 - leverage) ** 2)[:, None])
    se = np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))[1:]
    table = standardized_coefficients(SWISS, "fertility", SWISS_DRIVERS)
    np.testing.assert_allclose(table["se"], se, rtol=1e-8)


def _brute_force_lmg(df: pd.DataFrame, outcome: str, drivers: list[str]) -> np.ndarray:
    """LMG by definition: average R² gain over all p! orderings, each R² from a statsmodels fit."""
    cache: dict[frozenset, float] = {frozenset(): 0.0}

    def r2(subset: frozenset) -> float:
        if subset not in cache:
            cols = [d for d in drivers if d in subset]
            cache[subset] = sm.OLS(df[outcome], sm.add_constant(df[cols])).fit().rsquared
        return cache[subset]

    gains = np.zeros(len(drivers))
    orders = list(itertools.permutations(drivers))
    for order in orders:
        seen: frozenset = frozenset()
        for driver in order:
            gains[drivers.index(driver)] += r2(seen | {driver}) - r2(seen)
            seen = seen | {driver}
    return gains / len(orders)


def test_swiss_lmg_matches_brute_force_and_pingouin():
    table = shapley_r2(SWISS, "fertility", SWISS_DRIVERS)
    # Independent 1: all 120 orderings with statsmodels OLS fits.
    np.testing.assert_allclose(table["lmg"], _brute_force_lmg(SWISS, "fertility", SWISS_DRIVERS), atol=1e-10)
    # Independent 2: pingouin.linear_regression(relimp=True), documented as relaimpo's "lmg".
    reference = pg.linear_regression(SWISS[SWISS_DRIVERS], SWISS["fertility"], relimp=True)
    np.testing.assert_allclose(table["lmg"], reference["relimp"].iloc[1:], atol=1e-10)
    np.testing.assert_allclose(table["lmg_share"], reference["relimp_perc"].iloc[1:], atol=1e-8)
    # LMG sums to R² (0.7067, see above); Education is the most important driver.
    assert table["lmg"].sum() == pytest.approx(0.7067, abs=5e-5)
    assert table.loc[table["rank"] == 1, "driver"].item() == "education"
    assert table["lmg_share"].sum() == pytest.approx(100)


def test_relative_weights_match_rwa_vignette():
    # R package rwa (Chan, CRAN), vignette "Basic Usage": rwa(mtcars, outcome = "mpg",
    # predictors = c("cyl", "disp", "hp", "gear")) gives R² 0.7791896 and
    # Raw.RelWeight hp 0.2321744, cyl 0.2284797, disp 0.2221469, gear 0.0963886;
    # Rescaled.RelWeight 29.79691, 29.32274, 28.50999, 12.37037.
    table = relative_weights(MTCARS, "mpg", ["cyl", "disp", "hp", "gear"]).set_index("driver")
    expected_raw = {"hp": 0.2321744, "cyl": 0.2284797, "disp": 0.2221469, "gear": 0.0963886}
    expected_scaled = {"hp": 29.79691, "cyl": 29.32274, "disp": 28.50999, "gear": 12.37037}
    for driver, value in expected_raw.items():
        assert table.loc[driver, "raw_weight"] == pytest.approx(value, abs=5e-7)
        assert table.loc[driver, "rescaled_weight"] == pytest.approx(expected_scaled[driver], abs=5e-5)
    assert table["raw_weight"].sum() == pytest.approx(0.7791896, abs=5e-7)
    assert table.loc["hp", "rank"] == 1 and table.loc["gear", "rank"] == 4


def test_raw_weights_sum_to_r_squared_weighted_too():
    rng = np.random.default_rng(7)
    df = pd.DataFrame(rng.normal(size=(400, 4)), columns=list("abcd"))
    df["y"] = df.a + 0.5 * df.b + 0.5 * df.a * 0 + rng.normal(size=400)
    df["w"] = rng.uniform(0.5, 2.0, size=400)
    rw = relative_weights(df, "y", list("abcd"), weights="w")
    lmg = shapley_r2(df, "y", list("abcd"), weights="w")
    # Weighted R² from statsmodels WLS, an independent route.
    wls = sm.WLS(df.y, sm.add_constant(df[list("abcd")]), weights=df.w).fit()
    assert rw.raw_weight.sum() == pytest.approx(wls.rsquared, abs=1e-10)
    assert lmg.lmg.sum() == pytest.approx(wls.rsquared, abs=1e-10)


def test_pairwise_missing_uses_pairwise_correlations():
    rng = np.random.default_rng(8)
    df = pd.DataFrame(rng.normal(size=(600, 3)), columns=["hotline", "bill", "app"])
    df["overall"] = 0.6 * df.hotline + 0.3 * df.bill + rng.normal(size=600)
    for column in ["hotline", "bill", "app"]:
        df.loc[rng.random(600) < 0.3, column] = np.nan
    corr = df[["overall", "hotline", "bill", "app"]].corr().to_numpy()  # pandas: pairwise
    rxy = corr[1:, 0]
    expected = rxy @ np.linalg.solve(corr[1:, 1:], rxy)
    assert r_squared(df, "overall", ["hotline", "bill", "app"], missing="pairwise") == pytest.approx(expected)
    pairwise = relative_weights(df, "overall", ["hotline", "bill", "app"], missing="pairwise")
    assert pairwise.raw_weight.sum() == pytest.approx(expected)
    listwise = relative_weights(df, "overall", ["hotline", "bill", "app"])
    assert listwise["n"].iloc[0] == int(df.notna().all(axis=1).sum())


def test_bootstrap_is_seeded_and_matches_a_plain_loop():
    rng = np.random.default_rng(9)
    n = 250
    df = pd.DataFrame(rng.normal(size=(n, 3)), columns=["hotline", "bill", "app"])
    df["overall"] = 0.5 * df.hotline + 0.3 * df.bill + rng.normal(size=n)
    drivers = ["hotline", "bill", "app"]
    first = bootstrap_importance(df, "overall", drivers, n_boot=40, seed=5, chunk_size=7)
    again = bootstrap_importance(df, "overall", drivers, n_boot=40, seed=5, chunk_size=7)
    pd.testing.assert_frame_equal(first, again)
    # The same resamples drawn the plain way (row indices, then a refit per resample) give
    # the same percentile interval: replay the generator's draws chunk by chunk.
    replay = np.random.default_rng(5)
    plain = []
    for start in range(0, 40, 7):
        size = min(7, 40 - start)
        picks = replay.integers(0, n, size=(size, n), dtype=np.int32)
        for row in picks:
            plain.append(relative_weights(df.iloc[row], "overall", drivers).raw_weight.to_numpy())
    low, high = np.percentile(np.array(plain), [2.5, 97.5], axis=0)
    np.testing.assert_allclose(first["ci_low"], low, atol=1e-9)
    np.testing.assert_allclose(first["ci_high"], high, atol=1e-9)
    np.testing.assert_allclose(first["se"], np.std(plain, axis=0, ddof=1), atol=1e-9)


def test_bootstrap_shapley_and_pairwise_match_a_plain_loop():
    rng = np.random.default_rng(10)
    n = 200
    drivers = ["hotline", "bill", "app"]
    df = pd.DataFrame(rng.normal(size=(n, 3)), columns=drivers)
    df["overall"] = 0.6 * df.hotline + rng.normal(size=n)
    df.loc[rng.random(n) < 0.2, "app"] = np.nan
    boot = bootstrap_importance(
        df, "overall", drivers, method="shapley", n_boot=30, missing="pairwise", seed=2, chunk_size=30
    )
    full = shapley_r2(df, "overall", drivers, missing="pairwise")
    np.testing.assert_allclose(boot["estimate"], full["lmg"])
    picks = np.random.default_rng(2).integers(0, n, size=(30, n), dtype=np.int32)
    plain = np.array(
        [shapley_r2(df.iloc[row], "overall", drivers, missing="pairwise").lmg.to_numpy() for row in picks]
    )
    low, high = np.percentile(plain, [2.5, 97.5], axis=0)
    np.testing.assert_allclose(boot["ci_low"], low, atol=1e-9)
    np.testing.assert_allclose(boot["ci_high"], high, atol=1e-9)
    strongest = boot.set_index("driver").loc["hotline"]
    assert strongest.ci_low < strongest.estimate < strongest.ci_high


def test_key_drivers_table():
    kda = key_drivers(SWISS, "fertility", SWISS_DRIVERS, n_boot=50)
    assert kda.ranking()[0] == "education"
    assert kda.r_squared == pytest.approx(0.7067, abs=5e-5)
    assert {"beta", "vif", "rescaled_weight", "weight_ci_low", "lmg_share"} <= set(kda.table.columns)
    assert list(kda.table["rank"]) == sorted(kda.table["rank"])


def test_bad_input_errors():
    with pytest.raises(DataError, match="not found"):
        relative_weights(SWISS, "fertility", ["nope"])
    with pytest.raises(DataError, match="outcome cannot also be a driver"):
        relative_weights(SWISS, "fertility", ["fertility", "education"])
    collinear = SWISS.assign(education2=2 * SWISS.education)
    with pytest.raises(DataError, match="collinear"):
        relative_weights(collinear, "fertility", ["education", "education2"])
    text = SWISS.assign(catholic=SWISS.catholic.astype(str))
    with pytest.raises(DataError, match="numeric"):
        shapley_r2(text, "fertility", ["catholic"])
    many = pd.DataFrame(np.random.default_rng(0).normal(size=(50, 14)), columns=[f"x{i}" for i in range(14)])
    with pytest.raises(DataError, match="limited to 12"):
        shapley_r2(many, "x0", [f"x{i}" for i in range(1, 14)])


def test_hc3_inference_uses_t_with_residual_df():
    # lmtest::coeftest(fit, vcov = vcovHC(fit, "HC3")) in R tests b / se against t with n - p - 1
    # df (here 47 - 5 - 1 = 41); recomputed with scipy from the table's own estimate and HC3 SE.
    from scipy import stats

    table = standardized_coefficients(SWISS, "fertility", SWISS_DRIVERS)
    t = table["estimate"] / table["se"]
    np.testing.assert_allclose(table["p_value"], 2 * stats.t.sf(np.abs(t), 41), rtol=1e-9)
    half = stats.t.ppf(0.975, 41) * table["se"]
    np.testing.assert_allclose(table["ci_low"], table["estimate"] - half, rtol=1e-9)
    np.testing.assert_allclose(table["ci_high"], table["estimate"] + half, rtol=1e-9)
