"""The fictional sample study every pillar's sample data tells: one story, shared constants.

A mainland telecom operator ("星联通信 / StarLink Telecom", fictional) runs a 4G-to-5G upgrade
and number-porting campaign and studies its touchpoints. Interviews surface the pain points;
two survey waves measure satisfaction before and after an improvement; weekly KPIs track the
improved touchpoint and untreated comparisons; an event log records the journeys.

The improvement: on ``INTERVENTION_DATE`` the hotline got a redesigned IVR (a 5G-upgrade
shortcut, call-back instead of queueing) in the treated call centres. Each pillar's generator
plants its truths relative to these constants and writes them into the study README.
"""

from __future__ import annotations

import datetime as dt

from research.sample.parts import read_data

COMPANY = {"zh": "星联通信", "en": "StarLink Telecom"}

_DATA = read_data("story.yml")
#: The journey stages in order, id -> zh/en label.
STAGE_NAMES: dict[str, dict[str, str]] = _DATA["stages"]
STAGES = list(STAGE_NAMES)

#: The touchpoint improved by the intervention.
IMPROVED_TOUCHPOINT = "hotline"
#: Untreated touchpoints usable as comparisons (KPI series exist for them too).
COMPARISON_TOUCHPOINTS = ["store", "app"]
#: Monday of the launch week of the new hotline IVR.
INTERVENTION_DATE = dt.date(2025, 7, 7)
#: Weekly KPI series: 104 weeks, 52 before and 52 from the intervention week on.
SERIES_START = dt.date(2024, 7, 8)
SERIES_WEEKS = 104
#: Survey waves: before and after the improvement.
WAVES = {"before": dt.date(2025, 5, 15), "after": dt.date(2025, 10, 15)}

#: The interviews' planted main pain points (touchpoint, theme), most important first.
MAIN_PAIN_POINTS = [
    ("hotline", "long waits and a maze-like IVR"),
    ("bill", "unexpected charges after the 5G package upgrade"),
    ("home_install", "missed or rescheduled installation appointments"),
    ("number_porting", "porting-out obstruction and retention pressure"),
]

#: Segments used across surveys and interview cases: id -> zh/en label.
REGIONS: dict[str, dict[str, str]] = _DATA["segments"]["region"]
TIERS: dict[str, dict[str, str]] = _DATA["segments"]["tier"]
CHANNEL_PREFERENCES: dict[str, dict[str, str]] = _DATA["segments"]["channel"]
#: The touchpoint catalog in study.yml form.
CATALOG: list[dict] = _DATA["touchpoints"]
