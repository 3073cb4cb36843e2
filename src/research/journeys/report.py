"""The report layer of notebook 40 (journey analytics): study-aware loading and the report's figures.

:func:`load_journeys` builds (or reuses) the study's event table (:func:`~research.journeys.build_events`),
opens it on the chosen engine (:func:`~research.journeys.connect` with ``study=`` so DuckDB spills
under data/processed) and joins the customers file's columns (segments) by the same keyed pseudonym
the event table carries. The functions below compute the report's headline figures from it;
names of events, touchpoints and segment columns always come from the run's parameters. Secondary
sections raise :class:`~research.errors.NotApplicable` with one sentence when the data cannot
support them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ibis
import numpy as np
import pandas as pd

from research import defaults
from research.errors import NotApplicable
from research.feedback.stats import wilson
from research.wording import say

if TYPE_CHECKING:
    from research.study import Study

DAY_S = 86400.0


@dataclass
class JourneyData:
    """One study's event table on one engine, with the customers' columns.

    Attributes
    ----------
    study : Study
    table : ibis.Table
        The canonical event table (see :func:`research.journeys.build_events`).
    path : Path
        Its Parquet file.
    engine : str
        ``"duckdb"`` or ``"pyspark"``.
    language : str
        Report language.
    customers : DataFrame or None
        ``person_id`` (pseudonym) and the customers file's other columns; None without one.
    key : str
        The pseudonymisation key (to link other files' person ids).
    """

    study: Any
    table: Any
    path: Path
    engine: str
    language: str
    customers: pd.DataFrame | None
    key: str

    def person_ids(self, ids: pd.Series) -> pd.Series:
        """The event table's pseudonyms of raw person ids (e.g. a survey's respondent ids)."""
        from research.journeys.ingest import PERSON_PREFIX
        from research.privacy import pseudonymise

        def one(value: Any) -> Any:
            if pd.isna(value):
                return pd.NA
            return pseudonymise(str(value), self.key, prefix=PERSON_PREFIX, length=12)

        return ids.astype("string").map(one)


def load_journeys(
    study: Study | str, *, engine: Literal["duckdb", "pyspark"] = "duckdb", language: str | None = None
) -> JourneyData:
    """Build (or reuse) the event table of *study* and open it on *engine*.

    Parameters
    ----------
    study : Study or str
        The study, or its folder name under data/raw.
    engine : {"duckdb", "pyspark"}
        Where the analyses run.
    language : str, optional
        ``"zh"`` or ``"en"``; ``None`` (or empty): the study's main language.

    Returns
    -------
    JourneyData
        The event table on *engine*, with the customers' columns.

    Examples
    --------
    >>> data = load_journeys("sample")
    >>> int(data.table.count().execute()), data.customers.columns[0]
    (207037, 'person_id')
    """
    from research.io import read_table
    from research.journeys.engine import connect, events
    from research.journeys.ingest import build_events, pseudonym_key
    from research.journeys.schema import load_journeys_section
    from research.study import load_study

    study = load_study(study) if isinstance(study, str | Path) else study
    section = load_journeys_section(study)
    path = build_events(study)
    con = connect(engine, study=study)
    table = events(con, path)
    key = pseudonym_key(study, section)
    data = JourneyData(study, table, path, engine, language or study.language, None, key)
    if section.customers:
        frame = read_table(study.file(section.customers))
        ids = data.person_ids(frame[section.customer_id])
        data.customers = frame.drop(columns=[section.customer_id]).assign(person_id=ids.to_numpy())[
            ["person_id", *[c for c in frame.columns if c != section.customer_id]]
        ]
    return data


def _require_section(data: JourneyData, section: str, en: tuple[str, str], zh: tuple[str, str]) -> None:
    """Raise :class:`NotApplicable` (what is missing, what to do) when the study has no *section*."""
    if not data.study.section(section):
        raise NotApplicable(en[0], en[1], missing_zh=zh[0], remedy_zh=zh[1])


def _per_person(table: Any, **flags: Any) -> pd.DataFrame:
    """One row per person with the given aggregate columns (Ibis expressions), as pandas."""
    return table.group_by("person_id").aggregate(**flags).execute()


def failure_impact(
    data: JourneyData,
    exposure_event: str,
    failure_event: str,
    contact_touchpoint: str,
    complaint_touchpoint: str = "",
    *,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """What a failure (an event such as a missed appointment) does to contacts and complaints.

    Persons *exposed* have an ``exposure_event``; among them those with a ``failure_event`` are
    the failed group. Per group: persons, share of the exposed (Wilson interval), contacts per
    person at ``contact_touchpoint`` (all of the person's events there) and the share with a
    ``complaint_touchpoint`` event (Wilson interval).

    Parameters
    ----------
    data : JourneyData
        The study's event table (:func:`load_journeys`).
    exposure_event, failure_event : str
        Event names: what exposes a person to the failure, and the failure.
    contact_touchpoint : str
        The touchpoint whose events per person are compared.
    complaint_touchpoint : str
        The touchpoint of complaints ("" for none: the complaint columns are missing).
    ci : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        Rows ``failed`` and ``not_failed``: ``group``, ``persons``, ``share``, ``share_ci_low``,
        ``share_ci_high``, ``contacts_per_person``, ``complained_share``, ``complained_ci_low``,
        ``complained_ci_high``; ``ratio`` (contacts per person over the other group's).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": list("aabbbc"), "touchpoint": ["t", "t", "t", "t", "h", "t"],
    ...     "event": ["booked", "missed", "booked", "done", "call", "booked"]})
    >>> data = JourneyData(None, ibis.memtable(log), Path("."), "duckdb", "en", None, "k")
    >>> table = failure_impact(data, "booked", "missed", "h")
    >>> table[["group", "persons", "contacts_per_person"]].values.tolist()
    [['failed', 1, 0.0], ['not_failed', 2, 0.5]]
    """
    t = data.table
    per = _per_person(
        t,
        exposed=(t.event == exposure_event).cast("int32").max(),
        failed=(t.event == failure_event).cast("int32").max(),
        contacts=(t.touchpoint == contact_touchpoint).cast("int32").sum(),
        complained=(t.touchpoint == (complaint_touchpoint or contact_touchpoint)).cast("int32").max(),
    )
    per = per[(per["exposed"] == 1) | (per["failed"] == 1)]
    if per.empty:
        raise NotApplicable(
            f"No event {exposure_event!r} in the event log.",
            "Set exposure_event and failure_event to event names of the log.",
            missing_zh=f"事件日志中没有事件 {exposure_event!r}。",
            remedy_zh="将 exposure_event 与 failure_event 设为日志中的事件名称。",
        )
    per["group"] = np.where(per["failed"] == 1, "failed", "not_failed")
    table = (
        per.groupby("group")
        .agg(
            persons=("person_id", "size"),
            contacts_per_person=("contacts", "mean"),
            complainers=("complained", "sum"),
        )
        .reindex(["failed", "not_failed"])
    )
    table = table.fillna({"persons": 0}).reset_index()
    table["persons"] = table["persons"].astype(int)
    table["share"] = table["persons"] / len(per)
    shares = wilson(table["persons"], [len(per)] * len(table), ci)
    table["share_ci_low"], table["share_ci_high"] = shares["ci_low"].to_numpy(), shares["ci_high"].to_numpy()
    table["complained_share"] = table["complainers"] / table["persons"].where(table["persons"] > 0)
    complained = wilson(table["complainers"], table["persons"], ci)
    table["complained_ci_low"] = complained["ci_low"].to_numpy()
    table["complained_ci_high"] = complained["ci_high"].to_numpy()
    if not complaint_touchpoint:
        table[["complained_share", "complained_ci_low", "complained_ci_high"]] = np.nan
    table["ratio"] = table["contacts_per_person"] / table["contacts_per_person"][::-1].to_numpy()
    return table.drop(columns="complainers")


def _segments(data: JourneyData, segment: str) -> pd.DataFrame:
    if data.customers is None:
        raise NotApplicable(
            "The study names no customers file with segments.",
            "Name one under journeys.customers (and customer_id) in study.yml.",
            missing_zh="本研究没有指定带分群的客户文件。",
            remedy_zh="在 study.yml 的 journeys.customers（及 customer_id）下指定一个。",
        )
    if not segment or segment not in data.customers.columns:
        raise NotApplicable(
            f"No segment column {segment!r} in the customers file.",
            f"Set segment to one of {list(data.customers.columns[1:])}.",
            missing_zh=f"客户文件中没有分群列 {segment!r}。",
            remedy_zh=f"请将 segment 设为 {list(data.customers.columns[1:])} 之一。",
        )
    return data.customers[["person_id", segment]].rename(columns={segment: "segment"})


def gap_to_outcome(
    data: JourneyData, outcome: Sequence[str], segment: str, before: Sequence[str] = ()
) -> pd.DataFrame:
    """Days from a person's last touch before their first *outcome* touchpoint event to it, by segment.

    The outcome is the person's first event at one of the ``outcome`` touchpoints (e.g. where a
    purchase happens); the last touch is the latest event strictly before it (in event order) at
    one of the ``before`` touchpoints (default: any touchpoint not in ``outcome``). Persons without
    such a touch are left out.

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``segment``, ``n``, ``mean_days``, ``median_days``, ``ci_low``,
        ``ci_high`` (t interval of the mean, :func:`research.survey.metrics.mean_ci`).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": list("aabb"), "touchpoint": ["w", "s", "w", "s"],
    ...     "event": ["view", "order", "view", "order"], "event_seq": range(4),
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-01", "2024-01-07"])})
    >>> customers = pd.DataFrame({"person_id": ["a", "b"], "pref": ["x", "y"]})
    >>> data = JourneyData(None, ibis.memtable(log), Path("."), "duckdb", "en", customers, "k")
    >>> gap_to_outcome(data, ["s"], "pref")[["segment", "mean_days"]].values.tolist()
    [['x', 2.0], ['y', 6.0]]
    """
    from research.survey.metrics import mean_ci

    segments = _segments(data, segment)
    outcome = [outcome] if isinstance(outcome, str) else list(outcome)
    t = data.table.filter(data.table.touchpoint.notnull())
    hits = t.filter(t.touchpoint.isin(outcome))
    first = hits.group_by("person_id").aggregate(first_seq=hits.event_seq.min(), out_ts=hits.ts.min())
    touches = t.filter(t.touchpoint.isin(list(before)) if before else ~t.touchpoint.isin(outcome))
    joined = touches.inner_join(first, "person_id")
    joined = joined.filter(joined.event_seq < joined.first_seq)
    last = joined.group_by("person_id").aggregate(last_ts=joined.ts.max(), out_ts=joined.out_ts.min())
    frame = last.execute()
    if frame.empty:
        raise NotApplicable(
            f"No person has a touch before an event at {outcome}.",
            "Set outcome_touchpoints to the touchpoints where conversion happens.",
            missing_zh=f"没有人在 {outcome} 的事件之前有过接触。",
            remedy_zh="将 outcome_touchpoints 设为发生转化的触点。",
        )
    gap = pd.to_datetime(frame["out_ts"]) - pd.to_datetime(frame["last_ts"])
    frame = frame.assign(days=gap.dt.total_seconds() / DAY_S).merge(segments, on="person_id")
    rows = []
    for name, group in frame.groupby("segment", sort=True):
        ci = mean_ci(group["days"].to_numpy()).iloc[0]
        rows.append(
            {
                "segment": name,
                "n": len(group),
                "mean_days": float(group["days"].mean()),
                "median_days": float(group["days"].median()),
                "ci_low": float(ci["ci_low"]),
                "ci_high": float(ci["ci_high"]),
            }
        )
    return pd.DataFrame(rows)


def conversion_by_segment(
    data: JourneyData, outcome_event: str, segment: str, *, ci: float = defaults.CI
) -> pd.DataFrame:
    """Share of the customers of each segment with at least one ``outcome_event`` (Wilson interval).

    The denominator is every customer of the customers file (also those without events).

    Parameters
    ----------
    data : JourneyData
        The study's event table and customers (:func:`load_journeys`).
    outcome_event : str
        The event name that counts as conversion.
    segment : str
        A column of the customers file.
    ci : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``n``, ``converted``, ``estimate``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": ["a"], "touchpoint": ["s"], "event": ["order"]})
    >>> customers = pd.DataFrame({"person_id": ["a", "b", "c"], "pref": ["x", "x", "y"]})
    >>> data = JourneyData(None, ibis.memtable(log), Path("."), "duckdb", "en", customers, "k")
    >>> conversion_by_segment(data, "order", "pref")[["segment", "n", "estimate"]].values.tolist()
    [['x', 2, 0.5], ['y', 1, 0.0]]
    """
    segments = _segments(data, segment)
    t = data.table
    buyers = set(t.filter(t.event == outcome_event).select("person_id").distinct().execute()["person_id"])
    segments = segments.assign(converted=segments["person_id"].isin(buyers).astype(int))
    table = (
        segments.groupby("segment").agg(n=("person_id", "size"), converted=("converted", "sum")).reset_index()
    )
    table["estimate"] = table["converted"] / table["n"]
    interval = wilson(table["converted"], table["n"], ci)
    table["ci_low"], table["ci_high"] = interval["ci_low"].to_numpy(), interval["ci_high"].to_numpy()
    return table


def _experienced(data: JourneyData, touchpoint: str) -> pd.DataFrame:
    t = data.table
    return _per_person(t, group=(t.touchpoint == touchpoint).cast("int32").max())


def said_by_journey(
    data: JourneyData,
    responses: pd.DataFrame,
    id_column: str,
    score_column: str,
    *,
    touchpoint: str = "",
    kind: str = "mean",
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """What linked respondents said (a score) by their journey: by path variant or by touchpoint.

    Respondents are linked to the event log by ``id_column`` (raw person ids, pseudonymised like
    the log's). With ``touchpoint`` the groups are ``experienced`` / ``not_experienced``;
    without it, each respondent's collapsed path variant. ``kind="nps"`` gives the NPS
    (:func:`research.survey.metrics.nps`) of a 0-10 score, ``"mean"`` its mean
    (:func:`research.survey.metrics.mean_ci`), each with its interval.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``n``, ``estimate``, ``ci_low``, ``ci_high``.

    Raises
    ------
    NotApplicable
        When no respondent carries a person id of the log.
    """
    from research.survey.metrics import mean_ci, nps

    linked = (
        responses[[id_column, score_column]]
        .dropna()
        .assign(person_id=lambda f: data.person_ids(f[id_column]).to_numpy())
    )
    if touchpoint:
        groups = _experienced(data, touchpoint)
        groups["group"] = np.where(groups["group"] == 1, "experienced", "not_experienced")
    else:
        groups = _variant_of_person(data)
    linked = linked.merge(groups[["person_id", "group"]], on="person_id")
    if linked.empty:
        raise NotApplicable(
            "No respondent carries a person id of the event log.",
            "Give respondents the customers' ids (or map them in journeys.identity_map).",
            missing_zh="没有受访者带有事件日志中的客户编号。",
            remedy_zh="为受访者提供客户编号（或在 journeys.identity_map 中映射）。",
        )
    rows = []
    for name, group in linked.groupby("group", sort=True):
        stat = (
            nps(group[score_column].to_numpy(), ci=ci)
            if kind == "nps"
            else mean_ci(group[score_column].to_numpy(), ci=ci)
        ).iloc[0]
        estimate = stat["nps"] if kind == "nps" else stat["estimate"]
        rows.append(
            {
                "group": name,
                "n": len(group),
                "estimate": float(estimate),
                "ci_low": float(stat["ci_low"]),
                "ci_high": float(stat["ci_high"]),
            }
        )
    return pd.DataFrame(rows).sort_values(["n", "group"], ascending=[False, True], ignore_index=True)


def _variant_of_person(data: JourneyData) -> pd.DataFrame:
    """Each person's collapsed path (``group``), as :func:`research.journeys.variants` builds it."""
    from research.journeys.paths import numbered

    steps = numbered(data.table, "person_id", collapse=True).select("person_id", "touchpoint", "pos")
    frame = steps.execute().sort_values(["person_id", "pos"])
    return frame.groupby("person_id")["touchpoint"].agg(" > ".join).rename("group").reset_index()


def survey_by_journey(data: JourneyData, *, wave: str = "", touchpoint: str = "") -> pd.DataFrame:
    """Satisfaction (the overall item, else NPS) of survey respondents linked to the log, by journey.

    Raises NotApplicable when the study has no survey, no outcome item, or no respondent id
    that is a person id of the event log.
    """
    from research.survey.data import load_wave

    _require_section(
        data,
        "survey",
        ("The study has no survey.", "Add a survey: section to join what customers said."),
        ("本研究没有问卷。", "加入 survey: 部分即可关联客户的评价。"),
    )
    survey = load_wave(data.study, wave)
    item = survey.outcome.get("overall") or survey.outcome.get("nps")
    if not item:
        raise NotApplicable(
            "The survey names no overall or NPS item.",
            "Declare one under survey.outcomes.",
            missing_zh="问卷没有指定总体满意度或 NPS 题目。",
            remedy_zh="在 survey.outcomes 下声明一个。",
        )
    kind = "mean" if survey.outcome.get("overall") else "nps"
    return said_by_journey(data, survey.responses, "respondent_id", item, touchpoint=touchpoint, kind=kind)


def journey_results(**tables: pd.DataFrame | None) -> dict[str, Any]:
    """The report's key figures as plain JSON: each table as a list of records (None when skipped).

    Examples
    --------
    >>> journey_results(x=pd.DataFrame({"a": [1.5]}), y=None)
    {'x': [{'a': 1.5}], 'y': None}
    """
    return {
        name: (
            None
            if table is None
            else [
                {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                for row in table.to_dict("records")
            ]
        )
        for name, table in tables.items()
    }


def stage_map(data: JourneyData) -> dict[str, str]:
    """Touchpoint -> stage from the study's catalog (for stage-level paths).

    Raises NotApplicable when the study has no touchpoint catalog.

    Examples
    --------
    >>> len(stage_map(load_journeys("sample"))) > 10
    True
    """
    if not data.study.has_catalog:
        raise NotApplicable(
            "The study has no touchpoint catalog with stages.",
            "Add touchpoints: with a stage each to see stage-level paths.",
            missing_zh="本研究没有带阶段的触点清单。",
            remedy_zh="加入每个都带 stage 的 touchpoints: 即可查看阶段层面的路径。",
        )
    return {t.id: t.stage for t in data.study.definition.touchpoints}


def beside_breaks(data: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Interview pain-point mentions beside the touchpoints where journeys break.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`research.journeys.behaviour_table` output (``touchpoint``, ``drop_off``,
        ``repeat_rate``...).
    mentions : pandas.DataFrame
        ``touchpoint``, ``code``, ``mentions`` (units of linked interviewees).

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint, highest drop-off first: ``touchpoint``, ``drop_off``,
        ``repeat_rate``, ``mentions`` (all codes), ``top_code`` (the most mentioned code).

    Examples
    --------
    >>> b = pd.DataFrame({"touchpoint": ["a", "b"], "drop_off": [0.1, 0.6], "repeat_rate": [0.0, 0.2]})
    >>> m = pd.DataFrame({"touchpoint": ["b", "b"], "code": ["slow", "rude"], "mentions": [3, 1]})
    >>> beside_breaks(b, m).values.tolist()
    [['b', 0.6, 0.2, 4, 'slow'], ['a', 0.1, 0.0, 0, None]]
    """
    mentions = mentions[mentions["mentions"] > 0]
    total = mentions.groupby("touchpoint")["mentions"].sum().rename("mentions")
    top = (
        mentions.sort_values(["mentions", "code"], ascending=[False, True])
        .drop_duplicates("touchpoint")
        .set_index("touchpoint")["code"]
        .rename("top_code")
    )
    table = data[["touchpoint", "drop_off", "repeat_rate"]].join(total, on="touchpoint")
    table = table.join(top, on="touchpoint")
    table["mentions"] = table["mentions"].fillna(0).astype(int)
    table["top_code"] = table["top_code"].astype(object).where(table["top_code"].notna(), None)
    return table.sort_values(["drop_off", "touchpoint"], ascending=[False, True], ignore_index=True)


def interviews_by_journey(data: JourneyData, behaviour: pd.DataFrame) -> pd.DataFrame:
    """Pain points of interviewees who carry a person id of the log, beside where journeys break.

    The interviewees' ids (the coding section's respondents file) are pseudonymised like the
    log's; the codes of the linked interviewees' units are counted by the touchpoints the units
    name and put beside the behaviour table (:func:`beside_breaks`).

    Raises NotApplicable when the study has no interviews, or no interviewee id is a person of
    the event log.
    """
    from research.coding.autocoding import attribute_touchpoints
    from research.coding.report import load_coding_data

    _require_section(
        data,
        "coding",
        ("The study has no interviews.", "Add a coding: section to put pain points beside journeys."),
        ("本研究没有访谈。", "加入 coding: 部分即可把痛点与旅程并列。"),
    )
    coding = load_coding_data(data.study)
    ids = pd.Series(coding.cases.index if coding.cases is not None else [], dtype="string")
    persons = set(data.table.select("person_id").distinct().execute()["person_id"])
    linked = {raw for raw, pid in zip(ids, data.person_ids(ids), strict=True) if pid in persons}
    if not linked:
        raise NotApplicable(
            "No interviewee carries a person id of the event log.",
            "Give interviewees the customers' ids to see pain points by journey.",
            missing_zh="没有受访者（访谈）带有事件日志中的客户编号。",
            remedy_zh="为受访者提供客户编号，即可按旅程查看痛点。",
        )
    coded = coding.coded[coding.coded["transcript_id"].isin(linked)]
    attribution = attribute_touchpoints(coding.units, data.study)
    named = attribution[["transcript_id", "unit_id", "touchpoint"]].drop_duplicates()
    units = coded.merge(named, on=["transcript_id", "unit_id"])
    mentions = units.groupby(["touchpoint", "code"]).size().rename("mentions").reset_index()
    return beside_breaks(behaviour, mentions)


def funnel_by_segment(data: JourneyData, steps: Sequence[str], segment: str) -> pd.DataFrame:
    """The ordered funnel per customer segment (a column of the customers file).

    Journeys of persons without a row in the customers file are left out.

    Returns
    -------
    pandas.DataFrame
        :func:`research.journeys.funnel` with ``segment`` (compare with
        :func:`research.journeys.compare_funnel_segments`).

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> log = pd.DataFrame({"person_id": list("aabb"), "touchpoint": ["w", "s", "w", "x"],
    ...     "event": ["v", "o", "v", "y"], "event_seq": range(4),
    ...     "ts": pd.date_range("2024-01-01", periods=4)})
    >>> customers = pd.DataFrame({"person_id": ["a", "b"], "pref": ["x", "y"]})
    >>> data = JourneyData(None, ibis.memtable(log), Path("."), "duckdb", "en", customers, "k")
    >>> funnel_by_segment(data, ["w", "s"], "pref")[["segment", "step", "reached"]].values.tolist()
    [['x', 1, 1], ['x', 2, 1], ['y', 1, 1], ['y', 2, 0]]
    """
    from research.journeys.funnels import funnel

    segments = _segments(data, segment).rename(columns={"segment": "customer_segment"})
    segments["customer_segment"] = segments["customer_segment"].astype(str)
    joined = data.table.inner_join(ibis.memtable(segments), "person_id")
    return funnel(joined, list(steps), segment="customer_segment")


# ----------------------------------------------------------------------------------------------
# words
# ----------------------------------------------------------------------------------------------


def journey_touchpoint_labels(data: JourneyData) -> dict[str, str]:
    """Touchpoint names of the study in the report's language, by id (empty without a catalog).

    Parameters
    ----------
    data : JourneyData
        The study's event table (:func:`load_journeys`).

    Returns
    -------
    dict
        Touchpoint id -> name in ``data.language``.
    """
    study = data.study
    if study is None or not study.has_catalog:
        return {}
    return {t.id: study.touchpoint_label(t.id, data.language) for t in study.touchpoints}


def _best(rows: list[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    usable = [r for r in rows if r.get(key) is not None and r.get(key) == r.get(key)]
    return max(usable, key=lambda r: r[key]) if usable else None


def journeys_at_a_glance(
    results: Mapping[str, Any], language: str | None = None, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a journey report, from its ``results.json`` figures.

    Events and the most frequent path; what a failure does to contacts and complaints; where
    journeys break most; the highest repeat-contact rate; conversion by segment. Parts the
    report did not compute are left out.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`journey_results` plus ``events``).
    language : str, optional
        ``"zh"`` or ``"en"``; ``None``: the report's language.
    labels : mapping, optional
        Touchpoint names in *language*, by id (:func:`journey_touchpoint_labels`).

    Returns
    -------
    list of str
        One sentence per part the report computed, five at most.

    Examples
    --------
    >>> results = {"events": 1200, "paths": [{"path": "web > store", "share": 0.25}],
    ...            "behaviour": [{"touchpoint": "web", "drop_off": 0.1},
    ...                          {"touchpoint": "store", "drop_off": 0.4}]}
    >>> for line in journeys_at_a_glance(results, "en", {"store": "Store"}):
    ...     print(line)
    1,200 events were analysed; the most frequent path is web > Store (25.0% of persons).
    Journeys break most after Store (40% end there).
    """
    tp = dict(labels or {})

    def line(key: str, **values: Any) -> str:
        return say("journeys", key, language, **values)

    def path_name(path: str) -> str:
        return " > ".join(tp.get(step, step) for step in path.split(" > "))

    events = int(results.get("events") or 0)
    paths = results.get("paths") or []
    lines = [
        line("sample", events=events, path=path_name(paths[0]["path"]), share=paths[0]["share"])
        if paths
        else line("sample_only", events=events)
    ]
    failure = {row["group"]: row for row in results.get("failure") or []}
    if {"failed", "not_failed"} <= set(failure):
        failed, others = failure["failed"], failure["not_failed"]
        lines.append(
            line(
                "failure",
                share=failed["share"],
                failed=failed["contacts_per_person"],
                others=others["contacts_per_person"],
            )
        )
        complained = failed.get("complained_share"), others.get("complained_share")
        if None not in complained:
            lines.append(line("complained", failed=complained[0], others=complained[1]))
    breaks = _best(list(results.get("behaviour") or []), "drop_off")
    if breaks and breaks["drop_off"] > 0:
        lines.append(
            line(
                "drop_off",
                touchpoint=tp.get(breaks["touchpoint"], breaks["touchpoint"]),
                share=breaks["drop_off"],
            )
        )
    repeat = _best(list(results.get("repeat_contact") or []), "estimate")
    if repeat:
        lines.append(
            line(
                "repeat",
                touchpoint=tp.get(repeat["touchpoint"], repeat["touchpoint"]),
                upstream=tp.get(repeat["upstream"], repeat["upstream"]),
                share=repeat["estimate"],
            )
        )
    conversion = [r for r in results.get("conversion") or [] if r.get("estimate") is not None]
    if len(conversion) >= 2:
        ordered = sorted(conversion, key=lambda r: r["estimate"])
        lines.append(
            line(
                "conversion",
                best=ordered[-1]["segment"],
                best_share=ordered[-1]["estimate"],
                worst=ordered[0]["segment"],
                worst_share=ordered[0]["estimate"],
            )
        )
    return lines[:5]
