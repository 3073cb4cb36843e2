"""The dry run of a notebook-20 report run: every problem it would meet, found before it runs.

:func:`check_run` is registered in :data:`research.validate.RUN_CHECKS`; ``research validate``
calls it for each run of ``20_survey_statistics.ipynb`` with the notebook's defaults overlaid
by the run's parameters. It reads every file the run reads and returns all problems as
:class:`~research.errors.DataError` (it raises for none of them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from research.errors import DataError
from research.study import Study, report_language_problems
from research.survey.readers import code_answers, read_margins, read_raw
from research.survey.schema import SurveySection, parse_survey_section

#: Values the notebook's ``padjust`` parameter accepts.
PADJUST = ("holm", "fdr", "bonferroni", "none")

#: At most this many row numbers are listed per problem; the count is always complete.
_SHOWN_ROWS = 10


def _missing_codes(section: SurveySection) -> tuple[set[str], set[float]]:
    codes = [*section.missing.dont_know, *section.missing.not_applicable]
    text = {str(v).strip().casefold() for v in codes if isinstance(v, str)}
    numbers = {float(v) for v in codes if not isinstance(v, str)}
    text |= {str(int(v)) for v in numbers if float(v).is_integer()}
    return text, numbers


def _scan_answers(raw: Any, section: SurveySection, path: Any) -> list[DataError]:
    """One problem per item column holding values outside its scale: rows and values summarised."""
    text, numbers = _missing_codes(section)
    problems = []
    for item_id, item in section.items.items():
        if item_id not in raw.frame.columns:
            continue
        scale = section.scales[item.scale]
        series = raw.frame[item_id]
        bad_values = []
        for value in pd.unique(series):
            try:
                code_answers(
                    pd.Series([value]),
                    scale,
                    missing_text=text,
                    missing_numbers=numbers | raw.user_missing.get(item_id, set()),
                    value_labels=raw.value_labels.get(item_id),
                )
            except DataError:
                bad_values.append(value)
        if not bad_values:
            continue
        rows = (np.flatnonzero(series.isin(bad_values).to_numpy()) + raw.first_row).tolist()
        shown = ", ".join(map(str, rows[:_SHOWN_ROWS])) + (" ..." if len(rows) > _SHOWN_ROWS else "")
        problems.append(
            DataError(
                f"{len(rows)} answer(s) outside the scale {scale.min}-{scale.max} (rows {shown})",
                file=path,
                row=rows[0],
                column=item_id,
                value=sorted(map(str, bad_values))[:8],
                hint=f"Use codes {scale.min}-{scale.max} or the scale's labels, or declare such codes as "
                "missing under survey.missing in study.yml.",
            )
        )
    return problems


def _check_file(study: Study, section: SurveySection, file_id: str, segment: str) -> tuple[list, set[str]]:
    """Problems of one survey file, and its columns."""
    try:
        path = study.file(file_id)
        raw = read_raw(path, study.file_spec(file_id))
    except DataError as problem:
        return [problem], set()
    frame, problems = raw.frame, []
    columns = set(frame.columns)
    wanted = {section.respondent_id: "the respondent id (survey.respondent_id)"}
    wanted |= {item: "a survey item (survey.items)" for item in section.items}
    wanted |= {name: "a segment (survey.segments)" for name in section.segments}
    if section.weight:
        wanted[section.weight] = "the weight column (survey.weight)"
    if segment and segment not in section.segments:
        wanted[segment] = "the segment parameter"
    for column, role in wanted.items():
        if column not in columns:
            close = [c for c in frame.columns if c.casefold() == column.casefold()]
            problems.append(
                DataError(
                    f"Column for {role} not found",
                    file=path,
                    column=column,
                    hint=(f"Did you mean {close[0]!r}? " if close else "")
                    + f"Columns in the file: {list(frame.columns)[:30]}.",
                )
            )
    if section.respondent_id in columns:
        ids = frame[section.respondent_id].astype(str).str.strip()
        blank = frame[section.respondent_id].isna() | (ids == "")
        repeated = ids.duplicated(keep=False) & ~blank
        for mask, message, value, hint in (
            (blank, "{count} row(s) without a respondent id", None, "Every response needs an id."),
            (
                repeated,
                "Respondent ids are not unique: {count} rows share an id",
                sorted(set(ids[repeated]))[:5],
                "Remove repeated interviews or give each its own id.",
            ),
        ):
            if mask.any():
                rows = (np.flatnonzero(mask.to_numpy()) + raw.first_row).tolist()
                problems.append(
                    DataError(
                        message.format(count=len(rows)),
                        file=path,
                        row=rows[0],
                        column=section.respondent_id,
                        value=value,
                        hint=hint,
                    )
                )
    problems += _scan_answers(raw, section, path)
    return problems, columns


def check_run(study: Study, parameters: dict[str, Any]) -> list[DataError]:
    """Every problem a notebook-20 run with *parameters* would meet, without running it.

    Checks: the survey section; the wave exists; its files are readable; the respondent id
    column is present and unique; every item column is present; every answer is a code or
    label of its scale or a declared missing code (all offending rows summarised per column);
    the segment parameter is a column of every file of the wave; the outcome parameter is a
    declared outcome or an item; ``weighted`` needs a weight column or margins whose
    variables are columns and whose file reads; ``padjust``, ``n_boot`` and ``language``
    are allowed values.

    Returns
    -------
    list of DataError
        Empty when the run can go ahead.

    Parameters
    ----------
    study : Study
        The loaded study.
    parameters : dict
        The notebook's defaults overlaid by the run's parameters.

    Examples
    --------
    >>> from research import load_study
    >>> study = load_study("sample")
    >>> check_run(study, {"wave": "before", "weighted": True, "segment": "tier", "outcome": ""})
    []
    >>> [p.column for p in check_run(study, {"wave": "later", "segment": "age", "padjust": "sidak"})]
    ['padjust', 'wave']
    """
    yml = study.yml_path
    if not study.section("survey"):
        return [
            DataError(
                "The study has no survey: section, which notebook 20 needs",
                file=yml,
                column="survey",
                hint="Declare survey: respondent_id, waves, scales and items (see README).",
            )
        ]
    try:
        section = parse_survey_section(study, study.section("survey"))
    except DataError as problem:
        return [problem]
    problems: list[DataError] = []
    wave = str(parameters.get("wave") or "") or next(iter(section.waves))
    segment = str(parameters.get("segment") or "")
    outcome = str(parameters.get("outcome") or "")
    padjust = parameters.get("padjust", "holm")
    if padjust not in PADJUST:
        problems.append(
            DataError(
                "Unknown multiple-comparison correction",
                file=yml,
                column="padjust",
                value=padjust,
                hint=f"Use one of {list(PADJUST)}.",
            )
        )
    n_boot = parameters.get("n_boot", 1000)
    whole = isinstance(n_boot, int) and not isinstance(n_boot, bool)
    if not whole or n_boot == 1 or n_boot < 0:
        problems.append(
            DataError(
                "n_boot must be 0 (no bootstrap) or a whole number of at least 2",
                file=yml,
                column="n_boot",
                value=n_boot,
            )
        )
    problems += report_language_problems(study, parameters.get("language"))
    items = set(section.items)
    declared = {k: v for k, v in section.outcomes.model_dump().items() if v}
    if outcome and outcome not in declared and outcome not in items:
        problems.append(
            DataError(
                "Unknown outcome",
                file=yml,
                column="outcome",
                value=outcome,
                hint=f"Use a declared outcome {list(declared)} or an item id; or leave it "
                "empty for the declared one.",
            )
        )
    if wave not in section.waves:
        problems.append(
            DataError(
                "Unknown survey wave",
                file=yml,
                column="wave",
                value=wave,
                hint=f"Declared waves: {list(section.waves)}.",
            )
        )
        return problems
    columns_per_file = []
    for file_id in section.waves[wave].files:
        file_problems, columns = _check_file(study, section, file_id, segment)
        problems += file_problems
        columns_per_file.append(columns)
    if parameters.get("weighted"):
        if section.weight is None and section.weighting is None:
            problems.append(
                DataError(
                    "weighted is true, but the survey declares neither margins nor a weight column",
                    file=yml,
                    column="weighted",
                    value=True,
                    hint="Declare survey.weighting (margins: a file with role margins) or survey.weight, "
                    "or set weighted: false.",
                )
            )
        elif section.weighting is not None:
            try:
                margins = read_margins(study, section, section.weighting.margins)
            except DataError as problem:
                problems.append(problem)
            else:
                variables = section.weighting.variables or sorted(margins["variable"].unique())
                for variable in variables:
                    if any(columns and variable not in columns for columns in columns_per_file):
                        problems.append(
                            DataError(
                                "Margin variable is not a column of the survey file(s)",
                                file=yml,
                                column="survey.weighting.variables",
                                value=variable,
                                hint="Raking needs each margin variable as a column of every file of the wave.",
                            )
                        )
    return problems
