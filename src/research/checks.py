"""Checks of the arguments every pillar shares: confidence levels and survey weights.

One place, so a bad ``ci`` or a weight column with gaps gets the same clear
:class:`~research.errors.DataError` whichever statistic it reaches.

Examples
--------
>>> check_ci(0.9)
0.9
>>> survey_weights(None, 3).tolist()
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from research.errors import DataError


def check_ci(ci: Any) -> float:
    """*ci* as a float when it is a confidence level strictly between 0 and 1.

    Raises
    ------
    DataError
        *ci* is not a number in (0, 1) (a percentage such as 95 is the usual mistake).

    Examples
    --------
    >>> check_ci(95)
    Traceback (most recent call last):
    ...
    research.errors.DataError: The confidence level must be a share between 0 and 1 ...
    """
    return _share(ci, "ci", "The confidence level", "Use e.g. ci=0.95 for a 95% interval.")


def check_alpha(alpha: Any) -> float:
    """*alpha* as a float when it is a significance level strictly between 0 and 1.

    Parameters
    ----------
    alpha : float
        The significance level of a test or a power calculation.

    Returns
    -------
    float
        *alpha*.

    Examples
    --------
    >>> check_alpha(0.05)
    0.05
    """
    return _share(alpha, "alpha", "The significance level", "Use e.g. alpha=0.05.")


def _share(value: Any, name: str, what: str, hint: str) -> float:
    """*value* as a float strictly between 0 and 1, else a DataError naming the argument *name*."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) < 1:
        raise DataError(f"{what} must be a share between 0 and 1", column=name, value=value, hint=hint)
    return float(value)


def survey_weights(weights: Any, n: int | None = None) -> np.ndarray:
    """Survey weights as a float array: non-negative, no gaps, *n* long (all ones when ``None``).

    Parameters
    ----------
    weights : array-like or None
        Survey weights, one per observation.
    n : int, optional
        The number of observations they must match (required when *weights* is ``None``).

    Raises
    ------
    DataError
        Missing or negative weights, or a length other than *n*.

    Examples
    --------
    >>> survey_weights([1, 2.5]).tolist()
    [1.0, 2.5]
    >>> survey_weights([1, -1])
    Traceback (most recent call last):
    ...
    research.errors.DataError: Weights must be non-negative numbers without missing values ...
    """
    if weights is None:
        if n is None:
            raise ValueError("survey_weights(None) needs n")
        return np.ones(n)
    try:
        w = np.asarray(weights, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(
            "Weights must be numbers", column="weights", hint="Pass a numeric weight column."
        ) from None
    if n is not None and len(w) != n:
        raise DataError(
            "Weights and values differ in length",
            column="weights",
            value=(len(w), n),
            hint="Pass one weight per observation (the weight column of the same table).",
        )
    if np.isnan(w).any() or (w < 0).any():
        raise DataError(
            "Weights must be non-negative numbers without missing values",
            column="weights",
            hint="Drop or impute respondents without a weight before analysis.",
        )
    return w
