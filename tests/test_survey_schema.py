"""The survey section and readers: every format of the sample, and clear errors for bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import yaml
from conftest import copy_sample

from research import DataError, load_study
from research.survey import load_survey, read_raw
from research.survey.readers import code_answers
from research.survey.schema import Scale


@pytest.fixture
def sample_copy(project_copy):
    """A writable copy of the sample study and a function to rewrite its study.yml."""
    folder = copy_sample(project_copy)

    def edit(change):
        content = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
        change(content)
        (folder / "study.yml").write_text(
            yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return folder

    return folder, edit


def test_all_three_formats_load_and_agree():
    data = load_survey("sample")
    responses = data.responses
    assert data.waves == ["before", "after"]
    assert responses.groupby("wave").size().to_dict() == {"before": 1500, "after": 1500}
    assert {"respondent_id", "wave", "weight", "region", "tier", "channel"} <= set(responses.columns)
    # GBK text labels (非常满意 ...), codes and SPSS codes all land on the 1-5 scale.
    items = data.items.set_index("item")
    for item, row in items.iterrows():
        values = responses[item].dropna()
        assert values.between(row["scale_min"], row["scale_max"]).all(), item
    # Segment labels in Chinese (CSV), codes (Excel) and SPSS value labels map to the same codes.
    for wave in ("before", "after"):
        assert set(responses.loc[responses["wave"] == wave, "region"]) == {"east", "south", "north", "west"}
    # The panel: the same ids in both waves, read from the CSV and the .sav.
    ids = responses.groupby("wave")["respondent_id"].apply(set)
    assert len(ids["before"] & ids["after"]) == 400
    assert data.outcome == {"overall": "overall_sat", "nps": "recommend", "ces": "effort"}
    assert data.source.loc[0, "row"] == 2  # first data row of the CSV


def test_text_labels_and_missing_codes_of_the_gbk_file():
    raw = read_raw(load_study("sample").file("survey_before")).frame
    data = load_survey("sample", "before").responses
    text = raw["hotline_wait"]
    labels = {"非常不满意": 1, "不满意": 2, "一般": 3, "满意": 4, "非常满意": 5}
    for label, code in labels.items():
        assert (data.loc[text == label, "hotline_wait"] == code).all()
    assert data.loc[text.isin(["不知道", "不适用"]), "hotline_wait"].isna().all()
    assert data.loc[raw["store_wait"] == "99", "store_wait"].isna().all()


def test_excel_question_row_is_skipped_and_reverse_item_reversed():
    study = load_study("sample")
    raw = read_raw(study.file("survey_after"), study.file_spec("survey_after"))
    assert raw.first_row == 3 and raw.frame.loc[0, "respondent_id"].startswith("SL")
    after = load_survey("sample", file_id="survey_after").responses
    original = pd.to_numeric(raw.frame["bill_confusing"], errors="coerce")
    valid = original.between(1, 5)
    assert (after.loc[valid, "bill_confusing"] == 6 - original[valid]).all()


def test_touchpoint_scores_are_item_means():
    data = load_survey("sample", "before", weighting="none")
    scores = data.touchpoint_scores()
    items = data.touchpoint_items("bill")
    assert scores["bill"].equals(data.responses[items].mean(axis=1))
    assert (data.responses["weight"] == 1.0).all()
    assert list(scores.columns) == data.touchpoints


def test_code_answers_names_row_column_and_value():
    sat5 = Scale(min=1, max=5, labels={5: {"zh": "非常满意", "en": "Very satisfied"}})
    with pytest.raises(DataError) as error:
        code_answers(
            pd.Series(["5", "7"]),
            sat5,
            missing_text=set(),
            missing_numbers=set(),
            file="w.csv",
            column="q1",
            first_row=2,
        )
    assert (error.value.row, error.value.column, error.value.value) == (3, "q1", "7")
    with pytest.raises(DataError, match="not a code") as error:
        code_answers(pd.Series(["很好"]), sat5, missing_text=set(), missing_numbers=set(), column="q1")
    assert "非常满意" in str(error.value)
    assert code_answers(
        pd.Series(["very SATISFIED"]), sat5, missing_text=set(), missing_numbers=set()
    ).tolist() == [5.0]


def _rewrite_csv(folder, change):
    path = folder / "survey" / "before.csv"
    frame = pd.read_csv(path, encoding="gbk", dtype=str, keep_default_na=False)
    changed = change(frame)  # edits in place (returns None) or returns the new frame
    (frame if changed is None else changed).to_csv(path, index=False, encoding="gbk")


@pytest.mark.parametrize(
    ("change", "message", "row", "column"),
    [
        (lambda f: f.loc.__setitem__((0, "store_wait"), "6"), "not a code", 2, "store_wait"),
        (lambda f: f.loc.__setitem__((4, "hotline_ivr"), "很好"), "not a code", 6, "hotline_ivr"),
        (
            lambda f: f.loc.__setitem__((9, "respondent_id"), f.loc[3, "respondent_id"]),
            "Duplicate",
            11,
            "respondent_id",
        ),
        (lambda f: f.loc.__setitem__((2, "tier"), "钻石卡"), "Unknown segment", 4, "tier"),
    ],
)
def test_bad_values_in_the_export_name_file_row_column(sample_copy, change, message, row, column):
    folder, _ = sample_copy
    _rewrite_csv(folder, change)
    with pytest.raises(DataError, match=message) as error:
        load_survey("sample", "before")
    assert error.value.row == row and error.value.column == column
    assert error.value.file.endswith("before.csv")


def test_missing_column_is_named(sample_copy):
    folder, _ = sample_copy
    _rewrite_csv(folder, lambda f: f.drop(columns="effort"))
    with pytest.raises(DataError, match="Missing required column") as error:
        load_survey("sample", "before")
    assert error.value.column == "effort"


def test_empty_wave_is_an_error(sample_copy):
    folder, _ = sample_copy
    _rewrite_csv(folder, lambda f: f.iloc[:0])
    with pytest.raises(DataError, match=r"no respondents|no data rows"):
        load_survey("sample", "before")


def test_spss_value_labels_must_agree_with_the_scale(sample_copy):
    folder, _ = sample_copy
    path = folder / "survey" / "after_panel.sav"
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = dict(meta.variable_value_labels)
    labels["overall_sat"] = {1.0: "非常满意", 5.0: "非常不满意"}  # a reversed export
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels, missing_ranges=meta.missing_ranges)
    with pytest.raises(DataError, match="value labels disagree") as error:
        load_survey("sample", "after")
    assert error.value.column == "overall_sat"


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        (
            lambda s: s["items"]["store_wait"].__setitem__("touchpoint", "shop"),
            "survey.items.store_wait.touchpoint",
            "hotline",
        ),
        (
            lambda s: s["items"]["store_wait"].__setitem__("scale", "likert9"),
            "survey.items.store_wait.scale",
            "satisfaction5",
        ),
        (
            lambda s: s["waves"]["before"].__setitem__("files", ["nope"]),
            "survey.waves.before.files[0]",
            "margins",
        ),
        (lambda s: s["outcomes"].__setitem__("nps", "ltr"), "survey.outcomes.nps", "recommend"),
        (lambda s: s.__setitem__("colour", "red"), "survey.colour", "valid example"),
        (lambda s: s["scales"]["effort7"].__setitem__("max", 0), "survey.scales.effort7", "valid example"),
    ],
)
def test_bad_survey_section_names_the_field(sample_copy, change, field, hint):
    _, edit = sample_copy
    edit(lambda content: change(content["survey"]))
    with pytest.raises(DataError) as error:
        load_study("sample", check_sections=True)
    assert error.value.column == field
    assert error.value.file.endswith("study.yml")
    assert hint in str(error.value)


def test_weight_column_is_used_when_declared(sample_copy):
    folder, edit = sample_copy
    _rewrite_csv(folder, lambda f: f.__setitem__("w", np.where(np.arange(len(f)) % 2, "2", "1")))
    only_before = {"before": {"files": ["survey_before"]}}
    edit(lambda content: content["survey"].update({"weight": "w", "waves": only_before}))
    data = load_survey("sample")
    assert data.responses["weight"].head(4).tolist() == [1.0, 2.0, 1.0, 2.0]
    _rewrite_csv(folder, lambda f: f.loc.__setitem__((5, "w"), "-1"))
    with pytest.raises(DataError, match="positive") as error:
        load_survey("sample")
    assert error.value.row == 7
