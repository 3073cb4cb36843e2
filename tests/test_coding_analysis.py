"""Analysis of coded interviews: frequencies, crosstabs, co-occurrence, pain-point ranking,
quotes, figures; and recovery of the sample study's planted pain points."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from research import DataError, load_study
from research.coding import (
    Code,
    Codebook,
    code_by_segment,
    code_crosstab,
    code_frequencies,
    codings_to_units,
    cooccurrence,
    load_cases,
    load_codebook,
    load_transcripts,
    pain_point_ranking,
    read_codings,
    representative_quotes,
    unit_sentiment,
    units_frame,
)
from research.plots.coding import (
    code_frequency_bars,
    code_stage_heatmap,
    cooccurrence_heatmap,
    pain_point_ranking_bars,
)
from research.sample import story

CB = Codebook(
    [
        Code("access", None, {"en": "Access", "zh": "可达"}, codable=False),
        Code(
            "wait",
            "access",
            {"en": "Wait", "zh": "等待"},
            valence="pain_point",
            touchpoints=("hotline",),
            stages=("after-sales",),
            keywords={"en": ["on hold"]},
        ),
        Code(
            "queue",
            "access",
            {"en": "Queue"},
            valence="pain_point",
            touchpoints=("store",),
            stages=("purchase",),
        ),
        Code(
            "nice",
            "access",
            {"en": "Nice"},
            valence="delight",
            touchpoints=("store", "sales_rep"),
            stages=("purchase",),
        ),
    ]
)
# r1: u1 wait+nice, u2 wait; r2: u3 wait+queue; r3: u4 nice; r4 says nothing coded.
CODED = pd.DataFrame(
    {
        "transcript_id": ["r1", "r1", "r1", "r2", "r2", "r3"],
        "unit_id": ["u1", "u1", "u2", "u3", "u3", "u4"],
        "code": ["wait", "nice", "wait", "wait", "queue", "nice"],
    }
)
ALL = ["r1", "r2", "r3", "r4"]


def test_frequencies_by_hand():
    table = code_frequencies(CODED, CB, respondents=ALL).set_index("code")
    assert table.loc["wait", ["mentions", "respondents"]].tolist() == [3, 2]
    assert table.loc["wait", "reach"] == 0.5 and table.loc["wait", "frequency"] == 1.5
    assert table.loc["nice", "theme"] == "access"
    assert table.index.tolist()[0] == "wait"


def test_crosstabs_follow_codebook_links_or_attribution():
    by_tp = code_crosstab(CODED, CB, by="touchpoint")
    assert by_tp.loc["nice", "store"] == 2 and by_tp.loc["nice", "sales_rep"] == 2
    by_stage = code_crosstab(CODED, CB, by="stage", categories=["awareness", "purchase", "after-sales"])
    assert by_stage.columns.tolist() == ["awareness", "purchase", "after-sales"]
    assert by_stage.loc["wait", "after-sales"] == 3 and by_stage["awareness"].sum() == 0
    attribution = pd.DataFrame(
        {"unit_id": ["u1", "u3"], "touchpoint": ["app", "hotline"], "stage": ["purchase", "after-sales"]}
    )
    assert code_crosstab(CODED, CB, attribution=attribution).loc["wait"].to_dict() == {"app": 1, "hotline": 1}
    with pytest.raises(DataError, match="code_by_segment"):
        code_crosstab(CODED, CB, by="region")


def test_segments_reach_with_zeros():
    cases = pd.DataFrame(
        {"tier": ["gold", "gold", "silver", "silver"]}, index=pd.Index(ALL, name="transcript_id")
    )
    table = code_by_segment(CODED, cases, "tier").set_index(["code", "tier"])
    assert table.loc[("wait", "gold"), ["respondents", "n", "reach"]].tolist() == [2, 2, 1.0]
    assert table.loc[("queue", "silver"), "respondents"] == 0
    assert len(table) == 3 * 2


def test_cooccurrence_counts_and_jaccard_by_hand():
    unit_level = cooccurrence(CODED, level="unit")
    assert unit_level.counts.loc["wait", "nice"] == 1 and unit_level.counts.loc["wait", "wait"] == 3
    # wait in {u1,u2,u3}, nice in {u1,u4}: Jaccard = 1 / 4
    assert unit_level.jaccard.loc["wait", "nice"] == pytest.approx(0.25)
    transcript_level = cooccurrence(CODED, level="transcript")
    # wait in {r1,r2}, nice in {r1,r3}: 1 shared of 3
    assert transcript_level.jaccard.loc["nice", "wait"] == pytest.approx(1 / 3)
    assert unit_level.pairs().iloc[0][["code_a", "code_b", "count"]].tolist() in (
        ["nice", "wait", 1],
        ["queue", "wait", 1],
    )


def test_ranking_formula_by_hand():
    sentiment = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "label": ["negative", "neutral", "negative"]})
    table = pain_point_ranking(CODED, CB, respondents=ALL, sentiment=sentiment).set_index("code")
    # wait: reach 2/4, frequency 3/2, negativity 2/3 -> 0.5; queue: 1/4 x 1 x 1 -> 0.25
    assert table.loc["wait", "score"] == pytest.approx(0.5)
    assert table.loc["queue", "score"] == pytest.approx(0.25)
    assert table.loc["wait", "rank"] == 1 and "nice" not in table.index
    by_touchpoint = pain_point_ranking(CODED, CB, respondents=ALL, by="touchpoint").set_index("touchpoint")
    assert by_touchpoint.loc["hotline", "mentions"] == 3 and by_touchpoint.loc["store", "mentions"] == 1


def test_mixed_coders_are_refused():
    with pytest.raises(DataError, match="several coders"):
        code_frequencies(CODED.assign(coder=["A", "B", "A", "A", "A", "A"]), CB)


@pytest.fixture(scope="module")
def sample():
    study = load_study("sample")
    transcripts = load_transcripts(study)
    units = units_frame(transcripts)
    units = units[units["role"] == "respondent"]
    codebook = load_codebook(study.file("codebook"), study=study)
    reference = read_codings(study.file("codings_coder_a"))
    return study, transcripts, units, codebook, reference, codings_to_units(reference, units)


def test_sample_ranking_recovers_the_planted_main_pain_points(sample):
    study, transcripts, units, codebook, _, coded = sample
    ids = [t.id for t in transcripts]
    sentiment = unit_sentiment(units, codebook)
    by_touchpoint = pain_point_ranking(coded, codebook, respondents=ids, sentiment=sentiment, by="touchpoint")
    assert by_touchpoint["touchpoint"].head(4).tolist() == [tp for tp, _ in story.MAIN_PAIN_POINTS]
    by_code = pain_point_ranking(coded, codebook, respondents=ids)
    assert by_code["code"].head(4).tolist() == [
        "hotline_wait",
        "bill_shock",
        "install_missed",
        "porting_obstruction",
    ]
    # Planted prevalence (research.sample.interviews.PREVALENCE): turns / respondents of 24.
    frequencies = code_frequencies(coded, codebook, respondents=ids).set_index("code")
    assert frequencies.loc["hotline_wait", ["mentions", "respondents"]].tolist() == [50, 20]
    assert frequencies.loc["bill_shock", ["mentions", "respondents"]].tolist() == [32, 16]
    assert frequencies.loc["app_self_service", "valence"] == "delight"
    cases = load_cases(study, transcripts=transcripts)
    assert code_by_segment(coded, cases, "region", codes=["hotline_wait"])["respondents"].sum() == 20


def test_sample_cooccurrence_has_the_planted_pairs(sample):
    *_, coded = sample
    pairs = cooccurrence(coded).pairs()
    top = {frozenset(p) for p in pairs.head(3)[["code_a", "code_b"]].values.tolist()}
    assert frozenset({"install_missed", "work_order_slow"}) in top
    assert frozenset({"hotline_wait", "complaint_slow"}) in top


def test_sample_quotes_are_redacted_and_deterministic(sample):
    study, transcripts, _, codebook, reference, _ = sample
    names = study.section("coding")["redact_names"]
    quotes = representative_quotes(reference, transcripts, codebook, n=50, names=names, max_chars=500)
    joined = "\n".join(quotes["quote"])
    for secret in ["13812345678", "王建国", "李娜", "Kevin Zhou", "zhangwei_sh@example.com", "13987654321"]:
        assert secret not in joined
    # The passages that carry planted personal data (R02 phone, R04 and R14 staff names, R17 both).
    carriers = reference[reference["transcript_id"].isin(["R02", "R04", "R14", "R17"])]
    masked = "\n".join(
        representative_quotes(carriers, transcripts, codebook, n=50, names=names, max_chars=500)["quote"]
    )
    assert "[name]" in masked and "[phone]" in masked
    assert not any(secret in masked for secret in ["13812345678", "王建国", "李娜", "Kevin Zhou"])
    again = representative_quotes(reference, transcripts, codebook, n=2, names=names)
    assert again.equals(representative_quotes(reference, transcripts, codebook, n=2, names=names))
    assert again.groupby("code").size().max() == 2


def test_figures_are_figures_labelled_in_the_language(sample):
    study, _transcripts, _units, codebook, _, coded = sample
    frequencies = code_frequencies(coded, codebook, language="zh")
    fig = code_frequency_bars(frequencies, "zh")
    assert isinstance(fig, matplotlib.figure.Figure) and "提及" in fig.axes[0].get_xlabel()
    ranking = pain_point_ranking(coded, codebook, language="en")
    assert "reach" in pain_point_ranking_bars(ranking, "en").axes[0].get_xlabel()
    assert "共现" in cooccurrence_heatmap(cooccurrence(coded).counts, "zh").axes[0].get_title()
    stage = code_crosstab(coded, codebook, by="stage", categories=study.stages)
    assert code_stage_heatmap(stage, "en").axes[0].get_xticklabels()[0].get_text() == "awareness"
    matplotlib.pyplot.close("all")
