"""Sentiment suggestion: VADER and pysenti scores, negation, codebook keywords, agreement with
human valence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from research import DataError, load_study
from research.coding import (
    Code,
    Codebook,
    codings_to_units,
    load_codebook,
    load_transcripts,
    read_codings,
    sentiment_agreement,
    unit_sentiment,
    units_frame,
)
from research.coding.sentiment import LABELS, normalise, score_text


def test_english_scores_are_vader_compound_as_published():
    # VADER README (Hutto & Gilbert 2014, github.com/cjhutto/vaderSentiment), example outputs.
    assert score_text("VADER is smart, handsome, and funny.", "en") == pytest.approx(0.8316, abs=1e-4)
    assert score_text("VADER is not smart, handsome, nor funny.", "en") == pytest.approx(-0.7424, abs=1e-4)


def test_normalisation_is_vaders():
    # vaderSentiment.normalize(score, alpha=15) = score / sqrt(score^2 + alpha)
    assert normalise(4.0) == pytest.approx(4 / np.sqrt(31))
    assert normalise(-100.0) > -1.0 and normalise(0.0) == 0.0


def test_chinese_negation_flips_the_sentiment_word():
    # pysenti's own classify() ignores negators (it passes no word position): 不满意 came out positive.
    assert score_text("我很满意。", "zh") > 0.05
    assert score_text("我不满意。", "zh") < -0.05
    assert score_text("送货不慢，价格不太贵。", "zh") > 0.05
    assert score_text("送货慢。", "zh") < -0.05


def test_codebook_keywords_extend_both_lexicons():
    cb = Codebook(
        [
            Code(
                "wait",
                None,
                {"en": "Wait"},
                valence="pain_point",
                keywords={"zh": ["打不进去"], "en": ["rescheduled"]},
            )
        ]
    )
    assert score_text("热线打不进去", "zh", cb) < -0.05
    assert score_text("They rescheduled it", "en") == 0.0
    assert score_text("They rescheduled it", "en", cb) < -0.05


def test_unit_sentiment_detects_language_and_labels():
    units = pd.DataFrame(
        {"unit_id": ["a", "b", "c"], "text": ["等了半天，太失望了。", "Very helpful staff.", "OK."]}
    )
    table = unit_sentiment(units)
    assert table["language"].tolist() == ["zh", "en", "en"]
    assert table["label"].tolist() == ["negative", "positive", "neutral"]
    assert table["score"].between(-1, 1).all()
    with pytest.raises(DataError, match="text"):
        unit_sentiment(pd.DataFrame({"unit_id": ["a"]}))


def test_agreement_matches_statsmodels_kappa():
    cb = Codebook(
        [
            Code("wait", None, {"en": "W"}, valence="pain_point"),
            Code("nice", None, {"en": "N"}, valence="delight"),
            Code("info", None, {"en": "I"}, valence="neutral"),
        ]
    )
    coded = pd.DataFrame(
        {
            "unit_id": [*list("abcdefgh"), "h"],
            "code": ["wait", "wait", "wait", "nice", "nice", "info", "wait", "wait", "nice"],
        }
    )
    suggested = pd.DataFrame(
        {
            "unit_id": list("abcdefgh"),
            "label": [
                "negative",
                "negative",
                "neutral",
                "positive",
                "negative",
                "neutral",
                "positive",
                "negative",
            ],
        }
    )
    result = sentiment_agreement(suggested, coded, cb)
    assert result.n == 7  # unit h has a pain point and a delight: mixed, left out
    assert result.accuracy == pytest.approx(4 / 7)
    table = result.confusion.reindex(index=LABELS, columns=LABELS).to_numpy()
    # Independent reference: statsmodels' Cohen's kappa on the same confusion table.
    assert result.kappa == pytest.approx(cohens_kappa(table).kappa, abs=1e-9)
    # And by hand (Cohen 1960), units a..g as (human, suggested): neg/neg, neg/neg, neg/neu,
    # pos/pos, pos/neg, neu/neu, neg/pos -> p_o = 4/7;
    # human margins neg 4, neu 1, pos 2; suggested neg 3, neu 2, pos 2 -> p_e = (12 + 2 + 4) / 49.
    p_o, p_e = 4 / 7, 18 / 49
    assert result.kappa == pytest.approx((p_o - p_e) / (1 - p_e), abs=1e-12)


def test_sample_sentiment_agrees_moderately_and_keywords_help():
    study = load_study("sample")
    units = units_frame(load_transcripts(study))
    units = units[units["role"] == "respondent"]
    codebook = load_codebook(study.file("codebook"), study=study)
    coded = codings_to_units(read_codings(study.file("codings_coder_a")), units)
    plain = sentiment_agreement(unit_sentiment(units), coded, codebook)
    extended = sentiment_agreement(unit_sentiment(units, codebook), coded, codebook)
    assert plain.n == extended.n > 150
    assert extended.accuracy > plain.accuracy
    assert 0.4 < extended.kappa < 0.8  # a suggestion, not a replacement for coding


def test_researcher_labels_in_english_and_chinese_are_accepted():
    from research.coding import LABEL_SYNONYMS, parse_sentiment_labels

    raw = pd.Series(["Positive", " negative ", "中性", "差评", "好评", "", None, "NEU", "积极", "消极"])
    assert parse_sentiment_labels(raw).tolist() == [
        "positive",
        "negative",
        "neutral",
        "negative",
        "positive",
        np.nan,
        np.nan,
        "neutral",
        "positive",
        "negative",
    ]
    assert set(LABEL_SYNONYMS) == set(LABELS)
    with pytest.raises(DataError, match=r"Unknown sentiment label.*row 3, column 'label', value 'great'"):
        parse_sentiment_labels(pd.Series(["positive", "great"]), file="r.csv", column="label")


def test_text_sentiment_scores_each_text_as_one_and_label_agreement_matches_statsmodels():
    from research.coding import label_agreement, text_sentiment

    units = pd.DataFrame(
        {
            "transcript_id": ["r1", "r1", "r2", "r3", "r4", "r5"],
            "unit_id": ["r1-T001", "r1-T002", "r2-T001", "r3-T001", "r4-T001", "r5-T001"],
            "text": [
                "The coffee was stale.",
                "Awful taste.",
                "Great coffee!",
                "It is a box.",
                "Love it!",
                "Horrible.",
            ],
            "language": ["en"] * 6,
        }
    )
    scored = text_sentiment(units)
    # VADER's compound of the joined text (Hutto & Gilbert 2014 thresholds +-0.05)
    assert scored.set_index("transcript_id").loc["r1", "score"] == pytest.approx(
        score_text("The coffee was stale.\nAwful taste.", "en")
    )
    labels = pd.Series(
        ["negative", "positive", "neutral", "negative", "negative", None],
        index=["r1", "r2", "r3", "r4", "r5", "r6"],
    )
    result = label_agreement(scored, labels)
    compared = result.units.set_index("transcript_id")
    assert result.n == 5 and list(compared.index) == ["r1", "r2", "r3", "r4", "r5"]
    assert result.accuracy == pytest.approx((compared["human"] == compared["suggested"]).mean())
    # Cohen's kappa of the two label series, independently by statsmodels from the 3x3 table.
    table = pd.crosstab(
        pd.Categorical(compared["human"], categories=LABELS),
        pd.Categorical(compared["suggested"], categories=LABELS),
        dropna=False,
    )
    assert result.kappa == pytest.approx(cohens_kappa(table.to_numpy()).kappa, abs=1e-12)
    with pytest.raises(DataError, match="No text has both"):
        label_agreement(scored, pd.Series(["positive"], index=["zz"]))
