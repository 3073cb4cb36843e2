"""Notebook 40 (journey analytics) renders on the sample with its study.yml run parameters and its
results.json carries the planted truths (data/raw/sample/README.md, section journeys)."""

from __future__ import annotations

import json

import papermill
import pytest
from conftest import PROJECT
from test_report_language import assert_reads_in_chinese

from research import load_study
from research.journeys.preconditions import check_run
from research.reports.params import notebook_parameters
from research.sample import events as planted

NOTEBOOK = PROJECT / "notebooks" / "40_journey_analytics.ipynb"


def test_sample_runs_pass_the_dry_run():
    study = load_study("sample")
    defaults = notebook_parameters(NOTEBOOK)
    runs = [r for r in study.definition.runs if r.notebook == NOTEBOOK.name]
    assert {r.parameters["language"] for r in runs} == {"zh", "en"}
    for run in runs:
        assert check_run(study, {**defaults, **run.parameters}) == []
        assert set(run.parameters) <= set(defaults)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("journeys")
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out / "out.ipynb"),
        kernel_name="research",
        cwd=str(NOTEBOOK.parent),
        parameters={**planted.JOURNEY_PARAMETERS, "language": "zh", "output_dir": str(out / "report")},
        progress_bar=False,
    )
    # The zh run reads in Chinese (the minimal study below renders in English).
    assert_reads_in_chinese(out / "out.ipynb", out)
    return json.loads((out / "report" / "results.json").read_text(encoding="utf-8"))["results"]


@pytest.mark.slow
def test_planted_truths_in_results(results):
    failure = {row["group"]: row for row in results["failure"]}
    assert round(failure["failed"]["share"], 2) == planted.MISSED_INSTALL_RATE  # 18% missed
    assert round(failure["failed"]["contacts_per_person"], 2) == 2.70  # README: 2.70 vs 0.92
    assert round(failure["not_failed"]["contacts_per_person"], 2) == 0.92
    assert failure["failed"]["complained_share"] == pytest.approx(planted.COMPLAINT_MISSED, abs=0.02)
    assert round(failure["not_failed"]["complained_share"], 2) == planted.COMPLAINT_BASE
    gap = {row["segment"]: row["mean_days"] for row in results["time_to_outcome"]}
    assert gap["online"] == pytest.approx(2, abs=0.15)
    assert gap["offline"] == pytest.approx(6, abs=0.4) and gap["mixed"] == pytest.approx(6, abs=0.4)
    conversion = {row["segment"]: row["estimate"] for row in results["conversion"]}
    assert conversion == pytest.approx(planted.CONVERSION, abs=0.02)


@pytest.mark.slow
def test_core_and_notes(results):
    assert results["events"] == 207037 and len(results["paths"]) > 0 and len(results["behaviour"]) > 0
    assert results["said"] is None
    assert results["funnel_tests"][0]["p_adjusted"] < 0.05  # preferences differ in reaching the store
    assert [n["section"] for n in results["notes"]] == ["survey", "interviews"]


@pytest.mark.slow
def test_minimal_study_renders_the_core(tmp_path, monkeypatch):
    """No catalog, no customers, no survey, no run parameters: paths, graph and behaviour render,
    every secondary section is one sentence, and results.json is written."""
    folder = tmp_path / "data" / "raw" / "tiny"
    folder.mkdir(parents=True)
    rows = ["who,when,step"] + [
        f"u{i},2024-01-0{1 + j} 10:00,{step}"
        for i in range(6)
        for j, step in enumerate(["visit", "ask", "buy"][: 1 + i % 3])
    ]
    (folder / "log.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "study.yml").write_text(
        "name: tiny\nfiles:\n  log:\n    path: log.csv\n    role: event_log\n"
        "journeys:\n  sources:\n  - file: log\n    person_id: who\n    timestamp: when\n"
        "    touchpoint: step\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(tmp_path))
    out = tmp_path / "report"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        kernel_name="research",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
        parameters={"study": str(folder), "output_dir": str(out)},
    )
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert results["events"] == 12 and results["paths"][0]["path"] == "visit"
    assert {row["touchpoint"] for row in results["behaviour"]} == {"visit", "ask", "buy"}
    sections = {n["section"] for n in results["notes"]}
    assert {"funnel", "conversion", "time_to_outcome", "failure", "repeat_contact", "survey"} <= sections
