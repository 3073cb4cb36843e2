"""Sentiment adapted to a study's own texts by self-training, with no labels.

A scorer built on other texts (lexicons, weights learned on public reviews) ranks a study's
texts well at the extremes but misjudges words whose sense depends on the domain (小 is bad for
a hotel room and good for a laptop charger). Self-training lets the study's own, unlabelled
texts teach the domain: the most clearly positive and negative texts by the seed scorer become
pseudo-labels, a classifier on the texts' own character n-grams and words learns from them and
scores every text, and its most confident texts become the next round's pseudo-labels
(Yarowsky 1995; for cross-domain sentiment, e.g. He & Zhou 2011, "Self-training from labeled
features for sentiment analysis").

The classifier is the pipeline of :mod:`research.text.supervised` (character 1-3-gram TF-IDF and
an L2 logistic regression with balanced class weights), plus TF-IDF of the texts' words when
given. Settings (:data:`PSEUDO_LABEL_SHARE`, :data:`ITERATIONS`, :data:`C`) were chosen on one
development domain of the review corpus and measured on three others that were neither trained
on nor used to choose them (``benchmarks/bench_text_sentiment.py``).

It needs a corpus: with fewer than :data:`MIN_TEXTS` texts there are too few confident texts to
learn a domain from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from research.errors import NotApplicable

#: Fewest texts to adapt to.
MIN_TEXTS = 200
#: Share of the texts taken as pseudo-labels each round (half from each end of the ranking).
PSEUDO_LABEL_SHARE = 0.4
#: Rounds of pseudo-labelling and refitting.
ITERATIONS = 3
#: Inverse L2 penalty of the logistic regression.
C = 3.0


class PseudoLabels(NamedTuple):
    """Texts chosen as pseudo-labels and their labels (:func:`pseudo_labels`)."""

    #: Positions of the chosen texts (``index`` would shadow :meth:`tuple.index`).
    positions: np.ndarray
    #: 0 (negative end) or 1 (positive end), one per chosen text.
    labels: np.ndarray


def pseudo_labels(scores: np.ndarray, share: float = PSEUDO_LABEL_SHARE) -> PseudoLabels:
    """Indices and 0/1 labels of the ``share`` of texts at the two ends of *scores*.

    Half of the chosen texts are the lowest scores (label 0), half the highest (label 1); ties
    keep the texts' order.

    Examples
    --------
    >>> index, labels = pseudo_labels(np.array([0.1, 0.9, 0.5, 0.2, 0.8]), share=0.8)
    >>> index.tolist(), labels.tolist()
    ([0, 3, 4, 1], [0, 0, 1, 1])
    """
    per_side = int(share * len(scores) / 2)
    order = np.argsort(np.asarray(scores, dtype=float), kind="stable")
    index = np.concatenate([order[:per_side], order[len(order) - per_side :]])
    labels = np.concatenate([np.zeros(per_side, dtype=int), np.ones(per_side, dtype=int)])
    return PseudoLabels(index, labels)


def self_train(
    texts: Sequence[str],
    seed_scores: Sequence[float],
    *,
    words: Sequence[str] | None = None,
    share: float = PSEUDO_LABEL_SHARE,
    iterations: int = ITERATIONS,
    c: float = C,
) -> np.ndarray:
    """Probability that each text is positive, learned from the texts themselves.

    Parameters
    ----------
    texts : sequence of str
        The study's texts (all of them: the more, the better the domain is learned).
    seed_scores : sequence of float
        A seed scorer's sentiment of each text (any monotone scale, e.g. -1..1); only its
        ranking is used.
    words : sequence of str, optional
        Each text as space-separated words (e.g. jieba words, negated ones marked ``NOT_``),
        added to the character n-grams.
    share, iterations, c : float, int, float
        Pseudo-labelled share per round, rounds, inverse L2 penalty.

    Returns
    -------
    ndarray
        Probability of positive for every text (0..1), from the last round's classifier.

    Raises
    ------
    NotApplicable
        With fewer than :data:`MIN_TEXTS` texts.

    Examples
    --------
    >>> good, bad = ["很好", "满意", "不错", "喜欢", "推荐"], ["太差", "失望", "很慢", "垃圾", "太吵"]
    >>> texts = [f"{good[i % 5]}，{good[i % 3]}" for i in range(120)] + [
    ...     f"{bad[i % 5]}，{bad[i % 3]}" for i in range(120)]
    >>> seeds = [0.5] * 120 + [-0.5] * 120
    >>> p = self_train(texts, seeds)
    >>> bool(p[0] > 0.5), bool(p[-1] < 0.5)
    (True, True)
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(texts) < MIN_TEXTS:
        raise NotApplicable(
            f"Adapting sentiment to the study's texts needs at least {MIN_TEXTS} texts; "
            f"there are {len(texts)}.",
            "The default scorer's labels are shown; collect more texts to adapt it.",
        )
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    matrix = characters.fit_transform(list(texts))
    if words is not None:
        vocabulary = TfidfVectorizer(token_pattern=r"\S+", min_df=2, sublinear_tf=True)
        matrix = sparse.hstack([matrix, vocabulary.fit_transform(list(words))]).tocsr()
    scores = np.asarray(seed_scores, dtype=float)
    for _ in range(iterations):
        index, labels = pseudo_labels(scores, share)
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        model.fit(matrix[index], labels)
        scores = model.predict_proba(matrix)[:, 1]
    return scores
