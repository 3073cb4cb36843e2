"""Survey-weight basics shared by every pillar: Kish effective sample size and design effect.

Survey weights are not frequency counts: a respondent with weight 3 is one person who stands
for three, not three people. Standard errors therefore use the effective sample size
``n_eff = (sum w)^2 / sum w^2`` (Kish 1965), never the sum of the weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.checks import survey_weights


def effective_n(weights: pd.Series | np.ndarray | list[float]) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``.

    Parameters
    ----------
    weights : array-like
        Survey weights, one per respondent (non-negative, no gaps).

    Returns
    -------
    float
        The effective sample size (0.0 when every weight is 0).

    Examples
    --------
    Equal weights give n; one heavy respondent lowers it (Kish 1965, eq. 11.7.6):

    >>> effective_n([1, 1, 1, 1])
    4.0
    >>> round(effective_n([1, 1, 1, 3]), 4)
    3.0
    """
    w = survey_weights(weights)
    denominator = float(np.sum(w**2))
    return float(np.sum(w) ** 2 / denominator) if denominator > 0 else 0.0


def design_effect(weights: pd.Series | np.ndarray | list[float]) -> float:
    """Kish's design effect of unequal weighting, ``n / n_eff = 1 + CV(w)^2``.

    Parameters
    ----------
    weights : array-like
        Survey weights of the respondents.

    Returns
    -------
    float
        The design effect (NaN without respondents).

    Examples
    --------
    >>> round(design_effect([1, 1, 1, 3]), 4)
    1.3333
    """
    w = survey_weights(weights)
    return float(len(w) / effective_n(w)) if len(w) else float("nan")
