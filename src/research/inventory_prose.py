"""The words of the touchpoint inventory report (notebook 00) in Chinese and English.

Headings and explanations of each section (:func:`explain`) and the at-a-glance summary built
from the report's counts (:func:`at_a_glance`) come from ``inventory_prose.yml`` beside this
module, in the run's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from research.inventory import VALUE_LABELS
from research.reports.sections import prose, read_words, sentence
from research.wording import Prose, words_file

#: The sentence tables: ``sections`` and ``sentences``.
WORDS = words_file("inventory")

_LIST_SEPARATOR = {"zh": "、", "en": ", "}


def explain(section: str, language: str) -> Prose:
    """Heading and explanation of a section of the inventory report in *language*.

    Examples
    --------
    >>> explain("catalog", "zh").heading
    '触点目录'
    """
    return prose(read_words(WORDS)["sections"], section, language)


def at_a_glance(
    results: Mapping[str, Any], language: str, stage_labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up the catalog, from :func:`research.inventory.inventory_counts`.

    Examples
    --------
    >>> counts = {"n_touchpoints": 3, "n_stages": 2, "by_stage": {"buy": 2, "use": 1},
    ...           "by_channel": {"online": 2, "offline": 1}, "by_type": {"digital": 2, "physical": 1},
    ...           "by_visibility": {"front-stage": 3, "back-stage": 0},
    ...           "by_lifecycle": {"creation": 1, "maturity": 2}}
    >>> for line in at_a_glance(counts, "zh", {"buy": "购买"}):
    ...     print(line)
    触点清单共有 3 个触点，分布在 2 个旅程阶段。
    按渠道：线上 2 个、线下 1 个；按类型：数字 2 个、实体 1 个。
    触点最多的阶段：购买（2 个）。
    处于导入期或衰退期、最可能在研究期间变化的触点：1 个。
    """
    words = read_words(WORDS)["sentences"]
    join = _LIST_SEPARATOR.get(language, ", ").join

    def line(key: str, **values: Any) -> str:
        return sentence(words, key, language, **values)

    def counts(field: str) -> str:
        labels = VALUE_LABELS.get(field, {})
        return join(
            line(
                "count",
                n=n,
                label=labels.get(value, {}).get(language, value).lower()
                if language == "en"
                else labels.get(value, {}).get(language, value),
            )
            for value, n in (results.get(f"by_{field}") or {}).items()
            if n
        )

    n = int(results.get("n_touchpoints") or 0)
    if not n:
        return [line("no_catalog")]
    lines = [
        line("size", n=n, stages=int(results.get("n_stages") or 0)),
        line("channels", items=counts("channel"), types=counts("type")),
    ]
    stages = results.get("by_stage") or {}
    if stages:
        busiest = max(stages, key=stages.get)
        lines.append(line("busiest", stage=(stage_labels or {}).get(busiest, busiest), n=stages[busiest]))
    back = (results.get("by_visibility") or {}).get("back-stage", 0)
    if back:
        lines.append(line("back", n=back))
    lifecycle = results.get("by_lifecycle") or {}
    changing = lifecycle.get("creation", 0) + lifecycle.get("decline", 0)
    if changing:
        lines.append(line("changing", n=changing))
    return lines[:5]
