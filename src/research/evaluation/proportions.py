"""Before/after comparison of two independent proportions (complaint rate, first-contact resolution).

The interval is Newcombe's (1998) hybrid score interval (his method 10), built from the two
Wilson score intervals: it keeps its coverage for small samples and for proportions near 0 or 1,
where the textbook Wald interval fails. The test is the two-sided z-test with the pooled
proportion (equivalent to Pearson's chi-square test of the 2x2 table without continuity
correction). Both come from :mod:`statsmodels.stats.proportion`.

References
----------
Newcombe, R. G. (1998). Interval estimation for the difference between independent proportions:
comparison of eleven methods. *Statistics in Medicine*, 17, 873-890.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from research import defaults
from research.checks import check_ci
from research.errors import DataError


def _check_count(x: object, n: object, name_x: str, name_n: str) -> tuple[int, int]:
    for value, name in ((x, name_x), (n, name_n)):
        if (
            not isinstance(value, numbers.Integral | float)
            or isinstance(value, bool)
            or (isinstance(value, float) and not value.is_integer())
        ):
            raise DataError(
                "Counts must be whole numbers",
                column=name,
                value=value,
                hint="Pass the number of cases (x) and the number of trials (n), not shares.",
            )
    xi, ni = int(x), int(n)  # type: ignore[call-overload]
    if ni <= 0:
        raise DataError(
            "The number of trials must be positive",
            column=name_n,
            value=ni,
            hint="A wave without observations cannot be compared; check the filter.",
        )
    if not 0 <= xi <= ni:
        raise DataError(
            f"The count must lie between 0 and {name_n}",
            column=name_x,
            value=xi,
            hint=f"{name_x} counts the cases with the outcome among the {ni} trials.",
        )
    return xi, ni


def proportion_difference(x1: int, n1: int, x2: int, n2: int, ci: float = defaults.CI) -> pd.DataFrame:
    """Difference between two independent proportions, *after minus before* (``p2 - p1``).

    Parameters
    ----------
    x1, n1 : int
        Cases and trials in the first (before) wave, e.g. contacts resolved at first contact and
        all contacts.
    x2, n2 : int
        Cases and trials in the second (after) wave.
    ci : float
        Confidence level of the interval (0.95 = 95%).

    Returns
    -------
    pandas.DataFrame
        One row: ``difference`` (``p2 - p1`` on the 0..1 scale), ``ci_low``, ``ci_high``
        (Newcombe 1998 hybrid score interval, method 10), ``se`` (unpooled Wald standard error, for
        reference), ``z`` and ``p_value`` (two-sided z-test with the pooled proportion; NaN when
        both waves are all 0 or all 1, where the test is undefined), ``p1``, ``p2``, ``n1``,
        ``n2``.

    Notes
    -----
    Newcombe's table reports ``p1 - p2``; this function reports after minus before, so its
    interval is his mirrored: ``proportion_difference(48, 80, 56, 70)`` gives his 0.0524 to 0.3339
    for 56/70 vs 48/80.

    Examples
    --------
    First-contact resolution 48 of 80 before, 56 of 70 after (Newcombe 1998, Table II, example a):

    >>> res = proportion_difference(48, 80, 56, 70)
    >>> res[["difference", "ci_low", "ci_high"]].round(4).values.tolist()
    [[0.2, 0.0524, 0.3339]]
    >>> round(float(res["p_value"].iloc[0]), 4)
    0.008
    """
    x1, n1 = _check_count(x1, n1, "x1", "n1")
    x2, n2 = _check_count(x2, n2, "x2", "n2")
    ci = check_ci(ci)
    p1, p2 = x1 / n1, x2 / n2
    # statsmodels reports count1/nobs1 minus count2/nobs2: pass the after wave first.
    low, high = confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff", alpha=1 - ci)
    pooled = (x1 + x2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se_pooled > 0:
        z = (p2 - p1) / se_pooled
        p_value = float(2 * stats.norm.sf(abs(z)))
    else:
        z = p_value = float("nan")
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return pd.DataFrame(
        [
            {
                "difference": p2 - p1,
                "ci_low": float(np.clip(low, -1, 1)),
                "ci_high": float(np.clip(high, -1, 1)),
                "se": se,
                "z": z,
                "p_value": p_value,
                "p1": p1,
                "p2": p2,
                "n1": n1,
                "n2": n2,
            }
        ]
    )
