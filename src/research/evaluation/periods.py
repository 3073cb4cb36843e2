"""Time columns of KPI series: integer years, quarters, months, weeks or dates, and their frequency.

A KPI series may count time in integer years (``1898``), quarters (``2011Q3``, ``Q32011``,
``2011-Q3``, ``2011 Q3``, ``2011年第3季度``), months (``2011-07``, ``2011/07``, ``2011M07``,
``2011年7月``), ISO weeks (``2011-W27``) or dates (``2024-07-08``, spaced a day, a week, a
month, a quarter or a year apart). :func:`parse_periods` detects which, maps every value to an
integer *period index* (0 = the first period; a missing period leaves a gap, it does not shift
later periods) and gives each period a label in the form the researcher wrote. The
intervention is written in the same form and parsed with :func:`intervention_period`.

Integer years are years, never nanoseconds since 1970: they stay integers throughout. Integer
columns that are not years (week numbers 1..104) are plain period numbers; study.yml's
``frequency:`` says what one step is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from research.errors import DataError
from research.wording import label, words

Frequency = Literal["year", "quarter", "month", "week", "day", "period"]


@dataclass(frozen=True)
class FrequencyInfo:
    """A frequency's pandas code and seasonal cycle (its words: ``frequencies`` of wording/evaluation.yml)."""

    pandas: str | None  # pandas Period frequency code (None: plain period numbers)
    cycle: float | None  # periods per seasonal cycle (None: no season at this frequency)
    season: Literal["dummies", "fourier"] | None


FREQUENCIES: dict[str, FrequencyInfo] = {
    "year": FrequencyInfo("Y", None, None),
    "quarter": FrequencyInfo("Q", 4, "dummies"),
    "month": FrequencyInfo("M", 12, "dummies"),
    # 365.25 / 7 weeks per year: a Fourier cycle, weeks do not divide the year evenly.
    "week": FrequencyInfo("W", 365.25 / 7, "fourier"),
    "day": FrequencyInfo("D", 365.25, "fourier"),
    "period": FrequencyInfo(None, None, None),
}

#: Seasonal terms need this many full cycles on each side of the intervention.
SEASON_CYCLES_PER_SIDE = 2

_QUARTER = [
    re.compile(r"^(?P<year>\d{4})\s*[-_ ]?\s*Q(?P<q>[1-4])$", re.I),
    re.compile(r"^Q(?P<q>[1-4])\s*[-_ ]?\s*(?P<year>\d{4})$", re.I),
    re.compile(r"^(?P<year>\d{4})\s*年\s*第?\s*(?P<q>[1-4])\s*季度?$"),
]
_MONTH = [
    re.compile(r"^(?P<year>\d{4})\s*(?:[-/.]|M)\s*(?P<m>\d{1,2})$", re.I),
    re.compile(r"^(?P<year>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月$"),
]
_WEEK = [re.compile(r"^(?P<year>\d{4})\s*-?\s*W(?P<w>\d{1,2})$", re.I)]
_YEAR = [re.compile(r"^(?P<year>\d{4})\s*年?$")]
_HINT = (
    "Write periods as integer years (2011), quarters (2011Q3, Q32011, 2011-Q3), months "
    "(2011-07), ISO weeks (2011-W27) or dates (2011-07-04), the same form in every row."
)


def frequency_word(frequency: str, language: str | None = None, plural: bool = False) -> str:
    """What one step of *frequency* is called ("quarter", "months", "周").

    Parameters
    ----------
    frequency : str
        A key of :data:`FREQUENCIES` ("week", "month", ...).
    language : {"zh", "en"} or None
        The language (``None``: the report's language).
    plural : bool
        The plural ("months").

    Returns
    -------
    str
        The word.

    Examples
    --------
    >>> frequency_word("quarter", "en"), frequency_word("month", "en", plural=True), frequency_word("week", "zh")
    ('quarter', 'months', '周')
    """
    if frequency not in FREQUENCIES:
        raise KeyError(frequency)
    return label(words("evaluation")["frequencies"], f"{frequency}_plural" if plural else frequency, language)


@dataclass
class Periods:
    """A parsed time column (see :func:`parse_periods`).

    Attributes
    ----------
    frequency : str
        ``year``, ``quarter``, ``month``, ``week``, ``day`` or ``period`` (plain numbers).
    kind : str
        What the column held: ``date``, ``period`` (quarter/month/week/year strings) or
        ``integer`` (integer years or period numbers).
    values : Series
        The column as it should be kept: datetimes for dates, integers for integer years and
        period numbers, pandas Periods for quarter, month and week strings.
    index : Series of int
        Period index per row, 0 for the first period.
    origin : int
        Ordinal of period 0 (pandas Period ordinal, or the first period number).
    """

    frequency: str
    kind: str
    values: pd.Series
    index: pd.Series
    origin: int

    def ordinal(self, position: int) -> int:
        """The pandas period ordinal of period index *position*."""
        return self.origin + int(position)

    def label(self, position: int) -> str:
        """The label of period *position* in the form of the column (``2011Q3``, ``1898``)."""
        ordinal = self.ordinal(position)
        if self.kind == "integer":
            return str(ordinal)
        period = pd.Period(ordinal=ordinal, freq=FREQUENCIES[self.frequency].pandas)
        if self.frequency in ("week", "day"):
            if self.kind == "date":
                return period.start_time.strftime("%Y-%m-%d")
            year, week, _ = period.start_time.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "date" and self.frequency == "month":
            return period.strftime("%Y-%m")
        return str(period)

    def labels(self) -> dict[int, str]:
        """Label of every period between the first and the last (gaps included)."""
        return {i: self.label(i) for i in range(int(self.index.max()) + 1)}

    @property
    def n_periods(self) -> int:
        """Number of distinct periods."""
        return int(self.index.nunique())

    def seasonal_cycle(self) -> float | None:
        """Periods per seasonal cycle at this frequency (None for years and plain numbers)."""
        return FREQUENCIES[self.frequency].cycle


def _match(text: str, patterns: list[re.Pattern]) -> re.Match | None:
    for pattern in patterns:
        found = pattern.match(text)
        if found:
            return found
    return None


def _string_period(text: str) -> tuple[str, pd.Period] | None:
    """(frequency, Period) of one quarter/month/week/year string, or None."""
    text = text.strip()
    if found := _match(text, _QUARTER):
        return "quarter", pd.Period(year=int(found["year"]), quarter=int(found["q"]), freq="Q")
    if found := _match(text, _WEEK):
        week = int(found["w"])
        try:
            start = dt.date.fromisocalendar(int(found["year"]), week, 1)
        except ValueError:
            return None
        return "week", pd.Period(start, freq="W")
    if found := _match(text, _MONTH):
        month = int(found["m"])
        if not 1 <= month <= 12:
            return None
        return "month", pd.Period(year=int(found["year"]), month=month, freq="M")
    if found := _match(text, _YEAR):
        return "year", pd.Period(year=int(found["year"]), freq="Y")
    return None


def _bad_value(values: pd.Series, bad: np.ndarray, message: str, file: Any, column: str | None) -> DataError:
    position = int(np.flatnonzero(bad)[0])
    value = values.iloc[position]
    return DataError(
        message,
        file=file,
        row=position + 2,
        column=column,
        value=value.item() if hasattr(value, "item") else value,
        hint=_HINT,
    )


def _integral(values: pd.Series) -> np.ndarray | None:
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any():
        return None
    array = numbers.to_numpy(dtype=float)
    if not np.all(array == np.round(array)):
        return None
    return array.astype(np.int64)


def _date_frequency(dates: pd.Series, file: Any, column: str | None) -> str:
    unique = np.sort(dates.unique())
    if len(unique) < 2:
        raise DataError(
            "The time column holds a single date: its frequency cannot be told",
            file=file,
            column=column,
            value=str(unique[0]) if len(unique) else None,
            hint="Set evaluation.frequency (year, quarter, month, week or day) in study.yml.",
        )
    step = int(np.diff(unique).astype("timedelta64[D]").astype(np.int64).min())
    if step == 1:
        return "day"
    if step % 7 == 0 and step < 28:
        return "week"
    if 28 <= step <= 31:
        return "month"
    if 89 <= step <= 92:
        return "quarter"
    if 365 <= step <= 366:
        return "year"
    raise DataError(
        f"Dates {step} days apart: not a daily, weekly, monthly, quarterly or yearly series",
        file=file,
        column=column,
        value=step,
        hint="Set evaluation.frequency in study.yml, or write the periods as 2011Q3 / 2011-07.",
    )


def parse_periods(
    values: pd.Series,
    frequency: str | None = None,
    *,
    file: Any = None,
    column: str | None = None,
) -> Periods:
    """Detect the frequency of a time column and give every row its period index.

    Parameters
    ----------
    values : Series
        The time column as read from the file (strings, integers, floats holding whole numbers,
        or datetimes).
    frequency : str, optional
        ``year``, ``quarter``, ``month``, ``week`` or ``day``; detected when omitted. Needed for
        integer period numbers that are not years (``frequency="week"`` for weeks 1..104).
    file, column
        Named in error messages.

    Returns
    -------
    Periods

    Raises
    ------
    DataError
        A missing or unparseable value (naming its row), mixed forms, or dates whose spacing is
        none of the known frequencies.

    Examples
    --------
    >>> p = parse_periods(pd.Series(["Q42010", "Q12011", "Q32011"]))
    >>> p.frequency, p.index.tolist(), p.label(3)
    ('quarter', [0, 1, 3], '2011Q3')
    >>> p = parse_periods(pd.Series([1871.0, 1872.0, 1898.0]))
    >>> p.frequency, p.kind, p.values.tolist(), p.index.tolist()
    ('year', 'integer', [1871, 1872, 1898], [0, 1, 27])
    >>> parse_periods(pd.Series(["2024-07-08", "2024-07-15", "2024-07-22"])).frequency
    'week'
    >>> parse_periods(pd.Series(["2011-07", "2011-08"])).label(1)
    '2011-08'
    """
    if frequency is not None and frequency not in FREQUENCIES:
        raise DataError(
            "Unknown frequency",
            column="evaluation.frequency",
            value=frequency,
            hint=f"Use one of {', '.join(f for f in FREQUENCIES if f != 'period')}.",
        )
    values = values.reset_index(drop=True)
    missing = values.isna().to_numpy()
    if missing.any():
        raise _bad_value(values, missing, "Missing time value", file, column)
    if pd.api.types.is_datetime64_any_dtype(values):
        return _from_dates(pd.Series(values), frequency, file, column)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _from_numbers(values, frequency, file, column)
    text = values.astype(str).str.strip()
    parsed = [_string_period(v) for v in text]
    first = next((p[0] for p in parsed if p is not None), None)
    if first is not None:
        bad = np.array([p is None or p[0] != first for p in parsed])
        if bad.any() and not bad.all():
            raise _bad_value(text, bad, f"Not a {first} in the form of the other rows", file, column)
        found = [p[1] for p in parsed if p is not None]  # every row: none is bad
        if first == "year":
            return _from_numbers(pd.Series([p.year for p in found]), frequency, file, column)
        if frequency in (None, first):
            periods = pd.Series(pd.PeriodIndex(found, freq=FREQUENCIES[first].pandas))
            ordinals = pd.Series(pd.PeriodIndex(periods).asi8)
            origin = int(ordinals.min())
            return Periods(first, "period", periods, (ordinals - origin).astype(np.int64), origin)
        raise DataError(
            f"The time column holds {first}s but evaluation.frequency says {frequency}",
            file=file,
            column=column,
            value=text.iloc[0],
            hint=_HINT,
        )
    dates = pd.to_datetime(text, errors="coerce", format="mixed")
    if dates.isna().any():
        raise _bad_value(text, dates.isna().to_numpy(), "Not a period or a date", file, column)
    return _from_dates(dates, frequency, file, column)


def _from_numbers(values: pd.Series, frequency: str | None, file: Any, column: str | None) -> Periods:
    """Integer years (1000-2999) or plain period numbers; never nanoseconds since 1970."""
    numbers = _integral(values)
    if numbers is None:
        array = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(array) | (array != np.round(array))
        raise _bad_value(values, bad, "Not a whole number: periods are counted in whole steps", file, column)
    years = bool(np.all((numbers >= 1000) & (numbers <= 2999)))
    if frequency == "year" and not years:
        raise _bad_value(values, (numbers < 1000) | (numbers > 2999), "Not a year", file, column)
    found = frequency or "period" if frequency in ("quarter", "month", "week", "day") or not years else "year"
    origin = int(numbers.min())
    series = pd.Series(numbers)
    return Periods(found, "integer", series, (series - origin).astype(np.int64), origin)


def _from_dates(dates: pd.Series, frequency: str | None, file: Any, column: str | None) -> Periods:
    frequency = frequency or _date_frequency(dates, file, column)
    if frequency == "period":
        raise DataError(
            "Dates need a calendar frequency",
            column="evaluation.frequency",
            value=frequency,
            hint="Use year, quarter, month, week or day.",
        )
    ordinals = pd.Series(pd.PeriodIndex(dates, freq=FREQUENCIES[frequency].pandas).asi8)
    # Two different dates in one period (weekly data with a stray mid-week date) would merge.
    pairs = pd.DataFrame({"date": dates.to_numpy(), "ordinal": ordinals}).drop_duplicates()
    clash = pairs["ordinal"].duplicated(keep=False)
    if clash.any():
        first = pairs.loc[clash, "date"].sort_values().iloc[:2].dt.strftime("%Y-%m-%d").tolist()
        raise DataError(
            f"Two dates fall in the same {frequency}",
            file=file,
            column=column,
            value=first,
            hint="Use one date per period (e.g. the period start), or set evaluation.frequency.",
        )
    origin = int(ordinals.min())
    return Periods(
        frequency, "date", pd.Series(pd.to_datetime(dates)), (ordinals - origin).astype(np.int64), origin
    )


def intervention_period(value: Any, periods: Periods, *, field: str = "evaluation.intervention") -> int:
    """Period index of the first period with the intervention, written like the time column.

    ``2011Q3`` / ``Q32011`` for quarters, ``1899`` for years, ``2011-07`` for months, a date for
    dates (the first period on or after that date). A date is accepted for any calendar frequency
    (the period containing it), a month for quarters (the quarter containing it).

    Examples
    --------
    >>> p = parse_periods(pd.Series(["Q42010", "Q12011", "Q22011", "Q32011"]))
    >>> intervention_period("Q32011", p), intervention_period("2011-Q3", p)
    (3, 3)
    >>> intervention_period(1899, parse_periods(pd.Series([1897, 1898, 1899, 1900])))
    2
    """
    info = FREQUENCIES[periods.frequency]
    problem = DataError(
        f"The intervention is not a {periods.frequency} in the form of the time column",
        column=field,
        value=value,
        hint=f"Write it like the time column's values, e.g. {periods.label(0)!r}.",
    )
    if isinstance(value, bool):
        raise problem
    if periods.kind == "integer":
        number = _integral(pd.Series([value])) if not isinstance(value, dt.date) else None
        if number is None and periods.frequency == "year":
            parsed = _string_period(str(value))
            if parsed is not None and parsed[0] == "year":
                number = np.array([parsed[1].year])
            elif isinstance(value, dt.date):
                number = np.array([value.year])
        if number is None:
            raise problem
        return int(number[0]) - periods.origin
    if periods.kind == "date" and periods.frequency in ("week", "day"):
        # Dates stay dates: the first period that starts on or after the intervention date.
        try:
            moment = pd.Timestamp(value)
        except (TypeError, ValueError):
            raise problem from None
        firsts = periods.values.groupby(periods.index.to_numpy()).min()
        after = firsts[firsts >= moment]
        return int(after.index[0]) if not after.empty else int(periods.index.max()) + 1
    period: pd.Period | None = None
    if isinstance(value, dt.date):
        period = pd.Period(pd.Timestamp(value), freq=info.pandas)
    else:
        parsed = _string_period(str(value))
        if parsed is not None:
            period = parsed[1]
        else:
            try:
                period = pd.Period(pd.Timestamp(str(value)), freq=info.pandas)
            except (TypeError, ValueError):
                raise problem from None
    order = ["D", "W", "M", "Q", "Y"]
    if info.pandas is None:  # plain period numbers are matched above
        raise problem
    own, theirs = order.index(info.pandas), order.index(period.freqstr[0])
    if theirs > own:
        raise problem  # a year does not name one quarter
    if theirs < own:
        period = period.asfreq(info.pandas, how="start")
    return int(period.ordinal) - periods.origin


class SeasonCheck(NamedTuple):
    """Whether seasonal terms may be fitted (:func:`season_applies`) and why, in one sentence."""

    applies: bool
    reason: str


def season_applies(periods: Periods, intervention: int) -> SeasonCheck:
    """Whether seasonal terms may be fitted: the frequency has a cycle and each side two of them.

    Parameters
    ----------
    periods : Periods
        The series' periods.
    intervention : int
        Period index of the intervention.

    Returns
    -------
    SeasonCheck
        ``applies`` and ``reason``, one plain sentence either way.

    Examples
    --------
    >>> p = parse_periods(pd.Series(pd.period_range("2015-01", periods=60, freq="M").astype(str)))
    >>> season_applies(p, 30).applies, season_applies(p, 12).applies
    (True, False)
    """
    cycle = periods.seasonal_cycle()
    word = frequency_word(periods.frequency, "en", plural=True)
    if cycle is None:
        return SeasonCheck(False, f"No seasonal terms: {word} have no seasonal cycle.")
    pre = int((periods.index.drop_duplicates() < intervention).sum())
    post = int((periods.index.drop_duplicates() >= intervention).sum())
    need = SEASON_CYCLES_PER_SIDE * cycle
    if min(pre, post) < need:
        return SeasonCheck(
            False,
            f"No seasonal terms: {pre} {word} before and {post} after the intervention; "
            f"seasons need two full cycles ({need:.0f} {word}) on each side.",
        )
    kind = "one per season" if FREQUENCIES[periods.frequency].season == "dummies" else "Fourier"
    return SeasonCheck(
        True,
        f"Seasonal terms ({kind}) for the {cycle:g}-{frequency_word(periods.frequency, 'en')} cycle: each "
        "side holds two full cycles.",
    )
