"""``research new NAME [--from FILE ...]``: scaffold a study folder from the researcher's own files.

:func:`new_study` creates ``data/raw/<NAME>/``, copies the given files into it (by role, into
``survey/``, ``kpis/``, ``interviews/`` or ``other/``; the originals are never moved or
changed), inspects every table with the package's own readers and writes a commented
``study.yml`` that proposes, per file, a role and its columns:

* **survey** (one row per respondent): the id column, the items (integer columns in a small
  range, or text answers such as 非常满意 ... 非常不满意) with their observed range and an
  inferred scale (1-5, 1-7, 0-10, 1-10, 0-100 ...), the segments (low-cardinality columns, with
  their levels), "don't know" codes seen outside the scales (98, 99, 不知道), a weight column,
  the recommend item when a column name suggests one (recommend, nps, 推荐) and it spans 0-10,
  and one report run per wave (one wave per file);
* **kpi_series** (periods, optionally per unit): the time column and its frequency (years,
  quarters such as ``2011Q3`` / ``Q32011`` / ``2011-Q3``, months ``2011-07``, weeks, dates), the
  unit column, a treated (0/1) column, the KPIs (numeric columns) with their ranges. The
  ``evaluation:`` section needs the intervention, which data rarely tell: it is written
  commented out with instructions, unless a 0/1 "treated and after" column pins down the
  intervention and the treated units, in which case it is active with a ``check:`` comment;
* **codings**, **codebook**, **transcripts** (folders or files of .txt/.md/.docx/.vtt),
  **respondents** (ids matching the transcripts) and **margins** (``variable, category,
  share``) for the interview and weighting parts; anything else becomes role **other**.

Every guess carries a ``# check:`` comment. When the guesses are right the study validates and
renders as written (``research validate --study NAME``, then ``research reports --study NAME``);
after writing, :func:`new_study` runs the validation itself and, should a proposed evaluation
not pass it, writes that section back commented out with the reason, so that the study always
starts valid.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from research.errors import DataError
from research.paths import project_root, raw_dir

_T = TypeVar("_T")

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".sav", ".zsav")
TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".vtt")
YAML_SUFFIXES = (".yml", ".yaml")
SURVEY_NOTEBOOK = "20_survey_statistics.ipynb"
EVALUATION_NOTEBOOK = "30_improvement_evaluation.ipynb"
CODING_NOTEBOOK = "10_interview_coding.ipynb"

#: Sub-folder of the study folder each role's copies go to.
ROLE_FOLDERS = {
    "survey": "survey",
    "margins": "survey",
    "kpi_series": "kpis",
    "codings": "interviews",
    "codebook": "interviews",
    "respondents": "interviews",
    "transcripts": "interviews/transcripts",
    "other": "other",
}

#: Answer scales with text labels that survey exports often carry instead of codes: the
#: (zh, en) labels of codes 1, 2, ... in order.
_SCALE_LABELS = {
    "satisfaction5": [
        ("非常不满意", "Very dissatisfied"),
        ("不满意", "Dissatisfied"),
        ("一般", "Neutral"),
        ("满意", "Satisfied"),
        ("非常满意", "Very satisfied"),
    ],
    "agree5": [
        ("非常不同意", "Strongly disagree"),
        ("不同意", "Disagree"),
        ("一般", "Neither agree nor disagree"),
        ("同意", "Agree"),
        ("非常同意", "Strongly agree"),
    ],
}
LABELLED_SCALES: dict[str, dict[int, dict[str, str]]] = {
    scale: {code: {"zh": zh, "en": en} for code, (zh, en) in enumerate(labels, start=1)}
    for scale, labels in _SCALE_LABELS.items()
}
#: Answers that are not opinions (matched case-insensitively).
MISSING_TEXTS = (
    "不知道",
    "不适用",
    "说不清",
    "拒答",
    "don't know",
    "dont know",
    "not applicable",
    "n/a",
    "na",
    "refused",
)
#: Numeric codes that mean "no answer" when they lie outside an item's scale.
MISSING_CODES = (-99, -9, -8, -7, -1, 77, 88, 96, 97, 98, 99, 997, 998, 999, 9999)
#: Rating scales the inference chooses from: (min, max), narrowest first.
STANDARD_SCALES = ((1, 4), (1, 5), (1, 6), (1, 7), (1, 10), (0, 10), (0, 100))

_ID_HINT = re.compile(r"(^|_)(id|idno|uid|uuid|case|serial|resp|respondent\w*)$|编号|序号|^id|id$", re.I)
_RECOMMEND_HINT = re.compile(r"recommend|nps|推荐", re.I)
_OVERALL_HINT = re.compile(r"overall|总体|整体", re.I)
_WEIGHT_HINT = re.compile(r"^(weight|wt|wgt|w|pspwght|dweight|anweight)$|weight|权重", re.I)
_TIME_HINT = re.compile(r"year|yr|quarter|qtr|month|week|date|time|period|年|季|月|周|日期|时间", re.I)
_TREATED_HINT = re.compile(r"treat|处理|试点|干预", re.I)
_NOT_ITEM_HINT = re.compile(r"(^|_)(age|agea|yrbrn|year|income|count|num|n)(_|$)|年龄|收入", re.I)
_QUARTER = (
    re.compile(r"^(\d{4})\s*[-_/ ]?\s*q([1-4])$", re.I),
    re.compile(r"^q([1-4])\s*[-_/ ]?\s*(\d{4})$", re.I),
    re.compile(r"^(\d{4})\s*年\s*第?\s*([1-4])\s*季度?$"),
)
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T].*)?$")
MAX_SEGMENT_LEVELS = 12


# --------------------------------------------------------------------------------------------
# What the inspection proposes


class ScaleRange(NamedTuple):
    """The lowest and highest code of a rating scale (see :func:`infer_scale`)."""

    low: int
    high: int


@dataclass
class ItemGuess:
    """A survey item: its scale, observed range and label."""

    scale: str
    low: float
    high: float
    label: str = ""
    attribute: str | None = None


@dataclass
class TimeGuess:
    """The time column of a KPI series and its frequency."""

    column: str
    kind: str  # year, quarter, month, week, day, date
    keys: pd.Series  # sortable period keys, aligned with the frame
    first: str
    last: str
    n_periods: int

    def describe(self) -> str:
        """The guess in words, e.g. ``weeks, 52 periods from 2025-01-06 to 2025-12-29``."""
        return f"{self.kind}s, {self.n_periods} periods from {self.first} to {self.last}"


@dataclass
class SurveyGuess:
    """The columns of a survey export."""

    id_column: str | None
    items: dict[str, ItemGuess] = field(default_factory=dict)
    segments: dict[str, list[str]] = field(default_factory=dict)
    weight: str | None = None
    date: dt.date | None = None
    date_column: str | None = None
    missing_codes: set[Any] = field(default_factory=set)
    unused: dict[str, str] = field(default_factory=dict)


@dataclass
class SeriesGuess:
    """The columns of a KPI series."""

    time: TimeGuess
    unit: str | None = None
    units: list[str] = field(default_factory=list)
    treated: str | None = None
    treated_units: list[str] = field(default_factory=list)
    intervention: Any = None
    intervention_source: str | None = None
    touchpoint: str | None = None
    kpis: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    unused: dict[str, str] = field(default_factory=dict)


@dataclass
class FileProposal:
    """One data file (or folder) of the new study: where it goes, its role, what it holds."""

    file_id: str
    source: Path
    path: str  # relative to the study folder
    role: str
    note: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    survey: SurveyGuess | None = None
    series: SeriesGuess | None = None
    coders: list[str] = field(default_factory=list)
    margins: dict[str, set[str]] = field(default_factory=dict)
    id_column: str | None = None
    ids: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    cjk: bool = False


@dataclass
class Scaffold:
    """What :func:`new_study` wrote: the folder, the file proposals and the study.yml text."""

    folder: Path
    files: list[FileProposal]
    text: str
    demoted: list[str] = field(default_factory=list)

    @property
    def yml_path(self) -> Path:
        """The written study.yml."""
        return self.folder / "study.yml"


# --------------------------------------------------------------------------------------------
# Column inspection (pure functions on frames)


def _cjk(text: Any) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", str(text)))


def _blank(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _values(series: pd.Series) -> pd.Series:
    """Non-blank values of a column."""
    return series[[not _blank(v) for v in series]]


def _numbers(series: pd.Series) -> tuple[pd.Series, list[str]]:
    """The numeric values of a column and its distinct non-numeric texts."""
    values = _values(series)
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(dtype=float), ["<dates>"]
    numeric = pd.to_numeric(values, errors="coerce")
    texts = sorted({str(v).strip() for v, n in zip(values, numeric, strict=True) if pd.isna(n)})
    return numeric.dropna().astype(float), texts


def _is_integer(numbers: pd.Series) -> bool:
    return len(numbers) > 0 and bool(np.all(np.isclose(numbers, np.round(numbers))))


def infer_scale(low: float, high: float, *, recommend: bool = False) -> ScaleRange | None:
    """The rating scale an item's observed codes most likely come from, or None.

    The observed range itself when it is a usual scale (1-4, 1-5, 1-6, 1-7, 0-10, 1-10,
    0-100); otherwise the narrowest usual scale containing it; 0-10 for a likelihood-to-
    recommend question. Ranges that start above 1, or wide ranges that do not reach 50 (ages,
    years of schooling, sum scores) are not rating scales.

    Examples
    --------
    >>> infer_scale(1, 5)
    ScaleRange(low=1, high=5)
    >>> [tuple(infer_scale(*r)) for r in [(2, 5), (1, 9), (0, 100)]], infer_scale(3, 10, recommend=True)
    ([(1, 5), (1, 10), (0, 100)], ScaleRange(low=0, high=10))
    >>> infer_scale(15, 94) is None, infer_scale(0, 30) is None
    (True, True)
    """
    if low < 0 or high <= low:
        return None
    if recommend and high <= 10:
        return ScaleRange(0, 10)
    if (low, high) in STANDARD_SCALES:
        return ScaleRange(int(low), int(high))
    if low > 1 and high > 10:
        return None
    for scale_min, scale_max in STANDARD_SCALES:
        if scale_max == 100 and high < 50:
            return None
        if scale_min <= low and high <= scale_max:
            return ScaleRange(scale_min, scale_max)
    return None


def _labelled_scale(texts: Iterable[str]) -> str | None:
    keys = {t.strip().casefold() for t in texts} - {m.casefold() for m in MISSING_TEXTS}
    if not keys:
        return None
    for name, labels in LABELLED_SCALES.items():
        known = {text.casefold() for label in labels.values() for text in label.values()}
        if keys <= known:
            return name
    return None


def _time_keys(series: pd.Series, name: str) -> tuple[str, pd.Series] | None:
    """(kind, sortable key per row) if the column holds periods or dates."""
    values = _values(series)
    if len(values) < 2 or len(values) < 0.95 * len(series):
        return None
    if pd.api.types.is_datetime64_any_dtype(values):
        return _date_kind(pd.to_datetime(values)), pd.to_datetime(series)
    texts = values.map(lambda v: str(v).strip())
    for pattern in _QUARTER:
        found = texts.str.extract(pattern)
        if found.notna().all().all():
            year_first = not pattern.pattern.startswith("^q")
            year, quarter = (found[0], found[1]) if year_first else (found[1], found[0])
            keys = pd.Series(year.astype(int) * 10 + quarter.astype(int), index=values.index)
            return "quarter", keys.reindex(series.index)
    found = texts.str.extract(_MONTH)
    if found.notna().all().all() and found[1].astype(int).between(1, 12).all():
        keys = found[0].astype(int) * 100 + found[1].astype(int)
        return "month", keys.reindex(series.index)
    if texts.str.match(_DATE).all():
        parsed = pd.to_datetime(texts, errors="coerce")
        if parsed.notna().all():
            return _date_kind(parsed), parsed.reindex(series.index)
    numbers, rest = _numbers(values)
    if not rest and _is_integer(numbers) and numbers.between(1800, 2100).all() and _TIME_HINT.search(name):
        return "year", pd.to_numeric(series, errors="coerce")
    return None


def _date_kind(dates: pd.Series) -> str:
    unique = pd.Series(sorted(dates.dropna().unique()))
    if len(unique) < 2:
        return "date"
    days = float(unique.diff().dropna().dt.days.median())
    for kind, (low, high) in {
        "day": (1, 1),
        "week": (6, 8),
        "month": (28, 31),
        "quarter": (89, 92),
        "year": (365, 366),
    }.items():
        if low <= days <= high:
            return kind
    return "date"


def detect_time(data: pd.DataFrame, exclude: Iterable[str] = ()) -> TimeGuess | None:
    """The time column of a table and its frequency, or None.

    Columns whose values all read as periods or dates qualify: quarter strings (``2011Q3``,
    ``Q32011``, ``2011-Q3``, ``2011年第3季度``), months (``2011-07``), ISO dates (frequency from
    the usual spacing: day, week, month, quarter, year) and integer years in a column whose name
    says so (year, 年份 ...). The column with the most periods wins; a name hint breaks ties.

    Examples
    --------
    >>> data = pd.DataFrame({"State": ["A", "A", "B", "B"], "Quarter": ["Q42010", "Q12011"] * 2,
    ...                       "Rate": [0.1, 0.2, 0.3, 0.4]})
    >>> guess = detect_time(data)
    >>> guess.column, guess.kind, guess.first, guess.last, guess.n_periods
    ('Quarter', 'quarter', 'Q42010', 'Q12011', 2)
    """
    best: TimeGuess | None = None
    for column in data.columns:
        if column in exclude:
            continue
        found = _time_keys(data[column], str(column))
        if found is None:
            continue
        kind, keys = found
        order = keys.dropna().sort_values()
        if order.nunique() < 2:
            continue
        first = str(data[column].loc[order.index[0]]).strip()
        last = str(data[column].loc[order.index[-1]]).strip()
        guess = TimeGuess(str(column), kind, keys, first, last, int(order.nunique()))
        score = (guess.n_periods, bool(_TIME_HINT.search(str(column))))
        if best is None or score > (best.n_periods, bool(_TIME_HINT.search(best.column))):
            best = guess
    return best


def _id_column(frame: pd.DataFrame, exclude: Iterable[str] = ()) -> str | None:
    candidates = []
    for column in frame.columns:
        if column in exclude:
            continue
        values = _values(frame[column])
        if (
            len(values) != len(frame)
            or len(frame) < 2
            or values.astype(str).str.strip().nunique() != len(frame)
        ):
            continue
        numbers, texts = _numbers(values)
        if not texts and not _is_integer(numbers):
            continue  # measured values (prices) are unique by chance, not ids
        if not texts and numbers.min() >= 0 and numbers.max() <= 10:
            continue
        candidates.append((not _ID_HINT.search(str(column)), str(column) == "rownames", str(column)))
    return min(candidates)[2] if candidates else None


def _segment_levels(series: pd.Series, value_labels: dict[Any, str] | None) -> list[str] | None:
    values = _values(series)
    if value_labels:
        values = values.map(lambda v: value_labels.get(v, v))
    levels = list(
        dict.fromkeys(
            str(v).strip() if not isinstance(v, float) or not v.is_integer() else str(int(v)) for v in values
        )
    )
    if not 2 <= len(levels) <= MAX_SEGMENT_LEVELS or len(levels) > len(values) / 2:
        return None
    return sorted(levels, key=lambda level: (not level.lstrip("-").isdigit(), _natural(level)))


def _natural(text: str) -> Any:
    return int(text) if text.lstrip("-").isdigit() else text


def inspect_survey(
    data: pd.DataFrame,
    *,
    value_labels: dict[str, dict[Any, str]] | None = None,
    column_labels: dict[str, str] | None = None,
    user_missing: dict[str, set[float]] | None = None,
) -> SurveyGuess:
    """Propose the survey columns of one export: id, items with scales, segments, weight.

    Parameters
    ----------
    data : DataFrame
        The export as read (text or numbers; see :func:`research.survey.readers.read_raw`).
    value_labels : dict, optional
        SPSS value labels per column (codes -> text).
    column_labels : dict, optional
        Question texts per column (SPSS variable labels, the question row of an Excel export).
    user_missing : dict, optional
        SPSS user-missing codes per column (left out of the observed ranges).

    Examples
    --------
    >>> data = pd.DataFrame({"id": ["r1", "r2", "r3", "r4"], "region": ["东", "西", "东", "西"],
    ...                       "q1": ["1", "5", "3", "99"], "nps": ["0", "10", "7", "9"]})
    >>> guess = inspect_survey(data)
    >>> guess.id_column, guess.segments, guess.missing_codes
    ('id', {'region': ['东', '西']}, {99})
    >>> {item: (g.scale, g.low, g.high) for item, g in guess.items.items()}
    {'q1': ('scale_1_5', 1.0, 5.0), 'nps': ('scale_0_10', 0.0, 10.0)}
    """
    value_labels = value_labels or {}
    column_labels = column_labels or {}
    periods = {str(c): found for c in data.columns if (found := _time_keys(data[c], str(c))) is not None}
    guess = SurveyGuess(id_column=_id_column(data, exclude=periods))
    for column in data.columns:
        name = str(column)
        if name == guess.id_column:
            continue
        values = _values(data[column])
        if values.empty:
            guess.unused[name] = "empty"
            continue
        labels = value_labels.get(name) or {}
        numbers, texts = _numbers(values)
        if name in periods:
            kind, keys = periods[name]
            dates = pd.to_datetime(keys, errors="coerce").dropna() if kind != "year" else pd.Series()
            if len(dates) and guess.date is None:
                guess.date, guess.date_column = dates.sort_values().iloc[len(dates) // 2].date(), name
            guess.unused[name] = "dates" if len(dates) else f"{kind}s"
            continue
        if values.astype(str).nunique() == 1:
            guess.unused[name] = f"always {values.iloc[0]}"
            continue
        item = _item_guess(
            name,
            numbers,
            texts,
            labels,
            column_labels.get(name, ""),
            guess,
            (user_missing or {}).get(name, set()),
        )
        if item is not None:
            guess.items[name] = item
            continue
        levels = _segment_levels(values, labels)
        if levels is not None and (texts or labels or set(levels) <= {"0", "1"}):
            guess.segments[name] = levels
            continue
        if not texts and guess.weight is None and _WEIGHT_HINT.search(name) and (numbers > 0).all():
            guess.weight = name
            continue
        if texts and len(texts) > MAX_SEGMENT_LEVELS:
            guess.unused[name] = f"text, {values.nunique()} different values"
        elif not texts and len(numbers):
            guess.unused[name] = f"numbers {_fmt(numbers.min())} .. {_fmt(numbers.max())}"
        else:
            guess.unused[name] = "not a rating or a segment"
    _group_attributes(guess)
    return guess


def _item_guess(
    name: str,
    numbers: pd.Series,
    texts: list[str],
    labels: dict[Any, str],
    question: str,
    guess: SurveyGuess,
    user_missing: set[float],
) -> ItemGuess | None:
    missing_texts = {m.casefold() for m in MISSING_TEXTS}
    codes = {float(n) for n in numbers.unique()} - user_missing
    labelled_codes = {
        float(c)
        for c, text in labels.items()
        if _is_number(c) and str(text).strip().casefold() not in missing_texts
    }
    label_texts = [str(labels[c]) for c in labels if _is_number(c) and float(c) in codes]
    labelled = _labelled_scale([*texts, *label_texts]) if (texts or label_texts) else None
    if texts and labelled is None and not {t.casefold() for t in texts} <= missing_texts:
        return None
    if (
        labelled is None
        and labelled_codes
        and len(labelled_codes) >= 3
        and codes <= labelled_codes | {float(c) for c in labels if _is_number(c)}
    ):
        return None  # codes with their own labels (1 = 华东 ...): a segment, not a rating
    if (len(numbers) and not _is_integer(numbers)) or (not len(numbers) and labelled is None):
        return None
    if _NOT_ITEM_HINT.search(name):
        return None
    missing_labelled = {
        float(c)
        for c, text in labels.items()
        if _is_number(c) and str(text).strip().casefold() in missing_texts
    }
    candidates = {c for c in codes if c in MISSING_CODES} | (codes & missing_labelled)
    wide = bool(codes - candidates) and max(codes - candidates) > 10
    outside = {c for c in candidates if c in missing_labelled or not wide or c < 0 or c > 100}
    kept = sorted(codes - outside)
    if labelled is not None and kept and (min(kept) < 1 or max(kept) > 5):
        if texts:
            return None
        labelled = None  # a longer scale labelled at its ends (1 = 非常不同意 ... 7 = 非常同意)
    if labelled is not None:
        low, high = (min(kept), max(kept)) if kept else (1.0, 5.0)
        scale_name = labelled
    else:
        if len(kept) < 3 or set(kept) <= {0.0, 1.0}:
            return None
        low, high = kept[0], kept[-1]
        scale = infer_scale(low, high, recommend=bool(_RECOMMEND_HINT.search(name)))
        if scale is None:
            return None
        scale_name = f"scale_{scale[0]}_{scale[1]}"
    guess.missing_codes |= {int(c) for c in outside if c not in missing_labelled or c in codes}
    guess.missing_codes |= {t for t in texts if t.casefold() in missing_texts}
    return ItemGuess(scale=scale_name, low=low, high=high, label=question)


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _group_attributes(guess: SurveyGuess) -> None:
    """Items that measure one thing share an attribute (one row of the report).

    Items named like A1, A2 ... or q3_1, q3_2 share their stem; items named like store_wait,
    store_staff share the word before the first underscore. A stem becomes an attribute when
    at least two items carry it and all of them use the same scale.

    Examples
    --------
    >>> guess = SurveyGuess(None, items={n: ItemGuess("s", 1, 5) for n in ["A1", "A2", "store_wait",
    ...                                  "store_staff", "overall_sat"]})
    >>> _group_attributes(guess)
    >>> {n: g.attribute for n, g in guess.items.items()}
    {'A1': 'A', 'A2': 'A', 'store_wait': 'store', 'store_staff': 'store', 'overall_sat': None}
    """
    stems: dict[str, list[str]] = {}
    for item in guess.items:
        numbered = re.match(r"^(.*?[A-Za-z\u4e00-\u9fff])[_.-]?\d+$", item)
        worded = re.match(r"^([A-Za-z][A-Za-z0-9]+)_\w+$", item)
        stem = numbered.group(1).rstrip("_.-") if numbered else worded.group(1) if worded else None
        if stem:
            stems.setdefault(stem, []).append(item)
    for stem, members in stems.items():
        if len(members) >= 2 and len({guess.items[item].scale for item in members}) == 1:
            for item in members:
                guess.items[item].attribute = stem


def inspect_series(data: pd.DataFrame, time: TimeGuess) -> SeriesGuess:
    """Propose the columns of a KPI series given its time column: unit, treated, KPIs.

    The intervention is inferred only from a 0/1 column that is 1 exactly for the treated
    units (or the treated group of a 0/1 column) from one period on, 0 before it, and
    always 0 elsewhere (a "treated and after" indicator such as ``y81nrinc``).

    Examples
    --------
    >>> data = pd.DataFrame({"year": [1978, 1978, 1981, 1981] * 2, "near": [0, 1] * 4,
    ...                       "near_after": [0, 0, 0, 1] * 2, "price": [1.0, 2, 3, 5, 1, 2, 4, 6]})
    >>> guess = inspect_series(data, detect_time(data))
    >>> guess.treated, guess.intervention, list(guess.kpis)
    ('near', 1981, ['price'])
    """
    guess = SeriesGuess(time=time)
    keys = time.keys
    single = time.n_periods == len(data)  # one row per period: every column "follows" time
    columns = [str(c) for c in data.columns if str(c) != time.column]
    binary, numeric = [], []
    for column in columns:
        values = _values(data[column])
        numbers, texts = _numbers(values)
        if values.astype(str).nunique() <= 1:
            guess.unused[column] = "constant"
        elif not texts and set(numbers.unique()) <= {0.0, 1.0}:
            binary.append(column)
        elif texts:
            if guess.unit is None and _is_unit(data[column], keys):
                guess.unit = column
                guess.units = sorted(map(str, values.unique()))
            elif re.search(r"touchpoint|触点", column, re.I):
                guess.touchpoint = column
            else:
                guess.unused[column] = "text"
        elif not single and _follows_time(data[column], keys):
            guess.unused[column] = "a function of the time column"
        else:
            numeric.append(column)
    if guess.unit is None and time.n_periods * 2 <= len(data):
        for column in numeric:
            if _is_unit(data[column], keys) and _is_integer(_numbers(data[column])[0]):
                guess.unit, guess.units = column, sorted(map(str, _values(data[column]).unique()))
                numeric.remove(column)
                break
    groups = [
        c
        for c in binary
        if not single and _constant_within(data, c, guess.unit) and not _follows_time(data[c], keys)
    ]
    groups.sort(key=lambda c: not _TREATED_HINT.search(c))
    for column in binary:
        others = [g for g in groups if g != column]
        found = _intervention(data, column, keys, guess.unit, others, single=single)
        if found is not None:
            group, start = found
            guess.intervention_source = column
            guess.intervention = _plain_number(data.loc[keys == start, time.column].iloc[0])
            if guess.unit is not None:
                treated = data.loc[pd.to_numeric(data[column], errors="coerce") == 1, guess.unit]
                guess.treated_units = sorted(map(str, treated.unique()))
            guess.treated = group
            break
    if guess.treated is None and groups:
        guess.treated = groups[0]
    for column in binary:
        if column not in (guess.treated, guess.intervention_source):
            guess.unused[column] = "0/1"
    for column in numeric:
        numbers = _numbers(data[column])[0]
        guess.kpis[column] = (float(numbers.min()), float(numbers.max()), float(numbers.std(ddof=1)))
    return guess


def _plain_number(value: Any) -> Any:
    """A period as written in the data: integer years as numbers (1981), anything else as text."""
    text = str(value).strip()
    if re.fullmatch(r"-?\d+(\.0+)?", text):
        return int(float(text))
    return text


def _is_unit(series: pd.Series, keys: pd.Series) -> bool:
    pairs = pd.DataFrame({"unit": series.astype(str), "time": keys})
    units, periods = pairs["unit"].nunique(), pairs["time"].nunique()
    balanced = units * periods <= 2 * len(series) and pairs.groupby("unit")["time"].nunique().min() >= 2
    return 2 <= units <= len(series) / 2 and balanced and not pairs.duplicated().any()


def _follows_time(series: pd.Series, keys: pd.Series) -> bool:
    """True if the column is determined by the period (a period index or an 'after' dummy)."""
    return bool(pd.DataFrame({"v": series.astype(str), "t": keys}).groupby("t")["v"].nunique().max() == 1)


def _constant_within(frame: pd.DataFrame, column: str, unit: str | None) -> bool:
    if unit is None:
        return True
    return bool(frame.groupby(unit)[column].nunique().max() == 1)


def _intervention(
    frame: pd.DataFrame, column: str, keys: pd.Series, unit: str | None, groups: list[str], *, single: bool
) -> tuple[str | None, Any] | None:
    """(treated group column or None, first period) if *column* is "treated and after"."""
    flag = pd.to_numeric(frame[column], errors="coerce") == 1
    if not flag.any():
        return None
    start = keys[flag].min()
    if not (keys < start).any():
        return None
    after = keys >= start
    if unit is not None:
        treated = frame[unit].isin(frame.loc[flag, unit])
        if (flag == (treated & after)).all():
            return (groups[0] if groups else None), start
        return None
    if single and (flag == after).all():
        return None, start  # one series, 0 before and 1 from the change on
    for group in groups:
        if (flag == ((pd.to_numeric(frame[group], errors="coerce") == 1) & after)).all():
            return group, start
    return None


# --------------------------------------------------------------------------------------------
# Reading and classifying files


def _read(path: Path) -> tuple[pd.DataFrame, Any, dict[str, str], dict[str, Any]]:
    """The table as the survey reader sees it, value labels, question texts, reader options."""
    from research.study import DataFile
    from research.survey.readers import read_raw

    raw = read_raw(path)
    frame, options, questions = raw.frame, {}, {}
    if path.suffix.lower() in (".sav", ".zsav"):
        import pyreadstat

        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        questions = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    elif len(frame) > 2 and _question_row(frame):
        questions = {str(c): str(v).strip() for c, v in frame.iloc[0].items() if not _blank(v)}
        options = {"header_rows": 2}
        frame = read_raw(path, DataFile(path=path.name, role="survey", options=options)).frame
    return frame, raw, questions, options


def _question_row(frame: pd.DataFrame) -> bool:
    """True if the first data row holds texts (question wording) over numeric answers."""
    first, rest = frame.iloc[0], frame.iloc[1:]
    numeric_below = [
        c for c in frame.columns if pd.to_numeric(_values(rest[c]), errors="coerce").notna().mean() > 0.9
    ]
    if len(numeric_below) < 2:
        return False
    return all(isinstance(first[c], str) and not _is_number(first[c]) for c in numeric_below)


def propose_table(path: Path, file_id: str) -> FileProposal:
    """Read one table and propose its role and columns (see the module docstring)."""
    frame, raw, questions, options = _read(path)
    frame.columns = [str(c) for c in frame.columns]
    proposal = FileProposal(
        file_id=file_id, source=path, path="", role="other", options=options, labels=questions
    )
    proposal.cjk = (
        any(_cjk(c) for c in [*frame.columns, *questions.values()])
        or any(_cjk(v) for c in frame.columns[:60] for v in _values(frame[c]).head(50))
        or any(_cjk(text) for labels in raw.value_labels.values() for text in labels.values())
    )
    columns = set(frame.columns)
    if {"transcript_id", "code"} <= columns:
        proposal.role = "codings"
        if "coder" in columns:
            proposal.coders = sorted(map(str, _values(frame["coder"]).unique()))
        proposal.note = f"{len(frame)} codings" + (
            f" by coder(s) {', '.join(proposal.coders)}" if proposal.coders else ""
        )
        return proposal
    if {"variable", "category", "share"} <= columns:
        proposal.role = "margins"
        for variable, category in zip(frame["variable"], frame["category"], strict=True):
            proposal.margins.setdefault(str(variable).strip(), set()).add(str(category).strip())
        proposal.note = f"population shares of {', '.join(proposal.margins)}"
        return proposal
    time = detect_time(frame)
    survey = inspect_survey(
        frame, value_labels=raw.value_labels, column_labels=questions, user_missing=raw.user_missing
    )
    series = None if time is None else inspect_series(frame, time)
    n_periods = 0 if time is None else time.n_periods
    panel = series is not None and (series.unit is not None or n_periods == len(frame))
    repeated = series is not None and survey.id_column is None and 2 <= n_periods <= len(frame) / 2
    if survey.id_column and survey.items and (len(survey.items) >= 2 or not panel):
        proposal.role, proposal.survey = "survey", survey
        proposal.note = (
            f"{len(frame)} rows, one per respondent (id column {survey.id_column!r} is unique); "
            f"{len(survey.items)} rating item(s)"
        )
    elif series is not None and time is not None and series.kpis and (panel or repeated):
        proposal.role, proposal.series = "kpi_series", series
        shape = (
            f"{len(series.units)} units"
            if series.unit
            else "one series"
            if n_periods == len(frame)
            else "repeated cross-sections"
        )
        proposal.note = f"{len(frame)} rows: {shape} over {time.describe()}"
    elif survey.id_column is not None:
        proposal.id_column = survey.id_column
        proposal.ids = set(map(str, _values(frame[survey.id_column])))
        proposal.note = (
            f"{len(frame)} rows with unique ids in {survey.id_column!r}; not a survey or a KPI series"
        )
    elif len(survey.items) >= 2:
        proposal.role, proposal.survey = "survey", survey
        proposal.note = f"{len(frame)} rows with {len(survey.items)} rating items but NO unique id column"
    else:
        proposal.note = "not recognised as a survey, KPI series, codings or margins"
    return proposal


def _file_id(stem: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", stem.lower()).strip("_") or "file"
    if not base[0].isalpha():
        base = f"f_{base}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    taken.add(candidate)
    return candidate


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz":
        return suffixes[-2]
    return path.suffix.lower()


def _is_codebook(path: Path) -> bool:
    from research.io import read_yaml

    try:
        content = read_yaml(path)
    except DataError:
        return False
    return isinstance(content, dict) and isinstance(content.get("codes"), list)


def _plan(sources: Sequence[Path], taken: set[str]) -> tuple[list[FileProposal], list[Path]]:
    """Proposals for tables and codebooks, and the transcript files (put in one folder)."""
    proposals, transcripts = [], []
    for source in sources:
        if not source.exists():
            raise DataError("File to copy not found", file=source, hint="Check the path given to --from.")
        if source.is_dir():
            files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
            texts = [p for p in files if p.suffix.lower() in TRANSCRIPT_SUFFIXES]
            if texts and len(texts) == len(files):
                transcripts += texts
            else:
                sub, more = _plan(files, taken)
                proposals += sub
                transcripts += more
            continue
        suffix = _suffix(source)
        if suffix in TABLE_SUFFIXES:
            proposals.append(propose_table(source, _file_id(Path(source.name.split(".")[0]).name, taken)))
        elif suffix in TRANSCRIPT_SUFFIXES:
            transcripts.append(source)
        elif suffix in YAML_SUFFIXES and _is_codebook(source):
            proposals.append(
                FileProposal(
                    _file_id(source.stem, taken), source, "", "codebook", note="codebook (a codes: list)"
                )
            )
        else:
            proposals.append(
                FileProposal(
                    _file_id(source.stem, taken),
                    source,
                    "",
                    "other",
                    note=f"not a table the workbench reads ({suffix or 'no suffix'})",
                )
            )
    return proposals, transcripts


def _copy(source: Path, target: Path) -> Path:
    """Copy *source* to *target* (a new name if taken); the original is left as it is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stem, suffix, number = target.name.split(".")[0], target.name[len(target.name.split(".")[0]) :], 2
    while target.exists():
        target = target.with_name(f"{stem}_{number}{suffix}")
        number += 1
    shutil.copy2(source, target)
    return target


# --------------------------------------------------------------------------------------------
# Writing study.yml as commented text


def scalar(value: Any, *, flow: bool = False) -> str:
    """*value* as a YAML scalar that reads back as the same value (quoted only when needed).

    *flow*: the scalar goes inside ``[...]`` or ``{...}``, where commas and brackets end it.

    Examples
    --------
    >>> scalar("trstplc"), scalar("0"), scalar("yes"), scalar("a: b"), scalar("满意度"), scalar(2.5)
    ('trstplc', '"0"', '"yes"', '"a: b"', '满意度', '2.5')
    >>> scalar("a, b"), scalar("a, b", flow=True)
    ('a, b', '"a, b"')
    """
    import yaml

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        text = format(float(value), ".6g")
        return text if "." in text or "e" in text or "inf" in text or "nan" in text else f"{text}.0"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    try:
        plain_ok = (
            "\n" not in text
            and yaml.safe_load(f"k: {text}  # c") == {"k": text}
            and (not flow or yaml.safe_load(f"k: [{text}, {text}]") == {"k": [text, text]})
        )
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok else json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _line(indent: int, key: Any, value: Any = None, comment: str = "", *, raw: str | None = None) -> str:
    head = " " * indent + (f"{scalar(key)}:" if key else "-")
    if raw is not None:
        head += f" {raw}"
    elif value is not None:
        head += f" {scalar(value)}"
    return head + (f"  # {_comment(comment)}" if comment else "")


def _flow(values: Iterable[Any]) -> str:
    return "[" + ", ".join(scalar(v, flow=True) for v in values) + "]"


def _label(language: str, text: str) -> str:
    return "{" + f"{language}: {scalar(text, flow=True)}" + "}"


def _fmt(number: float) -> str:
    return format(float(number), ".4g")


def _preview(values: Sequence[Any], n: int = 6) -> str:
    shown = ", ".join(map(str, values[:n]))
    return shown + (f" ... ({len(values)} in all)" if len(values) > n else "")


def _header_lines(name: str, language: str) -> list[str]:
    """The opening comment, name, title and languages."""
    return [
        f"# study.yml of the study {name!r}, proposed by `research new` on {dt.date.today().isoformat()}.",
        "# Lines marked 'check:' are guesses from the data: correct what is wrong, delete what you do",
        "# not need. Then:",
        f"#   research validate --study {name}    (checks every file, column, scale and run)",
        f"#   research reports --study {name}     (renders the reports to reports/{name}/)",
        "# Every field is explained in data/raw/sample/study.yml (the full example study).",
        _line(0, "name", name),
        _line(0, "title", name, "check: the title shown on the reports"),
        _line(
            0,
            "languages",
            raw=f"[{language}]",
            comment="language of labels and reports: zh or en (the first is the main one)",
        ),
    ]


def _files_lines(files: list[FileProposal]) -> list[str]:
    """The ``files:`` section: one entry per copied file, its role and what was seen in it."""
    lines = [
        "",
        "# Data files (paths relative to this folder) and what each holds.",
        "files:" if files else "files: {}",
    ]
    for proposal in files:
        lines.append(_line(2, proposal.file_id, comment=f"copied from {proposal.source.name}"))
        lines.append(_line(4, "path", proposal.path))
        lines.append(_line(4, "role", proposal.role, f"check: {proposal.note}" if proposal.note else "check"))
        options = dict(proposal.options)
        if proposal.role == "respondents" and proposal.id_column:
            options["id_column"] = proposal.id_column
        if options:
            lines.append(_line(4, "options"))
            for key, value in options.items():
                why = "the 2nd row holds the question texts" if key == "header_rows" else ""
                lines.append(_line(6, key, value, why))
    return lines


def _in_every(key: str, tables: list[dict[str, _T]]) -> list[_T] | None:
    """*key*'s value in each of *tables*, or None when one of them lacks it."""
    found = [table[key] for table in tables if key in table]
    return found if len(found) == len(tables) else None


def _merged_survey(files: list[FileProposal]) -> tuple[SurveyGuess, dict[str, str]]:
    """One survey proposal over all survey files: items and segments present in every file."""
    guesses = [p.survey for p in files if p.survey is not None]
    first = guesses[0]
    merged = SurveyGuess(id_column=first.id_column, weight=first.weight)
    notes: dict[str, str] = {}
    for item, info in first.items.items():
        others = _in_every(item, [g.items for g in guesses[1:]])
        if others is None:
            notes[item] = "rated in some survey files only: left out"
            continue
        scales = {info.scale, *(o.scale for o in others)}
        low = min([info.low, *(o.low for o in others)])
        high = max([info.high, *(o.high for o in others)])
        named = [s for s in scales if s in LABELLED_SCALES]
        if named:
            scale = named[0]
        else:
            found = infer_scale(low, high, recommend=bool(_RECOMMEND_HINT.search(item)))
            scale = f"scale_{found[0]}_{found[1]}" if found else info.scale
        label = info.label or next((o.label for o in others if o.label), "")
        merged.items[item] = ItemGuess(scale, low, high, label)
    for segment, levels in first.segments.items():
        other_levels = _in_every(segment, [g.segments for g in guesses[1:]])
        if other_levels is None:
            notes[segment] = "a segment in some survey files only: left out"
            continue
        merged.segments[segment] = list(dict.fromkeys([*levels, *(lv for o in other_levels for lv in o)]))
    for info in merged.items.values():
        info.attribute = None
    _group_attributes(merged)  # on the merged scales: one file's codes may hide another's labels
    for guess in guesses:
        merged.missing_codes |= guess.missing_codes
    return merged, notes


def _survey_lines(files: list[FileProposal], language: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The ``survey:`` section and its report runs (one per wave = per survey file)."""
    surveys = [(p, p.survey) for p in files if p.survey is not None]
    if not surveys:
        return [], []
    merged, notes = _merged_survey([p for p, _ in surveys])
    lines = ["", "# Survey: one wave per file (put files of one wave together under one wave).", "survey:"]
    if merged.id_column:
        lines.append(
            _line(2, "respondent_id", merged.id_column, "check: unique per respondent in every file")
        )
    else:
        lines.append(
            _line(
                2,
                "respondent_id",
                "respondent_id",
                "check: no column is unique per row: add an id column with this name",
            )
        )
    if merged.weight:
        lines.append(_line(2, "weight", merged.weight, "check: survey weight column (positive numbers)"))
    lines.append(_line(2, "waves"))
    for proposal, survey in surveys:
        wave = proposal.file_id
        lines.append(_line(4, wave))
        lines.append(_line(6, "files", raw=_flow([proposal.file_id])))
        if survey.date is not None:
            lines.append(
                _line(
                    6,
                    "date",
                    survey.date,
                    f"check: fieldwork date (median of {survey.date_column})",
                )
            )
    if merged.segments:
        lines.append(
            _line(
                2,
                "segments",
                comment="check: groups to compare, levels as written in the data; "
                "one group spelled two ways (华东 / east)? keep one level and "
                "give it the other spelling as its zh or en label",
            )
        )
        for segment, levels in merged.segments.items():
            lines.append(_line(4, segment, comment=f"{len(levels)} levels"))
            lines += [_line(6, level, raw=_label(language, level)) for level in levels]
    scales = sorted({info.scale for info in merged.items.values()})
    lines.append(_line(2, "scales", comment="check the ends: inferred from the codes observed"))
    for scale in scales:
        lines += _scale_lines(scale, language)
    lines.append(
        _line(
            2,
            "items",
            comment="check: one per rating column; add reverse: true where a higher code "
            "is worse; give items that measure one thing the same attribute",
        )
    )
    recommend = overall = None
    for item, info in merged.items.items():
        observed = f"observed {_fmt(info.low)}..{_fmt(info.high)}"
        if recommend is None and info.scale == "scale_0_10" and _RECOMMEND_HINT.search(item):
            recommend, observed = item, observed + "; likelihood to recommend (NPS)"
        elif overall is None and _OVERALL_HINT.search(item):
            overall, observed = item, observed + "; overall satisfaction"
        lines.append(_line(4, item, comment=observed))
        lines.append(_line(6, "scale", info.scale))
        if info.attribute:
            lines.append(_line(6, "attribute", info.attribute, "items sharing it form one row of the report"))
        lines.append(_line(6, "label", raw=_label(language, info.label or item)))
    outcomes = {k: v for k, v in {"overall": overall, "nps": recommend}.items() if v}
    if outcomes:
        lines.append(_line(2, "outcomes", comment="check: the study-level outcome items"))
        lines += [_line(4, key, value) for key, value in outcomes.items()]
    if merged.missing_codes:
        codes = sorted(merged.missing_codes, key=lambda c: (isinstance(c, str), str(c)))
        lines.append(_line(2, "missing"))
        lines.append(
            _line(
                4,
                "dont_know",
                raw=_flow(codes),
                comment="check: answers seen outside the scales; they become missing",
            )
        )
    weighting, weighted = _weighting_lines(files, merged)
    lines += weighting
    unused = sorted({**{c: r for _, survey in surveys for c, r in survey.unused.items()}, **notes}.items())
    if unused:
        lines.append("  # Columns not used: " + _comment("; ".join(f"{c} ({r})" for c, r in unused)))
    segment = next(iter(merged.segments), "")
    runs = [
        {
            "id": f"survey-{proposal.file_id}".replace("_", "-"),
            "notebook": SURVEY_NOTEBOOK,
            "title": f"{'问卷统计' if language == 'zh' else 'Survey statistics'}: {proposal.file_id}",
            "parameters": {
                "wave": proposal.file_id,
                "weighted": weighted,
                "segment": segment,
                "outcome": "overall" if overall else "nps" if recommend else "",
            },
        }
        for proposal, _ in surveys
    ]
    return lines, runs


def _weighting_lines(files: list[FileProposal], merged: SurveyGuess) -> tuple[list[str], bool]:
    """``survey.weighting`` when a margins file fits the segments, and whether runs are weighted.

    Raking is proposed only when every margin variable is a segment and every level seen in
    every survey file is one of its categories; otherwise the block is written commented out.
    """
    margins = next((p for p in files if p.role == "margins"), None)
    if merged.weight:
        return [], True
    if margins is None:
        return [], False
    surveys = [p.survey for p in files if p.survey is not None]
    problems = []
    for variable, categories in margins.margins.items():
        if variable not in merged.segments:
            problems.append(f"{variable} is not a segment")
            continue
        for survey in surveys:
            extra = set(survey.segments.get(variable, [])) - categories
            if extra:
                problems.append(f"{variable} levels {sorted(extra)} are not margin categories")
                break
    block = [
        _line(2, "weighting", comment="rake each wave to the population shares of the margins file"),
        _line(4, "margins", margins.file_id),
        _line(4, "variables", raw=_flow(margins.margins)),
    ]
    if not problems:
        return block, True
    reason = _comment("; ".join(problems[:3]))
    return ["  # Weighting left out: " + reason + ". Fix the levels, then remove the '# ' below."] + [
        "  # " + line.strip() if index == 0 else "  #   " + line.strip() for index, line in enumerate(block)
    ], False


def _scale_lines(scale: str, language: str) -> list[str]:
    if scale in LABELLED_SCALES:
        labels = LABELLED_SCALES[scale]
        lines = [
            _line(4, scale, comment="answers written as text labels"),
            _line(6, "min", min(labels)),
            _line(6, "max", max(labels)),
            _line(6, "labels"),
        ]
        for code, label in labels.items():
            lines.append(
                _line(
                    8,
                    code,
                    raw="{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in label.items()) + "}",
                )
            )
        return lines
    low, high = (int(x) for x in scale.split("_")[1:])
    return [_line(4, scale), _line(6, "min", low), _line(6, "max", high)]


def _evaluation_lines(
    files: list[FileProposal], language: str
) -> tuple[list[str], list[dict[str, Any]], bool]:
    """The ``evaluation:`` section (active only when the intervention was inferred) and its run.

    Returns the lines, the runs and whether the section is active.
    """
    series_files = [p for p in files if p.series is not None]
    proposal = series_files[0] if series_files else None
    if proposal is None or proposal.series is None:
        return [], [], False
    series = proposal.series
    body = [_line(0, "evaluation")]
    body.append(_line(2, "series_file", proposal.file_id))
    body.append(_line(2, "time_column", series.time.column, f"check: {series.time.describe()}"))
    if series.unit:
        body.append(_line(2, "unit_column", series.unit, f"check: units {_preview(series.units)}"))
    if series.touchpoint:
        body.append(_line(2, "touchpoint_column", series.touchpoint))
    if series.treated:
        body.append(_line(2, "treated_column", series.treated, "check: 1 = got the improvement"))
    if series.intervention is not None:
        if series.treated_units:
            body.append(
                _line(
                    2,
                    "treated_units",
                    raw=_flow(series.treated_units),
                    comment=f"check: inferred from {series.intervention_source}",
                )
            )
        body.append(
            _line(
                2,
                "intervention",
                series.intervention,
                f"check: first period WITH the change, inferred from {series.intervention_source}",
            )
        )
    else:
        if series.unit and not series.treated:
            body.append(
                _line(
                    2,
                    "treated_units",
                    raw="[]",
                    comment=f"FILL IN: the improved unit(s), e.g. [{scalar(series.units[0], flow=True)}]",
                )
            )
        body.append(
            _line(
                2,
                "intervention",
                raw="null",
                comment=f"FILL IN: first period WITH the change, written like the time column "
                f"(e.g. {series.time.last})",
            )
        )
    body.append(_line(2, "kpis", comment="check: drop columns that are not outcomes"))
    for column, (low, high, sd) in series.kpis.items():
        body.append(
            _line(4, "", raw=f"column: {scalar(column)}", comment=f"observed {_fmt(low)}..{_fmt(high)}")
        )
        body.append(_line(6, "label", raw=_label(language, column)))
        body.append(_line(6, "higher_is_better", True, "check"))
        example = (
            f" (10% of its SD is {_fmt(float(f'{0.1 * sd:.2g}'))})" if np.isfinite(sd) and sd > 0 else ""
        )
        body.append(
            f"      # threshold:  smallest change that matters, in the KPI's unit{example};"
            " without it every change counts"
        )
    if series.unused:
        body.append(
            "  # Columns not used: " + _comment("; ".join(f"{c} ({r})" for c, r in series.unused.items()))
        )
    for extra in series_files[1:]:
        body.append(
            f"  # Another KPI series, {extra.file_id}: one evaluation per study; make a second study for it."
        )
    runs: list[dict[str, Any]] = [
        {
            "id": "evaluation",
            "notebook": EVALUATION_NOTEBOOK,
            "title": "改进评估" if language == "zh" else "Improvement evaluation",
            "parameters": {},
        }
    ]
    active = series.intervention is not None
    intro = ["", "# Evaluation of an improvement on the KPI series."]
    if not active:
        intro += [
            "# It needs the intervention: the first period with the change (and the treated units).",
            "# To use it: remove the '# ' in front of the lines below (and of the evaluation run",
            "# under runs:), fill in the lines marked FILL IN, then run research validate.",
        ]
        return intro + ["# " + line for line in body], runs, False
    return intro + body, runs, True


def _coding_lines(files: list[FileProposal], language: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The ``coding:`` section (when there are transcripts) and its report run."""
    if not any(p.role == "transcripts" for p in files):
        return [], []
    by_role: dict[str, list[FileProposal]] = {}
    for proposal in files:
        by_role.setdefault(proposal.role, []).append(proposal)
    lines = ["", "# Interview coding.", "coding:", _line(2, "transcripts", by_role["transcripts"][0].file_id)]
    for role in ("respondents", "codebook"):
        if role in by_role:
            lines.append(_line(2, role, by_role[role][0].file_id))
    coders: list[str] = []
    if "codings" in by_role:
        lines.append(_line(2, "codings", raw=_flow(p.file_id for p in by_role["codings"])))
        coders = list(dict.fromkeys(c for p in by_role["codings"] for c in p.coders))
    parameters: dict[str, Any] = {
        "reference_coder": coders[0] if coders else "",
        "agreement_coders": coders if len(coders) >= 2 else [],
    }
    runs = [
        {
            "id": "coding",
            "notebook": CODING_NOTEBOOK,
            "title": "访谈编码" if language == "zh" else "Interview coding",
            "parameters": parameters,
        }
    ]
    return lines, runs


def _runs_lines(runs: list[dict[str, Any]], commented: Iterable[str] = ()) -> list[str]:
    """The ``runs:`` section; runs whose id is in *commented* are written commented out."""
    commented = set(commented)
    if not runs:
        return ["", "# Report runs: none proposed yet (see the commented sections above).", "runs: []"]
    lines = ["", "# Report runs: one report per entry (research reports renders them)."]
    if all(run["id"] in commented for run in runs):
        lines.append("runs: []  # when you uncomment a run below, write this line as:  runs:")
    else:
        lines.append("runs:")
    for run in runs:
        block = [
            _line(2, "", raw=f"id: {scalar(run['id'])}"),
            _line(4, "notebook", run["notebook"]),
            _line(4, "title", run["title"]),
        ]
        if run["parameters"]:
            block.append(_line(4, "parameters"))
            for key, value in run["parameters"].items():
                raw = _flow(value) if isinstance(value, list) else None
                block.append(_line(6, key, value if raw is None else None, raw=raw))
        else:
            block.append(_line(4, "parameters", raw="{}"))
        lines += ["# " + line for line in block] if run["id"] in commented else block
    return lines


def _study_text(
    name: str, files: list[FileProposal], language: str, *, demote_evaluation: str | None = None
) -> str:
    """The whole commented study.yml for *files*.

    *demote_evaluation* (a reason) writes the evaluation section commented out even when the
    intervention was inferred.
    """
    survey, survey_runs = _survey_lines(files, language)
    coding, coding_runs = _coding_lines(files, language)
    evaluation, evaluation_runs, active = _evaluation_lines(files, language)
    if active and demote_evaluation:
        evaluation = [
            evaluation[0],
            "# The proposed evaluation did not validate: " + _comment(demote_evaluation),
            "# Fix it, then remove the '# ' in front of the lines below and of its run.",
        ] + ["# " + line for line in evaluation[1:]]
        active = False
    all_runs = coding_runs + survey_runs + evaluation_runs
    lines_runs = _runs_lines(all_runs, [] if active else [r["id"] for r in evaluation_runs])
    parts = [*_header_lines(name, language), *_files_lines(files), *coding, *survey, *evaluation, *lines_runs]
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# The command


def _check_name(name: str) -> None:
    if not NAME_PATTERN.match(name or ""):
        raise DataError(
            "A study name must be a plain identifier",
            value=name,
            hint="Use lower-case letters, digits, '_' and '-', starting with a letter (e.g. hotline_2025).",
        )


def _language(files: list[FileProposal], language: str | None) -> str:
    if language is not None:
        if language not in ("zh", "en"):
            raise DataError("Unknown language", value=language, hint="Use zh or en.")
        return language
    return "zh" if any(p.cjk or _cjk(p.source.name) for p in files) else "en"


def _respondents(files: list[FileProposal], transcripts: list[Path]) -> None:
    stems = {p.stem for p in transcripts}
    for proposal in files:
        if (
            proposal.role == "other"
            and proposal.ids
            and stems
            and len(proposal.ids & stems) >= len(proposal.ids) / 2
        ):
            proposal.role = "respondents"
            proposal.note = f"one row per interview (ids in {proposal.id_column!r} match the transcripts)"


def new_study(
    name: str,
    from_files: Sequence[str | Path] = (),
    *,
    root: Path | None = None,
    language: str | None = None,
) -> Scaffold:
    r"""Scaffold ``data/raw/<name>/`` with a commented study.yml proposed from the given files.

    Parameters
    ----------
    name : str
        Study name: lower-case letters, digits, ``_`` and ``-``, starting with a letter.
    from_files : sequence of str or Path
        Data files or folders to copy into the study (CSV/TSV/XLSX/SAV tables, transcript
        files or folders of them, a YAML codebook). The originals are not changed.
    root : Path, optional
        Project folder (default: found automatically, see :func:`research.paths.project_root`).
    language : {"zh", "en"}, optional
        Language of the labels; default: zh when the files hold Chinese text, else en.

    Returns
    -------
    Scaffold
        The new study folder, the proposal for each file and the study.yml text.

    Raises
    ------
    DataError
        For a name that is not an identifier, an existing non-empty folder, a file that does
        not exist or cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()); (root / "data" / "raw").mkdir(parents=True)
    >>> data = root / "kpis.csv"
    >>> _ = data.write_text("year,volume\n1871,1120\n1872,1160\n1873,963\n1874,1210\n")
    >>> folder = new_study("nile", [data], root=root).folder
    >>> sorted(p.name for p in folder.rglob("*") if p.is_file())
    ['kpis.csv', 'study.yml']
    >>> "time_column: year" in (folder / "study.yml").read_text()
    True
    """
    _check_name(name)
    root = Path(root or project_root())
    folder = raw_dir(root) / name
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DataError(
            "The study folder already exists and is not empty",
            file=folder,
            hint="Choose another name, or edit its study.yml by hand.",
        )
    sources = [Path(s).expanduser().resolve() for s in from_files]
    taken: set[str] = set()
    files, transcripts = _plan(sources, taken)
    _respondents(files, transcripts)
    chosen = _language(files, language)
    folder.mkdir(parents=True, exist_ok=True)
    for proposal in files:
        target = _copy(proposal.source, folder / ROLE_FOLDERS[proposal.role] / proposal.source.name)
        proposal.path = target.relative_to(folder).as_posix()
    if transcripts:
        for source in transcripts:
            _copy(source, folder / ROLE_FOLDERS["transcripts"] / source.name)
        files.insert(
            0,
            FileProposal(
                _file_id("transcripts", taken),
                transcripts[0].parent,
                ROLE_FOLDERS["transcripts"],
                "transcripts",
                note=f"{len(transcripts)} interview transcript(s)",
            ),
        )
    text = _study_text(name, files, chosen)
    yml = folder / "study.yml"
    yml.write_text(text, encoding="utf-8")
    scaffold = Scaffold(folder, files, text)
    reason = _evaluation_problem(folder, root)
    if reason:
        scaffold.text = _study_text(name, files, chosen, demote_evaluation=reason)
        yml.write_text(scaffold.text, encoding="utf-8")
        scaffold.demoted.append(reason)
    return scaffold


def _validate_study(folder: Path, root: Path | None = None) -> Any:
    # research.reports imports research.validate; importing it first keeps the cycle in order.
    import research.reports  # noqa: F401
    from research.validate import validate_study

    return validate_study(folder, root)


def _evaluation_problem(folder: Path, root: Path) -> str | None:
    """The first validation problem of an active evaluation section, or None."""
    text = (folder / "study.yml").read_text(encoding="utf-8")
    if not re.search(r"^evaluation:", text, re.M):
        return None
    result = _validate_study(folder, root)
    for problem in result.problems:
        error = problem.error
        if problem.run == "evaluation" or (problem.run is None and "evaluation" in f"{error.column} {error}"):
            return error.message
    return None
