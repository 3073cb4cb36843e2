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
from pathlib import Path

import yaml

COMPANY = {"zh": "星联通信", "en": "StarLink Telecom"}

STAGES = ["awareness", "consideration", "decision", "purchase", "after-sales"]
STAGE_NAMES = {
    "awareness": {"zh": "认知", "en": "Awareness"},
    "consideration": {"zh": "考虑", "en": "Consideration"},
    "decision": {"zh": "决策", "en": "Decision"},
    "purchase": {"zh": "购买", "en": "Purchase"},
    "after-sales": {"zh": "售后", "en": "After-sales"},
}

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

#: Segments used across surveys and interview cases.
REGIONS = {
    "east": {"zh": "华东", "en": "East"},
    "south": {"zh": "华南", "en": "South"},
    "north": {"zh": "华北", "en": "North"},
    "west": {"zh": "西部", "en": "West"},
}
TIERS = {
    "standard": {"zh": "普通", "en": "Standard"},
    "silver": {"zh": "银卡", "en": "Silver"},
    "gold": {"zh": "金卡", "en": "Gold"},
}
CHANNEL_PREFERENCES = {
    "online": {"zh": "线上", "en": "Online"},
    "offline": {"zh": "线下", "en": "Offline"},
    "mixed": {"zh": "线上线下", "en": "Mixed"},
}


#: The touchpoint catalog in study.yml form (data: catalog.yml next to this module).
CATALOG: list[dict] = yaml.safe_load(Path(__file__).with_name("catalog.yml").read_text(encoding="utf-8"))
