"""Sample part: two survey waves of StarLink customers, before and after the hotline redesign.

Files (under ``survey/``), one per export format so every reader is exercised:

- ``before.csv``: wave "before", GBK-encoded CSV as a Chinese survey tool exports it; segments
  and some items as Chinese text labels (非常满意 ... 非常不满意, 不知道, 不适用).
- ``after.xlsx``: wave "after", fresh respondents; Excel with a second header row of question
  texts; codes plus "Don't know" / "N/A" / 99 / 98.
- ``after_panel.sav``: wave "after", the panel members (also in the before wave) re-interviewed
  by the panel vendor; SPSS with value labels and user-missing codes 98/99.
- ``margins.csv``: population shares of region, tier and channel; the sample over-represents
  gold-tier customers, so raking matters.

The generating model (latent scores on the 1-5 scale, then rounded and clipped): a general
disposition ``g`` shared by all touchpoints, a touchpoint-specific part, item noise; overall
satisfaction is a linear function of the touchpoint latents with :data:`DRIVERS` as
coefficients; the likelihood to recommend (0-10) follows overall satisfaction; in the after
wave the hotline latent rises by :data:`HOTLINE_SHIFT`.
Population truths are computed by simulating the same model at the population margins.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

from research.sample import story
from research.sample.parts import SampleContext, SamplePart, read_data

#: Report runs of the survey notebook (notebook 20 belongs to the comparisons/drivers helper,
#: who edits this list). Parameters must exist in the notebook's parameters cell.
RUNS: list[dict] = [
    {
        "id": "survey-before",
        "notebook": "20_survey_statistics.ipynb",
        "title": "问卷统计：改进前 / Survey statistics: before wave",
        "parameters": {"wave": "before", "weighted": True, "segment": "tier", "outcome": "overall"},
    },
    {
        "id": "survey-after",
        "notebook": "20_survey_statistics.ipynb",
        "title": "问卷统计：改进后 / Survey statistics: after wave",
        "parameters": {"wave": "after", "weighted": True, "segment": "tier", "outcome": "overall"},
    },
]

SUBFOLDER = "survey"

_DATA = read_data("survey_items.yml")
#: Answer labels, code -> [zh, en].
SATISFACTION: dict[int, list[str]] = _DATA["scales"]["satisfaction"]
AGREEMENT: dict[int, list[str]] = _DATA["scales"]["agreement"]
EFFORT: dict[int, list[str]] = _DATA["scales"]["effort"]
RECOMMEND: dict[int, list[str]] = _DATA["scales"]["recommend"]
DONT_KNOW = [99, "不知道", "Don't know"]
NOT_APPLICABLE = [98, "不适用", "N/A"]

#: Items per surveyed touchpoint: id -> [attribute, zh, en, reverse-keyed].
ITEMS: dict[str, dict[str, list]] = _DATA["items"]
#: Latent 1-5 baseline per touchpoint (standard tier, before wave).
BASELINE = {
    "store": 3.75,
    "hotline": 2.9,
    "app": 3.8,
    "website": 3.6,
    "wechat": 3.7,
    "home_install": 3.3,
    "bill": 3.2,
    "complaints": 2.8,
}
#: Share of respondents who used the touchpoint (the others answer "not applicable").
USAGE = {
    "store": 0.85,
    "hotline": 0.8,
    "app": 0.9,
    "website": 0.8,
    "wechat": 0.8,
    "home_install": 0.7,
    "bill": 1.0,
    "complaints": 0.35,
}
#: Planted key drivers: coefficients of the touchpoint latents in overall satisfaction (1-5 scale).
DRIVERS = {
    "hotline": 0.35,
    "bill": 0.30,
    "home_install": 0.20,
    "store": 0.15,
    "app": 0.06,
    "complaints": 0.04,
    "website": 0.0,
    "wechat": 0.0,
}
#: After-wave shift of the hotline latent; gives about +0.35 on the observed hotline item means (rounding
#: and clipping to 1-5 shrink it a little). The NPS change runs entirely through overall satisfaction.
HOTLINE_SHIFT = 0.37
TIER_EFFECT = {"standard": 0.0, "silver": 0.15, "gold": 0.5}
#: Sample composition (skewed) and population margins.
SAMPLE_SHARES = {
    "region": {"east": 0.40, "south": 0.26, "north": 0.20, "west": 0.14},
    "tier": {"standard": 0.50, "silver": 0.28, "gold": 0.22},
    "channel": {"online": 0.50, "offline": 0.25, "mixed": 0.25},
}
POPULATION_SHARES = {
    "region": {"east": 0.34, "south": 0.26, "north": 0.24, "west": 0.16},
    "tier": {"standard": 0.68, "silver": 0.22, "gold": 0.10},
    "channel": {"online": 0.42, "offline": 0.33, "mixed": 0.25},
}
SEGMENT_LABELS = {"region": story.REGIONS, "tier": story.TIERS, "channel": story.CHANNEL_PREFERENCES}
WAVE_SIZE, PANEL_SIZE = 1500, 400
G_LOADING, UNIQUE_SD, ITEM_SD = 0.5, 0.6, 0.55
#: Items written as Chinese text labels in the GBK CSV of the before wave.
TEXT_LABEL_ITEMS = ["hotline_wait", "hotline_ivr", "hotline_agent", "overall_sat"]


def _draw_segments(rng: np.random.Generator, n: int, shares: dict) -> pd.DataFrame:
    return pd.DataFrame(
        {var: rng.choice(list(probs), size=n, p=list(probs.values())) for var, probs in shares.items()}
    )


def _simulate(
    rng: np.random.Generator, segments: pd.DataFrame, wave: str, disposition: np.ndarray | None = None
) -> pd.DataFrame:
    """Answers (codes; NaN = not applicable) of respondents with *segments* in *wave*."""
    n = len(segments)
    g = rng.normal(size=n) if disposition is None else disposition
    tier = segments["tier"].map(TIER_EFFECT).to_numpy()
    channel = segments["channel"].to_numpy()
    out: dict[str, np.ndarray] = {"_g": g}
    latent = {}
    for tp, items in ITEMS.items():
        mu = BASELINE[tp] + tier + (HOTLINE_SHIFT if tp == "hotline" and wave == "after" else 0.0)
        if tp == "app":
            mu = mu + 0.15 * (channel == "online")
        if tp == "store":
            mu = mu + 0.15 * (channel == "offline")
        latent[tp] = mu + G_LOADING * g + rng.normal(0, UNIQUE_SD, n)
        used = rng.random(n) < USAGE[tp]
        for item_id, (_attr, _zh, _en, reverse) in items.items():
            answer = np.clip(np.rint(latent[tp] + rng.normal(0, ITEM_SD, n)), 1, 5)
            if reverse:
                answer = 6 - answer
            out[item_id] = np.where(used, answer, np.nan)
    overall = (
        3.55
        + sum(coef * (latent[tp] - BASELINE[tp]) for tp, coef in DRIVERS.items())
        + rng.normal(0, 0.45, n)
    )
    out["overall_sat"] = np.clip(np.rint(overall), 1, 5)
    recommend = 7.1 + 2.0 * (overall - 3.55) + rng.normal(0, 1.5, n)
    out["recommend"] = np.clip(np.rint(recommend), 0, 10)
    effort = (
        4.6
        + 0.8 * (latent["hotline"] - BASELINE["hotline"])
        + 0.5 * (latent["bill"] - BASELINE["bill"])
        + 0.3 * g
        + rng.normal(0, 1.0, n)
    )
    out["effort"] = np.clip(np.rint(effort), 1, 7)
    return pd.DataFrame(out)


def _plant_missing(rng: np.random.Generator, answers: pd.DataFrame) -> pd.DataFrame:
    """Mark "don't know" (99) and skipped (blank) answers; NaN already means not applicable (98)."""
    coded = answers.copy()
    for column in coded.columns:
        if column.startswith("_"):
            continue
        na = coded[column].isna()
        coded.loc[na, column] = 98
        draw = rng.random(len(coded))
        coded.loc[~na & (draw < 0.03), column] = 99
        coded.loc[~na & (draw > 0.99), column] = np.nan
    return coded


def _population_truths(rng: np.random.Generator) -> dict:
    n = 200_000
    segments = _draw_segments(rng, n, POPULATION_SHARES)
    result: dict[str, Any] = {}
    for wave in ("before", "after"):
        answers = _simulate(rng, segments, wave)
        hotline = answers[list(ITEMS["hotline"])].to_numpy()
        rec = answers["recommend"]
        result[wave] = {
            "hotline_item_mean": float(np.nanmean(hotline)),
            "nps": float(100 * ((rec >= 9).mean() - (rec <= 6).mean())),
            "overall_mean": float(answers["overall_sat"].mean()),
        }
    sample_segments = _draw_segments(rng, n, SAMPLE_SHARES)
    at_sample_mix = _simulate(rng, sample_segments, "before")["overall_sat"].mean()
    result["sample_composition_overall_mean"] = float(at_sample_mix)
    return result


def _label(code: float, labels: dict[int, list[str]]) -> object:
    if np.isnan(code):
        return ""
    code = int(code)
    if code == 99:
        return "不知道"
    if code == 98:
        return "不适用"
    return labels[code][0]


def _question_columns() -> list[str]:
    return [item for items in ITEMS.values() for item in items] + ["overall_sat", "recommend", "effort"]


def _write_before(folder, ids, segments, answers) -> None:
    frame = pd.DataFrame({"respondent_id": ids, "completed": story.WAVES["before"].isoformat()})
    for var in ("region", "tier", "channel"):
        frame[var] = segments[var].map(lambda code, v=var: SEGMENT_LABELS[v][code]["zh"]).to_numpy()
    for column in _question_columns():
        values = answers[column]
        if column in TEXT_LABEL_ITEMS:
            frame[column] = [_label(v, SATISFACTION) for v in values]
        else:
            frame[column] = ["" if np.isnan(v) else str(int(v)) for v in values]
    frame.to_csv(folder / "before.csv", index=False, encoding="gbk", lineterminator="\r\n")


def _write_after(folder, ids, segments, answers, rng) -> None:
    frame = pd.DataFrame({"respondent_id": ids})
    for var in ("region", "tier", "channel"):
        frame[var] = segments[var].to_numpy()
    texts = {
        "respondent_id": "受访者编号",
        "region": "地区",
        "tier": "会员等级",
        "channel": "渠道偏好",
        "overall_sat": "总体满意度",
        "recommend": "推荐可能性（0-10）",
        "effort": "星联通信让我轻松办理业务（1-7）",
    }
    for items in ITEMS.values():
        texts.update({item: zh for item, (_a, zh, _e, _r) in items.items()})
    for column in _question_columns():
        values = answers[column].to_numpy()
        as_text = rng.random(len(values)) < 0.5  # survey tool wrote some missing codes as text
        cells: list[str | int | None] = []
        for value, text in zip(values, as_text, strict=True):
            if np.isnan(value):
                cells.append(None)
            elif value == 99 and text:
                cells.append("Don't know")
            elif value == 98 and text:
                cells.append("N/A")
            else:
                cells.append(int(value))
        frame[column] = pd.Series(cells, dtype=object)
    question_row = pd.DataFrame([[texts[c] for c in frame.columns]], columns=frame.columns)
    pd.concat([question_row, frame], ignore_index=True).to_excel(folder / "after.xlsx", index=False)


def _write_panel(folder, ids, segments, answers) -> None:
    frame = pd.DataFrame({"respondent_id": ids})
    value_labels = {}
    for var in ("region", "tier", "channel"):
        codes = list(SEGMENT_LABELS[var])
        frame[var] = segments[var].map({c: i + 1 for i, c in enumerate(codes)}).astype(float).to_numpy()
        value_labels[var] = {float(i + 1): SEGMENT_LABELS[var][c]["zh"] for i, c in enumerate(codes)}
    missing: dict[str, list] = {}  # pyreadstat missing_ranges: column -> user-missing codes
    for column in _question_columns():
        frame[column] = answers[column].to_numpy()
        labels = (
            AGREEMENT
            if column == "bill_confusing"
            else RECOMMEND
            if column == "recommend"
            else EFFORT
            if column == "effort"
            else SATISFACTION
        )
        value_labels[column] = {float(k): zh for k, (zh, _en) in labels.items()} | {
            98.0: "不适用",
            99.0: "不知道",
        }
        missing[column] = [98, 99]
    pyreadstat.write_sav(
        frame,
        str(folder / "after_panel.sav"),
        variable_value_labels=value_labels,
        missing_ranges=missing,
        file_label="StarLink panel, after wave",
    )


def _section() -> dict:
    def labels(table):
        return {code: {"zh": zh, "en": en} for code, (zh, en) in table.items()}

    items = {}
    for tp, tp_items in ITEMS.items():
        for item, (attribute, zh, en, reverse) in tp_items.items():
            items[item] = {
                "touchpoint": tp,
                "attribute": attribute,
                "scale": "agree5" if reverse else "satisfaction5",
                "reverse": reverse,
                "label": {"zh": zh, "en": en},
            }
    items["overall_sat"] = {
        "attribute": "overall",
        "scale": "satisfaction5",
        "label": {"zh": "总体满意度", "en": "Overall satisfaction"},
    }
    items["recommend"] = {
        "attribute": "recommend",
        "scale": "recommend11",
        "label": {"zh": "向亲友推荐星联通信的可能性", "en": "Likelihood to recommend StarLink"},
    }
    items["effort"] = {
        "attribute": "effort",
        "scale": "effort7",
        "label": {"zh": "星联通信让我轻松办理业务", "en": "StarLink made it easy to handle my issue"},
    }
    return {
        "respondent_id": "respondent_id",
        "waves": {
            "before": {"files": ["survey_before"], "date": story.WAVES["before"]},
            "after": {"files": ["survey_after", "survey_after_panel"], "date": story.WAVES["after"]},
        },
        "segments": {
            var: {code: dict(names) for code, names in SEGMENT_LABELS[var].items()}
            for var in ("region", "tier", "channel")
        },
        "scales": {
            "satisfaction5": {"min": 1, "max": 5, "labels": labels(SATISFACTION)},
            "agree5": {"min": 1, "max": 5, "labels": labels(AGREEMENT)},
            "recommend11": {"min": 0, "max": 10, "labels": labels(RECOMMEND)},
            "effort7": {
                "min": 1,
                "max": 7,
                "labels": labels(EFFORT),
                "description": "Customer Effort Score as agreement: 7 = easiest (least effort).",
            },
        },
        "items": items,
        "outcomes": {"overall": "overall_sat", "nps": "recommend", "ces": "effort"},
        "missing": {"dont_know": DONT_KNOW, "not_applicable": NOT_APPLICABLE},
        "weighting": {"margins": "margins", "variables": ["region", "tier", "channel"], "trim": [0.3, 3.0]},
    }


def generate(ctx: SampleContext) -> SamplePart:
    """Write the survey waves, panel file and margins; return their study.yml entries."""
    rng = ctx.rng("survey")
    folder = ctx.out / SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    n_wave = max(40, round(WAVE_SIZE * ctx.scale))
    n_panel = max(10, round(PANEL_SIZE * ctx.scale))
    ids = [f"SL{i:05d}" for i in range(1, 2 * n_wave - n_panel + 1)]
    before_ids, after_fresh_ids, panel_ids = ids[:n_wave], ids[n_wave:], ids[:n_panel]

    segments_before = _draw_segments(rng, n_wave, SAMPLE_SHARES)
    before = _plant_missing(rng, _simulate(rng, segments_before, "before"))
    _write_before(folder, before_ids, segments_before, before)

    segments_fresh = _draw_segments(rng, len(after_fresh_ids), SAMPLE_SHARES)
    after_fresh = _plant_missing(rng, _simulate(rng, segments_fresh, "after"))
    _write_after(folder, after_fresh_ids, segments_fresh, after_fresh, rng)

    segments_panel = segments_before.iloc[:n_panel].reset_index(drop=True)
    # Panel members keep their disposition: their two answers are correlated, as in a real panel.
    panel = _plant_missing(
        rng, _simulate(rng, segments_panel, "after", disposition=before["_g"].to_numpy()[:n_panel])
    )
    _write_panel(folder, panel_ids, segments_panel, panel)

    margins = pd.DataFrame(
        [(var, code, share) for var, shares in POPULATION_SHARES.items() for code, share in shares.items()],
        columns=["variable", "category", "share"],
    )
    margins.to_csv(folder / "margins.csv", index=False, lineterminator="\n")

    truth = _population_truths(ctx.rng("survey-population"))
    b, a = truth["before"], truth["after"]
    usage = ", ".join(f"{k} {v:.0%}" for k, v in USAGE.items())
    drivers = ", ".join(f"{tp} {coef:.2f}" for tp, coef in DRIVERS.items())
    truths = f"""
- Two waves: before ({story.WAVES["before"]}, {n_wave} respondents, `survey/before.csv`, GBK) and after
  ({story.WAVES["after"]}, {len(after_fresh_ids)} fresh in `survey/after.xlsx` + {n_panel} panel members in
  `survey/after_panel.sav`); the panel ids `{panel_ids[0]}`..`{panel_ids[-1]}` answer both waves.
- Key drivers of overall satisfaction (coefficients of the touchpoint latents, 1-5 scale): {drivers}.
  Hotline and bill are the strongest drivers; website and WeChat have none (they correlate with overall
  only through the general disposition).
- Hotline improvement: the hotline latent rises by {HOTLINE_SHIFT} in the after wave; the population mean
  of the hotline items goes from {b["hotline_item_mean"]:.2f} to {a["hotline_item_mean"]:.2f}
  (+{a["hotline_item_mean"] - b["hotline_item_mean"]:.2f}); other touchpoints are unchanged.
- NPS (population, -100..100): before {b["nps"]:.1f}, after {a["nps"]:.1f}
  (+{a["nps"] - b["nps"]:.1f} points).
- Overall satisfaction (1-5) population mean before {b["overall_mean"]:.2f}; at the sample's composition it
  would be {truth["sample_composition_overall_mean"]:.2f}: gold-tier customers (more satisfied,
  +{TIER_EFFECT["gold"]} latent) are {SAMPLE_SHARES["tier"]["gold"]:.0%} of the sample but
  {POPULATION_SHARES["tier"]["gold"]:.0%} of the population, so the unweighted mean is too high; raking to
  `survey/margins.csv` corrects it.
- Each touchpoint's items form a scale with Cronbach's alpha about 0.8 (3-item scales) and 0.75 (2-item
  website, WeChat); `bill_confusing` is reverse-keyed (agreement that the bill confuses).
- Missing data: about 3% "don't know" (99, 不知道, Don't know), about 1% skipped, "not applicable"
  (98, 不适用, N/A) for touchpoints the respondent did not use (usage {usage}).
- CES (`effort`, 1-7) is agreement with "StarLink made it easy": higher = less effort.
"""
    files: dict[str, dict[str, Any]] = {
        "survey_before": {
            "path": f"{SUBFOLDER}/before.csv",
            "role": "survey",
            "encoding": "gbk",
            "description": "Survey wave before the hotline redesign (GBK CSV, text labels)",
        },
        "survey_after": {
            "path": f"{SUBFOLDER}/after.xlsx",
            "role": "survey",
            "description": "Survey wave after the redesign, fresh sample (Excel, question row)",
            "options": {"header_rows": 2},
        },
        "survey_after_panel": {
            "path": f"{SUBFOLDER}/after_panel.sav",
            "role": "survey",
            "description": "After wave, panel members re-interviewed (SPSS)",
        },
        "margins": {
            "path": f"{SUBFOLDER}/margins.csv",
            "role": "margins",
            "description": "Population shares of region, tier and channel (customer base)",
        },
    }
    return SamplePart(name="survey", files=files, runs=list(RUNS), section=_section(), truths=truths)
