"""Power, sample size and minimum detectable effect before a before/after study.

Each ``power_*`` function solves for the one argument left as ``None`` (effect size, sample
size or power), like G*Power's "a priori" / "sensitivity" / "post hoc" modes. The ``mde_*``
functions answer the question researchers ask before fielding a survey: with ``n`` respondents
per wave, what is the smallest change we can detect, *in the KPI's unit*? Sample sizes are per
group (per wave) and are rounded up to whole respondents.

Means use statsmodels' t-test power (``TTestIndPower``, ``TTestPower`` for panels); proportions
use Cohen's (1988) arcsine effect size h with ``NormalIndPower``; NPS uses the normal
approximation with the trinomial variance of the NPS (Rocks 2016).

References
----------
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 2 and 6.
Faul, F., Erdfelder, E., Lang, A.-G., & Buchner, A. (2007). G*Power 3. *Behavior Research
Methods*, 39, 175-191.
Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
Statistician*, 70(4), 365-372.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower, TTestPower
from statsmodels.stats.proportion import proportion_effectsize

from research import defaults
from research.errors import DataError

Alternative = Literal["two-sided", "larger", "smaller"]


def _check_share(value: float | None, name: str, *, inclusive: bool = False) -> None:
    if value is None:
        return
    ok = 0 <= value <= 1 if inclusive else 0 < value < 1
    if not ok:
        raise DataError(
            f"{name} must be a share between 0 and 1",
            column=name,
            value=value,
            hint="Give proportions on the 0..1 scale (0.8, not 80).",
        )


def _one_missing(**values: object) -> str:
    missing = [k for k, v in values.items() if v is None]
    if len(missing) != 1:
        raise DataError(
            "Leave exactly one of the arguments empty (None) to solve for it",
            column=", ".join(values),
            value=missing or "none",
            hint="E.g. give effect_size and power to get n, or n and power to get the "
            "detectable effect size.",
        )
    return missing[0]


def _grid(function: Callable[..., float], **arguments: object) -> pd.DataFrame:
    """One row per combination of the arguments given as lists (one row when none is a list)."""
    listed = {k: list(v) for k, v in arguments.items() if isinstance(v, list | tuple | np.ndarray)}
    rows = []
    for combination in itertools.product(*listed.values()):
        call = {**arguments, **dict(zip(listed, combination, strict=True))}
        solved = function(**call)
        rows.append({**{k: v for k, v in call.items() if v is not None}, "solved": solved})
    return pd.DataFrame(rows)


def power_means(
    effect_size: float | list[float] | None = None,
    n: float | list[float] | None = None,
    alpha: float = defaults.ALPHA,
    power: float | list[float] | None = None,
    ratio: float = 1.0,
    paired: bool = False,
    alternative: Alternative = "two-sided",
) -> pd.DataFrame:
    """Power of a t-test on means; solves for whichever of ``effect_size``, ``n``, ``power`` is None.

    Parameters
    ----------
    effect_size : float, optional
        Standardised difference: Cohen's d (independent waves) or d_z (panel: mean change / SD of
        the changes).
    n : float, optional
        Respondents in the *before* wave (after wave = ``n * ratio``); pairs for a panel.
    alpha : float
        Significance level.
    power : float, optional
        Probability of detecting the effect (0..1).
    ratio : float
        Size of the after wave relative to the before wave (independent waves only).
    paired : bool
        ``True`` for a panel (paired t-test).
    alternative : {"two-sided", "larger", "smaller"}
        The alternative hypothesis.

    Returns
    -------
    pandas.DataFrame
        One row per combination of the arguments given (one row when none is a list): the given
        values and the solved quantity in ``solved`` (``n`` rounded up to a whole respondent).

    Examples
    --------
    G*Power, two-tailed t-test, d = 0.5, alpha = 0.05, power = 0.8: 64 per group.

    >>> int(power_means(effect_size=0.5, power=0.8).at[0, "solved"])
    64
    >>> round(float(power_means(effect_size=0.5, n=64).at[0, "solved"]), 4)
    0.8015
    """
    _check_share(alpha, "alpha")

    def solve(effect_size: float | None, n: float | None, power: float | None) -> float:
        target = _one_missing(effect_size=effect_size, n=n, power=power)
        _check_share(power, "power")
        if paired:
            value = TTestPower().solve_power(
                effect_size=effect_size, nobs=n, alpha=alpha, power=power, alternative=alternative
            )
        else:
            value = TTestIndPower().solve_power(
                effect_size=effect_size,
                nobs1=n,
                alpha=alpha,
                power=power,
                ratio=ratio,
                alternative=alternative,
            )
        value = float(np.asarray(value).item())
        return math.ceil(value - 1e-9) if target == "n" else value

    return _grid(solve, effect_size=effect_size, n=n, power=power)


def _h_to_p2(p1: float, h: float) -> float:
    """Invert Cohen's h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)) for p2."""
    angle = math.asin(math.sqrt(p1)) + h / 2
    return float(math.sin(min(max(angle, 0.0), math.pi / 2)) ** 2)


def power_proportions(
    p1: float,
    p2: float | list[float] | None = None,
    n: float | list[float] | None = None,
    alpha: float = defaults.ALPHA,
    power: float | list[float] | None = None,
    ratio: float = 1.0,
    alternative: Alternative = "two-sided",
) -> pd.DataFrame:
    """Power of comparing two independent proportions (Cohen's h, normal approximation).

    Solves for whichever of ``p2``, ``n``, ``power`` is None. Solving for ``p2`` returns the
    detectable *after* proportion above ``p1`` (below it for ``alternative="smaller"``; use
    :func:`mde_proportion` for a decrease with a two-sided test).

    Parameters
    ----------
    p1 : float
        Proportion before (0..1), e.g. the current first-contact resolution rate.
    p2 : float, optional
        Proportion after (0..1).
    n : float, optional
        Size of the before wave (after = ``n * ratio``).
    alpha, power, ratio, alternative : float, float, float, str
        Significance level, power, wave-size ratio and alternative, as in :func:`power_means`.

    Returns
    -------
    pandas.DataFrame
        As :func:`power_means`: one row per combination, the solved quantity in ``solved``.

    Examples
    --------
    First-contact resolution 50% now; detecting a rise to 60% with 80% power needs 388 contacts
    per wave (Cohen's h = 0.201):

    >>> int(power_proportions(0.5, 0.6, power=0.8).at[0, "solved"])
    388
    """
    _check_share(p1, "p1")
    _check_share(alpha, "alpha")

    def solve(p2: float | None, n: float | None, power: float | None) -> float:
        target = _one_missing(p2=p2, n=n, power=power)
        _check_share(power, "power")
        _check_share(p2, "p2", inclusive=True)
        h = None if p2 is None else float(proportion_effectsize(p2, p1))
        value = _solve_h(h, n, alpha, power, ratio, alternative)
        if target == "n":
            return math.ceil(value - 1e-9)
        if target == "p2":
            # a one-sided "smaller" test can only detect a fall below p1
            return _h_to_p2(p1, -abs(value) if alternative == "smaller" else abs(value))
        return value

    return _grid(solve, p2=p2, n=n, power=power)


def _solve_h(
    h: float | None,
    n: float | None,
    alpha: float,
    power: float | None,
    ratio: float,
    alternative: Alternative,
) -> float:
    """Statsmodels' normal-approximation power of Cohen's h, solved for the one argument left None."""
    value = NormalIndPower().solve_power(
        effect_size=h, nobs1=n, alpha=alpha, power=power, ratio=ratio, alternative=alternative
    )
    return float(np.asarray(value).item())


def _z_sum(alpha: float, power: float, alternative: Alternative) -> float:
    _check_share(alpha, "alpha")
    _check_share(power, "power")
    tail = alpha / 2 if alternative == "two-sided" else alpha
    return float(stats.norm.isf(tail) + stats.norm.ppf(power))


def mde_means(
    n: float,
    sd: float,
    alpha: float = defaults.ALPHA,
    power: float = 0.8,
    ratio: float = 1.0,
    paired: bool = False,
    alternative: Alternative = "two-sided",
) -> float:
    """Minimum detectable difference of means, in the KPI's unit (t-test power).

    Parameters
    ----------
    n : float
        Respondents in the before wave (pairs for a panel).
    sd : float
        Standard deviation of the KPI (for a panel: of the individual changes).
    alpha, power, ratio, paired, alternative : float, float, float, bool, str
        Significance level, power, wave-size ratio, panel and alternative, as in :func:`power_means`.

    Returns
    -------
    float
        The detectable difference in the KPI's unit.

    Examples
    --------
    200 respondents per wave, SD 1.0 on a 1-5 scale: changes of about 0.28 points are detectable.

    >>> round(mde_means(200, sd=1.0), 3)
    0.281
    """
    if sd is None or not sd > 0:
        raise DataError(
            "The standard deviation must be positive",
            column="sd",
            value=sd,
            hint="Use the SD of the KPI from a previous wave or pilot.",
        )
    d = power_means(
        effect_size=None, n=n, alpha=alpha, power=power, ratio=ratio, paired=paired, alternative=alternative
    ).at[0, "solved"]
    return float(d) * float(sd)


def mde_proportion(
    p: float,
    n: float,
    alpha: float = defaults.ALPHA,
    power: float = 0.8,
    ratio: float = 1.0,
    direction: Literal["increase", "decrease"] = "increase",
    alternative: Alternative = "two-sided",
) -> float:
    """Minimum detectable change of a proportion from ``p``, on the 0..1 scale (Cohen's h).

    Parameters
    ----------
    p : float
        Current proportion (0..1), e.g. complaint rate 0.08.
    n : float
        Size of the before wave (after = ``n * ratio``).
    alpha, power, ratio, alternative : float, float, float, str
        Significance level, power, wave-size ratio and alternative, as in :func:`power_means`.
    direction : {"increase", "decrease"}
        Which change to size; the two differ because a proportion's variance depends on it.

    Returns
    -------
    float
        The detectable change ``p2 - p`` (negative for a decrease).

    Examples
    --------
    >>> round(mde_proportion(0.5, 392), 3)
    0.099
    """
    _check_share(p, "p")
    _check_share(alpha, "alpha")
    _check_share(power, "power")
    if direction not in ("increase", "decrease"):
        raise DataError(
            "Unknown direction", column="direction", value=direction, hint="Use 'increase' or 'decrease'."
        )
    if (direction, alternative) in (("increase", "smaller"), ("decrease", "larger")):
        raise DataError(
            "A one-sided test cannot detect a change in the other direction",
            column="alternative",
            value=(direction, alternative),
            hint="Use alternative='larger' for an increase, 'smaller' for a decrease, or 'two-sided'.",
        )
    # statsmodels returns a negative h for alternative="smaller": the direction sets the sign
    h = abs(_solve_h(None, n, alpha, power, ratio, alternative))
    return _h_to_p2(p, h if direction == "increase" else -h) - p


def mde_nps(
    promoters: float,
    detractors: float,
    n: float,
    alpha: float = defaults.ALPHA,
    power: float = 0.8,
    ratio: float = 1.0,
    alternative: Alternative = "two-sided",
) -> float:
    """Minimum detectable change of the NPS between two independent waves, in NPS points.

    Uses the per-respondent variance of the NPS, ``pP + pD - (pP - pD)^2`` (trinomial, Rocks
    2016), assumed equal in both waves, and the normal approximation:
    ``MDE = (z_{1-alpha/2} + z_power) * 100 * sqrt(var/n + var/(n*ratio))``.

    Parameters
    ----------
    promoters, detractors : float
        Current shares (0..1) of promoters (9-10) and detractors (0-6).
    n : float
        Respondents in the before wave (after = ``n * ratio``).
    alpha, power, ratio, alternative : float, float, float, str
        Significance level, power, wave-size ratio and alternative, as in :func:`power_means`.

    Returns
    -------
    float
        The detectable change in NPS points.

    Examples
    --------
    40% promoters, 20% detractors (NPS 20), 1,000 respondents per wave: about 9.4 NPS points.

    >>> round(mde_nps(0.4, 0.2, 1000), 2)
    9.38
    """
    _check_share(promoters, "promoters", inclusive=True)
    _check_share(detractors, "detractors", inclusive=True)
    if promoters + detractors > 1:
        raise DataError(
            "Promoter and detractor shares add up to more than 1",
            column="promoters+detractors",
            value=promoters + detractors,
            hint="Give shares of all respondents (0..1).",
        )
    if not n or n <= 0 or ratio <= 0:
        raise DataError("The wave sizes must be positive", column="n", value=(n, ratio))
    variance = promoters + detractors - (promoters - detractors) ** 2
    return 100 * _z_sum(alpha, power, alternative) * math.sqrt(variance / n + variance / (n * ratio))
