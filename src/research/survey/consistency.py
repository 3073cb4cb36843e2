"""Experience consistency: whether the service is equally good at every touchpoint a customer meets.

Two views:

- :func:`experience_spread` / :func:`spread_by_segment`: how much one respondent's scores
  vary across the touchpoints they rated (standard deviation or range per respondent, on the
  scale of the scores), summarised by segment with confidence intervals.
- :func:`channel_gap` / :func:`channel_gaps`: online versus offline touchpoints on a shared
  attribute (e.g. speed): per respondent the mean of their online items minus the mean of
  their offline items on that attribute, averaged over respondents who rated both (a paired
  comparison), with the interval of the gap.

Means and intervals come from :func:`research.survey.metrics.mean_ci` (weighted when survey
weights are given, standard errors from the effective sample size).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from research.checks import survey_weights
from research.defaults import CI
from research.errors import DataError, NotApplicable
from research.survey.data import SurveyData
from research.survey.metrics import mean_ci

Measure = Literal["sd", "range"]


def experience_spread(data: pd.DataFrame, *, measure: Measure = "sd", min_touchpoints: int = 2) -> pd.Series:
    """Each respondent's spread of data across the touchpoints they rated.

    Parameters
    ----------
    data : DataFrame
        Respondent x touchpoint scores (e.g. ``SurveyData.touchpoint_scores()``), NaN where a
        touchpoint was not rated.
    measure : {"sd", "range"}
        Sample standard deviation (n - 1) or max - min, in scale points.
    min_touchpoints : int
        Respondents who rated fewer touchpoints get NaN.

    Returns
    -------
    Series
        One value per respondent (same index as ``data``), named ``spread``.

    Examples
    --------
    >>> data = pd.DataFrame({"store": [4, 5, 3], "hotline": [2, 5, None], "app": [3, 5, None]})
    >>> experience_spread(data).round(3).tolist()
    [1.0, 0.0, nan]
    >>> experience_spread(data, measure="range").tolist()
    [2.0, 0.0, nan]
    """
    if measure not in ("sd", "range"):
        raise DataError("Unknown spread measure", value=measure, hint="Use 'sd' or 'range'.")
    if min_touchpoints < 2:
        raise DataError("A spread needs at least two touchpoints per respondent", value=min_touchpoints)
    values = data.apply(pd.to_numeric, errors="coerce")
    rated = values.notna().sum(axis=1)
    spread = values.std(axis=1, ddof=1) if measure == "sd" else values.max(axis=1) - values.min(axis=1)
    return spread.where(rated >= min_touchpoints).rename("spread")


def spread_by_segment(
    data: pd.DataFrame,
    segment: pd.Series | None = None,
    *,
    weights: pd.Series | np.ndarray | None = None,
    measure: Measure = "sd",
    min_touchpoints: int = 2,
    ci: float = CI,
    labels: Mapping | None = None,
) -> pd.DataFrame:
    """Mean experience spread per segment (and overall) with confidence intervals.

    Higher values mean a less consistent experience across touchpoints.

    Parameters
    ----------
    data : DataFrame
        Respondent x touchpoint scores, NaN where a touchpoint was not rated.
    segment : Series, optional
        Segment code per respondent (aligned with *data*); None: overall only.
    weights : array-like, optional
        Survey weights, one per respondent.
    measure : {"sd", "range"}
        As in :func:`experience_spread`.
    min_touchpoints : int
        As in :func:`experience_spread`.
    ci : float
        Confidence level of the intervals.
    labels : mapping, optional
        Display names of the segment codes.

    Returns
    -------
    DataFrame
        One row per segment plus a final ``all`` row: ``segment``, ``label``, ``estimate``
        (mean spread in scale points), ``se``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``.

    Examples
    --------
    >>> data = pd.DataFrame({"store": [4, 5, 3, 4], "hotline": [2, 5, 3, 1], "app": [3, 5, 3, 4]})
    >>> table = spread_by_segment(data, pd.Series(["east", "east", "west", "west"]))
    >>> table[["segment", "estimate", "n"]].round(3).values.tolist()
    [['east', 0.5, 2], ['west', 0.866, 2], ['all', 0.683, 4]]
    """
    spread = experience_spread(data, measure=measure, min_touchpoints=min_touchpoints)
    w = pd.Series(survey_weights(weights, len(data)), index=data.index)
    keys = (
        pd.Series("all", index=data.index)
        if segment is None
        else pd.Series(np.asarray(segment, dtype=object), index=data.index)
    )
    rows = []
    groups = [] if segment is None else sorted(keys.dropna().unique(), key=str)
    for key in [*groups, "all"]:
        mask = spread.notna() & (keys == key if key != "all" else True)
        if mask.sum() == 0:
            continue
        row = mean_ci(spread[mask], weights=w[mask], ci=ci).iloc[0].to_dict()
        row["n"] = int(row["n"])
        label = "all" if key == "all" else str(labels.get(key, key)) if labels else str(key)
        rows.append({"segment": key, "label": label, **row})
    if not rows:
        raise DataError(
            "No respondent rated enough touchpoints for a spread",
            value=min_touchpoints,
            hint="Lower min_touchpoints or check the data.",
        )
    return pd.DataFrame(rows)


def channel_gap(
    data: pd.DataFrame,
    items: pd.DataFrame,
    channels: Mapping[str, str],
    attribute: str,
    *,
    weights: str | pd.Series | np.ndarray | None = None,
    ci: float = CI,
) -> pd.DataFrame:
    """Online minus offline score on one shared attribute, paired within respondents.

    For each respondent, the mean of their answers to the attribute's items on online
    touchpoints and on offline touchpoints; the gap is the (weighted) mean of the
    per-respondent differences among respondents who answered both, with a t interval and a
    paired t-test p-value (Student 1908; equal to ``scipy.stats.ttest_rel`` unweighted).

    Parameters
    ----------
    data : DataFrame
        One row per respondent, one numeric column per item.
    items : DataFrame
        Item catalogue with columns ``item``, ``touchpoint``, ``attribute``.
    channels : mapping
        Touchpoint id -> ``"online"`` or ``"offline"`` (the study catalog's ``channel``).
    attribute : str
        The shared attribute, e.g. ``"speed"``.
    weights : str or array, optional
        Survey weights (column of ``data`` or array).
    ci : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row: ``attribute``, ``online_items``, ``offline_items``, ``online_mean``,
        ``offline_mean``, ``gap`` (online - offline, scale points), ``se``, ``ci_low``,
        ``ci_high``, ``p_value``, ``n`` (respondents with both), ``n_eff``.

    Examples
    --------
    >>> data = pd.DataFrame({"app_speed": [4, 5, 4, 3], "store_wait": [3, 3, 4, 2],
    ...                           "hotline_wait": [2, None, 3, 2]})
    >>> items = pd.DataFrame({"item": ["app_speed", "store_wait", "hotline_wait"],
    ...                       "touchpoint": ["app", "store", "hotline"], "attribute": ["speed"] * 3})
    >>> gap = channel_gap(data, items, {"app": "online", "store": "offline", "hotline": "offline"},
    ...                   "speed")
    >>> gap[["gap", "n"]].round(3).values.tolist()
    [[1.25, 4.0]]
    """
    chosen = items[(items["attribute"] == attribute) & items["touchpoint"].notna()]
    side = chosen["touchpoint"].map(lambda tp: channels.get(tp))
    online = chosen.loc[side == "online", "item"].tolist()
    offline = chosen.loc[side == "offline", "item"].tolist()
    if not online or not offline:
        raise DataError(
            "The attribute needs items on both online and offline touchpoints",
            column="attribute",
            value=attribute,
            hint=f"Online items: {online or 'none'}; offline items: {offline or 'none'}.",
        )
    for item in online + offline:
        if item not in data.columns:
            raise DataError("Item column missing from the responses", column=item)
    w_all = pd.Series(
        survey_weights(data[weights] if isinstance(weights, str) else weights, len(data)), index=data.index
    )
    online_mean = data[online].mean(axis=1)
    offline_mean = data[offline].mean(axis=1)
    both = online_mean.notna() & offline_mean.notna()
    if both.sum() < 2:
        raise DataError(
            "Fewer than two respondents rated both channels on this attribute",
            column="attribute",
            value=attribute,
        )
    difference = online_mean[both] - offline_mean[both]
    w = w_all[both]
    summary = mean_ci(difference, weights=w, ci=ci).iloc[0]
    n = int(summary["n"])
    p_value = (
        float(2 * stats.t.sf(abs(summary["estimate"] / summary["se"]), n - 1))
        if summary["se"] > 0
        else float("nan")
    )
    return pd.DataFrame(
        [
            {
                "attribute": attribute,
                "online_items": ", ".join(online),
                "offline_items": ", ".join(offline),
                "online_mean": float(np.average(online_mean[both], weights=w)),
                "offline_mean": float(np.average(offline_mean[both], weights=w)),
                "gap": float(summary["estimate"]),
                "se": float(summary["se"]),
                "ci_low": float(summary["ci_low"]),
                "ci_high": float(summary["ci_high"]),
                "p_value": p_value,
                "n": n,
                "n_eff": float(summary["n_eff"]),
            }
        ]
    )


def channel_gaps(
    data: SurveyData,
    channels: Mapping[str, str],
    *,
    attributes: list[str] | None = None,
    weighted: bool = True,
    ci: float = CI,
) -> pd.DataFrame:
    """:func:`channel_gap` for every attribute rated on both online and offline touchpoints.

    ``channels`` maps touchpoint ids to their channel, e.g.
    ``{t.id: t.channel for t in study.touchpoints}`` (empty without a catalog).

    Parameters
    ----------
    data : SurveyData
        The survey.
    channels : mapping
        Touchpoint id -> ``"online"`` or ``"offline"``.
    attributes : list of str, optional
        The attributes to compare (default: every one rated on both channels).
    weighted : bool
        Apply the declared survey weights.
    ci : float
        Confidence level of the gaps' intervals.

    Returns
    -------
    DataFrame
        One :func:`channel_gap` row per attribute.

    Raises
    ------
    NotApplicable
        No channels (no catalog), only one channel among the rated touchpoints, or no attribute
        rated on both.

    Examples
    --------
    >>> from research import load_study
    >>> from research.survey.data import load_survey
    >>> study = load_study("sample")
    >>> data = load_survey(study, "before")
    >>> gaps = channel_gaps(data, {t.id: t.channel for t in study.touchpoints})
    >>> "speed" in gaps["attribute"].tolist()
    True
    """
    rated = data.items.dropna(subset=["touchpoint", "attribute"])
    sides = rated.assign(side=rated["touchpoint"].map(lambda tp: channels.get(tp)))
    if attributes is None:
        both = sides.groupby("attribute")["side"].agg(lambda s: {"online", "offline"} <= set(s))
        attributes = [a for a in dict.fromkeys(rated["attribute"]) if both.get(a, False)]
    if not attributes:
        found = set(sides["side"].dropna())
        if not channels:
            missing = (
                "The study has no touchpoint catalog with channels, so online and offline are not compared."
            )
            remedy = "Add a touchpoints: list with channel online/offline to study.yml."
            missing_zh, remedy_zh = (
                "本研究没有带渠道的触点清单，因此不比较线上与线下。",
                "在 study.yml 中加入带 channel online/offline 的 touchpoints: 列表。",
            )
        elif not {"online", "offline"} <= found:
            which = " and ".join(sorted(found)) or "no"
            missing = (
                f"The rated touchpoints are all on {which} channel(s), so online and offline "
                "are not compared."
            )
            remedy = "Channel gaps need items on both online and offline touchpoints."
            missing_zh, remedy_zh = (
                f"被评分的触点都属于 {which} 渠道，因此不比较线上与线下。",
                "渠道差距需要线上与线下触点都有题目。",
            )
        else:
            missing = "No attribute is rated on both an online and an offline touchpoint."
            remedy = "Give items on both kinds of channel a shared attribute (e.g. speed) in study.yml."
            missing_zh, remedy_zh = (
                "没有属性同时在线上与线下触点上被评分。",
                "在 study.yml 中为两类渠道的题目设置共同属性（如 speed）。",
            )
        raise NotApplicable(missing, remedy, missing_zh=missing_zh, remedy_zh=remedy_zh)
    weights = "weight" if weighted and "weight" in data.responses.columns else None
    return pd.concat(
        [channel_gap(data.responses, data.items, channels, a, weights=weights, ci=ci) for a in attributes],
        ignore_index=True,
    )


def consistency_by_segment(
    data: SurveyData,
    segment: str = "",
    *,
    weighted: bool = True,
    labels: Mapping | None = None,
    ci: float = CI,
) -> pd.DataFrame:
    """:func:`spread_by_segment` of a survey's row scores, by *segment* (empty: overall only).

    Parameters
    ----------
    data : SurveyData
        The survey.
    segment : str
        A segment column; empty: overall only.
    weighted : bool
        Whether the declared survey weights apply.
    labels : mapping, optional
        Display names of the segment codes.
    ci : float
        Confidence level of the mean spreads.

    Returns
    -------
    DataFrame
        As :func:`spread_by_segment`.

    Raises
    ------
    NotApplicable
        When the survey has fewer than two rows (touchpoints or items): a spread across
        touchpoints needs at least two of them, or no respondent rated two.

    Examples
    --------
    >>> from research.survey.data import load_survey
    >>> table = consistency_by_segment(load_survey("sample", "before"))
    >>> table["segment"].tolist()
    ['all']
    """
    scores = data.touchpoint_scores()
    if scores.shape[1] < 2 or int((scores.notna().sum(axis=1) >= 2).sum()) == 0:
        raise NotApplicable(
            "Experience consistency needs respondents who rated at least two touchpoints "
            f"(or items); this survey has {scores.shape[1]} row(s).",
            "Rate several touchpoints in the same questionnaire to see it.",
            missing_zh=f"体验一致性需要受访者至少评价两个触点（或题目）；本问卷只有 {scores.shape[1]} 行。",
            remedy_zh="在同一问卷中评价多个触点即可查看。",
        )
    weights = data.responses["weight"] if weighted else None
    keys = data.responses[segment] if segment else None
    return spread_by_segment(scores, keys, weights=weights, labels=labels, ci=ci)
