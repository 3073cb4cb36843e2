"""Directly-follows graph: which touchpoint follows which, how often, for how many, how fast."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pandas as pd

from research.journeys.paths import check_columns, keys_of, numbered, tidy


def dfg(
    events: ibis.Table,
    *,
    journey: str | Sequence[str] = "person_id",
    collapse: bool = False,
) -> pd.DataFrame:
    """Directly-follows graph with counts, persons and median / 90th-percentile time between.

    Parameters
    ----------
    events : ibis.Table
        Canonical event table (events without a touchpoint are left out).
    journey : str or list of str
        Column(s) identifying one journey (edges never cross journeys).
    collapse : bool
        Reduce immediate repeats (``A > A``) to one step first, so self-loops disappear.

    Returns
    -------
    pandas.DataFrame
        One row per edge, most frequent first (ties by source, target): ``source``, ``target``,
        ``n`` (transitions), ``persons`` (distinct persons), ``share_of_source`` (``n`` over all
        transitions leaving ``source``, 0..1), ``median_s`` and ``p90_s`` (seconds between the
        two events; linear interpolation between order statistics, as numpy's default).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "b", "b"],
    ...     "ts": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:10",
    ...                           "2024-01-02 09:00", "2024-01-02 09:30"]),
    ...     "touchpoint": ["web", "shop", "web", "shop"], "event_seq": [0, 1, 2, 3]})
    >>> dfg(ibis.memtable(log))[["source", "target", "n", "persons", "median_s"]].values.tolist()
    [['web', 'shop', 2, 2, 1200.0]]
    """
    keys = keys_of(journey)
    check_columns(events, ["person_id"])
    steps = numbered(events, keys, collapse=collapse)
    edges = steps.filter(steps.next_touchpoint.notnull())
    gap = (edges.next_sec - edges.sec).cast("float64")
    grouped = edges.group_by(source=edges.touchpoint, target=edges.next_touchpoint).aggregate(
        n=edges.count(),
        persons=edges.person_id.nunique(),
        median_s=gap.median(),
        p90_s=gap.quantile(0.9),
    )
    frame = tidy(grouped.to_pandas(), ["n", "source", "target"], ascending=[False, True, True])
    for column in ("n", "persons"):
        frame[column] = frame[column].astype("int64")
    for column in ("source", "target"):
        frame[column] = frame[column].astype(object)
    frame["share_of_source"] = frame["n"] / frame.groupby("source")["n"].transform("sum")
    return frame[["source", "target", "n", "persons", "share_of_source", "median_s", "p90_s"]]


__all__ = ["dfg"]
