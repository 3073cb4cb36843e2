"""The emotion curve of a journey map: how customers feel at each stage, with its interval.

Two curves, each where its evidence exists:

- **rating** (satisfaction): the mean of the survey means of the stage's touchpoints, rescaled to 0..1
  (``(mean - scale_min) / (scale_max - scale_min)``); its interval is the mean of the
  touchpoints' interval bounds, rescaled the same way (as wide as if the touchpoints' errors
  were fully correlated, so never too narrow);
- **not negative**: the share of customer feedback about the stage's touchpoints that is not
  negative, pooled over the touchpoints (items counted once per touchpoint), with a Wilson
  interval (Wilson 1927).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from research.checks import check_ci
from research.defaults import CI

#: The emotion measures, in plotting order.
MEASURES = ("rating", "not_negative")


def stage_emotion(data: pd.DataFrame, stages: list[str], ci: float = CI) -> pd.DataFrame:
    """Satisfaction and the not-negative share of feedback per journey stage (0..1).

    Parameters
    ----------
    data : DataFrame
        From :func:`research.scorecard.touchpoint_evidence` (``stage, mean, mean_ci_low,
        mean_ci_high, scale_min, scale_max, feedback_n, feedback_negative_share``).
    stages : list of str
        The journey's stages in order.
    ci : float
        Confidence level of the intervals (default 0.95).

    Returns
    -------
    DataFrame
        ``stage, measure, estimate, ci_low, ci_high, n`` (n: touchpoints with a survey mean, or
        feedback items); one row per stage and measure with evidence, stages in journey order.

    Examples
    --------
    >>> card = pd.DataFrame({"stage": ["a", "a", "b"], "mean": [4.0, 2.0, None],
    ...                      "mean_ci_low": [3.8, 1.8, None], "mean_ci_high": [4.2, 2.2, None],
    ...                      "scale_min": 1, "scale_max": 5, "feedback_n": [10, 30, 20],
    ...                      "feedback_negative_share": [0.1, 0.5, 0.25]})
    >>> stage_emotion(card, ["a", "b"]).round(3)
      stage       measure  estimate  ci_low  ci_high   n
    0     a        rating      0.50   0.450    0.550   2
    1     a  not_negative      0.60   0.446    0.737  40
    2     b  not_negative      0.75   0.531    0.888  20
    """
    check_ci(ci)
    rows = []
    frame = data.copy()
    for column in (
        "mean",
        "mean_ci_low",
        "mean_ci_high",
        "scale_min",
        "scale_max",
        "feedback_n",
        "feedback_negative_share",
    ):
        frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else np.nan
    span = frame["scale_max"] - frame["scale_min"]
    for stage in stages:
        here = frame[frame["stage"].astype(str) == str(stage)]
        rated = here[here["mean"].notna() & (span.loc[here.index] > 0)]
        if len(rated):
            width = span.loc[rated.index]
            low = rated["scale_min"]
            scaled = [((rated[c] - low) / width).mean() for c in ("mean", "mean_ci_low", "mean_ci_high")]
            rows.append((stage, "rating", *scaled, len(rated)))
        heard = here[here["feedback_negative_share"].notna() & (here["feedback_n"] > 0)]
        if len(heard):
            n = int(heard["feedback_n"].sum())
            positive = round(float((heard["feedback_n"] * (1 - heard["feedback_negative_share"])).sum()))
            ci_low, ci_high = proportion_confint(positive, n, alpha=1 - ci, method="wilson")
            rows.append((stage, "not_negative", positive / n, float(ci_low), float(ci_high), n))
    return pd.DataFrame(rows, columns=["stage", "measure", "estimate", "ci_low", "ci_high", "n"])
