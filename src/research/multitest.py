"""Multiple-testing correction, shared by every pillar (one home for it).

Holm (1979) is the default: it controls the family-wise error rate without assuming
independence. Benjamini-Hochberg FDR is the option when many KPIs or codes are screened.
Wraps :func:`statsmodels.stats.multitest.multipletests`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from research.errors import DataError

METHODS = {"holm": "holm", "fdr": "fdr_bh", "bonferroni": "bonferroni", "none": None}


def adjust_pvalues(
    p_values: pd.Series | np.ndarray | list[float],
    method: Literal["holm", "fdr", "bonferroni", "none"] = "holm",
) -> np.ndarray:
    """Adjust p-values for multiple comparisons; NaNs stay NaN and are not counted.

    Parameters
    ----------
    p_values : array-like of float
    method : {"holm", "fdr", "bonferroni", "none"}
        ``"fdr"`` is Benjamini-Hochberg (1995).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same order and length as the input.

    Examples
    --------
    Holm's adjusted values for p = 0.01, 0.04, 0.03 are 0.03, 0.06, 0.06:

    >>> adjust_pvalues([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    if method not in METHODS:
        raise DataError(
            "Unknown multiple-comparison method", value=method, hint=f"Use one of {list(METHODS)}."
        )
    values = np.asarray(p_values, dtype=float)
    adjusted = values.copy()
    ok = ~np.isnan(values)
    if METHODS[method] is not None and ok.any():
        adjusted[ok] = multipletests(values[ok], method=METHODS[method])[1]
    return adjusted
