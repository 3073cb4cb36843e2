"""Figures of the survey pillar: means with intervals, driver importance, IPA quadrant chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from research.plots import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, use_style
from research.survey.importance_performance import QUADRANTS, quadrant_label
from research.wording import resolve_language, say

#: Colour of each IPA quadrant (colour-blind safe: Okabe & Ito).
_QUADRANT_COLOURS = {
    "concentrate_here": NEGATIVE,
    "keep_up_the_good_work": POSITIVE,
    "low_priority": NEUTRAL,
    "possible_overkill": PALETTE[1],
}


def _names(keys: pd.Series, labels: Mapping | None) -> list[str]:
    return [str(labels.get(k, k)) if labels else str(k) for k in keys]


def _row_axes(rows: int) -> tuple[Figure, Any, np.ndarray]:
    """A figure with one horizontal line per row, and the rows' y positions."""
    use_style()
    fig, ax = plt.subplots(figsize=(8, 0.45 * rows + 1.4))
    return fig, ax, np.arange(rows)


def _finish_rows(fig: Figure, ax: Any, xlabel: str, title: str) -> Figure:
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def means_with_ci(
    data: pd.DataFrame,
    language: str | None = None,
    *,
    item: str = "touchpoint",
    estimate: str = "mean",
    labels: Mapping | None = None,
    scale: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """Dot plot of mean scores with confidence-interval error bars, lowest mean at the top.

    Parameters
    ----------
    data : DataFrame
        One row per item with ``item``, ``estimate``, ``ci_low`` and ``ci_high`` columns (the
        scorecard of :func:`research.survey.scorecard` fits as it is).
    language : {"zh", "en"}, optional
        Language of the axis labels (``None``: the report's language).
    labels : mapping, optional
        Display names of the items (e.g. touchpoint labels in the study language).
    scale : (low, high), optional
        The answer scale, for the x-axis. Default: from the data's ``scale_min`` /
        ``scale_max`` columns (the scorecard has them), else the range of the intervals.

    Returns
    -------
    Figure
        The dot plot.

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["hotline", "app"], "mean": [2.9, 3.9],
    ...                      "ci_low": [2.8, 3.8], "ci_high": [3.0, 4.0]})
    >>> fig = means_with_ci(card, "en", scale=(1, 5))
    >>> fig.axes[0].get_xlabel()
    'Mean score (1-5, 95% CI)'
    >>> means_with_ci(card.assign(scale_min=0, scale_max=10), "en").axes[0].get_xlabel()
    'Mean score (0-10, 95% CI)'
    """
    language = resolve_language(language)
    rows = data.dropna(subset=[estimate]).sort_values(estimate, ascending=False)
    if scale is None:
        if {"scale_min", "scale_max"} <= set(rows.columns):
            scale = (float(rows["scale_min"].min()), float(rows["scale_max"].max()))
        else:
            scale = (float(np.floor(rows["ci_low"].min())), float(np.ceil(rows["ci_high"].max())))
    fig, ax, y = _row_axes(len(rows))
    values = rows[estimate].to_numpy()
    ax.errorbar(
        values,
        y,
        xerr=[values - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - values],
        fmt="o",
        color=PALETTE[0],
        ecolor=PALETTE[0],
        capsize=3,
    )
    ax.set_yticks(y, _names(rows[item], labels))
    ax.axvline(np.mean(values), color=NEUTRAL, lw=1, ls="--")
    ax.set_xlim(scale[0] - 0.05, scale[1] + 0.05)
    low, high = (int(v) if float(v).is_integer() else v for v in scale)
    return _finish_rows(
        fig,
        ax,
        say("plots", "means_axis", language, low=low, high=high),
        title or say("plots", "means_title", language),
    )


def driver_importance(
    data: pd.DataFrame,
    language: str | None = None,
    *,
    labels: Mapping | None = None,
    title: str | None = None,
) -> Figure:
    """Horizontal bars of relative weights (percent of R²) with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        ``DriverResult.table``: ``driver``, ``rescaled_weight`` and optionally
        ``weight_ci_low`` / ``weight_ci_high`` (percent).

    Returns
    -------
    Figure
        The bar chart.

    Examples
    --------
    >>> table = pd.DataFrame({"driver": ["hotline", "bill"], "rescaled_weight": [60.0, 40.0],
    ...                       "weight_ci_low": [50.0, 30.0], "weight_ci_high": [70.0, 50.0]})
    >>> fig = driver_importance(table, "zh")
    >>> fig.axes[0].get_xlabel()
    '相对权重（占 R² 的百分比，95% 自助法置信区间）'
    """
    language = resolve_language(language)
    rows = data.sort_values("rescaled_weight", ascending=True)
    fig, ax, y = _row_axes(len(rows))
    weights = rows["rescaled_weight"].to_numpy()
    has_ci = {"weight_ci_low", "weight_ci_high"} <= set(rows.columns)
    error = (
        [weights - rows["weight_ci_low"].to_numpy(), rows["weight_ci_high"].to_numpy() - weights]
        if has_ci
        else None
    )
    ax.barh(y, weights, color=PALETTE[0], xerr=error, ecolor="#333333", capsize=3)
    ax.set_yticks(y, _names(rows["driver"], labels))
    suffix = say("plots", "drivers_ci", language) if has_ci else ""
    return _finish_rows(
        fig,
        ax,
        say("plots", "drivers_axis", language, suffix=suffix),
        title or say("plots", "drivers_title", language),
    )


def ipa_chart(
    data: pd.DataFrame,
    language: str | None = None,
    *,
    labels: Mapping | None = None,
    importance_label: str | None = None,
    performance_label: str | None = None,
    title: str | None = None,
) -> Figure:
    """Importance-performance quadrant chart (Martilla & James 1977).

    Parameters
    ----------
    data : DataFrame
        The result of :func:`research.survey.ipa`: ``item``, ``importance``, ``performance``,
        ``quadrant``, ``importance_cut``, ``performance_cut``.
    importance_label, performance_label : str, optional
        Axis titles with units (defaults: relative weight in % / mean score).

    Returns
    -------
    Figure
        The quadrant chart.

    Examples
    --------
    >>> from research.survey.importance_performance import ipa
    >>> table = ipa(pd.Series({"hotline": 30.0, "app": 10.0}), pd.Series({"hotline": 2.9, "app": 3.9}))
    >>> fig = ipa_chart(table, "en")
    >>> sorted(t.get_text() for t in fig.axes[0].texts)[:2]
    ['Concentrate here', 'Keep up the good work']
    """
    language = resolve_language(language)
    use_style()
    fig, ax = plt.subplots(figsize=(8, 6))
    x_cut, y_cut = data["performance_cut"].iloc[0], data["importance_cut"].iloc[0]
    for key in QUADRANTS:
        part = data[data["quadrant"] == key]
        if len(part):
            ax.scatter(
                part["performance"],
                part["importance"],
                s=60,
                color=_QUADRANT_COLOURS[key],
                label=quadrant_label(key, language),
                zorder=3,
            )
    for _, row in data.iterrows():
        ax.annotate(
            _names(pd.Series([row["item"]]), labels)[0],
            (row["performance"], row["importance"]),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=9,
        )
    ax.axvline(x_cut, color=NEUTRAL, lw=1, ls="--")
    ax.axhline(y_cut, color=NEUTRAL, lw=1, ls="--")
    x_span = max(data["performance"].max() - x_cut, x_cut - data["performance"].min()) * 1.3 or 0.5
    y_span = max(data["importance"].max() - y_cut, y_cut - data["importance"].min()) * 1.3 or 1.0
    ax.set_xlim(x_cut - x_span, x_cut + x_span)
    bottom = y_cut - y_span
    ax.set_ylim(max(0.0, bottom) if data["importance"].min() >= 0 else bottom, y_cut + y_span)
    corners = {
        "concentrate_here": (0.02, 0.97, "left"),
        "keep_up_the_good_work": (0.98, 0.97, "right"),
        "low_priority": (0.02, 0.03, "left"),
        "possible_overkill": (0.98, 0.03, "right"),
    }
    for key, (x, y, align) in corners.items():
        ax.text(
            x,
            y,
            quadrant_label(key, language),
            transform=ax.transAxes,
            ha=align,
            va="top" if y > 0.5 else "bottom",
            fontsize=10,
            color=_QUADRANT_COLOURS[key],
        )
    ax.set_xlabel(performance_label or say("plots", "ipa_performance", language))
    ax.set_ylabel(importance_label or say("plots", "ipa_importance", language))
    ax.set_title(title or say("plots", "ipa_title", language))
    fig.tight_layout()
    return fig
