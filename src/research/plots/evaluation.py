"""Figures of the evaluation pillar: effect forest plot, event study, ITS with counterfactual."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from research.plots import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, text, use_style

_VERDICT_COLOURS = {"improved": POSITIVE, "worsened": NEGATIVE}


def effect_forest(effects: pd.DataFrame, language: str = "zh") -> Figure:
    """Forest plot of KPI effects with their intervals, one panel row per KPI.

    KPIs have different units, so each row gets its own x-axis (labelled with the unit) with
    the zero line and the practical threshold on the "good" side shaded.

    Parameters
    ----------
    effects : DataFrame
        Rows with ``label`` (or ``kpi``), ``estimate``, ``ci_low``, ``ci_high``, ``unit``,
        optional ``threshold``, ``higher_is_better`` and ``verdict`` (colours the point).
    language : {"zh", "en"}

    Examples
    --------
    >>> rows = pd.DataFrame({"kpi": ["wait"], "estimate": [-90.0], "ci_low": [-95.0], "ci_high": [-85.0],
    ...                      "unit": ["s"], "threshold": [30.0], "higher_is_better": [False]})
    >>> len(effect_forest(rows, "en").axes)
    1
    """
    use_style()
    n = len(effects)
    fig, axes = plt.subplots(n, 1, figsize=(8, 1.3 * n + 0.8), squeeze=False)
    for ax, (_, row) in zip(axes[:, 0], effects.iterrows(), strict=True):
        colour = _VERDICT_COLOURS.get(row.get("verdict"), PALETTE[0])
        ax.errorbar(
            [row["estimate"]],
            [0],
            xerr=[[row["estimate"] - row["ci_low"]], [row["ci_high"] - row["estimate"]]],
            fmt="o",
            color=colour,
            capsize=4,
        )
        ax.axvline(0, color=NEUTRAL, lw=1)
        threshold = row.get("threshold")
        if threshold is not None and np.isfinite(threshold) and threshold > 0:
            sign = 1 if row.get("higher_is_better", True) else -1
            ax.axvline(sign * threshold, color=POSITIVE, lw=1, ls="--")
            ax.axvspan(
                *sorted(
                    [sign * threshold, sign * 10 * max(threshold, abs(row["ci_high"]), abs(row["ci_low"]))]
                ),
                color=POSITIVE,
                alpha=0.08,
            )
        span = max(abs(row["ci_low"]), abs(row["ci_high"]), threshold or 0) * 1.25 or 1.0
        ax.set_xlim(-span, span)
        ax.set_yticks([0], [row.get("label", row.get("kpi"))])
        ax.set_ylim(-1, 1)
        ax.set_xlabel(f"{text(language, '效应', 'Effect')} ({row.get('unit', '')})", fontsize=9)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_title(
        text(
            language,
            "各指标改进效应及95%置信区间（虚线=实际意义阈值）",
            "Effect per KPI with 95% CI (dashed = practical threshold)",
        )
    )
    fig.tight_layout()
    return fig


def event_study_plot(
    events: pd.DataFrame, label: str, unit: str, language: str = "zh", bin_label: str | None = None
) -> Figure:
    """Event-study coefficients (leads and lags) with intervals; event time -1 is the reference.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`research.evaluation.event_study`.
    label, unit : str
        KPI label and unit for the y-axis.
    bin_label : str, optional
        What one event-time step is (e.g. "4 weeks").

    Examples
    --------
    >>> ev = pd.DataFrame({"event_time": [-2, -1, 0], "estimate": [0.1, 0.0, -5.0],
    ...                    "ci_low": [-1.0, 0.0, -6.0], "ci_high": [1.2, 0.0, -4.0]})
    >>> event_study_plot(ev, "Wait", "s", "en").axes[0].get_ylabel()
    'Wait: treated minus comparison (s)'
    """
    use_style()
    fig, ax = plt.subplots()
    pre = events["event_time"] < 0
    for mask, colour in ((pre, NEUTRAL), (~pre, PALETTE[0])):
        part = events[mask]
        ax.errorbar(
            part["event_time"],
            part["estimate"],
            yerr=[part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]],
            fmt="o",
            color=colour,
            capsize=3,
        )
    ax.axhline(0, color=NEUTRAL, lw=1)
    ax.axvline(-0.5, color=NEGATIVE, lw=1, ls="--")
    step = bin_label or text(language, "期", "periods")
    ax.set_xlabel(
        text(
            language,
            f"相对干预的时间（单位：{step}，-1 为参照期）",
            f"Time relative to the intervention ({step}; -1 = reference)",
        )
    )
    ax.set_ylabel(
        text(language, f"{label}：干预组减对照组（{unit}）", f"{label}: treated minus comparison ({unit})")
    )
    ax.set_title(
        text(language, "事件研究：干预前的系数检验平行趋势", "Event study: leads test parallel pre-trends")
    )
    fig.tight_layout()
    return fig


def its_plot(
    series: pd.DataFrame, time: str, label: str, unit: str, language: str = "zh", comparative: bool = False
) -> Figure:
    """Observed series, fitted segments and the counterfactual projection with its band.

    Parameters
    ----------
    series : DataFrame
        ``ItsFit.series`` (see :func:`research.evaluation.its_fit`).
    time : str
        Time column of *series*.
    label, unit : str
        KPI label and unit.
    comparative : bool
        The series is treated minus comparison (comparative ITS).

    Examples
    --------
    >>> s = pd.DataFrame({"t": range(6), "observed": [1, 2, 3, 1, 2, 3.0], "fitted": [1, 2, 3, 1, 2, 3.0],
    ...                   "counterfactual": [1, 2, 3, 4, 5, 6.0], "cf_low": [0.5] * 6, "cf_high": [6.5] * 6,
    ...                   "post": [0, 0, 0, 1, 1, 1]})
    >>> len(its_plot(s, "t", "Wait", "s", "en").axes[0].lines) >= 3
    True
    """
    use_style()
    fig, ax = plt.subplots()
    x = series[time]
    post = series["post"] == 1
    ax.plot(
        x, series["observed"], color=NEUTRAL, lw=1, marker=".", label=text(language, "观测值", "Observed")
    )
    ax.plot(
        x[~post],
        series["fitted"][~post],
        color=PALETTE[0],
        lw=2,
        label=text(language, "拟合（干预前）", "Fitted (before)"),
    )
    ax.plot(
        x[post],
        series["fitted"][post],
        color=PALETTE[2],
        lw=2,
        label=text(language, "拟合（干预后）", "Fitted (after)"),
    )
    ax.plot(
        x[post],
        series["counterfactual"][post],
        color=PALETTE[1],
        lw=2,
        ls="--",
        label=text(language, "反事实（无干预）", "Counterfactual (no intervention)"),
    )
    ax.fill_between(x[post], series["cf_low"][post], series["cf_high"][post], color=PALETTE[1], alpha=0.2)
    first = x[post].iloc[0]
    ax.axvline(first, color=NEGATIVE, lw=1, ls=":")
    what = text(language, "（干预组减对照组）", " (treated minus comparison)") if comparative else ""
    ax.set_ylabel(f"{label}{what} ({unit})")
    ax.set_xlabel(text(language, "周", "Week"))
    ax.set_title(text(language, f"中断时间序列：{label}", f"Interrupted time series: {label}"))
    ax.legend(fontsize=8, loc="best")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig
