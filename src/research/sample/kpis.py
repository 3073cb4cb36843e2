"""Sample part: weekly KPI panel of the improved hotline and its untreated comparisons.

A panel of units (hotline call centres, retail stores, app service desks) by 104 weeks. The new
IVR with call-back (``story.INTERVENTION_DATE``, week 53) reaches only the hotline call centres
in the treated regions; untreated hotline centres, stores and the app carry no effect. All units
share one trend, one seasonal pattern (Chinese New Year, summer peak) and weekly common shocks,
so pre-trends are parallel by construction; each unit adds its own level and AR(1) noise.

The planted effects are the constants below; tests and notebook 30 read them from here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from research.sample import story
from research.sample.parts import SampleContext, SamplePart, kpi_definition

SUBFOLDER = "kpis"
FILE_NAME = "weekly_kpis.csv"
FILE_ID = "kpi_weekly"
RUN_ID = "evaluation-hotline"
NOTEBOOK = "30_improvement_evaluation.ipynb"
#: Regions whose hotline call centres got the new IVR.
TREATED_REGIONS = ("east", "south")
#: Units per touchpoint at scale 1 (hotline centres split evenly between the four regions).
UNITS_PER_TOUCHPOINT = {"hotline": 12, "store": 8, "app": 4}

#: KPI columns, their labels, units, direction and the practical threshold (smallest change
#: that matters to the business), as declared in study.yml's ``evaluation.kpis``.
KPIS = [
    kpi_definition("wait_seconds", ("平均等待时长", "Average wait time"), ("秒", "s"), False, 30.0),
    kpi_definition(
        "fcr", ("首次解决率", "First-contact resolution"), ("比例 (0-1)", "share (0-1)"), True, 0.02
    ),
    kpi_definition(
        "complaint_rate", ("投诉率", "Complaint rate"), ("每千次接触", "per 1,000 contacts"), False, 0.5
    ),
    kpi_definition(
        "satisfaction", ("满意度均值", "Mean satisfaction"), ("分 (1-5)", "points (1-5)"), True, 0.1
    ),
]

#: Planted immediate level change on treated units from the intervention week on (KPI units).
PLANTED_LEVEL = {"wait_seconds": -90.0, "fcr": 0.06, "complaint_rate": -1.2, "satisfaction": 0.15}
#: Planted change of slope per week after the intervention (only satisfaction keeps improving).
PLANTED_SLOPE = {"wait_seconds": 0.0, "fcr": 0.0, "complaint_rate": 0.0, "satisfaction": 0.004}
POST_WEEKS = story.SERIES_WEEKS - 52


def planted_did_effect(kpi: str, post_weeks: int = POST_WEEKS) -> float:
    """The average post-period effect a difference-in-differences estimates for *kpi*.

    Level change plus slope change times the mean number of weeks since the intervention
    (0, 1, ..., post_weeks - 1).

    Examples
    --------
    >>> planted_did_effect("wait_seconds")
    -90.0
    >>> round(planted_did_effect("satisfaction"), 3)
    0.252
    """
    return PLANTED_LEVEL[kpi] + PLANTED_SLOPE[kpi] * (post_weeks - 1) / 2


#: Levels by touchpoint, common linear trend per week, noise sd (unit AR(1), common shocks).
_BASE = {
    "hotline": {"wait_seconds": 240.0, "fcr": 0.68, "complaint_rate": 6.5, "satisfaction": 3.40},
    "store": {"wait_seconds": 420.0, "fcr": 0.76, "complaint_rate": 4.0, "satisfaction": 3.80},
    "app": {"wait_seconds": 70.0, "fcr": 0.60, "complaint_rate": 3.0, "satisfaction": 3.90},
}
_TREND = {"wait_seconds": 0.20, "fcr": 0.0002, "complaint_rate": 0.004, "satisfaction": -0.0008}
_UNIT_SD = {"wait_seconds": 12.0, "fcr": 0.012, "complaint_rate": 0.25, "satisfaction": 0.05}
_UNIT_LEVEL_SD = {"wait_seconds": 25.0, "fcr": 0.03, "complaint_rate": 0.6, "satisfaction": 0.12}
_COMMON_SD = {"wait_seconds": 8.0, "fcr": 0.006, "complaint_rate": 0.15, "satisfaction": 0.03}
#: Seasonal shifts: the two weeks before Chinese New Year (rush), the holiday weeks, summer.
_SEASON = {
    "pre_cny": {"wait_seconds": 35.0, "fcr": -0.02, "complaint_rate": 0.6, "satisfaction": -0.08},
    "cny": {"wait_seconds": -25.0, "fcr": 0.01, "complaint_rate": -0.3, "satisfaction": 0.03},
    "summer": {"wait_seconds": 20.0, "fcr": -0.01, "complaint_rate": 0.3, "satisfaction": -0.05},
}
_CONTACTS = {"hotline": 12_000, "store": 1_500, "app": 20_000}
CHINESE_NEW_YEAR = (dt.date(2025, 1, 29), dt.date(2026, 2, 17))
_AR = {"unit": 0.4, "common": 0.6}


def season_of(week_start: dt.date) -> str | None:
    """The seasonal period a week falls in: ``pre_cny``, ``cny``, ``summer`` or None."""
    for new_year in CHINESE_NEW_YEAR:
        days = (week_start - new_year).days
        if -20 <= days < -6:
            return "pre_cny"
        if -6 <= days < 8:
            return "cny"
    if week_start.month in (7, 8):
        return "summer"
    return None


def _ar1(rng: np.random.Generator, shape: tuple[int, int], rho: float, sd: float) -> np.ndarray:
    """AR(1) noise along axis 1 with stationary standard deviation *sd*."""
    shocks = rng.normal(0.0, sd * np.sqrt(1 - rho**2), size=shape)
    out = np.empty(shape)
    out[:, 0] = rng.normal(0.0, sd, size=shape[0])
    for t in range(1, shape[1]):
        out[:, t] = rho * out[:, t - 1] + shocks[:, t]
    return out


def _units(scale: float) -> pd.DataFrame:
    regions = list(story.REGIONS)
    rows = []
    for touchpoint, count in UNITS_PER_TOUCHPOINT.items():
        n = max(len(regions) if touchpoint == "hotline" else 2, round(count * scale))
        for index in range(n):
            region = regions[index % len(regions)]
            treated = touchpoint == story.IMPROVED_TOUCHPOINT and region in TREATED_REGIONS
            rows.append(
                {
                    "unit": f"{touchpoint}_{index + 1:03d}",
                    "touchpoint": touchpoint,
                    "region": region,
                    "treated": int(treated),
                }
            )
    return pd.DataFrame(rows)


def weekly_panel(ctx: SampleContext) -> pd.DataFrame:
    """The KPI panel: one row per unit and week (see the module docstring)."""
    rng = ctx.rng("kpis")
    units = _units(ctx.scale)
    weeks = [story.SERIES_START + dt.timedelta(weeks=w) for w in range(story.SERIES_WEEKS)]
    n_units, n_weeks = len(units), len(weeks)
    t = np.arange(n_weeks, dtype=float)
    since = t - 52
    post = (since >= 0).astype(float)
    seasons = [season_of(w) for w in weeks]
    treated = units["treated"].to_numpy(dtype=float)[:, None]
    frame = pd.DataFrame(
        {
            "unit": np.repeat(units["unit"], n_weeks),
            "touchpoint": np.repeat(units["touchpoint"], n_weeks),
            "region": np.repeat(units["region"], n_weeks),
            "treated": np.repeat(units["treated"], n_weeks),
            "week": np.tile(np.arange(1, n_weeks + 1), n_units),
            "week_start": np.tile([w.isoformat() for w in weeks], n_units),
        }
    )
    contacts_base = units["touchpoint"].map(_CONTACTS).to_numpy(dtype=float)[:, None]
    season_volume = np.array(
        [{"pre_cny": 1.3, "cny": 0.7, "summer": 1.15}.get(s or "", 1.0) for s in seasons]
    )
    contacts = rng.poisson(contacts_base * season_volume * rng.lognormal(0, 0.05, (n_units, n_weeks)))
    frame["contacts"] = contacts.ravel()
    for kpi in PLANTED_LEVEL:
        base = units["touchpoint"].map(lambda tp, k=kpi: _BASE[tp][k]).to_numpy()[:, None]
        level = rng.normal(0.0, _UNIT_LEVEL_SD[kpi], size=(n_units, 1))
        season = np.array([_SEASON[s][kpi] if s else 0.0 for s in seasons])
        common = _ar1(rng, (1, n_weeks), _AR["common"], _COMMON_SD[kpi])
        noise = _ar1(rng, (n_units, n_weeks), _AR["unit"], _UNIT_SD[kpi])
        effect = treated * post * (PLANTED_LEVEL[kpi] + PLANTED_SLOPE[kpi] * since)
        values = base + level + _TREND[kpi] * t + season + common + noise + effect
        if kpi == "complaint_rate":
            # complaints are counts: the rate carries Poisson noise on top
            complaints = rng.poisson(np.clip(values, 0.05, None) * contacts / 1000)
            frame["complaints"] = complaints.ravel()
            values = complaints / contacts * 1000
        frame[kpi] = values.ravel()
    frame["fcr"] = frame["fcr"].clip(0, 1).round(4)
    frame["satisfaction"] = frame["satisfaction"].clip(1, 5).round(3)
    frame["wait_seconds"] = frame["wait_seconds"].clip(lower=5).round(1)
    frame["complaint_rate"] = frame["complaint_rate"].round(3)
    return frame


def section() -> dict:
    """The study.yml ``evaluation:`` section of the sample study."""
    from research.sample import rollout  # the second improvement (imports this module's helpers)

    return {
        "intervention_date": story.INTERVENTION_DATE.isoformat(),
        "treated_touchpoint": story.IMPROVED_TOUCHPOINT,
        "comparison_touchpoints": list(story.COMPARISON_TOUCHPOINTS),
        "series_file": FILE_ID,
        "unit_column": "unit",
        "time_column": "week_start",
        "touchpoint_column": "touchpoint",
        "treated_column": "treated",
        "kpis": [dict(k) for k in KPIS],
        "improvements": {rollout.IMPROVEMENT: rollout.improvement_section()},
    }


def generate(ctx: SampleContext) -> SamplePart:
    """Write ``kpis/weekly_kpis.csv`` (and the roll-out's file) and return the section, files and runs."""
    from research.sample import rollout

    frame = weekly_panel(ctx)
    folder = ctx.out / SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    # The generator is the one writer allowed under data/raw (see research.sample.generate).
    frame.to_csv(folder / FILE_NAME, index=False, encoding="utf-8", lineterminator="\n")
    rollout_file, rollout_truths = rollout.write(ctx, folder)
    n_treated = int(frame.loc[frame["week"] == 1, "treated"].sum())
    n_units = frame["unit"].nunique()
    labels = {k["column"]: k["label"]["en"] for k in KPIS}
    effects = "; ".join(
        f"{labels[k]} {PLANTED_LEVEL[k]:+g}"
        + (f" then {PLANTED_SLOPE[k]:+g}/week" if PLANTED_SLOPE[k] else "")
        for k in PLANTED_LEVEL
    )
    truths = (
        f"- `kpis/weekly_kpis.csv`: {n_units} units x {story.SERIES_WEEKS} weeks from "
        f"{story.SERIES_START.isoformat()}; {n_treated} treated hotline call centres (regions "
        f"{', '.join(TREATED_REGIONS)}); untreated: the other hotline centres, stores and app desks.\n"
        f"- From {story.INTERVENTION_DATE.isoformat()} (week 53) the treated units change by: {effects}. "
        "Untreated units have no effect; pre-trends are parallel (common trend, season and shocks).\n"
        f"- Average post-period (difference-in-differences) effects: "
        + ", ".join(f"{labels[k]} {planted_did_effect(k):+.3g}" for k in PLANTED_LEVEL)
        + ".\n"
        "- Seasonality: waits rise in the two weeks before Chinese New Year and in July-August, so an "
        "interrupted time series of the treated series alone must model season (the launch falls in July).\n"
        + rollout_truths
    )
    return SamplePart(
        name="evaluation",
        files={
            FILE_ID: {
                "path": f"{SUBFOLDER}/{FILE_NAME}",
                "role": "kpi_series",
                "description": "Weekly KPIs per unit (hotline call centre, store, app desk)",
            },
            rollout.FILE_ID: rollout_file,
        },
        runs=[
            {
                "id": RUN_ID,
                "notebook": NOTEBOOK,
                "title": "热线改进评估 / Hotline improvement evaluation",
                "parameters": {
                    "treated_touchpoint": story.IMPROVED_TOUCHPOINT,
                    "design": "auto",
                    "language": "zh",
                },
            },
            rollout.run(),
        ],
        section=section(),
        truths=truths,
    )
