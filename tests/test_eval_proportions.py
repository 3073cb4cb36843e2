"""proportion_difference: Newcombe (1998) hybrid score interval and the pooled z-test."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from research.errors import DataError
from research.evaluation import proportion_difference

# Newcombe, R. G. (1998). Interval estimation for the difference between independent
# proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890, Table II,
# method 10 (score interval without continuity correction, "hybrid score"), for p1 - p2 with
# (x1/n1, x2/n2) as listed. Our function reports after minus before, so we pass Newcombe's second
# sample as "before": the interval is the same.
NEWCOMBE_TABLE_II = [
    # (x1, n1, x2, n2, lower, upper)
    (56, 70, 48, 80, 0.0524, 0.3339),  # (a)
    (9, 10, 3, 10, 0.1705, 0.8090),  # (b)
    (6, 7, 2, 7, 0.0582, 0.8062),  # (c)
    (5, 56, 0, 29, -0.0381, 0.1926),  # (d)
    (0, 10, 0, 20, -0.1611, 0.2775),  # (e)
    (10, 10, 0, 20, 0.6791, 1.0000),  # (f)
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "lower", "upper"), NEWCOMBE_TABLE_II)
def test_newcombe_method_10_matches_table_ii(x1, n1, x2, n2, lower, upper):
    res = proportion_difference(x2, n2, x1, n1)  # after = Newcombe's first sample
    row = res.iloc[0]
    assert row["difference"] == pytest.approx(x1 / n1 - x2 / n2)
    assert row["ci_low"] == pytest.approx(lower, abs=5e-5)
    assert row["ci_high"] == pytest.approx(upper, abs=5e-5)


def test_direction_is_after_minus_before():
    res = proportion_difference(20, 100, 30, 100).iloc[0]
    assert res["difference"] == pytest.approx(0.10)
    assert (res["p1"], res["p2"], res["n1"], res["n2"]) == (0.2, 0.3, 100, 100)
    mirrored = proportion_difference(30, 100, 20, 100).iloc[0]
    assert mirrored["ci_low"] == pytest.approx(-res["ci_high"])
    assert mirrored["ci_high"] == pytest.approx(-res["ci_low"])


def test_z_test_equals_pearson_chi_square_without_correction():
    # The pooled two-proportion z-test is Pearson's chi-square on the 2x2 table (z^2 = chi2);
    # scipy computes the latter independently.
    res = proportion_difference(48, 80, 56, 70).iloc[0]
    chi2, p, _, _ = stats.chi2_contingency(np.array([[48, 32], [56, 14]]), correction=False)
    assert res["z"] ** 2 == pytest.approx(chi2, rel=1e-10)
    assert res["p_value"] == pytest.approx(p, rel=1e-10)


def test_wald_se_reported():
    res = proportion_difference(48, 80, 56, 70).iloc[0]
    assert res["se"] == pytest.approx(np.sqrt(0.6 * 0.4 / 80 + 0.8 * 0.2 / 70))


def test_degenerate_waves_have_no_p_value_but_an_interval():
    res = proportion_difference(0, 20, 0, 10).iloc[0]
    assert np.isnan(res["p_value"])
    # after = 0/10, before = 0/20: Newcombe's example (e), p1 - p2 with p1 = 0/10.
    assert res["ci_low"] == pytest.approx(-0.1611, abs=5e-5)
    assert res["ci_high"] == pytest.approx(0.2775, abs=5e-5)


@pytest.mark.parametrize(
    ("args", "column"),
    [
        ((5, 0, 3, 10), "n1"),
        ((11, 10, 3, 10), "x1"),
        ((0.5, 10, 3, 10), "x1"),
        ((5, 10, -1, 10), "x2"),
    ],
)
def test_bad_counts_raise_data_error(args, column):
    with pytest.raises(DataError) as info:
        proportion_difference(*args)
    assert info.value.column == column
    assert info.value.hint


def test_bad_confidence_level():
    with pytest.raises(DataError, match="confidence level"):
        proportion_difference(5, 10, 6, 10, ci=95)
