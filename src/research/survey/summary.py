"""The plain-language summary of a survey report: the key figures in sentences.

Every part but the first two sentences is optional: a report without an outcome, a driver
analysis or a segment comparison gets no sentence about it (the sections say why).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def plain_summary(
    *,
    n: int,
    wave: str,
    weighted: bool,
    card: pd.DataFrame,
    labels: Mapping[str, str],
    language: str,
    outcomes: pd.DataFrame | None = None,
    drivers: pd.DataFrame | None = None,
    quadrants: pd.DataFrame | None = None,
    pairwise: pd.DataFrame | None = None,
    segment: str = "",
    ci: float = 0.95,
) -> list[str]:
    """Sentences: sample, highest/lowest row, NPS/CSAT, top drivers, where to concentrate, segments.

    Parameters
    ----------
    n : int
        Respondents in the wave.
    wave : str
    weighted : bool
    card : DataFrame
        :func:`research.survey.scorecard` (``touchpoint``, ``mean``, ``scale_min``, ``scale_max``).
    labels : mapping
        Display names of the rows (:meth:`SurveyData.row_labels`).
    language : {"zh", "en"}
    outcomes : DataFrame, optional
        :func:`research.survey.outcome_summary` (rows ``metric`` nps and/or csat).
    drivers : DataFrame, optional
        ``DriverAnalysis.table`` (``driver``, ``rescaled_weight``, ranked).
    quadrants : DataFrame, optional
        :func:`research.survey.ipa` (``item``, ``quadrant``).
    pairwise : DataFrame, optional
        ``Comparison.pairwise`` with ``significant`` and ``reading``.
    segment : str
        The segment variable compared.
    ci : float
        Confidence level of the intervals (for the wording).

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["q1", "q2"], "mean": [7.2, 5.1], "scale_min": [0, 0],
    ...                      "scale_max": [10, 10]})
    >>> outcomes = pd.DataFrame({"metric": ["csat"], "estimate": [56.9], "ci_low": [54.0], "ci_high": [59.7]})
    >>> drivers = pd.DataFrame({"driver": ["q1", "q2"], "rescaled_weight": [61.2, 38.8]})
    >>> lines = plain_summary(n=250, wave="2018", weighted=False, card=card, labels={"q1": "Trust"},
    ...                       language="en", outcomes=outcomes, drivers=drivers)
    >>> print("\\n".join(lines))
    250 respondents (wave 2018, unweighted).
    Highest mean: Trust (7.2 on 0-10); lowest: q2 (5.1 on 0-10).
    CSAT = 56.9% (95% CI 54.0 to 59.7).
    Top drivers: Trust (61%), q2 (39%).
    """
    zh = language == "zh"
    lines = [
        f"样本 {n} 人（{wave} 波次，{'已加权' if weighted else '未加权'}）。"
        if zh
        else f"{n} respondents (wave {wave}, {'weighted' if weighted else 'unweighted'})."
    ]
    rated = card.dropna(subset=["mean"]).sort_values("mean", ascending=False)
    if len(rated):

        def where(row: pd.Series) -> str:
            scale = f"{row['scale_min']:g}-{row['scale_max']:g}"
            name = labels.get(row["touchpoint"], row["touchpoint"])
            mean = f"{row['mean']:.1f}"
            return f"{name}（{mean}，量表 {scale}）" if zh else f"{name} ({mean} on {scale})"

        top, bottom = rated.iloc[0], rated.iloc[-1]
        lines.append(
            f"均值最高：{where(top)}；最低：{where(bottom)}。"
            if zh
            else f"Highest mean: {where(top)}; lowest: {where(bottom)}."
        )
    level = f"{ci:.0%}"
    if outcomes is not None and len(outcomes):
        metric = outcomes.set_index("metric")
        parts = []
        if "nps" in metric.index:
            r = metric.loc["nps"]
            parts.append(
                f"NPS = {r.estimate:.1f}（{level} CI {r.ci_low:.1f} 至 {r.ci_high:.1f}）"
                if zh
                else f"NPS = {r.estimate:.1f} ({level} CI {r.ci_low:.1f} to {r.ci_high:.1f})"
            )
        if "csat" in metric.index:
            r = metric.loc["csat"]
            parts.append(
                f"CSAT = {r.estimate:.1f}%（{level} CI {r.ci_low:.1f}–{r.ci_high:.1f}）"
                if zh
                else f"CSAT = {r.estimate:.1f}% ({level} CI {r.ci_low:.1f} to {r.ci_high:.1f})"
            )
        if parts:
            lines.append(("；".join(parts) + "。") if zh else ("; ".join(parts) + "."))
    if drivers is not None and len(drivers):
        top3 = list(zip(drivers["driver"].head(3), drivers["rescaled_weight"].head(3), strict=True))
        if zh:
            lines.append(
                "最重要的驱动因素：" + "、".join(f"{labels.get(d, d)}（{w:.0f}%）" for d, w in top3) + "。"
            )
        else:
            lines.append("Top drivers: " + ", ".join(f"{labels.get(d, d)} ({w:.0f}%)" for d, w in top3) + ".")
    if quadrants is not None and len(quadrants):
        focus = [labels.get(i, i) for i in quadrants.loc[quadrants["quadrant"] == "concentrate_here", "item"]]
        lines.append(
            "重点改进（重要但表现偏低）：" + ("、".join(focus) or "无") + "。"
            if zh
            else "Concentrate here (important, below-average performance): "
            + (", ".join(focus) or "none")
            + "."
        )
    if pairwise is not None and segment:
        significant = pairwise.loc[pairwise["significant"].astype(bool), "reading"].tolist()
        example = (" " + significant[0]) if significant else ""
        lines.append(
            f"按分群变量 {segment} 比较结果变量：{len(significant)} 组差异显著。{example}"
            if zh
            else f"Outcome by {segment}: {len(significant)} significant pair(s).{example}"
        )
    return lines


def _records(frame: pd.DataFrame | None, columns: list[str]) -> list[dict]:
    """Plain-JSON rows (floats, ints, str; NaN -> None) of the *columns* present in *frame*."""
    if frame is None:
        return []
    present = [c for c in columns if c in frame.columns]
    rows = []
    for record in frame[present].to_dict("records"):
        clean = {}
        for key, value in record.items():
            if isinstance(value, bool | np.bool_):
                clean[key] = bool(value)
            elif isinstance(value, int | np.integer):
                clean[key] = int(value)
            elif isinstance(value, float | np.floating):
                clean[key] = None if np.isnan(value) else float(value)
            else:
                clean[key] = None if value is None else str(value)
        rows.append(clean)
    return rows


def report_results(
    *,
    wave: str,
    weighted: bool,
    n: int,
    card: pd.DataFrame,
    outcomes: pd.DataFrame | None = None,
    drivers: Any = None,
    quadrants: pd.DataFrame | None = None,
    segment: str = "",
    segment_test: Any = None,
    reliability: Any = None,
    spread: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The key figures of a survey report as plain JSON types, for ``results.json``.

    Sections that were skipped (None) are absent (``drivers``) or empty; the scorecard is
    always there. Keys: ``wave``, ``weighted``, ``n``, ``scorecard`` (per row: mean with CI,
    top/bottom box with CI, scale), ``touchpoint_means``, and when computed ``outcomes``,
    ``drivers_outcome``, ``r_squared``, ``drivers`` (relative weight with bootstrap CI, beta with
    CI, p, VIF, LMG share), ``top_drivers``, ``ipa``, ``segment_comparison`` (Welch F, df, p,
    omega squared, pairs), ``reliability`` (alpha raw with CI, standardised alpha, omega),
    ``alpha``, ``experience_spread``, ``channel_gaps``.

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["q1"], "mean": [7.0], "ci_low": [6.5], "ci_high": [7.5]})
    >>> report_results(wave="w1", weighted=False, n=10, card=card)["touchpoint_means"]
    {'q1': 7.0}
    """
    results: dict[str, Any] = {
        "wave": wave,
        "weighted": bool(weighted),
        "n": int(n),
        "scorecard": _records(
            card,
            [
                "touchpoint",
                "scale_min",
                "scale_max",
                "top_box_answers",
                "n",
                "n_eff",
                "mean",
                "se",
                "ci_low",
                "ci_high",
                "top_box",
                "top_box_ci_low",
                "top_box_ci_high",
                "bottom_box",
                "bottom_box_ci_low",
                "bottom_box_ci_high",
                "nps",
                "nps_ci_low",
                "nps_ci_high",
                "nps_n",
            ],
        ),
        "touchpoint_means": {r["touchpoint"]: r.get("mean") for r in _records(card, ["touchpoint", "mean"])},
    }
    if outcomes is not None:
        results["outcomes"] = {
            r.pop("metric"): r
            for r in _records(outcomes, ["metric", "estimate", "se", "ci_low", "ci_high", "n"])
        }
    if drivers is not None:
        results["drivers_outcome"] = drivers.outcome
        results["r_squared"] = float(drivers.r_squared)
        table = drivers.table.rename(
            columns={"driver": "touchpoint", "weight_ci_low": "ci_low", "weight_ci_high": "ci_high"}
        )
        results["drivers"] = _records(
            table,
            [
                "touchpoint",
                "rank",
                "rescaled_weight",
                "raw_weight",
                "ci_low",
                "ci_high",
                "beta",
                "beta_ci_low",
                "beta_ci_high",
                "p_value",
                "vif",
                "lmg_share",
            ],
        )
        results["top_drivers"] = drivers.ranking()
    if quadrants is not None:
        results["ipa"] = dict(zip(quadrants["item"], quadrants["quadrant"], strict=True))
    if segment_test is not None:
        omnibus = _records(
            segment_test.omnibus,
            ["test", "statistic", "df1", "df2", "p_value", "eta_squared", "omega_squared", "n", "k"],
        )[0]
        results["segment_comparison"] = {
            "segment": segment,
            **omnibus,
            "welch_p": omnibus.get("p_value"),
            "significant_pairs": int(segment_test.pairwise["significant"].sum()),
            "pairs": _records(
                segment_test.pairwise,
                [
                    "group_a",
                    "group_b",
                    "difference",
                    "ci_low",
                    "ci_high",
                    "p_value",
                    "p_adjusted",
                    "significant",
                ],
            ),
            "left_out": list(segment_test.notes),
        }
    if reliability is not None:
        results["reliability"] = _records(
            reliability.summary, ["scale", "n_items", "n", "alpha", "ci_low", "ci_high", "alpha_std", "omega"]
        )
        results["alpha"] = {r["scale"]: r["alpha"] for r in results["reliability"]}
    if spread is not None:
        results["experience_spread"] = _records(spread, ["segment", "estimate", "ci_low", "ci_high", "n"])
    if gaps is not None:
        results["channel_gaps"] = _records(gaps, ["attribute", "gap", "ci_low", "ci_high", "p_value", "n"])
    return results
