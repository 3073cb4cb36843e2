"""Sample part: a year of customer feedback and the open "why this score?" answers of both waves.

Files (under ``feedback/``):

- ``reviews.csv.gz``: app-store reviews (1-5 stars) and WeChat comments (no rating), one
  ``channel`` column telling them apart; mostly Chinese, some English; a few empty comments.
- ``tickets.jsonl.gz``: complaint tickets as JSON lines (time with a +08:00 offset, the
  touchpoint the ticket is filed under, a customer id; a few carry a phone number to redact).
- ``why_score.csv.gz``: the open-ended answer to "why this score?" of every survey respondent
  in both waves (blank when the respondent skipped it), keyed by the survey's respondent ids.

Texts are built from the keywords of the sample codebook (``interviews/codebook.yml``), so the
codebook's matcher finds what was planted. Planted truths (see :data:`APP_RELEASE`,
:data:`DETRACTOR_THEME`, :data:`UNCODED_SHARE`) are written to the README.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from research.sample import story
from research.sample.interview_texts import codebook_yaml_dict
from research.sample.parts import SampleContext, SamplePart, read_data

SUBFOLDER = "feedback"
NOTEBOOK = "15_feedback_analytics.ipynb"
#: Report runs of notebook 15, added once the notebook exists (see :func:`generate`).
RUNS: list[dict] = [
    {
        "id": "feedback-zh",
        "notebook": NOTEBOOK,
        "title": "客户反馈分析 / Customer feedback analytics (zh)",
        "parameters": {"language": "zh", "period": "M", "recent": 3},
    },
    {
        "id": "feedback-en",
        "notebook": NOTEBOOK,
        "title": "Customer feedback analytics (en)",
        "parameters": {"language": "en", "period": "M", "recent": 3},
    },
]

YEAR_START = dt.date(2025, 1, 1)
DAYS = 365
STREAM_SIZE = 24_000
#: Channel shares of the stream: app-store reviews, WeChat comments, complaint tickets.
CHANNELS = {"app_store": 0.40, "wechat": 0.35, "ticket": 0.25}
EN_SHARE = 0.12
#: The dated change: app version 6.0 released; from then on the app crashes and freezes.
APP_RELEASE = dt.date(2025, 9, 15)
EMERGING_CODE = "app_glitch"
EMERGING_BEFORE, EMERGING_AFTER = 0.01, 0.08
#: Share of items whose text no code of the codebook covers (mostly network signal: a codebook gap).
UNCODED_SHARE = 0.15
GAP_SHARE_OF_UNCODED = 0.6
#: The theme that separates detractors from promoters in the "why this score?" answers.
DETRACTOR_THEME = "bill_shock"
THEME_SHARE = {"detractor": 0.35, "passive": 0.12, "promoter": 0.03}
OPEN_ANSWER_RATE = 0.85
EMPTY_COMMENT_RATE = 0.005
PHONE_RATE = 0.02

_TEXTS = read_data("feedback_texts.yml")
#: Short sentences per code; each holds one of the code's codebook keywords.
SNIPPETS: dict[str, dict[str, list[str]]] = _TEXTS["snippets"]
#: Texts no code covers: network signal (the planted codebook gap) and plain remarks.
GAP_TEXTS: dict[str, list[str]] = _TEXTS["gap_texts"]
PLAIN_TEXTS: dict[str, list[str]] = _TEXTS["plain_texts"]
#: Type tails: [zh endings, en endings] per planted feedback type.
TAILS: dict[str, list[list[str]]] = _TEXTS["tails"]
#: Relative frequency of each code in the stream (the emerging code is drawn separately).
STREAM_WEIGHTS = {
    "hotline_wait": 8,
    "hotline_helpful": 4,
    "store_queue": 5,
    "bill_shock": 8,
    "bill_unclear": 5,
    "package_value": 5,
    "sms_reminder": 2,
    "install_missed": 4,
    "installer_professional": 3,
    "work_order_slow": 3,
    "porting_obstruction": 4,
    "porting_smooth": 2,
    "app_self_service": 6,
    "website_info": 2,
    "wechat_service": 3,
    "store_staff_helpful": 4,
    "sales_pushy": 3,
    "ad_misleading": 2,
    "complaint_slow": 4,
}
#: The hotline redesign halves hotline waiting mentions from the intervention date on.
HOTLINE_AFTER = 0.5


def _codebook() -> dict[str, dict]:
    return {c["id"]: c for c in codebook_yaml_dict()["codes"]}


def _type_for(codes: list[str], valence: dict[str, str], rng: np.random.Generator) -> str:
    if not codes:
        return str(rng.choice(["none", "complaint", "question"], p=[0.6, 0.25, 0.15]))
    if valence.get(codes[0]) == "pain_point":
        return str(rng.choice(["complaint", "suggestion", "question", "none"], p=[0.45, 0.2, 0.15, 0.2]))
    return str(rng.choice(["praise", "none", "suggestion"], p=[0.6, 0.3, 0.1]))


def _compose(codes: list[str], kind: str, language: str, rng: np.random.Generator) -> str:
    if codes:
        parts = [str(rng.choice(SNIPPETS[c][language])) for c in codes]
    else:
        pool = GAP_TEXTS if rng.random() < GAP_SHARE_OF_UNCODED else PLAIN_TEXTS
        parts = [str(rng.choice(pool[language]))]
    zh_tails, en_tails = TAILS[kind]
    tail = str(rng.choice(zh_tails if language == "zh" else en_tails))
    if language == "zh":
        text = "，".join(parts) + ("，" + tail if tail else "。")
    else:
        text = ", ".join(parts)
        text = text[0].upper() + text[1:] + (". " + tail if tail else ".")
    return text


def _draw_codes(rng: np.random.Generator, weights: Mapping[str, float], p_emerging: float) -> list[str]:
    if rng.random() < p_emerging:
        return [EMERGING_CODE]
    if rng.random() < UNCODED_SHARE / (1 - p_emerging):
        return []
    names = list(weights)
    p = np.array([weights[n] for n in names], dtype=float)
    k = 2 if rng.random() < 0.2 else 1
    return [str(c) for c in rng.choice(names, size=k, replace=False, p=p / p.sum())]


def stream(ctx: SampleContext) -> pd.DataFrame:
    """The planted stream: one row per item with its planted codes, type and channel."""
    rng = ctx.rng("feedback")
    book = _codebook()
    valence = {c: book[c].get("valence", "neutral") for c in book}
    n = max(400, round(STREAM_SIZE * ctx.scale))
    days = np.sort(rng.integers(0, DAYS, size=n))
    seconds = rng.integers(8 * 3600, 23 * 3600, size=n)
    channels = rng.choice(list(CHANNELS), size=n, p=list(CHANNELS.values()))
    rows = []
    for i in range(n):
        day = YEAR_START + dt.timedelta(days=int(days[i]))
        weights: dict[str, float] = dict(STREAM_WEIGHTS)
        if day >= story.INTERVENTION_DATE:
            weights["hotline_wait"] *= HOTLINE_AFTER
        p_emerging = EMERGING_AFTER if day >= APP_RELEASE else EMERGING_BEFORE
        codes = _draw_codes(rng, weights, p_emerging)
        language = "en" if rng.random() < EN_SHARE else "zh"
        kind = _type_for(codes, valence, rng)
        text = _compose(codes, kind, language, rng)
        if channels[i] == "wechat" and rng.random() < EMPTY_COMMENT_RATE:
            text = ""
        if channels[i] == "ticket" and rng.random() < PHONE_RATE:
            text += (
                f"联系电话139{int(rng.integers(10**7, 10**8)):08d}"
                if language == "zh"
                else f" Call me on 139{int(rng.integers(10**7, 10**8)):08d}"
            )
        pain = bool(codes) and valence.get(codes[0]) == "pain_point"
        rating = (
            int(rng.choice([1, 2], p=[0.6, 0.4]))
            if pain
            else int(rng.choice([4, 5], p=[0.4, 0.6]))
            if codes
            else int(rng.choice([2, 3, 4]))
        )
        touchpoints = (book[codes[0]].get("touchpoints") or [""]) if codes else [""]
        rows.append(
            {
                "day": day,
                "second": int(seconds[i]),
                "channel": str(channels[i]),
                "language": language,
                "codes": codes,
                "type": kind,
                "text": text,
                "rating": rating,
                "touchpoint": touchpoints[0],
            }
        )
    frame = pd.DataFrame(rows)
    frame["time"] = pd.to_datetime(frame["day"]) + pd.to_timedelta(frame["second"], unit="s")
    return frame


def _survey_scores(folder: Path) -> pd.DataFrame:
    """(wave, respondent_id, recommend) of the survey part's files, read as written."""
    frames = []
    before = pd.read_csv(folder / "before.csv", encoding="gbk", dtype=str)
    frames.append(before[["respondent_id", "recommend"]].assign(wave="before"))
    after = pd.read_excel(folder / "after.xlsx", skiprows=[1], dtype=object)
    frames.append(after[["respondent_id", "recommend"]].assign(wave="after"))
    panel, _meta = pyreadstat.read_sav(
        str(folder / "after_panel.sav"), usecols=["respondent_id", "recommend"]
    )
    frames.append(panel.assign(wave="after"))
    scores = pd.concat(frames, ignore_index=True)
    scores["recommend"] = pd.to_numeric(scores["recommend"], errors="coerce")
    scores.loc[~scores["recommend"].between(0, 10), "recommend"] = np.nan
    return scores


def open_answers(ctx: SampleContext, survey_folder: Path) -> pd.DataFrame:
    """The planted "why this score?" answers of every survey respondent (blank when skipped)."""
    rng = ctx.rng("feedback-open")
    scores = _survey_scores(survey_folder)
    book = _codebook()
    pains = [c for c in STREAM_WEIGHTS if book[c].get("valence") == "pain_point" and c != DETRACTOR_THEME]
    delights = [c for c in STREAM_WEIGHTS if book[c].get("valence") == "delight"]
    rows = []
    for record in scores.itertuples():
        score = record.recommend
        group = (
            ("detractor" if score <= 6 else "promoter" if score >= 9 else "passive")
            if score == score
            else "passive"
        )
        answered = rng.random() < OPEN_ANSWER_RATE
        codes: list[str] = []
        if rng.random() < THEME_SHARE[group]:
            codes.append(DETRACTOR_THEME)
        elif rng.random() < UNCODED_SHARE / (1 - THEME_SHARE[group]):
            codes = []
        else:
            pool = pains if group == "detractor" else delights if group == "promoter" else pains + delights
            codes.append(str(rng.choice(pool)))
        language = "en" if rng.random() < EN_SHARE else "zh"
        kind = (
            "complaint"
            if group == "detractor" and codes
            else "praise"
            if group == "promoter" and codes
            else "none"
        )
        text = _compose(codes, kind, language, rng) if answered else ""
        rows.append(
            {
                "respondent_id": record.respondent_id,
                "wave": record.wave,
                "why": text,
                "group": group,
                "codes": codes if answered else [],
                "answered": answered,
            }
        )
    return pd.DataFrame(rows)


def _write_csv_gz(path: Path, frame: pd.DataFrame) -> None:
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def _write_jsonl_gz(path: Path, records: list[dict]) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def _section() -> dict:
    return {
        "codebook": "codebook",
        "sources": [
            {
                "file": "feedback_reviews",
                "text_column": "text",
                "id_column": "review_id",
                "time_column": "posted_at",
                "source_column": "channel",
                "rating_column": "stars",
                "rating_min": 1,
                "rating_max": 5,
            },
            {
                "file": "feedback_tickets",
                "text_column": "description",
                "id_column": "ticket_id",
                "time_column": "created_at",
                "source": "complaint_ticket",
                "touchpoint_column": "touchpoint",
                "respondent_column": "customer_id",
            },
        ],
        "open_items": [
            {
                "file": "feedback_why",
                "text_column": "why",
                "respondent_column": "respondent_id",
                "wave_column": "wave",
                "source": "why_score",
            },
        ],
    }


def generate(ctx: SampleContext) -> SamplePart:
    """Write the feedback files; return their study.yml entries, section and planted truths."""
    folder = ctx.out / SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    items = stream(ctx)
    reviews = items[items["channel"] != "ticket"].reset_index(drop=True)
    stamp = reviews["time"]
    review_table = pd.DataFrame(
        {
            "review_id": [f"RV{i:06d}" for i in range(1, len(reviews) + 1)],
            "posted_at": np.where(
                reviews["channel"] == "wechat",
                stamp.dt.strftime("%Y/%m/%d %H:%M"),
                stamp.dt.strftime("%Y-%m-%d %H:%M:%S"),
            ),
            "channel": reviews["channel"],
            "stars": np.where(reviews["channel"] == "app_store", reviews["rating"].astype(str), ""),
            "text": reviews["text"],
        }
    )
    _write_csv_gz(folder / "reviews.csv.gz", review_table)
    tickets = items[items["channel"] == "ticket"].reset_index(drop=True)
    rng = ctx.rng("feedback-tickets")
    customers = rng.integers(1, 10**6, size=len(tickets))
    records = [
        {
            "ticket_id": f"TK{i:06d}",
            "created_at": t.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "touchpoint": tp,
            "customer_id": f"C{c:06d}",
            "description": text,
        }
        for i, (t, tp, c, text) in enumerate(
            zip(tickets["time"], tickets["touchpoint"], customers, tickets["text"], strict=True), 1
        )
    ]
    _write_jsonl_gz(folder / "tickets.jsonl.gz", records)
    answers = open_answers(ctx, ctx.out / "survey")
    _write_csv_gz(folder / "why_score.csv.gz", answers[["respondent_id", "wave", "why"]])

    release = pd.Timestamp(APP_RELEASE)
    glitch = items["codes"].map(lambda c: EMERGING_CODE in c)
    before, after = glitch[items["time"] < release].mean(), glitch[items["time"] >= release].mean()
    written = items[items["text"] != ""]
    uncoded = written["codes"].map(len).eq(0).mean()
    answered = answers[answers["answered"]]
    theme = answered["codes"].map(lambda c: DETRACTOR_THEME in c).groupby(answered["group"]).mean()
    detractors, passives, promoters = (
        theme.get(g, float("nan")) for g in ("detractor", "passive", "promoter")
    )
    planted = " / ".join(f"{THEME_SHARE[g]:.0%}" for g in ("detractor", "passive", "promoter"))
    n_reviews = int((items["channel"] == "app_store").sum())
    n_comments = int((items["channel"] == "wechat").sum())
    n_empty = int(items["text"].eq("").sum())
    last_day = YEAR_START + dt.timedelta(days=DAYS - 1)
    truths = f"""
- Feedback stream: {len(items)} items from {YEAR_START} to {last_day} (`feedback/reviews.csv.gz`:
  {n_reviews} app-store reviews with 1-5 stars and {n_comments} WeChat comments;
  `feedback/tickets.jsonl.gz`: {len(tickets)} complaint tickets, time with +08:00, touchpoint,
  customer id; {1 - EN_SHARE:.0%} Chinese). Texts are built from the codebook's keywords;
  {n_empty} comments are empty and some tickets carry a phone number (redact quotes).
- Emerging issue: app version 6.0 was released on {APP_RELEASE}; the share of items about
  `{EMERGING_CODE}` (crashes, freezes, log-in failures) rises from {before:.1%} before to
  {after:.1%} after (planted {EMERGING_BEFORE:.0%} and {EMERGING_AFTER:.0%}). Comparing the last
  three months with the months before them, an emerging-issue test flags `{EMERGING_CODE}` and no
  other code (no other share rises by design).
- The hotline redesign ({story.INTERVENTION_DATE}) halves the mentions of `hotline_wait` from then
  on (a fall, not an emerging issue).
- Items no code covers: {uncoded:.1%} of the non-empty stream items (planted {UNCODED_SHARE:.0%});
  {GAP_SHARE_OF_UNCODED:.0%} of them are about mobile network signal and speed (信号, 网速, signal),
  which the codebook lacks: the codebook-gaps analysis proposes it as a candidate code.
- Why this score? (`feedback/why_score.csv.gz`, both waves, keyed by the survey's respondent ids;
  {len(answered)} of {len(answers)} respondents answered, blanks kept): `{DETRACTOR_THEME}` is named
  by {detractors:.0%} of detractors (0-6), {passives:.0%} of passives and {promoters:.0%} of
  promoters (9-10), planted {planted}: the theme that separates detractors from promoters.
"""
    files = {
        "feedback_reviews": {
            "path": f"{SUBFOLDER}/reviews.csv.gz",
            "role": "feedback",
            "description": "App-store reviews and WeChat comments, one year (gzipped CSV)",
        },
        "feedback_tickets": {
            "path": f"{SUBFOLDER}/tickets.jsonl.gz",
            "role": "feedback",
            "description": "Complaint tickets (gzipped JSON lines)",
        },
        "feedback_why": {
            "path": f"{SUBFOLDER}/why_score.csv.gz",
            "role": "feedback",
            "description": "Open-ended 'why this score?' answers of both survey waves",
        },
    }
    notebooks = Path(__file__).resolve().parents[3] / "notebooks"
    runs = list(RUNS) if (notebooks / NOTEBOOK).exists() else []  # added with the notebook
    return SamplePart(name="feedback", files=files, runs=runs, section=_section(), truths=truths)
