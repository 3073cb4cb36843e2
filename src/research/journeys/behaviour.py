"""Per-touchpoint behaviour table and time between touchpoints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import ibis
import pandas as pd

from research.errors import DataError
from research.journeys.paths import keys_of, numbered, sorted_frame, window_keys


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def behaviour_table(
    events: ibis.Table,
    *,
    journey: str | Sequence[str] = "person_id",
    within: timedelta | float = timedelta(days=7),
) -> pd.DataFrame:
    """Per-touchpoint behaviour: reach, volume, repeat rate, drop-off after, time to next.

    Parameters
    ----------
    events : ibis.Table
        Canonical event table (events without a touchpoint are left out).
    journey : str or list of str
        Column(s) identifying one journey (drop-off and time to next are within a journey).
    within : timedelta or float
        Window of the repeat rate (seconds when a number).

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint: ``touchpoint``, ``persons``, ``reach`` (persons / all persons
        with a touchpoint event, 0..1), ``volume`` (events), ``events_per_person``,
        ``repeat_rate`` (events followed by the same person's next event at the same touchpoint
        within ``within``, 0..1), ``drop_off`` (events that end their journey, 0..1),
        ``median_to_next_s`` (seconds to the journey's next touchpoint event; missing when the
        touchpoint always ends journeys).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "a", "b"],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01"]),
    ...     "touchpoint": ["hotline", "hotline", "shop", "hotline"], "event_seq": [0, 1, 2, 3]})
    >>> b = behaviour_table(ibis.memtable(log))
    >>> b[["touchpoint", "reach", "volume", "repeat_rate", "drop_off"]].values.tolist()
    [['hotline', 1.0, 3, 0.3333333333333333, 0.3333333333333333], ['shop', 0.5, 1, 0.0, 1.0]]
    """
    keys = keys_of(journey)
    limit = _seconds(within)
    if limit <= 0:
        raise DataError("The repeat window must be positive", value=within, hint="E.g. timedelta(days=7).")
    t = numbered(events, keys)
    same = ibis.window(group_by=window_keys(t, ["person_id", "touchpoint"]), order_by="event_seq")
    t = t.mutate(_again_s=t.sec.lead().over(same) - t.sec, _to_next=(t.next_sec - t.sec).cast("float64"))
    grouped = t.group_by("touchpoint").aggregate(
        persons=t.person_id.nunique(),
        volume=t.count(),
        _repeats=(t._again_s <= limit).fill_null(False).cast("int64").sum(),
        _ends=t.next_touchpoint.isnull().cast("int64").sum(),
        median_to_next_s=t._to_next.median(),
    )
    frame = sorted_frame(grouped.to_pandas(), ["touchpoint"])
    total = int(t.person_id.nunique().to_pandas())
    for column in ("persons", "volume", "_repeats", "_ends"):
        frame[column] = frame[column].astype("int64")
    frame["touchpoint"] = frame["touchpoint"].astype(object)
    frame["reach"] = frame["persons"] / total
    frame["events_per_person"] = frame["volume"] / frame["persons"]
    frame["repeat_rate"] = frame["_repeats"] / frame["volume"]
    frame["drop_off"] = frame["_ends"] / frame["volume"]
    frame["median_to_next_s"] = frame["median_to_next_s"].astype(float)
    return frame[
        [
            "touchpoint",
            "persons",
            "reach",
            "volume",
            "events_per_person",
            "repeat_rate",
            "drop_off",
            "median_to_next_s",
        ]
    ]


def time_between(
    events: ibis.Table,
    source: str,
    target: str,
    *,
    journey: str | Sequence[str] = "person_id",
) -> pd.DataFrame:
    """Time from a journey's first ``source`` event to its first later ``target`` event.

    Journeys that reach ``source`` but never ``target`` afterwards are *censored*: counted, not
    given a time.

    Returns
    -------
    pandas.DataFrame
        One row: ``source``, ``target``, ``journeys`` (reaching ``source``), ``n`` (reaching
        ``target`` after it), ``censored``, ``median_s``, ``q1_s``, ``q3_s`` (seconds; quartiles by
        linear interpolation, numpy's default).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "b", "b", "c"],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-01", "2024-01-05",
    ...                           "2024-01-01"]),
    ...     "touchpoint": ["web", "shop", "web", "shop", "web"], "event_seq": [0, 1, 2, 3, 4]})
    >>> r = time_between(ibis.memtable(log), "web", "shop")
    >>> r[["target", "journeys", "n", "censored", "median_s"]].values.tolist()
    [['shop', 3, 2, 1, 259200.0]]
    """
    keys = keys_of(journey)
    t = numbered(events, keys)
    first = t.filter(t.touchpoint == source)
    first = first.group_by(keys).aggregate(_pos=first.pos.min(), _sec=first.sec.min())
    cand = t.filter(t.touchpoint == target).select(
        *[t[k].name(f"_c_{k}") for k in keys], _c_pos=t.pos, _c_sec=t.sec
    )
    cond = [first[k] == cand[f"_c_{k}"] for k in keys] + [cand._c_pos > first._pos]
    joined = first.left_join(cand, cond)
    gap = (joined._c_sec.min() - joined._sec.min()).cast("float64")
    per_journey = joined.group_by(keys).aggregate(_gap=gap)
    summary = per_journey.aggregate(
        journeys=per_journey.count(),
        n=per_journey._gap.count(),
        median_s=per_journey._gap.median(),
        q1_s=per_journey._gap.quantile(0.25),
        q3_s=per_journey._gap.quantile(0.75),
    )
    frame = summary.to_pandas()
    frame.insert(0, "source", source)
    frame.insert(1, "target", target)
    frame["journeys"] = frame["journeys"].astype("int64")
    frame["n"] = frame["n"].astype("int64")
    frame["censored"] = frame["journeys"] - frame["n"]
    return frame[["source", "target", "journeys", "n", "censored", "median_s", "q1_s", "q3_s"]]


__all__ = ["behaviour_table", "time_between"]
