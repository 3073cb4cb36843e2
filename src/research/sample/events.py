"""Sample part: a multi-channel touchpoint event log (CRM, hotline, app/web) of ~200k events.

Each simulated customer walks the journey awareness -> consideration -> decision -> purchase ->
after-sales, touching channels that depend on their channel preference. Planted: a missed
installation appointment triples the customer's later hotline calls and raises their complaint
probability; online-preferring customers convert through the app faster.
"""

from __future__ import annotations

import copy
import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd

from research.sample import story
from research.sample.parts import SampleContext, SamplePart

CUSTOMERS = 20_000
START = pd.Timestamp("2025-01-06")
DAYS = 360
MISSED_INSTALL_RATE = 0.18
HOTLINE_CALLS_BASE = 0.9  # mean hotline calls after purchase
HOTLINE_MULTIPLIER_MISSED = 3.0
COMPLAINT_BASE, COMPLAINT_MISSED = 0.04, 0.22
CONVERSION = {"online": 0.62, "offline": 0.55, "mixed": 0.58}
NOTEBOOK = "40_journey_analytics.ipynb"
#: Parameters of the notebook-40 runs: they name the sample's events and touchpoints.
JOURNEY_PARAMETERS = {
    "segment": "channel_preference",
    "funnel": ["website", "store", "home_install"],
    "anchor_touchpoint": "website",
    "service_touchpoints": ["hotline", "complaints"],
    "not_upstream": ["bill", "sms_notice"],
    "exposure_event": "appointment_booked",
    "failure_event": "appointment_missed",
    "contact_touchpoint": "hotline",
    "complaint_touchpoint": "complaints",
    "outcome_event": "order",
    "outcome_touchpoints": ["store", "app"],
    "pre_touchpoints": ["online_ads", "outdoor_ads", "website", "wechat", "sales_rep"],
}
#: Report runs of notebook 40, added once the notebook exists (see :func:`generate`).
RUNS: list[dict] = [
    {
        "id": "journeys-zh",
        "notebook": NOTEBOOK,
        "title": "客户旅程分析 / Customer journey analytics (zh)",
        "parameters": {"language": "zh", **copy.deepcopy(JOURNEY_PARAMETERS)},
    },
    {
        "id": "journeys-en",
        "notebook": NOTEBOOK,
        "title": "Customer journey analytics (en)",
        "parameters": {"language": "en", **copy.deepcopy(JOURNEY_PARAMETERS)},
    },
]
#: (source system, touchpoint, event type, journey stage) of each kind of event.
EVENTS = {
    "ad_view": ("web", "online_ads", "impression", "awareness"),
    "tv_reach": ("crm", "outdoor_ads", "campaign_contact", "awareness"),
    "web_visit": ("web", "website", "page_view", "consideration"),
    "wechat_read": ("app", "wechat", "article_read", "consideration"),
    "rep_contact": ("crm", "sales_rep", "consultation", "decision"),
    "store_visit": ("crm", "store", "visit", "purchase"),
    "app_order": ("app", "app", "order", "purchase"),
    "store_order": ("crm", "store", "order", "purchase"),
    "port_request": ("crm", "number_porting", "port_in_request", "purchase"),
    "install_booked": ("crm", "home_install", "appointment_booked", "after-sales"),
    "install_done": ("crm", "home_install", "installation_completed", "after-sales"),
    "install_missed": ("crm", "home_install", "appointment_missed", "after-sales"),
    "bill_issued": ("crm", "bill", "bill_issued", "after-sales"),
    "sms": ("crm", "sms_notice", "sms_sent", "after-sales"),
    "hotline_call": ("hotline", "hotline", "call", "after-sales"),
    "complaint": ("crm", "complaints", "complaint_filed", "after-sales"),
}


def _customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    preference = rng.choice(list(story.CHANNEL_PREFERENCES), size=n, p=[0.45, 0.30, 0.25])
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in range(1, n + 1)],
            "region": rng.choice(list(story.REGIONS), size=n, p=[0.35, 0.25, 0.25, 0.15]),
            "tier": rng.choice(list(story.TIERS), size=n, p=[0.6, 0.3, 0.1]),
            "channel_preference": preference,
            "start_day": rng.integers(0, DAYS - 120, size=n),
        }
    )


def _journey(rng: np.random.Generator, customer: tuple, rows: list) -> None:
    customer_id, preference, start = customer
    online = preference != "offline"
    day = float(start)

    def emit(kind: str, gap_days: float) -> None:
        nonlocal day
        day += gap_days
        rows.append((customer_id, day, kind))

    for _ in range(rng.poisson(2.0 if online else 0.8)):
        emit("ad_view", rng.exponential(1.5))
    for _ in range(rng.poisson(0.6 if online else 1.4)):
        emit("tv_reach", rng.exponential(2.0))
    for _ in range(rng.poisson(1.8 if online else 0.7)):
        emit("web_visit" if rng.random() < 0.6 else "wechat_read", rng.exponential(2.0))
    if not online or rng.random() < 0.3:
        emit("rep_contact", rng.exponential(3.0))
    if rng.random() > CONVERSION[preference]:
        return
    speed = 2.0 if preference == "online" else 6.0  # planted: online buyers decide faster
    if online and rng.random() < 0.7:
        emit("app_order", rng.exponential(speed))
    else:
        emit("store_visit", rng.exponential(speed))
        emit("store_order", rng.exponential(0.02))
    if rng.random() < 0.35:
        emit("port_request", rng.exponential(0.5))
    missed = False
    if rng.random() < 0.5:  # broadband bundle: home installation
        emit("install_booked", rng.exponential(0.3))
        if rng.random() < MISSED_INSTALL_RATE:
            missed = True
            emit("install_missed", 2 + rng.exponential(2.0))
        emit("install_done", 2 + rng.exponential(3.0))
    for month in range(3):
        emit("bill_issued", 30 if month else rng.uniform(5, 30))
        emit("sms", rng.exponential(0.1))
    calls = rng.poisson(HOTLINE_CALLS_BASE * (HOTLINE_MULTIPLIER_MISSED if missed else 1.0))
    for _ in range(calls):
        rows.append((customer_id, start + rng.uniform(day - start - 80, day - start), "hotline_call"))
    if rng.random() < (COMPLAINT_MISSED if missed else COMPLAINT_BASE):
        rows.append((customer_id, day - rng.uniform(0, 60), "complaint"))


def event_log(rng: np.random.Generator, n_customers: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate customers and their events; return (events, customers)."""
    customers = _customers(rng, n_customers)
    rows: list = []
    for customer in customers[["customer_id", "channel_preference", "start_day"]].itertuples(index=False):
        _journey(rng, tuple(customer), rows)
    events = pd.DataFrame(rows, columns=["customer_id", "day", "kind"])
    events = events[(events["day"] >= 0) & (events["day"] < DAYS)]
    seconds = np.round(events["day"].to_numpy() * 86_400).astype("int64")
    events["timestamp"] = START + pd.to_timedelta(seconds, unit="s")
    meta = pd.DataFrame.from_dict(
        EVENTS, orient="index", columns=["source", "touchpoint", "event_type", "stage"]
    )
    events = events.join(meta, on="kind").sort_values(["timestamp", "customer_id"], kind="stable")
    events.insert(0, "event_id", [f"E{i:07d}" for i in range(1, len(events) + 1)])
    events["timestamp"] = events["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    columns = ["event_id", "customer_id", "timestamp", "source", "touchpoint", "event_type", "stage"]
    return events[columns].reset_index(drop=True), customers.drop(columns="start_day")


def _write_gzip_csv(frame: pd.DataFrame, path) -> None:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    # mtime=0 keeps the file byte-identical across regenerations.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


def generate(ctx: SampleContext) -> SamplePart:
    """Write ``events/events.csv.gz`` and ``events/customers.csv``."""
    rng = ctx.rng("events")
    events, customers = event_log(rng, max(50, int(CUSTOMERS * ctx.scale)))
    folder = ctx.out / "events"
    folder.mkdir(parents=True, exist_ok=True)
    _write_gzip_csv(events, folder / "events.csv.gz")
    customers.to_csv(folder / "customers.csv", index=False, lineterminator="\n")
    per_customer = events.groupby("customer_id")["event_type"]
    missed = set(events.loc[events["event_type"] == "appointment_missed", "customer_id"])
    calls = events[events["event_type"] == "call"].groupby("customer_id").size()
    installed = set(events.loc[events["event_type"] == "appointment_booked", "customer_id"])
    calls_missed = calls.reindex(sorted(missed), fill_value=0).mean()
    calls_kept = calls.reindex(sorted(installed - missed), fill_value=0).mean()
    truths = (
        f"- `events/events.csv.gz`: {len(events):,} events of {per_customer.ngroups:,} customers "
        f"({len(customers):,} simulated), {START.date()} to {(START + pd.Timedelta(days=DAYS)).date()}, "
        f"sources CRM, hotline, app and web.\n"
        f"- Of customers with an installation appointment, {MISSED_INSTALL_RATE:.0%} (planted) had it "
        f"missed; they call the hotline {HOTLINE_MULTIPLIER_MISSED:.0f}x as often (planted; observed "
        f"{calls_missed:.2f} vs {calls_kept:.2f} calls per customer) and file a complaint with "
        f"probability {COMPLAINT_MISSED:.0%} instead of {COMPLAINT_BASE:.0%}.\n"
        f"- Online-preferring customers order after a mean gap of 2 days from their last "
        f"pre-purchase touch, others after 6 days; conversion by preference: "
        + ", ".join(f"{k} {v:.0%}" for k, v in CONVERSION.items())
        + "."
    )
    notebooks = Path(__file__).resolve().parents[3] / "notebooks"
    return SamplePart(
        name="journeys",
        runs=list(RUNS) if (notebooks / NOTEBOOK).exists() else [],  # added with the notebook
        files={
            "events": {
                "path": "events/events.csv.gz",
                "role": "event_log",
                "description": "Touchpoint events: one row per event (CRM, hotline, app/web).",
            },
            "customers": {
                "path": "events/customers.csv",
                "role": "other",
                "description": "Customers of the event log with segments.",
            },
        },
        section={
            "sources": [
                {
                    "file": "events",
                    "person_id": "customer_id",
                    "timestamp": "timestamp",
                    "event": "event_type",
                    "touchpoint": "touchpoint",
                    "source_column": "source",
                }
            ],
            "customers": "customers",
            "customer_id": "customer_id",
        },
        truths=truths,
    )
