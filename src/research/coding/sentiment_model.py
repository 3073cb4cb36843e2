"""Supervised sentiment trained on the study's own human-labelled units, cross-validated.

The model and its cross-validation are the shared ones of :mod:`research.text.supervised`
(char 1-3-gram TF-IDF + logistic regression, stratified k-fold; the same implementation trains
feedback types and codes). Here they are set beside the default lexicon scorer on the same
units, so the researcher sees which to trust. Reference: Pedregosa et al. (2011),
scikit-learn; the n-gram + linear model baseline of Wang & Manning (2012), "Baselines and bigrams".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research import defaults
from research.coding.sentiment import SentimentAgreement, _agreement
from research.errors import NotApplicable
from research.io import require_columns
from research.text.supervised import FOLDS, MIN_PER_CLASS, cross_validate

__all__ = ["FOLDS", "MIN_PER_CLASS", "SentimentComparison", "compare_supervised"]


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


def compare_supervised(
    data: pd.DataFrame, default: pd.DataFrame, seed: int = defaults.SEED
) -> SentimentComparison:
    """Cross-validate the supervised pipeline on labelled units and compare with the default.

    Parameters
    ----------
    data : DataFrame
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
    require_columns(data, ["unit_id", "text", "human"], file=None)
    data = data.dropna(subset=["human"]).reset_index(drop=True)
    try:
        checked = cross_validate(data["text"], data["human"], seed=seed, what="sentiment")
    except NotApplicable:
        counts = data["human"].value_counts()
        raise NotApplicable(
            f"Too few human-labelled units to train a sentiment model ({counts.to_dict()}).",
            f"Label at least {MIN_PER_CLASS} units of each sentiment to compare a model trained on them.",
        ) from None
    supervised = _agreement(
        pd.DataFrame(
            {
                "unit_id": data["unit_id"],
                "human": data["human"],
                "suggested": checked.predicted["predicted"].to_numpy(),
            }
        )
    )
    compared = data[["unit_id", "human"]].merge(
        default[["unit_id", "label"]].rename(columns={"label": "suggested"}), on="unit_id"
    )
    return SentimentComparison(supervised, _agreement(compared), checked.folds)
