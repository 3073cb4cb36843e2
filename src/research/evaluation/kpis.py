"""Study-aware evaluation: the design a study's KPI series supports, and its effects on every KPI.

:func:`choose_series_design` decides between difference-in-differences, interrupted time series,
a roll-out in waves and post-only description from the data; :func:`evaluate_kpis` applies the
chosen design to every KPI of a study's series (:class:`~research.evaluation.schema.KpiSeries`)
with the statistics of :mod:`research.evaluation.did`, :mod:`research.evaluation.its`,
:mod:`research.evaluation.randomization` and :mod:`research.evaluation.rollout`, and
:func:`kpi_its` fits an interrupted time series to one KPI of the series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from research import defaults
from research.checks import check_ci
from research.errors import DataError
from research.evaluation.did import (
    FEW_CLUSTERS,
    FEW_TREATED_CLUSTERS,
    MIN_CLUSTERS,
    MIN_PLACEBO_UNITS,
    diff_in_diff,
    require_post_period,
)
from research.evaluation.its import MIN_PERIODS_PER_SIDE, ItsFit, interrupted_time_series
from research.evaluation.schema import KpiSeries
from research.wording import resolve_language


@dataclass
class SeriesDesign:
    """The design chosen for a KPI series, its inference method and why.

    ``design`` is ``did``, ``its``, ``rollout`` (units start in waves: Callaway & Sant'Anna,
    :mod:`research.evaluation.rollout`) or ``descriptive``; ``method`` the inference: ``cluster``
    (cluster-robust CR1, wild cluster bootstrap below 30 clusters), ``placebo_in_space``
    (randomisation inference over units), ``robust`` (heteroskedasticity-robust HC1, for
    cross-sections of records), ``hac`` (Newey-West, one series), ``comparative_hac`` (Newey-West
    on treated minus comparison) or ``none`` (point estimate or description only). ``reason_en``
    / ``reason_zh`` say why in plain words.
    """

    design: Literal["did", "its", "descriptive", "rollout"]
    reason_en: str
    reason_zh: str
    warnings: list[str] = field(default_factory=list)
    method: str = "none"
    shape: str = "panel"

    def reason(self, language: str | None = None) -> str:
        """Why this design, in *language* (``None``: the report's language).

        Parameters
        ----------
        language : {"zh", "en"} or None
            The language of the sentence.

        Returns
        -------
        str
            The reason in plain words.
        """
        return self.reason_zh if resolve_language(language) == "zh" else self.reason_en


def _count_periods(
    data: pd.DataFrame, post: str, time: str | None, rows: pd.Series | None = None
) -> tuple[int, int]:
    """Distinct periods before and after the intervention (of *rows*, default all rows)."""
    part = data if rows is None else data[rows]
    if time is None:
        return MIN_PERIODS_PER_SIDE, MIN_PERIODS_PER_SIDE  # cannot count: leave the check to the ITS fit
    return int(part.loc[part[post] == 0, time].nunique()), int(part.loc[part[post] == 1, time].nunique())


_ITS_WHAT = {
    "comparative": (
        "Comparative interrupted time series on the treated minus the comparison series",
        "对干预组减对照组的差值序列做比较中断时间序列分析",
    ),
    "treated": (
        "Interrupted time series on the mean series of the treated units",
        "对干预组的均值序列做中断时间序列分析",
    ),
    "single": (
        "Interrupted time series: level and slope of the series before and after",
        "中断时间序列：比较干预前后序列的水平与斜率",
    ),
}


def _its_or_descriptive(
    pre: int, post_n: int, series: str, shape: str, because: tuple[str, str]
) -> SeriesDesign:
    if min(pre, post_n) >= MIN_PERIODS_PER_SIDE:
        what_en, what_zh = _ITS_WHAT[series]
        return SeriesDesign(
            "its",
            f"{because[0]} {what_en} (Newey-West standard errors).",
            f"{because[1]}{what_zh}（Newey-West 标准误）。",
            method="comparative_hac" if series == "comparative" else "hac",
            shape=shape,
        )
    return SeriesDesign(
        "descriptive",
        f"{because[0]} {pre} period(s) before and {post_n} after the intervention are too few for a time "
        f"series (at least {MIN_PERIODS_PER_SIDE} on each side): the estimate is shown without an interval.",
        f"{because[1]}干预前 {pre} 期、干预后 {post_n} 期，"
        f"不足以做时间序列分析（每侧至少 {MIN_PERIODS_PER_SIDE} 期）："
        "只给出点估计，不给区间。",
        shape=shape,
    )


def _panel_design(
    data: pd.DataFrame, treated: str | None, post: str, unit: str, time: str | None
) -> SeriesDesign:
    if treated is None:
        raise DataError(
            "No treated units",
            hint="Name the units that got the improvement (treated_units or treated_column).",
        )
    controls = data[data[treated] == 0]
    both = int(controls.groupby(unit)[post].nunique().eq(2).sum()) if len(controls) else 0
    n_treated = int(data.loc[data[treated] == 1, unit].nunique())
    if n_treated == 0:
        raise DataError(
            "No treated units",
            column=treated,
            hint="Name the units that got the improvement (treated_units or treated_column).",
        )
    pre, post_n = _count_periods(data, post, time, data[treated] == 1)
    if both == 0:
        return _its_or_descriptive(
            pre,
            post_n,
            "treated",
            "panel",
            (
                "No untreated comparison units are observed before and after.",
                "没有在干预前后都有数据的未干预对照单位。",
            ),
        )
    counts_en = f"{n_treated} treated and {both} untreated comparison unit(s) are observed before and after"
    counts_zh = f"有 {n_treated} 个干预单位和 {both} 个未干预对照单位在干预前后都有数据"
    if n_treated <= FEW_TREATED_CLUSTERS:
        if both >= MIN_PLACEBO_UNITS:
            smallest = 1 / math.comb(n_treated + both, n_treated)
            return SeriesDesign(
                "did",
                f"{counts_en}: difference-in-differences (unit and period fixed effects). "
                "With so few treated "
                "units no cluster-robust or bootstrap interval can know the spread, so the p-value and "
                "interval come from randomisation inference over units (placebo-in-space: every untreated "
                f"unit in turn as if treated; the smallest attainable p-value is {smallest:.3f}).",
                f"{counts_zh}：双重差分（单位与时期固定效应）。干预单位太少，聚类稳健或自助法区间都不可靠，"
                "p 值与区间来自对单位的随机化推断"
                "（空间安慰剂：依次把每个未干预单位当作干预单位；可达到的最小 p 值为 "
                f"{smallest:.3f}）。",
                method="placebo_in_space",
                shape="panel",
            )
        because = (
            f"{counts_en}; with {n_treated} treated unit(s) cluster-robust inference is not valid, and "
            f"{both} untreated unit(s) are too few for randomisation inference "
            f"(at least {MIN_PLACEBO_UNITS}).",
            f"{counts_zh}；只有 {n_treated} 个干预单位，聚类稳健推断无效，"
            f"而 {both} 个未干预单位又不足以做随机化推断"
            f"（至少需要 {MIN_PLACEBO_UNITS} 个）。",
        )
        return _its_or_descriptive(pre, post_n, "comparative", "panel", because)
    if both <= FEW_TREATED_CLUSTERS or n_treated + both < MIN_CLUSTERS:
        because = (
            f"{counts_en}: too few clusters for cluster-robust inference (at least {MIN_CLUSTERS}, and more "
            f"than {FEW_TREATED_CLUSTERS} on each side).",
            f"{counts_zh}：聚类太少，无法做聚类稳健推断"
            f"（至少 {MIN_CLUSTERS} 个，且每组多于 {FEW_TREATED_CLUSTERS} 个）。",
        )
        return _its_or_descriptive(pre, post_n, "comparative", "panel", because)
    clusters = n_treated + both
    inference = (
        f"wild cluster bootstrap over the {clusters} units"
        if clusters < FEW_CLUSTERS
        else f"cluster-robust standard errors over the {clusters} units"
    )
    return SeriesDesign(
        "did",
        f"{counts_en}: difference-in-differences removes common trends and seasons; {inference}.",
        f"{counts_zh}：双重差分法可以剔除共同趋势和季节性；"
        + (
            f"对 {clusters} 个单位做野聚类自助法。"
            if clusters < FEW_CLUSTERS
            else f"按 {clusters} 个单位聚类的稳健标准误。"
        ),
        method="cluster",
        shape="panel",
    )


def _rollout_possible(data: pd.DataFrame, unit: str, start: str) -> bool:
    from research.evaluation.rollout import staggered

    return staggered(data, unit, start) and data[unit].nunique() >= MIN_CLUSTERS


def _rollout_design(data: pd.DataFrame, unit: str, start: str) -> SeriesDesign:
    starts = data.groupby(unit)[start].first()
    n_treated, n_waves = int(starts.notna().sum()), int(starts.dropna().nunique())
    never = int(starts.isna().sum())
    return SeriesDesign(
        "rollout",
        f"{n_treated} units got the improvement in {n_waves} waves and {never} not within the series: a "
        "roll-out in waves. Two-way fixed effects would compare later waves with units already treated and "
        "weight the waves unevenly, so each wave is compared period by period with the units not yet "
        "treated (Callaway & Sant'Anna group-time effects), then averaged over waves and by time since "
        "the start; standard errors from the influence functions, clustered by unit.",
        f"{n_treated} 个单位分 {n_waves} 批获得改进，{never} 个单位在序列期内尚未获得：这是分批上线。"
        "双向固定效应会把后一批与已获得改进的单位比较，并且对各批的加权不均，"
        "因此逐批、逐期地与尚未获得改进的单位比较（Callaway–Sant'Anna 组别-时期效应），"
        "再按批次汇总并按上线后的时间展开；标准误来自影响函数，按单位聚类。",
        method="group_time",
        shape="panel",
    )


def _cross_section_design(data: pd.DataFrame, treated: str, post: str, time: str | None) -> SeriesDesign:
    cells = data.groupby([treated, post]).size()
    if all((t, q) in cells.index for t in (0, 1) for q in (0, 1)):
        n_periods = data[time].nunique() if time else 2
        what = "2x2" if n_periods == 2 else f"{n_periods}-period"
        return SeriesDesign(
            "did",
            f"Individual records in {n_periods} periods, exposed and unexposed both before and after: {what} "
            "difference-in-differences by OLS with heteroskedasticity-robust (HC1) standard errors.",
            f"{n_periods} 个时期的个体记录，受影响组与未受影响组在干预前后都有：用 OLS 做双重差分，"
            "异方差稳健（HC1）标准误。",
            method="robust",
            shape="cross_sections",
        )
    return SeriesDesign(
        "descriptive",
        "The records do not hold exposed and unexposed groups both before and after the intervention: "
        "no difference-in-differences is possible, only description.",
        "记录中没有在干预前后都出现的受影响组和未受影响组：无法做双重差分，只能描述。",
        shape="cross_sections",
    )


def choose_series_design(
    data: pd.DataFrame,
    treated: str | None = "treated",
    post: str = "post",
    unit: str | None = "unit",
    requested: Literal["auto", "did", "its", "descriptive", "rollout"] = "auto",
    time: str | None = None,
    start: str | None = None,
) -> SeriesDesign:
    """Pick the design and the inference the data support.

    - **Panel of units** (*unit* given): difference-in-differences when untreated units are
      observed before and after. Inference: cluster-robust (wild cluster bootstrap below 30
      clusters) with at least three treated and three untreated units and six in all;
      placebo-in-space randomisation inference with one or two treated units and at least
      :data:`MIN_PLACEBO_UNITS` untreated ones; otherwise a comparative interrupted time series
      (treated minus comparison mean, Newey-West) when each side has three periods, else the
      point estimate without an interval. No comparison units: ITS of the treated series.
    - **Cross-sections of records** (*treated* given, no *unit*): 2x2 (or period fixed effects)
      difference-in-differences with HC1 standard errors.
    - **One series** (no *treated*, no *unit*): interrupted time series.

    - **Roll-out in waves** (*start* names a per-row start period and the treated units start at
      more than one period): ``rollout``, group-time effects against units not yet treated
      (Callaway & Sant'Anna 2021), with at least :data:`MIN_CLUSTERS` units.

    No pre-period: description only (no causal claim). A *requested* design the data cannot
    support raises :class:`DataError` naming the one that would work; ``"descriptive"`` is always
    allowed. *time* names the period column used to count periods (default: ``period`` if present).

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation.schema import load_kpi_series
    >>> choice = choose_series_design(load_kpi_series(load_study("sample")).data)
    >>> choice.design, choice.method
    ('did', 'cluster')
    """
    time = time if time is not None else ("period" if "period" in data else None)
    shape = "panel" if unit else ("cross_sections" if treated else "single_series")
    require_post_period(data[post], post)
    if not (data[post] == 0).any():
        choice = SeriesDesign(
            "descriptive",
            "No pre-intervention periods: only post-period description, no causal claim.",
            "没有干预前数据：只能描述干预后的情况，不能作因果结论。",
            shape=shape,
        )
    elif unit and start and _rollout_possible(data, unit, start):
        choice = _rollout_design(data, unit, start)
    elif unit:
        choice = _panel_design(data, treated, post, unit, time)
    elif treated:
        choice = _cross_section_design(data, treated, post, time)
    else:
        pre, post_n = _count_periods(data, post, time)
        choice = _its_or_descriptive(
            pre,
            post_n,
            "single",
            shape,
            ("One series without comparison units.", "只有一条序列，没有对照单位。"),
        )
    if requested in ("auto", choice.design):
        return choice
    if requested == "descriptive":
        return SeriesDesign(
            "descriptive",
            "Description requested: no causal estimate.",
            "按要求只作描述，不作因果估计。",
            shape=shape,
        )
    if requested == "its" and choice.design == "did" and unit and treated:
        pre, post_n = _count_periods(data, post, time, data[treated] == 1)
        if min(pre, post_n) >= MIN_PERIODS_PER_SIDE:
            return SeriesDesign(
                "its",
                "Interrupted time series requested (comparison units exist: DiD would also work); "
                "comparative "
                "ITS on the treated minus the comparison series (Newey-West standard errors).",
                "按要求使用中断时间序列（存在对照单位，也可用双重差分）：对干预组减对照组的差值序列做分析。",
                method="comparative_hac",
                shape=shape,
            )
    raise DataError(
        f"The data cannot support the requested design {requested!r}",
        value=requested,
        hint=f"Use design={choice.design!r}: {choice.reason_en}",
    )


EFFECT_COLUMNS = [
    "kpi",
    "term",
    "label",
    "touchpoint",
    "design",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "n",
    "n_clusters",
    "inference",
    "note",
    "unit",
    "higher_is_better",
    "threshold",
]


@dataclass
class KpiEffectsResult:
    """The effects of an improvement on a study's KPIs (see :func:`evaluate_kpis`).

    ``effects``: one row per KPI and term; ``design``: the :class:`SeriesDesign` chosen and why.
    """

    effects: pd.DataFrame
    design: SeriesDesign

    def summary(self) -> pd.DataFrame:
        """The effects table (one row per KPI and term).

        Returns
        -------
        DataFrame
            ``kpi, term, label, touchpoint, design, estimate, se, ci_low, ci_high, p_value, n,
            n_clusters, inference, note, unit, higher_is_better, threshold``.
        """
        return self.effects.copy()


def _descriptive_row(series: KpiSeries, data: pd.DataFrame, kpi: str, choice: SeriesDesign) -> dict:
    post, treated = series.post, series.treated
    empty = {
        "estimate": np.nan,
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "n_clusters": None,
    }
    has_groups = treated is not None and (data[treated] == 0).any() and (data[treated] == 1).any()
    if treated is not None and has_groups and (data[post] == 0).any():
        fixed = [series.unit, series.time] if series.unit else None
        point = diff_in_diff(data, kpi, treated, post, fixed_effects=fixed, cov_type="nonrobust")
        return {
            **empty,
            "estimate": float(point.estimate),
            "n": int(point.n),
            "inference": "difference-in-differences point estimate only (no valid interval)",
        }
    if (data[post] == 0).any():
        before = data.loc[data[post] == 0, kpi]
        after = (
            data.loc[data[post] == 1, kpi]
            if treated is None
            else data.loc[(data[post] == 1) & (data[treated] == 1), kpi]
        )
        return {
            **empty,
            "estimate": float(after.mean() - before.mean()),
            "n": int(after.count() + before.count()),
            "inference": "before/after difference of means only (no valid interval)",
        }
    rows = data if treated is None else data[data[treated] == 1]
    after = rows.loc[rows[post] == 1, kpi]
    return {**empty, "n": int(after.count()), "inference": f"post-only mean {after.mean():.4g}"}


def _unsupported_kpi(data: pd.DataFrame, kpi: str, treated: str | None, post: str, label: str) -> str:
    """Why *kpi* cannot be evaluated at all (no values, none before or none after), or ""."""
    present = data[kpi].notna()
    if treated is not None and treated in data:
        present &= data[treated] == 1
    if not present.any():
        return f"{label} has no values{' for the treated units' if treated else ''}: it is not evaluated."
    for side, name in ((0, "before"), (1, "after")):
        if not (present & (data[post] == side)).any():
            return f"{label} has no values {name} the intervention: it is not evaluated."
    return ""


def evaluate_kpis(
    series: KpiSeries,
    kpis: list[str] | None = None,
    *,
    design: Literal["auto", "did", "its", "descriptive", "rollout"] = "auto",
    treated_touchpoint: str | None = None,
    comparison_touchpoints: list[str] | None = None,
    treated_units: list[str] | None = None,
    intervention: str | None = None,
    language: str | None = None,
    n_boot: int = 9999,
    ci: float = defaults.CI,
) -> KpiEffectsResult:
    """Effect of the improvement on each KPI of a study's series, with the design chosen from the data.

    See :func:`choose_series_design` for the choice. DiD uses unit and period fixed effects; its
    inference is cluster-robust (wild cluster bootstrap when clusters are few), placebo-in-space
    randomisation inference (one or two treated units) or HC1 (cross-sections of records). ITS
    runs on the mean series of the treated units (minus the comparison mean when comparison
    units exist), with seasonal terms only where the frequency has a season and each side holds
    two full cycles.

    Parameters
    ----------
    series : KpiSeries
        The study's KPI series (:func:`~research.evaluation.schema.load_kpi_series`).
    kpis : list of str, optional
        KPI columns to evaluate (default: all of the series).
    design : {"auto", "did", "its", "descriptive", "rollout"}
        The design; "auto" picks it from the data.
    treated_touchpoint, comparison_touchpoints, treated_units, intervention : optional
        Redefine the series' improvement (see :meth:`KpiSeries.redefine`).
    language : {"zh", "en"} or None
        Language of the KPI labels and units (``None``: the report's language).
    n_boot : int
        Wild cluster bootstrap draws.
    ci : float
        Confidence level of the intervals.

    Returns
    -------
    KpiEffectsResult
        ``design``: the :class:`SeriesDesign` chosen; ``effects`` (also ``.summary()``): one row
        per KPI and term: ``kpi, term, label, touchpoint, design, estimate, se, ci_low,
        ci_high, p_value, n, n_clusters, inference, note, unit, higher_is_better, threshold``.
        ``term`` is ``effect`` (the DiD estimate, the roll-out's overall Callaway-Sant'Anna
        estimate, or the ITS mean post-period effect: the row the verdict reads) and, for ITS,
        also ``level_change`` and ``slope_change`` (per period); for a roll-out in waves also
        ``twfe``, the plain two-way fixed-effects estimate for comparison (not judged).
        ``inference`` names the method; ``note`` is empty or a sentence on what limits the row
        (seasonal terms left out, an unbounded randomisation interval). Placebo-in-space rows
        have no ``se`` (NaN): the permutation distribution gives the interval directly.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation.schema import load_kpi_series
    >>> result = evaluate_kpis(load_kpi_series(load_study("sample")), ["wait_seconds"], n_boot=999)
    >>> table = result.summary()
    >>> result.design.design, bool(table.at[0, "ci_low"] < -90 < table.at[0, "ci_high"])
    ('did', True)
    """
    ci = check_ci(ci)
    language = resolve_language(language)
    series = series.redefine(
        intervention=intervention,
        treated_touchpoint=treated_touchpoint,
        comparison_touchpoints=comparison_touchpoints,
        treated_units=treated_units,
    )
    data = series.data
    unit, treated, post = series.unit, series.treated, series.post
    choice = choose_series_design(
        data, treated, post, unit, requested=design, time=series.period, start=series.start
    )
    rows = []
    for kpi in kpis or series.kpi_columns:
        definition = series.config.kpi(kpi)
        terms: list[tuple[str, dict]] = []
        missing = _unsupported_kpi(data, kpi, treated, post, definition.label_in(language))
        if missing:  # this KPI alone is skipped with a note; the others are reported
            terms.append(("effect", {"n": int(data[kpi].notna().sum()), "inference": "", "note": missing}))
        elif choice.design == "did" and choice.method == "placebo_in_space":
            from research.evaluation.randomization import placebo_in_space

            result = placebo_in_space(
                data.dropna(subset=[kpi]),
                outcome=kpi,
                unit=series.column("unit"),
                time=series.period,
                treated_units=series.treated_units(),
                post=post,
                ci=ci,
            ).iloc[0]
            terms.append(
                (
                    "effect",
                    {
                        "estimate": result["estimate"],
                        "se": np.nan,
                        "ci_low": result["ci_low"],
                        "ci_high": result["ci_high"],
                        "p_value": result["p_value"],
                        "n": result["n"],
                        "n_clusters": result["n_units"],
                        "inference": result["method"],
                        "note": result["note"] or "",
                    },
                )
            )
        elif choice.design == "did" and choice.method == "robust":
            fixed = [series.period] if data[series.period].nunique() > 2 else None
            did = diff_in_diff(
                data, kpi, series.column("treated"), post, fixed_effects=fixed, cov_type="HC1", ci=ci
            )
            terms.append(("effect", did.summary().iloc[0].to_dict()))
        elif choice.design == "did":
            did = diff_in_diff(
                data,
                kpi,
                series.column("treated"),
                post,
                cluster=series.column("unit"),
                fixed_effects=[series.column("unit"), series.time],
                n_boot=n_boot,
                ci=ci,
            )
            terms.append(("effect", did.summary().iloc[0].to_dict()))
        elif choice.design == "its":
            fit = kpi_its(series, kpi, comparative=choice.method == "comparative_hac", ci=ci)
            table = fit.table.set_index("term")
            for term, name in (
                ("mean_post_effect", "effect"),
                ("level_change", "level_change"),
                ("slope_change", "slope_change"),
            ):
                terms.append((name, {**table.loc[term].to_dict(), "n_clusters": None, "note": fit.note}))
        elif choice.design == "rollout":
            from research.evaluation.rollout import rollout_effects

            result = rollout_effects(
                data.dropna(subset=[kpi]),
                kpi,
                series.column("unit"),
                series.period,
                series.column("start"),
                ci=ci,
            )
            overall = result.overall.iloc[0]
            headline = overall[["estimate", "se", "ci_low", "ci_high", "p_value", "n"]].to_dict()
            terms.append(
                (
                    "effect",
                    {
                        **headline,
                        "n_clusters": int(overall["n_units"]),
                        "inference": overall["inference"],
                        "note": " ".join(result.notes),
                    },
                )
            )
            terms.append(
                (
                    "twfe",
                    {
                        **result.twfe.iloc[0].to_dict(),
                        "note": "plain two-way fixed effects, for comparison only",
                    },
                )
            )
        else:
            terms.append(("effect", _descriptive_row(series, data, kpi, choice)))
        for term, values in terms:
            rows.append(
                {
                    "kpi": kpi,
                    "term": term,
                    "label": definition.label_in(language),
                    "touchpoint": series.treated_touchpoint or "",
                    "design": choice.design,
                    **values,
                    "unit": definition.unit_in(language),
                    "higher_is_better": definition.higher_is_better,
                    "threshold": definition.threshold_value,
                }
            )
    table = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    table["note"] = [note if isinstance(note, str) else "" for note in table["note"]]
    return KpiEffectsResult(effects=table, design=choice)


def kpi_its(
    series: KpiSeries,
    kpi: str,
    *,
    comparative: bool = True,
    seasonality: Literal["auto", "fourier", "month", "dummies"] | None = "auto",
    data: pd.DataFrame | None = None,
    ci: float = defaults.CI,
) -> ItsFit:
    """ITS of one KPI of a study's series: the mean over treated units per period.

    With *comparative* and untreated units present, the comparison series is the mean over the
    untreated units (comparative ITS). A single series (no units) is fitted as it is. Time is the
    series' period index (a missing period leaves a gap), so the slope change is per period of
    the series' frequency. ``seasonality="auto"`` fits the frequency's seasonal terms (one dummy
    per quarter or month, Fourier terms for weeks and days) only where each side of the
    intervention holds two full cycles; ``ItsFit.note`` says which. ``ItsFit.series`` gets a
    ``label`` column (the period as the time column writes it).

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation.schema import load_kpi_series
    >>> fit = kpi_its(load_kpi_series(load_study("sample")), "fcr", comparative=False)
    >>> bool(fit.table.set_index("term").at["level_change", "ci_low"] < 0.06), fit.seasonality
    (True, None)
    """
    from research.evaluation.periods import FREQUENCIES, season_applies

    frame = series.data if data is None else data
    period, treated = series.period, series.treated
    if treated is None:
        means = frame.groupby(period, as_index=False)[kpi].mean()
        group = None
    else:
        means = frame.groupby([period, treated], as_index=False)[kpi].mean()
        group = treated if comparative and (means[treated] == 0).any() else None
        if group is None:
            means = means[means[treated] == 1].drop(columns=treated)
    cycle = series.periods.seasonal_cycle() or 52.0
    note = ""
    if seasonality == "auto":
        applies, note = season_applies(series.periods, series.intervention)
        seasonality = FREQUENCIES[series.frequency].season if applies else None
    fit = interrupted_time_series(
        means, kpi, period, series.intervention, seasonality=seasonality, period=cycle, group=group, ci=ci
    )
    fit.series["label"] = fit.series[period].map(series.label)
    fit.seasonality, fit.note = seasonality, note
    return fit
