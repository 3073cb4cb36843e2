"""The ``evaluation:`` section of study.yml: the improvement, its comparisons and its KPIs.

Validated on :func:`research.study.load_study` through ``validate_section``. Besides field
types it checks what only the data can tell: the KPI columns exist in the series file, the
touchpoints exist in the catalog and the intervention date falls inside the series with
weeks on both sides.

Example section::

    evaluation:
      intervention_date: '2025-07-07'
      treated_touchpoint: hotline
      comparison_touchpoints: [store, app]
      series_file: kpi_weekly          # a files: id with role kpi_series
      unit_column: unit                # call centre / store id
      time_column: week_start          # ISO date of the period start
      touchpoint_column: touchpoint
      treated_column: treated          # 1 = got the improvement
      kpis:
        - column: wait_seconds
          label: {zh: 平均等待时长, en: Average wait time}
          unit: {zh: 秒, en: s}
          higher_is_better: false
          threshold: 30                # practical significance, in KPI units
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from research.errors import DataError, from_validation_error
from research.io import read_table
from research.study import Names

if TYPE_CHECKING:
    from research.study import Study

SECTION = "evaluation"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KpiDefinition(_Strict):
    """One KPI column of the series file."""

    column: str
    label: Names
    unit: Names = Names()
    higher_is_better: bool = True
    threshold: float = Field(ge=0, description="smallest change that matters, in KPI units")


class EvaluationSection(_Strict):
    """The validated ``evaluation:`` section."""

    intervention_date: dt.date
    treated_touchpoint: str
    comparison_touchpoints: list[str] = Field(default_factory=list)
    series_file: str
    unit_column: str = "unit"
    time_column: str = "week_start"
    touchpoint_column: str = "touchpoint"
    treated_column: str = "treated"
    kpis: list[KpiDefinition] = Field(min_length=1)

    def kpi(self, column: str) -> KpiDefinition:
        """The definition of KPI *column*; unknown columns raise :class:`DataError`."""
        for kpi in self.kpis:
            if kpi.column == column:
                return kpi
        raise DataError(
            "Unknown KPI",
            column="evaluation.kpis",
            value=column,
            hint=f"Declared KPIs: {[k.column for k in self.kpis]}",
        )


def _problem(study: Study, field: str, value: Any, message: str, hint: str) -> DataError:
    return DataError(message, file=study.yml_path, column=f"{SECTION}.{field}", value=value, hint=hint)


def parse_section(study: Study, section: dict[str, Any]) -> EvaluationSection:
    """Field-level validation only (types, required fields, unknown fields)."""
    try:
        return EvaluationSection.model_validate(section)
    except ValidationError as exc:
        raise from_validation_error(
            exc, file=study.yml_path, what="evaluation section", prefix=SECTION,
            hint="See the evaluation: section of data/raw/sample/study.yml.",
        ) from None


def validate_section(study: Study, section: dict[str, Any]) -> EvaluationSection:
    """Validate study.yml's ``evaluation:`` section against the catalog and the series file.

    Raises
    ------
    DataError
        Naming the field path (``evaluation.kpis[2].column``), for a wrong field, an unknown
        touchpoint, a series file that is not declared, a KPI column missing from the file, or
        an intervention date outside the series.

    Examples
    --------
    >>> from research import load_study
    >>> study = load_study("sample")
    >>> validate_section(study, study.section("evaluation")).treated_touchpoint
    'hotline'
    """
    parsed = parse_section(study, section)
    known = [t.id for t in study.touchpoints]
    for field, ids in [
        ("treated_touchpoint", [parsed.treated_touchpoint]),
        ("comparison_touchpoints", parsed.comparison_touchpoints),
    ]:
        for index, touchpoint in enumerate(ids):
            if touchpoint not in known:
                where = field if field == "treated_touchpoint" else f"{field}[{index}]"
                raise _problem(
                    study,
                    where,
                    touchpoint,
                    "Unknown touchpoint id",
                    f"Use ids from the touchpoints: catalog: {known}",
                )
    if parsed.treated_touchpoint in parsed.comparison_touchpoints:
        raise _problem(
            study,
            "comparison_touchpoints",
            parsed.treated_touchpoint,
            "The treated touchpoint cannot be its own comparison",
            "List only untreated touchpoints as comparisons.",
        )
    if parsed.series_file not in study.definition.files:
        raise _problem(
            study,
            "series_file",
            parsed.series_file,
            "Not a declared data file",
            f"Declare it under files: (role kpi_series); declared: {sorted(study.definition.files)}",
        )
    frame = _read_series(study, parsed)
    for index, kpi in enumerate(parsed.kpis):
        if kpi.column not in frame.columns:
            raise _problem(
                study,
                f"kpis[{index}].column",
                kpi.column,
                "KPI column not in the series file",
                f"Columns of {study.file_spec(parsed.series_file).path}: {list(frame.columns)}",
            )
    dates = frame[parsed.time_column]
    start, end = dates.min().date(), dates.max().date()
    if not start < parsed.intervention_date <= end:
        raise _problem(
            study,
            "intervention_date",
            parsed.intervention_date.isoformat(),
            f"The intervention is outside the series ({start} to {end})",
            "A before/after design needs periods on both sides of the intervention; check the "
            "date, or with no pre-period report post-only description without a causal claim.",
        )
    return parsed


def _read_series(study: Study, parsed: EvaluationSection) -> pd.DataFrame:
    spec = study.file_spec(parsed.series_file)
    path = study.file(parsed.series_file)
    columns = [parsed.unit_column, parsed.time_column, parsed.touchpoint_column, parsed.treated_column]
    frame = read_table(path, encoding=spec.encoding, sheet=spec.sheet, **spec.options)
    for column in columns:
        if column not in frame.columns:
            field = {
                parsed.unit_column: "unit_column",
                parsed.time_column: "time_column",
                parsed.touchpoint_column: "touchpoint_column",
                parsed.treated_column: "treated_column",
            }
            raise _problem(
                study,
                field[column],
                column,
                "Column not in the series file",
                f"Columns of {spec.path}: {list(frame.columns)}",
            )
    parsed_dates = pd.to_datetime(frame[parsed.time_column], errors="coerce")
    bad = parsed_dates.isna() & frame[parsed.time_column].notna()
    if bad.any() or parsed_dates.isna().all():
        index = int(bad.to_numpy().argmax())
        raise DataError(
            "Not a date",
            file=path,
            row=index + 2,
            column=parsed.time_column,
            value=frame[parsed.time_column].iloc[index],
            hint="Write period starts as ISO dates, e.g. 2025-07-07.",
        )
    frame[parsed.time_column] = parsed_dates
    return frame


@dataclass
class KpiSeries:
    """The study's KPI series with its evaluation settings (see :func:`load_kpi_series`)."""

    data: pd.DataFrame
    config: EvaluationSection
    file_id: str

    @property
    def kpi_columns(self) -> list[str]:
        return [k.column for k in self.config.kpis]


def load_kpi_series(study: Study) -> KpiSeries:
    """Read the study's KPI series file declared in ``evaluation.series_file``.

    Adds ``post`` (1 from the intervention period on) and ``period`` (0-based index of the
    period, used by time-series designs); the time column is parsed as dates.

    Examples
    --------
    >>> from research import load_study
    >>> series = load_kpi_series(load_study("sample"))
    >>> series.config.treated_touchpoint, int(series.data["post"].sum() > 0)
    ('hotline', 1)
    """
    section = study.section(SECTION)
    if not section:
        raise DataError(
            "The study has no evaluation: section",
            file=study.yml_path,
            column=SECTION,
            hint="Add one (see data/raw/sample/study.yml) to evaluate an improvement.",
        )
    parsed = validate_section(study, section)
    frame = _read_series(study, parsed)
    intervention = pd.Timestamp(parsed.intervention_date)
    frame["post"] = (frame[parsed.time_column] >= intervention).astype(int)
    periods = sorted(frame[parsed.time_column].unique())
    frame["period"] = frame[parsed.time_column].map({p: i for i, p in enumerate(periods)})
    return KpiSeries(data=frame, config=parsed, file_id=parsed.series_file)
