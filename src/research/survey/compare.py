"""Group comparisons of satisfaction across segments, touchpoints or channels.

Three families, each an omnibus test, an effect size and pairwise follow-ups with a
plain-language ``reading`` per row in the study's language:

- :func:`compare_means`: Welch's ANOVA (unequal variances) with Games-Howell pairs
  (pingouin), eta- and omega-squared.
- :func:`compare_ranks`: Kruskal-Wallis with Dunn's (1964) rank-sum pairs, epsilon-squared.
- :func:`compare_proportions`: Pearson's chi-square with Cramér's V and pairwise differences
  of proportions (Newcombe score intervals).

Pairwise p-values are corrected with :func:`research.multitest.adjust_pvalues` (Holm by
default, ``"fdr"`` for Benjamini-Hochberg). The tests treat respondents as a simple random
sample: survey weights are not used here (design-based tests are out of scope); compare
weighted estimates with :mod:`research.survey.metrics` instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from research.checks import check_alpha, check_ci
from research.defaults import ALPHA, CI
from research.errors import DataError
from research.multitest import adjust_pvalues
from research.wording import resolve_language, say

PAdjust = Literal["holm", "fdr", "bonferroni", "none"]


@dataclass
class ComparisonResult:
    """The result of one group comparison; :meth:`summary` is its omnibus test.

    Attributes
    ----------
    omnibus : DataFrame
        One row: ``test``, ``statistic``, ``df1``, ``df2``, ``p_value``, effect sizes, ``n``, ``k``.
    pairwise : DataFrame
        One row per pair of groups, with ``p_value`` (unadjusted), ``p_adjusted``,
        ``significant`` and a ``reading`` sentence.
    groups : DataFrame
        One row per group: ``group``, ``n`` and the group's summary (mean, proportion, mean rank).
    details : dict
        Settings used (``padjust``, ``alpha``, ``ci``).
    """

    omnibus: pd.DataFrame
    pairwise: pd.DataFrame
    groups: pd.DataFrame
    details: dict[str, Any] = field(default_factory=dict)
    #: Plain sentences about what was left out (segment levels with too few respondents).
    notes: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """The omnibus test with the number of significant pairs (one row).

        Returns
        -------
        DataFrame
            ``omnibus`` with a ``significant_pairs`` column.
        """
        return self.omnibus.assign(significant_pairs=int(self.pairwise["significant"].sum()))


@contextmanager
def _quiet_pingouin():
    """Pingouin 0.7 calls pandas APIs that pandas 3 deprecates; not the user's concern."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*inplace keyword.*")
        yield


# --- input checks --------------------------------------------------------------------------


def _clean(data: pd.DataFrame, dv: str, group: str, *, numeric: bool = True) -> pd.DataFrame:
    for column in (dv, group):
        if column not in data.columns:
            raise DataError(
                "Column not found for the comparison",
                column=column,
                hint=f"Available columns: {', '.join(map(str, data.columns))}.",
            )
    frame = data[[dv, group]].dropna()
    if numeric:
        values = pd.to_numeric(frame[dv], errors="coerce")
        bad = values.isna()
        if bad.any():
            first = frame.index[bad][0]
            raise DataError(
                "Non-numeric value in a score column",
                column=dv,
                value=frame.loc[first, dv],
                hint="Map text labels to numbers when loading the survey (study.yml scales).",
            )
        frame = frame.assign(**{dv: values.astype(float)})
    counts = frame[group].value_counts()
    if len(counts) < 2:
        raise DataError(
            "A comparison needs at least two groups with data",
            column=group,
            value=list(counts.index),
            hint="Choose a segment variable with two or more answered categories.",
        )
    return frame


def _label(value: Any, labels: dict | None) -> str:
    return str(labels.get(value, value)) if labels else str(value)


def _format_p(p: float, language: str, adjusted: bool = True) -> str:
    # Without a correction the p-value is not "adjusted"; saying so would overstate it.
    name = say("survey", "compare_adjusted_p", language) if adjusted else "p"
    return f"{name} < 0.001" if p < 0.001 else f"{name} = {p:.3f}"


def _reading(
    a: str,
    b: str,
    difference: float,
    p_adjusted: float,
    significant: bool,
    *,
    dv: str,
    language: str,
    detail: str,
    negative_detail: str,
    adjusted: bool = True,
) -> str:
    """One sentence; the higher group is named first when the difference is significant."""
    p_text = _format_p(p_adjusted, language, adjusted)
    if significant:
        high, low, shown = (a, b, detail) if difference > 0 else (b, a, negative_detail)
        return say("survey", "compare_higher", language, high=high, low=low, dv=dv, detail=shown, p=p_text)
    return say("survey", "compare_no_difference", language, a=a, b=b, dv=dv, detail=detail, p=p_text)


def _readings(
    pairwise: pd.DataFrame,
    difference: str,
    detail: Callable[[Any, float], str],
    *,
    dv: str,
    group_labels: dict | None,
    language: str,
    padjust: str,
) -> list[str]:
    """The ``reading`` of every pair; ``detail(row, sign)`` words the difference (sign -1: b - a)."""
    return [
        _reading(
            _label(row.group_a, group_labels),
            _label(row.group_b, group_labels),
            getattr(row, difference),
            row.p_adjusted,
            row.significant,
            dv=dv,
            language=language,
            detail=detail(row, 1.0),
            negative_detail=detail(row, -1.0),
            adjusted=padjust != "none",
        )
        for row in pairwise.itertuples()
    ]


def _signed(row: Any, sign: float) -> tuple[float, float, float]:
    """A pair's difference and interval, as a - b (sign 1) or b - a (sign -1)."""
    if sign > 0:
        return row.difference, row.ci_low, row.ci_high
    return -row.difference, -row.ci_high, -row.ci_low


def _percent(values: tuple[float, float, float]) -> tuple[float, float, float]:
    difference, low, high = values
    return 100 * difference, 100 * low, 100 * high


def _difference_text(d: float, low: float, high: float, ci: float, language: str, unit: str = "") -> str:
    level = f"{round(ci * 100):d}%"
    return say(
        "survey", "compare_difference", language, difference=d, unit=unit, level=level, low=low, high=high
    )


def _adjust(pairwise: pd.DataFrame, padjust: PAdjust, alpha: float) -> pd.DataFrame:
    pairwise["p_adjusted"] = adjust_pvalues(pairwise["p_value"].to_numpy(), padjust)
    pairwise["significant"] = pairwise["p_adjusted"] < alpha
    return pairwise


# --- effect sizes --------------------------------------------------------------------------


def _anova_table(data: pd.DataFrame, dv: str, group: str) -> pd.DataFrame:
    """Pingouin's detailed one-way ANOVA table (rows: between, within) of the cleaned data."""
    frame = _clean(data, dv, group)
    with _quiet_pingouin():
        return pg.anova(data=frame, dv=dv, between=group, detailed=True)


def eta_squared(data: pd.DataFrame, dv: str, group: str) -> float:
    """Eta-squared, ``SS_between / SS_total`` of a one-way ANOVA (0..1).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    dv : str
        Numeric score column.
    group : str
        Group column.

    Returns
    -------
    float
        Eta-squared.

    Examples
    --------
    >>> df = pd.DataFrame({"score": [1, 2, 3, 4, 5, 6], "g": list("aabbcc")})
    >>> round(eta_squared(df, "score", "g"), 4)
    0.9143
    """
    table = _anova_table(data, dv, group)
    return float(table.loc[0, "SS"] / table["SS"].sum())


def omega_squared(data: pd.DataFrame, dv: str, group: str) -> float:
    """Omega-squared (Hays 1963), the less biased variance share of a one-way design (0..1).

    ``(SS_between - df_between * MS_within) / (SS_total + MS_within)``; negative estimates
    are returned as they are (they mean "no effect").

    Parameters
    ----------
    data : DataFrame
        One row per observation.
    dv, group : str
        The score column and the grouping column.

    Returns
    -------
    float
        Omega-squared (may be negative).

    Examples
    --------
    >>> df = pd.DataFrame({"score": [1, 2, 3, 4, 5, 6], "g": list("aabbcc")})
    >>> round(omega_squared(df, "score", "g"), 4)
    0.8333
    """
    table = _anova_table(data, dv, group)
    ss_between, ss_within = table.loc[0, "SS"], table.loc[1, "SS"]
    df_between, ms_within = table.loc[0, "DF"], table.loc[1, "MS"]
    return float((ss_between - df_between * ms_within) / (ss_between + ss_within + ms_within))


def epsilon_squared(h: float, n: int) -> float:
    """Epsilon-squared of a Kruskal-Wallis test, ``H / (n - 1)`` (Tomczak & Tomczak 2014), 0..1.

    Parameters
    ----------
    h : float
        Kruskal-Wallis H.
    n : int
        Number of observations.

    Returns
    -------
    float
        Epsilon-squared.

    Examples
    --------
    >>> round(epsilon_squared(10.58863, 19), 4)
    0.5883
    """
    if n < 2:
        raise DataError("Epsilon-squared needs at least two observations", value=n)
    return float(h / (n - 1))


def cramers_v(table: pd.DataFrame | np.ndarray) -> float:
    """Cramér's V of a contingency table, ``sqrt(chi2 / (n * (min(r, c) - 1)))`` (0..1).

    Uses :func:`scipy.stats.contingency.association` (no bias correction).

    Parameters
    ----------
    table : DataFrame or array
        Counts, rows by columns.

    Returns
    -------
    float
        Cramér's V.

    Examples
    --------
    Agresti (2007, Table 2.5), gender by party identification, chi-square 30.07, n = 2757:

    >>> round(cramers_v([[762, 327, 468], [484, 239, 477]]), 4)
    0.1044
    """
    observed = np.asarray(table)
    if observed.ndim != 2 or min(observed.shape) < 2:
        raise DataError("Cramér's V needs a table with at least 2 rows and 2 columns", value=observed.shape)
    return float(association(observed, method="cramer", correction=False))


# --- means: Welch ANOVA + Games-Howell -----------------------------------------------------


def compare_means(
    data: pd.DataFrame,
    dv: str,
    group: str,
    *,
    padjust: PAdjust = "holm",
    alpha: float = ALPHA,
    ci: float = CI,
    language: str | None = None,
    dv_label: str | None = None,
    group_labels: dict | None = None,
) -> ComparisonResult:
    """Compare mean scores across groups: Welch's ANOVA and Games-Howell pairwise tests.

    Welch's ANOVA does not assume equal variances (Welch 1951); the Games-Howell procedure
    (Games & Howell 1976) gives each pair a Welch t statistic and a simultaneous confidence
    interval from the studentized range. The pairwise ``p_value`` is the unadjusted Welch
    t-test; ``p_adjusted`` corrects it with ``padjust`` (Holm by default) and decides
    ``significant``; ``p_games_howell`` is the studentized-range p-value for reference.

    The pairwise interval matches the correction where an exact match exists: with
    ``padjust="none"`` it is the plain Welch t interval and with ``"bonferroni"`` the
    Bonferroni-corrected one, so it excludes 0 exactly when ``significant`` (for
    ``alpha = 1 - ci``). Holm and FDR have no matching interval; there it is the Games-Howell
    simultaneous interval, which can disagree with ``significant`` for borderline pairs.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    dv : str
        Numeric score column (e.g. a 1-5 satisfaction item).
    group : str
        Segment column (region, tier, channel ...).
    padjust : {"holm", "fdr", "bonferroni", "none"}
        Multiple-comparison correction of the pairwise p-values.
    alpha : float
        Significance level for ``significant``.
    ci : float
        Confidence level of the pairwise intervals.
    language : {"en", "zh"}, optional
        Language of the ``reading`` column (``None``: the report's language).
    dv_label, group_labels : optional
        Display names of the score and of the group codes.

    Returns
    -------
    ComparisonResult
        ``omnibus`` columns: test, statistic (F), df1, df2, p_value, eta_squared,
        omega_squared, n, k. ``pairwise``: group_a, group_b, mean_a, mean_b, difference
        (a - b), se, ci_low, ci_high, statistic (t), df, p_value, p_adjusted, p_games_howell,
        hedges_g, significant, reading.

    Examples
    --------
    >>> df = pd.DataFrame({"score": [4, 5, 4, 5, 4, 2, 3, 2, 3, 2, 3, 3, 4, 3, 3],
    ...                    "region": ["east"] * 5 + ["west"] * 5 + ["north"] * 5})
    >>> result = compare_means(df, "score", "region", dv_label="hotline satisfaction")
    >>> round(float(result.omnibus.loc[0, "statistic"]), 2)
    15.64
    >>> print(result.pairwise.loc[0, "reading"])
    hotline satisfaction is significantly higher in east than in north
    (difference 1.20, 95% CI 0.29 to 2.11, adjusted p = 0.011)
    """
    language, ci, alpha = resolve_language(language), check_ci(ci), check_alpha(alpha)
    frame = _clean(data, dv, group)
    dv_text = dv_label or dv
    with _quiet_pingouin():
        welch = pg.welch_anova(data=frame, dv=dv, between=group)
    n, k = len(frame), frame[group].nunique()
    omnibus = pd.DataFrame(
        {
            "test": ["welch_anova"],
            "statistic": [float(welch.loc[0, "F"])],
            "df1": [float(welch.loc[0, "ddof1"])],
            "df2": [float(welch.loc[0, "ddof2"])],
            "p_value": [float(welch.loc[0, "p_unc"])],
            "eta_squared": [eta_squared(frame, dv, group)],
            "omega_squared": [omega_squared(frame, dv, group)],
            "n": [n],
            "k": [k],
        }
    )
    groups = (
        frame.groupby(group, sort=True)[dv]
        .agg(["count", "mean", "std"])
        .reset_index()
        .rename(columns={group: "group", "count": "n", "std": "sd"})
    )
    with _quiet_pingouin():
        gh = pg.pairwise_gameshowell(data=frame, dv=dv, between=group)
    df_pairs = gh["df"].to_numpy()
    if padjust in ("none", "bonferroni"):
        # Welch t interval at the (Bonferroni-corrected) level: it excludes 0 exactly when the
        # (adjusted) p-value is below 1 - ci, so the reading never contradicts itself.
        level = ci if padjust == "none" else 1 - (1 - ci) / len(gh)
        critical = stats.t.ppf(0.5 + level / 2, df_pairs)
    else:
        # Games-Howell simultaneous interval: diff +/- q(ci; k, df) / sqrt(2) * se.
        critical = stats.studentized_range.ppf(ci, k, df_pairs) / np.sqrt(2)
    half = critical * gh["se"].to_numpy()
    pairwise = pd.DataFrame(
        {
            "group_a": gh["A"].to_numpy(),
            "group_b": gh["B"].to_numpy(),
            "mean_a": gh["mean_A"].to_numpy(),
            "mean_b": gh["mean_B"].to_numpy(),
            "difference": gh["diff"].to_numpy(),
            "se": gh["se"].to_numpy(),
            "ci_low": gh["diff"].to_numpy() - half,
            "ci_high": gh["diff"].to_numpy() + half,
            "statistic": gh["T"].to_numpy(),
            "df": gh["df"].to_numpy(),
            "p_value": 2 * stats.t.sf(np.abs(gh["T"].to_numpy()), gh["df"].to_numpy()),
            "p_games_howell": gh["pval"].to_numpy(),
            "hedges_g": gh["hedges"].to_numpy(),
        }
    )
    pairwise = _adjust(pairwise, padjust, alpha)
    pairwise["reading"] = _readings(
        pairwise,
        "difference",
        lambda row, sign: _difference_text(*_signed(row, sign), ci, language),
        dv=dv_text,
        group_labels=group_labels,
        language=language,
        padjust=padjust,
    )
    return ComparisonResult(omnibus, pairwise, groups, {"padjust": padjust, "alpha": alpha, "ci": ci})


# --- ranks: Kruskal-Wallis + Dunn ----------------------------------------------------------


def dunn_test(data: pd.DataFrame, dv: str, group: str, *, padjust: PAdjust = "holm") -> pd.DataFrame:
    """Dunn's (1964) pairwise rank-sum test after Kruskal-Wallis, with the tie correction.

    Ranks are taken jointly over all groups; for groups i and j,
    ``z = (mean_rank_i - mean_rank_j) / sqrt((N(N+1)/12 - sum(t^3 - t) / (12(N-1))) (1/n_i + 1/n_j))``
    and the p-value is two-sided (as ``FSA::dunnTest``; ``dunn.test`` prints one-sided
    ``P(Z >= |z|)`` by default, half of it).

    Returns
    -------
    DataFrame
        group_a, group_b, mean_rank_a, mean_rank_b, rank_difference (a - b), statistic (z),
        p_value (two-sided, unadjusted), p_adjusted.

    Parameters
    ----------
    data : DataFrame
        One row per observation.
    dv : str
        Numeric column to rank.
    group : str
        Group column.
    padjust : {"holm", "fdr", "bonferroni", "none"}
        Correction of the pairwise p-values.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6, 7, 8, 9], "g": list("aaabbbccc")})
    >>> dunn_test(df, "x", "g", padjust="none")[["group_a", "group_b", "statistic"]].round(3)
      group_a group_b  statistic
    0       a       b     -1.342
    1       a       c     -2.683
    2       b       c     -1.342
    """
    frame = _clean(data, dv, group)
    ranks = frame[dv].rank(method="average")
    n_total = len(frame)
    _, tie_counts = np.unique(frame[dv].to_numpy(), return_counts=True)
    tie_term = float(np.sum(tie_counts**3 - tie_counts)) / (12 * (n_total - 1))
    variance_unit = n_total * (n_total + 1) / 12 - tie_term
    summary = ranks.groupby(frame[group], sort=True).agg(["mean", "count"])
    rows = []
    for a, b in combinations(summary.index, 2):
        difference = summary.loc[a, "mean"] - summary.loc[b, "mean"]
        se = np.sqrt(variance_unit * (1 / summary.loc[a, "count"] + 1 / summary.loc[b, "count"]))
        z = difference / se
        rows.append(
            {
                "group_a": a,
                "group_b": b,
                "mean_rank_a": float(summary.loc[a, "mean"]),
                "mean_rank_b": float(summary.loc[b, "mean"]),
                "rank_difference": float(difference),
                "statistic": float(z),
                "p_value": float(2 * stats.norm.sf(abs(z))),
            }
        )
    result = pd.DataFrame(rows)
    result["p_adjusted"] = adjust_pvalues(result["p_value"].to_numpy(), padjust)
    return result


def compare_ranks(
    data: pd.DataFrame,
    dv: str,
    group: str,
    *,
    padjust: PAdjust = "holm",
    alpha: float = ALPHA,
    language: str | None = None,
    dv_label: str | None = None,
    group_labels: dict | None = None,
) -> ComparisonResult:
    """Compare score distributions across groups: Kruskal-Wallis and Dunn's pairwise tests.

    The rank-based alternative to :func:`compare_means` for ordinal Likert answers.
    Effect size: epsilon-squared ``H / (n - 1)``.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    dv : str
        Numeric score column.
    group : str
        Segment column.
    padjust : {"holm", "fdr", "bonferroni", "none"}
        Multiple-comparison correction of the pairwise p-values.
    alpha : float
        Significance level for ``significant``.
    language : {"en", "zh"}, optional
        Language of the ``reading`` column (``None``: the report's language).
    dv_label, group_labels : optional
        Display names of the score and of the group codes.

    Returns
    -------
    ComparisonResult
        ``omnibus``: test, statistic (H), df1, df2 (NaN), p_value, epsilon_squared, n, k.
        ``pairwise``: as :func:`dunn_test` plus significant and reading. ``groups``: group,
        n, median, mean_rank.

    Examples
    --------
    >>> df = pd.DataFrame({"score": [4, 5, 4, 5, 4, 2, 3, 2, 3, 2, 3, 3, 4, 3, 3],
    ...                    "region": ["east"] * 5 + ["west"] * 5 + ["north"] * 5})
    >>> result = compare_ranks(df, "score", "region", language="zh", dv_label="热线满意度",
    ...                        group_labels={"east": "华东", "west": "西部", "north": "华北"})
    >>> round(float(result.omnibus.loc[0, "epsilon_squared"]), 3)
    0.784
    >>> print(result.pairwise.loc[1, "reading"])
    华东的热线满意度显著高于西部（平均秩差 8.90，校正后 p = 0.003）
    """
    language, alpha = resolve_language(language), check_alpha(alpha)
    frame = _clean(data, dv, group)
    with _quiet_pingouin():
        kw = pg.kruskal(data=frame, dv=dv, between=group)
    n, k = len(frame), frame[group].nunique()
    h = float(kw["H"].iloc[0])
    omnibus = pd.DataFrame(
        {
            "test": ["kruskal_wallis"],
            "statistic": [h],
            "df1": [float(kw["ddof1"].iloc[0])],
            "df2": [np.nan],
            "p_value": [float(kw["p_unc"].iloc[0])],
            "epsilon_squared": [epsilon_squared(h, n)],
            "n": [n],
            "k": [k],
        }
    )
    ranks = frame[dv].rank(method="average")
    groups = (
        pd.DataFrame(
            {
                "n": frame.groupby(group, sort=True)[dv].count(),
                "median": frame.groupby(group, sort=True)[dv].median(),
                "mean_rank": ranks.groupby(frame[group], sort=True).mean(),
            }
        )
        .rename_axis("group")
        .reset_index()
    )
    pairwise = dunn_test(frame, dv, group, padjust=padjust)
    pairwise["significant"] = pairwise["p_adjusted"] < alpha
    dv_text = dv_label or dv

    def detail(row: Any, sign: float) -> str:
        return say("survey", "compare_rank_difference", language, difference=sign * row.rank_difference)

    pairwise["reading"] = _readings(
        pairwise,
        "rank_difference",
        detail,
        dv=dv_text,
        group_labels=group_labels,
        language=language,
        padjust=padjust,
    )
    return ComparisonResult(omnibus, pairwise, groups, {"padjust": padjust, "alpha": alpha})


# --- proportions: chi-square ---------------------------------------------------------------


def compare_proportions(
    data: pd.DataFrame,
    dv: str,
    group: str,
    *,
    success: Any = True,
    padjust: PAdjust = "holm",
    alpha: float = ALPHA,
    ci: float = CI,
    language: str | None = None,
    dv_label: str | None = None,
    group_labels: dict | None = None,
) -> ComparisonResult:
    """Compare a proportion (share of ``dv == success``) across groups.

    Omnibus: Pearson's chi-square on the groups x (success, other) table, without continuity
    correction, and Cramér's V. Pairs: difference of proportions (0..1) with Newcombe's (1998)
    hybrid score interval (per pair, not adjusted for multiplicity) and the two-proportion
    z-test (equal to the 2x2 chi-square).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    dv : str
        The answer column.
    group : str
        Segment column.
    success : value, default True
        The answer counted as a success; for 0/1 columns use ``1`` (``True == 1``).
    padjust : {"holm", "fdr", "bonferroni", "none"}
        Multiple-comparison correction of the pairwise p-values.
    alpha : float
        Significance level for ``significant``.
    ci : float
        Confidence level of the pairwise intervals.
    language : {"en", "zh"}, optional
        Language of the ``reading`` column (``None``: the report's language).
    dv_label, group_labels : optional
        Display names of the answer and of the group codes.

    Returns
    -------
    ComparisonResult
        ``omnibus``: test, statistic (chi2), df1, df2 (NaN), p_value, cramers_v, n, k.
        ``pairwise``: group_a, group_b, proportion_a, proportion_b, difference (a - b, 0..1),
        ci_low, ci_high, statistic (z), p_value, p_adjusted, significant, reading (difference
        in percentage points).

    Examples
    --------
    >>> df = pd.DataFrame({"promoter": [1] * 60 + [0] * 40 + [1] * 35 + [0] * 65,
    ...                    "tier": ["gold"] * 100 + ["standard"] * 100})
    >>> result = compare_proportions(df, "promoter", "tier", success=1, dv_label="share of promoters")
    >>> print(result.omnibus[["statistic", "cramers_v"]].round(3).to_string(index=False))
     statistic  cramers_v
        12.531       0.25
    >>> print(result.pairwise.loc[0, "reading"])
    share of promoters is significantly higher in gold than in standard
    (difference 25.00 pp, 95% CI 11.18 to 37.52, adjusted p < 0.001)
    """
    language, ci, alpha = resolve_language(language), check_ci(ci), check_alpha(alpha)
    frame = _clean(data, dv, group, numeric=False)
    if (
        isinstance(success, bool | np.bool_)
        and not pd.api.types.is_bool_dtype(frame[dv])
        and not frame[dv].isin([0, 1]).all()
    ):
        # True == 1 in pandas: on a 1-5 item the default would silently count the 1s.
        raise DataError(
            "success=True/False only fits a yes/no (or 0/1) column",
            column=dv,
            value=frame[dv].loc[~frame[dv].isin([0, 1])].iloc[0],
            hint="Pass the answer to count, e.g. success=5, or make a yes/no column first.",
        )
    hits = (frame[dv] == success).astype(int)
    counts = pd.DataFrame(
        {
            "successes": hits.groupby(frame[group], sort=True).sum(),
            "n": hits.groupby(frame[group], sort=True).count(),
        }
    )
    table = np.column_stack([counts["successes"], counts["n"] - counts["successes"]])
    if (table.sum(axis=0) == 0).any():
        raise DataError(
            "Every respondent has the same answer: no proportion to compare",
            column=dv,
            value=success,
            hint="Check the 'success' value; it must match how the answers are coded.",
        )
    chi2, p_value, dof, _ = stats.chi2_contingency(table, correction=False)
    omnibus = pd.DataFrame(
        {
            "test": ["chi_square"],
            "statistic": [float(chi2)],
            "df1": [float(dof)],
            "df2": [np.nan],
            "p_value": [float(p_value)],
            "cramers_v": [cramers_v(table)],
            "n": [int(counts["n"].sum())],
            "k": [len(counts)],
        }
    )
    groups = counts.assign(proportion=counts["successes"] / counts["n"]).rename_axis("group").reset_index()
    rows = []
    for a, b in combinations(counts.index, 2):
        xa, na = int(counts.loc[a, "successes"]), int(counts.loc[a, "n"])
        xb, nb = int(counts.loc[b, "successes"]), int(counts.loc[b, "n"])
        low, high = confint_proportions_2indep(xa, na, xb, nb, method="newcomb", alpha=1 - ci)
        if xa + xb in (0, na + nb):
            z, p = 0.0, 1.0
        else:
            z, p = proportions_ztest([xa, xb], [na, nb])
        rows.append(
            {
                "group_a": a,
                "group_b": b,
                "proportion_a": xa / na,
                "proportion_b": xb / nb,
                "difference": xa / na - xb / nb,
                "ci_low": float(low),
                "ci_high": float(high),
                "statistic": float(z),
                "p_value": float(p),
            }
        )
    pairwise = _adjust(pd.DataFrame(rows), padjust, alpha)
    unit = say("survey", "compare_percentage_points", language)
    pairwise["reading"] = _readings(
        pairwise,
        "difference",
        lambda row, sign: _difference_text(*_percent(_signed(row, sign)), ci, language, unit),
        dv=dv_label or dv,
        group_labels=group_labels,
        language=language,
        padjust=padjust,
    )
    return ComparisonResult(omnibus, pairwise, groups, {"padjust": padjust, "alpha": alpha, "ci": ci})
