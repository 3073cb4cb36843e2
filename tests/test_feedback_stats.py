"""Feedback statistics against published values and independent implementations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact, norm
from statsmodels.stats.multitest import multipletests

from research.errors import DataError, NotApplicable
from research.feedback.stats import (
    UNCODED,
    code_shares,
    code_trend,
    codebook_gaps,
    detractor_lift,
    emerging_issues,
    importance,
    wilson,
)


def test_wilson_matches_newcombe_1998():
    # Newcombe (1998) Stat Med 17:857, Table I, method 3 (Wilson score): 81/263, 15/148, 0/20, 1/29
    interval = wilson([81, 15, 0, 1], [263, 148, 20, 29])
    low, high = interval["ci_low"], interval["ci_high"]
    assert np.round(low, 4).tolist() == [0.2553, 0.0624, 0.0, 0.0061]
    assert np.round(high, 4).tolist() == [0.3662, 0.1605, 0.1611, 0.1718]


def test_code_shares_counts_uncoded_and_every_item():
    items = pd.DataFrame({"item_id": list("abcdef"), "source": ["x"] * 3 + ["y"] * 3})
    codes = pd.DataFrame({"item_id": ["a", "a", "a", "b", "d"], "code": ["p", "p", "q", "p", "q"]})
    shares = code_shares(items, codes, code_list=["q", "p", "never"])
    assert shares["code"].tolist() == ["q", "p", "never", UNCODED]
    assert shares["count"].tolist() == [2, 2, 0, 3]  # a repeated (item, code) counts once
    assert (shares["n"] == 6).all()
    by = code_shares(items, codes, by="source").set_index(["source", "code"])
    assert by.loc[("x", UNCODED), "count"] == 1 and by.loc[("y", UNCODED), "count"] == 2
    assert by.loc[("y", "q"), "estimate"] == pytest.approx(1 / 3)


def test_code_shares_refuses_codes_of_unknown_items_and_reserved_name():
    items = pd.DataFrame({"item_id": [1, 2]})
    with pytest.raises(DataError, match="not among the items"):
        code_shares(items, pd.DataFrame({"item_id": [3], "code": ["p"]}))
    with pytest.raises(DataError, match="reserved"):
        code_shares(items, pd.DataFrame({"item_id": [1], "code": [UNCODED]}))


def test_importance_is_share_times_negativity():
    shares = pd.DataFrame(
        {
            "code": ["a", "b", UNCODED],
            "estimate": [0.5, 0.1, 0.4],
            "ci_low": [0.4, 0.05, 0.3],
            "ci_high": [0.6, 0.2, 0.5],
        }
    )
    table = importance(shares, pd.Series({"a": 0.1, "b": 0.9}))
    assert table["code"].tolist() == ["b", "a"]
    assert table["importance"].tolist() == pytest.approx([0.09, 0.05])
    assert table["importance_high"].tolist() == pytest.approx([0.18, 0.06])


def _two_groups(x1, n1, x2, n2):
    """Items of detractors (score 3) and promoters (score 10) with x of each coded 'c'."""
    items = pd.DataFrame({"item_id": range(n1 + n2), "score": [3] * n1 + [10] * n2})
    coded = [*range(x1), *range(n1, n1 + x2)]
    return items, pd.DataFrame({"item_id": coded, "code": "c"})


def test_detractor_lift_matches_newcombe_katz_and_fisher():
    items, codes = _two_groups(56, 70, 48, 80)
    row = detractor_lift(items, codes).set_index("code").loc["c"]
    # Newcombe (1998) Stat Med 17:873, Table II, example (a) 56/70 - 48/80, method 10: 0.0524 to 0.3339
    assert (round(row["diff_ci_low"], 4), round(row["diff_ci_high"], 4)) == (0.0524, 0.3339)
    # Katz et al. (1978) log interval, computed here from its formula
    ratio = (56 / 70) / (48 / 80)
    se = math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)
    z = norm.ppf(0.975)
    assert row["ratio"] == pytest.approx(ratio)
    assert row["ratio_ci_low"] == pytest.approx(ratio * math.exp(-z * se), rel=1e-9)
    assert row["ratio_ci_high"] == pytest.approx(ratio * math.exp(z * se), rel=1e-9)
    assert row["p_value"] == pytest.approx(fisher_exact([[56, 14], [48, 32]])[1])


def test_detractor_lift_needs_both_groups_and_0_10_scores():
    items, codes = _two_groups(2, 5, 1, 40)
    with pytest.raises(NotApplicable, match="5 detractors"):
        detractor_lift(items, codes)
    items["score"] = [11] * len(items)
    with pytest.raises(DataError, match="0-10"):
        detractor_lift(items, codes)


def test_detractor_lift_holm_across_codes():
    items = pd.DataFrame({"item_id": range(60), "score": [2] * 30 + [9] * 30})
    codes = pd.DataFrame(
        {
            "item_id": [*range(20), *range(5), 30, *range(30, 40)],
            "code": ["a"] * 20 + ["b"] * 5 + ["a"] + ["b"] * 10,
        }
    )
    table = detractor_lift(items, codes).set_index("code")
    expected = multipletests(table["p_value"], method="holm")[1]
    assert table["p_adjusted"].to_numpy() == pytest.approx(expected)


def _monthly(shares_by_month: list[float], n: int = 200):
    rows, coded = [], []
    for month, share in enumerate(shares_by_month, 1):
        for k in range(n):
            item = f"{month}-{k}"
            rows.append((item, pd.Timestamp(2025, month, 1 + k % 28)))
            if k < round(share * n):
                coded.append((item, "crash"))
            if k % 10 == 0:
                coded.append((item, "steady"))
    return (pd.DataFrame(rows, columns=["item_id", "time"]), pd.DataFrame(coded, columns=["item_id", "code"]))


def test_emerging_issue_flagged_with_fisher_and_bh():
    items, codes = _monthly([0.01] * 8 + [0.08] * 3)
    result = emerging_issues(items, codes, "M", recent=3)
    assert result.flagged == ["crash"]
    row = result.table.set_index("code").loc["crash"]
    assert (row["count_recent"], row["n_recent"], row["count_baseline"], row["n_baseline"]) == (
        48,
        600,
        16,
        1600,
    )
    assert row["p_value"] == pytest.approx(fisher_exact([[48, 552], [16, 1584]], alternative="greater")[1])
    expected = multipletests(result.table["p_value"], method="fdr_bh")[1]
    assert result.table["p_adjusted"].to_numpy() == pytest.approx(expected)
    assert str(result.recent[0].date()) == "2025-09-01" and str(result.baseline[0].date()) == "2025-01-01"
    assert "Benjamini-Hochberg" in result.method


def test_emerging_z_test_matches_the_pooled_formula():
    items, codes = _monthly([0.02] * 4 + [0.05] * 2)
    row = emerging_issues(items, codes, "M", recent=2, method="z").table.set_index("code").loc["crash"]
    x1, n1, x0, n0 = 20, 400, 16, 800
    pooled = (x1 + x0) / (n1 + n0)
    z = (x1 / n1 - x0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    assert row["p_value"] == pytest.approx(norm.sf(z))  # one-sided, higher now


def test_emerging_needs_two_periods_and_a_sane_window():
    items, codes = _monthly([0.05])
    with pytest.raises(NotApplicable):
        emerging_issues(items, codes, "M")
    items, codes = _monthly([0.05, 0.05])
    with pytest.raises(DataError, match="recent window"):
        emerging_issues(items, codes, "M", recent=2)


def test_trend_per_week_leaves_undated_items_out():
    items = pd.DataFrame({"item_id": [1, 2, 3], "time": pd.to_datetime(["2025-03-02", "2025-03-03", None])})
    codes = pd.DataFrame({"item_id": [1, 3], "code": ["a", "a"]})
    trend = code_trend(items, codes, "W")
    assert sorted(trend["period"].dt.strftime("%Y-%m-%d").unique()) == ["2025-02-24", "2025-03-03"]
    assert trend["n"].sum() == 2 * 2  # two weeks x (a, uncoded), one dated item each


def test_codebook_gaps_groups_co_occurring_phrases():
    texts = pd.Series(
        [
            "no signal at home",
            "signal drops at home",
            "weak signal at home",
            "signal lost again",
            "parcel arrived late",
            "parcel arrived broken",
            "parcel late",
            "ok",
        ],
        index=[f"i{k}" for k in range(8)],
    )
    gaps = codebook_gaps(texts, "en", min_items=2)
    assert gaps.loc[0, "label"] == "signal" and gaps.loc[0, "n"] == 4
    assert "home" in gaps.loc[0, "phrases"]
    assert gaps.loc[1, "label"] == "parcel" and gaps.loc[1, "examples"] == ["i4", "i5", "i6"]
    with pytest.raises(NotApplicable):
        codebook_gaps(pd.Series(["", None]), "en")
