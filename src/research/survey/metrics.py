"""Touchpoint satisfaction metrics with confidence intervals: NPS, mean, top/bottom-box, CSAT, CES.

Scales of the results: NPS on -100..100; CSAT on 0..100 (percent satisfied); top-box and
bottom-box shares as proportions 0..1; means on the item's own scale.

Weights are survey weights, not frequency counts: a respondent with weight 3 is one person.
Standard errors of shares use Kish's effective sample size ``n_eff`` (research.weighting);
standard errors of means use Taylor linearisation (as R ``survey::svymean`` does for a design
with weights only), which reduces to ``s / sqrt(n)`` without weights. Missing values (NaN,
including "don't know" and "not applicable") are dropped together with their weights.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from research.checks import check_ci, survey_weights
from research.defaults import CI
from research.errors import DataError
from research.weighting import effective_n

ArrayLike: TypeAlias = pd.Series | np.ndarray | list


def _observed(values: ArrayLike, weights: ArrayLike | None, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Non-missing values and their weights (1.0 when unweighted)."""
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise DataError(
            f"{what} must be numbers (NaN for missing)",
            hint="Code text answers to numbers first (load_survey does).",
        ) from None
    x = x.reshape(-1)
    w = survey_weights(weights, len(x))
    keep = ~np.isnan(x)
    return x[keep], w[keep]


def _check_range(x: np.ndarray, low: float, high: float, what: str) -> None:
    outside = (x < low) | (x > high)
    if outside.any():
        raise DataError(
            f"{what} outside the scale {low:g}-{high:g}",
            value=float(x[outside][0]),
            hint="Map out-of-range codes (e.g. 99 = don't know) to missing first.",
        )


def _z(ci: float) -> float:
    return float(stats.norm.ppf(0.5 + check_ci(ci) / 2))


def nps(
    scores: ArrayLike,
    weights: ArrayLike | None = None,
    ci: float = CI,
    method: Literal["wald", "adjusted_wald"] = "wald",
) -> pd.DataFrame:
    """Net Promoter Score (-100..100) with a confidence interval.

    Promoters answer 9-10, passives 7-8, detractors 0-6 on the 0-10 likelihood-to-recommend
    question (Reichheld 2003). NPS = 100 x (share of promoters - share of detractors). Its
    variance follows from the trinomial distribution (Rocks 2016, eq. 2):
    ``Var = (p_P + p_D - (p_P - p_D)^2) / n``.

    Parameters
    ----------
    scores : array-like
        Answers 0-10; NaN are dropped.
    weights : array-like, optional
        Survey weights; then shares are weighted and ``n`` in the variance is Kish's ``n_eff``.
    ci : float
        Confidence level of the interval.
    method : {"wald", "adjusted_wald"}
        ``"adjusted_wald"`` adds 3/4 to the promoter and detractor counts and 3 to n before
        computing the interval, which keeps coverage near nominal in small samples (Rocks 2016;
        Sauro & Lewis 2016, *Quantifying the User Experience*, 2nd ed.). The reported ``nps``
        is always the unadjusted score.

    Returns
    -------
    DataFrame
        One row: ``nps``, ``se`` (both -100..100 scale), ``ci_low``, ``ci_high``, ``n``,
        ``n_eff``, and the shares (0..1) ``promoters``, ``passives``, ``detractors``.

    Examples
    --------
    50 promoters, 30 passives, 20 detractors: NPS 30, SE = sqrt(0.70 - 0.09)/10 = 0.0781:

    >>> scores = [10] * 50 + [7] * 30 + [3] * 20
    >>> nps(scores).round(2).loc[0, ["nps", "se", "ci_low", "ci_high", "n"]].tolist()
    [30.0, 7.81, 14.69, 45.31, 100.0]
    """
    x, w = _observed(scores, weights, "NPS scores")
    _check_range(x, 0, 10, "Likelihood-to-recommend answer")
    if method not in ("wald", "adjusted_wald"):
        raise DataError("Unknown NPS interval method", value=method, hint="Use 'wald' or 'adjusted_wald'.")
    n = len(x)
    if n == 0:
        raise DataError("No NPS answers to score", hint="All answers are missing for this group.")
    total = w.sum()
    promoters, detractors = w[x >= 9].sum() / total, w[x <= 6].sum() / total
    n_eff = effective_n(w)
    if method == "wald":
        p, d, m = promoters, detractors, n_eff
    else:
        m = n_eff + 3
        p, d = (promoters * n_eff + 0.75) / m, (detractors * n_eff + 0.75) / m
    se = np.sqrt(max(p + d - (p - d) ** 2, 0.0) / m)
    half = _z(ci) * se
    return pd.DataFrame(
        [
            {
                "nps": 100 * (promoters - detractors),
                "se": 100 * se,
                "ci_low": max(-100.0, 100 * (p - d - half)),
                "ci_high": min(100.0, 100 * (p - d + half)),
                "n": n,
                "n_eff": n_eff,
                "promoters": promoters,
                "passives": 1 - promoters - detractors,
                "detractors": detractors,
            }
        ]
    )


def nps_difference(
    a: ArrayLike,
    b: ArrayLike,
    weights: tuple[ArrayLike | None, ArrayLike | None] = (None, None),
    ci: float = CI,
    method: Literal["wald", "adjusted_wald"] = "wald",
) -> pd.DataFrame:
    """Difference of two NPS from independent samples, ``NPS(a) - NPS(b)``, with a z-test.

    The standard error is ``sqrt(se_a^2 + se_b^2)`` with each group's trinomial SE
    (Rocks 2016, section 4). The samples must be independent: for the same respondents
    measured twice (a panel) use a paired analysis instead. With ``method="adjusted_wald"``
    the interval and the z-test are centred on the difference of the *adjusted* scores, as
    :func:`nps` centres its interval, so the interval excludes 0 exactly when p < 1 - ci;
    ``difference`` itself is always the unadjusted ``NPS(a) - NPS(b)``.

    Parameters
    ----------
    a, b : array-like
        Answers 0-10 of the two samples; NaN are dropped.
    weights : tuple of (array-like or None, array-like or None)
        Survey weights of *a* and of *b* (either side ``None``: unweighted).
    ci : float
        Confidence level of the interval.
    method : {"wald", "adjusted_wald"}
        As in :func:`nps`.

    Returns
    -------
    DataFrame
        One row: ``nps_a``, ``nps_b``, ``difference``, ``se``, ``z``, ``p_value`` (two-sided),
        ``ci_low``, ``ci_high`` (-100..100 scale), ``n_a``, ``n_b``.

    Examples
    --------
    SE = sqrt(0.61 + 0.69) / 10 = 0.1140 (on -100..100: 11.40):

    >>> after = [10] * 50 + [7] * 30 + [3] * 20
    >>> before = [10] * 40 + [7] * 30 + [3] * 30
    >>> nps_difference(after, before).round(3).loc[0, ["difference", "se", "z", "p_value"]].tolist()
    [20.0, 11.402, 1.754, 0.079]
    """
    weights_a, weights_b = weights
    first, second = nps(a, weights_a, ci, method), nps(b, weights_b, ci, method)
    difference = float(first["nps"].iloc[0] - second["nps"].iloc[0])
    se = float(np.hypot(first["se"].iloc[0], second["se"].iloc[0]))
    centre = difference if method == "wald" else _adjusted_nps(first) - _adjusted_nps(second)
    z = centre / se if se > 0 else np.nan
    half = _z(ci) * se
    return pd.DataFrame(
        [
            {
                "nps_a": float(first["nps"].iloc[0]),
                "nps_b": float(second["nps"].iloc[0]),
                "difference": difference,
                "se": se,
                "z": z,
                "p_value": float(2 * stats.norm.sf(abs(z))) if se > 0 else np.nan,
                "ci_low": centre - half,
                "ci_high": centre + half,
                "n_a": int(first["n"].iloc[0]),
                "n_b": int(second["n"].iloc[0]),
            }
        ]
    )


def _adjusted_nps(row: pd.DataFrame) -> float:
    """The adjusted-Wald centre (-100..100) of an :func:`nps` result: 3/4 added to P and D, 3 to n."""
    first = row.iloc[0]
    m = first["n_eff"] + 3
    return float(100 * ((first["promoters"] - first["detractors"]) * first["n_eff"]) / m)


def mean_ci(values: ArrayLike, weights: ArrayLike | None = None, ci: float = CI) -> pd.DataFrame:
    """(Weighted) mean with a t-based confidence interval.

    The standard error is the Taylor-linearised SE of a ratio mean,
    ``sqrt(n/(n-1) * sum w_i^2 (y_i - ybar)^2) / sum w_i`` (Lumley 2010, *Complex Surveys*,
    sec. 2.3; with equal weights it is ``s / sqrt(n)``); the interval uses t with n - 1 df.

    Parameters
    ----------
    values : array-like
        The answers; NaN are dropped.
    weights : array-like, optional
        Survey weights, one per answer (``None``: unweighted).
    ci : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``.

    Examples
    --------
    >>> mean_ci([1, 2, 3, 4, 5]).round(3).loc[0, ["estimate", "se", "ci_low", "ci_high"]].tolist()
    [3.0, 0.707, 1.037, 4.963]
    """
    x, w = _observed(values, weights, "Values")
    _z(ci)
    n = len(x)
    if n == 0 or w.sum() == 0:
        raise DataError("No values to average", hint="All answers are missing for this group.")
    estimate = float(np.sum(w * x) / w.sum())
    if n > 1:
        se = float(np.sqrt(n / (n - 1) * np.sum(w**2 * (x - estimate) ** 2)) / w.sum())
        half = float(stats.t.ppf(0.5 + ci / 2, n - 1)) * se
    else:
        se = half = np.nan
    return pd.DataFrame(
        [
            {
                "estimate": estimate,
                "se": se,
                "ci_low": estimate - half,
                "ci_high": estimate + half,
                "n": n,
                "n_eff": effective_n(w),
            }
        ]
    )


def _share_ci(hits: np.ndarray, w: np.ndarray, ci: float) -> pd.DataFrame:
    n = len(hits)
    if n == 0 or w.sum() == 0:
        raise DataError("No answers to compute a share from", hint="All answers are missing for this group.")
    share = float(np.sum(w * hits) / w.sum())
    n_eff = effective_n(w)
    _z(ci)
    low, high = proportion_confint(share * n_eff, n_eff, alpha=1 - ci, method="wilson")
    return pd.DataFrame(
        [
            {
                "estimate": share,
                "se": float(np.sqrt(share * (1 - share) / n_eff)),
                "ci_low": float(low),
                "ci_high": float(high),
                "n": n,
                "n_eff": n_eff,
            }
        ]
    )


def top_box(
    values: ArrayLike,
    scale_max: int,
    boxes: int = 2,
    weights: ArrayLike | None = None,
    ci: float = CI,
    *,
    scale_min: float | None = None,
) -> pd.DataFrame:
    """Share (0..1) of answers in the top *boxes* categories, with a Wilson interval.

    With weights, the Wilson interval (Wilson 1927; Newcombe 1998, method 3) is computed
    with the effective sample size in place of n (Kish 1965). Give ``scale_min`` too so that
    codes below the scale (e.g. -9 = refused) raise an error instead of counting as "not top".

    Parameters
    ----------
    values : array-like
        The answers; NaN are dropped.
    scale_max : int
        The highest answer of the scale.
    boxes : int
        How many categories from the top count.
    weights : array-like, optional
        Survey weights, one per answer (``None``: unweighted).
    ci : float
        Confidence level of the interval.
    scale_min : float, optional
        The lowest answer of the scale (answers below it are an error).

    Returns
    -------
    DataFrame
        One row: ``estimate`` (proportion), ``se``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``.

    Examples
    --------
    >>> result = top_box([5, 4, 4, 3, 2, 1, 5, 5, 4, 3], scale_max=5)
    >>> result.round(4).loc[0, ["estimate", "ci_low", "ci_high"]].tolist()
    [0.6, 0.3127, 0.8318]
    """
    x, w = _observed(values, weights, "Values")
    _check_range(x, -np.inf if scale_min is None else scale_min, scale_max, "Answer")
    return _share_ci((x >= scale_max - boxes + 1).astype(float), w, ci)


def bottom_box(
    values: ArrayLike,
    scale_min: int,
    boxes: int = 2,
    weights: ArrayLike | None = None,
    ci: float = CI,
    *,
    scale_max: float | None = None,
) -> pd.DataFrame:
    """Share (0..1) of answers in the bottom *boxes* categories, with a Wilson interval.

    Give ``scale_max`` too so that codes above the scale (e.g. 99 = don't know) raise an error
    instead of silently counting as "not bottom".

    Parameters
    ----------
    values : array-like
        The answers; NaN are dropped.
    scale_min : int
        The lowest answer of the scale.
    boxes : int
        How many categories from the bottom count.
    weights : array-like, optional
        Survey weights, one per answer (``None``: unweighted).
    ci : float
        Confidence level of the interval.
    scale_max : float, optional
        The highest answer of the scale (answers above it are an error).

    Returns
    -------
    DataFrame
        One row, as :func:`top_box`.

    Examples
    --------
    >>> bottom_box([5, 4, 4, 3, 2, 1, 5, 5, 4, 3], scale_min=1).loc[0, "estimate"]
    np.float64(0.2)
    """
    x, w = _observed(values, weights, "Values")
    _check_range(x, scale_min, np.inf if scale_max is None else scale_max, "Answer")
    return _share_ci((x <= scale_min + boxes - 1).astype(float), w, ci)


def csat(
    values: ArrayLike,
    scale_max: int = 5,
    boxes: int = 2,
    weights: ArrayLike | None = None,
    ci: float = CI,
    *,
    scale_min: float | None = None,
) -> pd.DataFrame:
    """Customer Satisfaction Score: percent satisfied (0..100), the top-2-box share x 100.

    "Satisfied" means one of the top *boxes* answers (4 or 5 on a 1-5 scale). The interval is
    the Wilson interval of the share, times 100.

    Parameters
    ----------
    values : array-like
        The answers; NaN are dropped.
    scale_max : int
        The highest answer of the scale.
    boxes : int
        How many categories from the top count as satisfied.
    weights : array-like, optional
        Survey weights, one per answer (``None``: unweighted).
    ci : float
        Confidence level of the interval.
    scale_min : float, optional
        The lowest answer of the scale.

    Returns
    -------
    DataFrame
        One row, as :func:`top_box`, on 0..100.

    Examples
    --------
    >>> csat([5, 4, 4, 3, 2, 1, 5, 5, 4, 3]).round(1).loc[0, ["estimate", "ci_low", "ci_high"]].tolist()
    [60.0, 31.3, 83.2]
    """
    result = top_box(values, scale_max, boxes, weights, ci, scale_min=scale_min)
    for column in ("estimate", "se", "ci_low", "ci_high"):
        result[column] = 100 * result[column]
    return result


def ces(
    values: ArrayLike,
    scale_min: int = 1,
    scale_max: int = 7,
    weights: ArrayLike | None = None,
    ci: float = CI,
) -> pd.DataFrame:
    """Customer Effort Score: the mean answer with a confidence interval.

    The direction depends on the question: CES 2.0 asks for agreement with "The company made
    it easy to handle my issue" on 1-7, so higher = *less* effort (the sample study's
    ``effort`` item); the original CES asked "How much effort..." where higher = *more*
    effort. Say which in the report.

    Parameters
    ----------
    values : array-like
        The answers; NaN are dropped.
    scale_min, scale_max : int
        The range of the effort scale.
    weights : array-like, optional
        Survey weights, one per answer (``None``: unweighted).
    ci : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row, as :func:`mean_ci`.

    Examples
    --------
    >>> ces([7, 6, 5, 6, 2]).round(2).loc[0, ["estimate", "n"]].tolist()
    [5.2, 5.0]
    """
    x, _ = _observed(values, weights, "Effort answers")
    _check_range(x, scale_min, scale_max, "Effort answer")
    return mean_ci(values, weights, ci)


def box_rule(scale_min: float, scale_max: float) -> dict[str, float]:
    """Which answers count as "top box" (satisfied) and "bottom box" on a scale.

    The rule, stated once for every report:

    - scales of 2-3 points: the single top (bottom) category;
    - scales of 4-11 points: the top (bottom) two categories, the usual top-2-box
      (1-4: 3-4; 1-5: 4-5; 1-7: 6-7; 0-10: 9-10, the NPS promoters; 1-10: 9-10);
    - longer scales (0-100 ratings, thermometers): the top (bottom) fifth of the range,
      e.g. 80-100 and 0-20 on 0-100.

    Scores that are means of several items count when they reach the threshold (a mean of
    4.5 on 1-5 is top box).

    Returns
    -------
    dict
        ``top`` (lowest top-box score), ``bottom`` (highest bottom-box score) and ``boxes``
        (how many top categories; the ``boxes`` argument of :func:`top_box`).

    Parameters
    ----------
    scale_min, scale_max : float
        The lowest and highest answer of the scale.

    Examples
    --------
    >>> [box_rule(*scale)["top"] for scale in [(1, 5), (1, 7), (0, 10), (1, 10), (0, 100), (1, 3)]]
    [4.0, 6.0, 9.0, 9.0, 80.0, 3.0]
    >>> box_rule(0, 100)["bottom"], box_rule(1, 5)["bottom"]
    (20.0, 2.0)
    """
    low, high = float(scale_min), float(scale_max)
    if high <= low:
        raise DataError("A scale needs its maximum above its minimum", value=(scale_min, scale_max))
    points = high - low + 1
    if points <= 3:
        boxes = 1
    elif points <= 11:
        boxes = 2
    else:
        boxes = round(0.2 * (high - low)) + 1
    return {"top": high - boxes + 1, "bottom": low + boxes - 1, "boxes": boxes}


class BoxText(NamedTuple):
    """The top-box and bottom-box answers of a scale as text (:func:`box_text`)."""

    top: str
    bottom: str


def box_text(scale_min: float, scale_max: float) -> BoxText:
    """The top-box and bottom-box answers as text, e.g. ``top="4-5", bottom="1-2"`` on 1-5.

    Parameters
    ----------
    scale_min, scale_max : float
        The range of the scale.

    Returns
    -------
    BoxText
        ``top`` and ``bottom``.

    Examples
    --------
    >>> box_text(0, 10)
    BoxText(top='9-10', bottom='0-1')
    >>> box_text(0, 100).top, box_text(1, 3).bottom
    ('80-100', '1')
    """
    rule = box_rule(scale_min, scale_max)

    def span(a: float, b: float) -> str:
        return f"{a:g}" if a == b else f"{a:g}-{b:g}"

    return BoxText(span(rule["top"], float(scale_max)), span(float(scale_min), rule["bottom"]))
