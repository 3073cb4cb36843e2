"""Notebook 50 (touchpoint scorecard) on the sample: it runs after the reports it needs, ranks
the planted main pain point first, and the index opens with findings that name the planted pain
points and the evaluated improvement. (Sample-aware: reads the planted truths from research.sample.)"""

from __future__ import annotations

import json
import shutil

import papermill
import pytest
import yaml
from conftest import PROJECT, copy_sample

from research.coding import (
    code_frequencies,
    coding_results,
    load_coding_data,
    pain_point_ranking,
    touchpoint_ranking_section,
    unit_sentiment,
)
from research.io import write_json
from research.reports.runner import run_reports
from research.sample import scorecard as sample_scorecard
from research.sample import story
from research.scorecard import code_labels
from research.study import load_study
from research.survey import load_wave, report_results, scorecard, touchpoint_drivers

NOTEBOOK = PROJECT / "notebooks" / "50_touchpoint_scorecard.ipynb"


def test_notebook_parameters_and_sample_runs():
    names = set(papermill.inspect_notebook(str(NOTEBOOK)))
    assert {
        "study",
        "output_dir",
        "language",
        "inputs",
        "weight_importance",
        "weight_gap",
        "weight_pain",
    } <= names
    runs = {r.id: r for r in load_study("sample").runs}
    for language, needs in sample_scorecard.NEEDS.items():
        run = next(
            r for r in runs.values() if r.notebook == NOTEBOOK.name and r.parameters["language"] == language
        )
        assert run.needs == needs and all(n in runs for n in needs)


def _coding_results(root, language):
    """The coding report's results.json written with the package (notebook 10 takes ~40 s)."""
    study = load_study("sample")
    data = load_coding_data(study)
    sentiment = unit_sentiment(data.units, data.codebook)
    ranking = pain_point_ranking(
        data.coded, data.codebook, respondents=data.respondent_ids, sentiment=sentiment, language=language
    )
    frequencies = code_frequencies(data.coded, data.codebook, respondents=data.respondent_ids)
    by_touchpoint = touchpoint_ranking_section(data, sentiment, language)
    results = coding_results(data, language, frequencies, ranking, touchpoint_ranking=by_touchpoint)
    write_json(
        root / "reports" / "sample" / f"coding-{language}" / "results.json",
        {"results": results, "provenance": {"parameters": {"language": language}}},
    )


def _survey_results(root, wave):
    """The survey report's results.json written with the package (scorecard and drivers only)."""
    data = load_wave(load_study("sample"), wave, weighted=True)
    card = scorecard(data, weighted=True)
    drivers = touchpoint_drivers(data, "overall", weighted=True, n_boot=100)
    results = report_results(wave=wave, weighted=True, n=len(data.responses), card=card, drivers=drivers)
    write_json(
        root / "reports" / "sample" / f"survey-{wave}" / "results.json",
        {"results": results, "provenance": {"parameters": {"wave": wave}}},
    )


@pytest.mark.slow
def test_scorecard_ranks_the_planted_pain_first_and_the_index_names_it(project_copy):
    root = project_copy
    folder = copy_sample(root)
    shutil.copytree(PROJECT / "notebooks", root / "notebooks")
    # Only the runs the zh scorecard needs (other runs of the sample may change independently).
    definition = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    scorecard = next(r for r in definition["runs"] if r["id"] == "scorecard")
    definition["runs"] = [r for r in definition["runs"] if r["id"] in {"scorecard", *scorecard["needs"]}]
    (folder / "study.yml").write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    _coding_results(root, "zh")
    _survey_results(root, "after")
    # The evaluation and feedback reports (journeys left out: a missing pillar).
    pillars = run_reports("sample", only="[ef][ve]*", jobs=2, progress=False, root=root)
    assert pillars.ok, pillars.summary()
    batch = run_reports("sample", only="scorecard", progress=False, root=root)
    assert [o.status for o in batch.outcomes] == ["ok"], batch.summary()
    path = root / "reports" / "sample" / "scorecard" / "results.json"
    results = json.loads(path.read_text(encoding="utf-8"))["results"]
    assert results["language"] == "zh"
    assert results["inputs"]["survey"] == ["survey-after"] and "journeys" not in results["inputs"]
    # Planted truths: hotline and bill are the main pain points (story.MAIN_PAIN_POINTS) and drivers.
    assert results["top"][:2] == [touchpoint for touchpoint, _ in story.MAIN_PAIN_POINTS[:2]]
    by_id = {row["touchpoint"]: row for row in results["touchpoints"]}
    assert by_id[story.IMPROVED_TOUCHPOINT]["verdict"] == "improved"
    assert by_id["work_orders"]["mean"] is None  # no survey items: missing, not 0
    # README planted delight: app self-service praised by 12 of 24 interviewees.
    assert by_id["app"]["interview_delight_reach"] == pytest.approx(12 / 24)
    assert {row["stage"] for row in results["emotion"]} == set(load_study("sample").stages)
    labels = code_labels(load_study("sample"), "zh")
    texts = [f["text"] for f in results["findings"]]
    assert len(texts) == 5
    assert labels["hotline_wait"] in texts[0] and labels["bill_shock"] in texts[1]
    improved = next(f for f in results["findings"] if f["run"] == "evaluation-hotline")
    assert "见效" in improved["text"] and improved["section"] == "verdicts"
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    findings = index[index.index('class="findings"') : index.index("<table>")]
    assert labels["hotline_wait"] in findings and labels["bill_shock"] in findings and "见效" in findings
    assert 'href="sample/scorecard.html#priority"' in findings
    assert 'href="sample/evaluation-hotline.html#verdicts"' in findings.lower()  # the page's id
    page = (root / "reports" / "sample" / "scorecard.html").read_text(encoding="utf-8")
    assert 'id="priority"' in page and 'id="journey-map"' in page and "<img" in page
    # Warm batch: nothing it reads changed, so the scorecard is skipped.
    warm = run_reports("sample", only="scorecard", progress=False, root=root)
    assert [o.status for o in warm.outcomes] == ["skipped"]
