"""Agreement coefficients against published worked examples, and code_agreement on codings."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest

from research import DataError, load_study
from research.coding import (
    code_agreement,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    load_codings,
    load_transcripts,
    transcript_from_text,
    units_frame,
)
from research.coding.agreement import _alpha_from_parts, _binary_alpha_parts


def _labels_from_table(table):
    """Two coders' label lists reproducing a contingency table (rows: coder A, columns: B)."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


def test_cohen_kappa_wikipedia_example():
    # Wikipedia "Cohen's kappa", worked example: 50 grant proposals, yes/yes 20, yes/no 5,
    # no/yes 10, no/no 15 -> p_o = 0.70, p_e = 0.50, kappa = 0.40.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.400, abs=5e-4)


def test_cohen_kappa_sas_example_unweighted_and_linear():
    # SAS PROC FREQ AGREE printout for the 3x3 table [[0,4,1],[0,8,0],[0,1,5]] (reproduced in
    # statsmodels' test_inter_rater.py): simple kappa 0.4842, weighted (Cicchetti-Allison,
    # linear) kappa 0.4701.
    a, b = _labels_from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    assert cohen_kappa(a, b) == pytest.approx(0.4842, abs=5e-4)
    assert cohen_kappa(a, b, kappa_weights="linear") == pytest.approx(0.4701, abs=5e-4)


def test_cohen_kappa_quadratic_matches_the_textbook_formula():
    # Fleiss & Cohen (1973) quadratic weights w_ij = 1 - (i-j)^2/(k-1)^2; kappa_w = (p_o - p_e) /
    # (1 - p_e) with weighted agreement; computed here independently of statsmodels.
    table = np.array([[11, 3, 1, 0], [2, 9, 4, 1], [0, 3, 8, 2], [1, 0, 2, 6]])
    k = table.shape[0]
    i, j = np.indices((k, k))
    w = 1 - (i - j) ** 2 / (k - 1) ** 2
    p = table / table.sum()
    expected_table = np.outer(p.sum(1), p.sum(0))
    reference = ((w * p).sum() - (w * expected_table).sum()) / (1 - (w * expected_table).sum())
    a, b = _labels_from_table(table)
    assert cohen_kappa(a, b, kappa_weights="quadratic") == pytest.approx(reference, abs=1e-9)


def test_weighted_kappa_of_text_labels_needs_the_scale_order():
    # Alphabetical order (high < low < medium) is not the scale: refuse rather than weight wrongly.
    a, b = _labels_from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    scale = ["low", "medium", "high"]
    a_text, b_text = [scale[i] for i in a], [scale[i] for i in b]
    with pytest.raises(DataError, match="scale order"):
        cohen_kappa(a_text, b_text, kappa_weights="linear")
    # SAS PROC FREQ value as above (0.4701) once the order is given.
    assert cohen_kappa(a_text, b_text, kappa_weights="linear", categories=scale) == pytest.approx(
        0.4701, abs=5e-4
    )
    assert cohen_kappa(a_text, b_text) == pytest.approx(0.4842, abs=5e-4)  # unweighted: order irrelevant


def test_cohen_kappa_unused_category_and_errors():
    assert np.isnan(cohen_kappa([0, 0, 0], [0, 0, 0]))
    assert cohen_kappa([1, 2, None], [1, 2, 2]) == pytest.approx(1.0)  # missing pair dropped
    with pytest.raises(DataError, match="differ in length"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(DataError, match="Unknown kappa weights"):
        cohen_kappa([1, 2], [1, 2], kappa_weights="cubic")


# Fleiss (1971) psychiatric diagnoses: 30 patients, 6 psychiatrists, 5 categories (also in R
# irr::diagnoses; kappam.fleiss gives 0.4302445; statsmodels' tests hold the table).
DIAGNOSES = np.array(
    [
        [4, 4, 4, 4, 4, 4],
        [2, 2, 2, 5, 5, 5],
        [2, 3, 3, 3, 3, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4],
        [1, 1, 3, 3, 3, 3],
        [3, 3, 3, 3, 5, 5],
        [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4],
        [5, 5, 5, 5, 5, 5],
        [1, 4, 4, 4, 4, 4],
        [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3],
        [1, 4, 4, 4, 4, 4],
        [2, 2, 4, 4, 4, 5],
        [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5],
        [1, 1, 1, 1, 1, 2],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 4, 4, 4, 4, 4],
        [2, 2, 4, 5, 5, 5],
        [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5],
        [2, 2, 2, 2, 2, 4],
        [1, 1, 1, 1, 5, 5],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3],
        [5, 5, 5, 5, 5, 5],
    ]
)


def test_fleiss_kappa_fleiss_1971():
    counts = np.stack([np.equal(DIAGNOSES, c).sum(1) for c in range(1, 6)], axis=1)
    assert fleiss_kappa(counts) == pytest.approx(0.430, abs=5e-4)


def test_fleiss_kappa_wikipedia_example():
    # Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories -> 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    assert fleiss_kappa(pd.DataFrame(table)) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_without_variation_is_nan_without_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(fleiss_kappa([[3, 0], [3, 0], [3, 0]]))


def test_fleiss_kappa_unequal_raters_is_an_error():
    with pytest.raises(DataError, match="same number of raters") as caught:
        fleiss_kappa([[2, 1], [1, 1]])
    assert caught.value.row == 2


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": worked examples.
KRIPPENDORFF_4X12 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    ("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_alpha_4_coders_12_units_with_missing(level, expected):
    assert krippendorff_alpha(KRIPPENDORFF_4X12, level_of_measurement=level) == pytest.approx(
        expected, abs=5e-4
    )


def test_krippendorff_alpha_binary_two_coders():
    # Krippendorff (2011) section A: binary data, two observers, 10 units -> alpha = 0.095.
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert krippendorff_alpha(data) == pytest.approx(0.095, abs=5e-4)
    labels = [["no" if v == 0 else "yes" for v in row] for row in data]
    assert krippendorff_alpha(pd.DataFrame(labels)) == pytest.approx(0.095, abs=5e-4)


def test_krippendorff_alpha_errors():
    with pytest.raises(DataError, match="Unknown level"):
        krippendorff_alpha(KRIPPENDORFF_4X12, level_of_measurement="ordinal-ish")
    with pytest.raises(DataError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], level_of_measurement="interval")
    assert np.isnan(krippendorff_alpha([[1, 1], [1, 1]]))


def test_binary_alpha_parts_match_the_krippendorff_package():
    # The bootstrap reweights units through per-unit parts; they must reproduce the package.
    rng = np.random.default_rng(1)
    for m in (2, 3, 5):
        present = rng.random((m, 200)) < 0.2
        d, ones, per_unit = _binary_alpha_parts(present)
        ours = _alpha_from_parts(d.sum(), ones.sum(), per_unit * present.shape[1])
        reference = krippendorff.alpha(present.astype(float), level_of_measurement="nominal")
        assert float(ours) == pytest.approx(reference, abs=1e-12)


def _toy_codings():
    text = "\n".join(f"Q: q{i}\nA: answer {i} with some words." for i in range(1, 21))
    transcript = transcript_from_text(text, "t1")
    units = units_frame([transcript])
    respondent = units[units["role"] == "respondent"].reset_index(drop=True)
    rng = np.random.default_rng(7)
    rows = []
    truth = {code: rng.random(len(respondent)) < 0.4 for code in ("wait", "bill")}
    for code, applied in truth.items():
        for position, used in enumerate(applied):
            start, end = int(respondent.loc[position, "start"]), int(respondent.loc[position, "end"])
            if used:
                rows.append(("t1", start, end, code, "A"))
            flip = rng.random() < 0.15
            if used != flip:
                rows.append(("t1", start + 2, end - 1, code, "B"))  # shifted span, same unit
    codings = pd.DataFrame(rows, columns=["transcript_id", "start", "end", "code", "coder"])
    return codings, units


def test_code_agreement_matches_coefficients_on_unit_vectors():
    codings, units = _toy_codings()
    result = code_agreement(codings, units, n_boot=500, seed=3)
    table = result.table.set_index("code")
    assert list(result.table.columns) == [
        "code",
        "units",
        "units_coded_by_any",
        "percent_agreement",
        "cohen_kappa",
        "krippendorff_alpha",
        "alpha_ci_low",
        "alpha_ci_high",
    ]
    assert list(table.index) == ["bill", "wait", "overall"]
    vectors = {}
    for code in ("bill", "wait"):
        for coder in ("A", "B"):
            chosen = codings[(codings["code"] == code) & (codings["coder"] == coder)]
            covered = set()
            for row in chosen.itertuples():
                covered |= set(units.loc[(units["start"] < row.end) & (row.start < units["end"]), "unit_id"])
            vectors[code, coder] = np.array([u in covered for u in units["unit_id"]], dtype=int)
        a, b = vectors[code, "A"], vectors[code, "B"]
        assert table.loc[code, "units"] == len(units)
        assert table.loc[code, "percent_agreement"] == pytest.approx((a == b).mean())
        assert table.loc[code, "cohen_kappa"] == pytest.approx(cohen_kappa(a, b))
        alpha = krippendorff.alpha(np.vstack([a, b]).astype(float), level_of_measurement="nominal")
        assert table.loc[code, "krippendorff_alpha"] == pytest.approx(alpha)
        assert table.loc[code, "alpha_ci_low"] <= alpha <= table.loc[code, "alpha_ci_high"]
    pooled = np.vstack([np.concatenate([vectors["bill", c], vectors["wait", c]]) for c in ("A", "B")]).astype(
        float
    )
    assert table.loc["overall", "krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(pooled, level_of_measurement="nominal")
    )
    # Same seed, same interval.
    again = code_agreement(codings, units, n_boot=500, seed=3)
    pd.testing.assert_frame_equal(again.table, result.table)
    n_disagree = sum(int((vectors[c, "A"] != vectors[c, "B"]).sum()) for c in ("bill", "wait"))
    assert len(result.disagreements) == n_disagree


def test_code_agreement_ci_sets_the_percentiles_of_the_same_draws():
    codings, units = _toy_codings()
    wide = code_agreement(codings, units, n_boot=300, seed=11).table.set_index("code")
    narrow = code_agreement(codings, units, n_boot=300, seed=11, ci=0.8).table.set_index("code")
    assert (narrow["alpha_ci_low"] >= wide["alpha_ci_low"]).all()
    assert (narrow["alpha_ci_high"] <= wide["alpha_ci_high"]).all()
    assert (
        narrow["alpha_ci_high"] - narrow["alpha_ci_low"] < wide["alpha_ci_high"] - wide["alpha_ci_low"]
    ).any()
    with pytest.raises(DataError, match="confidence level"):
        code_agreement(codings, units, n_boot=10, ci=95)


def test_agreement_result_summary_is_its_table():
    codings, units = _toy_codings()
    result = code_agreement(codings, units, n_boot=0)
    summary = result.summary()
    pd.testing.assert_frame_equal(summary, result.table)
    summary.loc[0, "units"] = -1  # a copy: the result keeps its table
    assert result.table.loc[0, "units"] != -1


def test_code_agreement_three_coders_and_errors():
    codings, units = _toy_codings()
    third = codings[codings["coder"] == "A"].assign(coder="C")
    result = code_agreement(pd.concat([codings, third]), units, n_boot=0)
    assert result.coders == ["A", "B", "C"]
    assert result.table["cohen_kappa"].isna().all()  # Cohen's kappa is for two coders only
    assert result.table["alpha_ci_low"].isna().all()  # n_boot=0: no interval
    with pytest.raises(DataError, match="at least two coders"):
        code_agreement(codings[codings["coder"] == "A"], units)
    other = codings[codings["coder"] == "B"].assign(transcript_id="t2")
    with pytest.raises(DataError, match="No transcript was coded by all coders"):
        code_agreement(pd.concat([codings[codings["coder"] == "A"], other]), units)


def test_code_agreement_three_coders_with_numeric_ids_against_the_package():
    # Coder ids read from a file as integers (1, 2, 3) must work like text ids.
    codings, units = _toy_codings()
    third = codings[codings["coder"] == "A"].assign(coder="C")
    numeric = pd.concat([codings, third]).replace({"coder": {"A": 1, "B": 2, "C": 3}})
    result = code_agreement(numeric, units, n_boot=0)
    assert result.coders == ["1", "2", "3"]
    table = result.table.set_index("code")
    for code in ("bill", "wait"):
        matrix = []
        for coder in (1, 2, 3):
            chosen = numeric[(numeric["code"] == code) & (numeric["coder"] == coder)]
            covered = set()
            for row in chosen.itertuples():
                covered |= set(units.loc[(units["start"] < row.end) & (row.start < units["end"]), "unit_id"])
            matrix.append([u in covered for u in units["unit_id"]])
        matrix = np.array(matrix, dtype=float)
        # Independent reference: the krippendorff package on the 3 coders x units matrix; percent
        # agreement = share of units where all three coders agree.
        assert table.loc[code, "krippendorff_alpha"] == pytest.approx(
            krippendorff.alpha(matrix, level_of_measurement="nominal"), abs=1e-12
        )
        all_agree = (matrix.min(0) == matrix.max(0)).mean()
        assert table.loc[code, "percent_agreement"] == pytest.approx(all_agree, abs=1e-12)


def test_bootstrap_interval_equals_a_brute_force_bootstrap():
    # Independent reference: resample units (columns) with the same random draws and recompute
    # alpha with the krippendorff package each time; 2.5/97.5 percentiles (numpy's default,
    # linear interpolation). code_agreement draws rng.integers(0, n_units, (n_boot, n_units)) in
    # one chunk when n_boot * n_units <= 4e6.
    codings, units = _toy_codings()
    n_boot, seed = 300, 11
    result = code_agreement(codings, units, n_boot=n_boot, seed=seed)
    table = result.table.set_index("code")
    vectors = {}
    for code in ("bill", "wait"):
        rows = []
        for coder in ("A", "B"):
            chosen = codings[(codings["code"] == code) & (codings["coder"] == coder)]
            covered = set()
            for row in chosen.itertuples():
                covered |= set(units.loc[(units["start"] < row.end) & (row.start < units["end"]), "unit_id"])
            rows.append([u in covered for u in units["unit_id"]])
        vectors[code] = np.array(rows, dtype=float)
    picks = np.random.default_rng(seed).integers(0, len(units), size=(n_boot, len(units)))
    for code in ("bill", "wait", "overall"):
        alphas = []
        for pick in picks:
            if code == "overall":
                data = np.hstack([vectors["bill"][:, pick], vectors["wait"][:, pick]])
            else:
                data = vectors[code][:, pick]
            varied = np.unique(data).size > 1
            alphas.append(krippendorff.alpha(data, level_of_measurement="nominal") if varied else np.nan)
        low, high = np.nanpercentile(alphas, [2.5, 97.5])
        assert table.loc[code, "alpha_ci_low"] == pytest.approx(low, abs=1e-9)
        assert table.loc[code, "alpha_ci_high"] == pytest.approx(high, abs=1e-9)


def test_disagreement_texts_are_redacted():
    t = transcript_from_text("Q: phone?\nA: 我的手机13812345678，王芳说等等。", "t1")
    units = units_frame([t])
    start, end = int(units.loc[1, "start"]), int(units.loc[1, "end"])
    codings = pd.DataFrame(
        [("t1", start, end, "wait", "A"), ("t1", 0, 3, "wait", "B")],
        columns=["transcript_id", "start", "end", "code", "coder"],
    )
    result = code_agreement(codings, units, n_boot=0, redact_names=["王芳"])
    row = result.disagreements.set_index("unit_id").loc["t1-T002"]
    assert row["text"] == "我的手机[phone]，[name]说等等。"
    assert (row["coded_by"], row["not_coded_by"]) == ("A", "B")


def test_sample_study_agreement_is_high_but_not_perfect():
    study = load_study("sample")
    transcripts = load_transcripts(study)
    codings = load_codings(study)
    result = code_agreement(codings, units_frame(transcripts), n_boot=200)
    overall = result.table.set_index("code").loc["overall"]
    assert len(result.transcripts) == 10  # coder B coded a subset of 10 transcripts
    assert 0.7 < overall["krippendorff_alpha"] < 0.99
    assert overall["alpha_ci_low"] < overall["krippendorff_alpha"] < overall["alpha_ci_high"]
    assert len(result.disagreements) > 0
