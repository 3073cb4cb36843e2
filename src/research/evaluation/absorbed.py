"""Least squares with fixed effects absorbed, as fixest does, and the pieces of its wild bootstrap.

Fixed effects (unit, period, ...) are never dummy columns: the outcome and the regressors are
demeaned by all of them with the alternating-projections algorithm of fixest (Bergé 2018), as
implemented by pyfixest's ``demean`` (compiled core; the same routine ``pyfixest.feols`` uses).
The regression on the demeaned columns has the same coefficients as the dummy regression
(Frisch-Waugh-Lovell), and memory grows with rows x regressors, not rows x units.

Standard errors follow fixest's documented defaults (``ssc(adj = TRUE, fixef.K = "nested",
cluster.adj = TRUE)``, as pyfixest 0.60 ``ssc()``):

- ``cluster`` (CR1): ``G / (G - 1) * (n - 1) / (n - K)`` with ``K`` the regressors plus the
  fixed-effect levels, minus the levels of fixed effects nested in the clusters (each fully
  nested fixed effect then adds one back), minus one per fixed effect after the first; t(G - 1)
  reference. A unit fixed effect with unit clusters therefore does not count, which is why the
  SE is slightly smaller than statsmodels' on dummy columns (that counts every dummy);
- ``HC1``: ``n / (n - K)`` with every fixed-effect level counted; t(n - K) reference (fixest
  "hetero");
- ``nonrobust``: residual variance ``RSS / (n - K)``, every level counted; t(n - K).

The wild cluster bootstrap works on cluster-level sums (:func:`wcr_pieces`): the fixed effect
nested in the clusters is projected out exactly (the bootstrap weights are constant within it),
the other fixed effects enter as sparse indicator columns whose cluster sums are cluster x level
cell sums, so nothing of size rows x levels or clusters x draws x rows is ever built.

References
----------
Bergé (2018), "Efficient estimation of maximum likelihood models with multiple fixed-effects:
the R package FENmlm", CREA Discussion Paper 13; fixest documentation, ``?ssc`` and the
"On standard errors" vignette; Roodman, MacKinnon, Nielsen & Webb (2019), Stata Journal 19(1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats

from research import defaults
from research.checks import check_ci
from research.errors import DataError

CovType = Literal["cluster", "HC1", "nonrobust"]


def fe_codes(data: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Integer codes (n x m, uint64) of the fixed-effect columns, for :func:`demean`.

    Parameters
    ----------
    data : DataFrame
        The table holding the fixed-effect columns.
    columns : list of str
        The fixed-effect columns.

    Returns
    -------
    ndarray
        One column of codes per fixed effect.

    Examples
    --------
    >>> fe_codes(pd.DataFrame({"u": ["b", "a", "b"]}), ["u"]).ravel().tolist()
    [1, 0, 1]
    """
    return np.column_stack([pd.factorize(data[c], sort=True)[0] for c in columns]).astype(np.uint64)


def demean(values: np.ndarray, codes: np.ndarray, *, tol: float = 1e-10) -> np.ndarray:
    """Columns of *values* with the fixed effects *codes* projected out (pyfixest's ``demean``).

    Examples
    --------
    >>> x = np.array([[1.0], [3.0], [5.0], [9.0]])
    >>> demean(x, np.array([[0], [0], [1], [1]], dtype=np.uint64)).ravel().tolist()
    [-1.0, 1.0, -2.0, 2.0]
    """
    from pyfixest.estimation import demean as _pf_demean

    values = np.ascontiguousarray(values, dtype=float)
    if codes.shape[1] == 0:
        return values.copy()
    out, converged = _pf_demean(
        values, np.ascontiguousarray(codes, dtype=np.uint64), np.ones(len(values)), tol=tol, maxiter=100_000
    )
    if not converged:
        raise DataError(
            "The fixed effects could not be absorbed (the alternating projections did not converge)",
            hint="Check for fixed effects that split the data into many tiny disconnected groups.",
        )
    return out


def _nested(codes: np.ndarray, clusters: np.ndarray) -> bool:
    """True when every level of *codes* lies in a single cluster."""
    frame = pd.DataFrame({"fe": codes, "cl": clusters})
    return bool(frame.groupby("fe")["cl"].nunique().max() == 1)


@dataclass
class AbsorbedFit:
    """OLS with absorbed fixed effects (see :func:`absorbed_ols`)."""

    names: list[str]
    params: np.ndarray
    cov: np.ndarray
    df_t: float | None
    n: int
    n_clusters: int | None
    df_k: int
    cov_type: str
    # what the wild bootstrap needs
    y: np.ndarray = field(repr=False)
    X: np.ndarray = field(repr=False)
    y_dm: np.ndarray = field(repr=False)
    X_dm: np.ndarray = field(repr=False)
    codes: np.ndarray = field(repr=False)
    cluster_codes: np.ndarray | None = field(repr=False)
    nested: list[bool] = field(default_factory=list, repr=False)

    @property
    def bse(self) -> np.ndarray:
        """Standard errors of the coefficients."""
        return np.sqrt(np.diag(self.cov))

    @property
    def tvalues(self) -> np.ndarray:
        """The t statistics of the coefficients."""
        return self.params / self.bse

    @property
    def pvalues(self) -> np.ndarray:
        """Two-sided p-values of the coefficients (t(df_t), normal without df_t)."""
        t = np.abs(self.tvalues)
        if self.df_t is None:
            return 2 * stats.norm.sf(t)
        return 2 * stats.t.sf(t, self.df_t)

    def conf_int(self, ci: float = defaults.CI) -> np.ndarray:
        """Confidence intervals of the coefficients (k x 2) at level *ci*.

        Parameters
        ----------
        ci : float
            Confidence level.

        Returns
        -------
        ndarray
            Lower and upper bounds, one row per coefficient.
        """
        alpha = 1 - check_ci(ci)
        q = stats.norm.ppf(1 - alpha / 2) if self.df_t is None else stats.t.ppf(1 - alpha / 2, self.df_t)
        return np.column_stack([self.params - q * self.bse, self.params + q * self.bse])

    def summary(self, ci: float = defaults.CI) -> pd.DataFrame:
        """The coefficients as a tidy table.

        Parameters
        ----------
        ci : float
            Confidence level of the intervals.

        Returns
        -------
        DataFrame
            One row per coefficient: ``term, estimate, se, ci_low, ci_high, p_value``.
        """
        conf = self.conf_int(ci)
        return pd.DataFrame(
            {
                "term": self.names,
                "estimate": self.params,
                "se": self.bse,
                "ci_low": conf[:, 0],
                "ci_high": conf[:, 1],
                "p_value": self.pvalues,
            }
        )

    def wald(self, columns: list[int]) -> float:
        """Wald statistic ``b' V^-1 b`` that the coefficients *columns* are all zero."""
        b = self.params[columns]
        return float(b @ np.linalg.solve(self.cov[np.ix_(columns, columns)], b))


def _group_sums(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of *values* (n x k) by *codes* -> (n_groups x k)."""
    return np.column_stack(
        [np.bincount(codes, weights=values[:, j], minlength=n_groups) for j in range(values.shape[1])]
    )


def absorbed_ols(
    y: np.ndarray,
    X: np.ndarray,
    names: list[str],
    fixed_effects: pd.DataFrame,
    *,
    cluster: np.ndarray | None = None,
    cov_type: CovType = "cluster",
) -> AbsorbedFit:
    """OLS of *y* on *X* with the columns of *fixed_effects* absorbed, fixest's SE conventions.

    Parameters
    ----------
    y : ndarray, shape (n,)
    X : ndarray, shape (n, k)
        Regressors without a constant (the fixed effects absorb it).
    names : list of str
        Names of the columns of *X*.
    fixed_effects : DataFrame
        One column per fixed effect (any labels), n rows.
    cluster : ndarray, optional
        Cluster labels (``cov_type="cluster"``).
    cov_type : {"cluster", "HC1", "nonrobust"}
        See the module docstring for the small-sample corrections (fixest defaults).

    Returns
    -------
    AbsorbedFit

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> unit, week = np.repeat(np.arange(20), 10), np.tile(np.arange(10), 20)
    >>> d = ((unit < 10) & (week >= 5)).astype(float)
    >>> y = unit + 0.5 * week - 2.0 * d + rng.normal(size=200)
    >>> fit = absorbed_ols(y, d[:, None], ["d"], pd.DataFrame({"u": unit, "w": week}), cluster=unit)
    >>> bool(abs(fit.params[0] + 2) < 0.5), fit.df_k, fit.df_t
    (True, 11, 19.0)
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    codes = fe_codes(fixed_effects, list(fixed_effects.columns))
    both = demean(np.column_stack([y, X]), codes)
    y_dm, X_dm = both[:, 0], both[:, 1:]
    n, k = X.shape
    xtx_inv = np.linalg.pinv(X_dm.T @ X_dm)
    params = xtx_inv @ (X_dm.T @ y_dm)
    resid = y_dm - X_dm @ params
    levels = [int(codes[:, j].max()) + 1 for j in range(codes.shape[1])]
    n_fe = len(levels)
    # one level per fixed effect after the first is redundant (pyfixest get_ssc; fixest #554)
    k_fe = sum(levels) - (n_fe - 1) if n_fe > 1 else sum(levels)
    df_k_all = k + k_fe
    nested: list[bool] = []
    cluster_codes, n_clusters, df_t = None, None, float(n - df_k_all)
    if cov_type == "cluster":
        if cluster is None:
            raise DataError("cov_type='cluster' needs a cluster column", hint="Pass cluster='unit'.")
        cluster_codes, uniques = pd.factorize(pd.Series(cluster), sort=True)
        n_clusters = len(uniques)
        nested = [_nested(codes[:, j], cluster_codes) for j in range(n_fe)]
        k_nested = sum(level for level, is_nested in zip(levels, nested, strict=True) if is_nested)
        df_k = df_k_all - k_nested + sum(nested) if any(nested) else df_k_all
        scores = _group_sums(X_dm * resid[:, None], cluster_codes, n_clusters)
        ssc = n_clusters / (n_clusters - 1) * (n - 1) / (n - df_k)
        cov = ssc * xtx_inv @ (scores.T @ scores) @ xtx_inv
        df_t = float(n_clusters - 1)
    elif cov_type == "HC1":
        df_k = df_k_all
        meat = (X_dm * resid[:, None] ** 2).T @ X_dm
        cov = n / (n - df_k) * xtx_inv @ meat @ xtx_inv
    elif cov_type == "nonrobust":
        df_k = df_k_all
        cov = float(resid @ resid) / (n - df_k) * xtx_inv
    else:
        raise DataError("Unknown cov_type", value=cov_type, hint="Use 'cluster', 'HC1' or 'nonrobust'.")
    return AbsorbedFit(
        names=list(names),
        params=params,
        cov=cov,
        df_t=df_t,
        n=n,
        n_clusters=n_clusters,
        df_k=df_k,
        cov_type=cov_type,
        y=y,
        X=X,
        y_dm=y_dm,
        X_dm=X_dm,
        codes=codes,
        cluster_codes=cluster_codes,
        nested=nested,
    )


@dataclass
class WcrPieces:
    """Cluster-level sums of the restricted wild cluster bootstrap (see :func:`wcr_pieces`).

    With ``u(b0) = u0 - b0 * e`` the restricted residuals, ``c(u)`` the cluster sums of
    ``w * u`` (``w`` the row of ``(X'X)^-1 X'`` of the tested coefficient), ``P`` the cluster
    sums of ``w * X`` and ``S(u)`` those of ``X * u``, one bootstrap draw ``v`` (one weight per
    cluster) gives the numerator ``c(u)'v`` and the cluster scores ``c(u) * v - P (X'X)^-1
    S(u)'v`` of the bootstrap t-statistic (Roodman et al. 2019, sec. 3).
    """

    estimate: float
    se: float
    c0: np.ndarray
    ce: np.ndarray
    P: np.ndarray
    Q0: np.ndarray  # S(u0) (X'X)^-1
    Qe: np.ndarray  # S(e) (X'X)^-1
    ssc: float
    n_clusters: int


def _restricted(others: np.ndarray, y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Residuals of *y* and *x* on *others* (rank-deficient *others* allowed: least squares)."""
    if others.shape[1] == 0:
        return y.copy(), x.copy()
    coef = np.linalg.lstsq(others, np.column_stack([y, x]), rcond=None)[0]
    resid = np.column_stack([y, x]) - others @ coef
    return resid[:, 0], resid[:, 1]


def pieces_from_design(
    X: np.ndarray, y: np.ndarray, codes: np.ndarray, n_clusters: int, column: int, ssc_k: int | None = None
) -> WcrPieces:
    """:class:`WcrPieces` of a dense design *X* (with its constant), coefficient *column*."""
    n, k = X.shape
    xtx_inv = np.linalg.pinv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    resid = y - X @ beta
    w = X @ xtx_inv[:, column]
    ssc = n_clusters / (n_clusters - 1) * (n - 1) / (n - (ssc_k or k))
    se = float(np.sqrt(ssc * np.sum(np.bincount(codes, weights=w * resid, minlength=n_clusters) ** 2)))
    u0, e = _restricted(np.delete(X, column, axis=1), y, X[:, column])
    P = _group_sums(w[:, None] * X, codes, n_clusters)
    return WcrPieces(
        estimate=float(beta[column]),
        se=se,
        c0=np.bincount(codes, weights=w * u0, minlength=n_clusters),
        ce=np.bincount(codes, weights=w * e, minlength=n_clusters),
        P=P,
        Q0=_group_sums(X * u0[:, None], codes, n_clusters) @ xtx_inv.T,
        Qe=_group_sums(X * e[:, None], codes, n_clusters) @ xtx_inv.T,
        ssc=ssc,
        n_clusters=n_clusters,
    )


def _indicators(codes: np.ndarray, n_levels: int) -> sparse.csr_matrix:
    n = len(codes)
    return sparse.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, n_levels))


def wcr_pieces(fit: AbsorbedFit, column: int) -> WcrPieces:
    """:class:`WcrPieces` of coefficient *column* of a clustered :class:`AbsorbedFit`.

    The fixed effect nested in the clusters is projected out (exact: the bootstrap weights are
    constant within it); the others become sparse indicator columns ``D`` whose cluster sums
    ``sum_g D_l z`` are cluster x level cell sums for every ``z`` orthogonal to the nested fixed
    effect (the residuals and ``w`` are). ``X'X`` of the partialled design is ``[R'R, R'D; D'R,
    D'D - O' diag(1/n_h) O]`` with ``O`` the nested-level x level counts. With more than one
    fixed effect nested in the clusters the indicator columns are demeaned densely instead.
    """
    if fit.cluster_codes is None:
        raise DataError("The wild cluster bootstrap needs a cluster column", hint="Pass cluster='unit'.")
    cl, G = fit.cluster_codes, int(fit.n_clusters or 0)
    n = fit.n
    X_dm, y_dm = fit.X_dm, fit.y_dm
    xtx_inv = np.linalg.pinv(X_dm.T @ X_dm)
    beta = xtx_inv @ (X_dm.T @ y_dm)
    w = X_dm @ xtx_inv[:, column]
    resid = y_dm - X_dm @ beta
    ssc = G / (G - 1) * (n - 1) / (n - fit.df_k)
    se = float(np.sqrt(ssc * np.sum(np.bincount(cl, weights=w * resid, minlength=G) ** 2)))
    u0, e = _restricted(np.delete(X_dm, column, axis=1), y_dm, X_dm[:, column])
    nested = [j for j, is_nested in enumerate(fit.nested) if is_nested]
    crossed = [j for j, is_nested in enumerate(fit.nested) if not is_nested]
    levels = [int(fit.codes[:, j].max()) + 1 for j in crossed]
    D = (
        sparse.hstack(
            [_indicators(fit.codes[:, j].astype(np.int64), m) for j, m in zip(crossed, levels, strict=True)],
            format="csr",
        )
        if crossed
        else sparse.csr_matrix((n, 0))
    )
    if len(nested) <= 1:
        if nested:
            h = fit.codes[:, nested[0]].astype(np.int64)
            n_h = np.bincount(h)
            R = fit.X - (_group_sums(fit.X, h, len(n_h)) / n_h[:, None])[h]
            counts = _indicators(h, len(n_h)).T @ D  # nested level x crossed level
            DtD = (D.T @ D).toarray() - (counts.T @ sparse.diags(1.0 / n_h) @ counts).toarray()
        else:
            R = fit.X
            DtD = (D.T @ D).toarray()
        RtD = np.asarray((D.T @ R).T)
        xtx = np.block([[R.T @ R, RtD], [RtD.T, DtD]])
        C = _indicators(cl.astype(np.int64), G).T  # G x n

        def sums(z: np.ndarray) -> np.ndarray:
            cells = (C @ D.multiply(z[:, None]).tocsr()).toarray()  # cluster x level sums
            return np.hstack([_group_sums(R * z[:, None], cl, G), cells])
    else:  # several nested fixed effects: demean the indicator columns densely (small data)
        sub = fit.codes[:, nested]
        R = demean(np.hstack([fit.X, D.toarray()]), sub)
        xtx = R.T @ R

        def sums(z: np.ndarray) -> np.ndarray:
            return _group_sums(R * z[:, None], cl, G)

    inv = np.linalg.pinv(xtx)
    return WcrPieces(
        estimate=float(beta[column]),
        se=se,
        c0=np.bincount(cl, weights=w * u0, minlength=G),
        ce=np.bincount(cl, weights=w * e, minlength=G),
        P=sums(w),
        Q0=sums(u0) @ inv.T,
        Qe=sums(e) @ inv.T,
        ssc=ssc,
        n_clusters=G,
    )
