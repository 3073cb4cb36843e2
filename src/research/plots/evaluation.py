"""Figures of the evaluation pillar: effect forest plot, event study, ITS with counterfactual."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from research.plots import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, empty_note, use_style
from research.wording import resolve_language, say

_VERDICT_COLOURS = {"improved": POSITIVE, "worsened": NEGATIVE}


def effect_forest(data: pd.DataFrame, language: str | None = None) -> Figure:
    """Forest plot of KPI effects with their intervals, one panel row per KPI.

    KPIs have different units, so each row gets its own x-axis (labelled with the unit) with
    the zero line and the practical threshold on the "good" side shaded.

    Parameters
    ----------
    data : DataFrame
        Rows with ``label`` (or ``kpi``), ``estimate``, ``ci_low``, ``ci_high``, ``unit``,
        optional ``threshold``, ``higher_is_better`` and ``verdict`` (colours the point).
    language : {"zh", "en"} or None
        Language of the labels (``None``: the report's language).

    Returns
    -------
    Figure
        The forest plot. Missing values are drawn as far as they go: no whisker for a missing
        bound, "no estimate" for a missing estimate, no threshold band for a threshold of 0.

    Examples
    --------
    >>> rows = pd.DataFrame({"kpi": ["wait", "rate"], "estimate": [-90.0, np.nan],
    ...                      "ci_low": [-95.0, np.nan], "ci_high": [-85.0, np.nan],
    ...                      "unit": ["s", ""], "threshold": [30.0, 0.0], "higher_is_better": [False, True]})
    >>> len(effect_forest(rows, "en").axes)
    2
    """
    language = resolve_language(language)
    use_style()
    n = max(len(data), 1)
    fig, axes = plt.subplots(n, 1, figsize=(8, 1.3 * n + 0.8), squeeze=False)
    drawn_threshold = False
    for ax, (_, row) in zip(axes[:, 0], data.iterrows(), strict=False):
        colour = _VERDICT_COLOURS.get(row.get("verdict"), PALETTE[0])
        estimate, low, high = (_number(row.get(k)) for k in ("estimate", "ci_low", "ci_high"))
        threshold = _number(row.get("threshold"))
        if np.isfinite(estimate):
            # A missing bound (a randomisation interval unbounded on one side) draws no whisker.
            xerr = [
                [estimate - low if np.isfinite(low) else 0.0],
                [high - estimate if np.isfinite(high) else 0.0],
            ]
            ax.errorbar([estimate], [0], xerr=xerr, fmt="o", color=colour, capsize=4)
        else:
            empty_note(ax, say("plots", "no_estimate", language), NEUTRAL)
        ax.axvline(0, color=NEUTRAL, lw=1)
        finite = [abs(v) for v in (estimate, low, high) if np.isfinite(v)]
        if np.isfinite(threshold) and threshold > 0:
            finite.append(threshold)
            drawn_threshold = True
            sign = 1 if row.get("higher_is_better", True) else -1
            ax.axvline(sign * threshold, color=POSITIVE, lw=1, ls="--")
            ax.axvspan(*sorted([sign * threshold, sign * 10 * max(finite)]), color=POSITIVE, alpha=0.08)
        span = max(finite, default=0.0) * 1.25 or 1.0
        ax.set_xlim(-span, span)
        for bound, side in ((low, -1), (high, 1)):
            if np.isfinite(estimate) and not np.isfinite(bound):  # unbounded side: arrow to the edge
                ax.annotate(
                    "",
                    xy=(side * span * 0.98, 0),
                    xytext=(estimate, 0),
                    arrowprops={"arrowstyle": "->", "color": colour},
                )
        ax.set_yticks([0], [str(row.get("label", row.get("kpi")))])
        ax.set_ylim(-1, 1)
        unit = row.get("unit", "")
        unit = "" if unit is None or (isinstance(unit, float) and np.isnan(unit)) else str(unit)
        ax.set_xlabel(say("plots", "effect", language) + (f" ({unit})" if unit else ""), fontsize=9)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_title(
        say("plots", "forest_title", language)
        + (say("plots", "forest_threshold", language) if drawn_threshold else "")
    )
    fig.tight_layout()
    return fig


def _number(value: object) -> float:
    """*value* as a float, NaN when it is missing or not a number."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def event_study_plot(
    data: pd.DataFrame, label: str, unit: str, language: str | None = None, bin_label: str | None = None
) -> Figure:
    """Event-study coefficients (leads and lags) with intervals; event time -1 is the reference.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`research.evaluation.event_study`.
    label, unit : str
        KPI label and unit for the y-axis.
    language : {"zh", "en"} or None
        Language of the labels (``None``: the report's language).
    bin_label : str, optional
        What one event-time step is (e.g. "4 weeks").

    Returns
    -------
    Figure
        The event-study plot.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_time": [-2, -1, 0], "estimate": [0.1, 0.0, -5.0],
    ...                    "ci_low": [-1.0, 0.0, -6.0], "ci_high": [1.2, 0.0, -4.0]})
    >>> event_study_plot(ev, "Wait", "s", "en").axes[0].get_ylabel()
    'Wait: treated minus comparison (s)'
    """
    language = resolve_language(language)
    use_style()
    fig, ax = plt.subplots()
    pre = data["event_time"] < 0
    for mask, colour in ((pre, NEUTRAL), (~pre, PALETTE[0])):
        part = data[mask & data["estimate"].notna()]
        if part.empty:
            continue
        below = (part["estimate"] - part["ci_low"]).clip(lower=0).fillna(0)
        above = (part["ci_high"] - part["estimate"]).clip(lower=0).fillna(0)
        ax.errorbar(
            part["event_time"], part["estimate"], yerr=[below, above], fmt="o", color=colour, capsize=3
        )
    ax.axhline(0, color=NEUTRAL, lw=1)
    ax.axvline(-0.5, color=NEGATIVE, lw=1, ls="--")
    step = bin_label or say("plots", "event_periods", language)
    ax.set_xlabel(say("plots", "event_time_axis", language, step=step))
    ax.set_ylabel(say("plots", "event_difference_axis", language, label=label, unit=unit))
    ax.set_title(say("plots", "event_title", language))
    fig.tight_layout()
    return fig


def its_plot(
    data: pd.DataFrame,
    time: str,
    label: str,
    unit: str,
    language: str | None = None,
    comparative: bool = False,
    frequency: str | None = None,
) -> Figure:
    """Observed series, fitted segments and the counterfactual projection with its band.

    Parameters
    ----------
    data : DataFrame
        ``ItsFit.series`` (see :func:`research.evaluation.interrupted_time_series`); with a
        ``label`` column (as :func:`research.evaluation.kpi_its` adds) the x-axis shows the periods
        as the data write them (``2011Q3``, ``1899``).
    time : str
        Time column of *data*.
    label, unit : str
        KPI label and unit.
    language : {"zh", "en"} or None
        Language of the labels (``None``: the report's language).
    comparative : bool
        The series is treated minus comparison (comparative ITS).
    frequency : str, optional
        ``year``, ``quarter``, ``month``, ``week``, ``day``: names the x-axis (default "Period").

    Returns
    -------
    Figure
        The series with its counterfactual.

    Examples
    --------
    >>> s = pd.DataFrame({"t": range(6), "observed": [1, 2, 3, 1, 2, 3.0], "fitted": [1, 2, 3, 1, 2, 3.0],
    ...                   "counterfactual": [1, 2, 3, 4, 5, 6.0], "cf_low": [0.5] * 6, "cf_high": [6.5] * 6,
    ...                   "post": [0, 0, 0, 1, 1, 1], "label": [str(1990 + i) for i in range(6)]})
    >>> fig = its_plot(s, "t", "Flow", "", "en", frequency="year")
    >>> len(fig.axes[0].lines) >= 3, fig.axes[0].get_xlabel()
    (True, 'Year')
    """
    from research.evaluation.periods import frequency_word

    language = resolve_language(language)
    use_style()
    fig, ax = plt.subplots()
    x = data[time]
    post = (data["post"] == 1).to_numpy()
    ax.plot(
        x, data["observed"], color=NEUTRAL, lw=1, marker=".", label=say("plots", "its_observed", language)
    )
    for mask, colour, name in (
        (~post, PALETTE[0], say("plots", "its_fitted_before", language)),
        (post, PALETTE[2], say("plots", "its_fitted_after", language)),
    ):
        if mask.any():
            ax.plot(x[mask], data["fitted"][mask], color=colour, lw=2, label=name)
    if post.any():
        ax.plot(
            x[post],
            data["counterfactual"][post],
            color=PALETTE[1],
            lw=2,
            ls="--",
            label=say("plots", "its_counterfactual", language),
        )
        ax.fill_between(x[post], data["cf_low"][post], data["cf_high"][post], color=PALETTE[1], alpha=0.2)
        ax.axvline(x[post].iloc[0], color=NEGATIVE, lw=1, ls=":")
    if "label" in data.columns and not pd.api.types.is_datetime64_any_dtype(x) and len(x):
        step = max(1, int(np.ceil(len(x) / 8)))
        ticks = x.iloc[::step]
        ax.set_xticks(ticks.to_numpy(), data["label"].iloc[::step].astype(str).tolist())
    what = say("plots", "its_difference", language) if comparative else ""
    ax.set_ylabel(f"{label}{what}" + (f" ({unit})" if unit else ""))
    word = frequency_word(frequency or "period", language)
    ax.set_xlabel(word[0].upper() + word[1:] if language != "zh" else word)
    ax.set_title(say("plots", "its_title", language, label=label))
    ax.legend(fontsize=8, loc="best")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig
