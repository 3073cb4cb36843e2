"""The data-driven journey map: stages in order, lanes by channel and visibility, emotion curve,
numbered call-outs matching the scorecard's ranks, zh and en labels."""

from __future__ import annotations

import pandas as pd
import pytest

from research.plots.journey_map import scorecard_journey_map

STAGES = ["discover", "buy", "use"]
RANKED = pd.DataFrame(
    {
        "touchpoint": ["ads", "shop", "app", "calls", "crm", "flyer"],
        "name": ["Ads", "Shop", "App", "Calls", "CRM", "Flyer"],
        "stage": ["discover", "buy", "buy", "use", "use", "discover"],
        "channel": ["online", "offline", "online", "offline", "online", "offline"],
        "visibility": ["front-stage"] * 4 + ["back-stage", "front-stage"],
        "priority": [0.2, 0.6, 0.3, 0.8, 0.5, float("nan")],
        "rank": pd.array([5, 2, 4, 1, 3, pd.NA], dtype="Int64"),
        "evidence": ["complete"] * 5 + ["none"],
        "verdict": [None, None, None, "improved", None, None],
        "interview_reach": [0.1, 0.5, 0.2, 0.8, None, None],
        "interview_delight_reach": [None, 0.2, 0.6, 0.1, 0.3, None],  # praised: App (0.6 > 0.2), CRM
    }
)
EMOTION = pd.DataFrame(
    {
        "stage": ["discover", "buy", "use", "buy", "use"],
        "measure": ["not_negative", "not_negative", "not_negative", "rating", "rating"],
        "estimate": [0.7, 0.5, 0.3, 0.6, 0.4],
        "ci_low": [0.6, 0.4, 0.2, 0.55, 0.35],
        "ci_high": [0.8, 0.6, 0.4, 0.65, 0.45],
        "n": [100, 100, 100, 2, 1],
    }
)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_map_places_stages_lanes_and_callouts(language):
    names = {"discover": "认知" if language == "zh" else "Discover", "buy": "B", "use": "U"}
    fig = scorecard_journey_map(RANKED, EMOTION, STAGES, names, language, callouts=3)
    curve, grid = fig.axes
    texts = _texts(grid)
    stage_labels = [t for t in grid.texts if t.get_text() in names.values()]
    in_order = sorted(stage_labels, key=lambda t: t.get_position()[0])
    assert [t.get_text() for t in in_order] == list(names.values())
    assert sorted(t for t in texts if t.isdigit()) == ["1", "2", "3"]  # the three ranked first
    # Each call-out sits on its touchpoint's box: same column as the touchpoint's stage.
    for number, touchpoint in (("1", "Calls"), ("2", "Shop"), ("3", "CRM")):
        badge = next(t for t in grid.texts if t.get_text() == number)
        label = next(t for t in grid.texts if t.get_text() == touchpoint)
        assert int(badge.get_position()[0]) == int(label.get_position()[0])
    lanes = (
        ("线上·前台", "线下·前台", "线上·后台")
        if language == "zh"
        else ("Online\nfront-stage", "Offline\nfront-stage", "Online\nback-stage")
    )
    assert all(lane in texts for lane in lanes)
    assert ("可见线" if language == "zh" else "line of visibility") in texts
    stars = [line for line in grid.lines if line.get_marker() == "*"]
    assert sorted(float(line.get_xdata()[0]) for line in stars) == pytest.approx([1.87, 2.87])  # App, CRM
    curves = [line for line in curve.lines if not line.get_label().startswith("_")]
    assert len(curves) == 2 and len(curve.get_legend().get_texts()) == 2  # rating and not-negative
    xs = list(curves[1].get_xdata())
    assert xs == [0.5, 1.5, 2.5]  # the not-negative curve spans the stages in journey order
    assert curve.get_ylim() == (0, 1)


def test_map_without_emotion_says_so():
    fig = scorecard_journey_map(RANKED, pd.DataFrame(), STAGES, language="en")
    assert "No satisfaction or feedback evidence" in _texts(fig.axes[0])
