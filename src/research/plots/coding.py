"""Figures of the interview-coding pillar.

Code frequencies, pain-point ranking, co-occurrence and code x stage heatmaps. Each takes the table of :mod:`research.coding.analysis` and returns a
matplotlib Figure labelled in the study's language. Figures are built outside pyplot, so a
notebook shows each once (as the cell's value) and nothing accumulates in pyplot's registry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from research.plots import NEGATIVE, NEUTRAL, POSITIVE, use_style
from research.wording import resolve_language, say

VALENCE_COLORS = {"pain_point": NEGATIVE, "delight": POSITIVE, "neutral": NEUTRAL}


def code_frequency_bars(data: pd.DataFrame, language: str | None = None, top: int = 20) -> Figure:
    """Horizontal bars of mentions per code, coloured by valence.

    Parameters
    ----------
    data : DataFrame
        From :func:`research.coding.code_frequencies` (``name, mentions, respondents, valence``).

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["Long wait", "Nice staff"], "mentions": [5, 2],
    ...                       "respondents": [3, 2], "valence": ["pain_point", "delight"]})
    >>> code_frequency_bars(table, "en").axes[0].get_xlabel()
    'Mentions (coded units)'
    """
    language = resolve_language(language)
    use_style()
    shown = data.head(top).iloc[::-1]
    fig = Figure(layout="constrained", figsize=(8, max(2.5, 0.32 * len(shown) + 1)))
    ax = fig.subplots()
    colors = [VALENCE_COLORS.get(v, NEUTRAL) for v in shown["valence"]]
    ax.barh(shown["name"], shown["mentions"], color=colors)
    for y, (mentions, people) in enumerate(zip(shown["mentions"], shown["respondents"], strict=True)):
        ax.text(mentions, y, f" {people}", va="center", fontsize=8, color="#333333")
    ax.set_xlabel(say("plots", "code_frequency_axis", language))
    ax.set_title(say("plots", "code_frequency_title", language))
    ax.grid(axis="y", visible=False)
    return fig


def pain_point_ranking_bars(data: pd.DataFrame, language: str | None = None, top: int = 10) -> Figure:
    """Bars of the pain-point score (reach x frequency x negativity), highest on top.

    Examples
    --------
    >>> ranking = pd.DataFrame({"name": ["Wait", "Bill"], "score": [1.4, 0.9], "reach": [0.8, 0.6]})
    >>> len(pain_point_ranking_bars(ranking, "en").axes[0].patches)
    2
    """
    language = resolve_language(language)
    use_style()
    shown = data.head(top).iloc[::-1]
    fig = Figure(layout="constrained", figsize=(8, max(2.5, 0.4 * len(shown) + 1)))
    ax = fig.subplots()
    ax.barh(shown["name"], shown["score"], color=NEGATIVE)
    for y, (score, reach) in enumerate(zip(shown["score"], shown["reach"], strict=True)):
        ax.text(
            score,
            y,
            say("plots", "pain_point_bar", language, score=score, reach=reach),
            va="center",
            fontsize=8,
        )
    ax.set_xlabel(say("plots", "pain_point_axis", language))
    ax.set_title(say("plots", "pain_point_title", language))
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.25)
    return fig


def _heatmap(matrix: pd.DataFrame, title: str, colorbar: str, fmt: str) -> Figure:
    use_style()
    values = matrix.to_numpy(dtype=float)
    fig = Figure(
        layout="constrained",
        figsize=(max(5, 0.45 * matrix.shape[1] + 3), max(3, 0.35 * matrix.shape[0] + 1.5)),
    )
    ax = fig.subplots()
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=45, ha="right")
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
    ax.grid(False)
    top = np.nanmax(values) if values.size else 0
    for (row, col), value in np.ndenumerate(values):
        if value:
            ax.text(
                col,
                row,
                format(value, fmt),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > 0.6 * top else "black",
            )
    fig.colorbar(image, ax=ax, label=colorbar)
    ax.set_title(title)
    return fig


def cooccurrence_heatmap(
    data: pd.DataFrame, language: str | None = None, level: str = "unit", measure: str = "count"
) -> Figure:
    """Heatmap of code co-occurrence (counts or Jaccard), diagonal blanked.

    Examples
    --------
    >>> m = pd.DataFrame([[3, 1], [1, 2]], index=["a", "b"], columns=["a", "b"])
    >>> cooccurrence_heatmap(m, "en").axes[0].get_title()
    'Code co-occurrence (same coded turn)'
    """
    language = resolve_language(language)
    values = data.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, 0.0)
    shown = pd.DataFrame(values, index=data.index, columns=data.columns)
    where = say("plots", "cooccurrence_unit" if level == "unit" else "cooccurrence_interview", language)
    title = say("plots", "cooccurrence_title", language, where=where)
    label = say("plots", "cooccurrence_count", language) if measure == "count" else "Jaccard (0-1)"
    return _heatmap(shown, title, label, "g" if measure == "count" else ".2f")


def code_stage_heatmap(data: pd.DataFrame, language: str | None = None) -> Figure:
    """Heatmap of mentions by code (rows) and journey stage (columns).

    Examples
    --------
    >>> m = pd.DataFrame([[5, 0], [0, 2]], index=["wait", "queue"], columns=["after-sales", "purchase"])
    >>> code_stage_heatmap(m, "en").axes[0].get_title()
    'Mentions by code and journey stage'
    """
    language = resolve_language(language)
    title = say("plots", "code_stage_title", language)
    return _heatmap(data, title, say("plots", "code_stage_colorbar", language), "g")
