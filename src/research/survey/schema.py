"""The ``survey:`` section of study.yml: its configuration models and their validation.

The section maps the columns of survey exports to the study's touchpoints and metrics: the
respondent id, an optional weight, segment columns (with their labels in each language), named
answer scales (1-5, 1-7, 0-10, with text labels such as 非常满意 ... 非常不满意), the items
(column -> touchpoint, attribute, scale, reverse keying), the outcome items (overall
satisfaction, likelihood to recommend, customer effort), the "don't know" / "not applicable"
codes that become missing, the waves (wave -> file ids, fieldwork date) and, optionally, the
population margins that :func:`research.survey.data.load_survey` rakes each wave to (the
loader and the :class:`~research.survey.data.SurveyData` container live in
:mod:`research.survey.data`).

A minimal section::

    survey:
      respondent_id: respondent_id
      waves:
        before: {files: [survey_before], date: 2025-05-15}
      segments:
        tier: {standard: {zh: 普通, en: Standard}, gold: {zh: 金卡, en: Gold}}
      scales:
        sat5:
          min: 1
          max: 5
          labels: {1: {zh: 非常不满意, en: Very dissatisfied}, 5: {zh: 非常满意, en: Very satisfied}}
      items:
        store_wait:
          {touchpoint: store, attribute: speed, scale: sat5, label: {zh: 等候时间, en: Waiting time}}
      missing: {dont_know: [99, 不知道, "Don't know"], not_applicable: [98, 不适用, N/A]}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from pydantic import Field, ValidationError, model_validator

from research.config import StrictModel
from research.errors import DataError, from_validation_error, problems_of
from research.study import Names, Study

#: Column names :func:`load_survey` adds to the responses table; items and segments may not use them.
RESERVED_COLUMNS = ("respondent_id", "wave", "weight")


class Scale(StrictModel):
    """An answer scale: integer codes ``min..max`` and optional text labels per code."""

    min: int
    max: int
    labels: dict[int, Names] = Field(default_factory=dict)
    description: str = ""

    @model_validator(mode="after")
    def _check_range(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        outside = [code for code in self.labels if not self.min <= code <= self.max]
        if outside:
            raise ValueError(f"label codes {outside} are outside {self.min}..{self.max}")
        return self


class Item(StrictModel):
    """One question (column): the touchpoint it rates, the attribute, its scale, its keying.

    ``touchpoint`` and ``attribute`` are optional. Items are reported in *rows* (the units of
    the scorecard, reliability and driver analysis): the items of one touchpoint form its row;
    items without a touchpoint are grouped by their ``attribute`` (items sharing an attribute
    and a scale form one multi-item row, e.g. three "trust" questions), and an item with
    neither is its own row. Items declared as study-level outcomes (``survey.outcomes``) and
    without a touchpoint are not rows: they are what the rows are compared against.
    """

    touchpoint: str | None = None
    attribute: str | None = None
    scale: str
    reverse: bool = False
    label: Names = Field(default_factory=Names)


class Wave(StrictModel):
    """A survey wave: the files holding its respondents and the fieldwork date."""

    files: list[str] = Field(min_length=1)
    date: dt.date | None = None


class MissingCodes(StrictModel):
    """Answers that are not opinions: they become missing (NaN)."""

    dont_know: list[int | str] = Field(default_factory=list)
    not_applicable: list[int | str] = Field(default_factory=list)


class Outcomes(StrictModel):
    """Item ids of the study-level outcome questions."""

    overall: str | None = None
    nps: str | None = None
    ces: str | None = None


class Weighting(StrictModel):
    """Rake each wave to population margins (see :func:`research.survey.rake`)."""

    margins: str
    variables: list[str] | None = None
    trim: tuple[float, float] | None = None
    max_iter: int = Field(default=100, ge=1)
    tolerance: float = Field(default=1e-6, gt=0)


class SurveySection(StrictModel):
    """The validated ``survey:`` section of study.yml."""

    respondent_id: str = "respondent_id"
    weight: str | None = None
    waves: dict[str, Wave] = Field(min_length=1)
    segments: dict[str, dict[str, Names]] = Field(default_factory=dict)
    scales: dict[str, Scale] = Field(min_length=1)
    items: dict[str, Item] = Field(min_length=1)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    missing: MissingCodes = Field(default_factory=MissingCodes)
    weighting: Weighting | None = None


def parse_survey_section(study: Study, section: dict[str, Any]) -> SurveySection:
    """Validate a ``survey:`` section against the study (catalog, files) and return it.

    Parameters
    ----------
    study : Study
        The loaded study (catalog and declared files).
    section : dict
        The raw ``survey:`` mapping of study.yml.

    Returns
    -------
    SurveySection
        The validated section.

    Raises
    ------
    DataError
        Naming study.yml, the field path (``survey.items.store_wait.touchpoint``), the value
        and what is allowed.
    """
    yml = study.yml_path
    try:
        parsed = SurveySection.model_validate(section)
    except ValidationError as exc:
        raise from_validation_error(
            exc,
            file=yml,
            what="survey section",
            prefix="survey",
            hint="See the survey: section of data/raw/sample/study.yml for a valid example.",
        ) from None

    def problem(path: str, value: Any, message: str, hint: str) -> DataError:
        return DataError(f"Invalid survey section: {message}", file=yml, column=path, value=value, hint=hint)

    reserved = {*RESERVED_COLUMNS, parsed.respondent_id, *parsed.segments}
    if parsed.weight:
        reserved.add(parsed.weight)
    for item_id, item in parsed.items.items():
        if item.touchpoint is not None and not study.known_touchpoint(item.touchpoint):
            raise problem(
                f"survey.items.{item_id}.touchpoint",
                item.touchpoint,
                "unknown touchpoint",
                f"Use a touchpoint id of the catalog: {[t.id for t in study.touchpoints]}",
            )
        if item.scale not in parsed.scales:
            raise problem(
                f"survey.items.{item_id}.scale",
                item.scale,
                "unknown scale",
                f"Declared scales: {sorted(parsed.scales)}",
            )
        if item_id in reserved:
            raise problem(
                f"survey.items.{item_id}",
                item_id,
                "item id clashes with a reserved column",
                f"Rename the item; reserved: {sorted(reserved)}",
            )
    for name, item_id in parsed.outcomes.model_dump().items():
        if item_id is not None and item_id not in parsed.items:
            raise problem(
                f"survey.outcomes.{name}",
                item_id,
                "not a declared item",
                f"Declared items: {list(parsed.items)[:40]}",
            )
    declared_files = study.definition.files
    for wave, spec in parsed.waves.items():
        for index, file_id in enumerate(spec.files):
            if file_id not in declared_files:
                raise problem(
                    f"survey.waves.{wave}.files[{index}]",
                    file_id,
                    "unknown file id",
                    f"Declared files: {sorted(declared_files)}",
                )
            if declared_files[file_id].role != "survey":
                raise problem(
                    f"survey.waves.{wave}.files[{index}]",
                    file_id,
                    "file's role is not 'survey'",
                    f"Set role: survey on files.{file_id} in study.yml.",
                )
    if parsed.weighting is not None:
        margins = parsed.weighting.margins
        if margins not in declared_files or declared_files[margins].role != "margins":
            raise problem(
                "survey.weighting.margins",
                margins,
                "not a declared file with role 'margins'",
                f"Files with role margins: {sorted(study.files_with_role('margins'))}",
            )
        for index, variable in enumerate(parsed.weighting.variables or []):
            if variable not in parsed.segments:
                raise problem(
                    f"survey.weighting.variables[{index}]",
                    variable,
                    "not a declared segment",
                    f"Declared segments: {list(parsed.segments)}",
                )
        trim = parsed.weighting.trim
        if trim is not None and not 0 < trim[0] < 1 < trim[1]:
            raise problem(
                "survey.weighting.trim",
                list(trim),
                "trim bounds must satisfy 0 < low < 1 < high",
                "Bounds are multiples of the mean weight, e.g. [0.3, 3.0].",
            )
    return parsed


def validate_section(study: Study) -> list[DataError]:
    """The problems of study.yml's ``survey:`` section (the pillar hook of :mod:`research.study`).

    Parameters
    ----------
    study : Study
        The loaded study.

    Returns
    -------
    list of DataError
        Empty when the section is valid, else its first problem.

    Examples
    --------
    >>> from research import load_study
    >>> validate_section(load_study("sample"))
    []
    """
    return problems_of(lambda: parse_survey_section(study, study.section("survey")))


def items_table(section: SurveySection) -> pd.DataFrame:
    """The item catalogue of a survey section, one row per item.

    ``group`` is the report row the item belongs to (see :class:`Item`): its touchpoint; else
    its attribute when every touchpoint-less item of that attribute shares its scale; else the
    item id; None for a study-level outcome item without a touchpoint.

    Parameters
    ----------
    section : SurveySection
        A validated survey section.

    Returns
    -------
    DataFrame
        ``item, touchpoint, attribute, group, scale, scale_min, scale_max, reverse, label_zh, label_en``.

    Examples
    --------
    >>> section = SurveySection.model_validate({
    ...     "waves": {"w": {"files": ["f"]}}, "scales": {"s10": {"min": 0, "max": 10}},
    ...     "items": {"q1": {"scale": "s10", "attribute": "trust"},
    ...               "q2": {"scale": "s10", "attribute": "trust"},
    ...               "q3": {"scale": "s10"}, "q4": {"scale": "s10"}},
    ...     "outcomes": {"overall": "q4"}})
    >>> items_table(section)["group"].tolist()
    ['trust', 'trust', 'q3', nan]
    """
    outcomes = {v for v in section.outcomes.model_dump().values() if v}
    free = {
        item_id: item
        for item_id, item in section.items.items()
        if item.touchpoint is None and item_id not in outcomes
    }
    scales_of: dict[str, set[str]] = {}
    for item in free.values():
        if item.attribute:
            scales_of.setdefault(item.attribute, set()).add(item.scale)
    rows = []
    for item_id, item in section.items.items():
        scale = section.scales[item.scale]
        if item.touchpoint is not None:
            group = item.touchpoint
        elif item_id not in free:
            group = None
        elif item.attribute and len(scales_of[item.attribute]) == 1:
            group = item.attribute
        else:
            group = item_id
        rows.append(
            {
                "item": item_id,
                "touchpoint": item.touchpoint,
                "attribute": item.attribute,
                "group": group,
                "scale": item.scale,
                "scale_min": scale.min,
                "scale_max": scale.max,
                "reverse": item.reverse,
                "label_zh": item.label.zh,
                "label_en": item.label.en,
            }
        )
    return pd.DataFrame(rows)
