"""Before/after survey waves of a study: the improved touchpoint's score and NPS, by design.

Reads the waves through the survey pillar's public API and compares them with
:func:`research.evaluation.compare_waves`, which analyses panel members (paired) and fresh
respondents (independent) separately and never pools them silently.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from research import defaults
from research.errors import NotApplicable
from research.evaluation.designs import compare_waves
from research.study import Study


def _waves(
    study: Study, touchpoint: str | None, before: str | None, after: str | None
) -> tuple[str, str, str, bool]:
    """(touchpoint, before, after, has_nps) of the study's survey, or NotApplicable with the reason."""
    section = study.section("survey")
    if not section:
        raise NotApplicable(
            "The study has no survey, so no survey waves are compared.",
            missing_zh="本研究没有问卷，因此不比较问卷波次。",
        )
    if not touchpoint:
        raise NotApplicable(
            "No treated touchpoint is named, so no survey items rate what was improved.",
            "Name it with treated_touchpoint to compare its survey scores.",
            missing_zh="未指定受干预触点，因此没有题目评价被改进的对象。",
            remedy_zh="用 treated_touchpoint 指定，即可比较其问卷得分。",
        )
    waves = section.get("waves") or {}
    if len(waves) < 2:
        raise NotApplicable(
            f"The survey has {len(waves)} wave(s); a before/after comparison needs two.",
            missing_zh=f"问卷只有 {len(waves)} 个波次；前后比较需要两个。",
        )
    items = section.get("items") or {}
    if not any((spec or {}).get("touchpoint") == touchpoint for spec in items.values()):
        raise NotApplicable(
            f"No survey item rates the treated touchpoint {touchpoint!r}, so the waves cannot show its "
            "score.",
            missing_zh=f"没有问卷题目评价受干预触点 {touchpoint!r}，因此波次无法展示其得分。",
        )
    order = list(waves)
    if all((spec or {}).get("date") for spec in waves.values()):
        order.sort(key=lambda name: str(waves[name]["date"]))
    nps = (section.get("outcomes") or {}).get("nps")
    return touchpoint, before or order[0], after or order[-1], bool(nps)


def _score_unit(study: Study, touchpoint: str) -> str:
    """The answer range of the touchpoint's items ("1-5"), from its first item's scale."""
    section = study.section("survey")
    item = next(spec for spec in section["items"].values() if (spec or {}).get("touchpoint") == touchpoint)
    scale = (section.get("scales") or {}).get(item.get("scale"), {})
    low, high = scale.get("min"), scale.get("max")
    return f"{low}-{high}" if low is not None and high is not None else ""


def survey_wave_effects(
    study: Study,
    touchpoint: str | None,
    *,
    before: str | None = None,
    after: str | None = None,
    weighted: bool = True,
    ci: float = defaults.CI,
) -> pd.DataFrame:
    """Change of *touchpoint*'s mean item score and of the NPS (-100..100) between two waves.

    Parameters
    ----------
    study : Study
        A study with a ``survey:`` section declaring both waves.
    touchpoint : str
        Touchpoint id; its score is the mean of its items per respondent.
    before, after : str, optional
        Wave names (default: the first and the last wave, by fieldwork date when every wave has
        one, else in the order of study.yml).
    weighted : bool
        Use the waves' survey weights for the independent (fresh-respondent) part.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per KPI and design part: ``kpi`` (``touchpoint_mean`` or ``nps``), ``touchpoint``,
        ``unit``, ``design``, ``respondents``, ``estimate`` (after minus before), ``se``,
        ``ci_low``, ``ci_high``, ``p_value``, ``test``. The NPS rows only when the survey declares
        an NPS item (``survey.outcomes.nps``).

    Raises
    ------
    NotApplicable
        No survey, fewer than two waves, no touchpoint, or no item rating it.

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

    rated, before, after, has_nps = _waves(study, touchpoint, before, after)
    waves = {}
    for name in (before, after):
        data = load_survey(study, name, weighting="auto" if weighted else "none")
        frame = data.responses[["respondent_id", "weight"]].copy()
        frame["touchpoint_mean"] = data.touchpoint_scores()[touchpoint]
        if has_nps:
            frame["nps"] = data.responses[data.outcome["nps"]]
        waves[name] = frame
    parts = []
    kinds: list[tuple[str, Literal["mean", "nps"], str]] = [
        ("touchpoint_mean", "mean", _score_unit(study, rated)),
        ("nps", "nps", "NPS points"),
    ]
    kinds = kinds[: 2 if has_nps else 1]
    for kpi, kind, unit in kinds:
        b = waves[before].dropna(subset=[kpi])
        a = waves[after].dropna(subset=[kpi])
        both = pd.concat([b.assign(_after=0), a.assign(_after=1)], ignore_index=True)
        result = compare_waves(
            both,
            kpi,
            "_after",
            id_column="respondent_id",
            kind=kind,
            weights="weight" if weighted else None,
            ci=ci,
        )
        parts.append(result.assign(kpi=kpi, touchpoint=touchpoint, unit=unit))
    table = pd.concat(parts, ignore_index=True)
    first = [
        "kpi",
        "touchpoint",
        "unit",
        "design",
        "respondents",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "p_value",
        "test",
    ]
    return table[[c for c in first if c in table.columns] + [c for c in table.columns if c not in first]]
