"""The ``survey:`` section of study.yml and loading survey waves into tidy respondent tables.

The section maps the columns of survey exports to the study's touchpoints and metrics: the
respondent id, an optional weight, segment columns (with their labels in each language), named
answer scales (1-5, 1-7, 0-10, with text labels such as 非常满意 ... 非常不满意), the items
(column -> touchpoint, attribute, scale, reverse keying), the outcome items (overall
satisfaction, likelihood to recommend, customer effort), the "don't know" / "not applicable"
codes that become missing, the waves (wave -> file ids, fieldwork date) and, optionally, the
population margins that :func:`load_survey` rakes each wave to.

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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from research.errors import DataError, from_validation_error

if TYPE_CHECKING:
    from research.study import Study
    from research.survey.weights import RakeResult

#: Column names :func:`load_survey` adds to the responses table; items and segments may not use them.
RESERVED_COLUMNS = ("respondent_id", "wave", "weight")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    """A label in each language of the study."""

    zh: str | None = None
    en: str | None = None

    def get(self, language: str) -> str:
        """The label in *language*, falling back to the other language."""
        return getattr(self, language, None) or self.en or self.zh or ""


class Scale(_Strict):
    """An answer scale: integer codes ``min..max`` and optional text labels per code."""

    min: int
    max: int
    labels: dict[int, Label] = Field(default_factory=dict)
    description: str = ""

    @model_validator(mode="after")
    def _check_range(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        outside = [code for code in self.labels if not self.min <= code <= self.max]
        if outside:
            raise ValueError(f"label codes {outside} are outside {self.min}..{self.max}")
        return self


class Item(_Strict):
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
    label: Label = Field(default_factory=Label)


class Wave(_Strict):
    """A survey wave: the files holding its respondents and the fieldwork date."""

    files: list[str] = Field(min_length=1)
    date: dt.date | None = None


class MissingCodes(_Strict):
    """Answers that are not opinions: they become missing (NaN)."""

    dont_know: list[int | str] = Field(default_factory=list)
    not_applicable: list[int | str] = Field(default_factory=list)


class Outcomes(_Strict):
    """Item ids of the study-level outcome questions."""

    overall: str | None = None
    nps: str | None = None
    ces: str | None = None


class Weighting(_Strict):
    """Rake each wave to population margins (see :func:`research.survey.rake`)."""

    margins: str
    variables: list[str] | None = None
    trim: tuple[float, float] | None = None
    max_iter: int = Field(default=100, ge=1)
    tolerance: float = Field(default=1e-6, gt=0)


class SurveySection(_Strict):
    """The validated ``survey:`` section of study.yml."""

    respondent_id: str = "respondent_id"
    weight: str | None = None
    waves: dict[str, Wave] = Field(min_length=1)
    segments: dict[str, dict[str, Label]] = Field(default_factory=dict)
    scales: dict[str, Scale] = Field(min_length=1)
    items: dict[str, Item] = Field(min_length=1)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    missing: MissingCodes = Field(default_factory=MissingCodes)
    weighting: Weighting | None = None


def parse_section(study: Study, section: dict[str, Any]) -> SurveySection:
    """Validate a ``survey:`` section against the study (catalog, files) and return it.

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

    Examples
    --------
    >>> from research import load_study
    >>> validate_section(load_study("sample"))
    []
    """
    try:
        parse_section(study, study.section("survey"))
    except DataError as error:
        return [error]
    return []


@dataclass
class SurveyData:
    """One or more survey waves of a study, cleaned and coded.

    Attributes
    ----------
    responses : DataFrame
        One row per respondent and wave: ``respondent_id``, ``wave``, ``weight`` (1.0 when the
        study has neither weights nor margins), the segment columns (codes), and one numeric
        column per item (scale codes; NaN = missing, "don't know" or "not applicable";
        reverse-keyed items already reversed so that higher is always better).
    items : DataFrame
        One row per item: ``item``, ``touchpoint`` (None for study-level outcomes),
        ``attribute``, ``scale``, ``scale_min``, ``scale_max``, ``reverse``, ``label_zh``,
        ``label_en``.
    outcome : dict
        ``{"overall": item, "nps": item, "ces": item}`` (None where the study has none).
    segments : list of str
        Segment columns of ``responses``.
    waves : list of str
        Waves in ``responses``, in study.yml order.
    source : DataFrame
        Per response row: the ``file`` and spreadsheet ``row`` it came from (for error messages).
    weighting : dict
        Per wave, the :class:`research.survey.weights.RakeResult` when the wave was raked.
    scales : dict
        Scale name -> :class:`Scale` (labels per code).
    language : str
        The study's main language.
    """

    responses: pd.DataFrame
    items: pd.DataFrame
    outcome: dict[str, str | None]
    segments: list[str]
    waves: list[str] = field(default_factory=list)
    source: pd.DataFrame | None = None
    weighting: dict[str, RakeResult] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    language: str = "en"

    def __repr__(self) -> str:
        return (
            f"SurveyData({len(self.responses)} responses, waves {self.waves}, "
            f"{len(self.items)} items, segments {self.segments})"
        )

    @property
    def touchpoints(self) -> list[str]:
        """The report rows, in item order: touchpoints rated by at least one item, and for items
        without a touchpoint their attribute group (or the item itself); see :class:`Item`.
        """
        column = "group" if "group" in self.items.columns else "touchpoint"
        return list(dict.fromkeys(self.items[column].dropna()))

    def touchpoint_items(self, touchpoint: str) -> list[str]:
        """The item ids of the row *touchpoint* (a touchpoint, attribute group or item)."""
        column = "group" if "group" in self.items.columns else "touchpoint"
        items = self.items.loc[self.items[column] == touchpoint, "item"].tolist()
        if not items:
            raise DataError(
                "No survey items rate this touchpoint",
                value=touchpoint,
                hint=f"Touchpoints with items: {self.touchpoints}",
            )
        return items

    def row_range(self, row: str) -> tuple[int, int]:
        """The scale range (lowest ``scale_min``, highest ``scale_max``) of a row's items."""
        items = self.items[self.items["item"].isin(self.touchpoint_items(row))]
        return int(items["scale_min"].min()), int(items["scale_max"].max())

    def row_labels(self, study: Study, language: str | None = None) -> dict[str, str]:
        """Display names of the rows in *language*.

        A touchpoint row shows the catalog's name (its id without a catalog); a row of one item
        without a touchpoint shows the item's label (its id without a label); an attribute
        group of several items shows the attribute.

        Examples
        --------
        >>> from research import load_study
        >>> study = load_study("sample")
        >>> load_survey(study, "before").row_labels(study, "en")["hotline"]
        'Service hotline'
        """
        language = language or study.language
        labels = {}
        for row in self.touchpoints:
            items = self.items[self.items["item"].isin(self.touchpoint_items(row))]
            first = items.iloc[0]
            if first["touchpoint"] is not None and not pd.isna(first["touchpoint"]):
                labels[row] = study.touchpoint_label(row, language)
            elif len(items) == 1:
                other = "zh" if language == "en" else "en"
                labels[row] = first.get(f"label_{language}") or first.get(f"label_{other}") or row
            else:
                labels[row] = row
        return labels

    def touchpoint_scores(self, exclude: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
        """Respondent x row table: mean of the row's answered items.

        NaN where the respondent answered none of them (did not use the touchpoint, or did not
        know). Same index as :attr:`responses`; these are the inputs of key-driver analysis.
        Items in *exclude* are left out (a row left with no item is dropped).

        Examples
        --------
        >>> data = load_survey("sample", "before")
        >>> scores = data.touchpoint_scores()
        >>> "hotline" in scores.columns and len(scores) == len(data.responses)
        True
        """
        columns = {}
        for tp in self.touchpoints:
            items = [i for i in self.touchpoint_items(tp) if i not in exclude]
            if items:
                columns[tp] = self.responses[items].mean(axis=1, skipna=True)
        return pd.DataFrame(columns, index=self.responses.index)

    def wave(self, name: str) -> SurveyData:
        """The responses of one wave as their own :class:`SurveyData`."""
        if name not in self.waves:
            raise DataError("Unknown survey wave", value=name, hint=f"Waves: {self.waves}")
        keep = (self.responses["wave"] == name).to_numpy()
        return SurveyData(
            responses=self.responses.loc[keep].reset_index(drop=True),
            items=self.items,
            outcome=self.outcome,
            segments=self.segments,
            waves=[name],
            source=None if self.source is None else self.source.loc[keep].reset_index(drop=True),
            weighting={k: v for k, v in self.weighting.items() if k == name},
            scales=self.scales,
            language=self.language,
        )


def items_table(section: SurveySection) -> pd.DataFrame:
    """The item catalogue of a survey section, one row per item.

    ``group`` is the report row the item belongs to (see :class:`Item`): its touchpoint; else
    its attribute when every touchpoint-less item of that attribute shares its scale; else the
    item id; None for a study-level outcome item without a touchpoint.

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


def load_survey(
    study: Study | str,
    wave: str | list[str] | None = None,
    *,
    file_id: str | None = None,
    weights: Literal["auto", "none", "required"] = "auto",
    segments: list[str] | tuple[str, ...] = (),
) -> SurveyData:
    """Read, validate and code the survey waves of a study.

    Parameters
    ----------
    study : Study or str
        A loaded study or its name (``"sample"``).
    wave : str or list of str, optional
        Wave name(s) from ``survey.waves``; all waves when omitted.
    file_id : str, optional
        Read only this declared file (of any wave) instead of whole waves.
    weights : {"auto", "none"}
        ``"auto"``: the weight column if study.yml declares one, otherwise raking of each wave
        to the declared population margins (``survey.weighting``), otherwise 1.0.
        ``"none"``: every weight 1.0. ``"required"``: as ``"auto"``, but a study with neither
        a weight column nor margins is a :class:`DataError` (a report that says "weighted" must
        be weighted).
    segments : list of str
        Further columns of the survey files to keep as segments, beyond ``survey.segments``:
        their values are the segment codes as they are (text, stripped; SPSS value labels
        applied). A segment declared in ``survey.segments`` with no labels behaves the same.

    Returns
    -------
    SurveyData

    Raises
    ------
    DataError
        Naming file, spreadsheet row, column and value for: unknown answer labels, codes out
        of the scale's range, duplicate respondent ids within a wave, missing required columns,
        empty waves, unknown segment labels, invalid weights.

    Examples
    --------
    >>> data = load_survey("sample", "before")
    >>> data.outcome["nps"]
    'recommend'
    >>> bool(data.responses["recommend"].between(0, 10).all() or data.responses["recommend"].isna().any())
    True
    """
    from research.study import load_study
    from research.survey.readers import read_margins, read_wave_file
    from research.survey.weights import rake

    if not hasattr(study, "section"):
        study = load_study(study)
    section = parse_section(study, study.section("survey"))
    if not study.section("survey"):
        raise DataError("The study has no survey: section", file=study.yml_path, column="survey")
    if weights not in ("auto", "none", "required"):
        raise DataError("Unknown weights option", value=weights, hint="Use 'auto', 'none' or 'required'.")
    if weights == "required" and section.weight is None and section.weighting is None:
        raise DataError(
            "Weighting was asked for, but the survey declares neither a weight column nor margins",
            file=study.yml_path,
            column="survey.weighting",
            hint="Declare population margins (survey.weighting.margins, a file with role margins) or a "
            "weight column (survey.weight), or run unweighted (weighted: false).",
        )
    extra = [c for c in dict.fromkeys(segments) if c and c not in section.segments]

    if file_id is not None:
        owners = [name for name, spec in section.waves.items() if file_id in spec.files]
        study.file_spec(file_id)  # unknown ids raise with the list of declared files
        plan = {owners[0] if owners else file_id: [file_id]}
    else:
        names = list(section.waves) if wave is None else [wave] if isinstance(wave, str) else list(wave)
        for name in names:
            if name not in section.waves:
                raise DataError(
                    "Unknown survey wave",
                    file=study.yml_path,
                    column="survey.waves",
                    value=name,
                    hint=f"Declared waves: {list(section.waves)}",
                )
        plan = {name: section.waves[name].files for name in names}

    frames, sources = [], []
    for wave_name, file_ids in plan.items():
        parts = [read_wave_file(study, section, fid, extra_segments=extra) for fid in file_ids]
        responses = pd.concat([p[0] for p in parts], ignore_index=True)
        source = pd.concat([p[1] for p in parts], ignore_index=True)
        if responses.empty:
            raise DataError(
                "The survey wave has no respondents",
                file=study.file(file_ids[0]),
                value=wave_name,
                hint="Check the export: it has a header but no data rows.",
            )
        _check_unique_ids(responses, source, wave_name)
        responses.insert(1, "wave", wave_name)
        frames.append(responses)
        sources.append(source)
    responses = pd.concat(frames, ignore_index=True)
    source = pd.concat(sources, ignore_index=True)

    weighting: dict[str, RakeResult] = {}
    if weights == "none" or (section.weight is None and section.weighting is None):
        responses.insert(2, "weight", 1.0)
    elif section.weight is not None:
        responses.insert(2, "weight", _checked_weights(responses.pop("__weight__"), source))
    else:
        config = section.weighting
        margins = read_margins(study, section, config.margins)
        variables = config.variables or sorted(margins["variable"].unique())
        weight = pd.Series(np.nan, index=responses.index)
        for wave_name in plan:
            rows = responses["wave"] == wave_name
            result = rake(
                responses.loc[rows],
                margins,
                variables=variables,
                trim=config.trim,
                max_iter=config.max_iter,
                tolerance=config.tolerance,
                source=source.loc[rows],
            )
            weight.loc[rows] = result.weights
            weighting[wave_name] = result
        responses.insert(2, "weight", weight.to_numpy())
    responses = responses.drop(columns="__weight__", errors="ignore")
    return SurveyData(
        responses=responses,
        items=items_table(section),
        outcome=section.outcomes.model_dump(),
        segments=[*section.segments, *extra],
        waves=list(plan),
        source=source,
        weighting=weighting,
        scales=dict(section.scales),
        language=study.language,
    )


def _check_unique_ids(responses: pd.DataFrame, source: pd.DataFrame, wave: str) -> None:
    duplicated = responses["respondent_id"].duplicated(keep="first")
    if duplicated.any():
        at = int(np.flatnonzero(duplicated.to_numpy())[0])
        value = responses["respondent_id"].iloc[at]
        first = int(np.flatnonzero((responses["respondent_id"] == value).to_numpy())[0])
        raise DataError(
            f"Duplicate respondent id in wave {wave!r}",
            file=source["file"].iloc[at],
            row=int(source["row"].iloc[at]),
            column="respondent_id",
            value=value,
            hint=f"It first appears in {source['file'].iloc[first]} row {int(source['row'].iloc[first])}; "
            "remove the repeated interview or give it its own id.",
        )


def _checked_weights(values: pd.Series, source: pd.DataFrame) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers <= 0)
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            "Survey weight must be a positive number",
            file=source["file"].iloc[at],
            row=int(source["row"].iloc[at]),
            column="weight",
            value=values.iloc[at],
            hint="Fix the weight or drop the respondent; weights are not frequency counts.",
        )
    return numbers.to_numpy(dtype=float)


def load_wave(study: Study | str, wave: str = "", *, weighted: bool = False, segment: str = "") -> SurveyData:
    """The survey data of one report run: one wave, weighted only when asked, with its segment.

    Parameters
    ----------
    study : Study or str
    wave : str
        A wave under ``survey.waves``; empty: the first declared wave.
    weighted : bool
        True: the declared weight column or raking to the declared margins, and a
        :class:`DataError` when the survey declares neither (``weights="required"``).
    segment : str
        A segment column to keep (declared under ``survey.segments`` or any column of the
        survey files, whose values are then the codes); empty: none beyond the declared ones.

    Examples
    --------
    >>> data = load_wave("sample")
    >>> data.waves, float(data.responses["weight"].std())
    (['before'], 0.0)
    """
    from research.study import load_study

    if not hasattr(study, "section"):
        study = load_study(study)
    if not wave:
        waves = list((study.section("survey") or {}).get("waves") or {})
        wave = waves[0] if waves else ""
    return load_survey(
        study, wave or None, weights="required" if weighted else "none", segments=[segment] if segment else []
    )
