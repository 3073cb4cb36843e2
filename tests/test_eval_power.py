"""Power, sample size and minimum detectable effects (means, proportions, NPS)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_effectsize

from research.errors import DataError
from research.evaluation import mde_means, mde_nps, mde_proportion, power_means, power_proportions


def _p2_for_h(p1: float, h: float) -> float:
    return math.sin(math.asin(math.sqrt(p1)) + h / 2) ** 2


def test_gpower_two_sample_t_a_priori():
    # G*Power 3.1 (Faul et al. 2007), t tests - means: difference between two independent means,
    # a priori: d = 0.5, alpha = 0.05 two-tailed, power 0.80, allocation 1 -> n = 64 per group
    # (total 128, actual power 0.8015).
    assert power_means(effect_size=0.5, power=0.8).at[0, "solved"] == 64
    assert power_means(effect_size=0.5, n=64).at[0, "solved"] == pytest.approx(0.8015, abs=5e-5)


def test_gpower_paired_t_a_priori():
    # G*Power 3.1, means: difference between two dependent means (matched pairs), d_z = 0.5,
    # alpha 0.05 two-tailed, power 0.80 -> 34 pairs (actual power 0.808).
    assert power_means(effect_size=0.5, power=0.8, paired=True).at[0, "solved"] == 34
    assert power_means(effect_size=0.5, n=34, paired=True).at[0, "solved"] == pytest.approx(0.808, abs=5e-4)


def test_power_means_agrees_with_pingouin():
    # pingouin.power_ttest is an independent implementation (noncentral t).
    assert power_means(effect_size=0.3, n=100).at[0, "solved"] == pytest.approx(
        pg.power_ttest(d=0.3, n=100), rel=1e-6
    )
    d = power_means(effect_size=None, n=100, power=0.9).at[0, "solved"]
    assert d == pytest.approx(pg.power_ttest(n=100, power=0.9), rel=1e-4)
    unequal = power_means(effect_size=0.4, n=80, ratio=1.5).at[0, "solved"]
    assert unequal == pytest.approx(pg.power_ttest2n(nx=80, ny=120, d=0.4), rel=1e-6)


def test_power_grid_returns_a_table():
    table = power_means(effect_size=[0.2, 0.5, 0.8], power=0.8)
    assert isinstance(table, pd.DataFrame)
    assert table["solved"].tolist() == [394, 64, 26]  # G*Power: 394, 64, 26 per group


@pytest.mark.parametrize(("h", "n_cohen"), [(0.2, 392), (0.5, 63), (0.8, 25)])
def test_cohen_table_6_4_1_two_proportions(h, n_cohen):
    # Cohen (1988), Statistical Power Analysis, Table 6.4.1 (a2 = .05, power .80): n per sample
    # 392 / 63 / 25 for h = .2 / .5 / .8. Cohen rounds to the nearest integer, we round up.
    n = power_proportions(0.5, _p2_for_h(0.5, h), power=0.8).at[0, "solved"]
    assert abs(n - n_cohen) <= 1
    assert n >= n_cohen


def test_power_proportions_solves_each_unknown():
    p2 = _p2_for_h(0.3, 0.5)
    assert proportion_effectsize(p2, 0.3) == pytest.approx(0.5)
    power = power_proportions(0.3, p2, n=63).at[0, "solved"]
    assert power == pytest.approx(0.80, abs=0.005)
    assert power_proportions(0.3, None, n=63, power=power).at[0, "solved"] == pytest.approx(p2, rel=1e-6)


def test_mde_means_is_detectable_d_times_sd():
    d = pg.power_ttest(n=200, power=0.8)
    assert mde_means(200, sd=0.9) == pytest.approx(d * 0.9, rel=1e-4)
    assert mde_means(50, sd=0.6, paired=True) == pytest.approx(
        pg.power_ttest(n=50, power=0.8, contrast="paired") * 0.6, rel=1e-4
    )


def test_mde_proportion_both_directions():
    up = mde_proportion(0.2, 500)
    down = mde_proportion(0.2, 500, direction="decrease")
    assert up > 0 > down
    assert power_proportions(0.2, 0.2 + up, n=500).at[0, "solved"] == pytest.approx(0.8, abs=1e-6)
    assert power_proportions(0.2, 0.2 + down, n=500).at[0, "solved"] == pytest.approx(0.8, abs=1e-6)
    assert abs(down) < up  # variance shrinks towards 0, so a decrease is easier to detect


def test_mde_nps_formula_and_simulated_power():
    # Trinomial variance of the NPS (Rocks 2016): pP + pD - (pP - pD)^2 = 0.56 for 40%/20%.
    mde = mde_nps(0.4, 0.2, 1000)
    z = stats.norm.isf(0.025) + stats.norm.ppf(0.8)
    assert mde == pytest.approx(100 * z * math.sqrt(2 * 0.56 / 1000))
    # Monte Carlo check: a true shift of MDE points (promoters up, detractors down equally)
    # is detected about 80% of the time by the two-sample z-test.
    rng = np.random.default_rng(11)
    shift = mde / 200
    before = rng.multinomial(1000, [0.4, 0.4, 0.2], size=4000)
    after = rng.multinomial(1000, [0.4 + shift, 0.4, 0.2 - shift], size=4000)

    def nps_and_var(counts):
        p, d = counts[:, 0] / 1000, counts[:, 2] / 1000
        return p - d, (p + d - (p - d) ** 2) / 1000

    (nb, vb), (na, va) = nps_and_var(before), nps_and_var(after)
    detected = np.abs(na - nb) / np.sqrt(va + vb) > stats.norm.isf(0.025)
    assert detected.mean() == pytest.approx(0.8, abs=0.03)


def test_power_errors():
    with pytest.raises(DataError, match="exactly one"):
        power_means(effect_size=0.5, n=20, power=0.8)
    with pytest.raises(DataError, match="exactly one"):
        power_means(effect_size=0.5)
    with pytest.raises(DataError, match="share"):
        power_proportions(50, 0.6, power=0.8)
    with pytest.raises(DataError, match="standard deviation"):
        mde_means(100, sd=0)
    with pytest.raises(DataError, match="more than 1"):
        mde_nps(0.7, 0.5, 100)


def test_one_sided_solutions_point_the_tested_way():
    # Independent check: the solved after-proportion must have the requested power under the same
    # one-sided test, which statsmodels' NormalIndPower computes from Cohen's h directly.
    from statsmodels.stats.power import NormalIndPower

    p2 = power_proportions(0.3, None, n=200, power=0.8, alternative="smaller").at[0, "solved"]
    assert p2 < 0.3
    h = proportion_effectsize(p2, 0.3)
    power = NormalIndPower().power(h, nobs1=200, alpha=0.05, alternative="smaller")
    assert power == pytest.approx(0.8, abs=1e-4)
    down = mde_proportion(0.3, 200, direction="decrease", alternative="smaller")
    assert down == pytest.approx(p2 - 0.3, rel=1e-9)
    up = mde_proportion(0.3, 200, alternative="larger")
    assert power_proportions(0.3, 0.3 + up, n=200, alternative="larger").at[0, "solved"] == pytest.approx(
        0.8, abs=1e-4
    )
    with pytest.raises(DataError, match="other direction"):
        mde_proportion(0.3, 200, direction="decrease", alternative="larger")
