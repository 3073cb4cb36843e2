"""The survey part of the sample generator: deterministic, small, loadable, truths recoverable."""

from __future__ import annotations

import pandas as pd
import statsmodels.api as sm
from conftest import SAMPLE

from research import load_study
from research.io import file_sha256
from research.sample import surveys
from research.sample.parts import SampleContext
from research.survey import load_survey, nps


def test_part_is_deterministic_and_declares_its_files(tmp_path):
    first = surveys.generate(SampleContext(out=tmp_path / "a", scale=0.05))
    second = surveys.generate(SampleContext(out=tmp_path / "b", scale=0.05))
    for name in ("before.csv", "margins.csv"):
        assert file_sha256(tmp_path / "a" / "survey" / name) == file_sha256(tmp_path / "b" / "survey" / name)
    assert first.truths == second.truths
    assert first.name == "survey"
    assert {"survey_before", "survey_after", "survey_after_panel", "margins"} == set(first.files)
    assert first.section["outcomes"] == {"overall": "overall_sat", "nps": "recommend", "ces": "effort"}
    assert first.runs == surveys.RUNS
    for spec in first.files.values():
        assert (tmp_path / "a" / spec["path"]).exists()


def test_committed_survey_files_fit_the_budget():
    total = sum(p.stat().st_size for p in (SAMPLE / "survey").rglob("*") if p.is_file())
    assert total < 2.5 * 1024 * 1024


def test_committed_sample_has_the_declared_shape():
    study = load_study("sample")
    section = study.section("survey")
    assert set(section["waves"]) == {"before", "after"}
    assert study.file_spec("survey_before").encoding == "gbk"
    assert study.file_spec("survey_after").options == {"header_rows": 2}
    assert (study.file("survey_before").read_bytes()[:40]).decode("gbk").startswith("respondent_id")


def test_planted_drivers_rank_first_in_a_regression():
    # README truth: hotline (0.35) and bill (0.30) drive overall satisfaction most; website and
    # WeChat not at all. A plain OLS on complete cases already ranks them so.
    data = load_survey("sample")
    scores = data.touchpoint_scores().drop(columns="complaints")  # 35% usage: too few complete cases
    frame = pd.concat([scores, data.responses["overall_sat"]], axis=1).dropna()
    coefficients = sm.OLS(frame["overall_sat"], sm.add_constant(frame[scores.columns])).fit().params
    ranking = coefficients.drop("const").sort_values(ascending=False).index.tolist()
    assert set(ranking[:2]) == {"hotline", "bill"}
    assert set(ranking[-2:]) == {"website", "wechat"}


def test_planted_nps_gain_is_within_sampling_error():
    data = load_survey("sample")
    by_wave = {
        wave: nps(group["recommend"], group["weight"]).iloc[0]
        for wave, group in data.responses.groupby("wave")
    }
    gain = by_wave["after"]["nps"] - by_wave["before"]["nps"]
    se = (by_wave["after"]["se"] ** 2 + by_wave["before"]["se"] ** 2) ** 0.5
    assert abs(gain - 8.5) < 2.5 * se  # README truth: +8.5 points in the population
    assert gain > 0
