"""Design checks on a study's KPI series: pre-trends per KPI and regression to the mean.

These wrap :func:`research.evaluation.event_study`, :func:`pretrend_test` and
:func:`regression_to_mean` with the study's evaluation settings, so a notebook asks one question
("do the pre-trends hold for every KPI?") instead of looping over columns itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from research.evaluation.did import event_study, pretrend_test
from research.evaluation.rtm import regression_to_mean
from research.evaluation.schema import KpiSeries


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
    """

    table: pd.DataFrame
    event_studies: dict[str, pd.DataFrame] = field(default_factory=dict)


def pretrend_checks(
    series: KpiSeries,
    kpis: list[str] | None = None,
    *,
    intervention: str | None = None,
    bin_weeks: int = 8,
    language: str = "en",
) -> PretrendChecks:
    """Event study and joint test of the leads (pre-trends) for each KPI of *series*.

    Parameters
    ----------
    series : KpiSeries
        From :func:`research.evaluation.load_kpi_series`.
    kpis : list of str, optional
        KPI columns (default: all of the study's).
    intervention : str, optional
        ISO date (default: the study's intervention date).
    bin_weeks : int
        Periods per event-time bin; fewer leads than clusters keep the test well defined.
    language : {"zh", "en"}
        Language of the ``label`` column.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> checks = pretrend_checks(load_kpi_series(load_study("sample")), ["wait_seconds"])
    >>> bool(checks.table.at[0, "parallel"])
    True
    """
    config = series.config
    start = intervention or config.intervention_date.isoformat()
    rows, studies = [], {}
    for kpi in kpis or series.kpi_columns:
        arguments = (series.data, kpi, config.treated_column, config.time_column, start, config.unit_column)
        studies[kpi] = event_study(*arguments, bin_size=bin_weeks)
        test = pretrend_test(*arguments, bin_size=bin_weeks).iloc[0].to_dict()
        rows.append({"kpi": kpi, "label": config.kpi(kpi).label.get(language), **test})
    table = pd.DataFrame(rows)
    table["parallel"] = table["p_value"] >= 0.05
    return PretrendChecks(table=table, event_studies=studies)


def kpi_regression_to_mean(
    series: KpiSeries,
    kpi: str,
    *,
    treated_touchpoint: str | None = None,
    language: str = "en",
) -> pd.DataFrame:
    """Regression-to-the-mean check for the improved touchpoint on one KPI of *series*.

    The baseline is each touchpoint's pre-period mean of *kpi*; the retest correlation comes
    from the untreated units' means before and after (they had no intervention, so their
    before/after correlation is what chance alone leaves). See :func:`regression_to_mean`.

    Examples
    --------
    >>> from research import load_study
    >>> from research.evaluation import load_kpi_series
    >>> out = kpi_regression_to_mean(load_kpi_series(load_study("sample")), "satisfaction")
    >>> sorted(c for c in out.columns if c in ("r", "expected_change"))
    ['expected_change', 'r']
    """
    config = series.config
    data = series.data
    baseline = data[data["post"] == 0].groupby(config.touchpoint_column)[kpi].mean()
    untreated = data[data[config.treated_column] == 0]
    retest = untreated.pivot_table(index=config.unit_column, columns="post", values=kpi)
    return regression_to_mean(
        baseline,
        [treated_touchpoint or config.treated_touchpoint],
        retest=retest.rename(columns={0: "before", 1: "after"}),
        higher_is_better=config.kpi(kpi).higher_is_better,
        language=language,
        warn=False,
    )
