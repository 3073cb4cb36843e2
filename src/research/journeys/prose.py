"""The words of the journey report (notebook 40) in Chinese and English.

Headings and explanations of each section (:func:`explain`), sentences the notebook shows
(:func:`say`) and the at-a-glance summary built from the report's results (:func:`at_a_glance`)
come from ``prose.yml`` beside this module, in the run's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from research.reports.sections import prose, read_words, sentence
from research.wording import Prose, words_file

#: The sentence tables: ``sections`` (heading and explanation per section and language) and
#: ``sentences`` (shown lines and the at-a-glance summary).
WORDS = words_file("journeys")


def explain(section: str, language: str) -> Prose:
    """Heading and explanation of a section of the journey report in *language*.

    Examples
    --------
    >>> explain("funnel", "zh").heading
    '漏斗'
    """
    return prose(read_words(WORDS)["sections"], section, language)


def say(key: str, language: str, **values: Any) -> str:
    """The sentence *key* of the journey report in *language*, filled with *values*.

    Examples
    --------
    >>> say("no_funnel", "zh")
    '未选择漏斗：将 funnel 设为按顺序排列的两个或以上触点。'
    """
    return sentence(read_words(WORDS)["sentences"], key, language, **values)


def names(data: Any) -> dict[str, str]:
    """Touchpoint names of the study in the report's language, by id (empty without a catalog)."""
    study = data.study
    if study is None or not study.has_catalog:
        return {}
    return {t.id: study.touchpoint_label(t.id, data.language) for t in study.touchpoints}


def _best(rows: list[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    usable = [r for r in rows if r.get(key) is not None and r.get(key) == r.get(key)]
    return max(usable, key=lambda r: r[key]) if usable else None


def at_a_glance(
    results: Mapping[str, Any], language: str, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a journey report, from its ``results.json`` figures.

    Events and the most frequent path; what a failure does to contacts and complaints; where
    journeys break most; the highest repeat-contact rate; conversion by segment. Parts the
    report did not compute are left out.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`research.journeys.report.journey_results` plus ``events``).
    language : str
        ``"zh"`` or ``"en"``.
    labels : mapping, optional
        Touchpoint names in *language*, by id (:func:`names`).

    Examples
    --------
    >>> results = {"events": 1200, "paths": [{"path": "web > store", "share": 0.25}],
    ...            "behaviour": [{"touchpoint": "web", "drop_off": 0.1},
    ...                          {"touchpoint": "store", "drop_off": 0.4}]}
    >>> for line in at_a_glance(results, "en", {"store": "Store"}):
    ...     print(line)
    1,200 events were analysed; the most frequent path is web > Store (25.0% of persons).
    Journeys break most after Store (40% end there).
    """
    tp = dict(labels or {})

    def line(key: str, **values: Any) -> str:
        return say(key, language, **values)

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
