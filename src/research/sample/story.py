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


def touchpoint(
    id_: str,
    zh: str,
    en: str,
    stage: str,
    phase: str,
    channel: str,
    type_: str,
    owner: str,
    zh_syn: list[str],
    en_syn: list[str],
    *,
    visibility: str = "front-stage",
    lifecycle: str = "maturity",
    description: str = "",
) -> dict:
    """One catalog entry in study.yml form."""
    return {
        "id": id_,
        "name": {"zh": zh, "en": en},
        "stage": stage,
        "phase": phase,
        "channel": channel,
        "type": type_,
        "visibility": visibility,
        "lifecycle": lifecycle,
        "owner": owner,
        "synonyms": {"zh": zh_syn, "en": en_syn},
        "description": description,
    }


CATALOG = [
    touchpoint(
        "outdoor_ads",
        "户外及电视广告",
        "Outdoor & TV ads",
        "awareness",
        "pre-purchase",
        "offline",
        "physical",
        "Brand marketing",
        ["广告", "电视广告", "户外广告", "地铁广告"],
        ["ad", "ads", "billboard", "tv commercial"],
        lifecycle="decline",
    ),
    touchpoint(
        "online_ads",
        "网络广告",
        "Online ads",
        "awareness",
        "pre-purchase",
        "online",
        "digital",
        "Digital marketing",
        ["网络广告", "短视频广告", "推送广告", "抖音广告"],
        ["online ad", "banner", "video ad", "social media ad"],
        lifecycle="development",
    ),
    touchpoint(
        "website",
        "官网",
        "Website",
        "consideration",
        "pre-purchase",
        "online",
        "digital",
        "E-commerce",
        ["官网", "网站", "网上营业厅"],
        ["website", "web site", "online store"],
    ),
    touchpoint(
        "wechat",
        "微信公众号",
        "WeChat account",
        "consideration",
        "pre-purchase",
        "online",
        "digital",
        "Digital marketing",
        ["微信", "公众号", "小程序"],
        ["wechat", "mini program"],
        lifecycle="development",
    ),
    touchpoint(
        "sales_rep",
        "客户经理",
        "Sales representative",
        "decision",
        "purchase",
        "offline",
        "interpersonal",
        "Retail operations",
        ["客户经理", "销售", "业务员", "店员"],
        ["sales rep", "salesperson", "account manager", "clerk"],
    ),
    touchpoint(
        "store",
        "营业厅",
        "Retail store",
        "purchase",
        "purchase",
        "offline",
        "physical",
        "Retail operations",
        ["营业厅", "门店", "实体店", "排队叫号"],
        ["store", "shop", "retail outlet", "branch"],
    ),
    touchpoint(
        "app",
        "手机营业厅App",
        "Mobile app",
        "purchase",
        "purchase",
        "online",
        "digital",
        "Digital channels",
        ["app", "APP", "手机营业厅", "客户端"],
        ["app", "mobile app"],
        lifecycle="development",
    ),
    touchpoint(
        "number_porting",
        "携号转网",
        "Number porting",
        "purchase",
        "purchase",
        "online",
        "digital",
        "Customer operations",
        ["携号转网", "转网", "转出", "授权码"],
        ["number porting", "port my number", "porting", "port out"],
        lifecycle="creation",
    ),
    touchpoint(
        "home_install",
        "上门安装",
        "Home installation visit",
        "after-sales",
        "usage",
        "offline",
        "interpersonal",
        "Field service",
        ["上门安装", "装维", "师傅", "宽带安装", "预约"],
        ["installation", "installer", "technician", "engineer visit"],
    ),
    touchpoint(
        "bill",
        "账单",
        "Bill",
        "after-sales",
        "usage",
        "online",
        "digital",
        "Billing",
        ["账单", "话费", "扣费", "资费", "流量费"],
        ["bill", "billing", "charge", "charges"],
    ),
    touchpoint(
        "hotline",
        "客服热线",
        "Service hotline",
        "after-sales",
        "usage",
        "offline",
        "interpersonal",
        "Customer service",
        ["客服热线", "10086", "热线", "人工客服", "语音菜单", "转人工"],
        ["hotline", "call center", "customer service line", "ivr", "phone menu"],
    ),
    touchpoint(
        "complaints",
        "投诉处理",
        "Complaint handling",
        "after-sales",
        "feedback",
        "offline",
        "interpersonal",
        "Customer service",
        ["投诉", "工信部投诉", "申诉"],
        ["complaint", "complain", "escalation"],
    ),
    touchpoint(
        "sms_notice",
        "短信通知",
        "SMS notifications",
        "after-sales",
        "usage",
        "online",
        "digital",
        "Billing",
        ["短信", "短信提醒", "通知"],
        ["sms", "text message", "notification"],
    ),
    touchpoint(
        "work_orders",
        "工单系统",
        "Work-order system",
        "after-sales",
        "feedback",
        "online",
        "digital",
        "IT",
        ["工单"],
        ["work order", "ticket"],
        visibility="back-stage",
        description="Back-stage: routes complaints and installation orders to field teams.",
    ),
]
