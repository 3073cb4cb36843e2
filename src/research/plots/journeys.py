"""Figures of journey analytics: Sankey of flows, funnel, directly-follows graph, top paths.

Each function takes the tidy table of one :mod:`research.journeys` primitive, returns a
matplotlib ``Figure`` (static, no JavaScript, no system Graphviz) labelled in the study's
language and never calls ``plt.show()``. An empty table gives a figure with one note saying so.
(The catalog's journey map is :mod:`research.plots.journey`.)
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import PercentFormatter

from research.plots import NEUTRAL, PALETTE, empty_note, use_style
from research.wording import resolve_language, say

#: Node label the flows primitive gives to touchpoints beyond the top k of a step.
OTHER = "other"


def _empty(language: str, title: str) -> Figure:
    """A figure that only says there is nothing to draw."""
    fig, ax = plt.subplots(figsize=(6, 2))
    ax.set_axis_off()
    ax.set_title(title)
    empty_note(ax, say("plots", "no_data", language))
    return fig


def _begin(
    data: pd.DataFrame | None, language: str | None, key: str, title: str | None = None, **values: Any
) -> tuple[str, str, Figure | None]:
    """The report's style; the language and title resolved; a figure saying so when *data* is empty.

    The default title is the figures' sentence *key* (:mod:`research.wording`, ``plots``), filled
    with *values*.
    """
    use_style()
    language = resolve_language(language)
    title = title or say("plots", key, language, **values)
    empty = _empty(language, title) if data is None or data.empty else None
    return language, title, empty


def _duration(seconds: float) -> str:
    """Short human duration: 45s, 12m, 3.5h, 2.1d."""
    if seconds is None or not math.isfinite(seconds):
        return ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            value = seconds / size
            return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"
    return f"{seconds:.0f}s"


def sankey(data: pd.DataFrame, language: str | None = None, title: str | None = None) -> Figure:
    """Sankey diagram of anchored flows, drawn with matplotlib patches.

    Parameters
    ----------
    data : DataFrame
        The flows: ``step, source, target, n, share`` (:func:`research.journeys.flows`); step 0
        is the anchor.
    language : {"zh", "en"}, optional
        The labels' language; ``None``: the report's language.
    title : str, optional
        Figure title (default: a generic one in *language*).

    Returns
    -------
    Figure
        The diagram.

    Examples
    --------
    >>> table = pd.DataFrame({"step": [1, 1, 2], "source": ["web", "web", "app"],
    ...     "target": ["app", "shop", "shop"], "n": [6, 4, 5], "share": [0.6, 0.4, 0.5]})
    >>> sankey(table, "en").axes[0].get_xlabel()
    'Steps from the anchor'
    """
    language, title, empty = _begin(data, language, "sankey_title", title)
    if empty is not None:
        return empty
    table = data.copy()
    table["step"] = table["step"].astype(int)
    table["n"] = table["n"].astype(float)
    value: dict[tuple[int, str], float] = {}
    for (step, target), n in table.groupby(["step", "target"], sort=False)["n"].sum().items():
        value[(int(step), str(target))] = float(n)
    for (step, source), n in table.groupby(["step", "source"], sort=False)["n"].sum().items():
        key = (int(step) - 1, str(source))
        value[key] = max(value.get(key, 0.0), float(n))
    steps = sorted({step for step, _ in value})
    total = max(sum(v for (s, _), v in value.items() if s == step) for step in steps)
    gap = 0.04 * total
    width = 0.12
    colours: dict[str, str] = {}
    position: dict[tuple[int, str], float] = {}
    fig, ax = plt.subplots(figsize=(max(6.0, 2.4 * len(steps)), 5))
    for step in steps:
        nodes = sorted(
            ((v, name) for (s, name), v in value.items() if s == step),
            key=lambda item: (item[1] == OTHER, -item[0], item[1]),
        )
        y = 0.0
        for size, name in nodes:
            if name not in colours:
                colours[name] = NEUTRAL if name == OTHER else PALETTE[len(colours) % (len(PALETTE) - 1)]
            position[(step, name)] = y
            ax.add_patch(Rectangle((step - width / 2, -y - size), width, size, color=colours[name]))
            ax.text(step + width / 2 + 0.02, -y - size / 2, f"{name}\n{size:,.0f}", va="center", fontsize=8)
            y += size + gap
    out_used: dict[tuple[int, str], float] = {}
    in_used: dict[tuple[int, str], float] = {}
    for row in table.sort_values(["step", "n"], ascending=[True, False]).itertuples(index=False):
        source, target = (row.step - 1, str(row.source)), (row.step, str(row.target))
        y0 = position[source] + out_used.get(source, 0.0)
        y1 = position[target] + in_used.get(target, 0.0)
        out_used[source] = out_used.get(source, 0.0) + row.n
        in_used[target] = in_used.get(target, 0.0) + row.n
        x0, x1 = source[0] + width / 2, target[0] - width / 2
        xm = (x0 + x1) / 2
        vertices = [
            (x0, -y0),
            (xm, -y0),
            (xm, -y1),
            (x1, -y1),
            (x1, -y1 - row.n),
            (xm, -y1 - row.n),
            (xm, -y0 - row.n),
            (x0, -y0 - row.n),
            (x0, -y0),
        ]
        codes = [
            MplPath.MOVETO,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.LINETO,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CLOSEPOLY,
        ]
        ax.add_patch(PathPatch(MplPath(vertices, codes), color=colours[target[1]], alpha=0.35, linewidth=0))
    height = max(sum(v for (s, _), v in value.items() if s == step) + gap * 10 for step in steps)
    ax.set_xlim(min(steps) - 0.3, max(steps) + 0.8)
    ax.set_ylim(-height, gap)
    ax.set_xticks(steps, [str(step) for step in steps])
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(say("plots", "sankey_axis", language))
    ax.set_title(title)
    fig.tight_layout()
    return fig


def funnel_chart(data: pd.DataFrame, language: str | None = None) -> Figure:
    """Bars of the share reaching each funnel step, with Wilson intervals and drop-off.

    Parameters
    ----------
    data : DataFrame
        The funnel: ``segment, step, touchpoint, n, reached, estimate, ci_low, ci_high,
        drop_off`` (:func:`research.journeys.funnel`); several segments are drawn side by side.
    language : {"zh", "en"}, optional
        The labels' language; ``None``: the report's language.

    Returns
    -------
    Figure
        The bars.

    Examples
    --------
    >>> table = pd.DataFrame({"segment": ["all"] * 2, "step": [1, 2], "touchpoint": ["web", "pay"],
    ...     "n": [10, 10], "reached": [10, 6], "estimate": [1.0, 0.6], "ci_low": [0.72, 0.31],
    ...     "ci_high": [1.0, 0.83], "drop_off": [0, 4]})
    >>> funnel_chart(table, "en").axes[0].get_ylabel()
    'Share of journeys reaching the step (95% CI)'
    """
    language, title, empty = _begin(data, language, "funnel_title")
    if empty is not None:
        return empty
    table = data.sort_values(["segment", "step"])
    segments = list(dict.fromkeys(table["segment"].astype(str)))
    steps = sorted(table["step"].unique())
    labels = [str(table.loc[table["step"] == s, "touchpoint"].iloc[0]) for s in steps]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(steps) * max(1, len(segments) / 2) + 2), 4.5))
    bar = 0.8 / len(segments)
    for index, name in enumerate(segments):
        part = table[table["segment"].astype(str) == name].set_index("step").reindex(steps)
        x = np.arange(len(steps)) + (index - (len(segments) - 1) / 2) * bar
        values = part["estimate"].to_numpy(dtype=float)
        errors = np.vstack(
            [values - part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float) - values]
        )
        ax.bar(
            x,
            values,
            width=bar * 0.95,
            color=PALETTE[index % len(PALETTE)],
            yerr=np.clip(np.nan_to_num(errors), 0, None),
            capsize=2,
            label=name if len(segments) > 1 else None,
        )
        for xi, value, drop, prev in zip(
            x[1:],
            values[1:],
            part["drop_off"].to_numpy()[1:],
            part["reached"].to_numpy(dtype=float)[:-1],
            strict=False,
        ):
            if np.isfinite(value) and prev > 0:
                ax.text(
                    xi,
                    value / 2,
                    f"-{int(drop):,}\n({drop / prev:.0%})",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > 0.15 else "black",
                )
    ax.set_xticks(np.arange(len(steps)), labels)
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(say("plots", "funnel_share_axis", language))
    ax.set_xlabel(say("plots", "funnel_step_axis", language))
    ax.set_title(title)
    if len(segments) > 1:
        ax.legend(title=say("plots", "funnel_segment", language), fontsize=8)
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


def _layers(graph: Any, weight: dict[str, float]) -> dict[str, int]:
    """Layer of each node: breadth-first distance from the nodes most journeys leave from."""
    import networkx as nx

    start = max(weight, key=lambda node: (weight[node], node))
    layers = dict(nx.single_source_shortest_path_length(graph, start))
    depth = max(layers.values(), default=0)
    for node in sorted(set(graph.nodes) - set(layers)):
        reach = nx.single_source_shortest_path_length(graph, node)
        for other, distance in reach.items():
            layers.setdefault(other, depth + 1 + distance)
        depth = max(layers.values())
    return layers


def dfg_chart(data: pd.DataFrame, language: str | None = None, top: int = 15) -> Figure:
    """Directly-follows graph of the *top* edges, laid out in layers with networkx (no Graphviz).

    Edge width grows with the number of transitions; edge labels give the median time between.

    Parameters
    ----------
    data : DataFrame
        The graph's edges: ``source, target, n, median_s`` (:func:`research.journeys.dfg`).
    language : {"zh", "en"}, optional
        The labels' language; ``None``: the report's language.
    top : int
        The most frequent edges drawn.

    Returns
    -------
    Figure
        The graph.

    Examples
    --------
    >>> table = pd.DataFrame({"source": ["web", "app"], "target": ["app", "shop"], "n": [8, 5],
    ...                       "median_s": [600.0, 7200.0]})
    >>> dfg_chart(table, "en").axes[0].get_title()
    'Directly-follows graph (top 15 transitions; label: median time between)'
    """
    import networkx as nx

    language, title, empty = _begin(data, language, "dfg_title", top=top)
    if empty is not None:
        return empty
    edges = data.sort_values(["n", "source", "target"], ascending=[False, True, True]).head(top)
    graph = nx.DiGraph()
    for row in edges.itertuples(index=False):
        graph.add_edge(
            str(row.source),
            str(row.target),
            n=float(row.n),
            label=_duration(float(row.median_s)) if "median_s" in edges else "",
        )
    balance = {node: 0.0 for node in graph.nodes}
    for source, target, data in graph.edges(data=True):
        balance[source] += data["n"]
        balance[target] -= data["n"]
    for node, layer in _layers(graph, balance).items():
        graph.nodes[node]["layer"] = layer
    pos = nx.multipartite_layout(graph, subset_key="layer")
    sizes = pd.Series(nx.get_node_attributes(graph, "layer")).value_counts()
    for node, layer in nx.get_node_attributes(graph, "layer").items():
        if sizes[layer] == 1:  # zigzag lone nodes so edges that skip a layer do not cross them
            pos[node] = (pos[node][0], 0.3 * ((layer % 3) - 1))
    fig, ax = plt.subplots(figsize=(9, 6))
    biggest = max(data["n"] for _, _, data in graph.edges(data=True))
    widths = [0.8 + 5 * data["n"] / biggest for _, _, data in graph.edges(data=True)]
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=PALETTE[5], node_size=900, alpha=0.9)
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8, font_family=plt.rcParams["font.family"])
    style = "arc3,rad=0.15"
    nx.draw_networkx_edges(
        graph,
        pos,
        ax=ax,
        width=widths,
        edge_color=PALETTE[0],
        alpha=0.6,
        arrows=True,
        arrowsize=12,
        node_size=900,
        connectionstyle=style,
    )
    labels = {
        (s, t): f"{data['n']:,.0f} · {data['label']}".strip(" ·") for s, t, data in graph.edges(data=True)
    }
    nx.draw_networkx_edge_labels(
        graph,
        pos,
        edge_labels=labels,
        ax=ax,
        font_size=7,
        connectionstyle=style,
        bbox={"alpha": 0.6, "color": "white"},
    )
    ax.set_title(title)
    ax.set_xlabel(say("plots", "dfg_axis", language))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig


def top_paths_chart(data: pd.DataFrame, language: str | None = None, top: int = 10) -> Figure:
    """Horizontal bars of the *top* path variants' share of journeys, with their conversion.

    Parameters
    ----------
    data : DataFrame
        The path variants: ``path, n, share, conversion`` (:func:`research.journeys.variants`).
    language : {"zh", "en"}, optional
        The labels' language; ``None``: the report's language.
    top : int
        The most frequent variants drawn.

    Returns
    -------
    Figure
        One bar per variant, the most frequent on top.

    Examples
    --------
    >>> table = pd.DataFrame({"path": ["web > shop", "web"], "n": [2, 1], "share": [2 / 3, 1 / 3],
    ...                       "conversion": [1.0, 0.0]})
    >>> top_paths_chart(table, "en").axes[0].get_xlabel()
    'Share of journeys'
    """
    language, title, empty = _begin(data, language, "paths_title", top=top)
    if empty is not None:
        return empty
    rows = data.sort_values("n", ascending=False, kind="stable").head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.4 * len(rows) + 1.5))
    y = np.arange(len(rows))
    shares = rows["share"].to_numpy(dtype=float)
    ax.barh(y, shares, color=PALETTE[0])
    paths = [p if len(p) <= 60 else p[:57] + "..." for p in rows["path"].astype(str)]
    ax.set_yticks(y, paths, fontsize=8)
    conversion = rows["conversion"].to_numpy(dtype=float) if "conversion" in rows else [np.nan] * len(rows)
    label = say("plots", "paths_conversion", language)
    for yi, share, conv in zip(y, shares, conversion, strict=True):
        note = f"{share:.1%}" + (f"  {label} {conv:.0%}" if np.isfinite(conv) else "")
        ax.text(float(share), float(yi), " " + note, va="center", fontsize=8)
    ax.set_xlim(0, max(shares.max(), 1e-9) * 1.35)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(say("plots", "paths_axis", language))
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


__all__ = ["dfg_chart", "funnel_chart", "sankey", "top_paths_chart"]
