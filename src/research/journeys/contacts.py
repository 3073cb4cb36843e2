"""Repeat contact (failure demand), loops and channel switching."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import ibis
import numpy as np
import pandas as pd

from research import defaults
from research.errors import DataError
from research.feedback.stats import wilson
from research.journeys.paths import check_columns, keys_of, numbered, sorted_frame, window_keys

NO_UPSTREAM = "(none)"
"""Upstream label of a contact with no non-service touchpoint before it."""


def _seconds_of(value: timedelta | float, what: str) -> float:
    result = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if result <= 0:
        raise DataError(f"The {what} must be positive", value=value, hint="E.g. timedelta(days=7).")
    return result


def contact_events(
    events: ibis.Table,
    service: Sequence[str],
    *,
    within: timedelta | float = timedelta(days=7),
    same_topic: bool = True,
    not_upstream: Sequence[str] = (),
) -> ibis.Table:
    """Service contacts, one row each, flagged ``repeat`` when the same person contacts again.

    A contact (an event at one of the ``service`` touchpoints) is a *repeat contact* source when
    the same person has another service contact within ``within`` after it (strictly later in
    ``event_seq``); with ``same_topic`` only a contact on the same topic counts (contacts without
    a topic match contacts without a topic). ``upstream`` is the last non-service touchpoint of the
    person before the contact (``"(none)"`` when there is none); touchpoints in ``not_upstream``
    (e.g. bills and notices the company sends) are passed over when looking for it.

    Returns the Ibis table (``person_id``, ``ts``, ``event_seq``, ``touchpoint``, ``topic``,
    ``upstream``, ``repeat`` 0/1, ``next_contact_s``) for joins, e.g. to a survey.
    """
    service = list(service)
    if not service:
        raise DataError("Name at least one service touchpoint", hint="E.g. service=['hotline'].")
    limit = _seconds_of(within, "repeat-contact window")
    needed = ["person_id", "ts", "touchpoint", "event_seq"] + (["topic"] if same_topic else [])
    check_columns(events, needed)
    t = numbered(events, "person_id")
    is_service = t.touchpoint.isin(service)
    skipped = t.touchpoint.isin([*service, *not_upstream])
    person = window_keys(t, ["person_id"])
    upto = ibis.cumulative_window(group_by=person, order_by="pos")
    t = t.mutate(_upos=ibis.ifelse(skipped, ibis.null("int64"), t.pos).max().over(upto))
    upstream = t.filter(~skipped).select(_u_person=t.person_id, _u_pos=t.pos, upstream=t.touchpoint)
    contacts = t.filter(is_service)
    topic = contacts.topic.fill_null("") if same_topic else ibis.literal("")
    contacts = contacts.mutate(_topic=topic)
    later = ibis.window(group_by=[*person, "_topic"], order_by="pos")
    contacts = contacts.mutate(next_contact_s=(contacts.sec.lead().over(later) - contacts.sec))
    joined = contacts.left_join(
        upstream, [contacts.person_id == upstream._u_person, contacts._upos == upstream._u_pos]
    )
    topic_column = joined.topic if "topic" in events.columns else ibis.null("string")
    return joined.select(
        "person_id",
        "ts",
        "event_seq",
        "touchpoint",
        topic=topic_column,
        upstream=joined.upstream.fill_null(NO_UPSTREAM),
        repeat=(joined.next_contact_s <= limit).fill_null(False).cast("int64"),
        next_contact_s=joined.next_contact_s,
    )


def repeat_contacts(
    events: ibis.Table,
    service: Sequence[str],
    *,
    within: timedelta | float = timedelta(days=7),
    same_topic: bool = True,
    by_upstream: bool = True,
    not_upstream: Sequence[str] = (),
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Repeat contact / failure demand: how often a service contact is followed by another one.

    Parameters
    ----------
    events : ibis.Table
        Canonical event table.
    service : list of str
        Service-channel touchpoints (e.g. a hotline, a complaint form).
    within : timedelta or float
        Window for the next contact (seconds when a number); 48-72 h or 7 days are usual.
    same_topic : bool
        Count only a next contact on the same topic (needs the ``topic`` column).
    by_upstream : bool
        Split by the touchpoint that preceded the contact (the failure that caused the demand).
    not_upstream : list of str
        Touchpoints never named as upstream (e.g. bills, notices), passed over to the one before.
    ci : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per service touchpoint (and upstream touchpoint): ``touchpoint``, ``upstream``,
        ``contacts``, ``persons``, ``repeats`` (contacts followed by another within the window),
        ``estimate`` (repeats / contacts, 0..1), ``ci_low``, ``ci_high`` (Wilson).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "a", "b", "b"],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-01",
    ...                           "2024-01-02"]),
    ...     "touchpoint": ["install", "hotline", "hotline", "web", "hotline"],
    ...     "topic": [None, "fault", "fault", None, "bill"], "event_seq": [0, 2, 4, 1, 3]})
    >>> r = repeat_contacts(ibis.memtable(log), ["hotline"], within=timedelta(days=7))
    >>> r[["upstream", "contacts", "repeats", "estimate"]].values.tolist()
    [['install', 2, 1, 0.5], ['web', 1, 0, 0.0]]
    """
    contacts = contact_events(
        events, service, within=within, same_topic=same_topic, not_upstream=not_upstream
    )
    groups = ["touchpoint", "upstream"] if by_upstream else ["touchpoint"]
    grouped = contacts.group_by(groups).aggregate(
        contacts=contacts.count(), persons=contacts.person_id.nunique(), repeats=contacts.repeat.sum()
    )
    frame = sorted_frame(grouped.to_pandas(), groups)
    for column in ("contacts", "persons", "repeats"):
        frame[column] = frame[column].astype("int64")
    for column in groups:
        frame[column] = frame[column].astype(object)
    frame["estimate"] = frame["repeats"] / frame["contacts"]
    interval = wilson(frame["repeats"], frame["contacts"], ci)
    frame["ci_low"], frame["ci_high"] = interval["ci_low"].to_numpy(), interval["ci_high"].to_numpy()
    return frame[[*groups, "contacts", "persons", "repeats", "estimate", "ci_low", "ci_high"]]


def loops(events: ibis.Table, *, journey: str | Sequence[str] = "person_id") -> pd.DataFrame:
    """Loops: returns to a touchpoint within a journey after visiting something else.

    Immediate repeats (``A > A``) are collapsed first; a *return* is a later visit to a touchpoint
    the journey had already left (``A > B > A`` is one return to ``A``).

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint: ``touchpoint``, ``journeys`` (journeys visiting it),
        ``looping_journeys`` (journeys returning to it at least once), ``returns`` (all returns),
        ``estimate`` (looping_journeys / journeys, 0..1).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "a", "b"],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01"]),
    ...     "touchpoint": ["web", "app", "web", "web"], "event_seq": [0, 1, 2, 3]})
    >>> loops(ibis.memtable(log))[["touchpoint", "journeys", "returns", "estimate"]].values.tolist()
    [['app', 1, 0, 0.0], ['web', 2, 1, 0.5]]
    """
    keys = keys_of(journey)
    t = numbered(events, keys, collapse=True)
    visits = t.group_by([*keys, "touchpoint"]).aggregate(visits=t.count())
    grouped = visits.group_by("touchpoint").aggregate(
        journeys=visits.count(),
        looping_journeys=(visits.visits > 1).cast("int64").sum(),
        returns=(visits.visits - 1).sum(),
    )
    frame = sorted_frame(grouped.to_pandas(), ["touchpoint"])
    for column in ("journeys", "looping_journeys", "returns"):
        frame[column] = frame[column].astype("int64")
    frame["touchpoint"] = frame["touchpoint"].astype(object)
    frame["estimate"] = frame["looping_journeys"] / frame["journeys"]
    return frame


def channel_switches(events: ibis.Table, *, journey: str | Sequence[str] = "person_id") -> pd.DataFrame:
    """Channel switching: hand-overs between channels (e.g. online -> offline) within journeys.

    Consecutive touchpoint events of a journey whose ``channel`` values are both known and
    differ are a switch. Events without a channel are skipped (they neither switch nor break).

    Returns
    -------
    pandas.DataFrame
        One row per ordered channel pair (``from_channel``, ``to_channel``): ``switches``,
        ``journeys`` (journeys with at least one such switch), ``share_of_journeys`` (of all
        journeys with a known channel, 0..1), ``switches_per_journey`` (mean over those journeys,
        the same value in every row).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a", "a", "a", "b"],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01"]),
    ...     "touchpoint": ["web", "store", "web", "web"], "event_seq": [0, 1, 2, 3],
    ...     "channel": ["online", "offline", "online", "online"]})
    >>> channel_switches(ibis.memtable(log))[["from_channel", "to_channel", "switches"]].values.tolist()
    [['offline', 'online', 1], ['online', 'offline', 1]]
    """
    keys = keys_of(journey)
    check_columns(events, ["channel"])
    known = events.filter(events.channel.notnull())
    t = numbered(known, keys)
    window = ibis.window(group_by=window_keys(t, keys), order_by="pos")
    t = t.mutate(next_channel=t.channel.lead().over(window))
    switches = t.filter(t.next_channel.notnull() & (t.next_channel != t.channel))
    n_journeys = t.select(*keys).distinct().count()
    per_journey = switches.group_by([*keys, "channel", "next_channel"]).aggregate(k=switches.count())
    grouped = per_journey.group_by(
        from_channel=per_journey.channel, to_channel=per_journey.next_channel
    ).aggregate(switches=per_journey.k.sum(), journeys=per_journey.count())
    frame = sorted_frame(grouped.to_pandas(), ["from_channel", "to_channel"])
    total = int(n_journeys.to_pandas())
    all_switches = int(switches.count().to_pandas())
    for column in ("switches", "journeys"):
        frame[column] = frame[column].astype("int64")
    for column in ("from_channel", "to_channel"):
        frame[column] = frame[column].astype(object)
    frame["share_of_journeys"] = frame["journeys"] / total if total else np.nan
    frame["switches_per_journey"] = all_switches / total if total else np.nan
    return frame[
        ["from_channel", "to_channel", "switches", "journeys", "share_of_journeys", "switches_per_journey"]
    ]


__all__ = ["channel_switches", "contact_events", "loops", "repeat_contacts"]
