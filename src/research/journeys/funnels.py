"""Ordered funnels: eventual or next-step, within a time window, by segment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

import ibis
import pandas as pd
from statsmodels.stats.proportion import proportions_chisquare

from research import defaults
from research.errors import DataError, NotApplicable
from research.feedback.stats import wilson
from research.journeys.paths import check_columns, keys_of, numbered
from research.multitest import adjust_pvalues

ALL = "all"
"""Segment label of the whole population when no segment column is given."""

#: Columns of :func:`funnel`'s table, in order.
FUNNEL_COLUMNS = [
    "segment",
    "step",
    "touchpoint",
    "n",
    "reached",
    "estimate",
    "ci_low",
    "ci_high",
    "step_conversion",
    "drop_off",
]


def _reached(
    events: ibis.Table,
    steps: Sequence[str],
    journey: list[str],
    mode: str,
    window: float | None,
) -> list[ibis.Table]:
    """For each step, the journeys that reached it (one row per journey: keys, pos, start)."""
    t = numbered(events, journey)
    first = t.filter(t.touchpoint == steps[0])
    current = first.group_by(journey).aggregate(pos=first.pos.min(), start=first.sec.min())
    reached = [current]
    for step in steps[1:]:
        cand = t.filter(t.touchpoint == step).select(
            *[t[k].name(f"_c_{k}") for k in journey], _c_pos=t.pos, _c_sec=t.sec
        )
        cond = [current[k] == cand[f"_c_{k}"] for k in journey]
        cond.append(cand._c_pos == current.pos + 1 if mode == "next" else cand._c_pos > current.pos)
        if window is not None:
            cond.append(cand._c_sec - current.start <= window)
        joined = current.join(cand, cond)
        current = joined.group_by(journey).aggregate(pos=joined._c_pos.min(), start=joined.start.min())
        reached.append(current)
    return reached


def funnel(
    events: ibis.Table,
    steps: Sequence[str],
    *,
    journey: str | Sequence[str] = "person_id",
    mode: Literal["eventual", "next"] = "eventual",
    window: timedelta | float | None = None,
    segment: str | None = None,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Ordered funnel: how many journeys reach each step, in order, with Wilson intervals.

    A journey enters at its first event of ``steps[0]``. With ``mode="eventual"`` step *k* is
    reached by the first event of ``steps[k]`` after step *k-1* (other events may lie between);
    with ``mode="next"`` it must be the very next touchpoint event. ``window`` limits the time
    from entering to each step. Ties in time are ordered by ``event_seq``.

    Parameters
    ----------
    events : ibis.Table
        Canonical event table.
    steps : list of str
        Touchpoints in funnel order (at least two).
    journey : str or list of str
        Column(s) identifying one journey.
    mode : {"eventual", "next"}
    window : timedelta or float, optional
        Longest time from entering to reaching a step (seconds when a number).
    segment : str, optional
        Column of the event table to split by (a journey's segment is its smallest value).
    ci : float
        Confidence level of the Wilson intervals (:func:`research.feedback.stats.wilson`).

    Returns
    -------
    pandas.DataFrame
        One row per segment and step: ``segment`` (``"all"`` without one), ``step`` (1..k),
        ``touchpoint``, ``n`` (journeys that entered), ``reached``, ``estimate`` (reached / n,
        0..1), ``ci_low``, ``ci_high`` (Wilson), ``step_conversion`` (reached / reached at the
        previous step), ``drop_off`` (journeys lost at this step).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "a", "b", "b", "c"],
    ...     "ts": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05", "2024-01-01 09:10",
    ...         "2024-01-02 09:00", "2024-01-02 09:30", "2024-01-03 09:00"]),
    ...     "touchpoint": ["web", "cart", "pay", "web", "cart", "web"],
    ...     "event_seq": [0, 1, 2, 3, 4, 5]})
    >>> f = funnel(ibis.memtable(log), ["web", "cart", "pay"])
    >>> f[["touchpoint", "reached", "drop_off"]].values.tolist()
    [['web', 3, 0], ['cart', 2, 1], ['pay', 1, 1]]
    """
    steps = list(steps)
    if len(steps) < 2:
        raise DataError(
            "A funnel needs at least two steps",
            value=steps,
            hint="Name the touchpoints in order, e.g. [visit, order].",
        )
    if mode not in ("eventual", "next"):
        raise DataError("Unknown funnel mode", value=mode, hint="Use eventual or next.")
    keys = keys_of(journey)
    limit = None
    if window is not None:
        limit = window.total_seconds() if isinstance(window, timedelta) else float(window)
    if segment is not None:
        check_columns(events, [segment])
        touched = events.filter(events.touchpoint.notnull())
        segments = touched.group_by(keys).aggregate(segment=touched[segment].cast("string").min())
    parts = []
    for index, table in enumerate(_reached(events, steps, keys, mode, limit), start=1):
        if segment is not None:
            table = table.join(segments, keys)
            counted = table.group_by("segment").aggregate(reached=table.count())
        else:
            counted = table.aggregate(reached=table.count()).mutate(segment=ibis.literal(ALL))
        parts.append(counted.mutate(step=ibis.literal(index, "int64")))
    counts = ibis.union(*parts).to_pandas()
    grid = pd.MultiIndex.from_product(
        [sorted(counts["segment"].dropna().astype(str).unique()) or [ALL], range(1, len(steps) + 1)],
        names=["segment", "step"],
    )
    counts["segment"] = counts["segment"].astype(str)
    frame = counts.set_index(["segment", "step"])["reached"].reindex(grid, fill_value=0).reset_index()
    frame["reached"] = frame["reached"].astype("int64")
    frame["touchpoint"] = [steps[s - 1] for s in frame["step"]]
    frame["n"] = frame.groupby("segment")["reached"].transform("first")
    previous = frame.groupby("segment")["reached"].shift(1).fillna(frame["reached"])
    interval = wilson(frame["reached"], frame["n"], ci)
    frame["estimate"] = frame["reached"] / frame["n"].where(frame["n"] > 0)
    frame["step_conversion"] = frame["reached"] / previous.where(previous > 0)
    frame["ci_low"], frame["ci_high"] = interval["ci_low"].to_numpy(), interval["ci_high"].to_numpy()
    frame["drop_off"] = (previous - frame["reached"]).astype("int64")
    frame["segment"] = frame["segment"].astype(object)
    return frame[FUNNEL_COLUMNS]


def compare_funnel_segments(
    data: pd.DataFrame, padjust: Literal["holm", "fdr", "bonferroni", "none"] = "holm"
) -> pd.DataFrame:
    """Test per step whether segments differ in reaching it (chi-square), adjusted across steps.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`funnel` with ``segment`` given (two or more segments).
    padjust : {"holm", "fdr", "bonferroni", "none"}
        Multiple-comparison adjustment across the steps (:func:`research.multitest.adjust_pvalues`).

    Returns
    -------
    pandas.DataFrame
        One row per step after the first: ``step``, ``touchpoint``, ``statistic`` (Pearson
        chi-square of reached / n across segments, no continuity correction), ``df``,
        ``p_value``, ``p_adjusted``.

    Examples
    --------
    >>> table = pd.DataFrame({"segment": ["x", "x", "y", "y"], "step": [1, 2, 1, 2],
    ...     "touchpoint": ["web", "pay"] * 2, "n": [100, 100, 100, 100],
    ...     "reached": [100, 60, 100, 40]})
    >>> round(float(compare_funnel_segments(table)["p_value"].iloc[0]), 4)
    0.0047
    """
    usable = data[data["n"] > 0]
    if usable["segment"].nunique() < 2:
        raise NotApplicable(
            "The funnel has fewer than two segments with journeys.",
            "Pass a segment column whose values split the journeys into two or more groups.",
            missing_zh="漏斗中有旅程的分群少于两个。",
            remedy_zh="请传入能把旅程分为两组或以上的分群列。",
        )
    rows = []
    for (step, touchpoint), group in usable[usable["step"] > 1].groupby(["step", "touchpoint"], sort=True):
        reached, n = group["reached"].to_numpy(), group["n"].to_numpy()
        if reached.sum() in (0, n.sum()):
            statistic, p_value = float("nan"), float("nan")
        else:
            statistic, p_value, _table = proportions_chisquare(reached, n)
        rows.append(
            {
                "step": int(step),
                "touchpoint": touchpoint,
                "statistic": float(statistic),
                "df": int(len(group) - 1),
                "p_value": float(p_value),
            }
        )
    result = pd.DataFrame(rows, columns=["step", "touchpoint", "statistic", "df", "p_value"])
    result["p_adjusted"] = adjust_pvalues(result["p_value"], padjust)
    return result


__all__ = ["compare_funnel_segments", "funnel"]
