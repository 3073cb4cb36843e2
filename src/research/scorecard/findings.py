"""The most important findings of a study in plain language (zh or en), each with its source.

The findings open ``reports/index.html`` and the scorecard report: the touchpoints ranked first
by priority (what the survey, the interviews and the feedback say about each), the verdict of
every evaluated change, and any issue rising in customer feedback. Each finding names the
report run and the section that supports it (see :func:`research.reports.sections.section_anchor`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from research.scorecard.evidence import RunResults
from research.wording import join, resolve_language, say

#: Section of the scorecard report that shows the priority ranking.
PRIORITY_SECTION = "priority"

_ORDINAL_EN = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _percent(value: float) -> str:
    return f"{value:.0%}"


def priority_sentence(row: pd.Series, position: int, language: str | None = None) -> str:
    """One sentence on the touchpoint ranked *position* (1 = first), from its evidence only.

    Examples
    --------
    >>> row = pd.Series({"name": "Hotline", "stage_name": "After-sales", "importance": 0.28,
    ...                  "mean": 3.33, "scale_max": 5, "top_box": 0.3, "interview_reach": 0.83,
    ...                  "pain_codes": "Long waits, Rude agents"})
    >>> priority_sentence(row, 1, "en")
    'Hotline (After-sales) is the first place to act: it carries 28% of what drives satisfaction; \
customers rate it 3.33 of 5 (30% top-box); 83% of interviewees raised a pain point here, most \
often “Long waits”.'
    """
    language = resolve_language(language)

    def words(key: str, **values: Any) -> str:
        return say("scorecard", key, language, **values)

    def most_often(code: str) -> str:
        return words("most_often", code=code) if code else ""

    parts = []
    importance, mean = _number(row.get("importance")), _number(row.get("mean"))
    if importance is not None:
        parts.append(words("importance", share=_percent(importance)))
    if mean is not None:
        top = _number(row.get("top_box"))
        scale_max = _number(row.get("scale_max"))
        of = f"{scale_max:g}" if scale_max is not None else "?"
        boxed = words("top_box", share=_percent(top)) if top is not None else ""
        parts.append(words("rating", mean=f"{mean:.2f}", of=of, top_box=boxed))
    reach = _number(row.get("interview_reach"))
    codes = str(row.get("pain_codes") or "").split(", ")
    if reach is not None:
        parts.append(words("interview_pain", share=_percent(reach), most=most_often(codes[0])))
    negative, items = _number(row.get("feedback_negative_share")), _number(row.get("feedback_n"))
    if negative is not None and items is not None:
        complaint = str(row.get("feedback_codes") or "").split(", ")[0] if reach is None else ""
        parts.append(
            words(
                "feedback_negative",
                items=f"{items:,.0f}",
                share=_percent(negative),
                most=most_often(complaint),
            )
        )
    name, stage = row.get("name"), row.get("stage_name")
    where = words("where", stage=stage) if isinstance(stage, str) and stage else ""
    because = words("because", parts=words("clause_separator").join(parts)) if parts else ""
    if position == 1:
        return words("priority_first", name=name, where=where, because=because)
    ordinal = _ORDINAL_EN.get(position, position) if language == "en" else position
    return words("priority_ranked", name=name, where=where, ordinal=ordinal, because=because)


def verdict_sentence(verdict: dict[str, Any], name: str, language: str | None = None) -> str:
    """One sentence on an evaluated change (from :func:`research.scorecard.evaluation_verdict`).

    Examples
    --------
    >>> v = {"verdict": "improved", "intervention": "2025-07-07", "improved": 1, "n_kpis": 1,
    ...      "kpis": [("Wait", -89.1, "s", "improved")]}
    >>> verdict_sentence(v, "Hotline", "en")
    'The change at Hotline on 2025-07-07 worked: 1 of 1 KPIs improved (Wait -89.1 s).'
    """
    language = resolve_language(language)
    effects = [
        f"{label} {est:+.3g} {unit}".strip()
        for label, est, unit, _ in verdict["kpis"]
        if _number(est) is not None
    ]
    separator = say("scorecard", "clause_separator", language)
    detail = say("scorecard", "effects", language, effects=separator.join(effects)) if effects else ""
    when = verdict.get("intervention") or ""
    return say(
        "scorecard",
        "verdict_" + verdict["verdict"].replace(" ", "_"),
        language,
        name=name,
        when=say("scorecard", "when", language, date=when) if when else "",
        k=verdict["improved"],
        n=verdict["n_kpis"],
        effects=detail,
    )


def emerging_sentence(labels: list[str], language: str | None = None) -> str:
    """One sentence on codes rising in customer feedback.

    Examples
    --------
    >>> emerging_sentence(["App crashes"], "en")
    'A new issue is rising in customer feedback: “App crashes”.'
    """
    return say("scorecard", "emerging", language, codes=join((f"“{x}”" for x in labels), language))


def top_findings(
    data: pd.DataFrame,
    verdicts: list[dict[str, Any]],
    language: str | None = None,
    *,
    scorecard_run: str | None = None,
    feedback: RunResults | None = None,
    labels: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
    n: int = 5,
) -> list[dict[str, Any]]:
    """The *n* most important findings, each ``{"text", "run", "section", "touchpoint"}``.

    Order: the two touchpoints ranked first by priority, every evaluated change, the next
    touchpoints by priority, then issues rising in feedback; the first *n* are kept.

    Parameters
    ----------
    data : DataFrame
        The ranked touchpoints, from :func:`research.scorecard.priority_scores`.
    verdicts : list of dict
        From :func:`research.scorecard.evaluation_verdict`.
    language : {"zh", "en"}, optional
        Language of the sentences (default: the report's).
    scorecard_run : str, optional
        The scorecard's own run id (the priority findings link to its ``priority`` section).
    feedback : RunResults, optional
        The feedback run (its ``emerging`` codes).
    labels, names : dict, optional
        Code labels and touchpoint names in *language* (default: ids).

    Examples
    --------
    >>> ranked = pd.DataFrame({"touchpoint": ["a"], "name": ["A"], "rank": [1], "importance": [0.5]})
    >>> [f["text"] for f in top_findings(ranked, [], "en")]
    ['A is the first place to act: it carries 50% of what drives satisfaction.']
    """
    labels, names = labels or {}, names or {}
    language = resolve_language(language)
    scored = data[data["rank"].notna()]
    priority = [
        {
            "text": priority_sentence(row, position, language),
            "run": scorecard_run,
            "section": PRIORITY_SECTION,
            "touchpoint": row["touchpoint"],
        }
        for position, (_, row) in enumerate(scored.head(n).iterrows(), start=1)
    ]
    changes = [
        {
            "text": verdict_sentence(v, names.get(v["touchpoint"], v["touchpoint"]), language),
            "run": v["run"],
            "section": "verdicts",
            "touchpoint": v["touchpoint"],
        }
        for v in verdicts
    ]
    rising = []
    if feedback is not None and feedback.results.get("emerging"):
        codes = [labels.get(c, c) for c in feedback.results["emerging"]]
        rising.append(
            {
                "text": emerging_sentence(codes, language),
                "run": feedback.run_id,
                "section": "trends",
                "touchpoint": None,
            }
        )
    return (priority[:2] + changes + priority[2:] + rising)[:n]
