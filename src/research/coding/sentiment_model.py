"""Supervised sentiment trained on the study's own human-labelled units, cross-validated.

A scikit-learn pipeline: TF-IDF of character 1-3-grams (no segmentation needed, works for
Chinese and English alike; ``sublinear_tf``) and a logistic regression (L2, balanced class
weights). It is evaluated by stratified k-fold cross-validation (each unit predicted by a model
that never saw it) and set beside the default lexicon scorer on the same units, so the
researcher sees which to trust. Reference: Pedregosa et al. (2011), scikit-learn; the n-gram +
linear model baseline of Wang & Manning (2012), "Baselines and bigrams".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.coding.sentiment import SentimentAgreement, _agreement
from research.errors import NotApplicable
from research.io import require_columns

#: Fewest labelled units per class (and folds) for a cross-validated comparison.
MIN_PER_CLASS, FOLDS = 5, 5


def sentiment_pipeline(c: float = 4.0):
    """The supervised pipeline: char 1-3-gram TF-IDF + logistic regression.

    Examples
    --------
    >>> p = sentiment_pipeline().fit(["很好", "太差", "不错", "太慢"] * 3, ["positive", "negative"] * 6)
    >>> p.predict(["很好"]).tolist()
    ['positive']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
        LogisticRegression(C=c, class_weight="balanced", max_iter=2000),
    )


@dataclass
class SentimentComparison:
    """Cross-validated supervised model beside the default scorer on the same labelled units."""

    supervised: SentimentAgreement
    default: SentimentAgreement
    folds: int

    def summary(self) -> pd.DataFrame:
        """``method, n, accuracy, cohen_kappa`` for both methods."""
        rows = [("default (lexicon)", self.default), (f"supervised ({self.folds}-fold CV)", self.supervised)]
        return pd.DataFrame(
            [{"method": m, "n": a.n, "accuracy": a.accuracy, "cohen_kappa": a.kappa} for m, a in rows]
        )

    def confusion(self) -> pd.DataFrame:
        """Both confusion matrices side by side (columns ``default: <label>``, ``supervised: <label>``)."""
        return pd.concat({"default": self.default.confusion, "supervised": self.supervised.confusion}, axis=1)


def compare_supervised(labelled: pd.DataFrame, default: pd.DataFrame, seed: int = 0) -> SentimentComparison:
    """Cross-validate the supervised pipeline on labelled units and compare with the default.

    Parameters
    ----------
    labelled : DataFrame
        ``unit_id, text, human`` (negative / neutral / positive), e.g. units joined with
        :func:`research.coding.sentiment.human_valence`.
    default : DataFrame
        ``unit_id, label``: the default scorer's labels (:func:`unit_sentiment`).
    seed : int
        Seed of the fold split.

    Raises
    ------
    NotApplicable
        Fewer than two classes, or a class with fewer than :data:`MIN_PER_CLASS` units.

    Examples
    --------
    >>> texts = ["很好", "太差了", "不错", "太慢了", "满意", "失望"] * 4
    >>> human = ["positive", "negative"] * 12
    >>> labelled = pd.DataFrame({"unit_id": range(24), "text": texts, "human": human})
    >>> default = pd.DataFrame({"unit_id": range(24), "label": human})
    >>> compare_supervised(labelled, default).summary()["n"].tolist()
    [24, 24]
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    require_columns(labelled, ["unit_id", "text", "human"], file=None)
    labelled = labelled.dropna(subset=["human"]).reset_index(drop=True)
    counts = labelled["human"].value_counts()
    if len(counts) < 2 or counts.min() < MIN_PER_CLASS:
        raise NotApplicable(
            f"Too few human-labelled units to train a sentiment model ({counts.to_dict()}).",
            f"Label at least {MIN_PER_CLASS} units of each sentiment to compare a model trained on them.",
        )
    folds = int(min(FOLDS, counts.min()))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(
        sentiment_pipeline(), labelled["text"].fillna("").astype(str), labelled["human"], cv=splitter
    )
    supervised = _agreement(pd.DataFrame({"unit_id": labelled["unit_id"], "human": labelled["human"],
                                          "suggested": np.asarray(predicted)}))
    compared = labelled[["unit_id", "human"]].merge(
        default[["unit_id", "label"]].rename(columns={"label": "suggested"}), on="unit_id"
    )
    return SentimentComparison(supervised, _agreement(compared), folds)
