"""Directly-follows graph: which touchpoint follows which, how often, for how many, how fast."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pandas as pd

from research.journeys.engine import materialized
from research.journeys.paths import (
    check_columns,
    keys_of,
    seconds,
    sorted_frame,
    touchpoint_code,
    touchpoint_names,
    touchpoint_steps,
    window_keys,
)

QUANTILE_CHUNK = 20_000_000
"""At most this many gaps (beyond one source's) are held at once by the exact quantiles."""


def _chunks(counts: pd.DataFrame, size: int | None = None) -> list[list[int]]:
    """Source codes in groups of about *size* transitions (largest first; one source never splits).

    Exact quantiles (``quantile_cont``) keep every value of a group in memory and do not spill;
    aggregating a few sources per query bounds that memory at any log size with the same results.
    """
    size = size or QUANTILE_CHUNK
    per_source = counts.groupby("source")["n"].sum().sort_values(ascending=False, kind="stable")
    chunks: list[list[int]] = []
    filled = size
    for source, n in per_source.items():
        if filled + n > size:
            chunks.append([])
            filled = 0
        chunks[-1].append(int(source))
        filled += int(n)
    return chunks


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
        Canonical event table; its events without a touchpoint are skipped.
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
    steps = touchpoint_steps(events, keys, collapse=collapse)
    names = touchpoint_names(events)
    code = touchpoint_code(steps, names)
    # One window over small integers: the person, the step's code, the next step's code, the gap.
    person = "person_num" if "person_num" in steps.columns else "person_id"
    group = window_keys(steps, keys)
    slim = steps.select(
        *dict.fromkeys([*group, person, "event_seq"]),
        _code=code.cast("int16"),
        _sec=seconds(steps.ts),
    )
    window = ibis.window(group_by=group, order_by="event_seq")
    edges = slim.select(
        slim[person].name("_person"),
        source=slim._code,
        target=slim._code.lead().over(window),
        gap=(slim._sec.lead().over(window) - slim._sec).cast("float64"),
    )
    # Materialised (DuckDB: a temporary table, which spills; Spark: cached) and aggregated twice: the
    # distinct persons as a group by (source, target, person), which spills, apart from the exact
    # quantiles, whose states hold every gap in memory (so they run on a few sources at a time).
    with materialized(edges.filter(edges.target.notnull())) as cached:
        if person == "person_num":  # (person, source, target) packed into one integer key
            width = 1 << len(names).bit_length()
            key = (cached._person.cast("int64") * width + cached.source) * width + cached.target
            per_person = cached.group_by(_key=key).aggregate(_n=cached.count())
            per_person = per_person.select(
                "_n", source=(per_person._key % (width * width)) // width, target=per_person._key % width
            )
        else:
            per_person = cached.group_by(["source", "target", "_person"]).aggregate(_n=cached.count())
        counts = (
            per_person.group_by(["source", "target"])
            .aggregate(n=per_person._n.sum(), persons=per_person.count())
            .to_pandas()
        )
        parts = [
            part.group_by(["source", "target"])
            .aggregate(median_s=part.gap.median(), p90_s=part.gap.quantile(0.9))
            .to_pandas()
            for part in (cached.filter(cached.source.isin(chunk)) for chunk in _chunks(counts))
        ]
    times = pd.concat(parts) if parts else pd.DataFrame(columns=["source", "target", "median_s", "p90_s"])
    frame = counts.merge(times, on=["source", "target"], how="inner", validate="one_to_one")
    for column in ("source", "target"):
        frame[column] = [names[int(c)] for c in frame[column]]
    frame = sorted_frame(frame, ["n", "source", "target"], ascending=[False, True, True])
    for column in ("n", "persons"):
        frame[column] = frame[column].astype("int64")
    for column in ("source", "target"):
        frame[column] = frame[column].astype(object)
    frame["share_of_source"] = frame["n"] / frame.groupby("source")["n"].transform("sum")
    return frame[["source", "target", "n", "persons", "share_of_source", "median_s", "p90_s"]]


__all__ = ["dfg"]
