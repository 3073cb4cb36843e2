"""Placebo-in-space randomisation inference for one or two treated units."""

import math

import causaldata
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from research.errors import DataError
from research.evaluation import placebo_in_space


def _organ_donations() -> pd.DataFrame:
    """Kessler & Roth (2014) organ donation registration rates, as in causaldata.

    California made active choice the default in Q3 2011; the quarter strings ("Q42010") are
    mapped to an ordered period index here.
    """
    data = causaldata.organ_donations.load_pandas().data.copy()
    quarters = sorted(data["Quarter"].unique(), key=lambda q: (int(q[2:]), int(q[1])))
    period = {q: i for i, q in enumerate(quarters)}
    data["period"] = data["Quarter"].map(period)
    data["post"] = (data["period"] >= period["Q32011"]).astype(int)
    return data


def _twfe(data: pd.DataFrame, outcome: str, unit: str, time: str, treated) -> float:
    """Independent fit: statsmodels OLS ``outcome ~ C(unit) + C(time) + treated:post``."""
    frame = data.assign(_d=data[unit].isin(list(treated)).astype(int) * data["post"])
    return float(smf.ols(f"{outcome} ~ C({unit}) + C({time}) + _d", frame).fit().params["_d"])


def _panel(n_units=20, n_periods=8, effect=0.0, treated=(0,), seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    panel = pd.DataFrame(
        [(u, t) for u in range(n_units) for t in range(n_periods)], columns=["site", "period"]
    )
    panel["post"] = (panel["period"] >= n_periods // 2).astype(int)
    panel["y"] = (0.5 * panel["site"] + 0.2 * panel["period"] + rng.normal(0, 1, len(panel))) + effect * (
        panel["site"].isin(treated) & (panel["post"] == 1)
    )
    return panel


def _fit(data, treated, **kwargs):
    return placebo_in_space(
        data, outcome="y", unit="site", time="period", treated_units=treated, post="post", **kwargs
    )


@pytest.fixture(scope="module")
def organ():
    return _organ_donations()


@pytest.fixture(scope="module")
def organ_result(organ):
    return placebo_in_space(
        organ, outcome="Rate", unit="State", time="period", treated_units=["California"], post="post"
    )


def test_organ_donations_estimate_matches_twfe(organ, organ_result):
    # Huntington-Klein, The Effect (2021), ch. 18.2.3 (organ donations, TWFE): -0.0225; and the
    # independent statsmodels fit of Rate ~ C(State) + C(Quarter) + treated:post, to 1e-6.
    reference = _twfe(organ, "Rate", "State", "period", ["California"])
    assert reference == pytest.approx(-0.0225, abs=5e-5)
    assert organ_result.at[0, "estimate"] == pytest.approx(reference, abs=1e-6)
    assert organ_result.at[0, "n"] == 162
    # 27 states in the data: one assignment per state, p_min = 1/27
    assert organ["State"].nunique() == 27
    assert organ_result.at[0, "n_units"] == 27
    assert organ_result.at[0, "n_placebos"] == 27
    assert organ_result.at[0, "p_min"] == pytest.approx(1 / 27)
    assert "Abadie" in organ_result.at[0, "method"]


def test_organ_donations_p_value_equals_brute_force(organ, organ_result):
    # Abadie, Diamond & Hainmueller (2010), sec. 2.4: re-fit with the treatment given to each
    # state in turn (an independent loop of statsmodels fits); p = share with |placebo| >= |actual|.
    states = sorted(organ["State"].unique())
    placebo = {s: _twfe(organ, "Rate", "State", "period", [s]) for s in states}
    actual = placebo["California"]
    expected = sum(abs(v) >= abs(actual) for v in placebo.values()) / len(states)
    assert organ_result.at[0, "p_value"] == expected  # exactly: 5 of 27
    table = organ_result.attrs["placebos"].set_index("unit")
    assert table.loc["California", "actual"]
    assert table["actual"].sum() == 1
    for state, value in placebo.items():
        assert table.at[state, "estimate"] == pytest.approx(value, abs=1e-10)


def test_organ_donations_interval_is_test_inversion(organ, organ_result):
    # Test inversion (Imbens & Rubin 2015, sec. 5.7): at each bound the brute-force permutation
    # test on Rate - tau * treated * post (statsmodels re-fits) does not reject at 5 %; just
    # outside it rejects.
    low, high = organ_result.at[0, "ci_low"], organ_result.at[0, "ci_high"]
    assert low < organ_result.at[0, "estimate"] < high
    states = sorted(organ["State"].unique())
    treated = (organ["State"] == "California") & (organ["post"] == 1)

    def p_at(tau):
        shifted = organ.assign(Rate=organ["Rate"] - tau * treated)
        values = {s: _twfe(shifted, "Rate", "State", "period", [s]) for s in states}
        actual = values["California"]
        return sum(abs(v) >= abs(actual) - 1e-12 for v in values.values()) / len(states)

    step = 1e-6
    assert p_at(low) > 0.05 and p_at(high) > 0.05
    assert p_at(low - step) <= 0.05 and p_at(high + step) <= 0.05


def test_unbalanced_panel_matches_ols():
    # Unbalanced panel: the estimate and every placebo equal statsmodels OLS re-fits (exact
    # within estimator, not mean differences).
    data = _organ_donations()
    rng = np.random.default_rng(3)
    data = data.drop(index=rng.choice(data.index, 30, replace=False))
    data = data[~((data["State"] == "California") & (data["period"] == 0))]
    res = placebo_in_space(
        data, outcome="Rate", unit="State", time="period", treated_units=["California"], post="post"
    )
    placebos = res.attrs["placebos"]
    for state, value in zip(placebos["unit"], placebos["estimate"], strict=True):
        assert value == pytest.approx(_twfe(data, "Rate", "State", "period", [state]), abs=1e-10)
    assert res.at[0, "n"] == len(data)


def test_planted_effect_reaches_p_min_and_is_covered():
    # A permutation test's smallest p-value is 1 / #assignments (Imbens & Rubin 2015, sec. 5.5);
    # an effect of 10 noise SDs is the most extreme assignment.
    res = _fit(_panel(n_units=25, effect=10.0), [0])
    assert res.at[0, "p_value"] == res.at[0, "p_min"] == pytest.approx(1 / 25)
    assert res.at[0, "ci_low"] < 10 < res.at[0, "ci_high"]
    assert res.at[0, "note"] is None


def test_no_effect_interval_covers_zero():
    # Under no effect the exact test rejects in at most 5 % of assignments (Fisher's sharp null).
    for seed in range(3):
        res = _fit(_panel(n_units=30, seed=seed), [0])
        assert res.at[0, "ci_low"] <= 0 <= res.at[0, "ci_high"]
        assert res.at[0, "p_value"] > 0.05


def test_too_few_units_give_unbounded_interval_with_note():
    # 12 assignments: p_min = 1/12 > 0.05, so no effect can be rejected (no fake interval).
    res = _fit(_panel(n_units=12, effect=10.0), [0])
    assert res.at[0, "p_value"] == pytest.approx(1 / 12)
    assert np.isnan(res.at[0, "ci_low"]) and np.isnan(res.at[0, "ci_high"])
    assert "unbounded" in res.at[0, "note"]


def test_two_treated_units_enumerate_all_pairs():
    # Two treated units: estimate = statsmodels TWFE; all C(n_units, 2) pairs are assignments.
    data = _panel(n_units=15, effect=2.0, treated=(0, 3), seed=4)
    res = _fit(data, [3, 0])
    assert res.at[0, "estimate"] == pytest.approx(_twfe(data, "y", "site", "period", [0, 3]), abs=1e-10)
    assert res.at[0, "n_placebos"] == math.comb(15, 2)
    assert res.at[0, "n_treated"] == 2
    placebos = res.attrs["placebos"]
    assert placebos["unit"].iloc[0] == (0, 3) and placebos["actual"].iloc[0]
    assert placebos["unit"].nunique() == math.comb(15, 2)
    pair = placebos["unit"].iloc[7]
    assert placebos["estimate"].iloc[7] == pytest.approx(_twfe(data, "y", "site", "period", pair))
    estimate = res.at[0, "estimate"]
    expected = (placebos["estimate"].abs() >= abs(estimate) - 1e-12).mean()
    assert res.at[0, "p_value"] == pytest.approx(expected)


def test_random_sample_of_assignments_is_seeded():
    # Above max_placebos a seeded random sample of distinct assignments (actual included).
    data = _panel(n_units=15, treated=(0, 3))
    first = _fit(data, [0, 3], max_placebos=40, seed=1)
    again = _fit(data, [0, 3], max_placebos=40, seed=1)
    assert first.at[0, "n_placebos"] == 40
    assert first.at[0, "p_value"] == again.at[0, "p_value"]
    assert first.attrs["placebos"]["unit"].nunique() == 40
    assert "random sample" in first.at[0, "method"]


def test_integer_unit_named_by_string():
    # study.yml gives labels as text; an integer unit column still matches.
    data = _panel(n_units=20, effect=1.0)
    assert _fit(data, "0").at[0, "estimate"] == _fit(data, [0]).at[0, "estimate"]
    assert _fit(data, pd.Series([0])).at[0, "estimate"] == _fit(data, 0).at[0, "estimate"]


@pytest.mark.parametrize(
    ("change", "treated", "message"),
    [
        (lambda d: d, ["Atlantis", "Mars"], "not in the data: 'Atlantis', 'Mars'"),
        (lambda d: d, [], "No treated unit"),
        (lambda d: d[d["site"] < 2], [0], "Only 1 untreated unit"),
        (lambda d: d[d["post"] == 1], [0], "No pre-intervention period"),
        (lambda d: d[d["post"] == 0], [0], "No post-intervention period"),
        (lambda d: d.assign(post=d["post"] * 2), [0], "0/1 indicator"),
        (lambda d: d.assign(post=np.where(d["site"] == 1, 0, d["post"])), [0], "differs between units"),
        (lambda d: pd.concat([d, d.head(1)]), [0], "More than one row"),
        (lambda d: d.drop(columns="period"), [0], "Column not in the data"),
        (lambda d: d.assign(y=d["y"].where(d["site"] != 0)), [0], "no outcome values"),
        (lambda d: d[~((d["site"] == 0) & (d["post"] == 0))], [0], "no data before"),
        (lambda d: d.assign(y=d["y"].astype(str).where(d.index != 5, "n/a")), [0], "not numeric"),
    ],
)
def test_data_errors(change, treated, message):
    with pytest.raises(DataError, match=message):
        _fit(change(_panel()), treated)
