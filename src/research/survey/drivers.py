"""Key driver analysis: which touchpoints move overall satisfaction or NPS.

Four views of the same regression of the outcome on touchpoint scores:

- :func:`standardized_coefficients`: standardised OLS coefficients with HC3 robust standard
  errors (statsmodels) and variance inflation factors.
- :func:`relative_weights`: Johnson's (2000) relative weights; raw weights sum to R², the
  rescaled weights to 100 % (Tonidandel & LeBreton 2011).
- :func:`shapley_r2`: the LMG / Shapley decomposition of R² (Lindeman, Merenda & Gold 1980;
  Grömping 2006), exact over all subsets of up to 12 drivers.
- :func:`bootstrap_importance`: percentile bootstrap intervals for either importance.

Importances only need the correlation matrix of outcome and drivers, so R² of every subset
comes from it directly, and the bootstrap draws multinomial resampling counts and computes
every resample's moment sums with one matrix product instead of refitting regressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from math import factorial
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor
from threadpoolctl import threadpool_limits

from research.checks import survey_weights
from research.defaults import CI, SEED
from research.errors import DataError

#: Exact Shapley/LMG needs 2^p subset regressions; beyond this it is refused.
MAX_SHAPLEY_DRIVERS = 12

Missing = Literal["listwise", "pairwise"]
Method = Literal["relative_weights", "shapley"]


# --- preparing the data --------------------------------------------------------------------


def _check_columns(data: pd.DataFrame, outcome: str, drivers: Sequence[str]) -> list[str]:
    drivers = list(drivers)
    if not drivers:
        raise DataError("Key driver analysis needs at least one driver", hint="Pass driver columns.")
    if outcome in drivers:
        raise DataError("The outcome cannot also be a driver", column=outcome)
    if len(set(drivers)) != len(drivers):
        raise DataError("A driver is listed twice", value=drivers)
    missing = [c for c in [outcome, *drivers] if c not in data.columns]
    if missing:
        raise DataError(
            "Column not found for the driver analysis",
            column=missing[0],
            hint=f"Available columns: {', '.join(map(str, data.columns))}.",
        )
    for column in [outcome, *drivers]:
        if not pd.api.types.is_numeric_dtype(data[column]):
            raise DataError(
                "Driver analysis needs numeric scores",
                column=column,
                value=str(data[column].dtype),
                hint="Map answer labels to numbers when loading the survey.",
            )
    return drivers


def _weights_vector(data: pd.DataFrame, weights: str | pd.Series | np.ndarray | None) -> np.ndarray:
    if isinstance(weights, str):
        if weights not in data.columns:
            raise DataError("Weight column not found", column=weights, hint="Use the survey's weight column.")
        weights = data[weights]
    return survey_weights(weights, len(data))


def _correlation(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    weights: str | pd.Series | np.ndarray | None,
    missing: Missing,
) -> tuple[list[str], np.ndarray, float]:
    """Checked drivers, the checked (weighted) correlation matrix and the rows behind it."""
    checked = _check_columns(data, outcome, drivers)
    corr, n = _weighted_correlation(_matrix(data, outcome, checked), _weights_vector(data, weights), missing)
    _check_correlation(corr, [outcome, *checked])
    return checked, corr, n


def _matrix(data: pd.DataFrame, outcome: str, drivers: list[str]) -> np.ndarray:
    """Outcome in column 0, drivers after it, as floats (NaN for missing)."""
    return data[[outcome, *drivers]].to_numpy(dtype=float)


def _weighted_correlation(x: np.ndarray, w: np.ndarray, missing: Missing) -> tuple[np.ndarray, float]:
    """Correlation matrix of the columns of ``x`` and the (effective) number of rows used."""
    present = ~np.isnan(x)
    if missing == "listwise":
        rows = present.all(axis=1) & (w > 0)
        if rows.sum() < x.shape[1] + 2:
            raise DataError(
                "Too few respondents answered the outcome and every driver",
                value=int(rows.sum()),
                hint="Use missing='pairwise' or fewer drivers.",
            )
        xs, ws = x[rows], w[rows]
        mean = ws @ xs / ws.sum()
        centred = xs - mean
        cov = (centred * ws[:, None]).T @ centred
        sd = np.sqrt(np.diag(cov))
        return cov / np.outer(sd, sd), float(rows.sum())
    filled = np.where(present, x, 0.0)
    m = present * w[:, None]
    # Sums over the rows where both i and j are present (weights included).
    n_ij = m.T @ present
    s_i = (filled * w[:, None]).T @ present  # sum x_i over rows with j present
    ss_i = (filled**2 * w[:, None]).T @ present
    s_ij = (filled * w[:, None]).T @ filled
    corr = _pairwise_corr(n_ij, s_i, ss_i, s_ij)
    # The smallest number of respondents behind any one correlation.
    pair_counts = present.T.astype(float) @ present
    return corr, float(pair_counts.min())


def _pairwise_corr(n_ij, s_i, ss_i, s_ij):
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_i = s_i / n_ij
        mean_j = np.swapaxes(s_i, -1, -2) / n_ij
        var_i = ss_i / n_ij - mean_i**2
        var_j = np.swapaxes(ss_i, -1, -2) / n_ij - mean_j**2
        cov = s_ij / n_ij - mean_i * mean_j
        return cov / np.sqrt(var_i * var_j)


def _check_correlation(corr: np.ndarray, names: list[str]) -> None:
    if np.isnan(corr).any():
        i, j = np.argwhere(np.isnan(corr))[0]
        raise DataError(
            "A correlation cannot be computed (a score is constant or two scores never co-occur)",
            column=f"{names[i]} x {names[j]}",
            hint="Drop drivers without variation or with too few answers.",
        )
    eigenvalues = np.linalg.eigvalsh(corr[1:, 1:])
    if eigenvalues.min() <= 1e-10:
        raise DataError(
            "The drivers are perfectly collinear (or the pairwise correlation matrix is not "
            "positive definite)",
            value=round(float(eigenvalues.min()), 12),
            hint="Drop redundant drivers, or use missing='listwise'.",
        )


# --- relative weights -----------------------------------------------------------------------


def _relative_weights_from_corr(corr: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights; ``corr`` may be batched (..., p+1, p+1)."""
    rxx, rxy = corr[..., 1:, 1:], corr[..., 1:, 0]
    eigenvalues, vectors = np.linalg.eigh(rxx)
    root = np.sqrt(np.clip(eigenvalues, 0, None))
    # Lambda = Rxx^(1/2): correlations between drivers and their orthogonal counterparts.
    lam = (vectors * root[..., None, :]) @ np.swapaxes(vectors, -1, -2)
    beta = np.linalg.solve(lam, rxy[..., None])[..., 0]
    return np.einsum("...ij,...j->...i", lam**2, beta**2)


def relative_weights(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    *,
    weights: str | pd.Series | np.ndarray | None = None,
    missing: Missing = "listwise",
) -> pd.DataFrame:
    """Johnson's (2000) relative weights of the drivers of ``outcome``.

    The drivers are replaced by their closest orthogonal counterparts ``Z`` (via the
    symmetric square root of their correlation matrix); a driver's raw weight is
    ``sum_k lambda_jk^2 beta_k^2``. Raw weights sum to the model R²; ``rescaled_weight`` is
    the percent share of R² (0..100), as in Tonidandel & LeBreton (2011).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Outcome column (overall satisfaction, NPS score).
    drivers : list of str
        Driver columns (touchpoint scores).
    weights : str or array, optional
        Survey weights (column name or array): correlations are weighted.
    missing : {"listwise", "pairwise"}
        Listwise deletion (default) or pairwise correlations (every respondent counts for
        the touchpoints they rated; the matrix must still be positive definite).

    Returns
    -------
    DataFrame
        One row per driver: ``driver``, ``raw_weight`` (share of variance, 0..1),
        ``rescaled_weight`` (percent of R², 0..100), ``rank`` (1 = most important), ``n``
        (complete cases; with pairwise deletion the smallest number behind any correlation).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(500, 3))
    >>> data = pd.DataFrame(x, columns=["hotline", "bill", "website"])
    >>> data["overall"] = 0.6 * data.hotline + 0.3 * data.bill + rng.normal(size=500)
    >>> rw = relative_weights(data, "overall", ["hotline", "bill", "website"])
    >>> rw[["driver", "rank"]].to_dict("list")
    {'driver': ['hotline', 'bill', 'website'], 'rank': [1, 2, 3]}
    >>> r2 = r_squared(data, "overall", ["hotline", "bill", "website"])
    >>> bool(abs(rw.raw_weight.sum() - r2) < 1e-12)
    True
    """
    drivers, corr, n = _correlation(data, outcome, drivers, weights, missing)
    raw = _relative_weights_from_corr(corr).ravel()
    return _importance_table(drivers, raw, "raw_weight", "rescaled_weight", n)


def _importance_table(drivers: list[str], raw: np.ndarray, raw_name: str, share_name: str, n: float):
    table = pd.DataFrame({"driver": drivers, raw_name: raw, share_name: 100 * raw / raw.sum()})
    table["rank"] = table[raw_name].rank(ascending=False, method="min").astype(int)
    table["n"] = int(n)
    return table


def r_squared(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    *,
    weights: str | pd.Series | np.ndarray | None = None,
    missing: Missing = "listwise",
) -> float:
    """R² of the linear regression of ``outcome`` on ``drivers``, from the correlation matrix.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Column regressed on the drivers.
    drivers : list of str
        Driver columns.
    weights : str or array, optional
        Survey weights (a column of *data* or one per row): the correlations are weighted.
    missing : {"listwise", "pairwise"}
        Listwise or pairwise deletion of missing answers.

    Returns
    -------
    float
        R² (0..1).

    Examples
    --------
    >>> data = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "x": [2.0, 1, 4, 3, 5]})
    >>> round(r_squared(data, "y", ["x"]), 2)
    0.64
    """
    _, corr, _ = _correlation(data, outcome, drivers, weights, missing)
    rxy = corr[1:, 0]
    return float(rxy @ np.linalg.solve(corr[1:, 1:], rxy))


# --- Shapley / LMG --------------------------------------------------------------------------


def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R² of every subset of drivers, indexed by bitmask; ``corr`` may be batched."""
    p = corr.shape[-1] - 1
    batch = corr.shape[:-2]
    r2 = np.zeros((*batch, 2**p))
    for size in range(1, p + 1):
        subsets = np.array(list(combinations(range(p), size)))
        masks = (2**subsets).sum(axis=1)
        idx = subsets + 1
        rxx = corr[..., idx[:, :, None], idx[:, None, :]]  # (..., m, size, size)
        rxy = corr[..., idx, 0]  # (..., m, size)
        solved = np.linalg.solve(rxx, rxy[..., None])[..., 0]
        r2[..., masks] = np.sum(rxy * solved, axis=-1)
    return r2


def _shapley_from_corr(corr: np.ndarray) -> np.ndarray:
    p = corr.shape[-1] - 1
    r2 = _subset_r2(corr)
    masks = np.arange(2**p)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight_by_size = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) for s in range(p)])
    result = np.zeros((*corr.shape[:-2], p))
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        gains = r2[..., without | (1 << j)] - r2[..., without]
        result[..., j] = gains @ weight_by_size[sizes[without]]
    return result


def shapley_r2(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    *,
    weights: str | pd.Series | np.ndarray | None = None,
    missing: Missing = "listwise",
) -> pd.DataFrame:
    """Shapley (LMG) decomposition of R²: each driver's average R² gain over all orderings.

    Exact: the R² of all ``2^p`` driver subsets is computed from the correlation matrix and
    combined with Shapley weights ``|S|! (p - |S| - 1)! / p!`` (Lindeman, Merenda & Gold
    1980; Grömping 2006, relaimpo's ``lmg``). Limited to 12 drivers.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Column whose R² is decomposed.
    drivers : list of str
        Driver columns.
    weights : str or array, optional
        Survey weights (column name of *data* or an array aligned with its rows).
    missing : {"listwise", "pairwise"}
        Missing answers: ``listwise`` drops a respondent, ``pairwise`` keeps every pair.

    Returns
    -------
    DataFrame
        One row per driver: ``driver``, ``lmg`` (share of variance, 0..1; the values sum to
        R²), ``lmg_share`` (percent of R², 0..100), ``rank``, ``n``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> data = pd.DataFrame(rng.normal(size=(400, 3)), columns=["hotline", "bill", "app"])
    >>> data["overall"] = 0.5 * data.hotline + 0.2 * data.app + rng.normal(size=400)
    >>> shapley_r2(data, "overall", ["hotline", "bill", "app"])["rank"].tolist()
    [1, 3, 2]
    """
    drivers = _check_columns(data, outcome, drivers)
    if len(drivers) > MAX_SHAPLEY_DRIVERS:
        raise DataError(
            f"Exact Shapley decomposition is limited to {MAX_SHAPLEY_DRIVERS} drivers",
            value=len(drivers),
            hint="Use relative_weights(), which scales to many drivers.",
        )
    drivers, corr, n = _correlation(data, outcome, drivers, weights, missing)
    return _importance_table(drivers, _shapley_from_corr(corr), "lmg", "lmg_share", n)


# --- regression coefficients ----------------------------------------------------------------


def standardized_coefficients(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    *,
    weights: str | pd.Series | np.ndarray | None = None,
    ci: float = CI,
) -> pd.DataFrame:
    """Standardised regression coefficients with HC3 robust standard errors, and VIFs.

    Outcome and drivers are z-scored (weighted when ``weights`` are given) on the complete
    cases, then fitted by OLS/WLS (statsmodels) with the HC3 heteroskedasticity-consistent
    covariance (MacKinnon & White 1985); p-values and intervals use t with ``n - p - 1`` data.
    VIFs come from
    ``statsmodels.stats.outliers_influence.variance_inflation_factor``.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Column of the dependent score.
    drivers : list of str
        Driver columns.
    weights : str or array, optional
        Survey weights (column or array): a weighted least-squares fit.
    ci : float
        Confidence level of the coefficients' intervals.

    Returns
    -------
    DataFrame
        One row per driver: ``driver``, ``estimate`` (beta, SD units), ``se``, ``ci_low``,
        ``ci_high``, ``p_value``, ``vif``, ``n``.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> data = pd.DataFrame(rng.normal(size=(300, 2)), columns=["hotline", "bill"])
    >>> data["overall"] = 0.5 * data.hotline + rng.normal(size=300)
    >>> table = standardized_coefficients(data, "overall", ["hotline", "bill"])
    >>> print(table[["driver", "estimate", "vif"]].round(2).to_string(index=False))
     driver  estimate  vif
    hotline      0.52  1.0
       bill      0.05  1.0
    """
    drivers = _check_columns(data, outcome, drivers)
    w_all = _weights_vector(data, weights)
    x = _matrix(data, outcome, drivers)
    rows = ~np.isnan(x).any(axis=1) & (w_all > 0)
    if rows.sum() < len(drivers) + 2:
        raise DataError(
            "Too few complete answers for the regression", value=int(rows.sum()), hint="Use fewer drivers."
        )
    xs, w = x[rows], w_all[rows]
    mean = w @ xs / w.sum()
    sd = np.sqrt(w @ (xs - mean) ** 2 / w.sum())
    if (sd == 0).any():
        column = [outcome, *drivers][int(np.argmax(sd == 0))]
        raise DataError("A score has no variation among complete answers", column=column)
    z = (xs - mean) / sd
    design = sm.add_constant(z[:, 1:], has_constant="add")
    # t with the residual data, as R's lmtest::coeftest(fit, vcov = sandwich::vcovHC(fit, "HC3"))
    # and Long & Ervin (2000), whose small-sample results for HC3 are for t tests.
    fit = sm.WLS(z[:, 0], design, weights=w).fit(cov_type="HC3", use_t=True)
    low, high = fit.conf_int(alpha=1 - ci).T
    vifs = [variance_inflation_factor(design, i) for i in range(1, design.shape[1])]
    return pd.DataFrame(
        {
            "driver": drivers,
            "estimate": fit.params[1:],
            "se": fit.bse[1:],
            "ci_low": low[1:],
            "ci_high": high[1:],
            "p_value": fit.pvalues[1:],
            "vif": vifs,
            "n": int(rows.sum()),
        }
    )


# --- bootstrap ------------------------------------------------------------------------------


def _moment_columns(x: np.ndarray, missing: Missing) -> tuple[np.ndarray, int]:
    """Per-row products whose (count-weighted) column sums give every moment we need."""
    q = x.shape[1]
    if missing == "listwise":
        iu = np.triu_indices(q)
        cols = [np.ones((len(x), 1)), x, x[:, iu[0]] * x[:, iu[1]]]
        return np.hstack(cols), q
    present = (~np.isnan(x)).astype(float)
    filled = np.nan_to_num(x)
    pair = (slice(None), np.repeat(np.arange(q), q), np.tile(np.arange(q), q))
    m_i, m_j = present[:, pair[1]], present[:, pair[2]]
    x_i, x_j = filled[:, pair[1]], filled[:, pair[2]]
    return np.hstack([m_i * m_j, x_i * m_j, x_i**2 * m_j, x_i * x_j]), q


def _correlations_from_sums(sums: np.ndarray, q: int, missing: Missing) -> np.ndarray:
    """Batched correlation matrices (B, q, q) from moment sums (B, columns)."""
    batch = sums.shape[0]
    if missing == "listwise":
        count, s1 = sums[:, :1], sums[:, 1 : q + 1]
        iu = np.triu_indices(q)
        cross = np.zeros((batch, q, q))
        cross[:, iu[0], iu[1]] = sums[:, q + 1 :]
        cross = cross + np.triu(cross, 1).swapaxes(1, 2)
        mean = s1 / count
        cov = cross / count[:, :, None] - mean[:, :, None] * mean[:, None, :]
        sd = np.sqrt(np.einsum("bii->bi", cov))
        return cov / (sd[:, :, None] * sd[:, None, :])
    parts = sums.reshape(batch, 4, q, q)
    return _pairwise_corr(parts[:, 0], parts[:, 1], parts[:, 2], parts[:, 3])


def bootstrap_importance(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    *,
    method: Method = "relative_weights",
    n_boot: int = 1000,
    ci: float = CI,
    seed: int = SEED,
    weights: str | pd.Series | np.ndarray | None = None,
    missing: Missing = "listwise",
    chunk_size: int | None = None,
) -> pd.DataFrame:
    """Percentile bootstrap intervals for relative weights or Shapley (LMG) importances.

    Respondents are resampled with replacement (seeded). Each resample is represented by
    its multinomial counts; the weighted moment sums of all resamples in a chunk come from
    one matrix product ``counts @ products``, from which correlation matrices and then
    importances are computed in batch. Percentile intervals (Efron & Tibshirani 1993).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Column of the outcome score.
    drivers : list of str
        Driver columns.
    weights : str or array, optional
        Survey weights (column or array): every resample keeps its respondents' weights.
    method : {"relative_weights", "shapley"}
        The importance to bootstrap.
    n_boot : int
        Number of bootstrap resamples.
    ci : float
        Confidence level of the percentile intervals.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same intervals.
    chunk_size : int, optional
        Resamples per matrix product (memory: ``chunk_size x n`` counts); default keeps the
        counts of a chunk near 10 million (100 resamples of 100,000 respondents).

    Returns
    -------
    DataFrame
        One row per driver: ``driver``, ``estimate`` (full-sample raw importance, 0..1),
        ``se`` (bootstrap SD), ``ci_low``, ``ci_high``, ``share`` (percent of R²),
        ``share_ci_low``, ``share_ci_high``, ``n_boot``, ``n``.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> data = pd.DataFrame(rng.normal(size=(300, 2)), columns=["hotline", "bill"])
    >>> data["overall"] = 0.6 * data.hotline + 0.2 * data.bill + rng.normal(size=300)
    >>> boot = bootstrap_importance(data, "overall", ["hotline", "bill"], n_boot=200, seed=1)
    >>> bool((boot.ci_low < boot.estimate).all() and (boot.estimate < boot.ci_high).all())
    True
    """
    drivers = _check_columns(data, outcome, drivers)
    if method not in ("relative_weights", "shapley"):
        raise DataError(
            "Unknown importance method", value=method, hint="Use 'relative_weights' or 'shapley'."
        )
    if method == "shapley" and len(drivers) > MAX_SHAPLEY_DRIVERS:
        raise DataError(
            f"Exact Shapley decomposition is limited to {MAX_SHAPLEY_DRIVERS} drivers", value=len(drivers)
        )
    if n_boot < 2:
        raise DataError("The bootstrap needs at least 2 resamples", value=n_boot)
    importance = _relative_weights_from_corr if method == "relative_weights" else _shapley_from_corr
    w = _weights_vector(data, weights)
    x = _matrix(data, outcome, drivers)
    if missing == "listwise":
        keep = ~np.isnan(x).any(axis=1) & (w > 0)
        x, w = x[keep], w[keep]
    corr, n = _weighted_correlation(x, w, missing)
    _check_correlation(corr, [outcome, *drivers])
    estimate = importance(corr).ravel()
    # Centring first keeps the one-pass moment sums numerically exact enough.
    centre = np.nanmean(x, axis=0)
    products, q = _moment_columns(x - centre, missing)
    products *= w[:, None]
    rng = np.random.default_rng(seed)
    n_rows = len(x)
    chunk_size = chunk_size or int(np.clip(10_000_000 // max(n_rows, 1), 1, 100))
    draws = []
    # One BLAS thread: the many mid-sized products are fast single-threaded, and on a busy
    # machine (papermill workers, parallel tests) multi-threaded BLAS spins and stalls.
    with threadpool_limits(limits=1, user_api="blas"):
        for start in range(0, n_boot, chunk_size):
            size = min(chunk_size, n_boot - start)
            picks = rng.integers(0, n_rows, size=(size, n_rows), dtype=np.int32)
            counts = np.empty((size, n_rows))
            for i, row in enumerate(picks):  # row-wise bincount stays in cache
                counts[i] = np.bincount(row, minlength=n_rows)
            corr_b = _correlations_from_sums(counts @ products, q, missing)
            draws.append(importance(corr_b).reshape(size, -1))
    boot = np.vstack(draws)
    share = 100 * boot / boot.sum(axis=1, keepdims=True)
    tail = 100 * (1 - ci) / 2
    low, high = np.nanpercentile(boot, [tail, 100 - tail], axis=0)
    share_low, share_high = np.nanpercentile(share, [tail, 100 - tail], axis=0)
    return pd.DataFrame(
        {
            "driver": drivers,
            "estimate": estimate,
            "se": np.nanstd(boot, axis=0, ddof=1),
            "ci_low": low,
            "ci_high": high,
            "share": 100 * estimate / estimate.sum(),
            "share_ci_low": share_low,
            "share_ci_high": share_high,
            "n_boot": n_boot,
            "n": int(n),
        }
    )


# --- all together ---------------------------------------------------------------------------


@dataclass
class DriverResult:
    """Everything :func:`key_drivers` computed; ``table`` (or :meth:`summary`) is the one to show.

    Attributes
    ----------
    table : DataFrame
        One row per driver, ranked: relative weight with its bootstrap interval, beta with its
        interval, p-value, VIF and (up to 12 drivers) the LMG share.
    coefficients, relative_weights, shapley, bootstrap : DataFrame
        The tables of :func:`standardized_coefficients`, :func:`relative_weights`,
        :func:`shapley_r2` and :func:`bootstrap_importance` (None when not computed).
    r_squared : float
        R² of the outcome on all drivers.
    outcome : str
        The outcome column (the item id for a survey).
    """

    table: pd.DataFrame
    coefficients: pd.DataFrame
    relative_weights: pd.DataFrame
    shapley: pd.DataFrame | None
    bootstrap: pd.DataFrame | None
    r_squared: float
    outcome: str
    #: What was left out and why (the outcome item removed from a driver's score ...).
    notes: list[str] = field(default_factory=list)

    def ranking(self) -> list[str]:
        """Drivers from most to least important (by relative weight).

        Returns
        -------
        list of str
            Driver names, rank 1 first.
        """
        return self.table.sort_values("rank")["driver"].tolist()

    def summary(self) -> pd.DataFrame:
        """The driver table: one row per driver, most important first.

        Returns
        -------
        DataFrame
            A copy of ``table``.
        """
        return self.table.copy()


def key_drivers(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    *,
    weights: str | pd.Series | np.ndarray | None = None,
    missing: Missing = "listwise",
    n_boot: int = 1000,
    ci: float = CI,
    seed: int = SEED,
) -> DriverResult:
    """Key driver analysis in one call: coefficients, relative weights, Shapley, bootstrap.

    ``table`` has one row per driver, sorted by relative weight: ``driver``, ``beta``,
    ``beta_ci_low``, ``beta_ci_high``, ``p_value``, ``vif``, ``raw_weight``,
    ``rescaled_weight`` (percent), ``weight_ci_low``/``weight_ci_high`` (bootstrap percentile
    interval of the rescaled weight, percent), ``lmg`` and ``lmg_share`` (when at most 12
    drivers), ``rank``. Set ``n_boot=0`` to skip the bootstrap.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        The score to explain (overall satisfaction, NPS answer).
    drivers : list of str
        Driver columns.
    weights : str or array, optional
        Survey weights (column name or array), used by every view.
    missing : {"listwise", "pairwise"}
        Deletion of missing answers for the importances (the coefficients use complete cases).
    n_boot : int
        Number of bootstrap resamples (0: no bootstrap).
    ci : float
        Confidence level of every interval.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DriverResult
        The driver table and the tables behind it.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> data = pd.DataFrame(rng.normal(size=(300, 3)), columns=["hotline", "bill", "app"])
    >>> data["overall"] = 0.6 * data.hotline + 0.3 * data.bill + rng.normal(size=300)
    >>> kda = key_drivers(data, "overall", ["hotline", "bill", "app"], n_boot=100)
    >>> kda.ranking()
    ['hotline', 'bill', 'app']
    """
    drivers = _check_columns(data, outcome, drivers)
    coefficients = standardized_coefficients(data, outcome, drivers, weights=weights, ci=ci)
    rw = relative_weights(data, outcome, drivers, weights=weights, missing=missing)
    shapley = (
        shapley_r2(data, outcome, drivers, weights=weights, missing=missing)
        if len(drivers) <= MAX_SHAPLEY_DRIVERS
        else None
    )
    boot = (
        bootstrap_importance(
            data, outcome, drivers, n_boot=n_boot, ci=ci, seed=seed, weights=weights, missing=missing
        )
        if n_boot
        else None
    )
    table = rw.merge(
        coefficients[["driver", "estimate", "ci_low", "ci_high", "p_value", "vif"]].rename(
            columns={"estimate": "beta", "ci_low": "beta_ci_low", "ci_high": "beta_ci_high"}
        ),
        on="driver",
    )
    if boot is not None:
        table = table.merge(
            boot[["driver", "share_ci_low", "share_ci_high"]].rename(
                columns={"share_ci_low": "weight_ci_low", "share_ci_high": "weight_ci_high"}
            ),
            on="driver",
        )
    if shapley is not None:
        table = table.merge(shapley[["driver", "lmg", "lmg_share"]], on="driver")
    table = table.sort_values("rank", kind="stable").reset_index(drop=True)
    front = ["driver", "rank", "rescaled_weight", "raw_weight"]
    table = table[front + [c for c in table.columns if c not in front]]
    return DriverResult(table, coefficients, rw, shapley, boot, float(rw.raw_weight.sum()), outcome)
