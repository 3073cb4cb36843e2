"""Scale-dependent wording of the survey report: what a score, a top box and each outcome mean.

Notebook 20 shows these sentences instead of hard-coding "(1-5)" or "answering 4 or 5": the
scales, top-box answers (:func:`research.survey.metrics.box_rule`) and outcome items come from
the study's declaration, so the text is right for 0-10, 1-5, 1-7, 1-10 or 0-100 data alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from research.errors import NotApplicable
from research.survey.analysis import nps_item, outcome_summary
from research.survey.data import SurveyData
from research.survey.metrics import box_text
from research.wording import resolve_language

if TYPE_CHECKING:
    from research.survey.drivers import DriverResult


def _t(language: str, zh: str, en: str) -> str:
    return zh if language == "zh" else en


def _span(low: float, high: float) -> str:
    return f"{low:g}-{high:g}"


def item_label(data: SurveyData, item: str, language: str) -> str:
    """The label of *item* in *language* (the other language, or the id, when missing).

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

    Examples
    --------
    >>> from research.survey import load_survey
    >>> box_rules(load_survey("sample", "before"))
    '4-5 on 1-5'
    """
    language = resolve_language(language)
    ranges = dict.fromkeys(data.row_range(r) for r in (data.touchpoints if rows is None else rows))
    parts = [
        f"{box_text(low, high).top} {_t(language, '分（量表', 'on')} {_span(low, high)}"
        + _t(language, "）", "")
        for low, high in ranges
    ]
    return _t(language, "；", "; ").join(parts)


def scales_text(data: SurveyData) -> str:
    """The answer scales of the report rows, e.g. ``"1-5"`` or ``"0-10 and 1-5"``.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> scales_text(load_survey("sample", "before"))
    '1-5'
    """
    ranges = dict.fromkeys(data.row_range(r) for r in data.touchpoints)
    return " and ".join(_span(low, high) for low, high in ranges)


def scorecard_text(data: SurveyData, language: str | None = None, ci: float = 0.95) -> str:
    """The sentence under the scorecard: scale, interval, top/bottom box, rows.

    Examples
    --------
    >>> from research.survey import load_survey
    >>> print(scorecard_text(load_survey("sample", "before")))  # doctest: +NORMALIZE_WHITESPACE
    Mean of each row's items on its answer scale (1-5) with a 95% CI; top_box is the share
    (0..1) of respondents whose score is in the top box (4-5 on 1-5), bottom_box in the bottom
    box; Wilson intervals on the effective sample size n_eff. Rows are the touchpoints rated by
    the items; items without a touchpoint are grouped by attribute (one item = one row).
    """
    language = resolve_language(language)
    ranges = dict.fromkeys(data.row_range(r) for r in data.touchpoints)
    bottoms = "; ".join(f"{box_text(lo, hi).bottom} on {_span(lo, hi)}" for lo, hi in ranges)
    if language == "zh":
        return (
            f"每行（触点或题项）得分为其题项的平均值（量表 {scales_text(data)}），附 {ci:.0%} 置信区间；"
            f"top_box 为得分落在最高档（{box_rules(data, language='zh')}）的受访者比例（0..1），"
            f"bottom_box 为最低档（{bottoms}）的比例；Wilson 区间基于有效样本量 n_eff。"
            "没有触点的题项按属性归组（单个题项自成一行）。"
        )
    return (
        f"Mean of each row's items on its answer scale ({scales_text(data)}) with a {ci:.0%} CI; "
        f"top_box is the share (0..1) of respondents whose score is in the top box "
        f"({box_rules(data)}), bottom_box in the bottom box; Wilson intervals on the effective "
        "sample size n_eff. Rows are the touchpoints rated by the items; items without a touchpoint "
        "are grouped by attribute (one item = one row)."
    )


def outcomes_text(data: SurveyData, language: str | None = None) -> str:
    """What NPS, CSAT and CES mean for this survey's declared outcome items (only those declared).

    Examples
    --------
    >>> from research.survey import load_survey
    >>> print(outcomes_text(load_survey("sample", "before")).split("; ")[1])
    CSAT = percent of respondents answering 4-5 on Overall satisfaction (1-5), 0..100
    """
    language = resolve_language(language)
    parts = []
    if nps_item(data):
        label = item_label(data, nps_item(data), language)
        parts.append(
            _t(
                language,
                f"NPS 取值 −100..100（{label}：9–10 分推荐者比例减 0–6 分贬损者比例）",
                f"NPS on −100..100 (promoters 9-10 minus detractors 0-6 on {label})",
            )
        )
    if data.outcome.get("overall"):
        item = data.outcome["overall"]
        low, high = _item_scale(data, item)
        top = box_text(low, high).top
        label = item_label(data, item, language)
        parts.append(
            _t(
                language,
                f"CSAT = {label}（{_span(low, high)}）回答 {top} 分的受访者百分比（0..100）",
                f"CSAT = percent of respondents answering {top} on {label} ({_span(low, high)}), 0..100",
            )
        )
    if data.outcome.get("ces"):
        item = data.outcome["ces"]
        label = item_label(data, item, language)
        span = _span(*_item_scale(data, item))
        parts.append(
            _t(
                language,
                f"CES = {label} 的平均分（{span}，方向取决于题目措辞）",
                f"CES = mean of {label} ({span}; its direction follows the wording of the question)",
            )
        )
    return _t(language, "；", "; ").join(parts) + _t(language, "。", ".")


def outcome_notes(data: SurveyData) -> list[str]:
    """Sentences for the study-level outcomes that are not shown, and why.

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


def study_outcomes(data: SurveyData, *, weighted: bool = True, ci: float = 0.95) -> pd.DataFrame:
    """:func:`research.survey.outcome_summary` for a report section.

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

    Examples
    --------
    >>> from research.survey import load_survey
    >>> data = load_survey("sample", "before")
    >>> performance_label(data, data.touchpoints)
    'Performance: mean score (1-5)'
    """
    language = resolve_language(language)
    ranges = {data.row_range(r) for r in rows}
    if len(ranges) == 1:
        span = _span(*ranges.pop())
        return _t(language, f"表现：平均得分（{span} 分）", f"Performance: mean score ({span})")
    return _t(
        language,
        "表现：得分占量表满分的百分比（POMP，0-100）",
        "Performance: percent of the scale maximum (POMP, 0-100)",
    )


def show_notes(notes: list[str], section: str = "") -> None:
    """Show each note in the report (see :func:`research.reports.show_note`).

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
    from research.survey.importance_performance import ipa

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
