"""Journey figures: Sankey, funnel, directly-follows graph, top paths (zh and en, empty tables)."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import ibis
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from research.journeys import dfg, flows, funnel, variants
from research.plots.journeys import dfg_chart, funnel_chart, sankey, top_paths_chart


@pytest.fixture(scope="module")
def log() -> ibis.Table:
    """Hand-made log: 7 persons, web -> app/shop/hotline paths, segment online/offline."""
    rows = []
    paths = {
        "a": ["web", "app", "shop"],
        "b": ["web", "shop"],
        "c": ["web", "app", "hotline"],
        "d": ["web", "hotline", "hotline", "shop"],
        "e": ["app", "web"],
        "f": ["web"],
        "g": ["web", "shop"],
    }
    seq = 0
    for person, steps in paths.items():
        for step in steps:
            rows.append(
                {
                    "person_id": person,
                    "ts": pd.Timestamp("2024-01-01") + pd.Timedelta(hours=seq),
                    "touchpoint": step,
                    "event_seq": seq,
                    "segment": "online" if person in "abe" else "offline",
                }
            )
            seq += 1
    return ibis.memtable(pd.DataFrame(rows))


def labels(fig) -> list[str]:
    ax = fig.axes[0]
    return [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]


def render(fig, tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would raise here
        fig.savefig(tmp_path / "figure.png")
    plt.close(fig)


@pytest.mark.parametrize(
    ("language", "title", "xlabel"),
    [
        ("zh", "锚定触点后的流向", "距锚定触点的步数"),
        ("en", "Flows from the anchor touchpoint", "Steps from the anchor"),
    ],
)
def test_sankey_labels(log, tmp_path, language, title, xlabel):
    fig = sankey(flows(log, "web", steps=2, top=2), language)
    assert labels(fig)[:2] == [title, xlabel]
    assert len(fig.axes[0].patches) >= 5  # nodes and bands
    render(fig, tmp_path)


def test_sankey_custom_title(log):
    fig = sankey(flows(log, "web", steps=1), "en", title="After the website")
    assert fig.axes[0].get_title() == "After the website"
    plt.close(fig)


@pytest.mark.parametrize(
    ("language", "ylabel"),
    [("zh", "到达该步的旅程占比（95% 置信区间）"), ("en", "Share of journeys reaching the step (95% CI)")],
)
def test_funnel_chart_labels_and_drop_off(log, tmp_path, language, ylabel):
    table = funnel(log, ["web", "app", "shop"])
    fig = funnel_chart(table, language)
    ax = fig.axes[0]
    assert ax.get_ylabel() == ylabel
    assert [t.get_text() for t in ax.get_xticklabels()] == ["web", "app", "shop"]
    # 7 journeys enter at web, 2 reach app (5 lost = 71%), 1 reaches shop (1 lost = 50%)
    notes = [t.get_text() for t in ax.texts]
    assert "-5\n(71%)" in notes and "-1\n(50%)" in notes
    render(fig, tmp_path)


def test_funnel_chart_segments_side_by_side(log, tmp_path):
    table = funnel(log, ["web", "shop"], segment="segment")
    fig = funnel_chart(table, "zh")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["offline", "online"]
    assert ax.get_legend().get_title().get_text() == "分组"
    assert len(ax.patches) == 4
    render(fig, tmp_path)


@pytest.mark.parametrize(
    ("language", "xlabel"), [("zh", "边宽：转移次数"), ("en", "Edge width: number of transitions")]
)
def test_dfg_chart_labels(log, tmp_path, language, xlabel):
    table = dfg(log)
    fig = dfg_chart(table, language, top=4)
    ax = fig.axes[0]
    assert ax.get_xlabel() == xlabel
    assert ("前 4 条转移" if language == "zh" else "top 4 transitions") in ax.get_title()
    texts = {t.get_text() for t in ax.texts}
    assert {"web", "app"} <= texts  # node labels
    assert "2 · 1.0h" in texts  # web -> app: 2 transitions, 1 hour apart
    render(fig, tmp_path)


@pytest.mark.parametrize(
    ("language", "xlabel", "conv"), [("zh", "旅程占比", "转化"), ("en", "Share of journeys", "conv.")]
)
def test_top_paths_chart_labels(log, tmp_path, language, xlabel, conv):
    table = variants(log, outcome="shop")
    fig = top_paths_chart(table, language, top=3)
    ax = fig.axes[0]
    assert ax.get_xlabel() == xlabel
    assert len(ax.get_yticklabels()) == 3
    assert ax.get_yticklabels()[-1].get_text() == "web > shop"  # the top path, 2 of 7 journeys
    assert f"28.6%  {conv} 100%" in [t.get_text().strip() for t in ax.texts]
    render(fig, tmp_path)


EMPTY = {
    "sankey": (sankey, ["step", "source", "target", "n", "share"]),
    "funnel": (
        funnel_chart,
        [
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
        ],
    ),
    "dfg": (dfg_chart, ["source", "target", "n", "persons", "share_of_source", "median_s", "p90_s"]),
    "paths": (
        top_paths_chart,
        ["rank", "path", "n_steps", "n", "share", "cumulative_share", "median_duration_s", "conversion"],
    ),
}


@pytest.mark.parametrize("name", sorted(EMPTY))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_empty_tables_give_a_note(name, language, tmp_path):
    function, columns = EMPTY[name]
    fig = function(pd.DataFrame(columns=columns), language)
    note = "没有可绘制的数据。" if language == "zh" else "No data to draw."
    assert note in [t.get_text() for t in fig.axes[0].texts]
    render(fig, tmp_path)


def test_one_row_tables_draw(tmp_path):
    one_flow = pd.DataFrame({"step": [1], "source": ["web"], "target": ["shop"], "n": [3], "share": [1.0]})
    one_edge = pd.DataFrame(
        {
            "source": ["web"],
            "target": ["web"],
            "n": [3],
            "persons": [2],
            "share_of_source": [1.0],
            "median_s": [float("nan")],
            "p90_s": [float("nan")],
        }
    )
    one_path = pd.DataFrame(
        {
            "rank": [1],
            "path": ["web"],
            "n_steps": [1],
            "n": [3],
            "share": [1.0],
            "cumulative_share": [1.0],
            "median_duration_s": [0.0],
            "conversion": [float("nan")],
        }
    )
    one_step = pd.DataFrame(
        {
            "segment": ["all"],
            "step": [1],
            "touchpoint": ["web"],
            "n": [3],
            "reached": [3],
            "estimate": [1.0],
            "ci_low": [0.44],
            "ci_high": [1.0],
            "step_conversion": [1.0],
            "drop_off": [0],
        }
    )
    for fig in (
        sankey(one_flow, "zh"),
        dfg_chart(one_edge, "en"),
        top_paths_chart(one_path, "en"),
        funnel_chart(one_step, "zh"),
    ):
        render(fig, tmp_path)
