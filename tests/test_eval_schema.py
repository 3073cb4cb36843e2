"""The evaluation: section of study.yml."""

import copy

import pytest

from research import load_study
from research.errors import DataError
from research.evaluation.schema import evaluation_section


@pytest.fixture(scope="module")
def study():
    return load_study("sample")


def _with(study, **changes):
    section = copy.deepcopy(study.section("evaluation"))
    section.update(changes)
    return section


def test_sample_section_is_valid(study):
    parsed = evaluation_section(study, study.section("evaluation"))
    assert parsed.comparison_touchpoints == ["store", "app"]
    assert [k.column for k in parsed.kpis] == ["wait_seconds", "fcr", "complaint_rate", "satisfaction"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"intervention_date": "2030-01-01"}, "evaluation.intervention_date", "outside the series"),
        ({"intervention_date": "2024-07-08"}, "evaluation.intervention_date", "outside the series"),
        ({"treated_touchpoint": "helpdesk"}, "evaluation.treated_touchpoint", "Unknown touchpoint"),
        (
            {"comparison_touchpoints": ["store", "shop"]},
            "evaluation.comparison_touchpoints[1]",
            "Unknown touchpoint",
        ),
        ({"series_file": "nope"}, "evaluation.series_file", "Not a declared data file"),
        ({"unit_column": "centre"}, "evaluation.unit_column", "not in the series file"),
        ({"colour": "red"}, "evaluation.colour", "unknown field"),
    ],
)
def test_errors_name_the_field(study, changes, field, message):
    with pytest.raises(DataError, match=message) as info:
        evaluation_section(study, _with(study, **changes))
    assert info.value.column == field
    assert info.value.file == str(study.yml_path)


def test_unknown_kpi_column(study):
    section = _with(study)
    section["kpis"][2] = {**section["kpis"][2], "column": "nps"}
    with pytest.raises(DataError, match="KPI column not in the series file") as info:
        evaluation_section(study, section)
    assert info.value.column == "evaluation.kpis[2].column"


def test_negative_threshold_refused(study):
    section = _with(study)
    section["kpis"][0] = {**section["kpis"][0], "threshold": -1}
    with pytest.raises(DataError) as info:
        evaluation_section(study, section)
    assert info.value.column == "evaluation.kpis[0].threshold"
