"""The study-aware layer of the improvement-evaluation report (notebook 30).

The core (design, effects with their inference, verdicts) always renders; the time-series
figure, the event study, the survey waves and regression to the mean are functions that raise
:class:`~research.errors.NotApplicable` with one plain sentence when the data cannot support
them, called through :func:`research.reports.optional_section`. :func:`results_summary` builds
the ``results.json`` figures and :func:`evaluation_at_a_glance` the report's summary from them.
This module computes no statistic itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research import defaults
from research.errors import NotApplicable
from research.evaluation.its import MIN_PERIODS_PER_SIDE, ItsFit
from research.evaluation.kpis import KpiEffectsResult, kpi_its
from research.evaluation.periods import frequency_word
from research.evaluation.rollout import RolloutResult, rollout_effects
from research.evaluation.schema import KpiSeries
from research.evaluation.verdicts import VERDICT_LABELS, verdict
from research.wording import has_sentence, label, resolve_language, say

if TYPE_CHECKING:
    from research.evaluation.kpi_checks import PretrendChecks
    from research.study import Study


def treated_label(series: KpiSeries, study: Study, language: str | None = None) -> str:
    """What got the improvement, for report sentences: the touchpoint's name or the treated units.

    Parameters
    ----------
    series : KpiSeries
        The study's KPI series.
    study : Study
        The study (for the touchpoint's name).
    language : {"zh", "en"} or None
        The language (``None``: the report's language).

    Returns
    -------
    str
        The touchpoint's name, or up to three treated units ("" when none).

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> treated_label(load_kpi_series(load_study("sample")), load_study("sample"), "en")
    'Service hotline'
    """
    if series.treated_touchpoint:
        return study.touchpoint_label(series.treated_touchpoint, resolve_language(language))
    units = series.treated_units()
    if not units:
        return ""
    shown = ", ".join(units[:3])
    return shown + (f" (+{len(units) - 3})" if len(units) > 3 else "")


def describe_series(series: KpiSeries, study: Study, language: str | None = None) -> str:
    """One sentence on the data: shape, frequency, span, treated units and the intervention.

    Parameters
    ----------
    series, study : KpiSeries, Study
        The study's KPI series and the study it belongs to.
    language : {"zh", "en"} or None
        Language of the sentence; ``None`` is the report's.

    Returns
    -------
    str
        The sentence.

    Examples
    --------
    >>> import research
    >>> sample = research.load_study("sample")
    >>> print(describe_series(research.evaluation.load_kpi_series(sample), sample, "en"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Panel of units: 24 units (unit), 104 weeks from 2024-07-08 to 2026-06-29; intervention from
    2025-07-07 (52 weeks before, 52 from it on); treated: Service hotline (6 units).
    """
    language = resolve_language(language)
    data, periods = series.data, series.periods
    n_periods = int(data[series.period].nunique())
    pre = int(data.loc[data[series.post] == 0, series.period].nunique())
    post = n_periods - pre
    word = lambda n: frequency_word(periods.frequency, language, plural=n != 1)  # noqa: E731
    values: dict[str, Any] = {
        "shape": say("evaluation", f"series_{series.shape}", language),
        "n_periods": n_periods,
        "word": word(n_periods),
        "first": series.label(int(data[series.period].min())),
        "last": series.label(int(data[series.period].max())),
        "intervention": series.intervention_label,
        "pre": pre,
        "pre_word": word(pre),
        "post": post,
        "post_word": word(post),
        "who": treated_label(series, study, language),
        "n_treated": len(series.treated_units()),
    }

    def part(key: str) -> str:
        return say("evaluation", key, language, **values)

    # The two languages do not state the same facts (kept as they were): English gives the exposed
    # records of cross-sections, Chinese the word after the periods from the intervention on and
    # the treated of every shape (English: of a panel only, counted for a touchpoint only).
    chinese = language == "zh"
    count = ""
    if series.shape == "panel":
        values.update(n_units=data[series.unit].nunique(), unit=series.unit)
        count = part("series_units")
    elif series.shape == "cross_sections":
        exposed = int((data[series.treated] == 1).sum())
        values.update(n_records=len(data), exposed=exposed, column=series.config.treated_column)
        count = part("series_records" if chinese else "series_records_exposed")
    if series.staggered:
        starts = sorted(int(v) for v in data.groupby(series.unit)[series.start].first().dropna().unique())
        values.update(
            waves=len(starts), first_start=series.label(starts[0]), last_start=series.label(starts[-1])
        )
        timing = part("series_waves")
    else:
        timing = part("series_intervention_words" if chinese else "series_intervention")
    treated = ""
    if values["who"] and (series.shape == "panel" or chinese):
        counted = series.shape == "panel" and (bool(series.treated_touchpoint) or chinese)
        treated = part("series_treated_units" if counted else "series_treated")
    return say("evaluation", "series", language, count=count, timing=timing, treated=treated, **values)


def undeclared_thresholds(
    series: KpiSeries, kpis: list[str], given: dict[str, float] | None = None
) -> list[str]:
    """The KPIs among *kpis* with no practical threshold in study.yml nor in *given*."""
    given = given or {}
    return [k for k in kpis if series.config.kpi(k).threshold is None and k not in given]


def series_fit(series: KpiSeries, kpi: str) -> ItsFit:
    """The interrupted time series behind the report's time-series figure for *kpi*.

    Comparative (treated minus comparison mean) when comparison units exist, the treated mean
    otherwise, the series itself for one series.

    Raises
    ------
    NotApplicable
        Cross-sections of records (no series to follow), or fewer than three periods on a side.
    """
    if series.shape == "cross_sections":
        raise NotApplicable(
            "The data are cross-sections of individual records: there is no series over time to "
            "draw with its counterfactual.",
            missing_zh="数据为个体记录的横截面：没有可连同反事实一起绘制的时间序列。",
        )
    if series.staggered:
        raise NotApplicable(
            "The units started in waves, so there is no single before and after to draw: the roll-out "
            "section shows the effect by time since each unit's start.",
            missing_zh="各单元分批开始，没有统一的干预前后可绘制：分批推广部分展示以各单元开始时间为起点的效果。",
        )
    data = series.data
    rows = data if series.treated is None else data[data[series.treated] == 1]
    pre = int(rows.loc[rows[series.post] == 0, series.period].nunique())
    post = int(rows.loc[rows[series.post] == 1, series.period].nunique())
    if min(pre, post) < MIN_PERIODS_PER_SIDE:
        word = frequency_word(series.frequency, "en", plural=True)
        raise NotApplicable(
            f"{pre} {word} before and {post} from the intervention on: too few to fit a time series "
            f"and its counterfactual (at least {MIN_PERIODS_PER_SIDE} on each side).",
            missing_zh=f"干预前 {pre} 个{frequency_word(series.frequency, 'zh')}、干预后 {post} 个：太少，"
            f"无法拟合时间序列及其反事实（每侧至少 {MIN_PERIODS_PER_SIDE} 个）。",
        )
    return kpi_its(series, kpi, comparative=True)


@dataclass
class RolloutChecks:
    """The roll-out section of the report (see :func:`rollout_checks`)."""

    results: dict[str, RolloutResult]
    waves: pd.DataFrame
    sentences: dict[str, str]


def twfe_sentence(
    result: RolloutResult, label: str, unit: str, threshold: float = 0.0, language: str | None = None
) -> str:
    """One sentence comparing the plain two-way fixed-effects estimate with the roll-out estimate.

    They disagree when the two-way FE estimate lies outside the roll-out interval or the two
    differ by at least the practical *threshold* (KPI units).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame({"u": np.repeat(np.arange(60), 12), "t": np.tile(np.arange(12), 60)})
    >>> panel["s"] = panel["u"].map(lambda u: [4, 7, np.nan][u % 3])
    >>> exposure = np.where(panel["t"] >= panel["s"], panel["t"] - panel["s"] + 1, 0)
    >>> panel["y"] = exposure + rng.normal(size=len(panel))
    >>> res = rollout_effects(panel, "y", "u", "t", "s")
    >>> print(twfe_sentence(res, "Queue", "min", 0.5, "en")[:99])
    Queue: the plain two-way fixed-effects estimate (2.86 min) differs from the roll-out estimate (3.94
    >>> round(float(res.overall.at[0, "estimate"]), 1)  # planted: mean exposure over treated cells, 3.92
    3.9
    """
    robust, plain = result.overall.iloc[0], result.twfe.iloc[0]
    differ = not (robust["ci_low"] <= plain["estimate"] <= robust["ci_high"]) or (
        threshold > 0 and abs(plain["estimate"] - robust["estimate"]) >= threshold
    )
    key = "twfe_differs" if differ else "twfe_agrees"
    return say(
        "evaluation",
        key,
        language,
        label=label,
        unit=unit,
        plain=f"{plain['estimate']:.3g}",
        rollout=f"{robust['estimate']:.3g}",
    )


def rollout_checks(
    series: KpiSeries, kpis: list[str] | None = None, *, language: str | None = None, ci: float = defaults.CI
) -> RolloutChecks:
    """Per KPI: the roll-out's effect by wave and by time since the start, and the two-way FE comparison.

    Raises
    ------
    NotApplicable
        The treated units do not start at different periods (no roll-out in waves).

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> checks = rollout_checks(load_kpi_series(load_study("sample"), "store_queue"), language="en")
    >>> checks.waves["wave"].tolist()
    ['2025-03-03', '2025-06-02', '2025-09-01']
    """
    if not series.staggered:
        raise NotApplicable(
            "The improvement started at one period for all treated units: there is no roll-out in waves.",
            missing_zh="改进在同一时期对所有受干预单元开始：没有分批推广。",
        )
    language = resolve_language(language)
    results, waves, sentences = {}, [], {}
    for kpi in kpis or series.kpi_columns:
        definition = series.config.kpi(kpi)
        label, unit = definition.label_in(language), definition.unit_in(language)
        result = rollout_effects(
            series.data.dropna(subset=[kpi]),
            kpi,
            series.column("unit"),
            series.period,
            series.column("start"),
            ci=ci,
        )
        results[kpi] = result
        part = result.groups.copy()
        part.insert(0, "wave", [series.label(int(g)) for g in part.pop("group")])
        part.insert(0, "label", label)
        part.insert(0, "kpi", kpi)
        waves.append(part)
        sentences[kpi] = twfe_sentence(result, label, unit, definition.threshold_value, language)
    return RolloutChecks(results, pd.concat(waves, ignore_index=True), sentences)


def _plain(value: Any) -> Any:
    """JSON-friendly: NaN and None become None, numpy scalars Python numbers."""
    if value is None:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _interval(row: Any) -> dict[str, Any]:
    """A row's estimate and interval, JSON-friendly."""
    return {"estimate": _plain(row.estimate), "ci_low": _plain(row.ci_low), "ci_high": _plain(row.ci_high)}


def _fields(row: Any) -> dict[str, Any]:
    return {
        "estimate": _plain(row["estimate"]),
        "se": _plain(row["se"]),
        "ci_low": _plain(row["ci_low"]),
        "ci_high": _plain(row["ci_high"]),
        "p_value": _plain(row["p_value"]),
        "method": row["inference"],
    }


def results_summary(
    series: KpiSeries,
    evaluation: KpiEffectsResult,
    verdicts: pd.DataFrame,
    *,
    pretrends: PretrendChecks | None = None,
    rtm: pd.DataFrame | None = None,
    waves: pd.DataFrame | None = None,
    rollout: RolloutChecks | None = None,
) -> dict[str, Any]:
    """The key figures of an evaluation report, for ``results.json`` (plain JSON types).

    ``effects[kpi]`` holds ``estimate, se, ci_low, ci_high, p_value, p_adjusted, method,
    verdict`` (and ``note``); a roll-out adds ``twfe`` (the plain two-way FE estimate) and
    ``rollout_waves`` lists each wave's effect; time-series designs add ``level_change`` and
    ``slope_change`` with the same fields. Their verdicts read the interval alone (no
    multiplicity adjustment): the level change against the KPI's threshold, the slope change
    against the threshold spread over the periods from the intervention on (a slope that adds
    up to the threshold by the end of the series).

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import evaluate_kpis, load_kpi_series, verdict_table
    >>> series = load_kpi_series(load_study("sample"))
    >>> evaluation = evaluate_kpis(series, ["fcr"], n_boot=199)
    >>> verdicts = verdict_table(evaluation.effects, language="en")
    >>> summary = results_summary(series, evaluation, verdicts)
    >>> summary["design"], summary["frequency"], summary["effects"]["fcr"]["verdict"]
    ('did', 'week', 'improved')
    """
    data, effects, choice = series.data, evaluation.effects, evaluation.design
    post_periods = int(data.loc[data[series.post] == 1, series.period].nunique())
    out_effects: dict[str, Any] = {}
    by_kpi = verdicts.set_index("kpi")
    for kpi, rows in effects.groupby("kpi", sort=False):
        headline = rows[rows["term"] == "effect"].iloc[0]
        judged = by_kpi.loc[kpi]
        entry = {
            **_fields(headline),
            "p_adjusted": _plain(judged["p_adjusted"]),
            "verdict": judged["verdict"],
            "note": headline["note"] or None,
        }
        threshold, better = float(judged["threshold"]), bool(judged["higher_is_better"])
        twfe = rows[rows["term"] == "twfe"]
        if not twfe.empty:
            entry["twfe"] = _fields(twfe.iloc[0])
        for term, scale in (("level_change", 1.0), ("slope_change", max(post_periods, 1))):
            part = rows[rows["term"] == term]
            if part.empty:
                continue
            row = part.iloc[0]
            entry[term] = {
                **_fields(row),
                "verdict": verdict(row["estimate"], row["ci_low"], row["ci_high"], threshold / scale, better),
            }
        out_effects[str(kpi)] = entry
    return {
        "design": choice.design,
        "method": choice.method,
        "design_reason": choice.reason("en"),
        "shape": series.shape,
        "frequency": series.frequency,
        "intervention": series.intervention_label,
        "periods_before": int(data.loc[data[series.post] == 0, series.period].nunique()),
        "periods_after": post_periods,
        "treated_units": series.treated_units(),
        "effects": out_effects,
        "pretrend_p": {}
        if pretrends is None
        else {str(k): _plain(v) for k, v in pretrends.table.set_index("kpi")["p_value"].items()},
        "rtm_expected_change": {}
        if rtm is None
        else {str(r.kpi): _plain(r.expected_change) for r in rtm.itertuples()},
        "rollout_waves": []
        if rollout is None
        else [
            {"kpi": r.kpi, "wave": r.wave, **_interval(r), "n_units": int(r.n_units)}
            for r in rollout.waves.itertuples()
        ],
        "survey_waves": []
        if waves is None
        else [
            {"kpi": r.kpi, "design": r.design, **_interval(r), "verdict": r.verdict}
            for r in waves.itertuples()
        ],
    }


#: KPIs named in the at-a-glance summary; the others are left to the report's verdict table.
GLANCE_KPIS = 3


def _number(value: float | None, sign: bool = False) -> str:
    if value is None or value != value:  # no interval (too few units or periods): shown as missing
        return "–"
    text = f"{value:+.3g}" if sign else f"{value:.3g}"
    return text.replace("e+0", "e").replace("e-0", "e-")


def evaluation_at_a_glance(
    results: Mapping[str, Any],
    language: str | None = None,
    labels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
) -> list[str]:
    """Three to five sentences summing up an evaluation report, from its ``results.json`` figures.

    The design and periods; the verdict of each KPI (improved and worsened first) with its
    change and interval; the survey waves' change of the improved touchpoint's score.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`results_summary`).
    language : {"zh", "en"} or None
        The language (``None``: the report's language).
    labels, units : mapping, optional
        KPI labels and units in *language*, by KPI column.

    Returns
    -------
    list of str
        The sentences.

    Examples
    --------
    >>> results = {"design": "did", "intervention": "2025-07-07", "periods_before": 52,
    ...            "periods_after": 52, "effects": {"wait": {"estimate": -89.08, "ci_low": -93.4,
    ...            "ci_high": -85.7, "verdict": "improved"}}}
    >>> for line in evaluation_at_a_glance(results, "zh", {"wait": "平均等待时长"}, {"wait": "秒"}):
    ...     print(line)
    本评估采用双重差分，干预时间 2025-07-07，比较干预前 52 期与干预后 52 期。
    平均等待时长：改善，变化 -89.1 秒（95% 置信区间 -93.4 至 -85.7）。

    An estimate without an interval (too few units) shows the interval as missing:

    >>> results["effects"]["wait"].update(ci_low=None, ci_high=None, verdict="inconclusive")
    >>> evaluation_at_a_glance(results, "en")[1]
    'wait: inconclusive, a change of -89.1 (95% CI – to –).'
    """
    language = resolve_language(language)
    names, unit_of = labels or {}, units or {}

    def line(key: str, **values: Any) -> str:
        return say("evaluation", key, language, **values)

    design = results.get("design", "")
    design_name = line(f"design_{design}") if has_sentence("evaluation", f"design_{design}") else str(design)
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
                verdict=label(VERDICT_LABELS, str(effect.get("verdict")), language),
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
                verdict=label(VERDICT_LABELS, str(wave.get("verdict")), language),
            )
        )
    return lines[:5]
