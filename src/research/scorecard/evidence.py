"""Each pillar's ``results.json``, joined per touchpoint: the evidence table of the scorecard.

A report run writes ``reports/<study>/<run>/results.json`` (:func:`research.reports.finish`).
The scorecard reads the runs it is given, recognises each run's pillar by the figures it wrote,
and builds one row per touchpoint of the catalog (without a catalog: per touchpoint any pillar
names). Evidence a study does not have stays missing (NaN / None), never 0.

Columns of :func:`touchpoint_evidence` (all optional but ``touchpoint``, ``name``):

- catalog: ``stage`` (stage id), ``stage_name``, ``channel``, ``visibility``, ``lifecycle``, ``owner``;
- survey (the last survey run read): ``mean, mean_ci_low, mean_ci_high, scale_min, scale_max,
  top_box, top_box_ci_low, top_box_ci_high, survey_n``, the NPS of the touchpoint's users
  (-100..100) ``users_nps, users_nps_ci_low, users_nps_ci_high``; importance as the touchpoint's share of
  the explained variance of the outcome (relative weight, 0..1) ``importance,
  importance_ci_low, importance_ci_high``;
- interviews: ``interview_respondents, interview_reach`` (share of interviewees who raised a
  pain point of the touchpoint, 0..1), ``interview_mentions, interview_negativity,
  interview_delight_reach`` (share who praised it), ``pain_codes`` (labels of its top
  pain-point codes), ``quote`` (redacted);
- feedback: ``feedback_n, feedback_negative_share, feedback_ci_low, feedback_ci_high,
  feedback_codes``;
- journeys: ``journey_reach, repeat_contact_rate, drop_off`` (0..1);
- evaluation: ``verdict`` (improved / worse / no clear change / mixed), ``verdict_detail``,
  ``verdict_run``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from research.errors import DataError
from research.privacy import redact
from research.study import Study, require_declared

#: The columns a survey run gives a touchpoint (its ``scorecard`` table, renamed).
_SURVEY_COLUMNS = (
    "mean",
    "mean_ci_low",
    "mean_ci_high",
    "scale_min",
    "scale_max",
    "top_box",
    "top_box_ci_low",
    "top_box_ci_high",
    "survey_n",
    "users_nps",
    "users_nps_ci_low",
    "users_nps_ci_high",
)
#: Every column of the evidence table, in order (absent evidence: all NaN / None).
EVIDENCE_COLUMNS = (
    "touchpoint",
    "name",
    "stage",
    "stage_name",
    "channel",
    "visibility",
    "lifecycle",
    "owner",
    *_SURVEY_COLUMNS,
    "importance",
    "importance_ci_low",
    "importance_ci_high",
    "interview_respondents",
    "interview_reach",
    "interview_mentions",
    "interview_negativity",
    "interview_delight_reach",
    "pain_codes",
    "quote",
    "feedback_n",
    "feedback_negative_share",
    "feedback_ci_low",
    "feedback_ci_high",
    "feedback_codes",
    "journey_reach",
    "repeat_contact_rate",
    "drop_off",
    "verdict",
    "verdict_detail",
    "verdict_run",
)
_TEXT_COLUMNS = ("pain_codes", "quote", "feedback_codes", "verdict", "verdict_detail", "verdict_run")

PILLARS = ("coding", "survey", "feedback", "journeys", "evaluation")

#: A key each pillar's results.json has and no other pillar's has.
_SIGNATURES = {
    "coding": "pain_point_scores",
    "survey": "touchpoint_means",
    "feedback": "code_shares",
    "journeys": "behaviour",
    "evaluation": "effects",
}


@dataclass(frozen=True)
class RunResults:
    """One report run's ``results.json``: its key figures, parameters and pillar."""

    run_id: str
    pillar: str | None
    results: dict[str, Any]
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """The report language of the run ("" when the run has none)."""
        return str(self.results.get("language") or self.parameters.get("language") or "")


def pillar_of(results: dict[str, Any]) -> str | None:
    """The pillar whose notebook wrote *results* (None for any other report).

    Examples
    --------
    >>> pillar_of({"effects": {}, "design": "did"})
    'evaluation'
    >>> pillar_of({"n_touchpoints": 3}) is None
    True
    """
    found = [pillar for pillar, key in _SIGNATURES.items() if key in results]
    return found[0] if len(found) == 1 else None


def read_run_results(study: Study, run_ids: list[str]) -> list[RunResults]:
    """The ``results.json`` of each of *run_ids* that has one, in the given order.

    Runs without results (not run yet, or failed) are left out: their evidence is missing.

    Raises
    ------
    DataError
        A run id the study does not declare, or a results.json that is not valid JSON.

    Examples
    --------
    >>> from research import load_study
    >>> runs = read_run_results(load_study("sample"), [])
    >>> runs
    []
    """
    known = [run.id for run in study.runs]
    found = []
    for run_id in run_ids:
        require_declared(study, run_id, known, "Unknown report run", "runs", "Run ids of the study")
        path = study.reports_dir / run_id / "results.json"
        if not path.is_file():
            continue
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise DataError(
                "A report's results.json is not valid JSON", file=path, hint=f"Run the report again ({exc})."
            ) from None
        results = content.get("results", {})
        parameters = content.get("provenance", {}).get("parameters", {})
        found.append(RunResults(run_id, pillar_of(results), results, parameters))
    return found


def input_runs(study: Study, output_dir: str | Path = "", inputs: list[str] | None = None) -> list[str]:
    """The runs a scorecard reads: *inputs*, else the ``needs`` of its own run, else every run.

    The batch runner writes a run's results to ``reports/<study>/<run id>``, so the scorecard's
    own run is the one named like the last part of *output_dir*.

    Examples
    --------
    >>> from research import load_study
    >>> input_runs(load_study("sample"), inputs=["coding-zh"])
    ['coding-zh']
    """
    if inputs:
        return list(inputs)
    own = Path(str(output_dir)).name if output_dir else ""
    for run in study.runs:
        if run.id == own and run.needs:
            return list(run.needs)
    return [run.id for run in study.runs if run.id != own]


def choose_runs(runs: list[RunResults], language: str) -> dict[str, list[RunResults]]:
    """The runs the scorecard uses per pillar.

    Every evaluation run counts (each evaluates its own change). Of the other pillars the last
    run read counts (the latest survey wave comes last in study.yml), preferring runs in the
    report *language* when runs differ by language.

    Examples
    --------
    >>> a = RunResults("c-zh", "coding", {"language": "zh"})
    >>> b = RunResults("c-en", "coding", {"language": "en"})
    >>> [r.run_id for r in choose_runs([a, b], "zh")["coding"]]
    ['c-zh']
    """
    chosen: dict[str, list[RunResults]] = {}
    for pillar in PILLARS:
        of_pillar = [run for run in runs if run.pillar == pillar]
        if not of_pillar:
            continue
        if pillar == "evaluation":
            chosen[pillar] = of_pillar
            continue
        same = [run for run in of_pillar if run.language in ("", language)]
        chosen[pillar] = [(same or of_pillar)[-1]]
    return chosen


def code_labels(study: Study, language: str) -> dict[str, str]:
    """Labels of the study's codebook codes in *language* (empty without a codebook).

    Examples
    --------
    >>> from research import load_study
    >>> len(code_labels(load_study("sample"), "en")) > 0
    True
    """
    try:
        from research.coding import coding_files, load_codebook

        codebook = load_codebook(study.file(coding_files(study).codebook), study=study)
    except (DataError, ImportError, AttributeError):
        return {}
    return {code.id: code.label(language) for code in codebook.codes}


def _survey(run: RunResults) -> pd.DataFrame:
    card = pd.DataFrame(run.results.get("scorecard") or [])
    if card.empty:
        return pd.DataFrame(columns=["touchpoint"])
    card = card.rename(
        columns={
            "ci_low": "mean_ci_low",
            "ci_high": "mean_ci_high",
            "n": "survey_n",
            "nps": "users_nps",
            "nps_ci_low": "users_nps_ci_low",
            "nps_ci_high": "users_nps_ci_high",
        }
    )
    card = card[[c for c in ("touchpoint", *_SURVEY_COLUMNS) if c in card.columns]]
    drivers = pd.DataFrame(run.results.get("drivers") or [])
    if not drivers.empty:
        weights = drivers[["touchpoint", "rescaled_weight", "ci_low", "ci_high"]].copy()
        weights[["rescaled_weight", "ci_low", "ci_high"]] /= 100.0  # percent of R^2 -> share
        weights.columns = ["touchpoint", "importance", "importance_ci_low", "importance_ci_high"]
        card = card.merge(weights, on="touchpoint", how="left")
    return card


def _coding(run: RunResults, labels: dict[str, str]) -> pd.DataFrame:
    rows = [
        {
            "touchpoint": record["touchpoint"],
            "interview_respondents": record.get("respondents"),
            "interview_reach": record.get("reach"),
            "interview_mentions": record.get("mentions"),
            "interview_negativity": record.get("negativity"),
            "interview_delight_reach": record.get("delight_reach"),
            "pain_codes": ", ".join(labels.get(c, c) for c in record.get("top_codes") or []) or None,
            "quote": redact(record["quote"]) if record.get("quote") else None,
        }
        for record in run.results.get("touchpoint_pain") or []
    ]
    return pd.DataFrame(rows, columns=None if rows else ["touchpoint"])


def _feedback(run: RunResults, labels: dict[str, str]) -> pd.DataFrame:
    rows = [
        {
            "touchpoint": touchpoint,
            "feedback_n": values.get("n"),
            "feedback_negative_share": values.get("negative_share"),
            "feedback_ci_low": values.get("ci_low"),
            "feedback_ci_high": values.get("ci_high"),
            "feedback_codes": ", ".join(labels.get(c, c) for c in values.get("top_complaint_codes") or [])
            or None,
        }
        for touchpoint, values in (run.results.get("touchpoints") or {}).items()
    ]
    return pd.DataFrame(rows, columns=None if rows else ["touchpoint"])


def _journeys(run: RunResults) -> pd.DataFrame:
    behaviour = pd.DataFrame(run.results.get("behaviour") or [])
    if behaviour.empty:
        return pd.DataFrame(columns=["touchpoint"])
    table = behaviour[["touchpoint", "reach", "drop_off"]].rename(columns={"reach": "journey_reach"})
    repeats = pd.DataFrame(run.results.get("repeat_contact") or [])
    if not repeats.empty:
        # Repeat contacts per service touchpoint, pooled over the upstream touchpoints they follow.
        pooled = repeats.groupby("touchpoint")[["repeats", "contacts"]].sum()
        rate = (pooled["repeats"] / pooled["contacts"]).rename("repeat_contact_rate").reset_index()
        table = table.merge(rate, on="touchpoint", how="outer")
    return table


def evaluation_verdict(run: RunResults, study: Study, language: str | None = None) -> dict[str, Any] | None:
    """The treated touchpoint of an evaluation run and its verdict over the KPIs.

    ``verdict`` is ``improved`` / ``worse`` when every KPI with a verdict agrees, ``no clear
    change`` when none changed, ``mixed`` otherwise; ``kpis`` lists ``(label, estimate, unit,
    verdict)`` per KPI. None when neither the run nor its section of study.yml (the
    ``evaluation:`` section, or ``evaluation.improvements.<improvement>`` for a run with an
    ``improvement`` parameter) names the treated touchpoint.

    Examples
    --------
    >>> from research import load_study
    >>> evaluation_verdict(RunResults("e", "evaluation", {"effects": {}}), load_study("sample"))["verdict"]
    'no clear change'
    """
    section = study.section("evaluation")
    improvement = run.parameters.get("improvement")
    if improvement:  # one of several improvements: its own section under evaluation.improvements
        section = (section.get("improvements") or {}).get(improvement) or {}
    touchpoint = run.parameters.get("treated_touchpoint") or section.get("treated_touchpoint")
    if not touchpoint:
        return None
    language = language or run.language or study.language
    declared = {k.get("column"): k for k in section.get("kpis", [])}
    kpis, verdicts = [], []
    for column, effect in (run.results.get("effects") or {}).items():
        spec = declared.get(column, {})
        label = (spec.get("label") or {}).get(language) or column
        unit = (spec.get("unit") or {}).get(language) or ""
        kpis.append((label, effect.get("estimate"), unit, effect.get("verdict")))
        verdicts.append(effect.get("verdict"))
    decided = {v for v in verdicts if v in ("improved", "worse")}
    verdict = decided.pop() if len(decided) == 1 else ("mixed" if decided else "no clear change")
    return {
        "touchpoint": touchpoint,
        "verdict": verdict,
        "kpis": kpis,
        "run": run.run_id,
        "intervention": run.results.get("intervention"),
        "improved": sum(v == "improved" for v in verdicts),
        "n_kpis": len(verdicts),
    }


def touchpoint_evidence(study: Study, runs: list[RunResults], language: str | None = None) -> pd.DataFrame:
    """One row per touchpoint with every pillar's evidence (see the module docstring).

    Parameters
    ----------
    study : Study
    runs : list of RunResults
        From :func:`read_run_results`; :func:`choose_runs` picks the ones used.
    language : {"zh", "en"}, optional
        Labels' language (default: the study's).

    Returns
    -------
    DataFrame
        The catalog's touchpoints in stage order (without a catalog: every touchpoint the
        evidence names, stage columns None); missing evidence is NaN or None.

    Examples
    --------
    >>> from research import load_study
    >>> card = touchpoint_evidence(load_study("sample"), [])
    >>> bool(card["mean"].isna().all()), len(card)
    (True, 14)
    """
    language = language or study.language
    chosen = choose_runs(runs, language)
    labels = code_labels(study, language) if "coding" in chosen or "feedback" in chosen else {}
    parts = []
    for run in chosen.get("survey", []):
        parts.append(_survey(run))
    for run in chosen.get("coding", []):
        parts.append(_coding(run, labels))
    for run in chosen.get("feedback", []):
        parts.append(_feedback(run, labels))
    for run in chosen.get("journeys", []):
        parts.append(_journeys(run))
    verdicts = [v for run in chosen.get("evaluation", []) if (v := evaluation_verdict(run, study, language))]
    if verdicts:
        parts.append(
            pd.DataFrame(
                [
                    {
                        "touchpoint": v["touchpoint"],
                        "verdict": v["verdict"],
                        "verdict_run": v["run"],
                        "verdict_detail": f"{v['improved']}/{v['n_kpis']}",
                    }
                    for v in verdicts
                ]
            ).drop_duplicates("touchpoint", keep="last")
        )
    if study.has_catalog:
        catalog = study.catalog
        table = pd.DataFrame(
            {
                "touchpoint": catalog["touchpoint"],
                "name": [study.touchpoint_label(t, language) for t in catalog["touchpoint"]],
                "stage": catalog["stage"].astype(str),
                "stage_name": [study.stage_label(str(s), language) for s in catalog["stage"]],
                "channel": catalog["channel"],
                "visibility": catalog["visibility"],
                "lifecycle": catalog["lifecycle"],
                "owner": catalog["owner"].replace("", None),
            }
        )
    else:
        named = list(dict.fromkeys(t for part in parts for t in part["touchpoint"]))
        table = pd.DataFrame({"touchpoint": named, "name": named})
        for column in ("stage", "stage_name", "channel", "visibility", "lifecycle", "owner"):
            table[column] = None
    for part in parts:
        if not part.empty:
            table = table.merge(part, on="touchpoint", how="left")
    for column in EVIDENCE_COLUMNS:
        if column not in table.columns:
            table[column] = None if column in _TEXT_COLUMNS else float("nan")
    return table[list(EVIDENCE_COLUMNS)].reset_index(drop=True)
