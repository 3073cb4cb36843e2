"""Feedback classification (same matcher, negation and sentiment as interviews), Parquet cache,
and the shared supervised mode (research.text.supervised)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from research.coding import Code, Codebook, autocode
from research.coding.sentiment import score_text
from research.feedback.classification import (
    classification_hash,
    classify,
    classify_to_parquet,
    read_parquet_folder,
)
from research.text.supervised import cross_validate, cross_validate_multilabel

BOOK = Codebook(
    [
        Code("slow", None, {"en": "Slow"}, valence="pain_point", keywords={"zh": ["慢"], "en": ["slow"]}),
        Code(
            "staff",
            None,
            {"en": "Staff"},
            valence="delight",
            keywords={"zh": ["店员"], "en": ["staff"]},
            touchpoints=("store",),
        ),
    ]
)
ITEMS = pd.DataFrame(
    {
        "item_id": [f"i{n}" for n in range(8)],
        "text": [
            "送货太慢了",
            "一点都不慢，谢谢",
            "店员很热情",
            "",
            "信号差",
            "送货太慢了",
            "The staff were slow",
            "ok",
        ],
        "language": ["zh", "zh", "zh", "zh", "zh", "zh", "en", "en"],
    }
)


def test_classification_is_the_interview_pillars():
    result = classify(ITEMS, BOOK, chunk_size=3)
    units = pd.DataFrame(
        {"transcript_id": "t", "unit_id": ITEMS["item_id"], "start": 0, "text": ITEMS["text"]}
    )
    expected = autocode(units, BOOK, negation=True)[["unit_id", "code"]].drop_duplicates()
    got = result.codes[["item_id", "code"]]
    assert sorted(map(tuple, got.values)) == sorted(map(tuple, expected.values))
    assert result.codes.set_index("code").loc["staff", "touchpoint"].tolist() == ["store", "store"]
    scores = [
        score_text(t, lang, BOOK) if t else np.nan
        for t, lang in zip(ITEMS["text"], ITEMS["language"], strict=True)
    ]
    np.testing.assert_allclose(result.labels["sentiment"], scores)
    assert result.labels["item_id"].tolist() == ITEMS["item_id"].tolist()  # every item, in order
    assert result.labels.loc[3, ["type", "n_codes"]].tolist() == ["other", 0]  # empty text kept
    assert result.labels.loc[4, "n_codes"] == 0  # uncoded, not dropped
    assert result.labels.loc[1, "type"] == "praise"  # "不慢" is no complaint (negation scope)


def test_workers_and_parquet_stream_give_the_same_result(tmp_path):
    single = classify(ITEMS, BOOK)
    folder = classify_to_parquet(ITEMS, BOOK, tmp_path / "out", chunk_size=2, workers=2, progress=False)
    labels, codes = read_parquet_folder(folder, "labels"), read_parquet_folder(folder, "codes")
    assert len(list(folder.glob("labels-*.parquet"))) == 4
    pd.testing.assert_frame_equal(labels, single.labels, check_dtype=False)
    assert codes[["item_id", "code"]].values.tolist() == single.codes[["item_id", "code"]].values.tolist()
    assert not list(tmp_path.glob(".*partial"))  # the temporary folder is gone
    assert classification_hash(ITEMS) != classification_hash(ITEMS.assign(text=ITEMS["text"] + "!"))


def test_cross_validate_matches_sklearn_and_statsmodels():
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from research.text.supervised import text_pipeline

    rng = np.random.default_rng(1)
    words = {
        "complaint": ["太慢", "扣费", "差劲"],
        "praise": ["谢谢", "很好", "满意"],
        "question": ["怎么", "请问", "吗"],
    }
    labels = rng.choice(list(words), size=60)
    texts = [str(rng.choice(words[k])) + str(rng.choice(["了", "呢", "啊"])) for k in labels]
    result = cross_validate(texts, labels, seed=0)
    # independent: the same pipeline and split through scikit-learn directly
    split = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    direct = cross_val_predict(text_pipeline(), pd.Series(texts), pd.Series(labels), cv=split)
    assert result.predicted["predicted"].tolist() == list(direct)
    # Cohen's kappa from the confusion matrix by statsmodels (Cohen 1960)
    assert result.kappa == pytest.approx(cohens_kappa(result.confusion.to_numpy()).kappa, abs=1e-12)
    assert result.confusion.to_numpy().sum() == 60


def test_multilabel_scores_and_confusion():
    texts = ["信号差", "扣费乱", "信号差还乱扣费", "很好"] * 6
    labels = ["signal", "bill", "signal;bill", ""] * 6
    result = cross_validate_multilabel(texts, labels)
    table = result.table.set_index("label")
    assert table.loc["signal", "labelled"] == 12 and table.loc["bill", "labelled"] == 12
    assert table.loc["all", "recall"] == pytest.approx(1.0)
    assert result.confusion("bill").to_numpy().sum() == 24
