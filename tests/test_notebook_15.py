"""Notebook 15 recovers the sample's planted feedback truths; a feedback-only study renders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import papermill
import pytest
import yaml
from conftest import PROJECT
from test_report_language import assert_reads_in_chinese

from research.reports.runner import run_reports
from research.sample import feedback, generate

NOTEBOOK = PROJECT / "notebooks" / "15_feedback_analytics.ipynb"


@pytest.fixture(scope="module")
def sample_results(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    built = generate(root / "build" / "fbsample", scale=0.3)
    study = root / "data" / "raw" / "fbsample"
    study.parent.mkdir(parents=True)
    shutil.move(str(built), study)
    out = root / "out"
    mp = pytest.MonkeyPatch()
    mp.setenv("RESEARCH_PROJECT_ROOT", str(root))
    try:
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(root / "out.ipynb"),
            kernel_name="research",
            cwd=str(NOTEBOOK.parent),
            parameters={"study": str(study), "language": "zh", "output_dir": str(out), "recent": 3},
            progress_bar=False,
        )
    finally:
        mp.undo()
    # The zh run reads in Chinese (the feedback-only study below renders in English).
    assert_reads_in_chinese(root / "out.ipynb", root)
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["results"], root


@pytest.mark.slow
def test_emerging_app_issue_after_the_release(sample_results):
    results, _ = sample_results
    assert results["emerging"] == [feedback.EMERGING_CODE]
    assert results["recent_window"][0] > str(feedback.APP_RELEASE)
    assert "Benjamini-Hochberg" in results["emerging_method"]


@pytest.mark.slow
def test_detractor_theme(sample_results):
    results, _ = sample_results
    top = results["detractor_themes"][0]
    assert top["code"] == feedback.DETRACTOR_THEME
    assert top["diff_ci_low"] > 0.15 and top["p_adjusted"] < 0.01


@pytest.mark.slow
def test_uncoded_share_gap_and_scorecard_feed(sample_results):
    results, _ = sample_results
    low, high = results["uncoded_ci"]
    assert low < feedback.UNCODED_SHARE < high
    assert results["codebook_gaps"][0] in ("信号", "signal")
    assert results["n_blank"] > 0 and results["n_items"] > results["n_written"]
    app = results["touchpoints"]["app"]
    assert feedback.EMERGING_CODE in app["top_complaint_codes"] and 0 < app["negative_share"] < 1


@pytest.mark.slow
def test_classification_is_cached_as_parquet(sample_results):
    _, root = sample_results
    folders = list((root / "data" / "processed" / "fbsample" / "feedback").glob("classified-*"))
    assert len(folders) == 1 and (folders[0] / "labels-00000.parquet").exists()


@pytest.mark.slow
def test_feedback_only_study_renders(project_copy):
    folder = project_copy / "data" / "raw" / "fbonly"
    folder.mkdir()
    texts = ['"Too slow, waited ages"', "Great staff! Thanks", "nothing to add", ""] * 5
    rows = ["stars,review"] + [f"{n % 5 + 1},{t}" for n, t in enumerate(texts)]
    (folder / "reviews.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    codebook = {
        "codes": [
            {
                "id": "slow",
                "name": {"en": "Slow service"},
                "valence": "pain_point",
                "keywords": {"en": ["slow", "waited"]},
            },
            {"id": "staff", "name": {"en": "Staff"}, "valence": "delight", "keywords": {"en": ["staff"]}},
        ]
    }
    (folder / "codebook.yml").write_text(yaml.safe_dump(codebook), encoding="utf-8")
    study = {
        "name": "fbonly",
        "files": {
            "reviews": {"path": "reviews.csv", "role": "feedback"},
            "codebook": {"path": "codebook.yml", "role": "codebook"},
        },
        "feedback": {"sources": [{"file": "reviews", "text_column": "review"}]},
        "runs": [{"id": "feedback", "notebook": "15_feedback_analytics.ipynb", "title": "Feedback"}],
    }
    (folder / "study.yml").write_text(yaml.safe_dump(study), encoding="utf-8")
    shutil.copytree(PROJECT / "notebooks", project_copy / "notebooks", dirs_exist_ok=True)
    result = run_reports("fbonly", progress=False, root=project_copy)
    assert [o.status for o in result.outcomes] == ["ok"], result.outcomes[0].error
    results = json.loads(
        (project_copy / "reports" / "fbonly" / "feedback" / "results.json").read_text(encoding="utf-8")
    )["results"]
    assert results["n_items"] == 20 and results["n_blank"] == 5
    assert results["uncoded_share"] == pytest.approx(1 / 3)
    sections = {n["section"] for n in results["notes"]}
    assert {"trends", "detractors", "supervised"} <= sections
    page = (project_copy / "reports" / "fbonly" / "feedback.html").read_text(encoding="utf-8")
    assert str(project_copy) not in page and "Traceback" not in page


def test_notebook_names_no_sample_names():
    text = Path(NOTEBOOK).read_text(encoding="utf-8")
    for name in ("app_glitch", "bill_shock", "why_score", "app_store", "wechat"):
        assert name not in text
