"""The journey map built from the data: where customers hurt, stage by stage.

Stages run left to right as columns, in journey order. Touchpoints sit in their stage, in lanes
by channel (online, offline) and visibility (front-stage lanes above the dashed line of
visibility, back-stage below; Bitner, Ostrom & Morgan 2008). Above the lanes, the emotion
curve (:func:`research.scorecard.stage_emotion`): satisfaction and the not-negative share of
feedback per stage with their intervals. Each box is shaded by the touchpoint's priority
(hatched when its evidence is partial, so it ranks after the complete ones); the
touchpoints ranked first carry a numbered call-out, the number being their rank in the
scorecard; a touchpoint whose evaluated change improved its KPIs is marked as an opportunity
(a fix that worked), one that more interviewees praised than criticised carries a star (a
strength to build on), and one without any evidence is drawn hollow.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.ticker import PercentFormatter

from research.errors import NotApplicable
from research.plots import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, empty_note, use_style
from research.plots.journey import _line_of_visibility, _wrap
from research.wording import resolve_language, say

#: Lanes top to bottom: (channel, visibility).
LANES = (
    ("online", "front-stage"),
    ("offline", "front-stage"),
    ("online", "back-stage"),
    ("offline", "back-stage"),
)
#: Colour and marker of each emotion measure.
_MEASURE_STYLE = {"rating": (PALETTE[0], "o"), "not_negative": (PALETTE[1], "s")}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def scorecard_journey_map(
    data: pd.DataFrame,
    emotion: pd.DataFrame,
    stages: list[str],
    stage_names: dict[str, str] | None = None,
    language: str | None = None,
    callouts: int = 5,
) -> Figure:
    """The data-driven journey map of a scorecard.

    Parameters
    ----------
    data : DataFrame
        The ranked touchpoints, from :func:`research.scorecard.priority_scores` (``touchpoint, name, stage, channel,
        visibility, priority, rank``, optionally ``verdict``).
    emotion : DataFrame
        From :func:`research.scorecard.stage_emotion` (may be empty).
    stages : list of str
        Journey stages in order.
    stage_names : dict, optional
        Display name per stage id.
    language : {"zh", "en"}, optional
        Label language (default: the report's).
    callouts : int
        How many of the touchpoints ranked first get a numbered call-out.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the emotion curve on top, the lanes of touchpoints below.

    Raises
    ------
    NotApplicable
        No touchpoint has a stage and channel (the study has no touchpoint catalog).

    Examples
    --------
    >>> ranked = pd.DataFrame({"touchpoint": ["a", "b"], "name": ["A", "B"], "stage": ["s1", "s2"],
    ...                        "channel": ["online", "offline"], "visibility": ["front-stage"] * 2,
    ...                        "priority": [0.7, 0.2], "rank": [1, 2]})
    >>> fig = scorecard_journey_map(ranked, pd.DataFrame(), ["s1", "s2"])
    >>> sorted(t.get_text() for t in fig.axes[1].texts if t.get_text() in ("1", "2"))
    ['1', '2']
    """
    language = resolve_language(language)

    def words(key: str) -> str:
        return say("scorecard", key, language)

    placed = data[data["stage"].isin(stages) & data["channel"].notna()] if "stage" in data else data[:0]
    if placed.empty:
        raise NotApplicable(
            "No touchpoint has a journey stage and a channel, so the journey map cannot be drawn.",
            "Add a touchpoints: catalog (stage, channel, visibility) to study.yml.",
            missing_zh="没有触点带有旅程阶段和渠道，无法绘制旅程地图。",
            remedy_zh="请在 study.yml 中加入触点清单（touchpoints:，含阶段、渠道与可见性）。",
        )
    use_style()
    stage_names = stage_names or {}
    visibility = placed["visibility"].fillna("front-stage") if "visibility" in placed else "front-stage"
    placed = placed.assign(_visibility=visibility)
    lanes = [
        lane for lane in LANES if ((placed["channel"] == lane[0]) & (placed["_visibility"] == lane[1])).any()
    ]
    cells = {
        (lane, stage): placed[
            (placed["channel"] == lane[0]) & (placed["_visibility"] == lane[1]) & (placed["stage"] == stage)
        ]
        for lane in lanes
        for stage in stages
    }
    heights = [max([len(cells[(lane, s)]) for s in stages] + [1]) for lane in lanes]
    priorities = pd.to_numeric(placed["priority"], errors="coerce")
    top = priorities.max() if priorities.notna().any() else 1.0

    fig = Figure(figsize=(max(8.0, 2.1 * len(stages) + 1.6), 2.6 + 0.75 * sum(heights) + 0.3 * len(lanes)))
    curve, grid = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2.2, 0.75 * sum(heights)]})
    for measure, (colour, marker) in _MEASURE_STYLE.items():
        rows = emotion[emotion["measure"] == measure] if not emotion.empty else emotion
        if rows.empty:
            continue
        where = [stages.index(s) + 0.5 for s in rows["stage"]]
        curve.plot(
            where, rows["estimate"], marker=marker, color=colour, label=words(f"measure_{measure}"), zorder=3
        )
        curve.fill_between(where, rows["ci_low"], rows["ci_high"], color=colour, alpha=0.18, lw=0)
        curve.errorbar(
            where,
            rows["estimate"],
            yerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
            fmt="none",
            ecolor=colour,
            capsize=3,
        )
    curve.set_ylim(0, 1)
    curve.yaxis.set_major_formatter(PercentFormatter(1.0))
    curve.set_ylabel(words("emotion_curve"))
    if curve.lines:
        curve.legend(loc="lower right", fontsize=8, frameon=False, ncol=2)
    else:
        empty_note(curve, words("no_emotion"), NEUTRAL)
    curve.set_title(words("map_title"))

    grid.set_axis_off()
    grid.grid(False)
    grid.set_xlim(0, len(stages))
    y = 0.0
    for index, (lane, height) in enumerate(zip(lanes, heights, strict=True)):
        if lane[1] == "back-stage" and (index == 0 or lanes[index - 1][1] == "front-stage"):
            _line_of_visibility(grid, len(stages), y - 0.1, words("line_of_visibility"))
        grid.text(
            -0.05, y + height / 2, words(f"lane_{lane[0]}_{lane[1]}"), ha="right", va="center", fontsize=9
        )
        for column, stage in enumerate(stages):
            if index == 0 and column % 2 == 0:
                grid.axvspan(column, column + 1, color="#f4f4f4", zorder=0, lw=0)
            for slot, row in enumerate(cells[(lane, stage)].itertuples()):
                _touchpoint_box(grid, row, column, y + slot, top, language, callouts)
        y += height + 0.2
    for column, stage in enumerate(stages):
        grid.text(
            column + 0.5,
            -0.15,
            stage_names.get(stage, stage),
            ha="center",
            va="bottom",
            fontsize=11,
            weight="bold",
        )
    grid.set_ylim(y, -0.6)
    grid.legend(
        handles=[
            Patch(
                facecolor=NEGATIVE,
                alpha=0.8,
                label=words("legend_priority"),
            ),
            Line2D(
                [],
                [],
                marker="o",
                color="white",
                markerfacecolor=NEGATIVE,
                markersize=10,
                label=words("legend_rank"),
            ),
            Patch(
                facecolor="white",
                edgecolor=POSITIVE,
                linewidth=2.5,
                label=words("legend_opportunity"),
            ),
            Line2D(
                [],
                [],
                marker="*",
                color=POSITIVE,
                markersize=12,
                linestyle="none",
                label=words("legend_strength"),
            ),
            Patch(
                facecolor="white",
                edgecolor=NEUTRAL,
                linestyle="--",
                label=words("legend_no_evidence"),
            ),
            Patch(
                facecolor="white",
                edgecolor=NEUTRAL,
                hatch="///",
                label=words("legend_partial"),
            ),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    fig.tight_layout()
    return fig


def _praised(row) -> bool:
    """More interviewees praised the touchpoint than raised a pain point about it."""
    delight = getattr(row, "interview_delight_reach", None)
    if _missing(delight) or not delight:
        return False
    pain = getattr(row, "interview_reach", None)
    return pain is None or _missing(pain) or float(delight) > float(pain)


def _box(ax: Any, column: int, y: float, **style: Any) -> None:
    """A touchpoint's rounded box in its *column*, its top at *y*."""
    ax.add_patch(
        FancyBboxPatch(
            (column + 0.07, y + 0.1),
            0.86,
            0.7,
            boxstyle="round,pad=0,rounding_size=0.06",
            **({"edgecolor": "none", "zorder": 2} | style),  # type: ignore[arg-type]
        )
    )


def _touchpoint_box(ax, row, column: int, y: float, top: float, language: str, callouts: int) -> None:
    priority = row.priority
    empty = _missing(priority)
    improved = getattr(row, "verdict", None) == "improved"
    praised = _praised(row)
    partial = getattr(row, "evidence", "complete") == "partial"
    shade = 0.0 if empty else 0.12 + 0.7 * float(priority) / (top or 1.0)
    if partial:  # ranked after every complete one: never as dark as the top of the ranking
        shade = min(shade, 0.3)
    # The fill (shaded by priority) and the edge are two patches: the fill's alpha must not
    # fade the edge.
    _box(ax, column, y, facecolor=NEGATIVE if not empty else "white", alpha=shade if not empty else 1.0)
    _box(
        ax,
        column,
        y,
        facecolor="none",
        hatch="///" if partial else None,
        edgecolor=POSITIVE if improved else (NEUTRAL if empty or partial else "#666666"),
        linewidth=2.5 if improved else 1.0,
        linestyle="--" if empty else "-",
        zorder=3,
    )
    ax.text(
        column + 0.5,
        y + 0.45,
        _wrap(str(row.name), language),
        ha="center",
        va="center",
        fontsize=8.5,
        zorder=4,
        color="#111111",
    )
    if praised:
        ax.plot(column + 0.87, y + 0.2, marker="*", color=POSITIVE, markersize=13, zorder=5, linestyle="none")
    rank = row.rank
    if not _missing(rank) and int(rank) <= callouts:
        ax.text(
            column + 0.12,
            y + 0.16,
            str(int(rank)),
            ha="center",
            va="center",
            fontsize=9,
            color="white",
            weight="bold",
            zorder=5,
            bbox={"boxstyle": "circle,pad=0.25", "facecolor": NEGATIVE, "edgecolor": "white"},
        )
