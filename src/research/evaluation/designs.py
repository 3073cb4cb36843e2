"""Before/after comparisons of survey waves: independent samples, panels, and how to tell them apart.

Two survey waves are either *independent* (different respondents before and after) or a *panel*
(the same respondents twice); often they are both: a panel subset plus fresh respondents. The
two need different statistics (Welch / Mann-Whitney versus paired t / Wilcoxon / McNemar), and a
data set mixing them must not be analysed as if it were one or the other. :func:`choose_design`
looks at the respondent ids and says which design applies; :func:`compare_waves` runs the right
comparison for each part and labels it. Every estimate is *after minus before*.

References
----------
Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: a
practical primer for t-tests and ANOVAs. *Frontiers in Psychology*, 4, 863.
Agresti, A. (2007). *An Introduction to Categorical Data Analysis* (2nd ed.), section 8.1.
Welch, B. L. (1947). The generalization of "Student's" problem when several different population
variances are involved. *Biometrika*, 34, 28-35.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pingouin as pg
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from research import defaults
from research.checks import check_ci
from research.errors import DataError
from research.evaluation.proportions import proportion_difference
from research.io import require_columns
from research.weighting import effective_n
from research.wording import resolve_language, say

#: Below this many discordant pairs McNemar's test uses the exact binomial distribution.
MCNEMAR_EXACT_BELOW = 25

_NPS_CODES = {"detractor": -100.0, "passive": 0.0, "promoter": 100.0}


# --------------------------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------------------------


def _as_float(values: object, name: str) -> np.ndarray:
    try:
        array = np.asarray(
            pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="raise"), dtype=float
        )
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"The {name} values must be numbers",
            column=name,
            value=str(exc)[:80],
            hint="Map text labels to numbers (research.survey.load_survey does this).",
        ) from exc
    return array


def _refuse_values(bad: np.ndarray, message: str, column: str, hint: str, file: str | None = None) -> None:
    """Raise a DataError naming the first of the *bad* values (none: return)."""
    if bad.size:
        raise DataError(message, file=file, column=column, value=float(bad[0]), hint=hint)


def _check_kind(kind: str, allowed: tuple[str, ...], hint: str) -> None:
    """Raise a DataError naming the argument ``kind`` when it is not one of *allowed*."""
    if kind not in allowed:
        raise DataError("Unknown kind of comparison", column="kind", value=kind, hint=hint)


def _check_length(size: int, values: np.ndarray, name: str, what: str, hint: str) -> None:
    """Raise a DataError when the *name* wave's *what* (weights, ids) are not one per value."""
    if size != values.size:
        raise DataError(
            f"The {name} {what} do not match the {name} values in length",
            column=f"{what}_{name}",
            value=(size, values.size),
            hint=hint,
        )


def _check_nps_scores(values: np.ndarray, name: str) -> None:
    valid = values[~np.isnan(values)]
    bad = valid[(valid < 0) | (valid > 10) | (valid != np.round(valid))]
    hint = "Pass the 0-10 'how likely to recommend' answers, not the NPS itself."
    _refuse_values(bad, "NPS answers must be whole numbers from 0 to 10", name, hint)


def _check_binary_answers(values: np.ndarray, column: str, file: str | None = None) -> None:
    valid = values[~np.isnan(values)]
    bad = valid[(valid != 0) & (valid != 1)]
    hint = "Recode the answers to 0/1 or use kind='mean'."
    _refuse_values(bad, "Yes/no KPIs must be coded 0 (no) and 1 (yes)", column, hint, file)


def nps_codes(scores: object) -> np.ndarray:
    """Code 0-10 recommendation answers as -100 (detractor, 0-6), 0 (passive, 7-8), 100 (promoter).

    The NPS is the mean of these codes, so a paired comparison of NPS is a paired comparison of
    means of the codes.

    Examples
    --------
    >>> nps_codes([0, 6, 7, 8, 9, 10]).tolist()
    [-100.0, -100.0, 0.0, 0.0, 100.0, 100.0]
    """
    values = _as_float(scores, "scores")
    _check_nps_scores(values, "scores")
    coded = np.where(values >= 9, 100.0, np.where(values >= 7, 0.0, -100.0))
    return np.where(np.isnan(values), np.nan, coded)


def _paired_arrays(values: np.ndarray, weights: object, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    if weights is None:
        return values[~np.isnan(values)], None
    w = _as_float(weights, f"weights_{name}")
    _check_length(w.size, values, name, "weights", "Pass one weight per respondent, in the same order.")
    keep = ~np.isnan(values)
    effective_n(w[keep])  # validates: no missing or negative weights
    return values[keep], w[keep]


def _weighted_summary(values: np.ndarray, weights: np.ndarray | None) -> tuple[float, float, float, float]:
    """Mean, variance, standard error and n (Kish effective n when weighted) of one wave."""
    if weights is None:
        n = float(values.size)
        return float(values.mean()), float(values.var(ddof=1)), float(values.std(ddof=1) / np.sqrt(n)), n
    from research.survey import mean_ci  # public API: the one home of the linearised weighted SE

    summary = mean_ci(values, weights=weights).iloc[0]
    n_eff = float(summary["n_eff"])
    mean = float(summary["estimate"])
    # Spread for the effect size: normalised weights with the Kish n_eff, never sum(w) as n.
    variance = float(np.average((values - mean) ** 2, weights=weights) * n_eff / (n_eff - 1))
    return mean, variance, float(summary["se"]), n_eff


def _require_n(n: float, minimum: int, name: str, hint: str) -> None:
    if n < minimum:
        raise DataError(
            f"Too few observations in the {name} wave (need at least {minimum})",
            column=name,
            value=n,
            hint=hint,
        )


# --------------------------------------------------------------------------------------------
# independent waves
# --------------------------------------------------------------------------------------------


def compare_independent(
    before: object,
    after: object,
    *,
    kind: Literal["mean", "nps"] = "mean",
    weights: tuple[object, object] | None = None,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Compare two independent waves (different respondents before and after): after minus before.

    Parameters
    ----------
    before, after : array-like of float
        One value per respondent; NaN = missing (dropped with its weight). For ``kind="nps"`` the
        0-10 recommendation answers.
    kind : {"mean", "nps"}
        ``"mean"``: difference of means with Welch's t-test and interval, Mann-Whitney U test,
        Hedges' g with its interval, common-language effect size. ``"nps"``: difference in Net
        Promoter Score in NPS points (-200..200) via :func:`research.survey.nps_difference`.
    weights : (array-like, array-like), optional
        Survey weights of the before and the after wave (not frequencies), either ``None``. Weighted means and their linearised standard errors
        come from :func:`research.survey.mean_ci`; the Welch-Satterthwaite degrees of freedom and
        Hedges' g use the Kish effective sample sizes. The rank statistics (Mann-Whitney, CLES)
        are not defined for survey weights and are NaN.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row: ``design`` ("independent"), ``kind``, ``estimate`` (after minus before, in the
        KPI's unit; NPS points for NPS), ``se``, ``ci_low``, ``ci_high``, ``statistic``, ``df``,
        ``p_value``, ``test``, ``n_before``, ``n_after``, ``n_eff_before``, ``n_eff_after``,
        ``mean_before``, ``mean_after`` (the NPS for NPS), ``hedges_g``, ``g_ci_low``,
        ``g_ci_high``, ``mannwhitney_p``, ``common_language_effect`` (probability that a random
        after-respondent scores higher than a random before-respondent, ties counted half).

    Examples
    --------
    >>> before = [3, 4, 2, 3, 3, 4, 2, 3]
    >>> after = [4, 4, 3, 5, 4, 3, 4, 5]
    >>> res = compare_independent(before, after)
    >>> res[["estimate", "ci_low", "ci_high"]].round(3).values.tolist()
    [[1.0, 0.189, 1.811]]
    >>> round(float(res["hedges_g"].iloc[0]), 3)
    1.251
    """
    _check_kind(kind, ("mean", "nps"), "Use 'mean' or 'nps'; for yes/no KPIs use proportion_difference.")
    ci = check_ci(ci)
    weights_before, weights_after = weights if weights is not None else (None, None)
    b_values, a_values = _as_float(before, "before"), _as_float(after, "after")
    if kind == "nps":
        return _compare_independent_nps(b_values, a_values, weights_before, weights_after, ci)
    b, wb = _paired_arrays(b_values, weights_before, "before")
    a, wa = _paired_arrays(a_values, weights_after, "after")
    hint = "A mean difference needs at least two answers per wave; check the wave filter."
    _require_n(b.size, 2, "before", hint)
    _require_n(a.size, 2, "after", hint)
    mean_b, var_b, se_b, n_eff_b = _weighted_summary(b, wb)
    mean_a, var_a, se_a, n_eff_a = _weighted_summary(a, wa)
    estimate = mean_a - mean_b
    se = float(np.hypot(se_a, se_b))
    unweighted = wa is None and wb is None
    if unweighted:
        welch = stats.ttest_ind(a, b, equal_var=False)
        t_stat, df, p_value = float(welch.statistic), float(welch.df), float(welch.pvalue)
        low, high = welch.confidence_interval(confidence_level=ci)
    elif se > 0:
        # Welch-Satterthwaite degrees of freedom with the Kish effective sizes.
        df = se**4 / (se_a**4 / (n_eff_a - 1) + se_b**4 / (n_eff_b - 1))
        t_stat = estimate / se
        p_value = float(2 * stats.t.sf(abs(t_stat), df))
        half = stats.t.ppf(0.5 + ci / 2, df) * se
        low, high = estimate - half, estimate + half
    else:
        t_stat = df = p_value = np.nan
        low = high = estimate
    pooled_var = ((n_eff_a - 1) * var_a + (n_eff_b - 1) * var_b) / (n_eff_a + n_eff_b - 2)
    if pooled_var > 0:
        if unweighted:
            g = float(pg.compute_effsize(a, b, eftype="hedges"))
        else:
            g = float(
                pg.convert_effsize(estimate / np.sqrt(pooled_var), "cohen", "hedges", nx=n_eff_a, ny=n_eff_b)
            )
        g_low, g_high = pg.compute_esci(
            stat=g, nx=n_eff_a, ny=n_eff_b, eftype="hedges", confidence=ci, decimals=12
        )
    else:
        g = g_low = g_high = np.nan
    if unweighted:
        mw_p = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
        cles = float(pg.compute_effsize(a, b, eftype="CLES"))
    else:
        mw_p = cles = np.nan
    return pd.DataFrame(
        [
            {
                "design": "independent",
                "kind": kind,
                "estimate": estimate,
                "se": se,
                "ci_low": float(low),
                "ci_high": float(high),
                "statistic": t_stat,
                "df": df,
                "p_value": p_value,
                "test": "welch_t",
                "n_before": int(b.size),
                "n_after": int(a.size),
                "n_eff_before": n_eff_b,
                "n_eff_after": n_eff_a,
                "mean_before": mean_b,
                "mean_after": mean_a,
                "hedges_g": g,
                "g_ci_low": float(g_low),
                "g_ci_high": float(g_high),
                "mannwhitney_p": mw_p,
                "common_language_effect": cles,
            }
        ]
    )


def _compare_independent_nps(
    b_values: np.ndarray, a_values: np.ndarray, weights_before: object, weights_after: object, ci: float
) -> pd.DataFrame:
    from research.survey import nps, nps_difference  # public API of the survey pillar

    _check_nps_scores(b_values, "before")
    _check_nps_scores(a_values, "after")
    b, wb = _paired_arrays(b_values, weights_before, "before")
    a, wa = _paired_arrays(a_values, weights_after, "after")
    _require_n(b.size, 1, "before", "An NPS needs at least one answer per wave.")
    _require_n(a.size, 1, "after", "An NPS needs at least one answer per wave.")
    level_b = nps(b, weights=wb, ci=ci).iloc[0]
    level_a = nps(a, weights=wa, ci=ci).iloc[0]
    diff = nps_difference(a, b, weights=(wa, wb), ci=ci).iloc[0]  # NPS(a) - NPS(b)
    return pd.DataFrame(
        [
            {
                "design": "independent",
                "kind": "nps",
                "estimate": float(diff["difference"]),
                "se": float(diff["se"]),
                "ci_low": float(diff["ci_low"]),
                "ci_high": float(diff["ci_high"]),
                "statistic": float(diff["z"]),
                "df": np.nan,
                "p_value": float(diff["p_value"]),
                "test": "nps_z",
                "n_before": int(b.size),
                "n_after": int(a.size),
                "n_eff_before": float(level_b.get("n_eff", b.size)),
                "n_eff_after": float(level_a.get("n_eff", a.size)),
                "mean_before": float(level_b["nps"]),
                "mean_after": float(level_a["nps"]),
                "hedges_g": np.nan,
                "g_ci_low": np.nan,
                "g_ci_high": np.nan,
                "mannwhitney_p": np.nan,
                "common_language_effect": np.nan,
            }
        ]
    )


# --------------------------------------------------------------------------------------------
# panel
# --------------------------------------------------------------------------------------------


@dataclass
class _Matched:
    before: np.ndarray
    after: np.ndarray
    n_matched: int
    n_only_before: int
    n_only_after: int
    n_incomplete: int


def _id_text(value: object) -> object:
    if pd.isna(value):
        return np.nan
    # A column with one missing id is read as float (1.0, 2.0, ...): the same respondent must
    # match the integer id 1 of the other wave, or the panel silently becomes "independent".
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _normalised_ids(ids: object) -> pd.Series:
    """Respondent ids as text (integer-valued floats without ".0"), missing ids as NaN."""
    return pd.Series([_id_text(v) for v in np.asarray(ids, dtype=object).ravel()], dtype=object)


def _indexed(values: np.ndarray, ids: object, name: str) -> pd.Series:
    id_series = _normalised_ids(ids)
    _check_length(id_series.size, values, name, "ids", "Pass one id per value, in the same order.")
    if id_series.isna().any():
        row = int(np.flatnonzero(id_series.isna().to_numpy())[0]) + 2
        raise DataError(
            f"A respondent id is missing in the {name} wave",
            column=f"ids_{name}",
            row=row,
            hint="Every panel respondent needs an id to be matched across waves.",
        )
    duplicated = id_series.duplicated()
    if duplicated.any():
        first = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise DataError(
            f"Respondent id appears twice in the {name} wave",
            column=f"ids_{name}",
            row=first + 2,
            value=id_series.iloc[first],
            hint="Panel matching needs one answer per respondent and wave; remove duplicates.",
        )
    return pd.Series(values, index=id_series.to_numpy())


def _match(before: np.ndarray, after: np.ndarray, ids_before: object, ids_after: object) -> _Matched:
    if (ids_before is None) != (ids_after is None):
        raise DataError(
            "Give respondent ids for both waves or for neither",
            column="ids_before/ids_after",
            hint="Without ids, before[i] and after[i] are taken as the same respondent.",
        )
    if ids_before is None:
        if before.size != after.size:
            raise DataError(
                "Without respondent ids, the panel waves must have equal length",
                value=(before.size, after.size),
                hint="Pass ids_before and ids_after to match respondents, or use "
                "compare_independent if the waves are different people.",
            )
        only_b = only_a = 0
        b, a = before, after
    else:
        sb = _indexed(before, ids_before, "before")
        sa = _indexed(after, ids_after, "after")
        common = sb.index.intersection(sa.index, sort=False)
        only_b, only_a = int(sb.size - common.size), int(sa.size - common.size)
        b, a = sb.loc[common].to_numpy(), sa.loc[common].to_numpy()
    complete = ~(np.isnan(b) | np.isnan(a))
    matched = _Matched(b[complete], a[complete], int(b.size), only_b, only_a, int((~complete).sum()))
    if matched.before.size == 0:
        raise DataError(
            "No respondent answered in both waves, so there is no panel to analyse",
            value={"only_before": only_b, "only_after": only_a},
            hint="The waves are independent samples: use compare_independent (or "
            "proportion_difference for yes/no KPIs). choose_design() tells which design fits.",
        )
    return matched


def _attrition(m: _Matched) -> dict[str, float]:
    n_before_ids = m.n_matched + m.n_only_before
    return {
        "n_matched": m.n_matched,
        "n_pairs": int(m.before.size),
        "n_incomplete": m.n_incomplete,
        "n_only_before": m.n_only_before,
        "n_only_after": m.n_only_after,
        "attrition_rate": m.n_only_before / n_before_ids if n_before_ids else np.nan,
    }


def compare_paired(
    before: object,
    after: object,
    *,
    ids_before: object = None,
    ids_after: object = None,
    kind: Literal["mean", "binary", "nps"] = "mean",
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Compare a panel (the same respondents before and after): after minus before.

    Parameters
    ----------
    before, after : array-like
        One value per respondent and wave; NaN = missing (the pair is dropped and counted in
        ``n_incomplete``).
    ids_before, ids_after : array-like, optional
        Respondent ids used to match the waves; respondents found in one wave only are reported as
        attrition (``n_only_before``) and refreshment (``n_only_after``) and left out. Without ids
        the two inputs are paired by position.
    kind : {"mean", "binary", "nps"}
        ``"mean"``: paired t-test and interval, Wilcoxon signed-rank test, Cohen's d_z and
        Hedges' g_av (Lakens 2013; pingouin, with the average-variance denominator of Cumming
        2012). ``"binary"`` (values 0/1): McNemar's test (exact binomial below 25 discordant pairs,
        else chi-square without continuity correction) and the difference in proportions with the
        Wald interval for matched pairs (Agresti 2007, 8.1). ``"nps"`` (0-10 answers): the paired
        difference in NPS points, a paired t on the -100/0/100 codes (see :func:`nps_codes`).
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row: ``design`` ("panel"), ``kind``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``statistic``, ``df``, ``p_value``, ``test``, ``n_matched``, ``n_pairs``, ``n_incomplete``,
        ``n_only_before``, ``n_only_after``, ``attrition_rate``, ``mean_before``, ``mean_after``
        (proportions 0..1 for binary); mean/nps add ``wilcoxon_p``, ``cohen_dz``, ``hedges_g_av``;
        binary adds ``n_discordant``, ``n_improved`` (0 -> 1), ``n_worsened`` (1 -> 0).

    Examples
    --------
    Yes/no "problem solved at first contact" for the same five customers:

    >>> res = compare_paired([0, 0, 1, 0, 1], [1, 1, 1, 0, 1], kind="binary")
    >>> res[["estimate", "n_discordant", "test"]].values.tolist()
    [[0.4, 2, 'mcnemar_exact']]
    """
    _check_kind(
        kind, ("mean", "binary", "nps"), "Use 'mean', 'binary' (0/1 answers) or 'nps' (0-10 answers)."
    )
    ci = check_ci(ci)
    b_values, a_values = _as_float(before, "before"), _as_float(after, "after")
    if kind == "nps":
        b_values, a_values = nps_codes(b_values), nps_codes(a_values)
    if kind == "binary":
        for values, name in ((b_values, "before"), (a_values, "after")):
            _check_binary_answers(values, name)
    matched = _match(b_values, a_values, ids_before, ids_after)
    base = {"design": "panel", "kind": kind, **_attrition(matched)}
    if kind == "binary":
        return pd.DataFrame([{**base, **_paired_binary(matched.before, matched.after, ci)}])
    return pd.DataFrame([{**base, **_paired_mean(matched.before, matched.after, ci)}])


def _paired_mean(b: np.ndarray, a: np.ndarray, ci: float) -> dict[str, object]:
    _require_n(b.size, 2, "paired", "A paired comparison needs at least two complete pairs.")
    diff = a - b
    result = stats.ttest_rel(a, b)
    interval = result.confidence_interval(confidence_level=ci)
    se = float(diff.std(ddof=1) / np.sqrt(diff.size))
    if np.any(diff != 0):
        wilcoxon_p = float(stats.wilcoxon(diff).pvalue)
        dz = float(pg.compute_effsize(a, b, paired=True, eftype="cohen_dz"))
    else:
        wilcoxon_p, dz = 1.0, 0.0
    spread = a.var(ddof=1) + b.var(ddof=1)
    g_av = float(pg.compute_effsize(a, b, paired=True, eftype="hedges")) if spread > 0 else np.nan
    return {
        "estimate": float(diff.mean()),
        "se": se,
        "ci_low": float(interval.low),
        "ci_high": float(interval.high),
        "statistic": float(result.statistic),
        "df": float(result.df),
        "p_value": float(result.pvalue),
        "test": "paired_t",
        "mean_before": float(b.mean()),
        "mean_after": float(a.mean()),
        "wilcoxon_p": wilcoxon_p,
        "cohen_dz": dz,
        "hedges_g_av": g_av,
    }


def _paired_binary(b: np.ndarray, a: np.ndarray, ci: float) -> dict[str, object]:
    n = b.size
    improved = int(np.sum((b == 0) & (a == 1)))
    worsened = int(np.sum((b == 1) & (a == 0)))
    table = np.array([[np.sum((b == 0) & (a == 0)), improved], [worsened, np.sum((b == 1) & (a == 1))]])
    discordant = improved + worsened
    exact = discordant < MCNEMAR_EXACT_BELOW
    if discordant:
        test = mcnemar(table, exact=exact, correction=False)
        statistic, p_value = float(test.statistic), float(test.pvalue)
    else:
        statistic, p_value = np.nan, 1.0
    estimate = (improved - worsened) / n
    # Agresti (2007), eq. in 8.1.2: Var = [(n12 + n21) - (n12 - n21)^2 / n] / n^2.
    se = float(np.sqrt(max(discordant - (improved - worsened) ** 2 / n, 0.0)) / n)
    half = stats.norm.ppf(0.5 + ci / 2) * se
    return {
        "estimate": estimate,
        "se": se,
        "ci_low": max(estimate - half, -1.0),
        "ci_high": min(estimate + half, 1.0),
        "statistic": statistic,
        "df": np.nan if exact else 1.0,
        "p_value": p_value,
        "test": "mcnemar_exact" if exact else "mcnemar_chi2",
        "mean_before": float(b.mean()),
        "mean_after": float(a.mean()),
        "n_discordant": discordant,
        "n_improved": improved,
        "n_worsened": worsened,
    }


# --------------------------------------------------------------------------------------------
# regression adjustment for a change in customer mix
# --------------------------------------------------------------------------------------------


def adjusted_difference(
    data: pd.DataFrame,
    outcome: str,
    post: str,
    covariates: list[str] | tuple[str, ...] = (),
    robust: Literal["HC0", "HC1", "HC2", "HC3"] = "HC3",
    ci: float = defaults.CI,
    file: str | None = None,
) -> pd.DataFrame:
    """Before/after difference adjusted for a change in customer mix (OLS with robust SEs).

    Fits ``outcome ~ post + covariates`` by ordinary least squares; the coefficient of ``post``
    is the after-minus-before difference among customers with the same covariates. Text,
    categorical and boolean covariates become dummy variables (first category = reference).
    Standard errors are heteroskedasticity-robust (``HC3`` by default: MacKinnon & White 1985);
    the interval uses the t distribution with the residual degrees of freedom.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent of both waves.
    outcome : str
        Column with the KPI (numeric).
    post : str
        Column marking the after wave: 1/True = after, 0/False = before.
    covariates : list of str
        Columns describing the customer mix (region, tier, tenure, ...).
    robust : {"HC0", "HC1", "HC2", "HC3"}
        Type of robust covariance (statsmodels ``cov_type``).
    ci : float
        Confidence level.
    file : str, optional
        File name used in error messages.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``statistic``, ``p_value``,
        ``unadjusted_estimate`` (plain difference of means), ``n``, ``n_before``, ``n_after``,
        ``n_dropped`` (rows with missing values), ``covariates``, ``cov_type``.

    Examples
    --------
    >>> data = pd.DataFrame({"score": [3, 4, 3, 5, 4, 5, 2, 3],
    ...                      "post": [0, 0, 0, 0, 1, 1, 1, 1],
    ...                      "tier": ["gold", "gold", "standard", "gold",
    ...                               "gold", "gold", "standard", "standard"]})
    >>> res = adjusted_difference(data, "score", "post", ["tier"])
    >>> round(float(res["estimate"].iloc[0]), 3), round(float(res["unadjusted_estimate"].iloc[0]), 3)
    (0.143, -0.25)
    """
    ci = check_ci(ci)
    covariates = list(covariates)
    require_columns(data, [outcome, post, *covariates], file=file)
    original, data = data, data[[outcome, post, *covariates]]
    complete = data.notna().all(axis=1)
    data = data[complete]
    y = pd.to_numeric(data[outcome], errors="coerce")
    if y.isna().any():
        row = int(np.flatnonzero(y.isna().to_numpy())[0])
        # Spreadsheet row of the offending record in *data* (header = row 1); dropping incomplete
        # rows above changed the index type, so locate it by position in the original frame.
        position = original.index.get_indexer([data.index[row]])[0] if original.index.is_unique else -1
        raise DataError(
            "The outcome must be numeric",
            file=file,
            column=outcome,
            row=int(position) + 2 if position >= 0 else None,
            value=data[outcome].iloc[row],
            hint="Map text answers to numbers first.",
        )
    period = data[post].map(lambda v: 1.0 if v in (1, True) else 0.0 if v in (0, False) else np.nan)
    if period.isna().any():
        first = data[post][period.isna()].iloc[0]
        raise DataError(
            "The post column must be 0/1 (or False/True)",
            file=file,
            column=post,
            value=first,
            hint="Mark the after wave with 1 and the before wave with 0.",
        )
    n_after = int(period.sum())
    n_before = int(period.size - n_after)
    if n_before == 0 or n_after == 0:
        raise DataError(
            "The data hold only one period, so there is nothing to compare",
            file=file,
            column=post,
            value={"before": n_before, "after": n_after},
            hint="Without a before period no before/after claim is possible: report the "
            "after wave descriptively, or add baseline data (a before wave or a KPI "
            "series for interrupted time series).",
        )
    design = pd.get_dummies(data[covariates], drop_first=True, dtype=float) if covariates else None
    exog = (
        pd.concat([pd.Series(1.0, index=data.index, name="const"), period.rename("post"), design], axis=1)
        if design is not None
        else pd.concat([pd.Series(1.0, index=data.index, name="const"), period.rename("post")], axis=1)
    )
    exog = exog.astype(float)
    fit = sm.OLS(y.astype(float), exog).fit(cov_type=robust, use_t=True)
    low, high = fit.conf_int(alpha=1 - ci).loc["post"]
    unadjusted = float(y[period == 1].mean() - y[period == 0].mean())
    return pd.DataFrame(
        [
            {
                "estimate": float(fit.params["post"]),
                "se": float(fit.bse["post"]),
                "ci_low": float(low),
                "ci_high": float(high),
                "statistic": float(fit.tvalues["post"]),
                "p_value": float(fit.pvalues["post"]),
                "unadjusted_estimate": unadjusted,
                "n": int(fit.nobs),
                "n_before": n_before,
                "n_after": n_after,
                "n_dropped": int((~complete).sum()),
                "covariates": ", ".join(covariates),
                "cov_type": robust,
            }
        ]
    )


# --------------------------------------------------------------------------------------------
# design choice
# --------------------------------------------------------------------------------------------


@dataclass
class DesignChoice:
    """Which before/after design the respondent ids support, and why.

    ``design`` is ``"panel"`` (everyone answered both waves), ``"independent"`` (nobody did, or
    there are no ids) or ``"mixed"`` (a panel subset plus fresh respondents: analyse the two
    parts separately, never pooled).
    """

    design: Literal["panel", "independent", "mixed"]
    n_panel: int
    n_fresh_before: int
    n_fresh_after: int
    panel_ids: list[str] = field(default_factory=list, repr=False)
    reason: str = ""
    reason_zh: str = ""

    def describe(self, language: str | None = None) -> str:
        """The reason in *language*.

        Parameters
        ----------
        language : {"zh", "en"} or None
            The language (``None``: the report's language).

        Returns
        -------
        str
            The reason.
        """
        return self.reason_zh if resolve_language(language) == "zh" else self.reason


def _id_list(ids: object, name: str) -> list[str]:
    series = _normalised_ids(ids)
    series = series[series.notna()]
    if series.duplicated().any():
        value = series[series.duplicated()].iloc[0]
        raise DataError(
            f"Respondent id appears twice in the {name} wave",
            column=f"ids_{name}",
            value=value,
            hint="Each respondent should answer a wave once; remove the duplicate rows.",
        )
    return series.tolist()


def _reasons(key: str, **values: object) -> tuple[str, str]:
    """The sentence *key* in English and in Chinese (a design choice keeps both)."""
    return say("evaluation", key, "en", **values), say("evaluation", key, "zh", **values)


def choose_design(ids_before: object = None, ids_after: object = None) -> DesignChoice:
    """Decide from the respondent ids whether the waves form a panel, independent samples, or both.

    Parameters
    ----------
    ids_before, ids_after : array-like, optional
        Respondent ids of each wave (missing ids count as fresh respondents). Without ids the
        waves can only be treated as independent samples.

    Returns
    -------
    DesignChoice
        ``design``, the counts, the panel ids and a ``reason`` (English) / ``reason_zh``.

    Examples
    --------
    >>> choice = choose_design(["a", "b", "c", "d"], ["c", "d", "e"])
    >>> choice.design, choice.n_panel, choice.n_fresh_before, choice.n_fresh_after
    ('mixed', 2, 2, 1)
    """
    if ids_before is None or ids_after is None:
        return DesignChoice(
            "independent",
            0,
            0,
            0,
            [],
            *_reasons("waves_no_ids"),
        )
    before, after = _id_list(ids_before, "before"), _id_list(ids_after, "after")
    after_set = set(after)
    panel = [i for i in before if i in after_set]
    n_panel = len(panel)
    fresh_b, fresh_a = len(before) - n_panel, len(after) - n_panel
    if n_panel == 0:
        return DesignChoice(
            "independent",
            0,
            fresh_b,
            fresh_a,
            [],
            *_reasons("waves_no_panel"),
        )
    if fresh_b == 0 and fresh_a == 0:
        return DesignChoice(
            "panel",
            n_panel,
            0,
            0,
            panel,
            *_reasons("waves_all_panel", n_panel=n_panel),
        )
    return DesignChoice(
        "mixed",
        n_panel,
        fresh_b,
        fresh_a,
        panel,
        *_reasons("waves_mixed", n_panel=n_panel, fresh_before=fresh_b, fresh_after=fresh_a),
    )


def compare_waves(
    data: pd.DataFrame,
    value: str,
    post: str,
    *,
    id_column: str | None = None,
    kind: Literal["mean", "nps", "binary"] = "mean",
    weights: str | None = None,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Compare two survey waves with the design their respondent ids support, part by part.

    Runs :func:`choose_design` on ``id_column``; the panel part goes to :func:`compare_paired`
    and the fresh respondents (or everyone, when nobody repeats) to :func:`compare_independent`
    (``kind="binary"``: :func:`proportion_difference`). A mixed data set gives two labelled rows,
    never one pooled estimate.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent and wave, both waves.
    value : str
        Column with the KPI (1-5 score, 0-10 NPS answer, or 0/1 for ``kind="binary"``).
    post : str
        Column marking the wave: 0 (or False) before, 1 (or True) after.
    id_column : str, optional
        Respondent id column; without it the waves are treated as independent samples.
    kind : {"mean", "nps", "binary"}
        The kind of KPI.
    weights : str, optional
        Column of survey weights, used for the independent part (the panel part is unweighted).
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per design part with ``design`` ("panel" / "independent"), ``respondents``
        (which respondents the row uses), ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``, ``test`` and the columns of the underlying comparison.

    Examples
    --------
    >>> b = pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "score": [3, 2, 4, 3, 2, 3], "post": 0})
    >>> a = pd.DataFrame({"id": [1, 2, 3, 7, 8, 9], "score": [4, 3, 4, 4, 3, 5], "post": 1})
    >>> res = compare_waves(pd.concat([b, a]), "score", "post", id_column="id")
    >>> res[["design", "respondents", "n_before", "n_after"]].values.tolist()
    [['panel', 'in both waves', nan, nan], ['independent', 'fresh respondents only', 3.0, 3.0]]
    >>> res["estimate"].round(3).tolist()
    [0.667, 1.333]
    """
    _check_kind(kind, ("mean", "nps", "binary"), "Use 'mean', 'nps' or 'binary'.")
    needed = [value, post] + ([id_column] if id_column else []) + ([weights] if weights else [])
    require_columns(data, needed, file=None)
    wave = data[post].map(lambda v: 1 if v in (1, True) else 0 if v in (0, False) else None)
    if wave.isna().any():
        raise DataError(
            "The post column must be 0/1 (or False/True)",
            column=post,
            value=data[post][wave.isna()].iloc[0],
            hint="Mark the after wave with 1 and the before wave with 0.",
        )
    before, after = data[(wave == 0).to_numpy()], data[(wave == 1).to_numpy()]
    choice = choose_design(before[id_column], after[id_column]) if id_column else choose_design()
    rows: list[pd.DataFrame] = []
    panel = set(choice.panel_ids)
    if choice.design in ("panel", "mixed"):
        # Respondents without an id cannot be matched; choose_design counted them as fresh.
        with_id_b = before[before[id_column].notna()]
        with_id_a = after[after[id_column].notna()]
        res = compare_paired(
            with_id_b[value],
            with_id_a[value],
            ids_before=with_id_b[id_column],
            ids_after=with_id_a[id_column],
            kind=kind,
            ci=ci,
        )
        rows.append(res.assign(respondents="in both waves"))
    if choice.design in ("independent", "mixed"):
        if choice.design == "mixed":
            fresh_b = before[~_normalised_ids(before[id_column]).isin(panel).to_numpy()]
            fresh_a = after[~_normalised_ids(after[id_column]).isin(panel).to_numpy()]
            label = "fresh respondents only"
        else:
            fresh_b, fresh_a, label = before, after, "all respondents"
        if fresh_b[value].notna().any() and fresh_a[value].notna().any():
            part = _independent_part(fresh_b, fresh_a, value, kind, weights, ci)
            rows.append(part.assign(respondents=label))
    if not rows:
        raise DataError(
            "Neither wave part has answers to compare",
            column=value,
            hint="Check that the KPI column is filled in both waves.",
        )
    out = pd.concat(rows, ignore_index=True)
    out["design_reason"] = choice.reason
    return out


def _independent_part(
    before: pd.DataFrame, after: pd.DataFrame, value: str, kind: str, weights: str | None, ci: float
) -> pd.DataFrame:
    if kind == "binary":
        b = _as_float(before[value], "before")
        a = _as_float(after[value], "after")
        b, a = b[~np.isnan(b)], a[~np.isnan(a)]
        for values, name in ((b, "before"), (a, "after")):
            _check_binary_answers(values, value, file=f"{name} wave")
        res = proportion_difference(int(b.sum()), int(b.size), int(a.sum()), int(a.size), ci=ci)
        return res.rename(
            columns={
                "difference": "estimate",
                "p1": "mean_before",
                "p2": "mean_after",
                "n1": "n_before",
                "n2": "n_after",
                "z": "statistic",
            }
        ).assign(design="independent", kind="binary", test="z_pooled_newcombe_ci")
    return compare_independent(
        before[value],
        after[value],
        kind=kind,  # type: ignore[arg-type]
        weights=(before[weights], after[weights]) if weights else None,
        ci=ci,
    )
