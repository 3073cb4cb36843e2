"""Notebook 10 runs end to end on the sample study and recovers the planted pain points."""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest
from test_report_language import assert_reads_in_chinese

from research.sample import story

pytestmark = pytest.mark.slow  # runs the notebook with papermill

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "10_interview_coding.ipynb"


def test_notebook_recovers_planted_pain_points(tmp_path: Path):
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        parameters={"output_dir": str(tmp_path), "n_boot": 200, "segment": "region"},
        kernel_name="research",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    assert results["top_pain_touchpoints"] == [tp for tp, _ in story.MAIN_PAIN_POINTS]
    assert results["top_pain_points"] == [
        "hotline_wait",
        "bill_shock",
        "install_missed",
        "porting_obstruction",
    ]
    assert results["n_transcripts"] == 24 and results["language"] == "zh"
    assert results["agreement"]["cohen_kappa"] > 0.8
    assert results["autocode"]["precision"] > 0.9 and results["autocode"]["recall"] > 0.85
    assert 0.4 < results["sentiment"]["cohen_kappa"] < 0.8
    # Derived, not hard-coded: coder A coded all 24 transcripts, B a subset; agreement over both.
    assert results["reference_coder"] == "A" and results["agreement"]["coders"] == ["A", "B"]
    assert results["segments"]["column"] == "region"
    assert set(results["segments"]["reach"]) == set(results["top_pain_points"])
    assert all(note["section"] == "coding" for note in results["notes"])  # nothing skipped
    html_unsafe = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "13812345678" not in html_unsafe and "王建国" not in html_unsafe  # quotes and tables redacted
    # The zh run reads in Chinese throughout, the at-a-glance summary naming the top pain point.
    page = assert_reads_in_chinese(tmp_path / "out.ipynb", tmp_path)
    assert page.index("research-glance") < page.index("编码频次")
