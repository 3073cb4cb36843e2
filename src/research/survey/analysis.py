"""Survey statistics on a study: the study-aware layer that orchestrates the statistics modules.

Functions here take a :class:`~research.survey.data.SurveyData` (and, where labels are needed,
the :class:`~research.study.Study`), pick the columns the study declares (rows, outcome items,
segments, survey weights) and call the statistics of :mod:`research.survey.metrics`,
:mod:`~research.survey.drivers`, :mod:`~research.survey.compare` and
:mod:`~research.survey.scale_reliability`, which take arrays and DataFrames only.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from research.defaults import ALPHA, CI, SEED
from research.errors import DataError, NotApplicable
from research.study import Study
from research.survey.compare import (
    ComparisonResult,
    PAdjust,
    compare_means,
    compare_proportions,
    compare_ranks,
)
from research.survey.data import SurveyData
from research.survey.drivers import DriverResult, Missing, key_drivers
from research.survey.metrics import bottom_box, box_rule, box_text, ces, csat, mean_ci, nps, top_box
from research.survey.scale_reliability import ReliabilityResult, item_reliability
from research.wording import resolve_language, say


def _groups(keys: pd.DataFrame, groups: list[str]) -> list[tuple[tuple, pd.Index]]:
    """(key tuple, row index) per group, in order of appearance; one group of all rows if none."""
    if not groups:
        return [((), keys.index)]
    return [
        (key if isinstance(key, tuple) else (key,), frame.index)
        for key, frame in keys.groupby(groups, sort=False, dropna=True)
    ]


def scorecard(
    data: SurveyData, by: str | list[str] | None = None, weighted: bool = True, ci: float = CI
) -> pd.DataFrame:
    """Mean, top-box, bottom-box, n and n_eff per row (and wave, and segment) of a survey.

    A row is a touchpoint, an attribute group or an item.

    The score of a respondent is the mean of the row's answered items
    (:meth:`SurveyData.touchpoint_scores`). Top-box is the share (0..1) of respondents whose
    score reaches the top box of the row's scale, bottom-box the share in the bottom box, as
    :func:`box_rule` defines them (4-5 on 1-5, 9-10 on 0-10, 80-100 on 0-100); both with
    Wilson intervals on ``n_eff``. When the data holds several waves, rows are per wave too.

    Returns
    -------
    DataFrame
        ``[wave], [by...], touchpoint, scale_min, scale_max, top_box_answers, n, n_eff, mean,
        se, ci_low, ci_high, top_box, top_box_ci_low, top_box_ci_high, bottom_box,
        bottom_box_ci_low, bottom_box_ci_high``; when the survey declares a 0-10 NPS item
        (:func:`nps_item`), also the NPS of the row's users (respondents who rated it):
        ``nps, nps_ci_low, nps_ci_high, nps_n``.

    Parameters
    ----------
    data : SurveyData
        The survey (one or more waves).
    by : str or list of str, optional
        Segment columns to break the rows down by.
    weighted : bool
        Whether to apply the survey weights the study declares.
    ci : float
        Confidence level of the intervals.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> card = scorecard(load_survey("sample", "before"))
    >>> card.sort_values("mean").iloc[0]["touchpoint"] in {"hotline", "complaints"}
    True
    """
    by = [] if by is None else [by] if isinstance(by, str) else list(by)
    groups = (["wave"] if len(data.waves) > 1 and "wave" not in by else []) + by
    for column in groups:
        if column not in data.responses.columns:
            raise DataError(
                "Cannot break the scorecard down by an unknown column",
                column=column,
                hint=f"Use a segment: {data.segments}, or 'wave'.",
            )
    scores = data.touchpoint_scores()
    weight = data.responses["weight"] if weighted else pd.Series(1.0, index=data.responses.index)
    rows = []
    keys = data.responses[groups] if groups else pd.DataFrame(index=data.responses.index)
    grouped = _groups(keys, groups)
    for key, index in grouped:
        for touchpoint in data.touchpoints:
            low, high = data.row_range(touchpoint)
            boxes = int(box_rule(low, high)["boxes"])
            values, w = scores.loc[index, touchpoint], weight.loc[index]
            row = dict(zip(groups, key, strict=True)) | {
                "touchpoint": touchpoint,
                "scale_min": low,
                "scale_max": high,
                "top_box_answers": box_text(low, high).top,
            }
            if values.notna().sum() < 2:
                rows.append(row | {"n": int(values.notna().sum())})
                continue
            mean = mean_ci(values, w, ci).iloc[0]
            top = top_box(values, high, boxes, w, ci, scale_min=low).iloc[0]
            bottom = bottom_box(values, low, boxes, w, ci, scale_max=high).iloc[0]
            rows.append(
                row
                | {
                    "n": int(mean["n"]),
                    "n_eff": mean["n_eff"],
                    "mean": mean["estimate"],
                    "se": mean["se"],
                    "ci_low": mean["ci_low"],
                    "ci_high": mean["ci_high"],
                    "top_box": top["estimate"],
                    "top_box_ci_low": top["ci_low"],
                    "top_box_ci_high": top["ci_high"],
                    "bottom_box": bottom["estimate"],
                    "bottom_box_ci_low": bottom["ci_low"],
                    "bottom_box_ci_high": bottom["ci_high"],
                }
                | _users_nps(data, values, w, ci)
            )
    return pd.DataFrame(rows)


def _users_nps(data: SurveyData, values: pd.Series, weights: pd.Series, ci: float) -> dict[str, Any]:
    """NPS (-100..100) of the respondents who rated the row (its users), when the survey has NPS."""
    item = nps_item(data)
    if not item:
        return {}
    users = values.notna()
    answers = data.responses.loc[users[users].index, item]
    if answers.notna().sum() < 2:
        return {"nps_n": int(answers.notna().sum())}
    result = nps(answers, weights.loc[answers.index], ci).iloc[0]
    return {
        "nps": result["nps"],
        "nps_ci_low": result["ci_low"],
        "nps_ci_high": result["ci_high"],
        "nps_n": int(result["n"]),
    }


def outcome_summary(
    data: SurveyData, by: str | list[str] | None = None, weighted: bool = True, ci: float = CI
) -> pd.DataFrame:
    """Study-level outcomes per wave (and segment): NPS, CSAT, overall mean and CES.

    One row per group and metric: ``metric`` is ``nps`` (-100..100), ``csat`` (percent
    satisfied with the overall-satisfaction item, 0..100: its top box by :func:`box_rule`),
    ``overall_mean`` (its mean on the item's scale) or ``ces`` (mean of the effort item, scale
    as declared in study.yml). A metric appears only when study.yml declares its item under
    ``survey.outcomes``; NPS only when the declared item is on a 0-10 scale
    (:func:`nps_item`). The result may have no rows.

    Parameters
    ----------
    data : SurveyData
        The survey whose declared outcomes are summarised.
    by : str or list of str, optional
        Segment columns to group by (besides the wave).
    weighted : bool
        Apply the declared survey weights.
    ci : float
        Confidence level.

    Returns
    -------
    DataFrame
        ``[wave], [by...], metric, estimate, se, ci_low, ci_high, n, n_eff``.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> summary = outcome_summary(load_survey("sample"))
    >>> sorted(summary["metric"].unique())
    ['ces', 'csat', 'nps', 'overall_mean']
    """
    by = [] if by is None else [by] if isinstance(by, str) else list(by)
    groups = (["wave"] if len(data.waves) > 1 and "wave" not in by else []) + by
    weight = data.responses["weight"] if weighted else pd.Series(1.0, index=data.responses.index)
    items = data.items.set_index("item")
    keys = data.responses[groups] if groups else pd.DataFrame(index=data.responses.index)
    grouped = _groups(keys, groups)
    rows = []
    for key, index in grouped:
        label = dict(zip(groups, key, strict=True))
        w = weight.loc[index]
        results = {}
        if nps_item(data):
            results["nps"] = nps(data.responses.loc[index, nps_item(data)], w, ci).rename(
                columns={"nps": "estimate"}
            )
        if data.outcome.get("overall"):
            item = data.outcome["overall"]
            values = data.responses.loc[index, item]
            low, high = int(items.loc[item, "scale_min"]), int(items.loc[item, "scale_max"])
            results["csat"] = csat(values, high, int(box_rule(low, high)["boxes"]), w, ci, scale_min=low)
            results["overall_mean"] = mean_ci(values, w, ci)
        if data.outcome.get("ces"):
            item = data.outcome["ces"]
            results["ces"] = ces(
                data.responses.loc[index, item],
                int(items.loc[item, "scale_min"]),
                int(items.loc[item, "scale_max"]),
                w,
                ci,
            )
        for metric, frame in results.items():
            first = frame.iloc[0]
            rows.append(
                label
                | {
                    "metric": metric,
                    "estimate": first["estimate"],
                    "se": first["se"],
                    "ci_low": first["ci_low"],
                    "ci_high": first["ci_high"],
                    "n": int(first["n"]),
                    "n_eff": first["n_eff"],
                }
            )
    columns = [*groups, "metric", "estimate", "se", "ci_low", "ci_high", "n", "n_eff"]
    return pd.DataFrame(rows, columns=columns)


def nps_item(data: SurveyData) -> str | None:
    """The item NPS is computed from, or None.

    The declared ``survey.outcomes.nps`` item if it is on a 0-10 scale, else None (NPS is
    defined on the 0-10 likelihood-to-recommend question only).

    Parameters
    ----------
    data : SurveyData
        A loaded survey.

    Returns
    -------
    str or None
        The item id.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> nps_item(load_survey("sample", "before"))
    'recommend'
    """
    item = data.outcome.get("nps")
    if not item:
        return None
    row = data.items.set_index("item").loc[item]
    return item if (int(row["scale_min"]), int(row["scale_max"])) == (0, 10) else None


def resolve_outcome(data: SurveyData, outcome: str = "") -> str | None:
    """The item id of a report's outcome.

    ``outcome`` is empty (then the declared ``survey.outcomes``: ``overall``, else ``nps``),
    a key of ``survey.outcomes`` with a declared item, or an item id. None when it is empty and
    the study declares no outcome.

    Parameters
    ----------
    data : SurveyData
        The survey.
    outcome : str
        Empty, a ``survey.outcomes`` key or an item id.

    Returns
    -------
    str or None
        The outcome item.

    Raises
    ------
    DataError
        For a name that is neither a declared outcome nor an item.

    Examples
    --------
    >>> from research.survey.data import load_survey
    >>> data = load_survey("sample", "before")
    >>> resolve_outcome(data), resolve_outcome(data, "nps"), resolve_outcome(data, "effort")
    ('overall_sat', 'recommend', 'effort')
    """
    if not outcome:
        return next((data.outcome[k] for k in ("overall", "nps") if data.outcome.get(k)), None)
    if data.outcome.get(outcome):
        return data.outcome[outcome]
    if outcome in set(data.items["item"]):
        return outcome
    declared = [k for k, v in data.outcome.items() if v]
    raise DataError(
        "Unknown outcome",
        column="outcome",
        value=outcome,
        hint=f"Use a declared outcome {declared} (survey.outcomes) or an item id: "
        f"{data.items['item'].tolist()[:30]}; or leave it empty.",
    )


def touchpoint_drivers(
    data: SurveyData,
    outcome: str = "",
    *,
    weighted: bool = True,
    missing: Missing = "pairwise",
    n_boot: int = 1000,
    ci: float = CI,
    seed: int = SEED,
) -> DriverResult:
    """Key drivers of a survey outcome among its row scores (touchpoints, attribute groups, items).

    ``outcome`` is resolved by :func:`resolve_outcome` (empty: the declared overall
    satisfaction, else the NPS item). The drivers are the row scores
    (:meth:`SurveyData.touchpoint_scores`). When the outcome item also belongs to a row (a
    touchpoint's item, or an item chosen as outcome that is its own row), it is left out of that
    row's score (a row left empty is no driver) and ``notes`` says so: an outcome predicting
    itself would inflate R². Pairwise deletion is the default because respondents rate only
    the touchpoints they used; the regression coefficients in ``coefficients`` always use the
    complete cases.

    Parameters
    ----------
    data : SurveyData
        The survey.
    outcome : str
        As :func:`resolve_outcome` takes it.
    weighted : bool
        Use the declared survey weights.
    missing : {"listwise", "pairwise"}
        Deletion of missing row scores.
    n_boot : int
        Bootstrap resamples of the relative weights (0: none).
    ci : float
        Confidence level of the intervals.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DriverResult
        With ``outcome`` the item id and ``notes``.

    Raises
    ------
    NotApplicable
        No outcome (none declared, none given), or fewer than two drivers.

    Examples
    --------
    >>> from research.survey.data import load_survey
    >>> kda = touchpoint_drivers(load_survey("sample", "before"), n_boot=0)
    >>> kda.ranking()[0] in {"hotline", "bill"}
    True
    """
    item = resolve_outcome(data, outcome)
    if item is None:
        raise NotApplicable(
            "The survey declares no outcome item, so there is no key-driver analysis.",
            "Declare one under survey.outcomes (overall: <item>) in study.yml or set the "
            "outcome parameter to an item id.",
            missing_zh="问卷未声明结果题目，因此没有关键驱动因素分析。",
            remedy_zh="在 study.yml 的 survey.outcomes 下声明一个（overall: <题目>），"
            "或将 outcome 参数设为题目编号。",
        )
    notes = []
    owner = data.items.set_index("item")["group"].get(item) if "group" in data.items.columns else None
    if owner is not None and not pd.isna(owner):
        alone = data.touchpoint_items(owner) == [item]
        notes.append(
            f"The outcome {item} is itself the row {owner}; it is not used as a driver."
            if alone
            else f"The outcome {item} is one of the items of {owner}; it is left out of {owner}'s score "
            "in the driver analysis (an outcome cannot explain itself)."
        )
    scores = data.touchpoint_scores(exclude=[item])
    usable = [c for c in scores.columns if scores[c].notna().sum() >= 3 and scores[c].std() > 0]
    if len(usable) < 2:
        raise NotApplicable(
            f"Key-driver analysis needs at least two drivers (touchpoints or items besides the outcome "
            f"{item}); this survey has {len(usable)}.",
            "Add items for more touchpoints or attributes to compare their importance.",
            missing_zh=f"关键驱动因素分析需要至少两个驱动因素（结果 {item} 以外的触点或题目）；"
            f"本问卷只有 {len(usable)} 个。",
            remedy_zh="为更多触点或属性加入题目，即可比较其重要性。",
        )
    scores = scores[usable]
    frame = scores.assign(
        **{
            "__outcome__": data.responses[item].to_numpy(),
            "__weight__": data.responses["weight"].to_numpy() if weighted else 1.0,
        }
    )
    result = key_drivers(
        frame,
        "__outcome__",
        list(scores.columns),
        weights="__weight__",
        missing=missing,
        n_boot=n_boot,
        ci=ci,
        seed=seed,
    )
    result.outcome = item
    result.notes = notes
    return result


def segment_labels(study: Study, segment: str, language: str | None = None) -> dict[str, str]:
    """Display names of a segment's codes in ``language``, from study.yml's ``survey.segments``.

    Parameters
    ----------
    study : Study
        The study declaring ``survey.segments``.
    segment : str
        The segment column.
    language : {"zh", "en"}, optional
        ``None``: the report's language.

    Returns
    -------
    dict
        Code -> label (codes without a label are absent).

    Examples
    --------
    >>> from research import load_study
    >>> segment_labels(load_study("sample"), "region", "zh")["east"]
    '华东'
    """
    language = resolve_language(language)
    names = study.section("survey").get("segments", {}).get(segment, {})
    return {code: labels.get(language, code) for code, labels in names.items()}


def compare_segments(
    data: SurveyData,
    study: Study,
    dv: str,
    segment: str,
    *,
    test: Literal["means", "ranks", "proportions"] = "means",
    success: Any = True,
    padjust: PAdjust = "holm",
    alpha: float = ALPHA,
    language: str | None = None,
    ci: float = CI,
    min_n: int = 5,
) -> ComparisonResult:
    """Compare an item or a touchpoint's score across the categories of a survey segment.

    ``dv`` is an item id (a column of ``data.responses``, e.g. ``"overall_sat"``) or a
    touchpoint id (its score from :meth:`SurveyData.touchpoint_scores`). Segment codes and the
    score are labelled in ``language`` (``None``: the report's language) from study.yml, so the
    ``reading`` column can go straight into a report. Unweighted tests (see module notes).
    Segment levels with fewer than ``min_n`` answers are left out of the comparison and named
    in ``notes``.

    Parameters
    ----------
    data : SurveyData
        The survey.
    study : Study
        Its study (for the labels of segments and touchpoints).
    dv : str
        An item id or a row (touchpoint) id.
    segment : str
        A segment column of ``data.responses``.
    test : {"means", "ranks", "proportions"}
        Welch ANOVA, Kruskal-Wallis or chi-square (see :mod:`research.survey.compare`).
    success : value
        The answer counted as a success (``test="proportions"``).
    padjust : {"holm", "fdr", "bonferroni", "none"}
        Multiple-comparison correction of the pairwise p-values.
    alpha : float
        Significance level for ``significant``.
    language : {"en", "zh"}, optional
        Language of the labels and readings (``None``: the report's language).
    ci : float
        Confidence level of the pairwise intervals.
    min_n : int
        Segment levels with fewer answers are left out.

    Returns
    -------
    ComparisonResult
        As the test's function returns it, with ``notes``.

    Raises
    ------
    NotApplicable
        No segment named (``segment`` empty), no outcome (``dv`` empty), or fewer than two
        levels with ``min_n`` answers.

    Examples
    --------
    >>> from research import load_study
    >>> from research.survey.data import load_survey
    >>> study = load_study("sample")
    >>> result = compare_segments(load_survey(study, "before"), study, "hotline", "tier")
    >>> result.omnibus.loc[0, "k"]
    np.int64(3)
    """
    language = resolve_language(language)
    if not segment:
        raise NotApplicable(
            "No segment was chosen, so segments are not compared.",
            "Set the segment parameter to a column of the survey (e.g. an age group or "
            "customer type) to compare them.",
            missing_zh="未选择分群，因此不比较分群。",
            remedy_zh="将 segment 参数设为问卷中的一列（如年龄段或客户类型）即可比较。",
        )
    if not dv:
        raise NotApplicable(
            "The survey declares no outcome item to compare across segments.",
            "Declare one under survey.outcomes or set the outcome parameter.",
            missing_zh="问卷未声明可在分群间比较的结果题目。",
            remedy_zh="在 survey.outcomes 下声明一个，或设置 outcome 参数。",
        )
    if segment not in data.responses.columns:
        raise DataError("Unknown segment column", column=segment, hint=f"Segments: {data.segments}.")
    if dv in data.responses.columns:
        values = data.responses[dv]
        labelled = data.items.set_index("item")
        dv_label = (
            str(labelled.loc[dv, f"label_{language}"])
            if dv in labelled.index and f"label_{language}" in labelled.columns
            else dv
        )
    elif dv in data.touchpoints:
        values = data.touchpoint_scores()[dv]
        name = study.touchpoint_label(dv, language)
        dv_label = say("survey", "compare_satisfaction", language, name=name)
    else:
        raise DataError(
            "Unknown item or touchpoint to compare",
            value=dv,
            hint=f"Use an item column or one of the touchpoints {data.touchpoints}.",
        )
    group_labels = segment_labels(study, segment, language)
    frame = pd.DataFrame({dv: values, segment: data.responses[segment]}).dropna()
    counts = frame[segment].value_counts()
    small = [str(level) for level, n in counts.items() if n < min_n]
    notes = []
    if small:
        shown = ", ".join(f"{group_labels.get(level, level)} (n = {counts[level]})" for level in small)
        notes.append(f"Left out of the {segment} comparison, fewer than {min_n} answers: {shown}.")
        frame = frame[~frame[segment].astype(str).isin(small)]
    if frame[segment].nunique() < 2:
        raise NotApplicable(
            f"The segment {segment} has fewer than two levels with at least {min_n} answers, so there is "
            "nothing to compare." + (" " + notes[0] if notes else ""),
            "Choose a segment with two or more well-filled levels.",
            missing_zh=f"分群 {segment} 中至少有 {min_n} 个回答的组别少于两个，无可比较。",
            remedy_zh="请选择有两个或以上样本充足组别的分群。",
        )
    common: dict[str, Any] = {
        "padjust": padjust,
        "alpha": alpha,
        "language": language,
        "dv_label": dv_label,
        "group_labels": group_labels,
    }
    if test == "means":
        result = compare_means(frame, dv, segment, ci=ci, **common)
    elif test == "ranks":
        result = compare_ranks(frame, dv, segment, **common)
    elif test == "proportions":
        result = compare_proportions(frame, dv, segment, success=success, ci=ci, **common)
    else:
        raise DataError("Unknown comparison test", value=test, hint="Use 'means', 'ranks' or 'proportions'.")
    result.notes = notes
    return result


def reliability(data: SurveyData, ci: float = CI) -> ReliabilityResult:
    """Reliability of every touchpoint scale of a survey (one scale: :func:`item_reliability`).

    Parameters
    ----------
    data : SurveyData
        A survey: one scale per touchpoint with at least two items (reverse-keyed items are
        already reversed by :func:`load_survey`).
    ci : float
        Confidence level of alpha's interval.

    Returns
    -------
    ReliabilityResult
        ``scales`` (one row per scale: raw alpha with CI, standardised alpha, omega, n),
        ``items`` (loading, corrected item-total correlation, alpha if deleted) and ``notes``
        (rows of a survey that were not assessed: one item, too few complete answers, an item
        without variance).

    Raises
    ------
    NotApplicable
        For a survey in which no row has two or more items with enough complete answers.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> result = reliability(load_survey("sample", "before"))
    >>> bool(result.summary().set_index("scale").loc["hotline", "alpha"] > 0.7)
    True
    """
    summaries: list[pd.DataFrame] = []
    items: list[pd.DataFrame] = []
    notes: list[str] = []
    single = [row for row in data.touchpoints if len(data.touchpoint_items(row)) < 2]
    if single:
        notes.append(f"One item only, no reliability: {', '.join(map(str, single))}.")
    for name in data.touchpoints:
        if name in single:
            continue
        try:
            scale = item_reliability(data.responses[data.touchpoint_items(name)], ci, name=name)
        except DataError as problem:  # too few complete answers, or an item without variance
            notes.append(f"{name}: {problem.message.lower()}.")
            continue
        summaries.append(scale.scales)
        items.append(scale.items)
    if not summaries:
        raise NotApplicable(
            "Reliability needs a touchpoint (or attribute) measured by at least two items answered "
            "together; " + (" ".join(notes) if notes else "there is none."),
            "Give several items the same touchpoint or attribute in study.yml to assess them as a scale.",
            missing_zh="信度分析需要至少由两个一起作答的题目测量的触点（或属性）；本问卷没有。",
            remedy_zh="在 study.yml 中为多个题目设置相同的触点或属性，即可作为量表评估。",
        )
    return ReliabilityResult(
        scales=pd.concat(summaries, ignore_index=True), items=pd.concat(items, ignore_index=True), notes=notes
    )
