"""Where to act first: a priority score per touchpoint and how stable its top five are.

The score combines three components, each on 0..1 (1 = act here):

- **importance**: the touchpoint's relative weight in the survey outcome divided by the largest
  weight (key-driver analysis; the strongest driver scores 1);
- **performance gap**: distance of the survey mean from the top of its scale,
  ``(scale_max - mean) / (scale_max - scale_min)``;
- **breadth of pain**: the mean of the available shares of customers' voice that is pain at the
  touchpoint, the interview reach of its pain points (share of interviewees raising one) and
  the negative share of the customer feedback about it.

``priority = (w_i * importance + w_g * gap + w_p * pain) / (w_i + w_g + w_p)``, a weighted mean
(weights 1 by default). Components no touchpoint of the study has (a survey-only study has no
pain) leave the formula; a touchpoint that lacks a component the study has gets its score over
the components it has but ranks after every touchpoint with complete evidence. This is the
importance x performance logic of importance-performance analysis (Martilla & James 1977) with
the qualitative breadth of pain added; the sensitivity table shows how the top five move when a
weight is halved or increased by half.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The components of the priority score, in the order of the formula.
COMPONENTS = ("importance", "gap", "pain")
DEFAULT_WEIGHTS: dict[str, float] = {"importance": 1.0, "gap": 1.0, "pain": 1.0}
#: Factors applied to one weight at a time in the sensitivity analysis.
SENSITIVITY_FACTORS = (0.5, 1.5)

_PAIN_SOURCES = ("interview_reach", "feedback_negative_share")


def _column(data: pd.DataFrame, name: str) -> pd.Series:
    if name not in data.columns:
        return pd.Series(np.nan, index=data.index, dtype=float)
    return pd.to_numeric(data[name], errors="coerce").astype(float)


def priority_components(data: pd.DataFrame) -> pd.DataFrame:
    """The three 0..1 components of every touchpoint (NaN where the evidence is missing).

    Parameters
    ----------
    data : DataFrame
        From :func:`research.scorecard.touchpoint_evidence` (``importance``, ``mean``,
        ``scale_min``, ``scale_max``, ``interview_reach``, ``feedback_negative_share``; any may
        be absent).

    Returns
    -------
    DataFrame
        ``touchpoint, importance_score, gap_score, pain_score``.

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["a", "b"], "importance": [0.3, 0.15], "mean": [3.0, 4.5],
    ...                      "scale_min": [1, 1], "scale_max": [5, 5], "interview_reach": [0.5, None]})
    >>> priority_components(card)
      touchpoint  importance_score  gap_score  pain_score
    0          a               1.0      0.500         0.5
    1          b               0.5      0.125         NaN
    """
    importance = _column(data, "importance")
    largest = importance.max()
    span = _column(data, "scale_max") - _column(data, "scale_min")
    pain = pd.concat([_column(data, c) for c in _PAIN_SOURCES], axis=1).mean(axis=1, skipna=True)
    return pd.DataFrame(
        {
            "touchpoint": data["touchpoint"].to_numpy(),
            "importance_score": (importance / largest if largest > 0 else importance * np.nan).to_numpy(),
            "gap_score": (
                (_column(data, "scale_max") - _column(data, "mean")) / span.where(span > 0)
            ).to_numpy(),
            "pain_score": pain.to_numpy(),
        }
    )


def _check_priority_weights(weights: dict[str, float] | None) -> dict[str, float]:
    from research.errors import DataError

    merged = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = sorted(set(merged) - set(COMPONENTS))
    if unknown:
        raise DataError(
            "Unknown priority weight",
            column="priority_weights",
            value=unknown,
            hint=f"Weights are named {list(COMPONENTS)}.",
        )
    bad = {k: v for k, v in merged.items() if not np.isfinite(v) or v < 0}
    if bad or not sum(merged.values()) > 0:
        raise DataError(
            "Priority weights must be non-negative numbers, not all 0",
            column="priority_weights",
            value=bad or merged,
            hint="Use e.g. {'importance': 1, 'gap': 1, 'pain': 1}.",
        )
    return merged


def priority_scores(data: pd.DataFrame, priority_weights: dict[str, float] | None = None) -> pd.DataFrame:
    """*data* with its priority components, ``priority`` (0..1), ``evidence`` and ``rank``.

    Parameters
    ----------
    data : DataFrame
        One row per touchpoint (see :func:`priority_components`).
    priority_weights : dict, optional
        Weights of the priority factors ``importance``, ``gap`` and ``pain`` (default 1 each).

    Returns
    -------
    DataFrame
        Sorted by rank: complete evidence first, then higher priority, then touchpoint id.
        ``evidence`` is ``complete``, ``partial`` or ``none``; ``rank`` is 1.. for touchpoints
        with a score and missing (NA) for those without any component.

    Raises
    ------
    DataError
        A weight with an unknown name, a negative weight, or all weights 0.

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["a", "b", "c"], "importance": [0.3, 0.15, None],
    ...                      "mean": [3.0, 4.5, None], "scale_min": 1, "scale_max": 5})
    >>> priority_scores(card)[["touchpoint", "priority", "evidence", "rank"]]
      touchpoint  priority evidence  rank
    0          a    0.7500 complete     1
    1          b    0.3125 complete     2
    2          c       NaN     none  <NA>
    """
    weights = _check_priority_weights(priority_weights)
    parts = priority_components(data)
    scores = parts[[f"{c}_score" for c in COMPONENTS]]
    used = [c for c in COMPONENTS if scores[f"{c}_score"].notna().any() and weights[c] > 0]
    values = scores[[f"{c}_score" for c in used]].to_numpy(dtype=float)
    w = np.array([weights[c] for c in used], dtype=float)
    available = ~np.isnan(values)
    total = (np.where(available, values, 0.0) * w).sum(axis=1) if used else np.zeros(len(data))
    denominator = (available * w).sum(axis=1) if used else np.zeros(len(data))
    priority = np.where(denominator > 0, total / np.where(denominator > 0, denominator, 1.0), np.nan)
    n_available = available.sum(axis=1) if used else np.zeros(len(data), dtype=int)
    evidence = np.where(n_available == len(used), "complete", np.where(n_available > 0, "partial", "none"))
    evidence = np.where(np.isnan(priority), "none", evidence)
    table = data.reset_index(drop=True).copy()
    for column in scores.columns:
        table[column] = scores[column].to_numpy()
    table["priority"], table["evidence"] = priority, evidence
    order = {"complete": 0, "partial": 1, "none": 2}
    table = table.assign(_order=table["evidence"].map(order), _key=-table["priority"].fillna(-1.0))
    table = table.sort_values(["_order", "_key", "touchpoint"], kind="stable")
    table = table.drop(columns=["_order", "_key"]).reset_index(drop=True)
    table["rank"] = pd.Series(np.arange(1, len(table) + 1), dtype="Int64").where(table["evidence"] != "none")
    return table


def top_touchpoints(
    data: pd.DataFrame, priority_weights: dict[str, float] | None = None, n: int = 5
) -> list[str]:
    """The ids of the *n* touchpoints ranked first under *priority_weights*.

    Parameters
    ----------
    data : DataFrame
        One row per touchpoint (see :func:`priority_components`).
    priority_weights : dict, optional
        Weights of the priority factors (see :func:`priority_scores`).
    n : int
        How many touchpoints.

    Returns
    -------
    list of str
        Touchpoint ids, first-ranked first.

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["a", "b"], "importance": [0.1, 0.3]})
    >>> top_touchpoints(card, n=1)
    ['b']
    """
    ranked = priority_scores(data, priority_weights)
    return ranked.loc[ranked["rank"].notna(), "touchpoint"].head(n).tolist()


def sensitivity(
    data: pd.DataFrame,
    priority_weights: dict[str, float] | None = None,
    n: int = 5,
    factors: tuple[float, ...] = SENSITIVITY_FACTORS,
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """How the top *n* change when each weight in turn is multiplied by each of *factors*.

    Parameters
    ----------
    data : DataFrame
        The touchpoints' evidence, as for :func:`top_touchpoints`.
    priority_weights : dict, optional
        The weights of the priority factors that are varied (default 1 each).
    n : int
        Size of the top that is compared.
    factors : tuple of float
        Multipliers applied to one weight at a time.
    labels : dict, optional
        Touchpoint id -> name shown in ``top``.

    Returns
    -------
    DataFrame
        ``weight, factor, top`` (the top *n*, by *labels* or id, joined with ", "), ``changed``
        (True when the top *n* or their order differ from those under *priority_weights*); one row per
        weight of a component the study has and factor.

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["a", "b"], "importance": [0.2, 0.3],
    ...                      "mean": [2.0, 4.0], "scale_min": 1, "scale_max": 5})
    >>> sensitivity(card, n=2)
           weight  factor  top  changed
    0  importance     0.5  a, b    False
    1  importance     1.5  a, b    False
    2         gap     0.5  b, a     True
    3         gap     1.5  a, b    False
    """
    weights = _check_priority_weights(priority_weights)
    components = priority_components(data)
    baseline = top_touchpoints(data, weights, n)
    labels = labels or {}
    rows = []
    for component in COMPONENTS:
        if components[f"{component}_score"].isna().all():
            continue
        for factor in factors:
            moved = top_touchpoints(data, {**weights, component: weights[component] * factor}, n)
            shown = ", ".join(labels.get(t, t) for t in moved)
            rows.append((component, float(factor), shown, moved != baseline))
    return pd.DataFrame(rows, columns=["weight", "factor", "top", "changed"])
