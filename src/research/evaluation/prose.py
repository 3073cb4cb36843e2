"""The words of the evaluation report (notebook 30) in Chinese and English.

Headings and explanations of each section (:func:`explain`), sentences the notebook shows
(:func:`say`) and the at-a-glance summary built from the report's results (:func:`at_a_glance`)
come from ``prose.yml`` beside this module, in the run's language. Verdict words come from
:data:`research.evaluation.verdicts.VERDICT_LABELS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from research.evaluation.verdicts import VERDICT_LABELS
from research.reports.sections import prose, read_words, sentence
from research.wording import Prose, words_file

#: The sentence tables: ``sections`` (heading and explanation per section and language) and
#: ``sentences`` (shown lines and the at-a-glance summary).
WORDS = words_file("evaluation")

#: KPIs named in the summary; the others are left to the report's verdict table.
GLANCE_KPIS = 3


def explain(section: str, language: str) -> Prose:
    """Heading and explanation of a section of the evaluation report in *language*.

    Examples
    --------
    >>> explain("rtm", "zh").heading
    '均值回归'
    """
    return prose(read_words(WORDS)["sections"], section, language)


def say(key: str, language: str, **values: Any) -> str:
    """The sentence *key* of the evaluation report in *language*, filled with *values*.

    Examples
    --------
    >>> say("no_threshold", "zh", kpi="首次解决率")
    '首次解决率 没有声明实际阈值：其结论只看区间是否不含零（在 study.yml 中该 KPI 下加入 threshold:）。'
    """
    return sentence(read_words(WORDS)["sentences"], key, language, **values)


def _number(value: float | None, sign: bool = False) -> str:
    if value is None or value != value:  # no interval (too few units or periods): shown as missing
        return "–"
    text = f"{value:+.3g}" if sign else f"{value:.3g}"
    return text.replace("e+0", "e").replace("e-0", "e-")


def at_a_glance(
    results: Mapping[str, Any],
    language: str,
    labels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
) -> list[str]:
    """Three to five sentences summing up an evaluation report, from its ``results.json`` figures.

    The design and periods; the verdict of each KPI (improved and worsened first) with its
    change and interval; the survey waves' change of the improved touchpoint's score.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`research.evaluation.results_summary`).
    language : str
        ``"zh"`` or ``"en"``.
    labels, units : mapping, optional
        KPI labels and units in *language*, by KPI column.

    Examples
    --------
    >>> results = {"design": "did", "intervention": "2025-07-07", "periods_before": 52,
    ...            "periods_after": 52, "effects": {"wait": {"estimate": -89.08, "ci_low": -93.4,
    ...            "ci_high": -85.7, "verdict": "improved"}}}
    >>> for line in at_a_glance(results, "zh", {"wait": "平均等待时长"}, {"wait": "秒"}):
    ...     print(line)
    本评估采用双重差分，干预时间 2025-07-07，比较干预前 52 期与干预后 52 期。
    平均等待时长：改善，变化 -89.1 秒（95% 置信区间 -93.4 至 -85.7）。

    An estimate without an interval (too few units) shows the interval as missing:

    >>> results["effects"]["wait"].update(ci_low=None, ci_high=None, verdict="inconclusive")
    >>> at_a_glance(results, "en")[1]
    'wait: inconclusive, a change of -89.1 (95% CI – to –).'
    """
    names, unit_of = labels or {}, units or {}

    def line(key: str, **values: Any) -> str:
        return say(key, language, **values)

    def verdict_word(verdict: Any) -> str:
        return VERDICT_LABELS.get(verdict, {}).get(language, str(verdict))

    design = results.get("design", "")
    words = read_words(WORDS)["sentences"]
    design_name = line(f"design_{design}") if f"design_{design}" in words else str(design)
    lines = [
        line(
            "design",
            design=design_name,
            intervention=results.get("intervention", ""),
            before=results.get("periods_before", ""),
            after=results.get("periods_after", ""),
        )
    ]
    effects = results.get("effects") or {}
    order = {"improved": 0, "worsened": 1, "no detectable change": 2, "inconclusive": 3}
    ranked = sorted(effects, key=lambda kpi: order.get(effects[kpi].get("verdict"), 4))
    for kpi in ranked[:GLANCE_KPIS]:
        effect = effects[kpi]
        if effect.get("estimate") is None:
            continue
        unit = unit_of.get(kpi, "")
        lines.append(
            line(
                "kpi",
                label=names.get(kpi, kpi),
                verdict=verdict_word(effect.get("verdict")),
                estimate=_number(effect["estimate"], sign=True),
                unit=f" {unit}" if unit else "",
                low=_number(effect["ci_low"]),
                high=_number(effect["ci_high"]),
            )
        )
    if len(ranked) > GLANCE_KPIS:
        lines.append(line("more", n=len(ranked) - GLANCE_KPIS))
    waves = [w for w in results.get("survey_waves") or [] if w.get("kpi") == "touchpoint_mean"]
    if waves and len(lines) < 5:
        wave = waves[0]
        kind = wave.get("design", "")
        lines.append(
            line(
                "waves",
                estimate=_number(wave["estimate"], sign=True),
                design=line(kind) if kind in ("panel", "independent") else kind,
                low=_number(wave["ci_low"]),
                high=_number(wave["ci_high"]),
                verdict=verdict_word(wave.get("verdict")),
            )
        )
    return lines[:5]
