"""Scale-dependent wording of the survey report: what a score, a top box and each outcome mean.

Notebook 20 shows these sentences instead of hard-coding "(1-5)" or "answering 4 or 5": the
scales, top-box answers (:func:`research.survey.metrics.box_rule`) and outcome items come from
the study's declaration, so the text is right for 0-10, 1-5, 1-7, 1-10 or 0-100 data alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from research.defaults import CI
from research.errors import NotApplicable
from research.survey.analysis import nps_item, outcome_summary
from research.survey.data import SurveyData
from research.survey.drivers import DriverResult
from research.survey.importance_performance import ipa
from research.survey.metrics import box_text
from research.wording import resolve_language, say


def _say(key: str, language: str | None, **values: Any) -> str:
    return say("survey", key, language, **values)


def _span(low: float, high: float) -> str:
    return f"{low:g}-{high:g}"


def item_label(data: SurveyData, item: str, language: str) -> str:
    """The label of *item* in *language* (the other language, or the id, when missing).

    Parameters
    ----------
    data : SurveyData
        The survey declaring the item.
    item : str
        An item id.
    language : {"zh", "en"}
        The label's language.

    Returns
    -------
    str
        The item's label.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> item_label(load_survey("sample", "before"), "recommend", "en")
    'Likelihood to recommend StarLink'
    """
    row = data.items.set_index("item").loc[item]
    other = "zh" if language == "en" else "en"
    for key in (f"label_{language}", f"label_{other}"):
        if isinstance(row.get(key), str) and row.get(key):
            return row[key]
    return str(item)


def _item_scale(data: SurveyData, item: str) -> tuple[int, int]:
    row = data.items.set_index("item").loc[item]
    return int(row["scale_min"]), int(row["scale_max"])


def box_rules(data: SurveyData, rows: list[str] | None = None, language: str | None = None) -> str:
    """The top-box answers of each scale of the report rows, e.g. ``"9-10 on 0-10"``.

    Parameters
    ----------
    data : SurveyData
        The survey.
    rows : list of str, optional
        Report rows (default: all).
    language : {"zh", "en"}, optional
        ``None``: the report's language.

    Returns
    -------
    str
        One rule per distinct scale.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> box_rules(load_survey("sample", "before"))
    '4-5 on 1-5'
    """
    ranges = dict.fromkeys(data.row_range(r) for r in (data.touchpoints if rows is None else rows))
    return _box_rules(ranges, language, bottom=False)


def _box_rules(ranges: Iterable[tuple[int, int]], language: str | None, *, bottom: bool) -> str:
    parts = [
        _say(
            "texts_box_rule",
            language,
            answers=box_text(low, high).bottom if bottom else box_text(low, high).top,
            scale=_span(low, high),
        )
        for low, high in ranges
    ]
    return _say("texts_separator", language).join(parts)


def scales_text(data: SurveyData) -> str:
    """The answer scales of the report rows, e.g. ``"1-5"`` or ``"0-10 and 1-5"``.

    Parameters
    ----------
    data : SurveyData
        Its report rows' scales are listed.

    Returns
    -------
    str
        The distinct scales.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> scales_text(load_survey("sample", "before"))
    '1-5'
    """
    ranges = dict.fromkeys(data.row_range(r) for r in data.touchpoints)
    return " and ".join(_span(low, high) for low, high in ranges)


def scorecard_text(data: SurveyData, language: str | None = None, ci: float = CI) -> str:
    """The sentence under the scorecard: scale, interval, top/bottom box, rows.

    Parameters
    ----------
    data : SurveyData
        The survey behind the scorecard.
    language : {"zh", "en"}, optional
        ``None``: the report's language.
    ci : float
        Confidence level the scorecard used.

    Returns
    -------
    str
        The sentence.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> print(scorecard_text(load_survey("sample", "before")))  # doctest: +NORMALIZE_WHITESPACE
    Mean of each row's items on its answer scale (1-5) with a 95% CI; top_box is the share
    (0..1) of respondents whose score is in the top box (4-5 on 1-5), bottom_box in the bottom
    box (1-2 on 1-5); Wilson intervals on the effective sample size n_eff. Rows are the touchpoints
    rated by the items; items without a touchpoint are grouped by attribute (one item = one row).
    """
    ranges = list(dict.fromkeys(data.row_range(r) for r in data.touchpoints))
    return _say(
        "texts_scorecard",
        language,
        scales=scales_text(data),
        ci=ci,
        tops=_box_rules(ranges, language, bottom=False),
        bottoms=_box_rules(ranges, language, bottom=True),
    )


def outcomes_text(data: SurveyData, language: str | None = None) -> str:
    """What NPS, CSAT and CES mean for this survey's declared outcome items (only those declared).

    Parameters
    ----------
    data : SurveyData
        The survey with its declared outcomes.
    language : {"zh", "en"}, optional
        Language of the sentence (``None``: the report's).

    Returns
    -------
    str
        One sentence.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> print(outcomes_text(load_survey("sample", "before")).split("; ")[1])
    CSAT = percent of respondents answering 4-5 on Overall satisfaction (1-5), 0..100
    """
    language = resolve_language(language)
    parts = []
    nps = nps_item(data)
    if nps:
        parts.append(_say("texts_nps", language, label=item_label(data, nps, language)))
    overall = data.outcome.get("overall")
    if overall:
        low, high = _item_scale(data, overall)
        label = item_label(data, overall, language)
        top = box_text(low, high).top
        parts.append(_say("texts_csat", language, label=label, scale=_span(low, high), top=top))
    ces = data.outcome.get("ces")
    if ces:
        scale = _span(*_item_scale(data, ces))
        parts.append(_say("texts_ces", language, label=item_label(data, ces, language), scale=scale))
    return _say("summary_outcomes", language, parts=_say("texts_separator", language).join(parts))


def outcome_notes(data: SurveyData) -> list[str]:
    """Sentences for the study-level outcomes that are not shown, and why.

    Parameters
    ----------
    data : SurveyData
        The survey.

    Returns
    -------
    list of str
        The notes (empty when every declared outcome is shown).

    Examples
    --------
    >>> from research.survey import load_survey
    >>> outcome_notes(load_survey("sample", "before"))
    []
    """
    notes = []
    declared = data.outcome.get("nps")
    if declared and not nps_item(data):
        low, high = _item_scale(data, declared)
        notes.append(
            f"NPS is not shown: the declared recommendation item {declared} is on "
            f"{_span(low, high)}, "
            "and NPS is defined on the 0-10 likelihood-to-recommend question only."
        )
    elif not declared:
        notes.append(
            "NPS is not shown: the survey declares no 0-10 likelihood-to-recommend item "
            "(survey.outcomes.nps in study.yml)."
        )
    return notes


def study_outcomes(data: SurveyData, *, weighted: bool = True, ci: float = CI) -> pd.DataFrame:
    """:func:`research.survey.outcome_summary` for a report section.

    Parameters
    ----------
    data : SurveyData
        The survey.
    weighted : bool
        Apply the study's survey weights.
    ci : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        As :func:`research.survey.outcome_summary`.

    Raises
    ------
    NotApplicable
        When study.yml declares no outcome item (overall satisfaction, 0-10 recommendation,
        effort).

    Examples
    --------
    >>> from research.survey import load_survey
    >>> study_outcomes(load_survey("sample", "before"))["metric"].tolist()
    ['nps', 'csat', 'overall_mean', 'ces']
    """
    table = outcome_summary(data, weighted=weighted, ci=ci)
    if table.empty:
        raise NotApplicable(
            "The survey declares no study-level outcome item, so NPS, CSAT and CES are not shown.",
            "Declare them under survey.outcomes (overall, nps on 0-10, ces) in study.yml.",
            missing_zh="问卷未声明研究层面的结果题目，因此不展示 NPS、CSAT 与 CES。",
            remedy_zh="在 study.yml 的 survey.outcomes 下声明（overall、0-10 的 nps、ces）。",
        )
    return table


def performance_label(data: SurveyData, rows: list[str], language: str | None = None) -> str:
    """Axis title of IPA performance: mean score on the rows' scale, or POMP when scales differ.

    Parameters
    ----------
    data : SurveyData
        The survey.
    rows : list of str
        The rows on the chart.
    language : {"zh", "en"}, optional
        Axis language (``None``: the report's).

    Returns
    -------
    str
        The axis title.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> data = load_survey("sample", "before")
    >>> performance_label(data, data.touchpoints)
    'Performance: mean score (1-5)'
    """
    ranges = {data.row_range(r) for r in rows}
    if len(ranges) == 1:
        return _say("texts_performance", language, scale=_span(*ranges.pop()))
    return _say("texts_performance_pomp", language)


def show_notes(notes: list[str], section: str = "") -> None:
    """Show each note in the report (see :func:`research.reports.show_note`).

    Parameters
    ----------
    notes : list of str
        The sentences.
    section : str
        The report section they belong to.

    Examples
    --------
    >>> show_notes(["A level was left out."], section="segments")  # doctest: +SKIP
    """
    from research.reports import show_note

    for note in notes:
        show_note(note, section=section)


def ipa_quadrants(
    drivers: DriverResult | None, card: pd.DataFrame, data: SurveyData, language: str | None = None
) -> pd.DataFrame:
    """IPA of the key-driver rows: importance against performance.

    Importance is the rescaled relative weight, performance the mean score (POMP 0-100 when
    the rows' scales differ).

    Parameters
    ----------
    drivers : DriverResult or None
        The key-driver analysis.
    card : DataFrame
        The scorecard (:func:`research.survey.scorecard`).
    data : SurveyData
        The survey (for the rows' scales).
    language : {"zh", "en"}, optional
        Quadrant labels' language (``None``: the report's).

    Returns
    -------
    DataFrame
        As :func:`research.survey.ipa`.

    Raises
    ------
    NotApplicable
        Without a driver analysis (``drivers`` None) or with fewer than two drivers.

    Examples
    --------
    >>> from research.survey import load_survey, scorecard, touchpoint_drivers
    >>> data = load_survey("sample", "before")
    >>> table = ipa_quadrants(touchpoint_drivers(data, n_boot=0), scorecard(data), data)
    >>> "concentrate_here" in set(table["quadrant"])
    True
    """
    language = resolve_language(language)
    if drivers is None or len(drivers.table) < 2:
        raise NotApplicable(
            "Importance-performance analysis needs the key-driver weights of at least two "
            "touchpoints, which this report does not have (see Key drivers).",
            missing_zh="重要性-表现分析需要至少两个触点的关键驱动因素权重，本报告没有（见关键驱动因素）。",
        )
    rows = drivers.table["driver"].tolist()
    perf = card.set_index("touchpoint").loc[rows]
    if len({data.row_range(r) for r in rows}) > 1:
        performance = 100 * (perf["mean"] - perf["scale_min"]) / (perf["scale_max"] - perf["scale_min"])
    else:
        performance = perf["mean"]
    importance = drivers.table.set_index("driver")["rescaled_weight"]
    return ipa(importance, performance.astype(float), language=language)
