"""Reliability of multi-item touchpoint scales: Cronbach's alpha, McDonald's omega, item statistics.

Cronbach's alpha and its F-based confidence interval (Feldt 1965) come from
:func:`pingouin.cronbach_alpha`. The *standardised* alpha (alpha of the z-scored items,
``k * rbar / (1 + (k - 1) * rbar)`` with ``rbar`` the mean inter-item correlation; Cronbach
1951, the ``std.alpha`` of R ``psych::alpha`` and SPSS's "alpha based on standardized items")
is reported next to it: R plspm and SPSS users compare with that one. McDonald's omega
(total, McDonald 1999, eq. 6.20) is computed
from a one-factor maximum-likelihood model of the item correlation matrix (statsmodels
``Factor``): ``omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi)``. A one-factor model needs
at least three items and more respondents than items; otherwise (or when the ML fit does not
converge) ``omega = NaN``. For two-item scales report alpha, which for two items
equals the Spearman-Brown coefficient of standardised items; Eisinga et al. 2013. Rows with any
missing item are dropped (listwise), so all statistics use the same respondents.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pingouin
from scipy import stats
from statsmodels.multivariate.factor import Factor
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from research.defaults import CI
from research.errors import DataError


@dataclass
class ReliabilityResult:
    """Reliability of one or more scales.

    Attributes
    ----------
    scales : DataFrame
        One row per scale: ``scale``, ``n_items``, ``n`` (complete cases), ``alpha`` (raw),
        ``ci_low``, ``ci_high`` (of raw alpha), ``alpha_std`` (standardised alpha), ``omega``.
    items : DataFrame
        One row per item: ``scale``, ``item``, ``loading`` (standardised one-factor loading),
        ``item_total_r`` (corrected item-total correlation: item vs the sum of the *other* items),
        ``alpha_if_deleted``.
    """

    scales: pd.DataFrame
    items: pd.DataFrame
    #: Rows of the survey that could not be assessed, and why (one sentence each).
    notes: list[str] = field(default_factory=list)

    @property
    def alpha(self) -> float:
        """Alpha of the first (or only) scale."""
        return float(self.scales["alpha"].iloc[0])

    @property
    def omega(self) -> float:
        """Omega of the first (or only) scale."""
        return float(self.scales["omega"].iloc[0])

    def summary(self) -> pd.DataFrame:
        """One row per scale: items, complete cases, alpha with its interval, standardised alpha, omega.

        Returns
        -------
        DataFrame
            A copy of ``scales``.
        """
        return self.scales.copy()


def cronbach_alpha(data: pd.DataFrame, ci: float = CI) -> pd.DataFrame:
    """Cronbach's alpha of the complete cases of *data*, with its confidence interval.

    Parameters
    ----------
    data : DataFrame
        One column per item, one row per respondent; rows with a missing item are dropped.
    ci : float
        Confidence level of the Feldt (1965) interval.

    Returns
    -------
    DataFrame
        One row: ``alpha``, ``ci_low``, ``ci_high``, ``n`` (complete cases), ``k`` (items).

    Examples
    --------
    >>> import pingouin as pg
    >>> data = pg.read_dataset("cronbach_wide_missing")
    >>> round(float(cronbach_alpha(data).loc[0, "alpha"]), 4)  # psych::alpha(use="complete.obs"): 0.8017
    0.8017
    """
    complete = _complete(data)
    alpha, _ = pingouin.cronbach_alpha(data=complete, ci=ci)
    # pingouin rounds its interval to 3 decimals, which can exclude the unrounded alpha on large
    # samples; the same Feldt (1965) interval unrounded: (1 - alpha) scaled by F quantiles.
    n, k = complete.shape
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - ci) / 2
    low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return pd.DataFrame(
        [{"alpha": float(alpha), "ci_low": float(low), "ci_high": float(high), "n": n, "k": k}]
    )


def standardized_alpha(data: pd.DataFrame) -> float:
    """Standardised Cronbach's alpha of the complete cases: ``k rbar / (1 + (k - 1) rbar)``.

    ``rbar`` is the mean of the off-diagonal item correlations; this equals Cronbach's alpha of
    the z-scored items (Cronbach 1951; ``std.alpha`` in R ``psych::alpha``, "Cronbach's Alpha
    Based on Standardized Items" in SPSS RELIABILITY).

    Parameters
    ----------
    data : DataFrame
        One column per item, one row per respondent.

    Returns
    -------
    float
        The standardised alpha.

    Examples
    --------
    The raw alpha of z-scored items (pingouin) is the standardised alpha:

    >>> import pingouin as pg
    >>> data = pg.read_dataset("cronbach_wide_missing").dropna()
    >>> z = (data - data.mean()) / data.std()
    >>> bool(round(standardized_alpha(data), 10) == round(pg.cronbach_alpha(z)[0], 10))
    True
    """
    complete = _complete(data)
    k = complete.shape[1]
    correlation = np.corrcoef(complete.to_numpy(), rowvar=False)
    rbar = (correlation.sum() - k) / (k * (k - 1))
    return float(k * rbar / (1 + (k - 1) * rbar))


def mcdonald_omega(data: pd.DataFrame) -> float:
    """McDonald's omega total from a one-factor ML model of the item correlations.

    NaN for fewer than three items (a one-factor model of two items is not identified).

    Parameters
    ----------
    data : DataFrame
        Item columns; a one-factor model needs three or more.

    Returns
    -------
    float
        Omega total (NaN when no one-factor model can be trusted).

    Examples
    --------
    Items generated from loadings 0.8, 0.7, 0.6, 0.5 have omega
    2.6^2 / (2.6^2 + 2.26) = 0.7494:

    >>> rng = np.random.default_rng(1)
    >>> factor = rng.normal(size=5000)
    >>> items = pd.DataFrame({f"q{i}": l * factor + np.sqrt(1 - l**2) * rng.normal(size=5000)
    ...                       for i, l in enumerate([0.8, 0.7, 0.6, 0.5])})
    >>> round(mcdonald_omega(items), 2)
    0.75
    """
    complete = _complete(data)
    loadings, uniqueness = _one_factor(complete)
    if loadings is None or uniqueness is None:
        return float("nan")
    common = loadings.sum() ** 2
    return float(common / (common + uniqueness.sum()))


def _complete(items: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(items, pd.DataFrame) or items.shape[1] < 2:
        raise DataError(
            "A scale needs at least two items (columns)", hint="Pass a DataFrame with one column per item."
        )
    complete = items.apply(pd.to_numeric, errors="coerce").dropna(how="any").astype(float)
    if len(complete) < 3:
        raise DataError(
            "Too few complete answers to estimate reliability",
            value=len(complete),
            hint="Reliability needs respondents who answered every item of the scale.",
        )
    constant = [c for c in complete.columns if complete[c].std() == 0]
    if constant:
        raise DataError(
            "An item has no variance among complete cases",
            column=str(constant[0]),
            hint="Drop the item from the scale.",
        )
    return complete


def _one_factor(complete: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray | None]:
    n, k = complete.shape
    if k < 3 or n <= k:
        return None, None
    correlation = np.corrcoef(complete.to_numpy(), rowvar=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        fit = Factor(corr=correlation, n_factor=1, method="ml", nobs=n).fit(maxiter=1000)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return None, None  # no trustworthy one-factor solution: report omega as NaN, not a guess
    loadings = np.asarray(fit.loadings)[:, 0]
    if loadings.sum() < 0:  # the factor's sign is arbitrary
        loadings = -loadings
    return loadings, np.asarray(fit.uniqueness)


def _scale_rows(name: str, items: pd.DataFrame, ci: float) -> tuple[dict, pd.DataFrame]:
    complete = _complete(items)
    alpha = cronbach_alpha(complete, ci).iloc[0]
    loadings, _ = _one_factor(complete)
    total = complete.sum(axis=1)
    per_item = []
    for position, column in enumerate(complete.columns):
        rest = complete.drop(columns=column)
        per_item.append(
            {
                "scale": name,
                "item": column,
                "loading": float(loadings[position]) if loadings is not None else np.nan,
                "item_total_r": float(np.corrcoef(complete[column], total - complete[column])[0, 1]),
                "alpha_if_deleted": (
                    float(pingouin.cronbach_alpha(data=rest)[0]) if rest.shape[1] >= 2 else np.nan
                ),
            }
        )
    summary = {
        "scale": name,
        "n_items": complete.shape[1],
        "n": len(complete),
        "alpha": float(alpha["alpha"]),
        "ci_low": float(alpha["ci_low"]),
        "ci_high": float(alpha["ci_high"]),
        "alpha_std": standardized_alpha(complete),
        "omega": mcdonald_omega(complete),
    }
    return summary, pd.DataFrame(per_item)


def item_reliability(data: pd.DataFrame, ci: float = CI, *, name: str = "scale") -> ReliabilityResult:
    """Reliability of one scale given as item columns: alpha, standardised alpha, omega, items.

    Parameters
    ----------
    data : DataFrame
        One column per item, one row per respondent (reverse-keyed items already reversed).
    ci : float
        Confidence level of alpha's interval.
    name : str
        The scale's name in the ``scale`` columns of the result.

    Returns
    -------
    ReliabilityResult
        ``scales`` (one row) and ``items``.

    Examples
    --------
    >>> import pingouin as pg
    >>> result = item_reliability(pg.read_dataset("cronbach_wide_missing"))
    >>> round(result.alpha, 4)
    0.8017
    """
    scale, per_item = _scale_rows(name, data, ci)
    return ReliabilityResult(scales=pd.DataFrame([scale]), items=per_item)
