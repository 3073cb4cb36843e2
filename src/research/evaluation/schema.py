"""The ``evaluation:`` section of study.yml: the KPI series, its shape, the intervention, the KPIs.

Validated on :func:`research.study.load_study` through ``validate_section``. Besides field
types it checks what only the data can tell: the columns exist, the time column parses in one
frequency, the KPI columns are numeric, the treated units exist, the intervention falls inside
the series with a period on each side, and no (unit, period) appears twice.

Three shapes of data are supported, told apart by the columns a study names:

- **one series** (no ``unit_column``, no ``treated_column``): one row per period, e.g. an
  annual flow volume; evaluated by an interrupted time series;
- **a panel of units** (``unit_column``): one row per unit and period; the treated units are
  marked by a 0/1 ``treated_column``, listed in ``treated_units`` (values of the unit column),
  or are the units of ``treated_touchpoint`` in ``touchpoint_column``;
- **cross-sections of individual records** (no ``unit_column``, a 0/1 ``treated_column``):
  many rows per period (e.g. houses sold in 1978 and 1981, ``nearinc`` = exposed).

The smallest section names the series file, the time column, the intervention (in the form of
the time column: ``1899``, ``Q32011``, ``2011-07``, a date) and the KPI columns::

    evaluation:
      series_file: flows            # a files: id (role kpi_series)
      time_column: year
      intervention: 1899
      kpis:
        - column: volume

The sample's section (a panel with a touchpoint catalog)::

    evaluation:
      intervention_date: '2025-07-07'  # older spelling of intervention:, still accepted
      treated_touchpoint: hotline
      comparison_touchpoints: [store, app]
      series_file: kpi_weekly
      unit_column: unit                # call centre / store id
      time_column: week_start          # ISO date of the period start
      touchpoint_column: touchpoint
      treated_column: treated          # 1 = got the improvement
      kpis:
        - column: wait_seconds
          label: {zh: 平均等待时长, en: Average wait time}   # optional, default: the column name
          unit: {zh: 秒, en: s}
          higher_is_better: false
          threshold: 30                # practical significance, in KPI units (default 0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator

from research.config import StrictModel
from research.errors import Bilingual, DataError, FieldProblem, from_validation_error, problems_of
from research.evaluation.periods import Periods, frequency_word, intervention_period, parse_periods
from research.io import read_table
from research.study import Names

if TYPE_CHECKING:
    from research.study import Study

SECTION = "evaluation"
Shape = Literal["single_series", "panel", "cross_sections"]
#: Name of the derived 0/1 treatment column when the study lists treated units or a touchpoint.
DERIVED_TREATED = "_treated"


def _text(value: Names | str | None, language: str, default: str = "") -> str:
    if value is None:
        return default
    if isinstance(value, str):
        return value
    return value.get(language) or default


class KpiDefinition(StrictModel):
    """One KPI column of the series file."""

    column: str
    label: Names | str | None = None
    unit: Names | str = Names()
    higher_is_better: bool = True
    threshold: float | None = Field(
        default=None, ge=0, description="smallest change that matters, in KPI units (default 0)"
    )

    def label_in(self, language: str) -> str:
        """The KPI's label in *language*; the column name when none is declared."""
        return _text(self.label, language, self.column)

    def unit_in(self, language: str) -> str:
        """The KPI's unit in *language* (may be empty)."""
        return _text(self.unit, language)

    @property
    def threshold_value(self) -> float:
        """The practical threshold, 0 when none is declared."""
        return float(self.threshold or 0.0)


class EvaluationSection(StrictModel):
    """The validated ``evaluation:`` section."""

    series_file: str
    time_column: str
    intervention: dt.date | int | float | str | None = None
    intervention_date: dt.date | None = None
    frequency: Literal["year", "quarter", "month", "week", "day"] | None = None
    unit_column: str | None = None
    treated_column: str | None = None
    treated_units: list[str | int] | dict[str | int, dt.date | int | float | str] = Field(
        default_factory=list
    )
    start_column: str | None = None
    touchpoint_column: str | None = None
    treated_touchpoint: str | None = None
    comparison_touchpoints: list[str] = Field(default_factory=list)
    kpis: list[KpiDefinition] = Field(min_length=1)
    improvements: dict[str, EvaluationSection] = Field(default_factory=dict)

    @property
    def staggered(self) -> bool:
        """True when units start at their own periods (``start_column`` or a unit -> start mapping)."""
        return bool(self.start_column) or isinstance(self.treated_units, dict)

    @model_validator(mode="after")
    def _consistent(self) -> EvaluationSection:
        if self.staggered:
            if self.intervention is not None or self.intervention_date is not None:
                raise FieldProblem(
                    "intervention",
                    str(self.intervention_value),
                    "with a start per unit (start_column or treated_units: {unit: start}) leave "
                    "intervention out: each unit's start is its own intervention",
                )
            if self.start_column and (self.treated_units or self.treated_column or self.treated_touchpoint):
                raise FieldProblem(
                    "start_column",
                    self.start_column,
                    "the start column marks the treated units (empty = never treated): give no "
                    "treated_units, treated_column or treated_touchpoint with it",
                )
            if not self.unit_column:
                raise FieldProblem(
                    "start_column" if self.start_column else "treated_units",
                    None,
                    "a start per unit needs a unit_column",
                )
        elif (self.intervention is None) == (self.intervention_date is None):
            raise FieldProblem(
                "intervention",
                None if self.intervention is None else str(self.intervention),
                "give the first period with the intervention once, as intervention: (in the form of "
                "the time column: 1899, Q32011, 2011-07, 2025-07-07)",
            )
        for name, improvement in self.improvements.items():
            if improvement.improvements:
                raise FieldProblem(
                    f"improvements.{name}.improvements",
                    None,
                    "improvements cannot be nested; list them all under evaluation.improvements",
                )
        if self.treated_units and not self.unit_column:
            raise FieldProblem("treated_units", None, "treated units need a unit_column to be found in")
        if self.treated_units and self.treated_column:
            raise FieldProblem("treated_units", None, "give treated_column or treated_units, not both")
        if self.treated_touchpoint and not self.touchpoint_column:
            raise FieldProblem(
                "treated_touchpoint",
                self.treated_touchpoint,
                "a treated touchpoint needs a touchpoint_column",
            )
        if self.comparison_touchpoints and not self.treated_touchpoint:
            raise FieldProblem(
                "comparison_touchpoints", None, "comparison touchpoints need a treated_touchpoint"
            )
        if self.treated_touchpoint and self.treated_touchpoint in self.comparison_touchpoints:
            raise FieldProblem(
                "comparison_touchpoints",
                self.treated_touchpoint,
                "the treated touchpoint cannot be its own comparison",
            )
        named = (self.unit_column, self.treated_column, self.touchpoint_column, self.start_column)
        columns = [c for c in named if c]
        if self.time_column in columns:
            raise FieldProblem(
                "time_column", self.time_column, "the time column cannot also be another column"
            )
        return self

    @property
    def intervention_value(self) -> Any:
        """The intervention as written (``intervention:`` or the older ``intervention_date:``)."""
        return self.intervention if self.intervention is not None else self.intervention_date

    @property
    def intervention_field(self) -> str:
        """The study.yml field that holds the intervention."""
        return f"{SECTION}.{'intervention' if self.intervention is not None else 'intervention_date'}"

    @property
    def shape(self) -> Shape:
        """``panel`` (units), ``cross_sections`` (records with a treated flag) or ``single_series``."""
        if self.unit_column:
            return "panel"
        if self.treated_column:
            return "cross_sections"
        return "single_series"

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


def improvement_section(
    parsed: EvaluationSection, improvement: str | None, yml: Path | None = None
) -> EvaluationSection:
    """The section of *improvement* (an id under ``evaluation.improvements``), or *parsed* itself.

    Examples
    --------
    >>> from research import load_study
    >>> main = parse_evaluation_section(load_study("sample"), load_study("sample").section("evaluation"))
    >>> improvement_section(main, None) is main
    True
    """
    if not improvement:
        return parsed
    if improvement not in parsed.improvements:
        raise DataError(
            "Unknown improvement",
            file=yml,
            column="improvement",
            value=improvement,
            hint=f"Use an id under evaluation.improvements: {sorted(parsed.improvements)}"
            if parsed.improvements
            else "Declare it under evaluation.improvements in study.yml.",
        )
    return parsed.improvements[improvement]


def renamed(error: DataError, improvement: str | None) -> DataError:
    """*error* with its study.yml field moved under ``evaluation.improvements.<improvement>``."""
    prefix = f"{SECTION}."
    if not improvement or not isinstance(error.column, str) or not error.column.startswith(prefix):
        return error
    column = f"{SECTION}.improvements.{improvement}.{error.column[len(prefix) :]}"
    return DataError(
        error.message, file=error.file, row=error.row, column=column, value=error.value, hint=error.hint
    )


def parse_evaluation_section(study: Study, section: dict[str, Any]) -> EvaluationSection:
    """Field-level validation only (types, required fields, unknown fields, field combinations)."""
    try:
        return EvaluationSection.model_validate(section)
    except ValidationError as exc:
        raise from_validation_error(
            exc,
            file=study.yml_path,
            what="evaluation section",
            prefix=SECTION,
            hint="See the evaluation: section of data/raw/sample/study.yml, or the smallest one in "
            "the docstring of research.evaluation.schema.",
        ) from None


def _problem(yml: Path | None, field: str, value: Any, message: str, hint: str) -> DataError:
    return DataError(message, file=yml, column=f"{SECTION}.{field}", value=value, hint=hint)


def _short(values: list[Any], limit: int = 12) -> str:
    shown = ", ".join(map(str, values[:limit]))
    return shown + (f" ... ({len(values)} in all)" if len(values) > limit else "")


def _row(frame: pd.DataFrame, mask: np.ndarray | pd.Series) -> int:
    """Spreadsheet row (header = row 1) of the first True in *mask*."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 2


# ----------------------------------------------------------------------------------------------
# problems of a section against the study and its series file (all of them, not only the first)
# ----------------------------------------------------------------------------------------------


def evaluation_section_problems(
    study: Study, parsed: EvaluationSection, data: pd.DataFrame | None = None
) -> Iterator[DataError]:
    """Every problem of a parsed section against the study and its data, one DataError each.

    Used by :func:`evaluation_section` (which raises the first) and by
    :func:`research.evaluation.preconditions.check_run` (which lists them all). *data* is the
    series file when the caller has read it already.

    Parameters
    ----------
    study : Study
        The study.
    parsed : EvaluationSection
        The parsed section (or one improvement of it).
    data : DataFrame, optional
        The series file, when already read.

    Yields
    ------
    DataError
        One per problem found.
    """
    for field, ids in (
        ("treated_touchpoint", [parsed.treated_touchpoint] if parsed.treated_touchpoint else []),
        ("comparison_touchpoints", parsed.comparison_touchpoints),
    ):
        for index, touchpoint in enumerate(ids):
            if not study.known_touchpoint(touchpoint):
                where = field if field == "treated_touchpoint" else f"{field}[{index}]"
                yield _problem(
                    study.yml_path,
                    where,
                    touchpoint,
                    "Unknown touchpoint id",
                    f"Use ids from the touchpoints: catalog: {[t.id for t in study.touchpoints]}",
                )
    if parsed.series_file not in study.definition.files:
        yield _problem(
            study.yml_path,
            "series_file",
            parsed.series_file,
            "Not a declared data file",
            f"Declare it under files: (role kpi_series); declared: {sorted(study.definition.files)}",
        )
        return
    if data is None:
        try:
            data = _read(study, parsed)
        except DataError as error:
            yield error
            return
    yield from _data_problems(study, parsed, data)


def _read(study: Study, parsed: EvaluationSection) -> pd.DataFrame:
    spec = study.file_spec(parsed.series_file)
    return read_table(
        study.file(parsed.series_file), encoding=spec.encoding, sheet=spec.sheet, **spec.options
    )


def _data_problems(study: Study, parsed: EvaluationSection, frame: pd.DataFrame) -> Iterator[DataError]:
    path = study.file(parsed.series_file)
    spec_path = study.file_spec(parsed.series_file).path
    fields = {
        "time_column": parsed.time_column,
        "unit_column": parsed.unit_column,
        "treated_column": parsed.treated_column,
        "touchpoint_column": parsed.touchpoint_column,
        "start_column": parsed.start_column,
    }
    missing_columns = False
    for field, column in fields.items():
        if column and column not in frame.columns:
            missing_columns = True
            yield _problem(
                study.yml_path,
                field,
                column,
                "Column not in the series file",
                f"Columns of {spec_path}: {list(map(str, frame.columns))}",
            )
    for index, kpi in enumerate(parsed.kpis):
        if kpi.column not in frame.columns:
            yield _problem(
                study.yml_path,
                f"kpis[{index}].column",
                kpi.column,
                "KPI column not in the series file",
                f"Columns of {spec_path}: {list(map(str, frame.columns))}",
            )
        elif kpi.column in fields.values():
            yield _problem(
                study.yml_path,
                f"kpis[{index}].column",
                kpi.column,
                "A KPI column cannot also be the time, unit or treated column",
                "Name another column.",
            )
        else:
            values = frame[kpi.column]
            numbers = pd.to_numeric(values, errors="coerce")
            bad = numbers.isna() & values.notna()
            if bad.any():
                yield DataError(
                    "Not a number in a KPI column",
                    file=path,
                    row=_row(frame, bad),
                    column=kpi.column,
                    value=values[bad].iloc[0],
                    hint="KPI columns hold numbers only; leave a cell empty when the value is missing.",
                )
    if missing_columns:
        return
    try:
        periods = parse_periods(
            frame[parsed.time_column], parsed.frequency, file=path, column=parsed.time_column
        )
    except DataError as error:
        yield error
        return
    yield from _shape_problems(study, parsed, frame, periods)
    if parsed.staggered:
        yield from _unit_starts(parsed, frame, periods, study.yml_path, path)[1]
        return
    try:
        start = intervention_period(parsed.intervention_value, periods, field=parsed.intervention_field)
    except DataError as error:
        yield DataError(
            error.message, file=study.yml_path, column=error.column, value=error.value, hint=error.hint
        )
        return
    last = int(periods.index.max())
    if not 0 < start <= last:
        yield DataError(
            f"The intervention is outside the series ({periods.label(0)} to {periods.label(last)})",
            file=study.yml_path,
            column=parsed.intervention_field,
            value=_plain(parsed.intervention_value),
            hint="A before/after design needs at least one period on each side of the intervention; check "
            "the value, or with no pre-period report post-only description without a causal claim.",
        )


def _unit_starts(
    parsed: EvaluationSection, frame: pd.DataFrame, periods: Periods, yml: Path | None, path: Path | None
) -> tuple[pd.Series, list[DataError]]:
    """Start period index of each unit (NaN: not treated within the series) and the problems found.

    The starts come from ``start_column`` (one value per unit, empty for units never treated) or
    from a ``treated_units`` mapping of unit -> start, written like the time column.
    """
    units = frame[parsed.unit_column].astype(str)
    problems: list[DataError] = []
    if parsed.start_column:
        values = frame[parsed.start_column].where(frame[parsed.start_column].astype(str).str.strip() != "")
        spread = values.groupby(units.to_numpy()).nunique(dropna=False)
        for unit in spread.index[spread.to_numpy() > 1][:1]:
            rows = np.flatnonzero((units == unit).to_numpy())
            problems.append(
                DataError(
                    "The start changes within a unit",
                    file=path,
                    row=int(rows[0]) + 2,
                    column=parsed.start_column,
                    value=f"{parsed.unit_column} = {unit}",
                    hint="Give each unit one start (the first period with the improvement) in every row, or "
                    "leave it empty in every row for units that never got it.",
                )
            )
        firsts = ~units.duplicated()
        raw = pd.Series(values[firsts].to_numpy(), index=units[firsts].to_numpy())
        rows_of = zip(units[firsts], np.flatnonzero(firsts), strict=True)
        where: dict[str, tuple[Path | None, int | None, str]] = {
            u: (path, int(i) + 2, parsed.start_column) for u, i in rows_of
        }
    else:
        mapping = parsed.treated_units if isinstance(parsed.treated_units, dict) else {}
        raw = pd.Series({str(k): v for k, v in mapping.items()}, dtype=object)
        where = {str(k): (yml, None, f"{SECTION}.treated_units.{k}") for k in mapping}
    starts: dict[str, float] = {}
    last = int(periods.index.max())
    for unit, value in raw.items():
        if value is None or (isinstance(value, float) and np.isnan(value)):
            starts[unit] = np.nan
            continue
        file, row, column = where[unit]
        try:
            start = intervention_period(value, periods, field=column)
        except DataError as error:
            message, hint = (
                f"A start that is not a {periods.frequency} in the form of the time column",
                error.hint,
            )
            start = None
        else:
            message = f"A start before the series ({periods.label(0)} to {periods.label(last)})"
            hint = "Give the first period with the improvement; leave it empty for units never treated (0 does not mean never)."
        if start is None or start < 0:
            problems.append(
                DataError(message, file=file, row=row, column=column, value=_plain(value), hint=hint)
            )
            continue
        starts[unit] = float(start) if start <= last else np.nan
    result = pd.Series(starts, dtype=float).reindex(list(dict.fromkeys(units)))
    if not problems and not result.notna().any():
        problems.append(
            DataError(
                "No unit starts within the series",
                file=yml,
                column=f"{SECTION}.{'start_column' if parsed.start_column else 'treated_units'}",
                hint="Give the first period with the improvement of the units that got it.",
            )
        )
    return result, problems


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _treated_flags(
    parsed: EvaluationSection, frame: pd.DataFrame, yml: Path | None, path: Path | None
) -> Iterator[DataError]:
    column = parsed.treated_column
    if column:
        values = frame[column]
        flags = values.map(lambda v: 1 if v in (1, True) else 0 if v in (0, False) else np.nan)
        bad = flags.isna().to_numpy()
        if bad.any():
            yield DataError(
                "Expected a 0/1 treated indicator",
                file=path,
                row=_row(frame, bad),
                column=column,
                value=values[bad].iloc[0],
                hint="Code 1 for the units (or records) that got the improvement, 0 otherwise.",
            )
        elif parsed.unit_column:
            spread = flags.groupby(frame[parsed.unit_column]).nunique()
            if (spread > 1).any():
                unit = spread[spread > 1].index[0]
                yield DataError(
                    "The treated indicator changes within a unit",
                    file=path,
                    column=column,
                    value=f"{parsed.unit_column} = {unit}",
                    hint="Mark the units that got the improvement with 1 in every period, before the "
                    "intervention too; the before/after split comes from evaluation.intervention.",
                )
    if parsed.treated_units:
        known = frame[parsed.unit_column].astype(str)
        names = set(known)
        for index, unit in enumerate(parsed.treated_units):
            if str(unit) not in names:
                from research.validate import closest_name

                close = closest_name(str(unit), sorted(names))
                yield _problem(
                    yml,
                    f"treated_units[{index}]",
                    unit,
                    "Treated unit not in the unit column",
                    (f"Did you mean {close!r}? " if close else "")
                    + f"Units in {parsed.unit_column}: {_short(sorted(names))}",
                )
    if parsed.treated_touchpoint:
        present = set(frame[parsed.touchpoint_column].astype(str))
        for field, ids in (
            ("treated_touchpoint", [parsed.treated_touchpoint]),
            ("comparison_touchpoints", parsed.comparison_touchpoints),
        ):
            for index, touchpoint in enumerate(ids):
                if touchpoint not in present:
                    where = field if field == "treated_touchpoint" else f"{field}[{index}]"
                    yield _problem(
                        yml,
                        where,
                        touchpoint,
                        "Touchpoint not in the touchpoint column",
                        f"Values of {parsed.touchpoint_column}: {_short(sorted(present))}",
                    )


def _shape_problems(
    study: Study, parsed: EvaluationSection, frame: pd.DataFrame, periods: Periods
) -> Iterator[DataError]:
    path = study.file(parsed.series_file)
    yield from _treated_flags(parsed, frame, study.yml_path, path)
    shape = parsed.shape
    if shape == "panel" and not (
        parsed.treated_column or parsed.treated_units or parsed.treated_touchpoint or parsed.start_column
    ):
        yield _problem(
            study.yml_path,
            "unit_column",
            parsed.unit_column,
            "A panel of units needs its treated units",
            "Name them with treated_units: [...] (values of the unit column), a 0/1 "
            "treated_column, or treated_touchpoint with touchpoint_column.",
        )
    keys = [parsed.unit_column] if shape == "panel" else [] if shape == "single_series" else None
    if keys is None:
        return  # cross-sections: many records per period are expected
    key = pd.DataFrame({"_period": periods.index.to_numpy()})
    for index, column in enumerate(keys):
        key[f"_key{index}"] = frame[column].astype(str).to_numpy()
    duplicated = key.duplicated(keep=False).to_numpy()
    if duplicated.any():
        first = int(np.flatnonzero(duplicated)[0])
        twin = int(np.flatnonzero(duplicated & (key.eq(key.iloc[first]).all(axis=1)).to_numpy())[1])
        what = frequency_word(periods.frequency, "en")
        rows = f"rows {first + 2} and {twin + 2}" + (
            f"; {int(duplicated.sum())} such rows in all" if duplicated.sum() > 2 else ""
        )
        if shape == "panel":
            message = f"The same unit and {what} appear in more than one row ({rows})"
            hint = "Keep one row per unit and period (aggregate first), or fix the unit or time value."
        else:
            message = f"The same {what} appears in more than one row ({rows})"
            hint = (
                "One series needs one row per period. Several series: name the unit_column (a panel). "
                "Individual records before and after: name the treated_column (cross-sections)."
            )
        yield DataError(
            message,
            file=path,
            row=first + 2,
            column=parsed.time_column,
            value=frame[parsed.time_column].iloc[first],
            hint=hint,
        )


def validate_section(study: Study) -> list[DataError]:
    """The problems of study.yml's ``evaluation:`` section (the pillar hook of :mod:`research.study`).

    Examples
    --------
    >>> from research import load_study
    >>> validate_section(load_study("sample"))
    []
    """
    return problems_of(lambda: evaluation_section(study, study.section("evaluation")))


def evaluation_section(study: Study, section: dict[str, Any]) -> EvaluationSection:
    """Validate study.yml's ``evaluation:`` section against the catalog and the series file.

    Raises
    ------
    DataError
        The first problem, naming the field path (``evaluation.kpis[2].column``) or the file,
        row and column: a wrong field, an unknown touchpoint or treated unit, a series file that
        is not declared, a missing or non-numeric KPI column, a time column in no known
        frequency, an intervention outside the series, a repeated (unit, period).

    Examples
    --------
    >>> from research import load_study
    >>> study = load_study("sample")
    >>> evaluation_section(study, study.section("evaluation")).treated_touchpoint
    'hotline'
    """
    parsed = parse_evaluation_section(study, section)
    for problem in evaluation_section_problems(study, parsed):
        raise problem
    for name, improvement in parsed.improvements.items():
        for problem in evaluation_section_problems(study, improvement):
            raise renamed(problem, name)
    return parsed


# ----------------------------------------------------------------------------------------------
# the loaded series
# ----------------------------------------------------------------------------------------------


@dataclass
class KpiSeries:
    """The study's KPI series, parsed, with its evaluation settings (see :func:`load_kpi_series`).

    Attributes
    ----------
    data : DataFrame
        The rows analysed: the file's columns (time column parsed: datetimes, integer years or
        pandas Periods), KPI columns as floats, plus ``post`` (1 from the intervention on),
        ``period`` (0-based period index; gaps kept) and the 0/1 treated column
        (:attr:`treated`) for panels and cross-sections.
    config : EvaluationSection
    file_id : str
    periods : Periods
        The parsed time column of :attr:`raw` (frequency, labels).
    intervention : int
        Period index of the first period with the intervention.
    raw : DataFrame
        All rows of the file with the derived columns, before the touchpoint selection.
    notes : tuple of str
        What the reader should know about the data (a unit of the treated touchpoint marked
        untreated, so used as a comparison).
    """

    data: pd.DataFrame
    config: EvaluationSection
    file_id: str
    periods: Periods
    intervention: int
    raw: pd.DataFrame
    treated: str | None = None
    post: str = "post"
    period: str = "period"
    treated_touchpoint: str | None = None
    comparison_touchpoints: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    start: str | None = None
    improvement: str | None = None

    @property
    def staggered(self) -> bool:
        """True when the treated units start at more than one period (a roll-out in waves)."""
        if not self.start:
            return False
        return self.data.groupby(self.unit)[self.start].first().dropna().nunique() > 1

    @property
    def kpi_columns(self) -> list[str]:
        """The KPI columns of the series, in study.yml order."""
        return [k.column for k in self.config.kpis]

    @property
    def shape(self) -> Shape:
        """``single_series``, ``panel`` or ``cross_sections``."""
        return self.config.shape

    @property
    def frequency(self) -> str:
        """What one period is (``week``, ``quarter``, ...)."""
        return self.periods.frequency

    @property
    def time(self) -> str:
        """The time column as the file writes it."""
        return self.config.time_column

    @property
    def unit(self) -> str | None:
        """The unit column (None without units)."""
        return self.config.unit_column

    def column(self, role: Literal["unit", "treated", "start"]) -> str:
        """The name of the series' *role* column, for analyses that need it.

        Parameters
        ----------
        role : {"unit", "treated", "start"}
            The unit column (panels), the 0/1 treated column (panels and cross-sections) or the
            per-unit start column (roll-outs in waves).

        Returns
        -------
        str
            The column name.

        Raises
        ------
        DataError
            The series has no such column (one series has no units, no treated column).
        """
        name = {"unit": self.unit, "treated": self.treated, "start": self.start}[role]
        if not name:
            raise DataError(
                f"The KPI series has no {role} column",
                column=f"{SECTION}.{role}_column",
                hint="This analysis needs a panel of units (unit_column) with treated units.",
            )
        return name

    def label(self, position: int) -> str:
        """Label of period index *position* (``2011Q3``, ``1899``, ``2025-07-07``)."""
        return self.periods.label(position)

    @property
    def intervention_label(self) -> str:
        """The intervention's period as the time column writes it."""
        return self.label(self.intervention)

    def treated_units(self) -> list[str]:
        """The treated units of a panel (as strings), in order of appearance."""
        if self.shape != "panel":
            return []
        rows = self.data[self.data[self.treated] == 1]
        return list(dict.fromkeys(rows[self.unit].astype(str)))

    def comparison_units(self) -> list[str]:
        """The untreated units of a panel (as strings), in order of appearance."""
        if self.shape != "panel":
            return []
        rows = self.data[self.data[self.treated] == 0]
        return list(dict.fromkeys(rows[self.unit].astype(str)))

    def redefine(
        self,
        *,
        intervention: Any = None,
        treated_touchpoint: str | None = None,
        comparison_touchpoints: list[str] | None = None,
        treated_units: list[str] | None = None,
    ) -> KpiSeries:
        """The same series with another intervention, treated touchpoint or treated units.

        Values that are None (or empty lists for the units) keep the study's settings. Raises
        :class:`DataError` for values the data cannot hold (an intervention outside the series, an
        unknown unit or touchpoint).
        """
        updates: dict[str, Any] = {}
        if intervention not in (None, ""):
            updates["intervention"], updates["intervention_date"] = intervention, None
        if treated_touchpoint:
            updates["treated_touchpoint"] = treated_touchpoint
        if comparison_touchpoints is not None:
            updates["comparison_touchpoints"] = list(comparison_touchpoints)
        if treated_units:
            updates["treated_units"], updates["treated_column"] = list(treated_units), None
        if not updates:
            return self
        try:
            config = EvaluationSection.model_validate({**self.config.model_dump(), **updates})
        except ValidationError as exc:
            raise from_validation_error(
                exc, file=None, what="evaluation parameters", prefix=SECTION
            ) from None
        derived = (self.post, self.period, DERIVED_TREATED, self.start)
        base = self.raw.drop(columns=[c for c in derived if c and c in self.raw])
        for problem in _treated_flags(config, base, None, None):
            raise problem
        series = _assemble(config, self.file_id, base, self.periods)
        series.improvement = self.improvement
        return series


def _names(columns: list[str], wanted: str) -> str:
    name = wanted
    while name in columns:
        name = f"_{name}"
    return name


def _assemble(config: EvaluationSection, file_id: str, frame: pd.DataFrame, periods: Periods) -> KpiSeries:
    """Derived columns and the touchpoint selection; raises the first data problem."""
    frame = frame.reset_index(drop=True).copy()
    starts = None
    if config.staggered:
        starts, problems = _unit_starts(config, frame, periods, None, None)
        for problem in problems:
            raise problem
        start = int(starts.min())
    else:
        start = intervention_period(config.intervention_value, periods, field=config.intervention_field)
    last = int(periods.index.max())
    if not 0 < start <= last:
        raise DataError(
            f"The intervention is outside the series ({periods.label(0)} to {periods.label(last)})",
            column=config.intervention_field,
            value=_plain(config.intervention_value),
            hint="A before/after design needs at least one period on each side of the intervention.",
        )
    declared = [
        c
        for c in (
            config.time_column,
            config.unit_column,
            config.treated_column,
            config.touchpoint_column,
            *(k.column for k in config.kpis),
        )
        if c
    ]
    period_name, post_name = _names(declared, "period"), _names(declared, "post")
    frame[config.time_column] = periods.values.to_numpy()
    frame[period_name] = periods.index.to_numpy()
    frame[post_name] = (frame[period_name] >= start).astype(int)
    for kpi in config.kpis:
        frame[kpi.column] = pd.to_numeric(frame[kpi.column], errors="coerce").astype(float)
    treated = config.treated_column
    start_name = None
    if starts is not None:
        start_name = _names(declared, "start")
        frame[start_name] = frame[config.unit_column].astype(str).map(starts).astype(float)
        frame[DERIVED_TREATED] = frame[start_name].notna().astype(int)
        frame[post_name] = (frame[period_name] >= frame[start_name]).astype(int)  # NaN start: never
        treated = DERIVED_TREATED
    elif config.treated_units:
        wanted = {str(u) for u in config.treated_units}
        frame[DERIVED_TREATED] = frame[config.unit_column].astype(str).isin(wanted).astype(int)
        treated = DERIVED_TREATED
    elif config.treated_column:
        frame[treated] = frame[treated].map(lambda v: 1 if v in (1, True) else 0).astype(int)
    elif config.treated_touchpoint:
        frame[DERIVED_TREATED] = frame[config.touchpoint_column].astype(str) == config.treated_touchpoint
        frame[DERIVED_TREATED] = frame[DERIVED_TREATED].astype(int)
        treated = DERIVED_TREATED
    data, notes = frame, []
    if config.treated_touchpoint:
        touchpoint = frame[config.touchpoint_column].astype(str)
        if config.unit_column and treated == config.treated_column:
            untreated = (
                frame.loc[
                    (touchpoint == config.treated_touchpoint) & (frame[treated] == 0), config.unit_column
                ]
                .astype(str)
                .unique()
            )
            if len(untreated):
                notes.append(
                    Bilingual(
                        f"{len(untreated)} unit(s) of the treated touchpoint {config.treated_touchpoint} are "
                        f"marked untreated ({config.treated_column} = 0) and serve as comparisons: "
                        f"{_short(sorted(untreated))}. Check {config.treated_column} if they got the "
                        "improvement too.",
                        zh=f"受干预触点 {config.treated_touchpoint} 中有 {len(untreated)} 个单位被标为未受干预"
                        f"（{config.treated_column} = 0），作为对照：{_short(sorted(untreated))}。"
                        f"如果它们也接受了改进，请检查 {config.treated_column}。",
                    )
                )
        keep = touchpoint.isin([config.treated_touchpoint, *config.comparison_touchpoints])
        # Only the treated touchpoint's units count as treated; other touchpoints are comparisons.
        keep &= (frame[treated] == 0) | (touchpoint == config.treated_touchpoint)
        data = frame[keep].reset_index(drop=True)
    return KpiSeries(
        data=data,
        config=config,
        file_id=file_id,
        periods=periods,
        intervention=start,
        raw=frame,
        treated=treated,
        post=post_name,
        period=period_name,
        treated_touchpoint=config.treated_touchpoint,
        comparison_touchpoints=tuple(config.comparison_touchpoints),
        notes=tuple(notes),
        start=start_name,
    )


def load_kpi_series(study: Study, improvement: str | None = None) -> KpiSeries:
    """Read the study's KPI series file declared in ``evaluation.series_file``.

    Parses the time column (frequency detected, see :mod:`research.evaluation.periods`), adds
    ``post`` (1 from the intervention period on) and ``period`` (0-based period index), marks
    the treated units and keeps the treated and comparison touchpoints' rows. *improvement*
    names another improvement of the study (an id under ``evaluation.improvements``, e.g. a
    roll-out in waves with its own series file); with a start per unit (``start_column`` or a
    ``treated_units`` mapping) ``post`` is 1 from each unit's own start and the series has a
    start column (:attr:`KpiSeries.start`, period index, NaN for units never treated).

    Examples
    --------
    >>> from research import load_study
    >>> series = load_kpi_series(load_study("sample"))
    >>> series.config.treated_touchpoint, series.frequency, series.shape, series.intervention_label
    ('hotline', 'week', 'panel', '2025-07-07')
    """
    section = study.section(SECTION)
    if not section:
        raise DataError(
            "The study has no evaluation: section",
            file=study.yml_path,
            column=SECTION,
            hint="Add one (see data/raw/sample/study.yml) to evaluate an improvement.",
        )
    parsed = improvement_section(parse_evaluation_section(study, section), improvement, study.yml_path)
    frame = _read(study, parsed) if parsed.series_file in study.definition.files else None
    for problem in evaluation_section_problems(study, parsed, frame):
        raise renamed(problem, improvement)
    if frame is None:  # an undeclared series file is one of the problems raised above
        raise DataError(
            "The series file is not declared", file=study.yml_path, column=f"{SECTION}.series_file"
        )
    path = study.file(parsed.series_file)
    periods = parse_periods(frame[parsed.time_column], parsed.frequency, file=path, column=parsed.time_column)
    try:
        series = _assemble(parsed, parsed.series_file, frame, periods)
    except DataError as error:
        raise renamed(error, improvement) from None
    series.improvement = improvement or None
    return series
