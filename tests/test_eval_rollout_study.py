"""A study whose improvement rolled out in waves: study.yml fields, check_run, design auto, sample truths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from research import load_study
from research.errors import DataError
from research.evaluation import evaluate_kpis, load_kpi_series, rollout_checks
from research.evaluation.preconditions import check_run

MPDTA = Path(__file__).parent / "data" / "mpdta.csv"


def _mpdta() -> pd.DataFrame:
    # Real data: did's county teen employment panel (see tests/data/README.md), in long form with
    # the first treated year as a start column (empty = never treated).
    wide = pd.read_csv(MPDTA)
    long = wide.melt(id_vars=["countyreal", "first_treat"], var_name="year", value_name="lemp")
    long["year"] = long["year"].str[-4:].astype(int)
    long["start"] = long["first_treat"].where(long["first_treat"] > 0).astype("Int64")
    return long.drop(columns="first_treat").sort_values(["countyreal", "year"]).reset_index(drop=True)


def _study(root: Path, frame: pd.DataFrame, evaluation: dict, improvements: dict | None = None) -> Path:
    folder = root / "data" / "raw" / "waves"
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "series.csv", index=False)
    section = {"series_file": "series", **evaluation}
    if improvements:
        section["improvements"] = improvements
    content = {
        "name": "waves",
        "files": {"series": {"path": "series.csv", "role": "kpi_series"}},
        "evaluation": section,
    }
    (folder / "study.yml").write_text(yaml.safe_dump(content), encoding="utf-8")
    return folder


WAVES = {
    "unit_column": "countyreal",
    "time_column": "year",
    "start_column": "start",
    "kpis": [{"column": "lemp", "higher_is_better": True}],
}


def test_start_column_gives_the_rollout_design_and_did_s_estimates(project_copy):
    _study(project_copy, _mpdta(), WAVES)
    study = load_study("waves")
    assert check_run(study, {"design": "auto"}) == []
    series = load_kpi_series(study)
    assert series.staggered and series.intervention_label == "2004"
    evaluation = evaluate_kpis(series)
    table, choice = evaluation.effects, evaluation.design
    assert choice.design == "rollout"
    effect = table.set_index("term").loc["effect"]
    # simple aggregation, not-yet-treated comparisons: -0.0398 (see test_eval_rollout.py)
    assert round(effect["estimate"], 4) == -0.0398
    assert round(table.set_index("term").at["twfe", "estimate"], 4) == -0.0365
    checks = rollout_checks(series, language="zh")
    assert checks.waves["wave"].tolist() == ["2004", "2006", "2007"]
    assert "不一致" in checks.sentences["lemp"] or "一致" in checks.sentences["lemp"]
    # a treated_units mapping of unit -> start gives the same series
    starts = series.data.groupby("countyreal")["start"].first().dropna()
    mapping = {int(u): int(series.periods.label(int(p))) for u, p in starts.items()}
    _study(
        project_copy,
        _mpdta().drop(columns="start"),
        {**WAVES, "start_column": None, "treated_units": mapping},
    )
    again = load_kpi_series(load_study("waves"))
    evaluation = evaluate_kpis(again)
    table2 = evaluation.effects
    assert table2.at[0, "estimate"] == pytest.approx(effect["estimate"], abs=1e-12)


def test_start_problems_name_file_row_and_field(project_copy):
    frame = _mpdta().astype({"start": object})
    frame.loc[frame["countyreal"] == 8001, "start"] = "2004x"  # county 8001: rows 2-6
    frame.loc[frame["countyreal"] == 8019, "start"] = [2007, 2007, 2006, 2007, 2007]
    folder = _study(project_copy, frame, WAVES)
    with pytest.raises(DataError) as caught:
        load_study("waves", check_sections=True)
    assert caught.value.column == "start"
    problems = check_run(load_study("waves"), {"design": "auto"})
    by_message = {p.message: p for p in problems}
    changing = by_message["The start changes within a unit"]
    assert (str(changing.file), changing.row, changing.column) == (str(folder / "series.csv"), 7, "start")
    assert "countyreal = 8019" in str(changing.value)
    bad = next(p for p in problems if p.message.startswith("A start that is not a year"))
    assert (bad.row, bad.column, bad.value) == (2, "start", "2004x")


def test_zero_as_never_and_wrong_fields_are_refused(project_copy):
    frame = _mpdta()
    frame["start"] = frame["start"].fillna(0)
    _study(project_copy, frame, WAVES)
    problems = check_run(load_study("waves"), {})
    assert any("before the series" in p.message and "0 does not mean never" in p.hint for p in problems)
    _study(project_copy, _mpdta(), {**WAVES, "intervention": 2006})
    problems = check_run(load_study("waves"), {})
    assert [p.column for p in problems] == ["evaluation.intervention"]
    mapping = {"8001": "2004x"}
    _study(project_copy, _mpdta(), {**WAVES, "start_column": None, "treated_units": mapping})
    problems = check_run(load_study("waves"), {})
    assert [p.column for p in problems] == ["evaluation.treated_units.8001"]


def test_improvements_are_chosen_by_run_parameter(project_copy):
    hotline = _mpdta().assign(treated=lambda f: (f["start"] == 2004).fillna(False).astype(int))
    main = {
        "unit_column": "countyreal",
        "time_column": "year",
        "treated_column": "treated",
        "intervention": 2004,
        "kpis": [{"column": "lemp"}],
    }
    _study(project_copy, hotline, main, improvements={"waves": {"series_file": "series", **WAVES}})
    study = load_study("waves")
    assert check_run(study, {"improvement": "waves", "design": "rollout"}) == []
    unknown = check_run(study, {"improvement": "wavez"})
    assert [(p.column, p.value) for p in unknown] == [("improvement", "wavez")]
    wrong = check_run(study, {"design": "rollout"})
    assert [p.column for p in wrong] == ["design"]
    assert load_kpi_series(study, "waves").staggered
    assert not load_kpi_series(study).staggered


def test_sample_rollout_recovers_planted_truths():
    # data/raw/sample/README.md, evaluation: the store queueing system in three waves.
    from research.sample import rollout

    series = load_kpi_series(load_study("sample"), rollout.IMPROVEMENT)
    checks = rollout_checks(series, language="en")
    result = checks.results["queue_minutes"]
    overall = result.overall.iloc[0]
    assert overall["ci_low"] < rollout.planted_overall_effect() < overall["ci_high"]
    for estimate, planted in zip(result.groups["estimate"], rollout.planted_wave_effects(), strict=True):
        assert abs(estimate - planted) < 1.0  # the KPI's practical threshold (minutes)
    events = result.event_time.set_index("event_time")
    assert events.at[0, "ci_low"] < rollout.planted_event_effect(0) < events.at[0, "ci_high"]
    assert events.loc[-12:-2, "estimate"].abs().max() < 1.0  # parallel pre-trends
    twfe = result.twfe.iloc[0]
    assert not twfe["ci_low"] < rollout.planted_overall_effect() < twfe["ci_high"]  # biased
    assert "differs" in checks.sentences["queue_minutes"]
    assert np.isfinite(result.group_time["se"]).all()
