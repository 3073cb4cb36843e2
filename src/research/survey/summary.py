"""The plain-language summary at the top of a survey report: the key figures in sentences."""

from __future__ import annotations

import pandas as pd

from research.study import Study


def plain_summary(
    *,
    n: int,
    wave: str,
    weighted: bool,
    outcomes: pd.DataFrame,
    drivers: pd.DataFrame,
    quadrants: pd.DataFrame,
    pairwise: pd.DataFrame,
    segment: str,
    study: Study,
    language: str,
    ci: float = 0.95,
) -> list[str]:
    """Five sentences: sample, NPS/CSAT, top drivers, where to concentrate, segment differences.

    Parameters
    ----------
    n : int
        Respondents in the wave.
    wave : str
    weighted : bool
    outcomes : DataFrame
        :func:`research.survey.outcome_summary` (rows ``metric`` nps and csat).
    drivers : DataFrame
        ``DriverAnalysis.table`` (``driver``, ``rescaled_weight``, ranked).
    quadrants : DataFrame
        :func:`research.survey.ipa` (``item``, ``quadrant``).
    pairwise : DataFrame
        ``Comparison.pairwise`` with ``significant`` and ``reading``.
    segment : str
        The segment variable compared.
    study : Study
        For touchpoint labels.
    language : {"zh", "en"}
    ci : float
        Confidence level of the intervals in *outcomes* (for the wording).

    Examples
    --------
    >>> from research import load_study
    >>> outcomes = pd.DataFrame({"metric": ["nps", "csat"], "estimate": [-8.3, 56.9],
    ...                          "ci_low": [-12.9, 54.0], "ci_high": [-3.7, 59.7]})
    >>> drivers = pd.DataFrame({"driver": ["bill", "hotline"], "rescaled_weight": [21.2, 20.7]})
    >>> quadrants = pd.DataFrame({"item": ["hotline"], "quadrant": ["concentrate_here"]})
    >>> pairs = pd.DataFrame({"significant": [False], "reading": ["-"]})
    >>> lines = plain_summary(n=1500, wave="before", weighted=True, outcomes=outcomes, drivers=drivers,
    ...                       quadrants=quadrants, pairwise=pairs, segment="tier",
    ...                       study=load_study("sample"), language="en")
    >>> print(lines[2])
    Top drivers: Bill (21%), Service hotline (21%).
    """
    label = {t.id: t.name.get(language) for t in study.touchpoints}
    metric = outcomes.set_index("metric")
    nps, csat = metric.loc["nps"], metric.loc["csat"]
    level = f"{ci:.0%}"
    top = list(zip(drivers["driver"].head(3), drivers["rescaled_weight"].head(3), strict=True))
    focus = [label.get(i, i) for i in quadrants.loc[quadrants["quadrant"] == "concentrate_here", "item"]]
    significant = pairwise.loc[pairwise["significant"].astype(bool), "reading"].tolist()
    example = (" " + significant[0]) if significant else ""
    if language == "zh":
        top_text = "、".join(f"{label.get(d, d)}（{w:.0f}%）" for d, w in top)
        return [
            f"样本 {n} 人（{wave} 波次，{'已加权' if weighted else '未加权'}）。",
            f"NPS = {nps.estimate:.1f}（{level} CI {nps.ci_low:.1f} 至 {nps.ci_high:.1f}）；"
            f"CSAT = {csat.estimate:.1f}%（{csat.ci_low:.1f}–{csat.ci_high:.1f}）。",
            f"最重要的驱动因素：{top_text}。",
            "重点改进（重要但表现偏低）：" + ("、".join(focus) or "无") + "。",
            f"按分群变量 {segment} 比较总体满意度：{len(significant)} 组差异显著。{example}",
        ]
    top_text = ", ".join(f"{label.get(d, d)} ({w:.0f}%)" for d, w in top)
    return [
        f"{n} respondents (wave {wave}, {'weighted' if weighted else 'unweighted'}).",
        f"NPS = {nps.estimate:.1f} ({level} CI {nps.ci_low:.1f} to {nps.ci_high:.1f}); "
        f"CSAT = {csat.estimate:.1f}% ({csat.ci_low:.1f} to {csat.ci_high:.1f}).",
        f"Top drivers: {top_text}.",
        "Concentrate here (important, below-average performance): " + (", ".join(focus) or "none") + ".",
        f"Overall satisfaction by {segment}: {len(significant)} significant pair(s).{example}",
    ]
