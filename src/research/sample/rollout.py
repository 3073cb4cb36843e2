"""Sample part: a store queueing system rolled out to store groups in three waves.

The second improvement of the sample study: a ticket-and-SMS queueing system reaches the retail
stores in three waves (store groups of 9), a quarter apart; 9 stores are still waiting at the
end of the series. The effect on the mean queue time differs by wave (the first group, the
busiest stores, gains most) and grows with exposure (staff learn the system), so the plain
two-way fixed-effects DiD is biased and the Callaway & Sant'Anna estimator is needed. Stores
share one trend, season and weekly shocks (parallel trends hold); each adds its own level and
AR(1) noise.

The planted effects are the constants below; tests and the README read them from here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from research.sample import story
from research.sample.kpis import _ar1, season_of
from research.sample.parts import SampleContext, kpi_definition

FILE_NAME = "store_rollout.csv"
FILE_ID = "kpi_store_rollout"
IMPROVEMENT = "store_queue"
RUN_ID = "evaluation-stores"
#: Stores per wave at scale 1, and stores not yet reached at the end of the series.
STORES_PER_WAVE = 9
WAITING_STORES = 9
#: First week of each wave (Mondays).
WAVE_STARTS = (dt.date(2025, 3, 3), dt.date(2025, 6, 2), dt.date(2025, 9, 1))
#: Planted change of the mean queue time (minutes) in a wave's first week ...
PLANTED_WAVE_LEVEL = (-6.0, -4.0, -2.0)
#: ... and its growth per week of exposure (all waves).
PLANTED_GROWTH = -0.06
KPIS = [
    kpi_definition(
        "queue_minutes", ("门店平均排队时长", "Mean queue time in store"), ("分钟", "min"), False, 1.0
    )
]
_BASE, _TREND, _LEVEL_SD, _UNIT_SD, _COMMON_SD = 14.0, 0.01, 2.5, 0.6, 0.5
_SEASON = {"pre_cny": 3.0, "cny": -2.0, "summer": 1.5}


def _weeks() -> list[dt.date]:
    return [story.SERIES_START + dt.timedelta(weeks=w) for w in range(story.SERIES_WEEKS)]


def wave_start_weeks() -> list[int]:
    """0-based week index of each wave's first week.

    Examples
    --------
    >>> wave_start_weeks()
    [34, 47, 60]
    """
    return [_weeks().index(start) for start in WAVE_STARTS]


def planted_effect(wave: int, exposure: int) -> float:
    """The planted change of the queue time in wave *wave* (0-based) after *exposure* weeks.

    Examples
    --------
    >>> planted_effect(0, 0), round(planted_effect(2, 10), 2)
    (-6.0, -2.6)
    """
    return PLANTED_WAVE_LEVEL[wave] + PLANTED_GROWTH * exposure


def planted_wave_effects() -> list[float]:
    """Per wave, the planted effect averaged over its weeks from its start to the series' end.

    This is what Callaway & Sant'Anna's ``group`` aggregation estimates for each wave.

    Examples
    --------
    >>> [round(e, 2) for e in planted_wave_effects()]
    [-8.07, -5.68, -3.29]
    """
    weeks = story.SERIES_WEEKS
    return [
        float(np.mean([planted_effect(w, e) for e in range(weeks - s)]))
        for w, s in enumerate(wave_start_weeks())
    ]


def planted_overall_effect() -> float:
    """The planted effect averaged over every treated store-week (the ``simple`` aggregation).

    Examples
    --------
    >>> round(planted_overall_effect(), 2)
    -6.04
    """
    weeks = story.SERIES_WEEKS
    cells = [planted_effect(w, e) for w, s in enumerate(wave_start_weeks()) for e in range(weeks - s)]
    return float(np.mean(cells))


def planted_event_effect(exposure: int) -> float:
    """The planted effect at *exposure* weeks after the start, averaged over the waves observed then.

    Examples
    --------
    >>> round(planted_event_effect(0), 2)
    -4.0
    """
    waves = [w for w, s in enumerate(wave_start_weeks()) if s + exposure < story.SERIES_WEEKS]
    return float(np.mean([planted_effect(w, exposure) for w in waves]))


def store_panel(ctx: SampleContext) -> pd.DataFrame:
    """One row per store and week of the rollout.

    Columns ``store, region, store_group, week_start, queue_start, visits, queue_minutes``
    (``queue_start`` empty for stores not yet reached).
    """
    rng = ctx.rng("store_rollout")
    per_wave = max(2, round(STORES_PER_WAVE * ctx.scale))
    waiting = max(2, round(WAITING_STORES * ctx.scale))
    groups = [g for g in range(len(WAVE_STARTS)) for _ in range(per_wave)] + [None] * waiting
    n, weeks = len(groups), _weeks()
    names = list(story.REGIONS)
    regions = [names[i % len(names)] for i in range(n)]
    t = np.arange(len(weeks), dtype=float)
    season = np.array([_SEASON.get(season_of(w) or "", 0.0) for w in weeks])
    level = rng.normal(0.0, _LEVEL_SD, size=(n, 1))
    common = _ar1(rng, (1, len(weeks)), 0.6, _COMMON_SD)
    noise = _ar1(rng, (n, len(weeks)), 0.4, _UNIT_SD)
    starts = wave_start_weeks()
    effect = np.zeros((n, len(weeks)))
    for i, group in enumerate(groups):
        if group is not None:
            exposure = t - starts[group]
            effect[i] = np.where(exposure >= 0, planted_effect(group, 0) + PLANTED_GROWTH * exposure, 0.0)
    values = _BASE + level + _TREND * t + season + common + noise + effect
    visits = rng.poisson(900 * np.exp(rng.normal(0, 0.1, size=(n, 1))) * np.ones((1, len(weeks))))
    return pd.DataFrame(
        {
            "store": np.repeat([f"S{i + 1:02d}" for i in range(n)], len(weeks)),
            "region": np.repeat(regions, len(weeks)),
            "store_group": np.repeat(
                [f"wave {g + 1}" if g is not None else "waiting" for g in groups], len(weeks)
            ),
            "week_start": np.tile([w.isoformat() for w in weeks], n),
            "queue_start": np.repeat(
                [WAVE_STARTS[g].isoformat() if g is not None else "" for g in groups], len(weeks)
            ),
            "visits": visits.ravel(),
            "queue_minutes": np.clip(values, 0.5, None).round(2).ravel(),
        }
    )


def improvement_section() -> dict:
    """The study.yml ``evaluation.improvements.store_queue`` entry."""
    return {
        "series_file": FILE_ID,
        "unit_column": "store",
        "time_column": "week_start",
        "start_column": "queue_start",
        "kpis": [dict(k) for k in KPIS],
    }


def run() -> dict:
    """The report run of the roll-out (notebook 30 with ``improvement: store_queue``)."""
    return {
        "id": RUN_ID,
        "notebook": "30_improvement_evaluation.ipynb",
        "title": "门店排队系统分批上线评估 / Store queueing system roll-out evaluation",
        "parameters": {"improvement": IMPROVEMENT, "design": "auto", "language": "zh", "survey_waves": False},
    }


def write(ctx: SampleContext, folder) -> tuple[dict, str]:
    """Write ``kpis/store_rollout.csv``; return its files: entry and the README truths."""
    frame = store_panel(ctx)
    frame.to_csv(folder / FILE_NAME, index=False, encoding="utf-8", lineterminator="\n")
    starts = ", ".join(f"wave {i + 1} {d.isoformat()}" for i, d in enumerate(WAVE_STARTS))
    levels = ", ".join(f"{v:+g}" for v in PLANTED_WAVE_LEVEL)
    per_wave = ", ".join(f"wave {i + 1} {v:+.2f}" for i, v in enumerate(planted_wave_effects()))
    truths = (
        f"- Second improvement (`evaluation.improvements.{IMPROVEMENT}`, run `{RUN_ID}`): a store queueing "
        f"system rolled out in waves. `kpis/{FILE_NAME}`: {frame['store'].nunique()} stores x "
        f"{story.SERIES_WEEKS} weeks; `queue_start` is each store's first week with it ({starts}; "
        f"{int((frame.drop_duplicates('store')['queue_start'] == '').sum())} stores not yet reached).\n"
        f"- Planted effect on the mean queue time (minutes): {levels} in a wave's first week, then "
        f"{PLANTED_GROWTH:+g} per week of exposure. Average over each wave's weeks since its start: "
        f"{per_wave}; over all treated store-weeks: {planted_overall_effect():+.2f}; on impact (event "
        f"time 0, mean of the waves): {planted_event_effect(0):+.2f}. Parallel trends hold.\n"
        "- Effects differ by wave and grow with exposure, so the plain two-way fixed-effects estimate is "
        "biased (already-treated stores serve as comparisons); the roll-out design "
        "(Callaway & Sant'Anna, not-yet-treated comparisons) recovers the planted effects."
    )
    entry = {
        "path": f"kpis/{FILE_NAME}",
        "role": "kpi_series",
        "description": "Weekly queue time per store; queueing system rolled out in three waves",
    }
    return entry, truths
