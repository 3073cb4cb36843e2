"""Figures of the feedback pillar: code shares, trends of emerging issues, detractor lift."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from research.plots import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, use_style
from research.wording import resolve_language, say

#: The row of items no code covers, in every share table.
UNCODED = "uncoded"


def code_share_chart(data: pd.DataFrame, language: str | None = None, *, top: int = 20) -> Figure:
    """Horizontal bars of code shares (0-1) with 95% intervals; the uncoded share in grey.

    Parameters
    ----------
    data : DataFrame
        ``code, label, estimate, ci_low, ci_high`` per code (:func:`research.feedback.shares`).
    language : {"zh", "en"}, optional
        The labels' language; ``None``: the report's language.
    top : int
        The largest codes shown (the uncoded row always).

    Returns
    -------
    Figure
        One bar per code, the uncoded row at the bottom.

    Examples
    --------
    >>> table = pd.DataFrame({"code": ["slow", "uncoded"], "label": ["Slow", "uncoded"],
    ...                       "estimate": [0.2, 0.15], "ci_low": [0.18, 0.13], "ci_high": [0.22, 0.17]})
    >>> code_share_chart(table, "en").axes[0].get_xlabel()
    'Share of items (95% CI)'
    """
    use_style()
    language = resolve_language(language)
    coded = data[data["code"] != UNCODED].nlargest(top, "estimate")
    rows = pd.concat([coded, data[data["code"] == UNCODED]]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(rows) + 1.4))
    colours = [NEUTRAL if code == UNCODED else PALETTE[0] for code in rows["code"]]
    _interval_bars(ax, rows, "estimate", "ci_low", "ci_high", colours)
    return _finish_bars(
        fig,
        ax,
        say("plots", "share_axis", language),
        say("plots", "share_title", language),
    )


def trend_chart(
    data: pd.DataFrame,
    codes: Sequence[str],
    language: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    recent_start: pd.Timestamp | None = None,
    period_name: str = "",
) -> Figure:
    """Share of items per period for *codes* (the flagged emerging issues), with 95% bands.

    Parameters
    ----------
    data : DataFrame
        The trend: ``period, code, estimate, ci_low, ci_high``
        (:attr:`research.feedback.EmergingResult.trend`).
    codes : sequence of str
        The codes drawn.
    language : {"zh", "en"}, optional
        The labels' language; ``None``: the report's language.
    labels : mapping, optional
        Display names of the codes.
    recent_start : Timestamp, optional
        Start of the recent window, drawn as a vertical line.
    period_name : str
        ``W``/``week`` or ``M``/``month``, for the axis label.

    Returns
    -------
    Figure
        The chart.

    Examples
    --------
    >>> trend = pd.DataFrame({"period": pd.to_datetime(["2025-01-01", "2025-02-01"] * 2),
    ...                       "code": ["a", "a", "b", "b"], "estimate": [0.01, 0.08, 0.2, 0.2],
    ...                       "ci_low": [0.0, 0.06, 0.18, 0.18], "ci_high": [0.02, 0.1, 0.22, 0.22]})
    >>> trend_chart(trend, ["a"], "en", period_name="month").axes[0].get_ylabel()
    'Share of items per month'
    """
    use_style()
    language = resolve_language(language)
    fig, ax = plt.subplots(figsize=(9, 4))
    for index, code in enumerate(codes):
        rows = data[data["code"] == code].sort_values("period")
        colour = PALETTE[index % len(PALETTE)]
        name = (labels or {}).get(code, code)
        ax.plot(rows["period"], rows["estimate"], marker="o", color=colour, label=name)
        ax.fill_between(rows["period"], rows["ci_low"], rows["ci_high"], color=colour, alpha=0.15)
    if recent_start is not None:
        ax.axvline(
            recent_start,
            color=NEGATIVE,
            lw=1,
            ls="--",
            label=say("plots", "trend_recent", language),
        )
    unit = {"W": "week", "M": "month", "week": "week", "month": "month"}.get(period_name, "period")
    ax.set_ylabel(say("plots", f"trend_share_{unit}", language))
    ax.set_xlabel(say("plots", "trend_time", language))
    ax.set_title(say("plots", "trend_title", language))
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def lift_chart(data: pd.DataFrame, language: str | None = None, *, top: int = 12) -> Figure:
    """Share among detractors minus share among promoters per code, with Newcombe intervals.

    Parameters
    ----------
    data : DataFrame
        The lift: ``code, label, difference, diff_ci_low, diff_ci_high, p_adjusted``
        (:func:`research.feedback.detractors`).
    language : {"zh", "en"}, optional
        The labels' language; ``None``: the report's language.
    top : int
        The codes with the largest absolute difference.

    Returns
    -------
    Figure
        The chart.

    Examples
    --------
    >>> lift = pd.DataFrame({"code": ["bill"], "label": ["Bill shock"], "difference": [0.27],
    ...                      "diff_ci_low": [0.24], "diff_ci_high": [0.30], "p_adjusted": [0.001]})
    >>> lift_chart(lift, "en").axes[0].get_xlabel()
    'Share among detractors − share among promoters (95% CI)'
    """
    use_style()
    language = resolve_language(language)
    rows = data.reindex(data["difference"].abs().sort_values(ascending=False).index).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(rows) + 1.4))
    colours = [NEGATIVE if v > 0 else POSITIVE for v in rows["difference"].to_numpy(dtype=float)]
    _interval_bars(ax, rows, "difference", "diff_ci_low", "diff_ci_high", colours)
    ax.axvline(0, color=NEUTRAL, lw=1)
    return _finish_bars(
        fig,
        ax,
        say("plots", "lift_axis", language),
        say("plots", "lift_title", language),
    )


def _interval_bars(ax: Any, rows: pd.DataFrame, value: str, low: str, high: str, colours: list[str]) -> None:
    """Horizontal bars of *value* with error bars from *low* to *high*, labelled by ``label``."""
    y = np.arange(len(rows))
    values = rows[value].to_numpy(dtype=float)
    errors = [values - rows[low].to_numpy(dtype=float), rows[high].to_numpy(dtype=float) - values]
    ax.barh(y, values, color=colours, xerr=errors, capsize=2, error_kw={"elinewidth": 1})
    ax.set_yticks(y, [str(label) for label in rows["label"]])


def _finish_bars(fig: Figure, ax: Any, xlabel: str, title: str) -> Figure:
    """Label the axis and title a bar chart (no horizontal grid), laid out tight."""
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
