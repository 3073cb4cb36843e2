"""The words of the feedback report (notebook 15) in Chinese and English.

Headings and explanations of each section (:func:`explain`), sentences the notebook shows
(:func:`say`, :func:`emerging_text`) and the at-a-glance summary built from the report's results
(:func:`at_a_glance`) come from ``prose.yml`` beside this module, in the run's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from research.reports.sections import prose, read_words, sentence
from research.wording import Prose, words_file

#: The sentence tables: ``sections`` (heading and explanation per section and language) and
#: ``sentences`` (shown lines and the at-a-glance summary).
WORDS = words_file("feedback")

_LIST_SEPARATOR = {"zh": "、", "en": ", "}


def explain(section: str, language: str) -> Prose:
    """Heading and explanation of a section of the feedback report in *language*.

    Examples
    --------
    >>> explain("detractors", "zh").heading
    '贬损者在说什么'
    """
    return prose(read_words(WORDS)["sections"], section, language)


def say(key: str, language: str, **values: Any) -> str:
    """The sentence *key* of the feedback report in *language*, filled with *values*.

    Examples
    --------
    >>> say("items", "zh", items=27000, written=26531, sources=4)
    '共 **27,000 条反馈**，其中 26,531 条有文本，来自 4 个来源。'
    """
    return sentence(read_words(WORDS)["sentences"], key, language, **values)


def emerging_text(
    emerging: Any, language: str, labels: Mapping[str, str] | None = None, alpha: float = 0.05
) -> str:
    """The method, windows and flagged codes of the emerging-issue test in *language*.

    Parameters
    ----------
    emerging : Emerging
        :func:`research.feedback.trends` (``table``, ``recent``, ``baseline``, ``flagged``, ``method``).
    language : str
    labels : mapping, optional
        Code names by id.
    alpha : float
        The false discovery rate the codes were flagged at.
    """
    names = labels or {}
    test = "fisher" if "Fisher" in emerging.method else "ztest"
    flagged = _LIST_SEPARATOR.get(language, ", ").join(names.get(c, c) for c in emerging.flagged)
    return say(
        "emerging",
        language,
        test=say(test, language),
        codes=len(emerging.table),
        alpha=alpha,
        recent_start=emerging.recent[0].date(),
        recent_end=emerging.recent[1].date(),
        baseline_start=emerging.baseline[0].date(),
        baseline_end=emerging.baseline[1].date(),
        flagged=flagged or say("none", language),
    )


def at_a_glance(
    results: Mapping[str, Any], language: str, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a feedback report, from its ``results.json`` figures.

    Items analysed with their negative and uncoded shares; the most important issues; what is
    emerging; what detractors mention more than promoters. Parts the report did not compute are
    left out.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`research.feedback.feedback_results`).
    language : str
        ``"zh"`` or ``"en"``.
    labels : mapping, optional
        Code names in *language*, by id.

    Examples
    --------
    >>> results = {"n_items": 120, "n_written": 100, "sources": ["app", "tickets"], "negative_share": 0.4,
    ...            "uncoded_share": 0.15, "importance": [{"code": "wait", "estimate": 0.2}],
    ...            "emerging": []}
    >>> for line in at_a_glance(results, "en", {"wait": "Long waits"}):
    ...     print(line)
    100 feedback items with a text were analysed (120 in all, from 2 source(s)); 40% carry negative \
sentiment and 15% are covered by no code.
    The most important issues (share × negativity): Long waits (20.0% of items).
    No issue is emerging in the recent window.
    """
    names = labels or {}
    join = _LIST_SEPARATOR.get(language, ", ").join

    def line(key: str, **values: Any) -> str:
        return say(key, language, **values)

    lines = [
        line(
            "sample",
            written=int(results.get("n_written") or 0),
            items=int(results.get("n_items") or 0),
            sources=len(results.get("sources") or []),
            negative=results.get("negative_share") or 0.0,
            uncoded=results.get("uncoded_share") or 0.0,
        )
    ]
    important = (results.get("importance") or [])[:3]
    if important:
        items = [
            line("share_item", name=names.get(row["code"], row["code"]), share=row["estimate"])
            for row in important
        ]
        lines.append(line("important", items=join(items)))
    if results.get("emerging") is not None:
        emerging = [names.get(c, c) for c in results["emerging"]]
        lines.append(line("emerging_found", items=join(emerging)) if emerging else line("emerging_none"))
    themes = results.get("detractor_themes") or []
    if themes:
        top = themes[0]
        lines.append(
            line(
                "detractor_theme",
                name=names.get(top["code"], top["code"]),
                detractors=top["share_detractors"],
                promoters=top["share_promoters"],
            )
        )
    return lines[:5]
