"""The words of the interview-coding report (notebook 10) in Chinese and English.

Headings and explanations of each section (:func:`explain`) and the at-a-glance summary built
from the report's results (:func:`at_a_glance`) come from here, in the run's language, so a
Chinese report reads in Chinese throughout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from research.reports.sections import prose, read_words, sentence
from research.wording import Prose, words_file

#: The sentence tables: ``sections`` (heading and explanation per section and language) and
#: ``sentences`` (of the at-a-glance summary).
WORDS = words_file("coding")

_LIST_SEPARATOR = {"zh": "、", "en": ", "}


def explain(section: str, language: str) -> Prose:
    """Heading and explanation of a section of the coding report in *language*.

    Examples
    --------
    >>> explain("ranking", "zh").heading
    '痛点排序'
    >>> explain("ranking", "en").anchor
    'ranking'
    """
    return prose(read_words(WORDS)["sections"], section, language)


def say(key: str, language: str, **values: Any) -> str:
    """The sentence *key* of the coding report in *language*, filled with *values*.

    Examples
    --------
    >>> say("method_supervised", "zh", folds=5)
    '用这些标签训练的模型（5 折交叉验证）'
    """
    return sentence(read_words(WORDS)["sentences"], key, language, **values)


def at_a_glance(
    results: Mapping[str, Any], language: str, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a coding report, from its ``results.json`` figures.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`research.coding.coding_results`).
    language : str
        ``"zh"`` or ``"en"``.
    labels : mapping, optional
        Names of codes and touchpoints in *language*, by id (ids are shown without them).

    Examples
    --------
    >>> results = {"n_transcripts": 10, "n_units": 80, "reference_coder": "A",
    ...            "top_pain_points": ["wait"], "respondents": {"wait": 6}}
    >>> for line in at_a_glance(results, "en", {"wait": "Long waits"}):
    ...     print(line)
    10 transcripts (80 coding units) were analysed, using coder A's coding.
    The top pain points: Long waits (mentioned by 60% of respondents).
    >>> at_a_glance(results, "zh", {"wait": "等待久"})[1]
    '最突出的痛点：等待久（60% 的受访者提及）。'
    """
    names = labels or {}
    join = _LIST_SEPARATOR.get(language, ", ").join

    def tell(key: str, **values: Any) -> str:
        return say(key, language, **values)

    n = int(results.get("n_transcripts") or 0)
    coder = results.get("reference_coder")
    coding = tell("coder", coder=coder) if coder else tell("auto")
    lines = [tell("texts", n=n, units=int(results.get("n_units") or 0), coding=coding)]
    pains = list(results.get("top_pain_points") or [])[:3]
    if pains:
        reach = results.get("respondents") or {}
        items = [
            tell("pain_item", name=names.get(code, code), share=(reach.get(code, 0) / n) if n else 0.0)
            for code in pains
        ]
        lines.append(tell("pains", items=join(items)))
    else:
        lines.append(tell("no_pains"))
    touchpoints = list(results.get("top_pain_touchpoints") or [])[:3]
    if touchpoints:
        lines.append(tell("touchpoints", items=join(names.get(t, t) for t in touchpoints)))
    agreement = results.get("agreement")
    if agreement and agreement.get("cohen_kappa") is not None:
        coders = join(agreement.get("coders", []))
        lines.append(tell("agreement", coders=coders, kappa=agreement["cohen_kappa"]))
    autocode = results.get("autocode")
    if autocode and autocode.get("precision") is not None:
        lines.append(tell("autocode", precision=autocode["precision"], recall=autocode["recall"]))
    return lines[:5]


def names(data: Any, language: str) -> dict[str, str]:
    """Names of codes and touchpoints of a coding report in *language*, by id (for :func:`at_a_glance`).

    Examples
    --------
    >>> from research.coding import load_coding_data
    >>> from research.study import load_study
    >>> names(load_coding_data(load_study("sample")), "en")["hotline"]  # doctest: +SKIP
    'Hotline'
    """
    labels = {code.id: code.label(language) for code in data.codebook.codes}
    labels.update({t.id: data.study.touchpoint_label(t.id, language) for t in data.study.touchpoints})
    return labels
