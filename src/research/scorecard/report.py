"""The study-aware layer of notebook 50: read the runs, build the scorecard, explain it, save it.

:func:`build_scorecard` does everything the notebook shows; :func:`scorecard_results` turns it
into plain JSON for ``results.json`` (the reports index reads its ``findings``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from research.errors import NotApplicable
from research.scorecard.evidence import (
    RunResults,
    choose_runs,
    code_labels,
    evaluation_verdict,
    input_runs,
    read_run_results,
    touchpoint_evidence,
)
from research.scorecard.findings import top_findings
from research.scorecard.priority import COMPONENTS, _check_priority_weights, priority_scores, sensitivity
from research.scorecard.stages import stage_emotion
from research.study import Study
from research.wording import label, say, words

#: Rows of the sensitivity and findings tables; the top of the ranking that is checked.
TOP_N = 5


@dataclass
class Scorecard:
    """Everything notebook 50 shows: evidence, ranking, sensitivity, emotion curve, findings."""

    study: Study
    language: str
    runs: list[RunResults]
    ranked: pd.DataFrame
    priority_weights: dict[str, float]
    sensitivity: pd.DataFrame
    emotion: pd.DataFrame
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    run_id: str | None = None

    @property
    def used(self) -> dict[str, list[str]]:
        """Run ids read per pillar."""
        return {p: [r.run_id for r in runs] for p, runs in choose_runs(self.runs, self.language).items()}


def build_scorecard(
    study: Study,
    *,
    output_dir: str | Path = "",
    inputs: list[str] | None = None,
    language: str | None = None,
    priority_weights: dict[str, float] | None = None,
) -> Scorecard:
    """Read the runs' results and build the scorecard of *study*.

    Parameters
    ----------
    study : Study
    output_dir : str or Path
        The notebook's ``output_dir`` (names its own run: see :func:`research.scorecard.input_runs`).
    inputs : list of str, optional
        Run ids to read (default: the run's ``needs``, else every run).
    language : {"zh", "en"}, optional
    priority_weights : dict, optional
        Weights of the priority factors (see :mod:`research.scorecard.priority`).

    Raises
    ------
    NotApplicable
        None of the runs has results a scorecard can use (run the pillar reports first).

    Examples
    --------
    >>> from research import load_study
    >>> card = build_scorecard(load_study("sample"), inputs=["coding-zh"])  # doctest: +SKIP
    """
    language = language or study.language
    weights = _check_priority_weights(priority_weights)
    runs = [run for run in read_run_results(study, input_runs(study, output_dir, inputs)) if run.pillar]
    if not runs:
        raise NotApplicable(
            "None of the runs the scorecard reads has results yet, so there is no evidence to join.",
            "Run the pillar reports first (research reports), or list runs with results under needs:.",
            missing_zh="记分卡要读取的报告都还没有结果，无法汇总证据。",
            remedy_zh="请先运行各支柱报告（research reports），或在 needs: 中列出已有结果的报告。",
        )
    card = touchpoint_evidence(study, runs, language)
    ranked = priority_scores(card, weights)
    names = dict(zip(card["touchpoint"], card["name"], strict=True))
    chosen = choose_runs(runs, language)
    verdicts = [v for run in chosen.get("evaluation", []) if (v := evaluation_verdict(run, study, language))]
    own = Path(str(output_dir)).name if output_dir else None
    run_id = own if own in {r.id for r in study.runs} else None
    labels = code_labels(study, language)
    feedback = chosen.get("feedback", [None])[-1]
    findings = top_findings(
        ranked,
        verdicts,
        language,
        scorecard_run=run_id,
        feedback=feedback,
        labels=labels,
        names=names,
        n=TOP_N,
    )
    stages = study.stages if study.has_catalog else []
    return Scorecard(
        study=study,
        language=language,
        runs=runs,
        ranked=ranked,
        priority_weights=weights,
        sensitivity=sensitivity(card, weights, n=TOP_N, labels=names),
        emotion=stage_emotion(card, stages),
        verdicts=verdicts,
        findings=findings,
        run_id=run_id,
    )


def formula_text(priority_weights: dict[str, float], language: str) -> str:
    """The priority formula with its weights, in *language* (shown above the ranking).

    Examples
    --------
    >>> formula_text({"importance": 1, "gap": 1, "pain": 1}, "en")[:60]
    'Priority = (1 x importance + 1 x performance gap + 1 x bread'
    """
    w = {k: f"{priority_weights[k]:g}" for k in COMPONENTS}
    return say("scorecard", "formula", language, **w)


#: Column headers, cell words and table headers of the scorecard's tables, per language.
_LABELS: dict[str, dict[str, dict[str, str]]] = words("scorecard")["labels"]
#: Interval columns shown after a value in the scorecard table (95% intervals).
_INTERVALS = {
    "mean": ("mean_ci_low", "mean_ci_high"),
    "top_box": ("top_box_ci_low", "top_box_ci_high"),
    "importance": ("importance_ci_low", "importance_ci_high"),
    "feedback_negative_share": ("feedback_ci_low", "feedback_ci_high"),
    "users_nps": ("users_nps_ci_low", "users_nps_ci_high"),
}
_PERCENT = (
    "importance",
    "top_box",
    "interview_reach",
    "interview_delight_reach",
    "feedback_negative_share",
    "journey_reach",
    "repeat_contact_rate",
    "drop_off",
)
MISSING = "—"


def _shown(value: Any, column: str, language: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    if column in _PERCENT:
        return f"{float(value):.0%}"
    if column == "priority":
        return f"{float(value):.2f}"
    if column == "mean":
        return f"{float(value):.2f}"
    if column == "users_nps":
        return f"{float(value):+.0f}"
    if column in ("survey_n", "rank"):
        return f"{float(value):,.0f}"
    return label(_LABELS["values"], value, language) if isinstance(value, str) else str(value)


def scorecard_table(data: pd.DataFrame, language: str, quotes: bool = False) -> pd.DataFrame:
    """The scorecard as shown in the report: headers in *language*, percentages, "—" when missing.

    Means, top-box shares, importance and the negative share of feedback are followed by their
    95% interval in brackets.

    Examples
    --------
    >>> ranked = pd.DataFrame({"rank": [1], "name": ["A"], "priority": [0.5], "mean": [float("nan")]})
    >>> scorecard_table(ranked, "en").to_dict("records")
    [{'#': '1', 'Touchpoint': 'A', 'Priority': '0.50', 'Mean': '—'}]
    """
    columns = [c for c in _LABELS["headers"] if c in data.columns and (quotes or c != "quote")]
    shown = {}
    for column in columns:
        values = [_shown(v, column, language) for v in data[column]]
        low, high = _INTERVALS.get(column, ("", ""))
        if low in data.columns and high in data.columns:
            values = [
                value
                if value == MISSING or _shown(a, column, language) == MISSING
                else f"{value} [{_shown(a, column, language)}, {_shown(b, column, language)}]"
                for value, a, b in zip(values, data[low], data[high], strict=True)
            ]
        shown[label(_LABELS["headers"], column, language)] = values
    return pd.DataFrame(shown)


def sensitivity_table(data: pd.DataFrame, language: str) -> pd.DataFrame:
    """The sensitivity table with headers and words in *language*.

    Examples
    --------
    >>> t = pd.DataFrame({"weight": ["gap"], "factor": [0.5], "top": ["a, b"], "changed": [False]})
    >>> sensitivity_table(t, "en").columns.tolist()
    ['Weight', 'Factor', 'Top 5', 'Changed?']
    """
    words = _LABELS["sensitivity"]

    def header(key: str) -> str:
        return label(words, key, language)

    return pd.DataFrame(
        {
            header("weight"): [label(_LABELS["components"], w, language) for w in data["weight"]],
            header("factor"): [f"×{f:g}" for f in data["factor"]],
            header("top"): data["top"],
            header("changed"): [header("yes") if c else header("no") for c in data["changed"]],
        }
    )


def scorecard_results(card: Scorecard) -> dict[str, Any]:
    """The scorecard's key figures as plain JSON types (``results.json``).

    Keys: ``language``, ``inputs`` (run ids per pillar), ``weights``, ``formula``, ``top``
    (touchpoint ids ranked first), ``touchpoints`` (one record per touchpoint, missing as
    null), ``sensitivity``, ``emotion``, ``verdicts``, ``findings`` (``text, run, section,
    touchpoint``).

    Examples
    --------
    >>> from research import load_study
    >>> scorecard_results(build_scorecard(load_study("sample")))["top"][:1]  # doctest: +SKIP
    ['hotline']
    """

    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        plain = frame.astype(object).where(frame.notna(), None)
        return [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in plain.to_dict("records")
        ]

    ranked = card.ranked
    return {
        "language": card.language,
        "inputs": card.used,
        "weights": card.priority_weights,
        "formula": formula_text(card.priority_weights, card.language),
        "top": ranked.loc[ranked["rank"].notna(), "touchpoint"].head(TOP_N).tolist(),
        "touchpoints": records(ranked),
        "sensitivity": records(card.sensitivity),
        "emotion": records(card.emotion),
        "verdicts": [{k: v for k, v in verdict.items() if k != "kpis"} for verdict in card.verdicts],
        "findings": card.findings,
    }


def quotes_table(data: pd.DataFrame, language: str) -> pd.DataFrame:
    """Touchpoint, its main pain points and one redacted quote, for touchpoints that have one.

    Raises
    ------
    NotApplicable
        No touchpoint has an interview quote (no interview report was read).

    Examples
    --------
    >>> ranked = pd.DataFrame({"name": ["A"], "pain_codes": ["waits"], "quote": ["Too long."]})
    >>> quotes_table(ranked, "en").to_dict("records")
    [{'Touchpoint': 'A', 'Top pain points': 'waits', 'Quote': 'Too long.'}]
    """
    quoted = data[data["quote"].notna()] if "quote" in data else data[:0]
    if quoted.empty:
        raise NotApplicable(
            "No interview quote is available, so the customers' words are not shown.",
            "Run the interview-coding report (notebook 10) on a study with a touchpoint catalog first.",
            missing_zh="没有可用的访谈原话。",
            remedy_zh="请先在有触点清单的研究上运行访谈编码报告（notebook 10）。",
        )
    columns = ("name", "pain_codes", "quote")
    return pd.DataFrame(
        {label(_LABELS["headers"], c, language): quoted[c].fillna(MISSING).to_numpy() for c in columns}
    )


def inputs_table(card: Scorecard, language: str) -> pd.DataFrame:
    """Which report run the scorecard read for each pillar.

    Examples
    --------
    >>> from research import load_study
    >>> inputs_table(build_scorecard(load_study("sample")), "en")  # doctest: +SKIP
    """
    used = card.used
    return pd.DataFrame(
        {
            label(_LABELS["inputs"], "pillar", language): [
                label(_LABELS["pillars"], p, language) for p in used
            ],
            label(_LABELS["inputs"], "run", language): [", ".join(ids) for ids in used.values()],
        }
    )


def findings_table(findings: list[dict[str, Any]], language: str) -> pd.DataFrame | None:
    """The findings as a numbered table with the report run behind each (None without findings).

    Examples
    --------
    >>> findings_table([{"text": "A first.", "run": "survey-1", "section": "drivers"}], "en")
       #   Finding    Source
    0  1  A first.  survey-1
    """
    if not findings:
        return None
    words = _LABELS["findings"]
    return pd.DataFrame(
        {
            label(words, "number", language): range(1, len(findings) + 1),
            label(words, "finding", language): [f["text"] for f in findings],
            label(words, "source", language): [
                f.get("run") or label(words, "this_report", language) for f in findings
            ],
        }
    )
