"""The journey-stage map: every touchpoint of the catalog placed in its stage and channel.

Journey stages run left to right as columns. Front-stage touchpoints sit in two bands, online
above and offline below; back-stage touchpoints sit under a dashed "line of visibility", as in
a service blueprint (Bitner, Ostrom & Morgan 2008). Box colour and edge style mark the
touchpoint type (physical, digital, interpersonal).
"""

from __future__ import annotations

import textwrap
from typing import Any, Literal

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch

from research.inventory import VALUE_LABELS, require_catalog
from research.plots import PALETTE, use_style
from research.study import Study, Touchpoint
from research.wording import label, resolve_language, say

LineStyle = Literal["-", "--", ":"]

#: Colour and edge style per touchpoint type (colour-blind safe, redundant with line style).
TYPE_STYLE: dict[str, tuple[str, LineStyle]] = {
    "physical": (PALETTE[1], "-"),
    "digital": (PALETTE[5], "--"),
    "interpersonal": (PALETTE[2], ":"),
}

_BANDS = ("online", "offline", "back-stage")


def _band(touchpoint: Touchpoint) -> str:
    return "back-stage" if touchpoint.visibility == "back-stage" else touchpoint.channel


def _wrap(name: str, language: str) -> str:
    # Chinese labels have no spaces and are short; wrap only Latin text, at word boundaries.
    return name if language == "zh" else "\n".join(textwrap.wrap(name, 20)) or name


def _line_of_visibility(ax: Any, right: float, y: float, text: str) -> None:
    """The dashed line under which back-stage touchpoints sit, labelled at its right end."""
    ax.axhline(y, color="#555555", linestyle="--", linewidth=1.2, zorder=1)
    ax.text(right, y, text, ha="right", va="bottom", fontsize=8, color="#555555", style="italic")


def journey_map(study: Study, language: str | None = None) -> Figure:
    """Journey-stage map of the study's touchpoint catalog.

    Parameters
    ----------
    study : Study
        The study whose catalog is drawn.
    language : {"zh", "en"}, optional
        Label language (default: the report's).

    Returns
    -------
    matplotlib.figure.Figure
        Stages as columns (left to right, in the study's order); touchpoints as boxes in their
        stage column, online front-stage band on top, offline below, back-stage under the line
        of visibility; box colour and edge style show the touchpoint type.

    Examples
    --------
    >>> from research import load_study
    >>> fig = journey_map(load_study("sample"), "en")
    >>> [t.get_text() for t in fig.axes[0].texts][:2]
    ['Awareness', 'Consideration']
    """
    require_catalog(study)
    use_style()
    language = resolve_language(language)
    stages = study.stages
    cells: dict[tuple[str, str], list[Touchpoint]] = {}
    for touchpoint in study.touchpoints:
        cells.setdefault((_band(touchpoint), touchpoint.stage), []).append(touchpoint)
    bands = [b for b in _BANDS if b != "back-stage" or any(k[0] == "back-stage" for k in cells)]
    rows = {b: max([len(v) for k, v in cells.items() if k[0] == b] + [1]) for b in bands}
    total_rows = sum(rows.values())

    width = max(7.0, 1.9 * len(stages) + 1.4)
    fig = Figure(figsize=(width, 1.2 + 0.62 * total_rows + 0.4 * len(bands)))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.grid(False)
    gap = 0.4  # vertical space between bands
    top = 0.0
    for column, stage in enumerate(stages):
        if column % 2 == 0:
            ax.axvspan(column, column + 1, color="#f2f2f2", zorder=0, lw=0)
        ax.text(
            column + 0.5, -0.05, study.stage_label(stage, language), ha="center", va="bottom", fontsize=12
        )
    y = top
    for key in bands:
        if key == "back-stage":
            _line_of_visibility(
                ax, len(stages), y + gap / 2, say("inventory", "line_of_visibility", language)
            )
        elif key == "offline":
            ax.axhline(y + gap / 2, color="#bbbbbb", linestyle="-", linewidth=0.8, zorder=1)
        y += gap if key != "online" else 0.1
        ax.text(
            -0.08,
            y + rows[key] / 2,
            say("inventory", f"band_{key}", language),
            ha="right",
            va="center",
            fontsize=9,
            color="#333333",
        )
        for column, stage in enumerate(stages):
            for slot, touchpoint in enumerate(cells.get((key, stage), [])):
                colour, line = TYPE_STYLE[touchpoint.type]
                x0, y0 = column + 0.06, y + slot + 0.12
                ax.add_patch(
                    FancyBboxPatch(
                        (x0, y0),
                        0.88,
                        0.76,
                        boxstyle="round,pad=0,rounding_size=0.08",
                        facecolor=colour,
                        alpha=0.35,
                        edgecolor=colour,
                        linewidth=1.6,
                        linestyle=line,
                        zorder=2,
                    )
                )
                ax.text(
                    column + 0.5,
                    y0 + 0.38,
                    _wrap(touchpoint.name.get(language), language),
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    zorder=3,
                    linespacing=1.0,
                )
        y += rows[key]
    ax.set_xlim(-1.15, len(stages) + 0.02)
    ax.set_ylim(y + 0.1, -0.6)
    handles = [
        Patch(
            facecolor=colour,
            alpha=0.5,
            edgecolor=colour,
            linestyle=line,
            linewidth=1.5,
            label=label(VALUE_LABELS["type"], kind, language),
        )
        for kind, (colour, line) in TYPE_STYLE.items()
    ]
    ax.legend(
        handles=handles,
        title=say("inventory", "map_type_legend", language),
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        frameon=False,
        fontsize=9,
        title_fontsize=9,
    )
    ax.set_title(say("inventory", "map_title", language), loc="left", pad=22)
    fig.tight_layout()
    return fig
