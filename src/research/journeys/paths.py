"""Journeys, path variants and their shared building blocks (Ibis; DuckDB and PySpark).

Every function takes an Ibis table with the canonical event columns (``person_id``, ``ts``,
``touchpoint``, ``channel``, ``topic``, ``event_seq`` ...; see ``research.journeys.schema``) and
is written once as Ibis expressions. Order within a journey is ``event_seq`` (timestamp, then
source priority, then source row), so ties never make the engines disagree. Ordered lists are
built the portable way (ordered ``collect`` is refused on PySpark): steps are numbered with
``row_number``, collected as structs, the array sorted, then mapped and joined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import ibis
import pandas as pd
from ibis import _

from research.errors import DataError

SEPARATOR = " > "
"""Separator between the steps of a path string."""


def keys_of(journey: str | Sequence[str]) -> list[str]:
    """Return the journey key columns as a list (``"person_id"`` -> ``["person_id"]``)."""
    return [journey] if isinstance(journey, str) else list(journey)


def check_columns(events: ibis.Table, columns: Sequence[str]) -> None:
    """Raise :class:`DataError` naming the first column the event table lacks."""
    for column in columns:
        if column not in events.columns:
            raise DataError(
                "The event table lacks a column this analysis needs",
                column=column,
                hint=f"Columns present: {', '.join(events.columns)}.",
            )


def seconds(ts: ibis.Value) -> ibis.Value:
    """Whole seconds since the epoch of a timestamp column (integer arithmetic on both engines)."""
    return ts.epoch_seconds()


def window_keys(events: ibis.Table, keys: Sequence[str]) -> list[str]:
    """Journey keys for windows and groups: ``person_num`` stands in for ``person_id`` when present.

    The canonical table carries ``person_num``, an integer one-to-one with ``person_id`` (see
    :mod:`research.journeys.ingest`), so partitions and groups are the same while integer keys
    sort and hash 2-3x faster than the pseudonym strings.
    """
    if "person_num" in events.columns:
        return ["person_num" if k == "person_id" else k for k in keys]
    return list(keys)


def touchpoint_steps(
    events: ibis.Table, journey: str | Sequence[str] = "person_id", collapse: bool = False
) -> ibis.Table:
    """Touchpoint events (no others), immediate repeats reduced to the first with ``collapse``."""
    keys = keys_of(journey)
    check_columns(events, [*keys, "ts", "touchpoint", "event_seq"])
    t = events.filter(_.touchpoint.notnull())
    if collapse:
        window = ibis.window(group_by=window_keys(t, keys), order_by="event_seq")
        t = t.mutate(_previous=t.touchpoint.lag().over(window))
        t = t.filter(t._previous.isnull() | (t._previous != t.touchpoint)).drop("_previous")
    return t


def numbered(
    events: ibis.Table, journey: str | Sequence[str] = "person_id", collapse: bool = False
) -> ibis.Table:
    """Touchpoint events of each journey, numbered ``pos`` = 1, 2, ... in ``event_seq`` order.

    Events without a touchpoint are left out. With ``collapse=True`` immediate repeats of a
    touchpoint (``A > A > B``) are reduced to one step (``A > B``); the kept step is the first.
    Adds ``sec`` (epoch seconds), ``next_touchpoint`` and ``next_sec`` (null at the journey's end),
    all from one window.
    """
    t = touchpoint_steps(events, journey, collapse)
    window = ibis.window(group_by=window_keys(t, keys_of(journey)), order_by="event_seq")
    sec = seconds(t.ts)
    return t.mutate(
        pos=ibis.row_number().over(window) + 1,
        sec=sec,
        next_touchpoint=t.touchpoint.lead().over(window),
        next_sec=sec.lead().over(window),
    )


def touchpoint_names(events: ibis.Table) -> list[str]:
    """The touchpoints of the table, sorted by name (their position is their code)."""
    found = events.select("touchpoint").filter(_.touchpoint.notnull()).distinct().to_pandas()
    return sorted(found["touchpoint"])


def touchpoint_code(table: ibis.Table, names: Sequence[str]) -> ibis.Value:
    """Each row's touchpoint code: its position in *names* (see :func:`touchpoint_names`).

    Windows, lists and groups on small integers are far cheaper than on names; callers put the
    names back on the (small) results.
    """
    return table.touchpoint.substitute({name: i for i, name in enumerate(names)}, else_=0)


def sorted_frame(
    data: pd.DataFrame, by: Sequence[str], ascending: bool | Sequence[bool] = True
) -> pd.DataFrame:
    """Sort deterministically, reset the index and normalise dtypes across engines.

    Parameters
    ----------
    data : DataFrame
        A result of an Ibis expression, as pandas.
    by : list of str
        The sort columns.
    ascending : bool or list of bool
        Per sort column.

    Returns
    -------
    DataFrame
        *data* sorted (stable), index 0..n-1, timestamps as ``datetime64[us]`` on every engine.
    """
    frame = data.sort_values(list(by), ascending=ascending, kind="stable").reset_index(drop=True)
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].astype("datetime64[us]")
    return frame


def variants(
    events: ibis.Table,
    *,
    journey: str | Sequence[str] = "person_id",
    level: Literal["raw", "collapsed", "stage"] = "raw",
    stages: Mapping[str, str] | None = None,
    outcome: str | Sequence[str] | None = None,
    top: int | None = 20,
) -> pd.DataFrame:
    """Path variants: the distinct ordered touchpoint sequences and how journeys spread over them.

    Parameters
    ----------
    events : ibis.Table
        Canonical event table.
    journey : str or list of str
        Column(s) that identify one journey: ``"person_id"`` (default), or e.g.
        ``["person_id", "session"]`` after :func:`research.journeys.sessionization.sessionize`.
    level : {"raw", "collapsed", "stage"}
        ``"raw"`` every touchpoint event; ``"collapsed"`` immediate repeats reduced to one step;
        ``"stage"`` touchpoints mapped to stages with ``stages`` (touchpoints not in the mapping
        are left out) and repeats of a stage collapsed.
    stages : mapping of str to str, optional
        Touchpoint -> stage (needed for ``level="stage"``).
    outcome : str or list of str, optional
        Touchpoint(s) that count as conversion; a journey converts when it contains one.
        Without it ``conversion`` is missing.
    top : int or None
        Keep the ``top`` most frequent variants (ties by path); ``None`` keeps all.

    Returns
    -------
    pandas.DataFrame
        One row per variant, most frequent first: ``rank``, ``path``, ``n_steps``, ``n``
        (journeys), ``share`` (of all journeys, 0..1), ``cumulative_share``,
        ``median_duration_s`` (first to last step, seconds), ``conversion`` (0..1).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "b", "b", "c"],
    ...     "ts": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 10:00", "2024-01-02 09:00",
    ...                           "2024-01-02 09:30", "2024-01-03 09:00"]),
    ...     "touchpoint": ["web", "shop", "web", "shop", "web"], "event_seq": [0, 1, 2, 3, 4]})
    >>> v = variants(ibis.memtable(log), outcome="shop")
    >>> v[["path", "n", "share", "median_duration_s", "conversion"]].values.tolist()
    [['web > shop', 2, 0.6666666666666666, 2700.0, 1.0], ['web', 1, 0.3333333333333333, 0.0, 0.0]]
    """
    keys = keys_of(journey)
    if level not in ("raw", "collapsed", "stage"):
        raise DataError("Unknown path level", value=level, hint="Use raw, collapsed or stage.")
    check_columns(events, [*keys, "ts", "touchpoint", "event_seq"])
    base = events
    if level == "stage":
        if not stages:
            raise DataError(
                "Stage-level paths need a touchpoint-to-stage mapping",
                hint="Pass stages={touchpoint: stage} (the study's catalog gives one).",
            )
        base = events.mutate(touchpoint=events.touchpoint.substitute(dict(stages), else_=None))
        names = sorted(set(stages.values()))
    else:
        names = touchpoint_names(events)
    wanted = None if outcome is None else ([outcome] if isinstance(outcome, str) else list(outcome))
    steps = touchpoint_steps(base, keys, collapse=level != "raw")
    group = window_keys(steps, keys)
    # Each step packed into one integer, event_seq * width + touchpoint code: sorting a journey's
    # integers orders its steps and the codes joined give the path (integers collect, sort and
    # group far faster than strings or structs); names are restored for the top variants only.
    width = 1 << len(names).bit_length()
    code = touchpoint_code(steps, names)
    steps = steps.mutate(_packed=steps.event_seq * width + code.cast("int64"))
    # DuckDB skips the null filter ibis adds (no step is null); PySpark has no include_null
    duckdb = steps._find_backend(use_default=True).name == "duckdb"
    flags = {}
    if wanted is not None and level != "stage":
        flags["converted"] = steps.touchpoint.isin(wanted).cast("int64").max()
    per = steps.group_by(group).aggregate(
        _packed=steps._packed.collect(include_null=duckdb),
        n_steps=steps.count(),
        duration_s=seconds(steps.ts.max()) - seconds(steps.ts.min()),
        **flags,
    )
    if wanted is not None and level == "stage":  # conversion over all touchpoints, not stages only
        touched = events.filter(_.touchpoint.notnull())
        converted = touched.group_by(window_keys(touched, keys)).aggregate(
            converted=touched.touchpoint.isin(wanted).cast("int64").max()
        )
        per = per.left_join(converted, group).drop([f"{k}_right" for k in group])
    converted = (
        per.converted.fill_null(0).cast("float64") if wanted is not None else ibis.null().cast("float64")
    )
    per = per.mutate(
        _key=per._packed.sort().map(lambda x: (x % width).cast("string")).join(","),
        converted=converted,
    )
    grouped = per.group_by("_key").aggregate(
        n_steps=per.n_steps.max(),
        n=per.count(),
        median_duration_s=per.duration_s.cast("float64").median(),
        conversion=per.converted.mean(),
    )
    # rank() is 0-based and shares ranks on ties: every variant as frequent as the top-th is
    # kept, so the tie-break by path name below sees them all
    grouped = grouped.mutate(
        _total=grouped.n.sum().over(ibis.window()),
        _rank=ibis.rank().over(ibis.window(order_by=ibis.desc("n"))),
    )
    if top is not None:
        grouped = grouped.filter(grouped._rank < top)
    frame = grouped.to_pandas()
    n_total = int(frame["_total"].iloc[0]) if len(frame) else 0
    frame["path"] = [SEPARATOR.join(names[int(c)] for c in key.split(",")) for key in frame["_key"]]
    frame = sorted_frame(frame, ["n", "path"], ascending=[False, True])
    if top is not None:
        frame = frame.head(top).copy()
    frame["n"] = frame["n"].astype("int64")
    frame["n_steps"] = frame["n_steps"].astype("int64")
    frame["share"] = frame["n"] / n_total if n_total else float("nan")
    frame["cumulative_share"] = frame["share"].cumsum()
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame["path"] = frame["path"].astype(object)
    return frame[
        ["rank", "path", "n_steps", "n", "share", "cumulative_share", "median_duration_s", "conversion"]
    ]


OTHER = "other"
"""Node label of the touchpoints beyond the top k of a flow step."""


def flows(
    events: ibis.Table,
    anchor: str,
    *,
    steps: int = 3,
    direction: Literal["forward", "backward"] = "forward",
    top: int = 5,
    journey: str | Sequence[str] = "person_id",
    collapse: bool = True,
) -> pd.DataFrame:
    """Flows anchored at a touchpoint: where journeys go next (or came from), step by step.

    Each journey is anchored at its first event of ``anchor``. Step *k* is the *k*-th touchpoint
    after (``"forward"``) or before (``"backward"``) it. At each step the ``top`` touchpoints by
    journeys keep their name (ties by name); the rest become ``"other"``. Journeys that end
    earlier simply stop (their flow ends).

    Parameters
    ----------
    events : ibis.Table
    anchor : str
        Touchpoint that starts (``forward``) or ends (``backward``) the flows.
    steps : int
        How many steps away from the anchor.
    direction : {"forward", "backward"}
    top : int
        Named nodes per step.
    journey : str or list of str
    collapse : bool
        Reduce immediate repeats (``A > A``) to one step first (default, as path explorers do).

    Returns
    -------
    pandas.DataFrame
        One row per edge: ``step`` (1..steps; the anchor is step 0), ``source`` (node at step - 1),
        ``target`` (node at step), ``n`` (journeys), ``share`` (of journeys at the anchor, 0..1).
        Edges are ordered by step, then ``n`` descending, source, target.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "b", "b", "c"],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-02",
    ...                           "2024-01-01"]),
    ...     "touchpoint": ["web", "shop", "web", "app", "web"], "event_seq": [0, 1, 2, 3, 4]})
    >>> f = flows(ibis.memtable(log), "web", steps=1, top=1)
    >>> f[["source", "target", "n"]].values.tolist()
    [['web', 'app', 1], ['web', 'other', 1]]
    """
    if direction not in ("forward", "backward"):
        raise DataError("Unknown flow direction", value=direction, hint="Use forward or backward.")
    if steps < 1 or top < 1:
        raise DataError("Flows need steps >= 1 and top >= 1", value=(steps, top))
    keys = keys_of(journey)
    t = numbered(events, keys, collapse=collapse)
    first = t.filter(t.touchpoint == anchor)
    anchors = first.group_by(keys).aggregate(_a_pos=first.pos.min())
    joined = t.join(anchors, keys)
    offset = joined.pos - joined._a_pos if direction == "forward" else joined._a_pos - joined.pos
    nodes = joined.select(*keys, step=offset, touchpoint=joined.touchpoint)
    nodes = nodes.filter((nodes.step >= 1) & (nodes.step <= steps))
    counts = nodes.group_by(["step", "touchpoint"]).aggregate(_n=nodes.count())
    order = ibis.window(group_by="step", order_by=[ibis.desc("_n"), "touchpoint"])
    counts = counts.mutate(_rank=ibis.row_number().over(order))
    keep = counts.filter(counts._rank < top).select(_k_step="step", _k_tp="touchpoint")
    labelled = nodes.left_join(keep, [nodes.step == keep._k_step, nodes.touchpoint == keep._k_tp])
    labelled = labelled.select(
        *keys, "step", label=ibis.ifelse(labelled._k_tp.isnull(), OTHER, labelled.touchpoint)
    )
    start = anchors.select(*keys, step=ibis.literal(0, "int64"), label=ibis.literal(anchor))
    labelled = ibis.union(labelled.cast({"step": "int64"}), start)
    previous = labelled.select(*[labelled[k].name(f"_p_{k}") for k in keys], _p_step="step", source="label")
    edges = labelled.join(
        previous,
        [labelled[k] == previous[f"_p_{k}"] for k in keys] + [labelled.step == previous._p_step + 1],
    )
    grouped = edges.group_by(["step", "source", edges.label.name("target")]).aggregate(n=edges.count())
    frame = sorted_frame(
        grouped.to_pandas(), ["step", "n", "source", "target"], ascending=[True, False, True, True]
    )
    total = int(anchors.count().to_pandas())
    frame["step"] = frame["step"].astype("int64")
    frame["n"] = frame["n"].astype("int64")
    for column in ("source", "target"):
        frame[column] = frame[column].astype(object)
    frame["share"] = frame["n"] / total if total else float("nan")
    return frame[["step", "source", "target", "n", "share"]]
