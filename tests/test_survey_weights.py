"""Raking: exact margins, agreement with the log-linear (Poisson GLM) solution, clear failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from research import DataError
from research.survey import load_survey, mean_ci, rake
from research.weighting import design_effect, effective_n

MARGINS = {"sex": {"f": 0.5, "m": 0.5}, "age": {"young": 0.3, "middle": 0.4, "old": 0.3}}


def _sample() -> pd.DataFrame:
    # A 2 x 3 sample with unequal cell counts (women and the young over-represented).
    cells = {
        ("f", "young"): 30,
        ("f", "middle"): 25,
        ("f", "old"): 10,
        ("m", "young"): 10,
        ("m", "middle"): 15,
        ("m", "old"): 10,
    }
    rows = [key for key, count in cells.items() for _ in range(count)]
    return pd.DataFrame(rows, columns=["sex", "age"])


def test_raked_margins_match_the_targets_exactly():
    result = rake(_sample(), MARGINS, tolerance=1e-10)
    data = _sample().assign(w=result.weights)
    assert result.converged
    for variable, shares in MARGINS.items():
        weighted = data.groupby(variable)["w"].sum() / data["w"].sum()
        for category, share in shares.items():
            assert weighted[category] == pytest.approx(share, abs=1e-9)
    assert result.weights.mean() == pytest.approx(1.0)
    assert result.max_margin_error < 1e-10


def test_raking_equals_the_poisson_loglinear_fit():
    # Raking's fixed point is the log-linear model m_ij = n_ij * a_i * b_j whose margins are
    # the targets (Deming & Stephan 1940; Bishop, Fienberg & Holland 1975, ch. 3). statsmodels
    # fits it independently as a Poisson GLM with offset log(n_ij) on any table with the target
    # margins, here the independence table N * share_i * share_j.
    sample = _sample()
    result = rake(sample, MARGINS, tolerance=1e-12, max_iter=1000)
    cells = sample.value_counts().rename("count").reset_index()
    n = len(sample)
    target = n * cells["sex"].map(MARGINS["sex"]) * cells["age"].map(MARGINS["age"])
    design = pd.get_dummies(cells[["sex", "age"]], drop_first=True, dtype=float)
    fit = sm.GLM(
        target, sm.add_constant(design), family=sm.families.Poisson(), offset=np.log(cells["count"])
    ).fit(tol=1e-12)
    glm_weight = fit.fittedvalues / cells["count"]
    raked = sample.assign(w=result.weights).groupby(["sex", "age"])["w"].first()
    for (sex, age), weight in zip(cells[["sex", "age"]].itertuples(index=False), glm_weight, strict=True):
        assert raked[(sex, age)] == pytest.approx(weight / (fit.fittedvalues.sum() / n), rel=1e-8)


def test_diagnostics_use_kish_from_research_weighting():
    result = rake(_sample(), MARGINS)
    assert result.n_eff == pytest.approx(effective_n(result.weights))
    assert result.design_effect == pytest.approx(design_effect(result.weights))
    summary = result.summary().iloc[0]
    assert summary["n"] == 100 and summary["converged"]
    assert set(result.margins.columns) == {"variable", "category", "target", "sample_share", "weighted_share"}


def test_trimming_caps_weights_and_counts_them():
    sample = pd.DataFrame({"tier": ["gold"] * 60 + ["standard"] * 40})
    untrimmed = rake(sample, {"tier": {"gold": 0.1, "standard": 0.9}})
    assert untrimmed.weights.max() == pytest.approx(0.9 / 0.4)  # 2.25 x mean
    # Caps that make the margins unreachable fail clearly instead of returning wrong weights.
    with pytest.raises(DataError, match="did not converge"):
        rake(sample, {"tier": {"gold": 0.1, "standard": 0.9}}, trim=(0.3, 2.0))
    free = rake(_sample(), MARGINS)
    assert free.weights.max() > 1.6
    feasible = rake(_sample(), MARGINS, trim=(0.5, 1.6))
    assert feasible.converged and feasible.max_margin_error < 1e-6
    assert feasible.weights.max() == pytest.approx(1.6, abs=1e-4)  # capped, margins still met
    assert feasible.trimmed == (feasible.weights > 1.6 - 1e-4).sum() > 0


@pytest.mark.parametrize(
    ("data", "margins", "message"),
    [
        (pd.DataFrame({"sex": ["f", None]}), {"sex": {"f": 0.5, "m": 0.5}}, "Missing value"),
        (pd.DataFrame({"sex": ["f", "x"]}), {"sex": {"f": 0.5, "m": 0.5}}, "without a population margin"),
        (pd.DataFrame({"sex": ["f", "f"]}), {"sex": {"f": 0.5, "m": 0.5}}, "no respondents"),
        (pd.DataFrame({"sex": ["f", "m"]}), {"sex": {"f": 0.5, "m": 0.2}}, "do not sum to 1"),
        (pd.DataFrame({"age": ["f", "m"]}), {"sex": {"f": 0.5, "m": 0.5}}, "not a column"),
    ],
)
def test_bad_raking_input_gets_a_clear_error(data, margins, message):
    with pytest.raises(DataError, match=message):
        rake(data, margins)


def test_sample_weights_correct_the_gold_tier_overrepresentation():
    data = load_survey("sample", "before")
    result = data.weighting["before"]
    assert result.converged and result.max_margin_error < 1e-5
    tiers = result.margins.set_index(["variable", "category"])
    assert tiers.loc[("tier", "gold"), "sample_share"] > 0.18  # README: 22% of the sample
    assert tiers.loc[("tier", "gold"), "weighted_share"] == pytest.approx(0.10, abs=1e-5)
    # README truth: population mean 3.64, sample-composition mean 3.71; weighting moves towards 3.64.
    overall = data.responses["overall_sat"]
    weighted = mean_ci(overall, data.responses["weight"]).iloc[0]["estimate"]
    unweighted = mean_ci(overall).iloc[0]["estimate"]
    assert weighted < unweighted - 0.03
    assert abs(weighted - 3.64) < abs(unweighted - 3.64)
    assert 1.1 < result.design_effect < 1.6
