"""Figures of the survey pillar: means with intervals, driver importance, IPA quadrant chart."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from research.plots import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, text, use_style
from research.survey.importance_performance import QUADRANTS, quadrant_label

#: Colour of each IPA quadrant (colour-blind safe: Okabe & Ito).
_QUADRANT_COLOURS = {
    "concentrate_here": NEGATIVE,
    "keep_up_the_good_work": POSITIVE,
    "low_priority": NEUTRAL,
    "possible_overkill": PALETTE[1],
}


def _names(keys: pd.Series, labels: Mapping | None) -> list[str]:
    return [str(labels.get(k, k)) if labels else str(k) for k in keys]


def means_with_ci(
    table: pd.DataFrame,
    language: str = "zh",
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
    table : DataFrame
        One row per item with ``item``, ``estimate``, ``ci_low`` and ``ci_high`` columns (the
        scorecard of :func:`research.survey.scorecard` fits as it is).
    language : {"zh", "en"}
    labels : mapping, optional
        Display names of the items (e.g. touchpoint labels in the study language).
    scale : (low, high), optional
        The answer scale, for the x-axis. Default: from the table's ``scale_min`` /
        ``scale_max`` columns (the scorecard has them), else the range of the intervals.

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
    use_style()
    rows = table.dropna(subset=[estimate]).sort_values(estimate, ascending=False)
    if scale is None:
        if {"scale_min", "scale_max"} <= set(rows.columns):
            scale = (float(rows["scale_min"].min()), float(rows["scale_max"].max()))
        else:
            scale = (float(np.floor(rows["ci_low"].min())), float(np.ceil(rows["ci_high"].max())))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.4))
    y = np.arange(len(rows))
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
    ax.set_xlabel(
        text(language, f"平均得分（{low}-{high}，95% 置信区间）", f"Mean score ({low}-{high}, 95% CI)")
    )
    ax.grid(axis="y", visible=False)
    ax.set_title(
        title or text(language, "各项平均得分（虚线=总体平均）", "Mean score per row (dashed = average)")
    )
    fig.tight_layout()
    return fig


def driver_importance(
    table: pd.DataFrame,
    language: str = "zh",
    *,
    labels: Mapping | None = None,
    title: str | None = None,
) -> Figure:
    """Horizontal bars of relative weights (percent of R²) with bootstrap intervals.

    Parameters
    ----------
    table : DataFrame
        ``DriverAnalysis.table``: ``driver``, ``rescaled_weight`` and optionally
        ``weight_ci_low`` / ``weight_ci_high`` (percent).

    Examples
    --------
    >>> table = pd.DataFrame({"driver": ["hotline", "bill"], "rescaled_weight": [60.0, 40.0],
    ...                       "weight_ci_low": [50.0, 30.0], "weight_ci_high": [70.0, 50.0]})
    >>> fig = driver_importance(table, "zh")
    >>> fig.axes[0].get_xlabel()
    '相对权重（占 R² 的百分比，95% 自助法置信区间）'
    """
    use_style()
    rows = table.sort_values("rescaled_weight", ascending=True)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.4))
    y = np.arange(len(rows))
    weights = rows["rescaled_weight"].to_numpy()
    has_ci = {"weight_ci_low", "weight_ci_high"} <= set(rows.columns)
    error = (
        [weights - rows["weight_ci_low"].to_numpy(), rows["weight_ci_high"].to_numpy() - weights]
        if has_ci
        else None
    )
    ax.barh(y, weights, color=PALETTE[0], xerr=error, ecolor="#333333", capsize=3)
    ax.set_yticks(y, _names(rows["driver"], labels))
    suffix = text(language, "，95% 自助法置信区间", ", 95% bootstrap CI") if has_ci else ""
    ax.set_xlabel(text(language, f"相对权重（占 R² 的百分比{suffix}）", f"Relative weight (% of R²{suffix})"))
    ax.grid(axis="y", visible=False)
    ax.set_title(
        title
        or text(language, "关键驱动因素（Johnson 相对权重）", "Key drivers (Johnson's relative weights)")
    )
    fig.tight_layout()
    return fig


def ipa_chart(
    table: pd.DataFrame,
    language: str = "zh",
    *,
    labels: Mapping | None = None,
    importance_label: str | None = None,
    performance_label: str | None = None,
    title: str | None = None,
) -> Figure:
    """Importance-performance quadrant chart (Martilla & James 1977).

    Parameters
    ----------
    table : DataFrame
        The result of :func:`research.survey.ipa`: ``item``, ``importance``, ``performance``,
        ``quadrant``, ``importance_cut``, ``performance_cut``.
    importance_label, performance_label : str, optional
        Axis titles with units (defaults: relative weight in % / mean score).

    Examples
    --------
    >>> from research.survey.importance_performance import ipa
    >>> table = ipa(pd.Series({"hotline": 30.0, "app": 10.0}), pd.Series({"hotline": 2.9, "app": 3.9}))
    >>> fig = ipa_chart(table, "en")
    >>> sorted(t.get_text() for t in fig.axes[0].texts)[:2]
    ['Concentrate here', 'Keep up the good work']
    """
    use_style()
    fig, ax = plt.subplots(figsize=(8, 6))
    x_cut, y_cut = table["performance_cut"].iloc[0], table["importance_cut"].iloc[0]
    for key in QUADRANTS:
        part = table[table["quadrant"] == key]
        if len(part):
            ax.scatter(
                part["performance"],
                part["importance"],
                s=60,
                color=_QUADRANT_COLOURS[key],
                label=quadrant_label(key, language),
                zorder=3,
            )
    for _, row in table.iterrows():
        ax.annotate(
            _names(pd.Series([row["item"]]), labels)[0],
            (row["performance"], row["importance"]),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=9,
        )
    ax.axvline(x_cut, color=NEUTRAL, lw=1, ls="--")
    ax.axhline(y_cut, color=NEUTRAL, lw=1, ls="--")
    x_span = max(table["performance"].max() - x_cut, x_cut - table["performance"].min()) * 1.3 or 0.5
    y_span = max(table["importance"].max() - y_cut, y_cut - table["importance"].min()) * 1.3 or 1.0
    ax.set_xlim(x_cut - x_span, x_cut + x_span)
    bottom = y_cut - y_span
    ax.set_ylim(max(0.0, bottom) if table["importance"].min() >= 0 else bottom, y_cut + y_span)
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
    ax.set_xlabel(performance_label or text(language, "表现：平均得分", "Performance: mean score"))
    ax.set_ylabel(
        importance_label
        or text(language, "重要性：相对权重（占 R² 的百分比）", "Importance: relative weight (% of R²)")
    )
    ax.set_title(
        title
        or text(
            language, "重要性-表现分析（虚线=平均值）", "Importance-performance analysis (dashed = average)"
        )
    )
    fig.tight_layout()
    return fig
