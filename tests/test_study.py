"""Study definition: loading the sample, and clear errors for every kind of bad study.yml."""

from __future__ import annotations

import pytest

from research import DataError, load_study
from research.study import DEFAULT_STAGES


def test_sample_study_loads_with_full_catalog():
    study = load_study("sample")
    assert study.name == "sample"
    assert study.language == "zh"
    assert study.stages == DEFAULT_STAGES
    assert len(study.touchpoints) >= 12
    catalog = study.catalog
    # Every classification of the catalog is filled for every touchpoint.
    for column in ("stage", "phase", "channel", "type", "visibility", "lifecycle", "owner"):
        assert catalog[column].notna().all() and (catalog[column].astype(str) != "").all(), column
    assert set(catalog["channel"]) == {"online", "offline"}
    assert set(catalog["type"]) == {"physical", "digital", "interpersonal"}
    assert "back-stage" in set(catalog["visibility"])
    assert study.touchpoint_label("hotline", "zh") == "客服热线"
    assert study.stage_label("after-sales", "zh") == "售后"
    # Catalog rows come in journey order.
    assert list(catalog["stage"].cat.codes) == sorted(catalog["stage"].cat.codes)
    for file_id in study.definition.files:
        assert study.file(file_id).exists()


def test_minimal_study_loads(minimal_study):
    minimal_study()
    study = load_study("mini")
    assert study.touchpoint("store").name.get("en") == "Store"
    assert study.file("kpis").name == "kpis.csv"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Unknown journey stage: names the field and the allowed stages.
        (
            {
                "touchpoints": [
                    {
                        "id": "store",
                        "name": {"en": "S"},
                        "stage": "buying",
                        "phase": "purchase",
                        "channel": "offline",
                        "type": "physical",
                    }
                ]
            },
            ["touchpoints[0].stage", "buying", "awareness"],
        ),
        # Bad literal: channel must be online/offline.
        (
            {
                "touchpoints": [
                    {
                        "id": "store",
                        "name": {"en": "S"},
                        "stage": "purchase",
                        "phase": "purchase",
                        "channel": "mobile",
                        "type": "physical",
                    }
                ]
            },
            ["touchpoints[0].channel", "'online'", "'offline'"],
        ),
        # Misspelt field.
        ({"langauges": ["en"]}, ["langauges", "unknown field"]),
        # Duplicate touchpoint id.
        (
            {
                "touchpoints": [
                    {
                        "id": "store",
                        "name": {"en": "S"},
                        "stage": "purchase",
                        "phase": "purchase",
                        "channel": "offline",
                        "type": "physical",
                    },
                    {
                        "id": "store",
                        "name": {"en": "S2"},
                        "stage": "purchase",
                        "phase": "purchase",
                        "channel": "offline",
                        "type": "physical",
                    },
                ]
            },
            ["duplicate touchpoint id", "store"],
        ),
        # Declared data file missing on disk.
        ({"files": {"kpis": {"path": "nope.csv", "role": "kpi_series"}}}, ["files.kpis.path", "nope.csv"]),
        # Unknown file role.
        ({"files": {"kpis": {"path": "kpis.csv", "role": "spreadsheet"}}}, ["files.kpis.role", "survey"]),
        # Missing required field.
        ({"title": None}, ["title"]),
    ],
)
def test_invalid_study_gives_one_clear_error(minimal_study, change, expected):
    minimal_study(**change)
    with pytest.raises(DataError) as caught:
        load_study("mini")
    message = str(caught.value)
    assert "study.yml" in message
    for fragment in expected:
        assert fragment in message, (fragment, message)


def test_yaml_syntax_error_names_line(minimal_study):
    folder = minimal_study()
    (folder / "study.yml").write_text("name: mini\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"not valid YAML.*row \d"):
        load_study("mini")


def test_unknown_study_lists_known_ones(minimal_study):
    with pytest.raises(DataError, match=r"No such study.*mini"):
        load_study("nonexistent")


def test_unknown_touchpoint_lookup(minimal_study):
    study = load_study("mini")
    with pytest.raises(DataError, match="Known touchpoints"):
        study.touchpoint("hotline")


# --- pillar sections: one hook per pillar, and a pillar that fails to import is an error -------


def test_every_pillar_registers_one_section_hook():
    import importlib
    import inspect

    from research.errors import DataError as Error
    from research.study import SECTION_VALIDATORS

    study = load_study("sample")
    for section, module_name in SECTION_VALIDATORS.items():
        hook = importlib.import_module(module_name).validate_section
        assert list(inspect.signature(hook).parameters) == ["study"], module_name
        problems = hook(study)
        assert problems == [] and isinstance(problems, list), section
    broken = {"unit": "word"}
    from research.coding.schema import _coding_section

    with pytest.raises(Error, match="Invalid coding section"):
        _coding_section(study, broken)


def test_a_pillar_that_fails_to_import_is_an_error(monkeypatch):
    from research import study as study_module

    monkeypatch.setitem(study_module.SECTION_VALIDATORS, "survey", "research.survey.no_such_schema")
    study = load_study("sample")
    with pytest.raises(DataError, match="The survey pillar failed to import") as info:
        study_module.pillar_section_problems(study, "survey")
    assert "ModuleNotFoundError" in str(info.value)
    with pytest.raises(DataError, match="survey pillar failed to import"):
        load_study("sample", check_sections=True)
    # An absent section needs no pillar: a study without a survey section still loads.
    assert study_module.pillar_section_problems(study, "evaluation") == []


def test_a_section_problem_is_returned_then_raised_on_check(minimal_study):
    from research.study import pillar_section_problems

    minimal_study(coding={"unit": "word"})
    study = load_study("mini")
    problems = pillar_section_problems(study, "coding")
    assert len(problems) == 1 and problems[0].column == "coding.unit"
    with pytest.raises(DataError, match="coding section"):
        load_study("mini", check_sections=True)
