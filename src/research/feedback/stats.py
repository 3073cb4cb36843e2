"""Statistics of classified feedback: shares, importance, emerging issues, detractors, codebook gaps.

Pure functions: tidy frames in, tidy frames out; nothing here reads study.yml. Two inputs recur:

- ``data`` (the items): one row per feedback item with an ``item_id`` column (and whatever the analysis
  groups or dates by: ``time``, ``source``, ``touchpoint``, ``score`` ...), e.g. the table of
  :func:`research.feedback.load_feedback`;
- ``codes``: one row per (item, code) the classification assigned, columns ``item_id`` and
  ``code`` (several rows per item when it mentions several things; repeated rows count once).

Every item counts in every denominator: items that no code covers are the :data:`UNCODED` row
of each table, never dropped. Proportions are on 0..1.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from research import defaults
from research.checks import check_alpha, check_ci
from research.errors import DataError, NotApplicable
from research.multitest import adjust_pvalues
from research.wording import resolve_language

#: The row of items that no code covers.
UNCODED = "uncoded"
#: NPS groups (Reichheld 2003): 0-6 detractors, 9-10 promoters on the 0-10 recommendation scale.
DETRACTOR_MAX, PROMOTER_MIN = 6, 9
_PERIODS = {"W": "W-SUN", "week": "W-SUN", "M": "M", "month": "M"}


def _alpha(ci: float) -> float:
    """1 - *ci*, rounded so that ``ci=0.95`` gives exactly the 0.05 statsmodels was always given."""
    return round(1.0 - check_ci(ci), 12)


def _require(frame: Any, columns: list[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{what} must be a DataFrame", value=type(frame).__name__)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{what} lacks columns {missing}", hint=f"Its columns: {list(frame.columns)[:20]}")


def _membership(items: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Distinct (item_id, code) pairs, checked against the items."""
    _require(items, ["item_id"], "items")
    _require(codes, ["item_id", "code"], "codes")
    if items["item_id"].duplicated().any():
        raise DataError(
            "Duplicate item_id in items",
            value=items.loc[items["item_id"].duplicated(), "item_id"].iloc[0],
            hint="Each feedback item must appear once.",
        )
    pairs = codes[["item_id", "code"]].dropna().drop_duplicates()
    if (pairs["code"] == UNCODED).any():
        raise DataError(
            f"{UNCODED!r} is reserved for items no code covers",
            column="code",
            value=UNCODED,
            hint="Rename that code in the codebook.",
        )
    unknown = ~pairs["item_id"].isin(items["item_id"])
    if unknown.any():
        raise DataError(
            "A coded item is not among the items",
            column="item_id",
            value=pairs.loc[unknown, "item_id"].iloc[0],
            hint="Classify the same items you analyse (filter codes with the items).",
        )
    return pairs


def wilson(count: Any, n: Any, ci: float = defaults.CI) -> pd.DataFrame:
    """Wilson score intervals of proportions count/n (vectorised; NaN where n is 0).

    Wilson (1927); recommended by Newcombe (1998) and Brown, Cai & DasGupta (2001). Wraps
    :func:`statsmodels.stats.proportion.proportion_confint` with ``method="wilson"``.

    Parameters
    ----------
    count, n : array-like
        Successes and trials, one pair per proportion.
    ci : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per proportion, in the input's order: ``count``, ``n``, ``estimate``
        (count / n, NaN where n is 0), ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> interval = wilson([81], [263])  # Newcombe (1998), Table I: 0.2553 to 0.3662
    >>> interval[["ci_low", "ci_high"]].round(4).values.tolist()
    [[0.2553, 0.3662]]
    """
    count = np.asarray(count, dtype=float).reshape(-1)
    n = np.asarray(n, dtype=float).reshape(-1)
    safe = np.where(n > 0, n, 1.0)
    low, high = proportion_confint(count, safe, alpha=_alpha(ci), method="wilson")
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.where(n > 0, count / safe, np.nan)
    return pd.DataFrame(
        {
            "count": count,
            "n": n,
            "estimate": estimate,
            "ci_low": np.where(n > 0, low, np.nan),
            "ci_high": np.where(n > 0, high, np.nan),
        }
    )


def code_shares(
    data: pd.DataFrame,
    codes: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    code_list: Sequence[str] | None = None,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Share of items per code, with Wilson intervals; items no code covers are the ``uncoded`` row.

    Parameters
    ----------
    data : DataFrame
        The items: ``item_id`` and the *by* columns.
    codes : DataFrame
        ``item_id, code`` (one row per assigned code).
    by : str or list of str, optional
        Group columns of *data* (``source``, ``touchpoint``, ``month``, a segment ...); each
        group has its own denominator. Missing group values form their own group.
    code_list : list of str, optional
        Codes to report in this order, with zero counts for codes never assigned (e.g. every
        codable code of the codebook); default: the assigned codes, most frequent first.
    ci : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per group and code (``uncoded`` last): the *by* columns, ``code``, ``count``
        (items with the code), ``n`` (items in the group), ``estimate`` (count / n, 0..1),
        ``ci_low``, ``ci_high`` (Wilson score interval; Newcombe 1998). An item with several
        codes counts for each, so shares may add up to more than 1.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": [1, 2, 3, 4], "source": ["app", "app", "web", "web"]})
    >>> codes = pd.DataFrame({"item_id": [1, 1, 2], "code": ["slow", "price", "slow"]})
    >>> code_shares(items, codes).round(3)
          code  count  n  estimate  ci_low  ci_high
    0     slow      2  4      0.50   0.150    0.850
    1    price      1  4      0.25   0.046    0.699
    2  uncoded      2  4      0.50   0.150    0.850
    >>> code_shares(items, codes, by="source")[["source", "code", "count", "n"]]
      source     code  count  n
    0    app     slow      2  2
    1    app    price      1  2
    2    app  uncoded      0  2
    3    web     slow      0  2
    4    web    price      0  2
    5    web  uncoded      2  2
    """
    items = data
    by = [by] if isinstance(by, str) else list(by or [])
    _require(items, ["item_id", *by], "items")
    pairs = _membership(items, codes)
    if code_list is None:
        order = pairs["code"].value_counts(sort=True)
        code_list = sorted(order.index, key=lambda c: (-order[c], str(c)))
    else:
        code_list = list(dict.fromkeys(code_list))
        unknown = sorted(set(pairs["code"]) - set(code_list), key=str)
        code_list += unknown
    keys = items[["item_id", *by]].copy()
    keys["_group"] = 0
    group_columns = by or ["_group"]
    coded = pairs.merge(keys, on="item_id")
    uncoded = keys[~keys["item_id"].isin(pairs["item_id"])].assign(code=UNCODED)
    counted = pd.concat([coded, uncoded], ignore_index=True)
    sizes = keys.groupby(group_columns, dropna=False, sort=True).size().rename("n")
    counts = counted.groupby([*group_columns, "code"], dropna=False).size().rename("count")
    grid = pd.MultiIndex.from_tuples(
        [(*(g if isinstance(g, tuple) else (g,)), c) for g in sizes.index for c in [*code_list, UNCODED]],
        names=[*group_columns, "code"],
    )
    table = counts.reindex(grid, fill_value=0).reset_index()
    table = table.merge(sizes.reset_index(), on=group_columns, how="left")
    table["count"] = table["count"].astype(int)
    table["n"] = table["n"].astype(int)
    table["estimate"] = table["count"] / table["n"].where(table["n"] > 0)
    interval = wilson(table["count"], table["n"], ci)
    table["ci_low"], table["ci_high"] = interval["ci_low"].to_numpy(), interval["ci_high"].to_numpy()
    table = table.drop(columns="_group", errors="ignore")
    return table[[*by, "code", "count", "n", "estimate", "ci_low", "ci_high"]]


def importance(data: pd.DataFrame, negativity: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Importance of each code as share x negativity, highest first.

    A code matters when many customers raise it *and* they raise it as a problem: a frequent
    but neutral topic ranks below a less frequent, mostly negative one.

    Parameters
    ----------
    data : DataFrame
        Code shares from :func:`code_shares` (``code``, ``estimate``, ``ci_low``, ``ci_high`` and any group
        columns); the ``uncoded`` row is left out.
    negativity : Series or DataFrame
        Share of the code's mentions that are negative (0..1): a Series indexed by code, or a
        DataFrame with ``code`` (plus the group columns of *data*) and ``negativity``.

    Returns
    -------
    DataFrame
        *data*'s columns plus ``negativity``, ``importance`` (estimate x negativity) and
        ``importance_low``, ``importance_high`` (the share's interval times negativity, with
        negativity taken as known), sorted by importance within each group.

    Examples
    --------
    >>> shares = pd.DataFrame({"code": ["slow", "price", "uncoded"], "estimate": [0.4, 0.2, 0.3],
    ...                        "ci_low": [0.3, 0.1, 0.2], "ci_high": [0.5, 0.3, 0.4]})
    >>> importance(shares, pd.Series({"slow": 0.25, "price": 0.9}))[["code", "importance"]]
        code  importance
    0  price        0.18
    1   slow        0.10
    """
    _require(data, ["code", "estimate", "ci_low", "ci_high"], "shares")
    table = data[data["code"] != UNCODED].copy()
    group = [c for c in table.columns if c not in ("code", "count", "n", "estimate", "ci_low", "ci_high")]
    if isinstance(negativity, pd.Series):
        table["negativity"] = table["code"].map(negativity).astype(float)
    else:
        _require(negativity, ["code", "negativity"], "negativity")
        keys = ["code", *[c for c in group if c in negativity.columns]]
        table = table.merge(negativity[[*keys, "negativity"]], on=keys, how="left")
    if table["negativity"].dropna().between(0, 1).all() is False:
        raise DataError("Negativity must be a share between 0 and 1", column="negativity")
    table["importance"] = table["estimate"] * table["negativity"]
    table["importance_low"] = table["ci_low"] * table["negativity"]
    table["importance_high"] = table["ci_high"] * table["negativity"]
    table = table.sort_values(
        [*group, "importance"], ascending=[True] * len(group) + [False], kind="stable", na_position="last"
    )
    return table.reset_index(drop=True)


def _periods(times: pd.Series, period: str) -> pd.Series:
    if period not in _PERIODS:
        raise DataError(
            "Unknown period", column="period", value=period, hint="Use 'W' (weeks) or 'M' (months)."
        )
    times = pd.to_datetime(times)
    return times.dt.to_period(_PERIODS[period]).dt.start_time


def code_trend(
    data: pd.DataFrame,
    codes: pd.DataFrame,
    period: str = "M",
    *,
    time_column: str = "time",
    code_list: Sequence[str] | None = None,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Code shares per week (``"W"``, Monday to Sunday) or month (``"M"``) of the items' time.

    Undated items are left out of the trend (they have no period); :func:`code_shares` counts them.

    Parameters
    ----------
    data : DataFrame
        The items: ``item_id`` and *time_column*.
    codes : DataFrame
        ``item_id, code`` (one row per assigned code).
    period : {"W", "M"}
        Weeks (Monday to Sunday) or calendar months.
    time_column : str
        The column of *data* holding each item's date.
    code_list : list of str, optional
        Codes to report, as in :func:`code_shares`.
    ci : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        :func:`code_shares` columns with ``period`` (the period's first day) first.

    Examples
    --------
    >>> times = pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03"])
    >>> items = pd.DataFrame({"item_id": [1, 2, 3], "time": times})
    >>> codes = pd.DataFrame({"item_id": [1, 3], "code": ["slow", "slow"]})
    >>> code_trend(items, codes)[["period", "code", "count", "n"]]
          period     code  count  n
    0 2025-01-01     slow      1  2
    1 2025-01-01  uncoded      1  2
    2 2025-02-01     slow      1  1
    3 2025-02-01  uncoded      0  1
    """
    items = data
    _require(items, ["item_id", time_column], "items")
    dated = items.loc[items[time_column].notna(), ["item_id", time_column]].copy()
    dated["period"] = _periods(dated[time_column], period)
    if code_list is None:
        order = _membership(items, codes)["code"].value_counts()
        code_list = sorted(order.index, key=lambda c: (-order[c], str(c)))
    pairs = codes[codes["item_id"].isin(dated["item_id"])]
    return code_shares(dated[["item_id", "period"]], pairs, by="period", code_list=code_list, ci=ci)


@dataclass(frozen=True)
class EmergingResult:
    """Result of :func:`emerging_issues`.

    Attributes
    ----------
    table : DataFrame
        One row per code: ``code``, ``count_baseline``, ``n_baseline``, ``share_baseline``,
        ``count_recent``, ``n_recent``, ``share_recent``, ``difference`` (recent - baseline)
        with ``ci_low``, ``ci_high`` (Newcombe hybrid score interval), ``ratio``, ``p_value``
        (one-sided: recent share higher), ``p_adjusted`` (Benjamini-Hochberg across codes),
        ``emerging`` (p_adjusted < *alpha*); most significant first.
    trend : DataFrame
        :func:`code_trend` of all dated items.
    baseline, recent : tuple of Timestamp
        First and last period start of each window.
    method : str
        One sentence naming the test and the correction, for the report.
    undated : int
        Items without a time (not in either window).
    alpha : float
        The significance level (false discovery rate) codes were flagged at.
    ci : float
        The confidence level of the intervals.
    """

    table: pd.DataFrame
    trend: pd.DataFrame
    baseline: tuple[pd.Timestamp, pd.Timestamp]
    recent: tuple[pd.Timestamp, pd.Timestamp]
    method: str
    undated: int
    alpha: float = defaults.ALPHA
    ci: float = defaults.CI

    @property
    def flagged(self) -> list[str]:
        """Codes whose share rose beyond chance."""
        return self.table.loc[self.table["emerging"], "code"].tolist()

    def summary(self) -> pd.DataFrame:
        """One row per code (:attr:`table`), most significant first."""
        return self.table.copy()


def _window(spec: Any, periods: list[pd.Timestamp], name: str) -> list[pd.Timestamp]:
    if isinstance(spec, tuple | list) and len(spec) == 2:
        start, end = pd.Timestamp(spec[0]), pd.Timestamp(spec[1])
        return [p for p in periods if start <= p <= end]
    raise DataError(
        f"Invalid {name} window",
        column=name,
        value=spec,
        hint="Give a number of periods or a (first, last) pair of dates.",
    )


def emerging_issues(
    data: pd.DataFrame,
    codes: pd.DataFrame,
    period: str = "M",
    *,
    recent: int | tuple[Any, Any] = 1,
    baseline: int | tuple[Any, Any] | None = None,
    method: Literal["fisher", "z"] = "fisher",
    alpha: float = defaults.ALPHA,
    ci: float = defaults.CI,
    time_column: str = "time",
    code_list: Sequence[str] | None = None,
) -> EmergingResult:
    """Codes whose share in the recent window is higher than in the baseline beyond chance.

    For each code, the share of items with the code in the recent window is compared with its
    share in the baseline window by a one-sided test of H1: recent > baseline, either Fisher's
    exact test (default; exact for the small counts of rare codes) or the pooled two-proportion
    z-test (``method="z"``). The p-values are adjusted across codes (the ``uncoded`` row
    included) with the Benjamini-Hochberg false discovery rate (1995); a code is flagged when
    its adjusted p-value is below the significance level *alpha*. The interval of the difference is Newcombe's (1998)
    hybrid score interval (method 10).

    Parameters
    ----------
    data, codes : DataFrame
        The items and their codes (see the module docstring); *data* needs *time_column*.
    period : {"W", "M"}
        Weeks (Monday to Sunday) or calendar months.
    recent : int or (date, date)
        The last *recent* periods with items, or the periods starting between two dates.
    baseline : int or (date, date), optional
        The *baseline* periods just before the recent window, or two dates; default: every
        period before the recent window.
    method : {"fisher", "z"}
        Fisher's exact test or the pooled two-proportion z-test.
    alpha : float
        Significance level: the false discovery rate at which codes are flagged.
    ci : float
        Confidence level of the intervals of the differences.
    time_column : str
        The column of *data* holding each item's date.
    code_list : list of str, optional
        Codes to report, as in :func:`code_shares`.

    Returns
    -------
    EmergingResult

    Raises
    ------
    NotApplicable
        Fewer than two periods with dated items, or an empty window.

    Examples
    --------
    >>> import numpy as np
    >>> times = pd.date_range("2025-01-01", periods=365, freq="D")
    >>> items = pd.DataFrame({"item_id": range(365), "time": times})
    >>> late = items.index[(times >= "2025-11-01") & (np.arange(365) % 4 == 0)]
    >>> early = items.index[(times < "2025-11-01") & (np.arange(365) % 50 == 0)]
    >>> codes = pd.DataFrame({"item_id": [*late, *early], "code": "crash"})
    >>> result = emerging_issues(items, codes, "M", recent=2)
    >>> result.flagged, [str(d.date()) for d in result.recent]
    (['crash'], ['2025-11-01', '2025-12-01'])
    """
    items = data
    if method not in ("fisher", "z"):
        raise DataError("Unknown test", column="method", value=method, hint="Use 'fisher' or 'z'.")
    alpha = check_alpha(alpha)
    trend = code_trend(items, codes, period, time_column=time_column, code_list=code_list, ci=ci)
    periods = sorted(trend["period"].unique())
    undated = int(items[time_column].isna().sum())
    if len(periods) < 2:
        raise NotApplicable(
            "Emerging issues need dated feedback in at least two periods.",
            "Name a time_column for the feedback sources, or collect feedback over a longer time.",
            missing_zh="新出现问题的检验需要至少两个时期的带日期反馈。",
            remedy_zh="为反馈来源指定 time_column，或收集更长时间的反馈。",
        )
    if isinstance(recent, int | np.integer):
        if not 1 <= recent < len(periods):
            raise DataError(
                "The recent window must leave earlier periods as baseline",
                column="recent",
                value=int(recent),
                hint=f"Use 1 to {len(periods) - 1} ({len(periods)} periods).",
            )
        recent_periods = periods[-int(recent) :]
    else:
        recent_periods = _window(recent, periods, "recent")
    before = [p for p in periods if recent_periods and p < recent_periods[0]]
    if baseline is None:
        baseline_periods = before
    elif isinstance(baseline, int | np.integer):
        baseline_periods = before[-int(baseline) :] if baseline > 0 else []
    else:
        baseline_periods = _window(baseline, periods, "baseline")
    if not recent_periods or not baseline_periods:
        raise NotApplicable(
            "The recent or the baseline window holds no dated feedback.",
            "Choose windows that both contain feedback (recent and baseline parameters).",
            missing_zh="近期窗口或基线窗口中没有带日期的反馈。",
            remedy_zh="请选择都包含反馈的窗口（recent 与 baseline 参数）。",
        )
    if set(recent_periods) & set(baseline_periods):
        raise DataError(
            "The recent and baseline windows overlap",
            column="baseline",
            hint="Let the baseline end before the recent window starts.",
        )

    def window(chosen: list[pd.Timestamp]) -> pd.DataFrame:
        part = trend[trend["period"].isin(chosen)]
        summed = part.groupby("code", sort=False)[["count", "n"]].sum()
        return summed

    old, new = window(baseline_periods), window(recent_periods)
    table = pd.DataFrame(
        {
            "code": old.index,
            "count_baseline": old["count"].to_numpy(),
            "n_baseline": old["n"].to_numpy(),
            "count_recent": new.loc[old.index, "count"].to_numpy(),
            "n_recent": new.loc[old.index, "n"].to_numpy(),
        }
    )
    table["share_baseline"] = table["count_baseline"] / table["n_baseline"]
    table["share_recent"] = table["count_recent"] / table["n_recent"]
    table["difference"] = table["share_recent"] - table["share_baseline"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = table["share_recent"] / table["share_baseline"]
    table["ci_low"], table["ci_high"] = _newcombe(
        table["count_recent"], table["n_recent"], table["count_baseline"], table["n_baseline"], _alpha(ci)
    )
    p_values = []
    for row in table.itertuples():
        x1, n1, x0, n0 = row.count_recent, row.n_recent, row.count_baseline, row.n_baseline
        if x1 + x0 == 0 or x1 + x0 == n1 + n0:
            p_values.append(1.0)
        elif method == "fisher":
            p_values.append(float(fisher_exact([[x1, n1 - x1], [x0, n0 - x0]], alternative="greater")[1]))
        else:
            p_values.append(float(proportions_ztest([x1, x0], [n1, n0], alternative="larger")[1]))
    table["p_value"] = p_values
    table["p_adjusted"] = adjust_pvalues(table["p_value"], "fdr")
    table["emerging"] = (table["p_adjusted"] < alpha) & (table["difference"] > 0)
    table = table.sort_values(["p_value", "difference"], ascending=[True, False], kind="stable")
    columns = [
        "code",
        "count_baseline",
        "n_baseline",
        "share_baseline",
        "count_recent",
        "n_recent",
        "share_recent",
        "difference",
        "ci_low",
        "ci_high",
        "ratio",
        "p_value",
        "p_adjusted",
        "emerging",
    ]
    test = "Fisher's exact test" if method == "fisher" else "the pooled two-proportion z-test"
    sentence = (
        f"Each code's share in the recent window is compared with the baseline by {test} (one-sided: "
        f"higher now); p-values adjusted across {len(table)} codes with the Benjamini-Hochberg false "
        f"discovery rate, flagged below {alpha:g}."
    )
    return EmergingResult(
        table=table[columns].reset_index(drop=True),
        trend=trend,
        baseline=(baseline_periods[0], baseline_periods[-1]),
        recent=(recent_periods[0], recent_periods[-1]),
        method=sentence,
        undated=undated,
        alpha=alpha,
        ci=ci,
    )


def _newcombe(x1: Any, n1: Any, x2: Any, n2: Any, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's (1998) hybrid score interval of p1 - p2 (method 10), NaN where a group is empty."""
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    low, high = np.full(len(x1), np.nan), np.full(len(x1), np.nan)
    for i in range(len(x1)):
        if n1[i] > 0 and n2[i] > 0:
            low[i], high[i] = confint_proportions_2indep(
                x1[i], n1[i], x2[i], n2[i], method="newcomb", compare="diff", alpha=alpha
            )
    return low, high


def _katz(x1: float, n1: float, x2: float, n2: float, alpha: float) -> tuple[float, float]:
    """Katz et al. (1978) log interval of the risk ratio; 0.5 added to the counts when one is zero."""
    if n1 == 0 or n2 == 0 or (x1 == 0 and x2 == 0):
        return np.nan, np.nan
    method = "log" if x1 > 0 and x2 > 0 else "log-adjusted"
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method=method, compare="ratio", alpha=alpha)
    return float(low), float(high)


def nps_groups(scores: pd.Series) -> pd.Series:
    """``detractor`` (0-6), ``passive`` (7-8) or ``promoter`` (9-10) per 0-10 score (Reichheld 2003).

    Examples
    --------
    >>> nps_groups(pd.Series([0, 6, 7, 9, 10, None])).tolist()
    ['detractor', 'detractor', 'passive', 'promoter', 'promoter', nan]
    """
    values = pd.to_numeric(scores, errors="coerce")
    bad = scores.notna() & (values.isna() | ~values.between(0, 10))
    if bad.any():
        raise DataError(
            "A likelihood-to-recommend score is not on the 0-10 scale",
            column="score",
            value=scores[bad].iloc[0],
            hint="Link open answers to the survey's 0-10 item.",
        )
    groups = np.select(
        [values <= DETRACTOR_MAX, values >= PROMOTER_MIN, values.notna()],
        ["detractor", "promoter", "passive"],
        default="",
    )
    return pd.Series(groups, index=scores.index).replace("", np.nan)


def detractor_lift(
    data: pd.DataFrame,
    codes: pd.DataFrame,
    nps_scores: pd.Series | None = None,
    *,
    score_column: str = "score",
    padjust: Literal["holm", "fdr"] = "holm",
    ci: float = defaults.CI,
    code_list: Sequence[str] | None = None,
    min_group: int = 10,
) -> pd.DataFrame:
    """What detractors say: code shares among detractors (0-6) vs promoters (9-10), with lift.

    Parameters
    ----------
    data, codes : DataFrame
        The items and their codes (see the module docstring).
    nps_scores : Series, optional
        The 0-10 likelihood-to-recommend per item (indexed like *data* or by ``item_id``);
        default: *data*'s *score_column* (the survey score joined to open answers).
    score_column : str
        The column of *data* holding the score when *nps_scores* is not given.
    padjust : {"holm", "fdr"}
        Adjustment of the p-values across codes (Holm 1979, or Benjamini-Hochberg).
    ci : float
        Confidence level of the intervals.
    code_list : list of str, optional
        Codes to report, as in :func:`code_shares`.
    min_group : int
        Fewest detractors and promoters with a score for the comparison.

    Returns
    -------
    DataFrame
        One row per code (``uncoded`` included): ``count_detractors``, ``n_detractors``,
        ``share_detractors``, the same for promoters, ``difference`` (detractors - promoters)
        with ``diff_ci_low``, ``diff_ci_high`` (Newcombe 1998 hybrid score interval), ``ratio``
        (detractors' share / promoters' share, the lift) with ``ratio_ci_low``,
        ``ratio_ci_high`` (Katz et al. 1978 log interval; 0.5 added to the counts when one is
        zero), ``p_value`` (Fisher's exact test, two-sided) and ``p_adjusted``; largest
        difference first. Passives (7-8) and unscored items are left out.

    Raises
    ------
    NotApplicable
        No scores, or fewer than *min_group* detractors or promoters.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": range(40), "score": [2] * 20 + [10] * 20})
    >>> codes = pd.DataFrame({"item_id": [*range(12), 20, 21], "code": "bill"})
    >>> lift = detractor_lift(items, codes)
    >>> lift.loc[0, ["code", "share_detractors", "share_promoters", "ratio"]].astype(str).tolist()
    ['bill', '0.6', '0.1', '5.999999999999999']
    """
    items = data
    _require(items, ["item_id"], "items")
    if nps_scores is None:
        if score_column not in items.columns:
            raise NotApplicable(
                "The feedback is not linked to likelihood-to-recommend scores.",
                "Declare open_items in the feedback: section to link answers to the survey.",
                missing_zh="反馈没有关联到推荐意愿评分。",
                remedy_zh="在 feedback: 部分声明 open_items，把回答关联到问卷。",
            )
        scores = items[score_column]
    else:
        scores = nps_scores
        if not scores.index.equals(items.index):
            scores = items["item_id"].map(nps_scores)
    groups = nps_groups(pd.Series(np.asarray(scores, dtype=object), index=items.index))
    n_detractors, n_promoters = int((groups == "detractor").sum()), int((groups == "promoter").sum())
    if min(n_detractors, n_promoters) < min_group:
        raise NotApplicable(
            f"Too few scored answers to compare detractors and promoters ({n_detractors} detractors, "
            f"{n_promoters} promoters; {min_group} of each are needed).",
            "Link more open answers to the survey's recommendation score.",
            missing_zh=f"有评分的回答太少，无法比较贬损者与推荐者（贬损者 {n_detractors} 位，推荐者 "
            f"{n_promoters} 位；每组需要 {min_group} 位）。",
            remedy_zh="把更多开放题回答关联到问卷的推荐意愿评分。",
        )
    keep = groups.isin(["detractor", "promoter"])
    scored = items.loc[keep, ["item_id"]].assign(group=groups[keep].to_numpy())
    alpha = _alpha(ci)
    shares = code_shares(
        scored, codes[codes["item_id"].isin(scored["item_id"])], by="group", code_list=code_list, ci=ci
    )
    wide = shares.pivot(index="code", columns="group", values=["count", "n", "estimate"])
    order = list(dict.fromkeys(shares["code"]))
    wide = wide.loc[order]
    table = pd.DataFrame(
        {
            "code": order,
            "count_detractors": wide[("count", "detractor")].to_numpy(dtype=int),
            "n_detractors": wide[("n", "detractor")].to_numpy(dtype=int),
            "share_detractors": wide[("estimate", "detractor")].to_numpy(dtype=float),
            "count_promoters": wide[("count", "promoter")].to_numpy(dtype=int),
            "n_promoters": wide[("n", "promoter")].to_numpy(dtype=int),
            "share_promoters": wide[("estimate", "promoter")].to_numpy(dtype=float),
        }
    )
    table["difference"] = table["share_detractors"] - table["share_promoters"]
    table["diff_ci_low"], table["diff_ci_high"] = _newcombe(
        table["count_detractors"],
        table["n_detractors"],
        table["count_promoters"],
        table["n_promoters"],
        alpha,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = table["share_detractors"] / table["share_promoters"]
    intervals = [
        _katz(r.count_detractors, r.n_detractors, r.count_promoters, r.n_promoters, alpha)
        for r in table.itertuples()
    ]
    table["ratio_ci_low"] = [i[0] for i in intervals]
    table["ratio_ci_high"] = [i[1] for i in intervals]
    table["p_value"] = [
        float(
            fisher_exact(
                [
                    [r.count_detractors, r.n_detractors - r.count_detractors],
                    [r.count_promoters, r.n_promoters - r.count_promoters],
                ]
            )[1]
        )
        for r in table.itertuples()
    ]
    table["p_adjusted"] = adjust_pvalues(table["p_value"], padjust)
    return table.sort_values("difference", ascending=False, kind="stable").reset_index(drop=True)


def _phrases(tokens: list[str], language: str) -> set[str]:
    joiner = "" if language == "zh" else " "
    return set(tokens) | {joiner.join(pair) for pair in itertools.pairwise(tokens)}


def codebook_gaps(
    uncoded_texts: pd.Series,
    language: str | pd.Series | None = None,
    *,
    top: int = 30,
    candidates: int = 8,
    min_items: int = 3,
    examples: int = 3,
    tokenizer: Any = None,
) -> pd.DataFrame:
    """Frequent phrases of the texts no code covers, grouped into candidate new codes.

    Each text is cut into content words (:func:`research.coding.tokens.tokenize`: jieba for
    Chinese, words for English, the shared stopwords removed) and adjacent word pairs. The
    *top* phrases found in at least *min_items* texts are grouped greedily by co-occurrence:
    the phrase in most of the remaining texts seeds a candidate, the phrases that occur in at
    least half of the seed's texts join it, the seed's texts are set aside, and so on. The
    grouping is deterministic and each candidate can be read off its phrases; the researcher
    decides which to accept into the codebook (with the phrases as keywords).

    Parameters
    ----------
    uncoded_texts : Series
        Texts of the uncoded items, indexed by item id.
    language : str or Series, optional
        ``"zh"`` or ``"en"``, or one per text; ``None``: the report's language.
    top, candidates, min_items, examples : int
        Phrases considered, most candidates returned, fewest texts per phrase, example ids.

    Returns
    -------
    DataFrame
        One row per candidate: ``candidate`` (1, 2, ...), ``label`` (the seed phrase),
        ``phrases`` (list, seed first), ``n`` (texts with the seed among those left),
        ``share`` (of all texts given), ``examples`` (item ids).

    Raises
    ------
    NotApplicable
        No text, or no phrase in *min_items* texts.

    Examples
    --------
    >>> texts = pd.Series(["5G信号很差", "家里信号不好", "信号总是断", "电梯里没信号", "网速太慢了",
    ...                    "网速慢"], index=[f"i{n}" for n in range(6)])
    >>> gaps = codebook_gaps(texts, "zh", min_items=2)
    >>> gaps.loc[0, "label"], int(gaps.loc[0, "n"]), gaps.loc[0, "examples"]
    ('信号', 4, ['i0', 'i1', 'i2'])
    """
    from research.coding.tokens import tokenize

    texts = pd.Series(uncoded_texts).fillna("").astype(str)
    if isinstance(language, pd.Series):
        languages = language.reindex(texts.index).fillna("zh").astype(str).tolist()
    else:
        languages = [resolve_language(language)] * len(texts)
    texts_present = texts.str.strip() != ""
    if not texts_present.any():
        raise NotApplicable(
            "Every item is covered by a code (no uncoded text to look for new codes in).",
            missing_zh="每个条目都有编码覆盖（没有可从中寻找新编码的未编码文本）。",
        )
    documents = {
        item: _phrases(tokenize(text, lang, tokenizer) if lang == "zh" else tokenize(text, lang), lang)
        for item, text, lang in zip(texts.index, texts, languages, strict=True)
        if text.strip()
    }
    frequency = Counter(p for phrases in documents.values() for p in phrases)
    common = [
        p for p, count in sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0])) if count >= min_items
    ][:top]
    if not common:
        raise NotApplicable(
            f"No phrase occurs in {min_items} or more uncoded texts.",
            "Look through the uncoded items by hand, or collect more feedback.",
            missing_zh=f"没有短语出现在 {min_items} 条或以上的未编码文本中。",
            remedy_zh="请人工浏览未编码条目，或收集更多反馈。",
        )
    remaining = dict(documents)
    rows = []
    for number in range(1, candidates + 1):
        counts = Counter(p for phrases in remaining.values() for p in phrases if p in common)
        best = [p for p, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_items]
        if not best:
            break
        seed = best[0]
        covered = [item for item, phrases in remaining.items() if seed in phrases]
        inside = Counter(p for item in covered for p in remaining[item] if p in common and p != seed)
        joined = [
            p for p, c in sorted(inside.items(), key=lambda kv: (-kv[1], kv[0])) if c >= len(covered) / 2
        ]
        rows.append(
            {
                "candidate": number,
                "label": seed,
                "phrases": [seed, *joined],
                "n": len(covered),
                "share": len(covered) / len(texts),
                "examples": covered[:examples],
            }
        )
        for item in covered:
            del remaining[item]
    return pd.DataFrame(rows, columns=["candidate", "label", "phrases", "n", "share", "examples"])
