"""The plain-language summary of a survey report: the key figures in sentences.

Every part but the first two sentences is optional: a report without an outcome, a driver
analysis or a segment comparison gets no sentence about it (the sections say why).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from research.defaults import CI
from research.survey.compare import ComparisonResult
from research.survey.drivers import DriverResult
from research.survey.scale_reliability import ReliabilityResult
from research.wording import join, resolve_language, say


def plain_summary(
    *,
    n: int,
    wave: str,
    weighted: bool,
    card: pd.DataFrame,
    labels: Mapping[str, str],
    language: str | None = None,
    outcomes: pd.DataFrame | None = None,
    drivers: pd.DataFrame | None = None,
    quadrants: pd.DataFrame | None = None,
    pairwise: pd.DataFrame | None = None,
    segment: str = "",
    ci: float = CI,
) -> list[str]:
    """Sentences: sample, highest/lowest row, NPS/CSAT, top drivers, where to concentrate, segments.

    Parameters
    ----------
    n : int
        Respondents in the wave.
    wave : str
        The wave analysed.
    weighted : bool
        Whether the figures are weighted.
    card : DataFrame
        :func:`research.survey.scorecard` (``touchpoint``, ``mean``, ``scale_min``, ``scale_max``).
    labels : mapping
        Display names of the rows (:meth:`SurveyData.row_labels`).
    language : {"zh", "en"}, optional
        Language of the sentences (``None``: the report's language).
    outcomes : DataFrame, optional
        :func:`research.survey.outcome_summary` (rows ``metric`` nps and/or csat).
    drivers : DataFrame, optional
        ``DriverResult.table`` (``driver``, ``rescaled_weight``, ranked).
    quadrants : DataFrame, optional
        :func:`research.survey.ipa` (``item``, ``quadrant``).
    pairwise : DataFrame, optional
        ``ComparisonResult.pairwise`` with ``significant`` and ``reading``.
    segment : str
        The segment variable compared.
    ci : float
        Confidence level of the intervals (for the wording).

    Returns
    -------
    list of str
        One sentence per part the report computed.

    Examples
    --------
    >>> card = pd.DataFrame({"touchpoint": ["q1", "q2"], "mean": [7.2, 5.1], "scale_min": [0, 0],
    ...                      "scale_max": [10, 10]})
    >>> outcomes = pd.DataFrame({"metric": ["csat"], "estimate": [56.9], "ci_low": [54.0], "ci_high": [59.7]})
    >>> drivers = pd.DataFrame({"driver": ["q1", "q2"], "rescaled_weight": [61.2, 38.8]})
    >>> lines = plain_summary(n=250, wave="2018", weighted=False, card=card, labels={"q1": "Trust"},
    ...                       language="en", outcomes=outcomes, drivers=drivers)
    >>> for line in lines:
    ...     print(line)
    250 respondents (wave 2018, unweighted).
    Highest mean: Trust (7.2 on 0-10); lowest: q2 (5.1 on 0-10).
    CSAT = 56.9% (95% CI 54.0 to 59.7).
    Top drivers: Trust (61%), q2 (39%).
    """

    def line(key: str, **values: Any) -> str:
        return say("survey", key, language, **values)

    weighting = line("summary_weighted" if weighted else "summary_unweighted")
    lines = [line("summary_sample", n=n, wave=wave, weighting=weighting)]
    rated = card.dropna(subset=["mean"]).sort_values("mean", ascending=False)
    if len(rated):

        def where(row: pd.Series) -> str:
            scale = f"{row['scale_min']:g}-{row['scale_max']:g}"
            name = labels.get(row["touchpoint"], row["touchpoint"])
            return line("summary_where", name=name, mean=row["mean"], scale=scale)

        lines.append(line("summary_extremes", top=where(rated.iloc[0]), bottom=where(rated.iloc[-1])))
    if outcomes is not None and len(outcomes):
        metric = outcomes.set_index("metric")
        parts = [
            line(f"summary_{name}", estimate=r.estimate, ci=ci, low=r.ci_low, high=r.ci_high)
            for name in ("nps", "csat")
            if name in metric.index
            for r in [metric.loc[name]]
        ]
        if parts:
            lines.append(line("summary_outcomes", parts=line("summary_outcome_separator").join(parts)))
    if drivers is not None and len(drivers):
        top3 = zip(drivers["driver"].head(3), drivers["rescaled_weight"].head(3), strict=True)
        items = join(
            (line("summary_driver_item", name=labels.get(d, d), weight=w) for d, w in top3), language
        )
        lines.append(line("summary_drivers", items=items))
    if quadrants is not None and len(quadrants):
        focus = [labels.get(i, i) for i in quadrants.loc[quadrants["quadrant"] == "concentrate_here", "item"]]
        lines.append(line("summary_concentrate", items=join(focus, language) or line("summary_none")))
    if pairwise is not None and segment:
        significant = pairwise.loc[pairwise["significant"].astype(bool), "reading"].tolist()
        example = (" " + significant[0]) if significant else ""
        lines.append(line("summary_segments", segment=segment, count=len(significant), example=example))
    return lines


def _records(frame: pd.DataFrame | None, columns: list[str]) -> list[dict]:
    """Plain-JSON rows (floats, ints, str; NaN -> None) of the *columns* present in *frame*."""
    if frame is None:
        return []
    present = [c for c in columns if c in frame.columns]
    rows = []
    for record in frame[present].to_dict("records"):
        clean: dict[str, Any] = {}
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
    drivers: DriverResult | None = None,
    quadrants: pd.DataFrame | None = None,
    segment: str = "",
    segment_test: ComparisonResult | None = None,
    reliability: ReliabilityResult | None = None,
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

    Parameters
    ----------
    wave : str
        The wave analysed.
    weighted : bool
        Whether the figures use survey weights.
    n : int
        Respondents.
    card : DataFrame
        :func:`research.survey.scorecard`.
    outcomes : DataFrame, optional
        :func:`research.survey.outcome_summary`.
    drivers : DriverResult, optional
        :func:`research.survey.touchpoint_drivers`.
    quadrants : DataFrame, optional
        :func:`research.survey.ipa_quadrants`.
    segment : str
        The segment compared.
    segment_test : ComparisonResult, optional
        :func:`research.survey.compare_segments`.
    reliability : ReliabilityResult, optional
        :func:`research.survey.reliability`.
    spread : DataFrame, optional
        :func:`research.survey.consistency_by_segment`.
    gaps : DataFrame, optional
        :func:`research.survey.channel_gaps`.

    Returns
    -------
    dict
        Plain JSON types only.

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
            reliability.summary(),
            ["scale", "n_items", "n", "alpha", "ci_low", "ci_high", "alpha_std", "omega"],
        )
        results["alpha"] = {r["scale"]: r["alpha"] for r in results["reliability"]}
    if spread is not None:
        results["experience_spread"] = _records(spread, ["segment", "estimate", "ci_low", "ci_high", "n"])
    if gaps is not None:
        results["channel_gaps"] = _records(gaps, ["attribute", "gap", "ci_low", "ci_high", "p_value", "n"])
    return results


def survey_at_a_glance(
    results: Mapping[str, Any], language: str | None = None, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a survey report, from its ``results.json`` figures.

    Sample and weighting; NPS with its interval; the two lowest-scoring rows; the strongest
    drivers; the rows to improve first (important, below-average performance). Parts the report
    did not compute are left out.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`report_results`).
    language : str, optional
        ``"zh"`` or ``"en"`` (``None``: the report's language).
    labels : mapping, optional
        Display names of the rows, by id (:meth:`SurveyData.row_labels`).

    Returns
    -------
    list of str
        Three to five sentences.

    Examples
    --------
    >>> results = {"wave": "before", "n": 1500, "weighted": True,
    ...            "outcomes": {"nps": {"estimate": -8.3, "ci_low": -12.9, "ci_high": -3.7}},
    ...            "touchpoint_means": {"app": 3.9, "hotline": 2.97, "bill": 3.25},
    ...            "drivers": [{"touchpoint": "bill", "rescaled_weight": 21.2}],
    ...            "ipa": {"hotline": "concentrate_here", "app": "possible_overkill"}}
    >>> for line in survey_at_a_glance(results, "en", {"hotline": "Hotline", "bill": "Bill"}):
    ...     print(line)
    1,500 respondents of the before wave were analysed (weighted).
    NPS is -8 (95% CI -13 to -4).
    The lowest-scoring touchpoints: Hotline (mean 2.97), Bill (mean 3.25).
    The strongest drivers of the outcome: Bill (21% of R²).
    Important but below average, so improve first: Hotline.
    """
    language = resolve_language(language)
    names = labels or {}

    def line(key: str, **values: Any) -> str:
        return say("survey", key, language, **values)

    weighting = line("weighted" if results.get("weighted") else "unweighted")
    lines = [line("sample", n=int(results.get("n") or 0), wave=results.get("wave", ""), weighting=weighting)]
    nps = (results.get("outcomes") or {}).get("nps")
    if nps and nps.get("estimate") is not None:
        lines.append(line("nps", estimate=nps["estimate"], low=nps["ci_low"], high=nps["ci_high"]))
    means: dict[str, float] = results.get("touchpoint_means") or {}
    if means:
        lowest = sorted(means, key=lambda row: means[row])[:2]
        items = (line("mean_item", name=names.get(r, r), mean=means[r]) for r in lowest)
        lines.append(line("lowest", items=join(items, language)))
    drivers = [d for d in results.get("drivers") or [] if d.get("rescaled_weight") is not None][:2]
    if drivers:
        items = (
            line("weight_item", name=names.get(row, row), weight=driver["rescaled_weight"])
            for driver in drivers
            for row in [driver.get("touchpoint", driver.get("driver", ""))]
        )
        lines.append(line("drivers", items=join(items, language)))
    ipa = results.get("ipa") or {}
    concentrate = [row for row, quadrant in ipa.items() if quadrant == "concentrate_here"]
    if concentrate:
        lines.append(line("concentrate", items=join((names.get(r, r) for r in concentrate), language)))
    return lines[:5]
