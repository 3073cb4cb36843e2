"""Sessions (inactivity gap) and episodes (from a start touchpoint to an outcome within a window)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import ibis
import pandas as pd

from research.errors import DataError
from research.journeys.paths import check_columns, seconds, tidy


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
    window = ibis.window(group_by="person_id", order_by="event_seq")
    t = events.mutate(_sec=seconds(events.ts))
    t = t.mutate(_new=((t._sec - t._sec.lag().over(window)) > limit).fill_null(True).cast("int64"))
    cumulative = ibis.cumulative_window(group_by="person_id", order_by="event_seq")
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
    frame = tidy(grouped.to_pandas(), ["person_id", "session"])
    for column in ("session", "n_events", "n_touchpoints", "duration_s"):
        frame[column] = frame[column].astype("int64")
    frame["person_id"] = frame["person_id"].astype(object)
    return frame


def episodes(
    events: ibis.Table,
    start: str | Sequence[str],
    outcome: str | Sequence[str],
    window: timedelta | float,
) -> pd.DataFrame:
    """Episodes per person: from a start touchpoint to the first outcome within ``window``.

    An episode begins at a start event that is not inside a running episode of the same person;
    it ends at the first outcome event within ``window`` after the start (``converted`` = 1) or
    is censored (``converted`` = 0, ``end`` missing). Episodes are found per start event and then
    reduced to the first start of each run, so the result is the same on every engine.

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
        ``person_id``, ``episode`` (1, 2, ... per person), ``start``, ``end``, ``converted``,
        ``duration_s`` (start to outcome; missing when censored).

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
    check_columns(events, ["person_id", "ts", "touchpoint", "event_seq"])
    starts = [start] if isinstance(start, str) else list(start)
    outcomes = [outcome] if isinstance(outcome, str) else list(outcome)
    limit = _gap_seconds(window)
    t = events.filter(events.touchpoint.notnull()).mutate(sec=seconds(events.ts))
    s = t.filter(t.touchpoint.isin(starts)).select("person_id", "event_seq", "sec", "ts")
    o = t.filter(t.touchpoint.isin(outcomes)).select(
        "person_id", o_seq=t.event_seq, o_sec=t.sec, o_ts=t.ts
    )
    joined = s.left_join(
        o,
        [
            s.person_id == o.person_id,
            o.o_seq > s.event_seq,
            o.o_sec - s.sec <= limit,
        ],
    )
    first = joined.group_by(["person_id", "event_seq", "sec", "ts"]).aggregate(
        o_seq=joined.o_seq.min(), o_sec=joined.o_sec.min(), o_ts=joined.o_ts.min()
    )
    # the engine finds each start's first outcome; which starts open an episode (not inside a
    # running one) is a sequential rule, applied to the start rows in pandas
    frame = first.to_pandas()
    frame = frame.sort_values(["person_id", "event_seq"], kind="stable").reset_index(drop=True)
    rows = []
    for person, group in frame.groupby("person_id", sort=True):
        open_until: tuple[float, float] | None = None  # (outcome seq or inf, window end seconds)
        number = 0
        for row in group.itertuples(index=False):
            if open_until is not None and row.event_seq < open_until[0] and row.sec <= open_until[1]:
                continue
            number += 1
            converted = pd.notna(row.o_seq)
            rows.append({
                "person_id": person,
                "episode": number,
                "start": row.ts,
                "end": row.o_ts if converted else pd.NaT,
                "converted": int(converted),
                "duration_s": float(row.o_sec - row.sec) if converted else float("nan"),
            })
            open_until = (row.o_seq if converted else float("inf"), row.sec + limit)
    result = pd.DataFrame(rows, columns=["person_id", "episode", "start", "end", "converted", "duration_s"])
    return tidy(result, ["person_id", "episode"])


__all__ = ["episodes", "sessionize", "sessions"]
