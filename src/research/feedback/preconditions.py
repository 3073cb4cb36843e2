"""The dry run of a feedback report run (notebook ``15_feedback_analytics``): every problem at once.

:func:`check_run` reads what the run reads (each source file, the open-ended answers and the
survey they link to, the codebook) and checks the parameters; it returns every problem found as
a :class:`~research.errors.DataError` and raises for none of them.

Parameters of the notebook it knows: ``language``, ``period`` (``"W"`` or ``"M"``), ``recent``
(periods in the recent window, >= 1), ``baseline`` (periods before it; 0 or empty: all),
``source`` (only the items of one source; empty: all), ``segment`` (a column of the items
table to compare groups by, e.g. a survey segment; empty: none), ``padjust`` (``"holm"`` or
``"fdr"``, across codes in the detractor comparison).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import ValidationError

from research.errors import DataError, validation_problems
from research.feedback.schema import (
    HINT,
    SECTION,
    FeedbackSection,
    codebook_file,
    no_section_error,
    reference_problems,
)
from research.preconditions import unknown_choice
from research.study import report_language_problems

if TYPE_CHECKING:
    from research.study import Study

PERIODS = ("W", "M")
PADJUST = ("holm", "fdr")


def _whole(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def parameter_problems(study: Study, parameters: dict[str, Any]) -> list[DataError]:
    """Problems of the parameter values alone (no data read)."""
    problems = []

    def problem(column: str, value: Any, message: str, hint: str) -> None:
        problems.append(DataError(message, file=study.yml_path, column=column, value=value, hint=hint))

    period = parameters.get("period", "M")
    if period not in PERIODS:
        problem("period", period, "Unknown period", "Use 'W' (weeks) or 'M' (months).")
    recent = parameters.get("recent", 1)
    if not _whole(recent, 1):
        problem(
            "recent",
            recent,
            "recent must be a whole number of periods >= 1",
            "The recent window is the last periods of the feedback, e.g. 1 or 3.",
        )
    baseline = parameters.get("baseline")
    if baseline not in (None, "") and not _whole(baseline, 0):
        problem(
            "baseline",
            baseline,
            "baseline must be a whole number of periods >= 0",
            "0 or empty: every period before the recent window.",
        )
    padjust = parameters.get("padjust", "holm")
    if padjust not in PADJUST:
        problem("padjust", padjust, "Unknown multiple-comparison correction", f"Use one of {list(PADJUST)}.")
    problems += report_language_problems(study, parameters.get("language"))
    return problems


def check_run(study: Study, parameters: dict[str, Any]) -> list[DataError]:
    """Every problem a run of the feedback notebook with *parameters* would meet.

    Examples
    --------
    >>> from research import load_study
    >>> [p.message for p in check_run(load_study("sample"), {"period": "Y", "source": "fax"})]
    ['Unknown period', 'Not a feedback source of the study']
    """
    from research.feedback.ingest import open_item_items, source_items, stack_items

    problems: list[DataError] = []
    section = study.section(SECTION)
    if not section:
        problems.append(
            no_section_error(
                study, SECTION, "Add one naming the feedback files (see research.feedback.schema)."
            )
        )
        return problems + parameter_problems(study, parameters)
    try:
        parsed = FeedbackSection.model_validate(section)
    except ValidationError as exc:
        problems += validation_problems(
            exc, file=study.yml_path, what="feedback section", prefix=SECTION, hint=HINT
        )
        return problems + parameter_problems(study, parameters)
    references = reference_problems(study, parsed)
    problems += references
    broken = {str(p.value) for p in references}
    parts = []
    for source in parsed.sources:
        if source.file in broken:
            continue
        try:
            parts.append(source_items(study, source))
        except DataError as error:
            problems.append(error)
    for index, item in enumerate(parsed.open_items):
        if (item.file and item.file in broken) or any(
            f"open_items[{index}]" in str(p.column) for p in references
        ):
            continue
        try:
            parts.append(open_item_items(study, parsed, item, index))
        except DataError as error:
            problems.append(error)
    if not any(p.column == f"{SECTION}.codebook" for p in references):
        from research.coding import load_codebook

        try:
            load_codebook(study.file(codebook_file(study, parsed)), study=study)
        except DataError as error:
            problems.append(error)
    problems += parameter_problems(study, parameters)
    if parts:
        try:
            items = stack_items(parts)
        except DataError as error:
            problems.append(error)
            return problems
        problems += _item_parameter_problems(study, items, parameters)
    return problems


def _item_parameter_problems(
    study: Study, items: pd.DataFrame, parameters: dict[str, Any]
) -> list[DataError]:
    sources = sorted(items["source"].dropna().astype(str).unique())
    problems = unknown_choice(
        study,
        parameters,
        "source",
        sources,
        message="Not a feedback source of the study",
        hint=f"Sources: {sources}; leave it empty for all.",
    )
    segment = parameters.get("segment") or ""
    if segment and segment not in items.columns:
        columns = [c for c in items.columns if c not in ("item_id", "text", "row", "file", "blank")]
        problems.append(
            DataError(
                "Not a column of the feedback items",
                file=study.yml_path,
                column="segment",
                value=segment,
                hint=f"Columns to group by: {columns}",
            )
        )
    return problems
