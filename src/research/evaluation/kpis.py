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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

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
from research.wording import resolve_language, say


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


def _reasons(key: str, parts: Mapping[str, str] | None = None, **values: Any) -> tuple[str, str]:
    """The sentence *key* in English and in Chinese; *parts* fills blanks with sentences first, in order."""

    def one(language: str) -> str:
        filled = dict(values)
        for blank, part in (parts or {}).items():
            filled[blank] = say("evaluation", part, language, **filled)
        return say("evaluation", key, language, **filled)

    return one("en"), one("zh")


def _its_or_descriptive(
    pre: int, post_n: int, series: str, shape: str, because: Mapping[str, str], **values: Any
) -> SeriesDesign:
    """ITS of *series* (or description when too short), *because* the sentence parts that say why."""
    if min(pre, post_n) >= MIN_PERIODS_PER_SIDE:
        return SeriesDesign(
            "its",
            *_reasons("reason_its", {**because, "what": f"reason_its_{series}"}, **values),
            method="comparative_hac" if series == "comparative" else "hac",
            shape=shape,
        )
    return SeriesDesign(
        "descriptive",
        *_reasons("reason_too_short", because, pre=pre, post=post_n, minimum=MIN_PERIODS_PER_SIDE, **values),
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
            {"because": "reason_no_comparison"},
        )
    counts = {"n_treated": n_treated, "n_untreated": both}
    if n_treated <= FEW_TREATED_CLUSTERS:
        if both >= MIN_PLACEBO_UNITS:
            smallest = 1 / math.comb(n_treated + both, n_treated)
            return SeriesDesign(
                "did",
                *_reasons("reason_placebo", {"counts": "reason_counts"}, smallest=smallest, **counts),
                method="placebo_in_space",
                shape="panel",
            )
        because = {"counts": "reason_counts", "because": "reason_too_few_placebo"}
        return _its_or_descriptive(
            pre, post_n, "comparative", "panel", because, minimum_placebo=MIN_PLACEBO_UNITS, **counts
        )
    if both <= FEW_TREATED_CLUSTERS or n_treated + both < MIN_CLUSTERS:
        because = {"counts": "reason_counts", "because": "reason_few_clusters"}
        return _its_or_descriptive(
            pre,
            post_n,
            "comparative",
            "panel",
            because,
            minimum_clusters=MIN_CLUSTERS,
            few_treated=FEW_TREATED_CLUSTERS,
            **counts,
        )
    return SeriesDesign(
        "did",
        *_reasons(
            "reason_did_wild" if n_treated + both < FEW_CLUSTERS else "reason_did_cluster",
            {"counts": "reason_counts"},
            clusters=n_treated + both,
            **counts,
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
        *_reasons("reason_rollout", n_treated=n_treated, n_waves=n_waves, never=never),
        method="group_time",
        shape="panel",
    )


def _cross_section_design(data: pd.DataFrame, treated: str, post: str, time: str | None) -> SeriesDesign:
    cells = data.groupby([treated, post]).size()
    if all((t, q) in cells.index for t in (0, 1) for q in (0, 1)):
        n_periods = data[time].nunique() if time else 2
        return SeriesDesign(
            "did",
            *_reasons(
                "reason_records_2x2" if n_periods == 2 else "reason_records_periods", n_periods=n_periods
            ),
            method="robust",
            shape="cross_sections",
        )
    return SeriesDesign(
        "descriptive",
        *_reasons("reason_records_unbalanced"),
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
            *_reasons("reason_no_pre_period"),
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
            {"because": "reason_one_series"},
        )
    if requested in ("auto", choice.design):
        return choice
    if requested == "descriptive":
        return SeriesDesign(
            "descriptive",
            *_reasons("reason_description_requested"),
            shape=shape,
        )
    if requested == "its" and choice.design == "did" and unit and treated:
        pre, post_n = _count_periods(data, post, time, data[treated] == 1)
        if min(pre, post_n) >= MIN_PERIODS_PER_SIDE:
            return SeriesDesign(
                "its",
                *_reasons("reason_its_requested"),
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
