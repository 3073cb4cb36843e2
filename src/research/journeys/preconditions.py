"""The dry run of a notebook-40 report run (journey analytics): every problem, found before it runs.

:func:`check_run` is meant for :data:`research.validate.RUN_CHECKS`
(``"40_journey_analytics.ipynb": "research.journeys.preconditions:check_run"``). It reads what the
run reads (the header and timestamp column of each event source, the identity map's and the
customers file's headers) and returns all problems as :class:`~research.errors.DataError`,
raising for none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from research.errors import DataError
from research.feedback.schema import no_section_error
from research.journeys.schema import NO_SECTION_HINT, SECTION, field_problems, journeys_section_problems

if TYPE_CHECKING:
    from research.study import Study

#: Parameters of notebook 40 naming one touchpoint or a list of touchpoints.
TOUCHPOINT_PARAMETERS = (
    "start_touchpoint",
    "outcome_touchpoint",
    "anchor_touchpoint",
    "funnel",
    "service_touchpoints",
    "not_upstream",
    "contact_touchpoint",
    "complaint_touchpoint",
    "outcome_touchpoints",
    "pre_touchpoints",
)
#: Parameters of notebook 40 naming a column of the customers file.
CUSTOMER_PARAMETERS = ("segment",)
ENGINES = ("duckdb", "pyspark")


def _source_problems(con: duckdb.DuckDBPyConnection, study: Study, section: Any) -> list[DataError]:
    from research.journeys.ingest import _header_rows, _ident, _reader, _sql_str, source_columns

    problems: list[DataError] = []
    for index, source in enumerate(section.sources):
        if source.file not in study.definition.files:
            continue  # reported by journeys_section_problems
        path = study.file(source.file)
        if not path.exists():
            problems.append(
                DataError(
                    "Event file not found",
                    file=path,
                    column=f"{SECTION}.sources[{index}].file",
                    hint="Check the path under files: in study.yml.",
                )
            )
            continue
        try:
            present = source_columns(con, path)
        except duckdb.Error as exc:
            problems.append(DataError("Cannot read the event file", file=path, hint=str(exc).splitlines()[0]))
            continue
        missing = False
        for field, column in source.columns():
            if column not in present:
                missing = True
                problems.append(
                    DataError(
                        "Column not in the event file",
                        file=path,
                        column=column,
                        value=f"{SECTION}.sources[{index}].{field}",
                        hint=f"Columns of the file: {present}",
                    )
                )
        if missing or source.timestamp not in present:
            continue
        text = f"NULLIF(TRIM(CAST({_ident(source.timestamp)} AS VARCHAR)), '')"
        parsed = (
            f"try_strptime({text}, {_sql_str(source.timestamp_format)})"
            if source.timestamp_format
            else f"TRY_CAST({text} AS TIMESTAMP)"
        )
        try:
            bad = con.execute(f"""
                SELECT seq, value, count(*) OVER () FROM (
                    SELECT row_number() OVER () - 1 AS seq, {text} AS value, {parsed} AS ts
                    FROM {_reader(path)}) WHERE ts IS NULL ORDER BY seq LIMIT 1""").fetchall()
        except duckdb.Error as exc:
            problems.append(
                DataError(
                    "Timestamp format not understood",
                    file=study.yml_path,
                    column=f"{SECTION}.sources[{index}].timestamp_format",
                    value=source.timestamp_format,
                    hint=str(exc).splitlines()[0],
                )
            )
            continue
        if bad:
            seq, value, count = bad[0]
            problems.append(
                DataError(
                    "Timestamp cannot be parsed" + (f" ({count} rows in all)" if count > 1 else ""),
                    file=path,
                    row=int(seq) + _header_rows(path),
                    column=source.timestamp,
                    value=value,
                    hint=f"Set {SECTION}.sources[{index}].timestamp_format to the column's strptime format.",
                )
            )
    for file_id, columns, what in (
        (
            section.identity_map and section.identity_map.file,
            (section.identity_map.columns or []) if section.identity_map else [],
            "identity map",
        ),
        (section.customers, [section.customer_id], "customers file"),
    ):
        if not file_id or file_id not in study.definition.files:
            continue
        path = study.file(file_id)
        if not path.exists():
            problems.append(DataError(f"The {what} is not found", file=path))
            continue
        present = source_columns(con, path)
        for column in columns:
            if column and column not in present:
                problems.append(
                    DataError(
                        f"Column not in the {what}",
                        file=path,
                        column=column,
                        hint=f"Columns of the file: {present}",
                    )
                )
    return problems


def _customer_columns(con: duckdb.DuckDBPyConnection, study: Study, section: Any) -> list[str] | None:
    from research.journeys.ingest import source_columns

    if not section.customers or section.customers not in study.definition.files:
        return None
    path = study.file(section.customers)
    return source_columns(con, path) if path.exists() else None


def check_run(study: Study, parameters: dict[str, Any]) -> list[DataError]:
    """Every problem a journey-analytics run would meet, as a list (empty when it can run).

    Examples
    --------
    >>> from research import load_study
    >>> check_run(load_study("sample"), {"engine": "duckdb"})
    []
    >>> [p.column for p in check_run(load_study("sample"), {"engine": "spark"})]
    ['engine']
    """
    yml = study.yml_path
    section_dict = study.section(SECTION)
    if not section_dict:
        return [no_section_error(study, SECTION, NO_SECTION_HINT)]
    section, problems = field_problems(study, section_dict)
    engine = parameters.get("engine") or "duckdb"
    if engine not in ENGINES:
        problems.append(
            DataError(
                "Unknown engine", file=yml, column="engine", value=engine, hint=f"Use one of {list(ENGINES)}."
            )
        )
    if section is None:
        return problems
    problems += journeys_section_problems(study, section)
    from research.journeys.ingest import connect_duckdb

    con = connect_duckdb()
    try:
        problems += _source_problems(con, study, section)
        customer_columns = _customer_columns(con, study, section)
    finally:
        con.close()
    for name in TOUCHPOINT_PARAMETERS:
        value = parameters.get(name)
        values = value if isinstance(value, list) else [value] if value else []
        for index, touchpoint in enumerate(values):
            if not study.known_touchpoint(str(touchpoint)):
                where = f"{name}[{index}]" if isinstance(value, list) else name
                problems.append(
                    DataError(
                        "Unknown touchpoint",
                        file=yml,
                        column=where,
                        value=touchpoint,
                        hint="Use an id of the study's touchpoints: catalog.",
                    )
                )
    for name in CUSTOMER_PARAMETERS:
        value = parameters.get(name)
        if not value:
            continue
        if customer_columns is None:
            problems.append(
                DataError(
                    "Segments need a customers file",
                    file=yml,
                    column=name,
                    value=value,
                    hint=f"Name one in {SECTION}.customers and {SECTION}.customer_id.",
                )
            )
        elif value not in customer_columns:
            problems.append(
                DataError(
                    "Not a column of the customers file",
                    file=yml,
                    column=name,
                    value=value,
                    hint=f"Columns: {customer_columns}",
                )
            )
    if parameters.get("failure_event") and not parameters.get("exposure_event"):
        problems.append(
            DataError(
                "A failure needs the event that exposes persons to it",
                file=yml,
                column="exposure_event",
                hint="Set exposure_event (e.g. a booked appointment).",
            )
        )
    for name in ("session_gap_minutes", "repeat_days", "window_days"):
        value = parameters.get(name)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if value is not None and (not number or value <= 0):
            problems.append(DataError("Must be a positive number", file=yml, column=name, value=value))
    return problems
