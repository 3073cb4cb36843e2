"""Dry run of one report run of the interview-coding notebook (10): every problem at once.

:func:`check_run` reads what :func:`research.coding.load_coding_data` and the report's sections
will read and returns a :class:`~research.errors.DataError` for each problem, without raising
for data problems: every transcript readable, not empty, its subtitle cues readable and its
speaker labels known (all transcripts checked, each problem naming file and line); the
transcripts' language allowed; the codebook valid; each codings file readable with its required
columns, its codes in the codebook (all unknown codes listed), its transcript ids among the
transcripts (all unknown ids listed) and its ``text`` column equal to the transcript's text at
its offsets; coder names of the parameters among the coders; the segment and sentiment label
columns in the respondents file; the language and unit allowed. Registered in
:data:`research.validate.RUN_CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from research.coding.codebook import LANGUAGES, Codebook, load_codebook
from research.coding.codings import CODING_COLUMNS, read_codings
from research.coding.schema import CodingFiles, coding_files
from research.coding.sentiment import parse_sentiment_labels
from research.coding.transcripts import UNITS, Transcript, load_cases, transcript_problems
from research.errors import DataError
from research.io import read_table
from research.preconditions import unknown_choice

T = TypeVar("T")


def _attempt(problems: list[DataError], function: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    try:
        return function(*args, **kwargs)
    except DataError as problem:
        problems.append(problem)
        return None


def _listed(values: list[str], limit: int = 20) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _unknown_values(
    frame: pd.DataFrame, column: str, known: set[str], message: str, path: Any, hint: str
) -> list[DataError]:
    """One DataError listing the values of *column* outside *known* (at the first one's row)."""
    values = frame[column].dropna().astype(str).str.strip()
    unknown = sorted(set(values) - known)
    if not unknown:
        return []
    row = int(values[values.isin(unknown)].index[0]) + 2
    return [
        DataError(
            f"{len(unknown)} {message}: {_listed(unknown)}", file=path, row=row, column=column, hint=hint
        )
    ]


def _check_codings_file(
    study: Any,
    file_id: str,
    codebook: Codebook | None,
    transcripts: list[Transcript] | None,
    unreadable: set[str] | None = None,
) -> tuple[list[DataError], list[str]]:
    """Problems of one codings file and the coders in it.

    Codings of *unreadable* transcripts (reported already) are not reported as unknown; the
    row-by-row check of spans and texts then runs only when the file codes none of them.
    """
    spec = study.file_spec(file_id)
    path = study.file(file_id)
    if path.suffix.lower() == ".qdpx":  # a REFI-QDA project: checked as it is read
        found: list[DataError] = []
        frame = _attempt(found, read_codings, path, codebook=codebook, transcripts=transcripts)
        return found, [] if frame is None else list(dict.fromkeys(frame["coder"]))
    try:
        frame = read_table(path, encoding=spec.encoding, sheet=spec.sheet, dtype=str)
    except DataError as problem:
        return [problem], []
    frame.columns = [str(c).strip() for c in frame.columns]
    needed = ["transcript_id", "code", "coder"]
    needed += ["start", "end"] if "unit_id" not in frame.columns else []
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        return [
            DataError(
                f"The codings file lacks column(s) {missing}",
                file=path,
                column=missing[0],
                hint=f"A codings file has columns {CODING_COLUMNS} (or unit_id instead of start and end); "
                f"it has {list(frame.columns)}.",
            )
        ], []
    problems: list[DataError] = []
    coders = list(dict.fromkeys(frame["coder"].dropna().astype(str).str.strip()))
    unreadable = unreadable or set()
    if codebook is not None:
        problems += _unknown_values(
            frame,
            "code",
            set(codebook.codable_ids),
            "code(s) of the codings are not codable codes of the codebook",
            path,
            "Add them to the codebook or correct their spelling"
            + (f" (codebook: {codebook.path.name})." if codebook.path else "."),
        )
    if transcripts is not None:
        problems += _unknown_values(
            frame,
            "transcript_id",
            {t.id for t in transcripts} | unreadable,
            "transcript id(s) of the codings are not transcripts",
            path,
            "Transcript ids are file names without suffix (or the id column of a table of texts), "
            f"e.g. {[t.id for t in transcripts[:5]]}.",
        )
    codes_unreadable = bool(frame["transcript_id"].astype(str).str.strip().isin(unreadable).any())
    if not problems and codebook is not None and transcripts is not None and not codes_unreadable:
        _attempt(
            problems,
            read_codings,
            path,
            codebook=codebook,
            transcripts=transcripts,
            encoding=spec.encoding,
            sheet=spec.sheet,
        )
    return problems, coders


def _transcripts(
    problems: list[DataError], study: Any, file_id: str
) -> tuple[list[Transcript] | None, set[str]]:
    """The readable transcripts and the ids (file stems) of those with problems, listed in *problems*.

    A table of texts with problems gives no transcripts (its ids cannot be told apart).
    """
    try:
        transcripts, found = transcript_problems(study, file_id=file_id)
    except DataError as problem:
        problems.append(problem)
        return None, set()
    problems += found
    path = study.file(file_id)
    if found and path.is_file():
        return None, set()
    return transcripts, {Path(p.file).stem for p in found if p.file and Path(p.file) != study.yml_path}


def _check_names(
    problems: list[DataError], study: Any, names: list[str], known: list[str], parameter: str
) -> None:
    unknown = [n for n in names if n not in known]
    if unknown:
        problems.append(
            DataError(
                f"The {parameter} parameter names coder(s) without codings: {_listed(unknown)}",
                file=study.yml_path,
                column=parameter,
                value=unknown if len(unknown) > 1 else unknown[0],
                hint=f"Coders in the codings files: {known or 'none (the report is auto-coded)'}; "
                "leave it empty to choose from the codings.",
            )
        )


def _check_cases_column(
    problems: list[DataError],
    study: Any,
    files: CodingFiles,
    cases: pd.DataFrame | None,
    column: str,
    parameter: str,
) -> pd.Series | None:
    if not column:
        return None
    if files.respondents is None:
        problems.append(
            DataError(
                f"The {parameter} parameter names a column but the study has no respondents file",
                file=study.yml_path,
                column=parameter,
                value=column,
                hint="Declare a file with role respondents (an id column with the transcript ids).",
            )
        )
        return None
    if cases is None:
        return None  # the respondents file itself is unreadable: reported already
    if column not in cases.columns:
        problems.append(
            DataError(
                f"The {parameter} parameter is not a column of the respondents file",
                file=study.file(files.respondents),
                column=column,
                hint=f"Columns: {list(cases.columns)}.",
            )
        )
        return None
    return cases[column]


def check_run(study: Any, parameters: dict[str, Any]) -> list[DataError]:
    """Every problem a run of notebook 10 with *parameters* would meet, as DataErrors.

    Parameters
    ----------
    study : Study
    parameters : dict
        The notebook's defaults overlaid with the run's parameters.

    Returns
    -------
    list of DataError
        Empty when the run can go ahead.

    Examples
    --------
    >>> from research.study import load_study
    >>> check_run(load_study("sample"), {"language": "fr"})[0].message
    'Unknown report language'
    >>> print(check_run(load_study("sample"), {"segment": "region", "reference_coder": "C"})[0].message)
    The reference_coder parameter names coder(s) without codings: 'C'
    >>> check_run(load_study("sample"), {"segment": "region", "language": "en"})
    []
    """
    problems: list[DataError] = unknown_choice(
        study,
        parameters,
        "language",
        LANGUAGES,
        message="Unknown report language",
        hint=f"Use one of {list(LANGUAGES)} or leave it empty for the study's main language.",
    )
    problems += unknown_choice(
        study,
        parameters,
        "unit",
        UNITS,
        message="Unknown coding unit",
        hint=f"Use one of {list(UNITS)} or leave it empty for coding.unit of study.yml.",
    )
    n_boot = parameters.get("n_boot", 0)
    if not isinstance(n_boot, int) or n_boot < 0:
        problems.append(
            DataError(
                "n_boot must be a whole number >= 0", file=study.yml_path, column="n_boot", value=n_boot
            )
        )
    files = _attempt(problems, coding_files, study)
    if files is None:
        return problems
    transcripts, unreadable = _transcripts(problems, study, files.transcripts)
    codebook = _attempt(problems, load_codebook, study.file(files.codebook), study=study)
    cases = _attempt(problems, load_cases, study, file_id=files.respondents) if files.respondents else None
    coders: list[str] = []
    for file_id in files.codings:
        found, file_coders = _check_codings_file(study, file_id, codebook, transcripts, unreadable)
        problems += found
        coders += [c for c in file_coders if c not in coders]
    reference = str(parameters.get("reference_coder", "") or "")
    _check_names(problems, study, [reference] if reference else [], coders, "reference_coder")
    agreement = [str(c) for c in parameters.get("agreement_coders", []) or []]
    _check_names(problems, study, agreement, coders, "agreement_coders")
    if codebook is not None:
        wanted = [str(c) for c in parameters.get("codes_of_interest", []) or []]
        unknown = [c for c in wanted if c not in codebook.codable_ids]
        if unknown:
            problems.append(
                DataError(
                    "codes_of_interest names codes that are not codable codes of the codebook: "
                    + _listed(unknown),
                    file=study.yml_path,
                    column="codes_of_interest",
                    hint=f"Codable codes: {codebook.codable_ids[:20]}.",
                )
            )
    segment = _check_cases_column(
        problems, study, files, cases, parameters.get("segment", "") or "", "segment"
    )
    labels = _check_cases_column(
        problems,
        study,
        files,
        cases,
        parameters.get("sentiment_label_column", "") or "",
        "sentiment_label_column",
    )
    if (segment is not None or labels is not None) and transcripts is not None and cases is not None:
        missing = [t.id for t in transcripts if t.id not in cases.index]
        if missing:
            problems.append(
                DataError(
                    f"{len(missing)} transcript(s) have no row in the respondents file: {_listed(missing)}",
                    file=study.file(files.respondents),
                    hint="Add a row per transcript id (the segment and label columns need one each).",
                )
            )
    if labels is not None:
        _attempt(
            problems, parse_sentiment_labels, labels, file=study.file(files.respondents), column=labels.name
        )
    return problems
