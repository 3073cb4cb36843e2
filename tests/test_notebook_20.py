"""Notebook 20 (survey statistics) runs on the sample study and recovers the planted drivers."""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest
from test_report_language import assert_reads_in_chinese

from research.sample import surveys

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOK = PROJECT / "notebooks" / "20_survey_statistics.ipynb"


def test_runs_match_the_notebook_parameters():
    # papermill must be able to parse every parameter (it cannot when a comment holds "=").
    names = set(papermill.inspect_notebook(str(NOTEBOOK)))
    assert {"study", "output_dir", "wave", "weighted", "segment", "outcome", "language"} <= names
    assert surveys.RUNS, "the survey part registers the notebook's report runs"
    for run in surveys.RUNS:
        assert run["notebook"] == NOTEBOOK.name
        assert set(run["parameters"]) <= names


@pytest.mark.slow
def test_notebook_recovers_planted_drivers(tmp_path):
    out = tmp_path / "report"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        parameters={
            "study": "sample",
            "wave": "before",
            "output_dir": str(out),
            "n_boot": 200,
            "weighted": True,
            "segment": "tier",
        },
        kernel_name="research",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    # The sample has every section: nothing is skipped.
    assert not results.get("notes"), results.get("notes")
    assert results["weighted"] is True
    # Planted truths of the sample survey (research.sample.surveys.DRIVERS): the touchpoints
    # with the largest coefficients in overall satisfaction must be the top drivers.
    planted = sorted(surveys.DRIVERS, key=surveys.DRIVERS.get, reverse=True)
    assert set(results["top_drivers"][:2]) == set(planted[:2])
    zero = [tp for tp, coef in surveys.DRIVERS.items() if coef == 0]
    assert all(results["top_drivers"].index(tp) >= 4 for tp in zero)
    weights = [d["rescaled_weight"] for d in results["drivers"]]
    assert abs(sum(weights) - 100) < 1e-6
    assert all(d["ci_low"] <= d["rescaled_weight"] <= d["ci_high"] for d in results["drivers"][:2])
    # The planted top drivers perform below average: they land in "Concentrate here".
    assert results["ipa"][planted[0]] == "concentrate_here"
    assert -100 <= results["outcomes"]["nps"]["estimate"] <= 100
    assert results["outcomes"]["nps"]["ci_low"] < results["outcomes"]["nps"]["estimate"]
    assert results["segment_comparison"]["segment"] == "tier"
    assert results["segment_comparison"]["significant_pairs"] >= 1  # planted gold-tier uplift
    assert min(results["alpha"].values()) > 0.6
    assert all(0 < r["alpha_std"] < 1 for r in results["reliability"])
    assert {r["top_box_answers"] for r in results["scorecard"]} == {"4-5"}
    # The sample's main language is Chinese: the report reads in Chinese, summary first.
    assert results["at_a_glance"][0].startswith("本报告分析")
    assert_reads_in_chinese(tmp_path / "out.ipynb", tmp_path)
