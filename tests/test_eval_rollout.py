"""Roll-outs in waves: Callaway & Sant'Anna group-time effects against the R package did."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.errors import DataError
from research.evaluation.rollout import group_time_effects, rollout_effects, staggered

DATA = Path(__file__).parent / "data" / "mpdta.csv"


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    # mpdta (R package did, Callaway & Sant'Anna 2021): county teen employment 2003-2007, 500
    # counties; the copy in tests/data/mpdta.csv keeps countyreal, first.treat (0 = never) and
    # lemp (wide by year), taken from the CSV export of did's mpdta shipped in the csdid
    # repository (d2cml-ai/csdid, data/mpdta.csv). See tests/data/README.md.
    wide = pd.read_csv(DATA)
    long = wide.melt(id_vars=["countyreal", "first_treat"], var_name="year", value_name="lemp")
    long["year"] = long["year"].str[-4:].astype(int)
    long["start"] = long["first_treat"].where(long["first_treat"] > 0)
    return long


# did README (did 2.5.0): att_gt(yname="lemp", gname="first.treat", idname="countyreal",
# tname="year", xformla=~1, data=mpdta, est_method="reg"), never-treated controls.
ATT_GT = {
    (2004, 2004): (-0.0105, 0.0241),
    (2004, 2005): (-0.0704, 0.0313),
    (2004, 2006): (-0.1373, 0.0380),
    (2004, 2007): (-0.1008, 0.0337),
    (2006, 2004): (0.0065, 0.0223),
    (2006, 2005): (-0.0028, 0.0196),
    (2006, 2006): (-0.0046, 0.0188),
    (2006, 2007): (-0.0412, 0.0202),
    (2007, 2004): (0.0305, 0.0154),
    (2007, 2005): (-0.0027, 0.0168),
    (2007, 2006): (-0.0311, 0.0190),
    (2007, 2007): (-0.0261, 0.0182),
}
# aggte(out, type = "dynamic"): event-time estimates and the overall -0.0772 (se 0.0196)
DYNAMIC = {
    -3: (0.0305, 0.0153),
    -2: (-0.0006, 0.0136),
    -1: (-0.0245, 0.0138),
    0: (-0.0199, 0.0115),
    1: (-0.0510, 0.0174),
    2: (-0.1373, 0.0356),
    3: (-0.1008, 0.0354),
}


def test_mpdta_group_time_effects_match_did(mpdta):
    # Point estimates to the 4 decimals did prints. did's printed SEs come from its multiplier
    # bootstrap (random, bstrap=TRUE by default); ours are the analytic influence-function SEs
    # (bstrap=FALSE), so they agree to bootstrap noise (within 10%).
    res = rollout_effects(mpdta, "lemp", "countyreal", "year", "start", control="never_treated")
    table = res.group_time.set_index(["group", "time"])
    assert len(table) == 12
    for (g, t), (att, se) in ATT_GT.items():
        assert round(table.at[(g, t), "estimate"], 4) == att, (g, t)
        assert table.at[(g, t), "se"] == pytest.approx(se, rel=0.10), (g, t)


def test_mpdta_aggregations_match_did(mpdta):
    res = rollout_effects(mpdta, "lemp", "countyreal", "year", "start", control="never_treated")
    events = res.event_time.set_index("event_time")
    for e, (att, se) in DYNAMIC.items():
        assert round(events.at[e, "estimate"], 4) == att, e
        assert events.at[e, "se"] == pytest.approx(se, rel=0.10), e
    dynamic = res.summaries["dynamic"].iloc[0]
    assert round(dynamic["estimate"], 4) == -0.0772
    assert dynamic["se"] == pytest.approx(0.0196, rel=0.10)
    # aggte(type = "group"): overall -0.031 (se 0.0123); groups -0.0797, -0.0229, -0.0261
    group = res.summaries["group"].iloc[0]
    assert round(group["estimate"], 3) == -0.031
    assert group["se"] == pytest.approx(0.0123, rel=0.10)
    assert res.groups["estimate"].round(4).tolist() == [-0.0797, -0.0229, -0.0261]
    # aggte(type = "simple"): -0.0400 (did vignettes; se about 0.0118 with the bootstrap)
    simple = res.overall.iloc[0]
    assert round(simple["estimate"], 4) == -0.0400
    assert simple["se"] == pytest.approx(0.0118, rel=0.10)
    assert simple["n_units"] == 500 and simple["n_waves"] == 3
    # the plain two-way FE estimate beside it: did's TWFE vignette, feols(lemp ~ post | id + year)
    # gives -0.0365 (se 0.0133, clustered by county); pyfixest 0.60 gives the same
    import pyfixest as pf

    frame = mpdta.assign(post=(mpdta["year"] >= mpdta["start"]).astype(int))
    ref = pf.feols("lemp ~ post | countyreal + year", frame, vcov={"CRV1": "countyreal"})
    assert res.twfe.at[0, "estimate"] == pytest.approx(ref.coef()["post"], abs=1e-10)
    assert res.twfe.at[0, "se"] == pytest.approx(ref.se()["post"], abs=1e-10)
    assert round(res.twfe.at[0, "estimate"], 4) == -0.0365


def test_not_yet_treated_cells_equal_two_by_two_regressions(mpdta):
    # Independent construction of each ATT(g, t) with not-yet-treated comparisons: an OLS 2x2 DiD
    # (statsmodels) on the units of wave g and those untreated at both t and the base period,
    # base = g - 1 after the start and t - 1 before it; its SE from the same influence function
    # written as the two-sample formula sqrt(var1 / n1 + var0 / n0) with 1/n variances.
    import statsmodels.formula.api as smf

    res = rollout_effects(mpdta, "lemp", "countyreal", "year", "start", control="not_yet_treated")
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    start = mpdta.groupby("countyreal")["start"].first()
    for row in res.group_time.itertuples():
        g, t = row.group, row.time
        base = g - 1 if t >= g else t - 1
        later = start.isna() | (start > max(t, base))
        units = start.index[(start == g) | later]
        frame = pd.DataFrame(
            {
                "y": np.r_[wide.loc[units, base], wide.loc[units, t]],
                "treated": np.r_[start[units] == g, start[units] == g].astype(int),
                "post": np.r_[np.zeros(len(units)), np.ones(len(units))],
            }
        )
        fit = smf.ols("y ~ treated * post", frame).fit()
        assert row.estimate == pytest.approx(fit.params["treated:post"], abs=1e-12)
        delta = wide.loc[units, t] - wide.loc[units, base]
        d1, d0 = delta[start[units] == g], delta[start[units] != g]
        assert row.se == pytest.approx(np.sqrt(d1.var(ddof=0) / len(d1) + d0.var(ddof=0) / len(d0)), rel=1e-9)
    assert round(res.overall.at[0, "estimate"], 4) == -0.0398


def test_staggered_and_bad_input(mpdta):
    assert staggered(mpdta, "countyreal", "start")
    one_wave = mpdta.assign(start=mpdta["start"].where(mpdta["start"] == 2006))
    assert not staggered(one_wave, "countyreal", "start")
    bad = mpdta.copy()
    bad.loc[bad.index[0], "start"] = 2005.0  # a start that changes within county 8001
    with pytest.raises(DataError, match="changes within a unit"):
        group_time_effects(bad, "lemp", "countyreal", "year", "start")
    with pytest.raises(DataError, match="not a period"):
        group_time_effects(
            mpdta.assign(start=mpdta["start"].replace(2004.0, 2010.0)), "lemp", "countyreal", "year", "start"
        )
    with pytest.raises(DataError, match="Unknown control"):
        rollout_effects(mpdta, "lemp", "countyreal", "year", "start", control="everyone")


def test_unbalanced_units_are_left_out_with_a_note(mpdta):
    data = mpdta.drop(index=mpdta.index[(mpdta["countyreal"] == 13011) & (mpdta["year"] == 2005)])
    res = rollout_effects(data, "lemp", "countyreal", "year", "start", control="never_treated")
    assert res.n_units == 499
    assert any("missing period" in note for note in res.notes)
