"""Design checks on a study's KPI series: pre-trends per KPI and regression to the mean.

These wrap :func:`research.evaluation.event_study`, :func:`pretrend_test` and
:func:`regression_to_mean` with the study's evaluation settings, so a notebook asks one question
("do the pre-trends hold for every KPI?") instead of looping over columns itself. When the data
cannot support a check (one series, cross-sections of records, a single pre-intervention
period, too few units) they raise :class:`~research.errors.NotApplicable` with the sentence a
report shows instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from research import defaults
from research.errors import DataError, NotApplicable
from research.evaluation.did import event_study, pretrend_test
from research.evaluation.periods import frequency_word
from research.evaluation.rtm import regression_to_mean
from research.evaluation.schema import KpiSeries
from research.wording import resolve_language

if TYPE_CHECKING:
    from research.evaluation.kpis import SeriesDesign

#: The automatic event-study bin aims at about this many bins before the intervention.
TARGET_PRE_BINS = 7


@dataclass
class PretrendChecks:
    """Event studies and joint pre-trend tests for several KPIs.

    Attributes
    ----------
    table : DataFrame
        One row per KPI: ``kpi``, ``label``, ``statistic``, ``df_num``, ``df_den``, ``p_value``,
        ``n_leads``, ``parallel`` (True when the leads are jointly compatible with zero at 5%).
    event_studies : dict
        KPI column -> the :func:`event_study` table (leads and lags with intervals).
    bin_periods : int
        Periods per event-time bin.
    """

    table: pd.DataFrame
    event_studies: dict[str, pd.DataFrame] = field(default_factory=dict)
    bin_periods: int = 1


def _shape_sentence(series: KpiSeries) -> str:
    return {
        "single_series": "The data are one series without comparison units",
        "cross_sections": "The data are cross-sections of individual records, not units followed over time",
    }.get(series.shape, "")


def event_bin(series: KpiSeries, bin_periods: int | None = None) -> int:
    """Periods per event-study bin: *bin_periods*, or about seven bins before the intervention.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> event_bin(load_kpi_series(load_study("sample")))  # 52 weeks before: bins of 8 weeks
    8
    """
    if bin_periods:
        return int(bin_periods)
    return max(1, math.ceil(series.intervention / TARGET_PRE_BINS))


def pretrend_checks(
    series: KpiSeries,
    kpis: list[str] | None = None,
    *,
    design: SeriesDesign | None = None,
    bin_periods: int | None = None,
    language: str | None = None,
) -> PretrendChecks:
    """Event study and joint test of the leads (pre-trends) for each KPI of *series*.

    Parameters
    ----------
    series : KpiSeries
        From :func:`research.evaluation.load_kpi_series` (with the intervention and treated units
        the report uses: :meth:`KpiSeries.redefine`).
    kpis : list of str, optional
        KPI columns (default: all of the study's).
    design : SeriesDesign, optional
        The design of the report; pre-trends are checked for cluster-robust DiD only.
    bin_periods : int, optional
        Periods per event-time bin (default :func:`event_bin`); fewer leads than clusters keep
        the test well defined.
    language : {"zh", "en"} or None
        Language of the ``label`` column (``None``: the report's language).

    Returns
    -------
    PretrendChecks
        The joint tests (``table``), the event studies by KPI and the bin size.

    Raises
    ------
    NotApplicable
        Not a panel, not a difference-in-differences design, one or two treated units (no valid
        cluster-robust interval for the leads), a single period before the intervention, or more
        leads than the clusters identify.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> checks = pretrend_checks(load_kpi_series(load_study("sample")), ["wait_seconds"])
    >>> bool(checks.table.at[0, "parallel"]), checks.bin_periods
    (True, 8)
    """
    if series.shape != "panel":
        raise NotApplicable(
            f"{_shape_sentence(series)}: there is no event study of units to test pre-trends on.",
            missing_zh="数据不是随时间追踪的单元面板：没有可检验前趋势的单元事件研究。",
        )
    if design is not None and design.design != "did":
        raise NotApplicable(
            f"Pre-trends are tested for difference-in-differences only; this report uses the {design.design} "
            "design.",
            missing_zh=f"前趋势只针对双重差分检验；本报告使用 {design.design} 设计。",
        )
    pre = int(series.data.loc[series.data[series.post] == 0, series.period].nunique())
    word = frequency_word(series.frequency, "en")
    if pre < 2:
        raise NotApplicable(
            f"Only one {word} before the intervention: there is no lead to test, so parallel pre-trends "
            "cannot be checked.",
            "More periods before the intervention would allow it.",
            missing_zh=f"干预前只有一个{frequency_word(series.frequency, 'zh')}："
            "没有可检验的领先项，无法检查平行前趋势。",
            remedy_zh="干预前有更多时期即可检验。",
        )
    if design is not None and design.method != "cluster":
        n = len(series.treated_units())
        raise NotApplicable(
            f"With {n} treated unit(s) the leads of an event study have no valid cluster-robust interval, so "
            "the pre-trend test is not shown.",
            "The randomisation inference of the effect does not depend on it; compare the series in the "
            "time-series figure instead.",
            missing_zh=f"只有 {n} 个受干预单元时，事件研究的领先项没有有效的聚类稳健区间，"
            "因此不展示前趋势检验。",
            remedy_zh="效果的随机化推断不依赖于此；请改看时间序列图中的序列。",
        )
    size = event_bin(series, bin_periods)
    rows, studies = [], {}
    for kpi in kpis or series.kpi_columns:
        arguments = (
            series.data,
            kpi,
            series.column("treated"),
            series.period,
            series.intervention,
            series.column("unit"),
        )
        try:
            studies[kpi] = event_study(*arguments, bin_size=size)
            test = pretrend_test(*arguments, bin_size=size).iloc[0].to_dict()
        except DataError as problem:
            raise NotApplicable(
                f"The pre-trend test cannot be computed: {problem.message}.", problem.hint or ""
            ) from None
        rows.append(
            {"kpi": kpi, "label": series.config.kpi(kpi).label_in(resolve_language(language)), **test}
        )
    table = pd.DataFrame(rows)
    table["parallel"] = table["p_value"] >= defaults.ALPHA
    return PretrendChecks(table=table, event_studies=studies, bin_periods=size)


def kpi_regression_to_mean(
    series: KpiSeries,
    kpi: str,
    *,
    treated_touchpoint: str | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """Regression-to-the-mean check for the improved touchpoint (or units) on one KPI of *series*.

    The baseline is each touchpoint's (without a touchpoint column: each unit's) pre-period mean
    of *kpi*; the retest correlation comes from the untreated units' means before and after (they
    had no intervention, so their before/after correlation is what chance alone leaves). See
    :func:`regression_to_mean`.

    Raises
    ------
    NotApplicable
        One series or cross-sections (no units to compare at baseline), fewer than two groups at
        baseline, or fewer than three untreated units measured before and after.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> out = kpi_regression_to_mean(load_kpi_series(load_study("sample")), "satisfaction")
    >>> sorted(c for c in out.columns if c in ("r", "expected_change"))
    ['expected_change', 'r']
    """
    if series.shape != "panel":
        raise NotApplicable(
            f"{_shape_sentence(series)}: regression to the mean compares units at baseline.",
            missing_zh="数据不是随时间追踪的单元面板：均值回归需要比较各单元的基线。",
        )
    data, post = series.data, series.post
    touchpoint = treated_touchpoint or series.treated_touchpoint
    if touchpoint:
        groups, selected = series.config.touchpoint_column, [touchpoint]
    else:
        groups, selected = series.unit, series.treated_units()
    before = data[data[post] == 0]
    baseline = before.groupby(before[groups].astype(str))[kpi].mean().dropna()
    if baseline.size < 2:
        raise NotApplicable(
            "Fewer than two groups have a baseline: regression to the mean needs others to compare.",
            missing_zh="有基线的组少于两个：均值回归需要可比较的其他组。",
        )
    untreated = data[data[series.treated] == 0]
    retest = untreated.pivot_table(index=series.unit, columns=post, values=kpi).dropna()
    if retest.shape[0] < 3 or retest.shape[1] < 2:
        raise NotApplicable(
            "Fewer than three untreated units are measured before and after: the retest correlation behind "
            "regression to the mean cannot be estimated.",
            missing_zh="干预前后都有测量的未受干预单元少于三个：无法估计均值回归所依据的重测相关。",
        )
    return regression_to_mean(
        baseline,
        selected,
        retest=retest.rename(columns={0: "before", 1: "after"}),
        higher_is_better=series.config.kpi(kpi).higher_is_better,
        language=language,
        warn=False,
    )


def regression_to_mean_checks(
    series: KpiSeries, kpis: list[str] | None = None, *, language: str | None = None
) -> pd.DataFrame:
    """:func:`kpi_regression_to_mean` for several KPIs, one row per KPI (with ``kpi`` and ``label``).

    Raises :class:`NotApplicable` when the series cannot support the check (see there).

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> series = load_kpi_series(load_study("sample"))
    >>> regression_to_mean_checks(series, ["fcr", "satisfaction"])["kpi"].tolist()
    ['fcr', 'satisfaction']
    """
    language = resolve_language(language)
    rows = [
        kpi_regression_to_mean(series, kpi, language=language).assign(
            kpi=kpi, label=series.config.kpi(kpi).label_in(language)
        )
        for kpi in kpis or series.kpi_columns
    ]
    table = pd.concat(rows, ignore_index=True)
    return table[["kpi", "label", *[c for c in table.columns if c not in ("kpi", "label")]]]
