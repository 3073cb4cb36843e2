"""Sessions (inactivity gap) and episodes (from a start touchpoint to an outcome within a window)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import ibis
import pandas as pd

from research.errors import DataError
from research.journeys.paths import check_columns, seconds, sorted_frame, window_keys


def _gap_seconds(gap: timedelta | float) -> int:
    value = gap.total_seconds() if isinstance(gap, timedelta) else float(gap)
    if value <= 0:
        raise DataError("The session gap must be positive", value=gap, hint="E.g. timedelta(minutes=30).")
    return int(value)


def sessionize(events: ibis.Table, gap: timedelta | float = timedelta(minutes=30)) -> ibis.Table:
    """Add ``session`` (1, 2, ... per person): a new session starts after more than ``gap`` idle.

    Returns the Ibis table (all events, with and without a touchpoint) so journeys can be keyed by
    ``["person_id", "session"]`` in the other primitives. ``gap`` is a timedelta or seconds.
    """
    check_columns(events, ["person_id", "ts", "event_seq"])
    limit = _gap_seconds(gap)
    person = window_keys(events, ["person_id"])
    window = ibis.window(group_by=person, order_by="event_seq")
    t = events.mutate(_sec=seconds(events.ts))
    t = t.mutate(_new=((t._sec - t._sec.lag().over(window)) > limit).fill_null(True).cast("int64"))
    cumulative = ibis.cumulative_window(group_by=person, order_by="event_seq")
    return t.mutate(session=t._new.sum().over(cumulative)).drop("_sec", "_new")


def sessions(events: ibis.Table, gap: timedelta | float = timedelta(minutes=30)) -> pd.DataFrame:
    """One row per session: a new session starts after more than ``gap`` without events.

    Parameters
    ----------
    events : ibis.Table
        Canonical event table.
    gap : timedelta or float
        Inactivity gap (seconds when a number). A gap exactly equal to it stays in the session.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``session`` (1, 2, ... per person), ``start``, ``end``, ``n_events``,
        ``n_touchpoints`` (events with a touchpoint), ``duration_s``.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "a"],
    ...     "ts": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:20", "2024-01-01 11:00"]),
    ...     "touchpoint": ["web", "app", "web"], "event_seq": [0, 1, 2]})
    >>> sessions(ibis.memtable(log), timedelta(minutes=30))[["session", "n_events"]].values.tolist()
    [[1, 2], [2, 1]]
    """
    t = sessionize(events, gap)
    check_columns(t, ["touchpoint"])
    grouped = t.group_by(["person_id", "session"]).aggregate(
        start=t.ts.min(),
        end=t.ts.max(),
        n_events=t.count(),
        n_touchpoints=t.touchpoint.count(),
        duration_s=seconds(t.ts).max() - seconds(t.ts).min(),
    )
    frame = sorted_frame(grouped.to_pandas(), ["person_id", "session"])
    for column in ("session", "n_events", "n_touchpoints", "duration_s"):
        frame[column] = frame[column].astype("int64")
    frame["person_id"] = frame["person_id"].astype(object)
    return frame


def _episode_bounds(
    events: ibis.Table, start: str | Sequence[str], outcome: str | Sequence[str]
) -> ibis.Table:
    """One row per episode, from a start to its outcome (see :func:`episodes`).

    Columns ``person_id``, ``episode``, ``start``, ``_start_seq``, ``_start_sec``, ``_end``,
    ``_end_seq``, ``_end_sec`` (the outcome; null while censored).
    """
    check_columns(events, ["person_id", "ts", "touchpoint", "event_seq"])
    starts = [start] if isinstance(start, str) else list(start)
    outcomes = [outcome] if isinstance(outcome, str) else list(outcome)
    t = events.filter(events.touchpoint.isin([*starts, *outcomes]))
    t = t.mutate(sec=seconds(t.ts), _out=t.touchpoint.isin(outcomes))
    person = window_keys(events, ["person_id"])
    order = ibis.window(group_by=person, order_by="event_seq")
    t = t.mutate(_new=(~t._out & t._out.lag().over(order).fill_null(True)).cast("int64"))
    upto = ibis.cumulative_window(group_by=person, order_by="event_seq")
    t = t.mutate(episode=t._new.sum().over(upto)).filter(lambda r: r.episode > 0)
    return t.group_by(["person_id", "episode"]).aggregate(
        start=t.ts.min(),
        _start_seq=t.event_seq.min(),
        _start_sec=t.sec.min(),
        _end=t.ts.min(where=t._out),
        _end_seq=t.event_seq.min(where=t._out),
        _end_sec=t.sec.min(where=t._out),
    )


def episodize(events: ibis.Table, start: str | Sequence[str], outcome: str | Sequence[str]) -> ibis.Table:
    """Tag events with ``episode`` (see :func:`episodes`) to analyse journeys per episode.

    Keeps the events from an episode's first start up to and including its outcome (for a
    censored episode: all the person's later events); other events are left out. Pass
    ``journey=["person_id", "episode"]`` to the other primitives. Returns the Ibis table.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> from research.journeys.paths import variants
    >>> log = pd.DataFrame({"person_id": ["a"] * 5,
    ...     "ts": pd.date_range("2024-01-01", periods=5, freq="D"),
    ...     "touchpoint": ["app", "web", "app", "shop", "app"], "event_seq": range(5)})
    >>> tagged = episodize(ibis.memtable(log), "web", "shop")
    >>> variants(tagged, journey=["person_id", "episode"])["path"].tolist()
    ['web > app > shop']
    """
    bounds = _episode_bounds(events, start, outcome).select(
        _b_person="person_id", episode="episode", _b_from="_start_seq", _b_to="_end_seq"
    )
    joined = events.join(
        bounds,
        [
            events.person_id == bounds._b_person,
            events.event_seq >= bounds._b_from,
            bounds._b_to.isnull() | (events.event_seq <= bounds._b_to),
        ],
    )
    return joined.drop("_b_person", "_b_from", "_b_to")


def episodes(
    events: ibis.Table,
    start: str | Sequence[str],
    outcome: str | Sequence[str],
    window: timedelta | float,
) -> pd.DataFrame:
    """Episodes per person: from a start touchpoint to the next outcome, converted within ``window``.

    An episode opens at a person's first start event after the previous episode's outcome (or
    the first ever); later start events before an outcome belong to the same episode. It ends at
    the next outcome event: ``converted`` = 1 when that comes within ``window`` of the episode's
    first start, else 0 (censored: no outcome, or too late). A touchpoint named in both lists
    counts as an outcome.

    Parameters
    ----------
    events : ibis.Table
    start, outcome : str or list of str
        Touchpoint(s) that open an episode / count as its outcome.
    window : timedelta or float
        Longest time from start to outcome (seconds when a number).

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``episode`` (1, 2, ... per person), ``start``, ``end`` (the outcome;
        missing when censored), ``converted``, ``duration_s`` (missing when censored).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "a", "a"],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-01", "2024-03-15"]),
    ...     "touchpoint": ["web", "shop", "web", "shop"], "event_seq": [0, 1, 2, 3]})
    >>> e = episodes(ibis.memtable(log), "web", "shop", timedelta(days=7))
    >>> e["converted"].tolist(), e["duration_s"].tolist()
    ([1, 0], [86400.0, nan])
    """
    limit = _gap_seconds(window)
    grouped = _episode_bounds(events, start, outcome)
    reached = grouped._end_sec.notnull() & (grouped._end_sec - grouped._start_sec <= limit)
    result = grouped.select(
        "person_id",
        "episode",
        "start",
        end=ibis.ifelse(reached, grouped._end, ibis.null("timestamp")),
        converted=reached.cast("int64"),
        duration_s=ibis.ifelse(
            reached, (grouped._end_sec - grouped._start_sec).cast("float64"), ibis.null("float64")
        ),
    )
    frame = sorted_frame(result.to_pandas(), ["person_id", "episode"])
    frame["episode"] = frame["episode"].astype("int64")
    frame["converted"] = frame["converted"].astype("int64")
    frame["person_id"] = frame["person_id"].astype(object)
    return frame


__all__ = ["episodes", "episodize", "sessionize", "sessions"]
