"""The dry run of a notebook-30 report run: every problem it would meet, found before it runs.

:func:`check_run` is registered in :data:`research.validate.RUN_CHECKS`; ``research validate``
calls it for each run of ``30_improvement_evaluation.ipynb`` with the notebook's defaults
overlaid by the run's parameters. It reads the series file the run reads and returns all
problems as :class:`~research.errors.DataError` (it raises for none of them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from research.errors import DataError, validation_problems
from research.study import report_language_problems

if TYPE_CHECKING:
    from research.evaluation.schema import EvaluationSection
    from research.study import Study

#: Values the notebook's ``design`` parameter accepts.
DESIGNS = ("auto", "did", "its", "descriptive", "rollout")
#: Values the notebook's ``padjust`` parameter accepts.
PADJUST = ("holm", "fdr", "bonferroni", "none")
#: Keys of the notebook's ``survey_thresholds`` parameter.
SURVEY_KPIS = ("touchpoint_mean", "nps")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parameter_problems(
    study: Study, section: EvaluationSection, parameters: dict[str, Any]
) -> list[DataError]:
    """Problems of the parameter values alone (no data read)."""
    yml, problems = study.yml_path, []

    def problem(column: str, value: Any, message: str, hint: str = "") -> None:
        problems.append(DataError(message, file=yml, column=column, value=value, hint=hint or None))

    declared = [k.column for k in section.kpis]
    for name in ("design", "padjust"):
        allowed = DESIGNS if name == "design" else PADJUST
        value = parameters.get(name, allowed[0])
        if value not in allowed:
            problem(name, value, f"Unknown {name}", f"Use one of {list(allowed)}.")
    problems += report_language_problems(study, parameters.get("language"))
    for name in ("kpis", "rtm_kpis"):
        for index, kpi in enumerate(parameters.get(name) or []):
            if kpi not in declared:
                problem(f"{name}[{index}]", kpi, "Not a KPI of the study", f"Declared KPIs: {declared}.")
    for kpi, value in (parameters.get("thresholds") or {}).items():
        if kpi not in declared:
            problem(
                f"thresholds.{kpi}",
                kpi,
                "Threshold for a KPI the study does not declare",
                f"Declared KPIs: {declared}.",
            )
        elif not _number(value) or value < 0:
            problem(f"thresholds.{kpi}", value, "A practical threshold is a number >= 0 in the KPI's unit")
    for kpi, value in (parameters.get("survey_thresholds") or {}).items():
        if kpi not in SURVEY_KPIS:
            problem(f"survey_thresholds.{kpi}", kpi, "Unknown survey KPI", f"Use {list(SURVEY_KPIS)}.")
        elif not _number(value) or value < 0:
            problem(f"survey_thresholds.{kpi}", value, "A practical threshold is a number >= 0")
    bins = parameters.get("event_bin_periods", 0)
    if not isinstance(bins, int) or isinstance(bins, bool) or bins < 0:
        problem("event_bin_periods", bins, "event_bin_periods must be a whole number >= 0 (0: automatic)")
    n_boot = parameters.get("n_boot", 9999)
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 99:
        problem("n_boot", n_boot, "n_boot must be a whole number of at least 99 bootstrap draws")
    touchpoint = parameters.get("treated_touchpoint") or ""
    comparisons = parameters.get("comparison_touchpoints") or []
    if (touchpoint or comparisons) and not section.touchpoint_column:
        problem(
            "treated_touchpoint" if touchpoint else "comparison_touchpoints",
            touchpoint or comparisons,
            "The series has no touchpoint column",
            "Name evaluation.touchpoint_column in study.yml, or name the treated units with treated_units.",
        )
    else:
        for name, ids in (
            ("treated_touchpoint", [touchpoint] if touchpoint else []),
            ("comparison_touchpoints", comparisons),
        ):
            for index, tp in enumerate(ids):
                if not study.known_touchpoint(tp):
                    where = name if name == "treated_touchpoint" else f"{name}[{index}]"
                    problem(
                        where,
                        tp,
                        "Unknown touchpoint id",
                        f"Use ids from the touchpoints: catalog: {[t.id for t in study.touchpoints]}",
                    )
        if comparisons and not (touchpoint or section.treated_touchpoint):
            problem("comparison_touchpoints", comparisons, "Comparison touchpoints need a treated touchpoint")
    if parameters.get("treated_units") and not section.unit_column:
        problem(
            "treated_units",
            parameters["treated_units"],
            "The series has no unit column",
            "Name evaluation.unit_column in study.yml (a panel of units) to list treated units.",
        )
    return problems


def check_run(study: Study, parameters: dict[str, Any]) -> list[DataError]:
    """Every problem a notebook-30 run with *parameters* would meet, without running it.

    Checks: the evaluation section (all its field problems); the series file reads; the time,
    unit, treated and touchpoint columns are present; the time column parses in one frequency;
    every KPI column is numeric (the file, row and column of the first non-numeric cell); no
    (unit, period) appears twice; the treated units and touchpoints exist; the intervention
    (the study's, or the ``intervention`` parameter) falls inside the series with a period on
    each side; parameter values (``kpis``, ``rtm_kpis``, ``thresholds`` name declared KPIs;
    ``design``, ``padjust``, ``language`` are allowed values; ``treated_touchpoint`` is known)
    and, for a requested design, that the data can support it. With ``improvement`` (an id under
    ``evaluation.improvements``) the checks apply to that improvement's section: its series file,
    its ``start_column`` (one start per unit, each a period of the series) or ``treated_units``
    mapping of unit -> start.

    Returns
    -------
    list of DataError
        Empty when the run can go ahead.

    Examples
    --------
    >>> from research import load_study
    >>> study = load_study("sample")
    >>> check_run(study, {"design": "auto", "treated_touchpoint": "hotline"})
    []
    >>> bad = {"design": "synthetic", "kpis": ["nps"], "intervention": "2030-01-01"}
    >>> [p.column for p in check_run(study, bad)]
    ['design', 'kpis[0]', 'intervention']
    """
    from research.evaluation.kpis import choose_series_design
    from research.evaluation.periods import intervention_period, parse_periods
    from research.evaluation.schema import (
        SECTION,
        EvaluationSection,
        _read,
        evaluation_section_problems,
        improvement_section,
        load_kpi_series,
        renamed,
    )

    yml = study.yml_path
    content = study.section(SECTION)
    if not content:
        return [
            DataError(
                "The study has no evaluation: section, which notebook 30 needs",
                file=yml,
                column=SECTION,
                hint="Declare evaluation: series_file, time_column, intervention and "
                "kpis (see the docstring of research.evaluation.schema).",
            )
        ]
    try:
        section = EvaluationSection.model_validate(content)
    except ValidationError as exc:
        return validation_problems(exc, file=yml, what="evaluation section", prefix=SECTION)
    improvement = parameters.get("improvement") or ""
    try:
        section = improvement_section(section, improvement, yml)
    except DataError as error:
        return [error]
    problems = _parameter_problems(study, section, parameters)
    frame = None
    if section.series_file in study.definition.files:
        try:
            frame = _read(study, section)
        except DataError as error:
            return [*problems, renamed(error, improvement)]
    data_problems = [renamed(p, improvement) for p in evaluation_section_problems(study, section, frame)]
    problems += data_problems
    if frame is None or section.time_column not in frame.columns:
        return problems
    try:
        periods = parse_periods(
            frame[section.time_column],
            section.frequency,
            file=study.file(section.series_file),
            column=section.time_column,
        )
    except DataError:
        return problems  # listed among the data problems
    intervention = parameters.get("intervention") or ""
    if intervention != "":
        try:
            start = intervention_period(intervention, periods, field="intervention")
        except DataError as error:
            problems.append(
                DataError(error.message, file=yml, column="intervention", value=intervention, hint=error.hint)
            )
        else:
            last = int(periods.index.max())
            if not 0 < start <= last:
                problems.append(
                    DataError(
                        f"The intervention is outside the series ({periods.label(0)} to "
                        f"{periods.label(last)})",
                        file=yml,
                        column="intervention",
                        value=intervention,
                        hint="Give the first period with the intervention, with at least one period "
                        "before it.",
                    )
                )
    if section.unit_column in frame.columns:
        units = set(frame[section.unit_column].astype(str))
        for index, unit in enumerate(parameters.get("treated_units") or []):
            if str(unit) not in units:
                problems.append(
                    DataError(
                        "Treated unit not in the unit column",
                        file=yml,
                        column=f"treated_units[{index}]",
                        value=unit,
                        hint=f"Units in {section.unit_column}: {sorted(units)[:12]}",
                    )
                )
    if section.touchpoint_column in frame.columns:
        present = set(frame[section.touchpoint_column].astype(str))
        touchpoint = parameters.get("treated_touchpoint") or ""
        for name, ids in (
            ("treated_touchpoint", [touchpoint] if touchpoint else []),
            ("comparison_touchpoints", parameters.get("comparison_touchpoints") or []),
        ):
            for index, tp in enumerate(ids):
                if tp not in present:
                    where = name if name == "treated_touchpoint" else f"{name}[{index}]"
                    problems.append(
                        DataError(
                            "Touchpoint not in the touchpoint column",
                            file=yml,
                            column=where,
                            value=tp,
                            hint=f"Values: {sorted(present)[:12]}",
                        )
                    )
    design = parameters.get("design", "auto")
    if problems or design in ("auto", "descriptive") or design not in DESIGNS:
        return problems
    try:
        series = load_kpi_series(study, improvement or None).redefine(
            intervention=intervention or None,
            treated_touchpoint=parameters.get("treated_touchpoint") or None,
            comparison_touchpoints=parameters.get("comparison_touchpoints") or None,
            treated_units=parameters.get("treated_units") or None,
        )
        choose_series_design(
            series.data,
            series.treated,
            series.post,
            series.unit,
            requested=design,
            time=series.period,
            start=series.start,
        )
    except DataError as error:
        problems.append(DataError(error.message, file=yml, column="design", value=design, hint=error.hint))
    return problems
