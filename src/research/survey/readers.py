"""Reading survey exports (CSV in UTF-8/BOM/GBK, Excel, SPSS .sav) and coding their answers.

Each file is read as text/objects first, then every column is coded through the survey schema:
text labels (非常满意, "Very satisfied") become scale codes, "don't know" / "not applicable"
answers become missing, codes outside the scale raise :class:`DataError` naming the file, the
spreadsheet row, the column and the value. Excel exports from survey tools often carry a second
header row with the question texts: declare it with ``options: {header_rows: 2}`` on the file
in study.yml. SPSS files keep their value labels and user-missing codes (read with pyreadstat);
their "row" in error messages is the case number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from research.errors import DataError
from research.io import read_table, require_columns

if TYPE_CHECKING:
    from research.study import DataFile, Study
    from research.survey.schema import Scale, SurveySection

_BAD = object()


@dataclass
class RawTable:
    """A survey export as read, before coding."""

    frame: pd.DataFrame
    #: Spreadsheet row number of the first data row (header = row 1; SPSS: case 1).
    first_row: int
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    user_missing: dict[str, set[float]] = field(default_factory=dict)


def read_raw(path: str | Path, spec: DataFile | None = None) -> RawTable:
    r"""Read a survey export without interpreting its answers.

    CSV cells stay text (``"N/A"`` is not turned into NaN: it is a declared code), Excel
    cells keep their types, SPSS files keep codes plus value labels and user-missing codes.

    Parameters
    ----------
    path : str or Path
        The export (CSV, Excel or SPSS .sav).
    spec : DataFile, optional
        Its declaration in study.yml (encoding, sheet, reader options).

    Returns
    -------
    RawTable
        The frame with the first data row's number, value labels and user-missing codes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
    >>> _ = p.write_bytes("respondent_id,q1\nr1,非常满意\nr2,N/A\n".encode("gbk"))
    >>> read_raw(p).frame["q1"].tolist()
    ['非常满意', 'N/A']
    """
    path = Path(path)
    options = dict(spec.options) if spec is not None else {}
    header_rows = options.pop("header_rows", 1)
    if isinstance(header_rows, bool) or not isinstance(header_rows, int) or header_rows < 1:
        raise DataError(
            "header_rows must be the number of header lines, a whole number from 1",
            file=path,
            column="options.header_rows",
            value=header_rows,
            hint="Write  header_rows: 2  for column names plus one row of question texts.",
        )
    skip = list(range(1, header_rows))  # question-text rows under the column names
    suffix = path.suffix.lower()
    if suffix in (".sav", ".zsav"):
        return _read_sav(path)
    encoding = spec.encoding if spec is not None else None
    sheet = spec.sheet if spec is not None else None
    if suffix in (".xlsx", ".xlsm", ".xls"):
        frame = read_table(path, sheet=sheet, skiprows=skip, dtype=object, **options)
    else:
        frame = read_table(
            path,
            encoding=encoding,
            skiprows=skip,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            **options,
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame=frame, first_row=header_rows + 1)


def _read_sav(path: Path) -> RawTable:
    import pyreadstat

    if not path.exists():
        raise DataError("File not found", file=path, hint="Check the path in study.yml.")
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError types
        raise DataError(
            f"Cannot read the SPSS file: {exc}",
            file=path,
            hint="Re-export it from SPSS as .sav, or export CSV instead.",
        ) from None
    user_missing: dict[str, set[float]] = {}
    for column, ranges in (meta.missing_ranges or {}).items():
        codes = set()
        for entry in ranges:
            low, high = entry["lo"], entry["hi"]  # type: ignore[index]
            if isinstance(low, int | float) and low == high:
                codes.add(float(low))
            elif isinstance(low, int | float):
                codes.update(float(v) for v in range(int(np.ceil(low)), int(np.floor(high)) + 1))
        user_missing[column] = codes
    return RawTable(
        frame=frame,
        first_row=1,
        value_labels=dict(meta.variable_value_labels or {}),
        user_missing=user_missing,
    )


def _rows(raw: RawTable, positions: np.ndarray) -> np.ndarray:
    return positions + raw.first_row


def _first_bad(series: pd.Series, mapping: dict[Any, Any]) -> tuple[int, Any]:
    bad_values = [v for v, coded in mapping.items() if coded is _BAD]
    mask = series.isin(bad_values).to_numpy()
    at = int(np.flatnonzero(mask)[0])
    return at, series.iloc[at]


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
        or value is pd.NA
    )


def code_answers(
    series: pd.Series,
    scale: Scale,
    *,
    missing_text: set[str],
    missing_numbers: set[float],
    value_labels: dict[Any, str] | None = None,
    file: str | Path | None = None,
    column: str | None = None,
    first_row: int = 2,
) -> pd.Series:
    """Turn the answers of one item into scale codes (float; NaN = missing).

    Text labels of the scale (either language, case-insensitive) map to their codes; declared
    missing codes map to NaN; anything else must be an integer inside the scale.

    Parameters
    ----------
    series : Series
        The answers as read.
    scale : Scale
        The item's scale (codes and labels).
    missing_text, missing_numbers : set
        Declared missing codes, as casefolded text and as numbers.
    value_labels : dict, optional
        SPSS value labels of the column.
    file, column, first_row : optional
        Where the answers come from, for error messages.

    Returns
    -------
    Series
        Float codes, NaN for missing.

    Examples
    --------
    >>> from research.survey.schema import Scale
    >>> sat5 = Scale(min=1, max=5, labels={5: {"zh": "非常满意", "en": "Very satisfied"}})
    >>> code_answers(pd.Series(["非常满意", "4", "不知道", None]), sat5,
    ...              missing_text={"不知道"}, missing_numbers={99.0}).tolist()
    [5.0, 4.0, nan, nan]
    """
    labels: dict[str, int] = {}
    for scale_code, label in scale.labels.items():
        for text in (label.zh, label.en):
            if text:
                labels[text.strip().casefold()] = scale_code
    value_labels = value_labels or {}

    def code(value: Any) -> Any:
        if _is_blank(value):
            return np.nan
        if isinstance(value, str):
            key = value.strip().casefold()
            if key in missing_text:
                return np.nan
            if key in labels:
                return float(labels[key])
            try:
                number = float(key)
            except ValueError:
                return _BAD
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                return _BAD
        if number in missing_numbers:
            return np.nan
        if number != int(number) or not scale.min <= number <= scale.max:
            return _BAD
        return number

    mapping = {value: code(value) for value in pd.unique(series)}
    if any(coded is _BAD for coded in mapping.values()):
        at, value = _first_bad(series, mapping)
        allowed = sorted({lab for lab in labels})[:12]
        raise DataError(
            "Answer is not a code of the item's scale, a scale label or a missing code",
            file=file,
            row=at + first_row,
            column=column,
            value=value,
            hint=(
                f"Allowed: integers {scale.min}-{scale.max}"
                + (f", labels {allowed}" if allowed else "")
                + ". Map other answers to missing in study.yml (survey.missing)."
            ),
        )
    coded = series.map(mapping)
    return pd.to_numeric(coded, errors="coerce").astype(float)


def segment_lookup(labels: dict[str, Any]) -> dict[str, str]:
    """Casefolded code, zh and en label -> segment code.

    Parameters
    ----------
    labels : dict
        Segment code -> labels (``zh``, ``en``).

    Returns
    -------
    dict
        Lookup key -> code.
    """
    lookup: dict[str, str] = {}
    for code, label in labels.items():
        lookup[str(code).casefold()] = code
        for text in (label.zh, label.en):
            if text:
                lookup[text.strip().casefold()] = code
    return lookup


def code_segment(
    series: pd.Series,
    labels: dict[str, Any],
    *,
    value_labels: dict[Any, str] | None = None,
    file: str | Path | None = None,
    column: str | None = None,
    first_row: int = 2,
) -> pd.Series:
    """Turn segment answers into the segment codes declared in study.yml; blanks stay missing.

    Answers may be codes, Chinese or English labels, or SPSS codes with value labels.

    With no declared labels, every value is its own code (text; SPSS value labels applied,
    whole numbers without ``.0``).

    Parameters
    ----------
    series : Series
        The segment answers as read.
    labels : dict
        Declared code -> labels (empty: values are their own codes).
    value_labels : dict, optional
        SPSS value labels of the column.
    file, column, first_row : optional
        Where the values come from, for error messages.

    Returns
    -------
    Series
        Segment codes (text), NaN for blanks.

    Examples
    --------
    >>> code_segment(pd.Series(["female", " male", None, 2.0]), {}).tolist()
    ['female', 'male', nan, '2']
    """
    lookup = segment_lookup(labels)
    value_labels = value_labels or {}

    def code(value: Any) -> Any:
        if _is_blank(value):
            return None
        if value in value_labels:
            value = value_labels[value]
        if not labels:
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value).strip()
        key = str(value).strip().casefold()
        if key not in lookup and isinstance(value, float) and value.is_integer():
            key = str(int(value))
        return lookup.get(key, _BAD)

    mapping = {value: code(value) for value in pd.unique(series)}
    if any(coded is _BAD for coded in mapping.values()):
        at, value = _first_bad(series, mapping)
        raise DataError(
            "Unknown segment label",
            file=file,
            row=at + first_row,
            column=column,
            value=value,
            hint=f"Allowed: {sorted(set(lookup.values()))} or their zh/en labels "
            "(survey.segments in study.yml).",
        )
    return series.map(mapping).astype(object)


def _respondent_ids(series: pd.Series, file: Path, first_row: int) -> pd.Series:
    def as_text(value: Any) -> Any:
        if _is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    ids = series.map(as_text)
    if ids.isna().any():
        at = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise DataError(
            "Missing respondent id",
            file=file,
            row=at + first_row,
            column=series.name,
            hint="Every response needs an id; drop empty rows from the export.",
        )
    return ids.astype(str)


class WaveFile(NamedTuple):
    """One survey file as coded by :func:`read_wave_file`."""

    #: Coded responses (``respondent_id``, segments, items, and ``__weight__`` when the study
    #: declares a weight column).
    responses: pd.DataFrame
    #: Per response row, the ``file`` and spreadsheet ``row`` it came from.
    source: pd.DataFrame


def read_wave_file(
    study: Study, section: SurveySection, file_id: str, *, extra_segments: list[str] | tuple[str, ...] = ()
) -> WaveFile:
    """Read and code one declared survey file (plus *extra_segments* columns, codes as they are).

    Parameters
    ----------
    study : Study
        The loaded study.
    section : SurveySection
        Its validated ``survey:`` section.
    file_id : str
        A declared file with role ``survey``.
    extra_segments : list of str
        Further columns to keep as segments, their values as they are.

    Returns
    -------
    WaveFile
        ``responses`` and ``source``.
    """
    spec = study.file_spec(file_id)
    path = study.file(file_id)
    raw = read_raw(path, spec)
    frame = raw.frame
    segments = {**section.segments, **{c: {} for c in extra_segments if c not in section.segments}}
    required = [section.respondent_id, *segments, *section.items]
    if section.weight:
        required.append(section.weight)
    require_columns(frame, required, file=path)

    codes = [*section.missing.dont_know, *section.missing.not_applicable]
    missing_text = {str(v).strip().casefold() for v in codes if isinstance(v, str)}
    missing_numbers = {float(v) for v in codes if not isinstance(v, str)}
    missing_text |= {str(int(v)) for v in missing_numbers if float(v).is_integer()}
    out = {"respondent_id": _respondent_ids(frame[section.respondent_id], path, raw.first_row)}
    for segment, labels in segments.items():
        out[segment] = code_segment(
            frame[segment],
            labels,
            value_labels=raw.value_labels.get(segment),
            file=path,
            column=segment,
            first_row=raw.first_row,
        )
    for item_id, item in section.items.items():
        scale = section.scales[item.scale]
        coded = code_answers(
            frame[item_id],
            scale,
            missing_text=missing_text,
            missing_numbers=missing_numbers | raw.user_missing.get(item_id, set()),
            value_labels=raw.value_labels.get(item_id),
            file=path,
            column=item_id,
            first_row=raw.first_row,
        )
        _check_value_labels(raw.value_labels.get(item_id), scale, path, item_id)
        out[item_id] = scale.min + scale.max - coded if item.reverse else coded
    if section.weight:
        out["__weight__"] = frame[section.weight]
    responses = pd.DataFrame(out)
    source = pd.DataFrame({"file": str(path), "row": np.arange(len(frame)) + raw.first_row})
    return WaveFile(responses, source)


def _check_value_labels(value_labels: dict[Any, str] | None, scale: Scale, path: Path, column: str) -> None:
    """SPSS value labels must agree with the scale's labels where both name a code.

    A file coded 1 = 非常满意 against a schema with 5 = 非常满意 is reversed; reading its codes
    as they are would silently flip every answer.
    """
    if not value_labels:
        return
    expected = {}
    for code, label in scale.labels.items():
        for text in (label.zh, label.en):
            if text:
                expected[text.strip().casefold()] = code
    for code, text in value_labels.items():
        known = expected.get(str(text).strip().casefold())
        if known is not None and float(known) != float(code):
            raise DataError(
                "The file's value labels disagree with the item's scale in study.yml",
                file=path,
                column=column,
                value=f"{code} = {text}",
                hint=f"study.yml codes {text!r} as {known}; recode the file or fix the scale.",
            )


def read_margins(study: Study, section: SurveySection, file_id: str) -> pd.DataFrame:
    """Read population margins (``variable, category, share``) and code their categories.

    Shares are proportions (0..1) that sum to 1 within each variable (to within 0.01; they
    are then rescaled to sum exactly to 1). Categories may be given as codes or labels.

    Parameters
    ----------
    study : Study
        The loaded study.
    section : SurveySection
        Its survey section (segments and their labels).
    file_id : str
        A declared file with role ``margins``.

    Returns
    -------
    DataFrame
        ``variable, category, share`` with the categories as segment codes.

    Examples
    --------
    >>> from research import load_study
    >>> from research.survey.schema import parse_survey_section
    >>> study = load_study("sample")
    >>> section = parse_survey_section(study, study.section("survey"))
    >>> margins = read_margins(study, section, "margins")
    >>> margins.groupby("variable")["share"].sum().round(6).unique().tolist()
    [1.0]
    """
    path = study.file(file_id)
    spec = study.file_spec(file_id)
    frame = read_table(
        path,
        encoding=spec.encoding,
        sheet=spec.sheet,
        dtype={"variable": str, "category": str},
        **spec.options,
    )
    require_columns(frame, ["variable", "category", "share"], file=path)
    frame = frame[["variable", "category", "share"]].copy()
    frame["variable"] = frame["variable"].str.strip()
    for position, variable in enumerate(frame["variable"]):
        if variable not in section.segments:
            raise _margins_error(
                "Margin for an undeclared segment",
                path,
                position,
                variable,
                f"Declared segments: {list(section.segments)}",
                column="variable",
            )
    share = pd.to_numeric(frame["share"], errors="coerce")
    bad = share.isna() | (share < 0) | (share > 1)
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise _margins_error(
            "Margin share must be a proportion between 0 and 1",
            path,
            at,
            frame["share"].iloc[at],
            "Write shares as proportions (0.35), not percentages (35).",
        )
    frame["share"] = share.astype(float)
    categories = []
    for position, (variable, category) in enumerate(zip(frame["variable"], frame["category"], strict=True)):
        lookup = segment_lookup(section.segments[variable])
        code = lookup.get(str(category).strip().casefold())
        if code is None:
            raise _margins_error(
                "Unknown category in the margins",
                path,
                position,
                category,
                f"Categories of {variable!r}: {sorted(set(lookup.values()))}.",
                column="category",
            )
        categories.append(code)
    frame["category"] = categories
    totals = frame.groupby("variable")["share"].transform("sum")
    off = (totals - 1).abs() > 0.01
    if off.any():
        at = int(np.flatnonzero(off.to_numpy())[0])
        raise _margins_error(
            "Margin shares of a variable do not sum to 1",
            path,
            at,
            round(float(totals.iloc[at]), 4),
            f"Check the categories of {frame['variable'].iloc[at]!r}.",
        )
    frame["share"] = frame["share"] / totals
    return frame.reset_index(drop=True)


def _margins_error(
    message: str, path: Path, at: int, value: Any, hint: str, *, column: str = "share"
) -> DataError:
    """A problem in *column* of data row *at* (0-based; the spreadsheet row is at + 2) of a margins file."""
    return DataError(message, file=path, row=at + 2, column=column, value=value, hint=hint)
