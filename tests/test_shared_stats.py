"""Shared statistics helpers: multiple-testing correction and Kish effective n."""

from __future__ import annotations

import numpy as np
import pytest

from research import DataError
from research.multitest import adjust_pvalues
from research.weighting import design_effect, effective_n

# Benjamini & Hochberg (1995), J. R. Stat. Soc. B 57(1), section 4: 15 p-values from a
# myocardial-infarction study. At level 0.05 the Bonferroni-type procedures reject 3
# hypotheses and the FDR procedure rejects 4.
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.000,
]


def test_benjamini_hochberg_example():
    fdr = adjust_pvalues(BH_1995, "fdr")
    assert int((fdr <= 0.05).sum()) == 4
    # Adjusted value of the 4th: min_j>=4 p_j * 15 / j = 0.0095 * 15 / 4.
    assert fdr[3] == pytest.approx(0.0095 * 15 / 4, abs=1e-12)
    holm = adjust_pvalues(BH_1995, "holm")
    assert int((holm <= 0.05).sum()) == 3
    assert holm[2] == pytest.approx(0.0019 * 13, abs=1e-12)


def test_nan_kept_and_not_counted():
    adjusted = adjust_pvalues([0.01, np.nan, 0.02], "bonferroni")
    assert np.isnan(adjusted[1])
    assert adjusted[0] == pytest.approx(0.02) and adjusted[2] == pytest.approx(0.04)


def test_unknown_method():
    with pytest.raises(DataError, match="holm"):
        adjust_pvalues([0.1], "sidak")  # type: ignore[arg-type]


def test_kish_effective_n():
    # Kish (1965) Survey Sampling, sec. 11.7: n_eff = (sum w)^2 / sum w^2; deff = 1 + cv^2.
    weights = np.array([0.5, 1.0, 1.0, 2.0, 2.5])
    assert effective_n(weights) == pytest.approx(49 / 12.5)
    cv2 = weights.var() / weights.mean() ** 2
    assert design_effect(weights) == pytest.approx(1 + cv2)
    assert effective_n(np.ones(10)) == 10


def test_negative_weights_rejected():
    with pytest.raises(DataError, match="non-negative"):
        effective_n([1, -1])
