"""Before/after survey waves of a study: the improved touchpoint's score and NPS, by design.

Reads the waves through the survey pillar's public API and compares them with
:func:`research.evaluation.compare_waves`, which analyses panel members (paired) and fresh
respondents (independent) separately and never pools them silently.
"""

from __future__ import annotations

import pandas as pd

from research.evaluation.designs import compare_waves
from research.study import Study


def survey_wave_effects(
    study: Study,
    touchpoint: str,
    *,
    before: str = "before",
    after: str = "after",
    weighted: bool = True,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Change of *touchpoint*'s mean score (1-5) and of the NPS (-100..100) between two waves.

    Parameters
    ----------
    study : Study
        A study with a ``survey:`` section declaring both waves.
    touchpoint : str
        Touchpoint id; its score is the mean of its items per respondent.
    before, after : str
        Wave names.
    weighted : bool
        Use the waves' survey weights for the independent (fresh-respondent) part.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per KPI and design part: ``kpi`` (``touchpoint_mean`` or ``nps``), ``touchpoint``,
        ``unit``, ``design``, ``respondents``, ``estimate`` (after minus before), ``se``,
        ``ci_low``, ``ci_high``, ``p_value``, ``test``.

    Examples
    --------
    >>> from research import load_study
    >>> effects = survey_wave_effects(load_study("sample"), "hotline")
    >>> sorted(set(effects["design"]))
    ['independent', 'panel']
    >>> bool((effects.query("kpi == 'touchpoint_mean'")["ci_low"] > 0).all())
    True
    """
    from research.survey import load_survey

    waves = {}
    for name in (before, after):
        data = load_survey(study, name, weights="auto" if weighted else "none")
        frame = data.responses[["respondent_id", "weight"]].copy()
        frame["touchpoint_mean"] = data.touchpoint_scores()[touchpoint]
        frame["nps"] = data.responses[data.outcome["nps"]]
        waves[name] = frame
    parts = []
    for kpi, kind, unit in (("touchpoint_mean", "mean", "1-5"), ("nps", "nps", "NPS points")):
        b = waves[before].dropna(subset=[kpi])
        a = waves[after].dropna(subset=[kpi])
        result = compare_waves(b, a, kpi, id_column="respondent_id", kind=kind,
                               weight="weight" if weighted else None, ci=ci)
        parts.append(result.assign(kpi=kpi, touchpoint=touchpoint, unit=unit))
    table = pd.concat(parts, ignore_index=True)
    first = ["kpi", "touchpoint", "unit", "design", "respondents", "estimate", "se", "ci_low", "ci_high",
             "p_value", "test"]
    return table[[c for c in first if c in table.columns] + [c for c in table.columns if c not in first]]
