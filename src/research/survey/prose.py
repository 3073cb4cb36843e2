"""The words of the survey report (notebook 20) in Chinese and English.

Headings and explanations of each section (:func:`explain`), sentences the notebook prints
(:func:`say`) and the at-a-glance summary built from the report's results (:func:`at_a_glance`)
come from ``prose.yml`` beside this module, in the run's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from research.reports.sections import prose, read_words, sentence
from research.wording import Prose, words_file

#: The sentence tables: ``sections`` (heading and explanation per section and language) and
#: ``sentences`` (printed lines and the at-a-glance summary).
WORDS = words_file("survey")

_LIST_SEPARATOR = {"zh": "、", "en": ", "}


def explain(section: str, language: str) -> Prose:
    """Heading and explanation of a section of the survey report in *language*.

    Examples
    --------
    >>> explain("drivers", "zh").heading
    '关键驱动因素'
    """
    return prose(read_words(WORDS)["sections"], section, language)


def say(key: str, language: str, **values: Any) -> str:
    """The sentence *key* of the survey report in *language*, filled with *values*.

    Examples
    --------
    >>> say("r_squared", "zh", outcome="总体满意度", r2=0.5284)
    '结果指标：总体满意度；R² = 0.528'
    """
    return sentence(read_words(WORDS)["sentences"], key, language, **values)


def at_a_glance(
    results: Mapping[str, Any], language: str, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a survey report, from its ``results.json`` figures.

    Sample and weighting; NPS with its interval; the two lowest-scoring rows; the strongest
    drivers; the rows to improve first (important, below-average performance). Parts the report
    did not compute are left out.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`research.survey.report_results`).
    language : str
        ``"zh"`` or ``"en"``.
    labels : mapping, optional
        Display names of the rows, by id (:meth:`SurveyData.row_labels`).

    Examples
    --------
    >>> results = {"wave": "before", "n": 1500, "weighted": True,
    ...            "outcomes": {"nps": {"estimate": -8.3, "ci_low": -12.9, "ci_high": -3.7}},
    ...            "touchpoint_means": {"app": 3.9, "hotline": 2.97, "bill": 3.25},
    ...            "drivers": [{"touchpoint": "bill", "rescaled_weight": 21.2}],
    ...            "ipa": {"hotline": "concentrate_here", "app": "possible_overkill"}}
    >>> for line in at_a_glance(results, "en", {"hotline": "Hotline", "bill": "Bill"}):
    ...     print(line)
    1,500 respondents of the before wave were analysed (weighted).
    NPS is -8 (95% CI -13 to -4).
    The lowest-scoring touchpoints: Hotline (mean 2.97), Bill (mean 3.25).
    The strongest drivers of the outcome: Bill (21% of R²).
    Important but below average, so improve first: Hotline.
    """
    names = labels or {}
    join = _LIST_SEPARATOR.get(language, ", ").join

    def line(key: str, **values: Any) -> str:
        return say(key, language, **values)

    weighting = line("weighted" if results.get("weighted") else "unweighted")
    lines = [line("sample", n=int(results.get("n") or 0), wave=results.get("wave", ""), weighting=weighting)]
    nps = (results.get("outcomes") or {}).get("nps")
    if nps and nps.get("estimate") is not None:
        lines.append(line("nps", estimate=nps["estimate"], low=nps["ci_low"], high=nps["ci_high"]))
    means = results.get("touchpoint_means") or {}
    if means:
        lowest = sorted(means, key=means.get)[:2]
        lines.append(
            line("lowest", items=join(line("mean_item", name=names.get(r, r), mean=means[r]) for r in lowest))
        )
    drivers = [d for d in results.get("drivers") or [] if d.get("rescaled_weight") is not None][:2]
    if drivers:
        items = []
        for driver in drivers:
            row = driver.get("touchpoint", driver.get("driver", ""))
            items.append(line("weight_item", name=names.get(row, row), weight=driver["rescaled_weight"]))
        lines.append(line("drivers", items=join(items)))
    ipa = results.get("ipa") or {}
    concentrate = [row for row, quadrant in ipa.items() if quadrant == "concentrate_here"]
    if concentrate:
        lines.append(line("concentrate", items=join(names.get(r, r) for r in concentrate)))
    return lines[:5]
