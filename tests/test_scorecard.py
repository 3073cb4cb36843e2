"""research.scorecard on fixture studies of other shapes than the sample (no catalog, survey
only, missing pillars); the priority formula, its sensitivity and the stage intervals checked
against direct computations."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from research import DataError, load_study
from research.errors import NotApplicable
from research.plots.journey_map import scorecard_journey_map
from research.scorecard import (
    RunResults,
    build_scorecard,
    evaluation_verdict,
    input_runs,
    priority_scores,
    read_run_results,
    scorecard_table,
    sensitivity,
    stage_emotion,
    touchpoint_evidence,
)
from research.scorecard.preconditions import check_run

SURVEY = {
    "wave": "w1",
    "touchpoint_means": {},
    "scorecard": [
        {
            "touchpoint": tp,
            "scale_min": 0,
            "scale_max": 10,
            "n": n,
            "mean": mean,
            "ci_low": mean - 0.2,
            "ci_high": mean + 0.2,
            "top_box": top,
            "top_box_ci_low": top - 0.05,
            "top_box_ci_high": top + 0.05,
        }
        for tp, n, mean, top in (("desk", 400, 6.0, 0.3), ("portal", 380, 8.0, 0.6), ("phone", 120, 4.0, 0.1))
    ],
    # survey.metrics.scorecard adds the NPS of each touchpoint's users when the survey has NPS
    "nps_users": {"desk": (10.0, 2.0, 18.0)},
    "drivers": [
        {"touchpoint": tp, "rescaled_weight": w, "ci_low": w - 5, "ci_high": w + 5}
        for tp, w in (("desk", 50.0), ("portal", 30.0), ("phone", 20.0))
    ],
}


for _row in SURVEY["scorecard"]:
    if _row["touchpoint"] in SURVEY["nps_users"]:
        _row["nps"], _row["nps_ci_low"], _row["nps_ci_high"] = SURVEY["nps_users"][_row["touchpoint"]]


def _write(root, study, run_id, results, parameters=None):
    folder = root / "reports" / study / run_id
    folder.mkdir(parents=True, exist_ok=True)
    content = {"results": results, "provenance": {"parameters": parameters or {}}}
    (folder / "results.json").write_text(json.dumps(content), encoding="utf-8")


@pytest.fixture
def survey_only(minimal_study, project_copy):
    """No catalog, one survey run with results, a scorecard run that needs it and a run without results."""
    minimal_study(
        touchpoints=[],
        runs=[
            {"id": "survey-1", "notebook": "20_survey_statistics.ipynb"},
            {"id": "coding-1", "notebook": "10_interview_coding.ipynb"},
            {"id": "card", "notebook": "50_touchpoint_scorecard.ipynb", "needs": ["survey-1", "coding-1"]},
        ],
    )
    _write(project_copy, "mini", "survey-1", SURVEY)
    return load_study("mini")


def test_survey_only_study_without_catalog(survey_only, project_copy):
    output = project_copy / "reports" / "mini" / "card"
    assert input_runs(survey_only, output) == ["survey-1", "coding-1"]  # the run's needs
    runs = read_run_results(survey_only, input_runs(survey_only, output))
    assert [(r.run_id, r.pillar) for r in runs] == [("survey-1", "survey")]  # coding-1 has no results
    card = touchpoint_evidence(survey_only, runs)
    assert card["touchpoint"].tolist() == ["desk", "portal", "phone"]
    assert card["stage"].isna().all()
    # Missing pillars stay missing, never 0.
    for column in ("interview_reach", "feedback_negative_share", "journey_reach", "repeat_contact_rate"):
        assert card[column].isna().all(), column
    assert card["verdict"].isna().all()
    assert card.set_index("touchpoint").loc["desk", "importance"] == pytest.approx(0.5)

    ranked = priority_scores(card)
    # Only importance and gap exist here: priority = (importance / max + (10 - mean) / 10) / 2.
    expected = {"desk": (1.0 + 0.4) / 2, "portal": (0.6 + 0.2) / 2, "phone": (0.4 + 0.6) / 2}
    assert ranked["touchpoint"].tolist() == ["desk", "phone", "portal"]
    for row in ranked.itertuples():
        assert row.priority == pytest.approx(expected[row.touchpoint])
    assert set(ranked["evidence"]) == {"complete"}
    assert ranked["rank"].tolist() == [1, 2, 3]
    table = sensitivity(card, n=2)
    assert set(table["weight"]) == {"importance", "gap"}  # no pain evidence: no pain weight

    shown = scorecard_table(ranked, "en")
    assert (shown["Interviewees with pain"] == "—").all()
    assert shown["Mean"][0] == "6.00 [5.80, 6.20]" and shown["Importance"][0] == "50% [45%, 55%]"
    assert shown["NPS (users)"].tolist() == ["+10 [+2, +18]", "—", "—"]  # missing, not 0
    with pytest.raises(NotApplicable, match="journey map"):
        scorecard_journey_map(ranked, stage_emotion(card, []), [])

    built = build_scorecard(survey_only, output_dir=output)
    assert built.run_id == "card" and built.used == {"survey": ["survey-1"]}
    assert len(built.findings) == 3 and built.findings[0]["touchpoint"] == "desk"
    first = built.findings[0]["text"]
    assert "first place to act" in first and "interviewees" not in first
    assert all(f["run"] == "card" and f["section"] == "priority" for f in built.findings)


def test_nothing_to_read_is_not_applicable(minimal_study, project_copy):
    minimal_study(runs=[{"id": "card", "notebook": "50_touchpoint_scorecard.ipynb"}])
    with pytest.raises(NotApplicable) as info:
        build_scorecard(load_study("mini"), output_dir=project_copy / "reports" / "mini" / "card")
    assert "研究" not in str(info.value) and info.value.text("zh").startswith("记分卡")


def test_catalog_with_interviews_and_feedback_but_no_survey(minimal_study, project_copy):
    catalog = [
        {
            "id": tp,
            "name": {"en": tp.title(), "zh": zh},
            "stage": stage,
            "phase": "usage",
            "channel": channel,
            "type": "digital",
            "visibility": visibility,
        }
        for tp, zh, stage, channel, visibility in (
            ("web", "网站", "consideration", "online", "front-stage"),
            ("shop", "门店", "purchase", "offline", "front-stage"),
            ("crm", "系统", "after-sales", "online", "back-stage"),
        )
    ]
    minimal_study(
        touchpoints=catalog,
        runs=[
            {"id": "c", "notebook": "10_interview_coding.ipynb"},
            {"id": "f", "notebook": "15_feedback_analytics.ipynb"},
        ],
    )
    _write(
        project_copy,
        "mini",
        "c",
        {
            "pain_point_scores": {},
            "language": "en",
            "touchpoint_pain": [
                {
                    "touchpoint": "shop",
                    "respondents": 6,
                    "reach": 0.6,
                    "mentions": 9,
                    "negativity": 1.0,
                    "score": 0.9,
                    "top_codes": ["queue"],
                    "quote": "Call me on 13812345678 please",
                },
            ],
        },
    )
    _write(
        project_copy,
        "mini",
        "f",
        {
            "code_shares": [],
            "touchpoints": {
                "shop": {
                    "n": 100,
                    "negative_share": 0.4,
                    "ci_low": 0.3,
                    "ci_high": 0.5,
                    "top_complaint_codes": ["queue"],
                },
                "web": {
                    "n": 50,
                    "negative_share": 0.2,
                    "ci_low": 0.1,
                    "ci_high": 0.3,
                    "top_complaint_codes": [],
                },
            },
        },
    )
    study = load_study("mini")
    card = touchpoint_evidence(study, read_run_results(study, ["c", "f"]), "zh")
    assert card["name"].tolist() == ["网站", "门店", "系统"]  # stage order, labels in zh
    assert card["mean"].isna().all() and card["importance"].isna().all()
    assert "13812345678" not in card.set_index("touchpoint").loc["shop", "quote"]  # redacted
    ranked = priority_scores(card).set_index("touchpoint")
    # Only pain exists: shop (0.6 + 0.4) / 2, web 0.2 (feedback alone), crm has no evidence.
    assert ranked.loc["shop", "priority"] == pytest.approx(0.5)
    assert ranked.loc["web", "priority"] == pytest.approx(0.2)
    assert math.isnan(ranked.loc["crm", "priority"]) and ranked.loc["crm", "evidence"] == "none"
    assert pd.isna(ranked.loc["crm", "rank"])


def _direct_priority(card: pd.DataFrame, weights: dict[str, float]) -> dict[str, tuple[int, float]]:
    """The formula of research.scorecard.priority written out row by row (independent check)."""
    largest = card["importance"].max()
    out = {}
    for row in card.itertuples():
        parts = {
            "importance": row.importance / largest,
            "gap": (row.scale_max - row.mean) / (row.scale_max - row.scale_min),
            "pain": np.nanmean([row.interview_reach, row.feedback_negative_share])
            if not (np.isnan(row.interview_reach) and np.isnan(row.feedback_negative_share))
            else np.nan,
        }
        have = {k: v for k, v in parts.items() if not np.isnan(v)}
        score = sum(weights[k] * v for k, v in have.items()) / sum(weights[k] for k in have)
        out[row.touchpoint] = (len(have), score)
    return out


def test_priority_and_sensitivity_match_a_direct_computation():
    rng = np.random.default_rng(7)
    n = 12
    card = pd.DataFrame(
        {
            "touchpoint": [f"t{i:02d}" for i in range(n)],
            "importance": rng.uniform(0.02, 0.3, n),
            "mean": rng.uniform(2, 4.8, n),
            "scale_min": 1.0,
            "scale_max": 5.0,
            "interview_reach": rng.uniform(0, 1, n),
            "feedback_negative_share": rng.uniform(0, 1, n),
        }
    )
    card.loc[[3, 7], "interview_reach"] = np.nan  # feedback alone gives their pain
    card.loc[5, ["importance", "mean"]] = np.nan  # no survey: partial evidence
    weights = {"importance": 2.0, "gap": 1.0, "pain": 0.5}
    direct = _direct_priority(card, weights)
    ranked = priority_scores(card, weights)
    for row in ranked.itertuples():
        assert row.priority == pytest.approx(direct[row.touchpoint][1], abs=1e-12)
    complete = sorted((t for t, (k, _) in direct.items() if k == 3), key=lambda t: -direct[t][1])
    assert ranked["touchpoint"].tolist() == [*complete, "t05"]  # partial evidence ranks last
    table = sensitivity(card, weights, n=5)
    assert table.shape == (6, 4)
    for row in table.itertuples():
        moved = {**weights, row.weight: weights[row.weight] * row.factor}
        again = _direct_priority(card, moved)
        top = sorted((t for t, (k, _) in again.items() if k == 3), key=lambda t: -again[t][1])[:5]
        assert row.top == ", ".join(top)
        assert row.changed == (top != complete[:5])
    with pytest.raises(DataError, match="non-negative"):
        priority_scores(card, {"gap": -1})
    with pytest.raises(DataError, match="Unknown priority weight"):
        priority_scores(card, {"speed": 1})


def test_stage_emotion_intervals():
    card = pd.DataFrame(
        {
            "stage": ["a", "a", "b"],
            "mean": [4.0, 3.0, np.nan],
            "mean_ci_low": [3.9, 2.8, np.nan],
            "mean_ci_high": [4.1, 3.2, np.nan],
            "scale_min": 1,
            "scale_max": 5,
            "feedback_n": [120, 80, 0],
            "feedback_negative_share": [0.25, 0.5, 0.1],
        }
    )
    emotion = stage_emotion(card, ["a", "b", "c"]).set_index(["stage", "measure"])
    rating = emotion.loc[("a", "rating")]
    assert rating["estimate"] == pytest.approx(((4 - 1) / 4 + (3 - 1) / 4) / 2)
    assert rating["ci_low"] == pytest.approx(((3.9 - 1) / 4 + (2.8 - 1) / 4) / 2)
    pooled = emotion.loc[("a", "not_negative")]
    # 90 + 40 of 200 items not negative; Wilson interval from scipy's binomtest (independent).
    reference = binomtest(130, 200).proportion_ci(0.95, method="wilson")
    assert pooled["estimate"] == pytest.approx(0.65) and pooled["n"] == 200
    assert (pooled["ci_low"], pooled["ci_high"]) == pytest.approx((reference.low, reference.high), abs=1e-9)
    assert ("b", "not_negative") not in emotion.index  # no feedback items: missing, not 0
    assert "c" not in emotion.index.get_level_values(0)


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        (["improved", "improved"], "improved"),
        (["worse", None], "worse"),
        (["improved", "worse"], "mixed"),
        ([None, None], "no clear change"),
    ],
)
def test_evaluation_verdict_over_kpis(minimal_study, verdicts, expected):
    study = load_study(minimal_study(evaluation=None))
    effects = {f"k{i}": {"estimate": 1.0, "verdict": v} for i, v in enumerate(verdicts)}
    run = RunResults("e", "evaluation", {"effects": effects}, {"treated_touchpoint": "store"})
    verdict = evaluation_verdict(run, study)
    assert verdict["verdict"] == expected and verdict["touchpoint"] == "store"
    assert verdict["n_kpis"] == 2 and verdict["improved"] == verdicts.count("improved")


def test_run_check_names_every_problem(minimal_study):
    study = load_study(minimal_study(runs=[{"id": "a", "notebook": "x.ipynb"}]))
    problems = check_run(study, {"inputs": ["a", "zz"], "weight_pain": -2, "language": "fr"})
    messages = [p.message for p in problems]
    assert messages == [
        "Unknown report run",
        "Priority weights must be non-negative numbers, not all 0",
        "Report language not declared by the study",
    ]
    assert check_run(study, {"inputs": ["a"], "weight_gap": 0.5}) == []


def test_evaluation_verdict_of_one_improvement_among_several(minimal_study):
    kpis = [{"column": "k0", "label": {"en": "Queue time"}, "unit": {"en": "min"}}]
    improvements = {"queue": {"kpis": kpis}, "kiosk": {"treated_touchpoint": "kiosk", "kpis": kpis}}
    section = {"treated_touchpoint": "store", "improvements": improvements}
    study = load_study(minimal_study(evaluation=section))
    effects = {"k0": {"estimate": -2.0, "verdict": "improved"}}
    undeclared = RunResults("e", "evaluation", {"effects": effects}, {"improvement": "queue"})
    assert evaluation_verdict(undeclared, study) is None  # not the main section's touchpoint
    run = RunResults("e", "evaluation", {"effects": effects}, {"improvement": "kiosk"})
    verdict = evaluation_verdict(run, study)
    assert verdict["touchpoint"] == "kiosk" and verdict["kpis"] == [("Queue time", -2.0, "min", "improved")]
