"""Regression to the mean: how much "improvement" to expect when the worst touchpoints were picked.

Touchpoints (or stores, or customers) chosen for improvement *because* they scored worst will
tend to score closer to the average next time even if nothing is done, because part of their
bad score was noise. With ``r`` the correlation between repeated measurements (test-retest
reliability), the expected change of the selected group's mean from regression to the mean
alone is (Barnett, van der Pols & Dobson 2005, eq. 1 in group form)::

    expected_change = (1 - r) * (overall_mean - selected_baseline_mean)

For selection by a cutoff on a normal variable this equals their ``sigma * (1 - r) * C`` with
``C = phi(z) / Phi(z)`` (selection below the cutoff), see :func:`rtm_effect_cutoff`. Compare the
observed improvement with this expectation before crediting the intervention; a comparison
group (difference-in-differences) removes the artefact by design.

References
----------
Barnett, A. G., van der Pols, J. C., & Dobson, A. J. (2005). Regression to the mean: what it is
and how to deal with it. *International Journal of Epidemiology*, 34(1), 215-220.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from research.errors import DataError
from research.wording import resolve_language, say


class RegressionToMeanWarning(UserWarning):
    """The improved units were selected for scoring worst: part of their change is expected anyway."""


def _check_r(r: float) -> float:
    r = float(r)
    if math.isnan(r) or not -1 <= r <= 1:
        raise DataError(
            "The test-retest correlation must lie between -1 and 1",
            column="r",
            value=r,
            hint="Estimate it from units measured twice without intervention (retest_correlation).",
        )
    return r


def retest_correlation(before: Sequence[float] | pd.Series, after: Sequence[float] | pd.Series) -> float:
    """Test-retest correlation (Pearson r) of the same units measured twice.

    Use units (touchpoints, stores, panel customers) that were *not* changed in between, e.g. two
    waves before the intervention, or the untreated units. Pairs with a missing value are dropped.

    Examples
    --------
    >>> round(retest_correlation([3.1, 3.8, 4.2, 2.9, 3.5], [3.3, 3.6, 4.0, 3.2, 3.6]), 3)
    0.975
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape:
        raise DataError(
            "Retest data need one before and one after value per unit",
            column="retest",
            value=(b.size, a.size),
            hint="Pass the two waves of the same units, in the same order.",
        )
    keep = ~(np.isnan(b) | np.isnan(a))
    if keep.sum() < 3:
        raise DataError(
            "At least three units measured twice are needed to estimate r",
            column="retest",
            value=int(keep.sum()),
            hint="Pass r from a previous study instead.",
        )
    return float(stats.pearsonr(b[keep], a[keep]).statistic)


def rtm_effect_cutoff(
    mean: float, sd: float, r: float, cutoff: float, selected: Literal["below", "above"] = "below"
) -> float:
    """Expected regression-to-the-mean change for units selected by a cutoff (Barnett et al. 2005).

    ``sigma * (1 - r) * C`` with ``C = phi(z) / Phi(z)`` for selection below the cutoff (the
    change is positive, upwards) and ``-phi(z) / (1 - Phi(z))`` above it, ``z = (cutoff - mean)
    / sd``, assuming normally distributed scores.

    Examples
    --------
    Scores N(3.5, 0.5), r = 0.6, units below 3.0 selected: they rise by about 0.30 on average.

    >>> round(rtm_effect_cutoff(3.5, 0.5, 0.6, 3.0), 3)
    0.305
    """
    r = _check_r(r)
    if not sd > 0:
        raise DataError("The standard deviation must be positive", column="sd", value=sd)
    z = (cutoff - mean) / sd
    if selected == "below":
        c = stats.norm.pdf(z) / stats.norm.cdf(z)
    elif selected == "above":
        c = -stats.norm.pdf(z) / stats.norm.sf(z)
    else:
        raise DataError(
            "Unknown selection side", column="selected", value=selected, hint="Use 'below' or 'above'."
        )
    return float(sd * (1 - r) * c)


def regression_to_mean(
    baseline: Mapping[str, float] | pd.Series,
    selected: Sequence[str],
    r: float | None = None,
    *,
    retest: tuple[Sequence[float], Sequence[float]] | pd.DataFrame | None = None,
    observed_change: float | None = None,
    higher_is_better: bool = True,
    language: str | None = None,
    warn: bool = True,
) -> pd.DataFrame:
    """Expected apparent improvement from regression to the mean, to compare with the observed one.

    Parameters
    ----------
    baseline : dict or pandas.Series
        Baseline (before) score per unit, e.g. mean satisfaction per touchpoint.
    selected : list of str
        The units chosen for improvement.
    r : float, optional
        Test-retest correlation between the waves (0..1 in practice).
    retest : (before, after) or DataFrame with columns ``before`` and ``after``, optional
        Units measured twice without intervention; ``r`` is estimated from them
        (:func:`retest_correlation`). Give either ``r`` or ``retest``.
    observed_change : float, optional
        The observed change (after minus before) of the selected units' mean.
    higher_is_better : bool
        Direction of the score (for the sign of the apparent improvement and for "scored worst").
    language : {"zh", "en"} or None
        Language of the ``message`` column (``None``: the report's language).
    warn : bool
        Issue a :class:`RegressionToMeanWarning` when the selected units were the worst-scoring.

    Returns
    -------
    pandas.DataFrame
        One row: ``n_units``, ``n_selected``, ``overall_mean``, ``selected_mean``, ``r``,
        ``expected_change`` (after minus before, in the score's unit, from regression to the
        mean alone), ``expected_apparent_improvement`` (the same, positive = looks better),
        ``observed_change``, ``observed_minus_expected``, ``share_expected`` (expected / observed
        change, when both point the same way), ``selected_were_worst`` and ``message``.

    Examples
    --------
    >>> scores = {"hotline": 2.9, "bill": 3.1, "store": 3.8, "app": 3.9, "website": 4.0}
    >>> res = regression_to_mean(scores, ["hotline", "bill"], r=0.7, observed_change=0.35, warn=False)
    >>> res[["expected_change", "observed_minus_expected"]].round(3).values.tolist()
    [[0.162, 0.188]]
    >>> bool(res["selected_were_worst"].iloc[0])
    True
    """
    scores = pd.Series(baseline).astype(float)
    scores.index = scores.index.astype(str)
    if scores.isna().any():
        raise DataError(
            "A baseline score is missing",
            column="baseline",
            value=scores[scores.isna()].index[0],
            hint="Give every unit a baseline score.",
        )
    if scores.size < 2:
        raise DataError(
            "Regression to the mean needs baseline scores of at least two units",
            column="baseline",
            value=scores.size,
            hint="Pass the scores of all candidate units, not only the selected ones.",
        )
    chosen = [str(s) for s in selected]
    unknown = [s for s in chosen if s not in scores.index]
    if unknown or not chosen:
        raise DataError(
            "Selected units must be among the baseline units",
            column="selected",
            value=unknown or chosen,
            hint=f"Known units: {', '.join(scores.index)}.",
        )
    if (r is None) == (retest is None):
        raise DataError(
            "Give either r or retest data",
            column="r",
            hint="r is the correlation of repeated measurements; retest=(before, after) estimates it.",
        )
    if retest is not None:
        before, after = (retest["before"], retest["after"]) if isinstance(retest, pd.DataFrame) else retest
        r = retest_correlation(before, after)
    r = _check_r(r)  # type: ignore[arg-type]

    overall = float(scores.mean())
    selected_mean = float(scores.loc[chosen].mean())
    expected = (1 - r) * (overall - selected_mean)
    sign = 1.0 if higher_is_better else -1.0
    apparent = sign * expected
    # "Scored worst": no unselected unit scored worse than the best of the selected ones.
    oriented = sign * scores
    rest = oriented.drop(index=chosen)
    were_worst = bool(rest.empty or oriented.loc[chosen].max() <= rest.min())

    observed_minus = share = np.nan
    if observed_change is not None:
        observed_minus = float(observed_change) - expected
        if observed_change != 0 and np.sign(observed_change) == np.sign(expected):
            share = expected / float(observed_change)
    message = _message(were_worst, apparent, expected, r, observed_change, resolve_language(language))
    if warn and were_worst and apparent > 0:
        warnings.warn(message, RegressionToMeanWarning, stacklevel=2)
    return pd.DataFrame(
        [
            {
                "n_units": int(scores.size),
                "n_selected": len(chosen),
                "overall_mean": overall,
                "selected_mean": selected_mean,
                "r": r,
                "expected_change": expected,
                "expected_apparent_improvement": apparent,
                "observed_change": np.nan if observed_change is None else float(observed_change),
                "observed_minus_expected": observed_minus,
                "share_expected": share,
                "selected_were_worst": were_worst,
                "message": message,
            }
        ]
    )


def _message(
    were_worst: bool, apparent: float, expected: float, r: float, observed: float | None, language: str
) -> str:
    if not (were_worst and apparent > 0):
        return say("evaluation", "rtm_not_worst", language, expected=expected, r=r)
    text = say("evaluation", "rtm_worst", language, apparent=apparent, r=r)
    if observed is not None:
        text += say("evaluation", "rtm_observed", language, observed=observed, beyond=observed - expected)
    return text + say("evaluation", "rtm_confirm", language)
