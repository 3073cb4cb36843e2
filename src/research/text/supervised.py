"""Supervised text classification trained on a researcher's own labels, cross-validated.

One implementation serves every supervised mode of the workbench: sentiment of interview units
(:mod:`research.coding.sentiment_model`), feedback types and feedback codes
(:mod:`research.feedback.classification`). The model is a scikit-learn pipeline: TF-IDF of character
1-3-grams (``char_wb``: no word segmentation needed, so Chinese and English alike;
``sublinear_tf``) and an L2 logistic regression with balanced class weights. For several codes
per text (multi-label), one such regression per code (one-vs-rest).

It is evaluated by stratified k-fold cross-validation: every labelled text is predicted by a
model that never saw it, so the agreement (accuracy, Cohen's kappa, confusion matrix; per-code
precision and recall for codes) estimates how the model does on new texts.

References: Pedregosa et al. (2011), scikit-learn; Wang & Manning (2012), "Baselines and
bigrams": the n-gram + linear model baseline; Cohen (1960) kappa.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research import defaults
from research.errors import DataError, NotApplicable

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

#: Fewest labelled texts per class (and most folds) for a cross-validated evaluation.
MIN_PER_CLASS, FOLDS = 5, 5


def text_pipeline(c: float = 4.0, multilabel: bool = False) -> Pipeline:
    """The supervised pipeline: char 1-3-gram TF-IDF + logistic regression (one-vs-rest if multi-label).

    Parameters
    ----------
    c : float
        Inverse L2 penalty of the logistic regression.
    multilabel : bool
        One regression per label (one-vs-rest) for texts with several labels.

    Returns
    -------
    Pipeline
        An unfitted scikit-learn pipeline.

    Examples
    --------
    >>> p = text_pipeline().fit(["很好", "太差", "不错", "太慢"] * 3, ["positive", "negative"] * 6)
    >>> p.predict(["很好"]).tolist()
    ['positive']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
        OneVsRestClassifier(model) if multilabel else model,
    )


def label_confusion(
    truth: Sequence[Any] | pd.Series,
    predicted: Sequence[Any] | pd.Series,
    categories: Sequence[Any],
    names: tuple[str, str] = ("label", "predicted"),
) -> pd.DataFrame:
    """Counts of true labels (rows) by predicted labels (columns), every category shown.

    Parameters
    ----------
    truth, predicted : sequence
        One label each per text.
    categories : sequence
        The labels in the order of the rows and columns (unused ones get zeros).
    names : tuple of str
        Names of the row and column axes.

    Returns
    -------
    DataFrame
        Square table of counts.

    Examples
    --------
    >>> label_confusion(["a", "b", "b"], ["a", "a", "b"], ["a", "b"]).values.tolist()
    [[1, 0], [1, 1]]
    """
    return pd.crosstab(
        pd.Categorical(np.asarray(truth), categories=categories),
        pd.Categorical(np.asarray(predicted), categories=categories),
        rownames=[names[0]],
        colnames=[names[1]],
        dropna=False,
    )


def _texts(texts: Any) -> pd.Series:
    return pd.Series(texts).reset_index(drop=True).fillna("").astype(str)


@dataclass
class CrossValidated:
    """Cross-validated predictions of a single-label model and their agreement with the labels.

    Attributes
    ----------
    predicted : DataFrame
        ``label`` (the researcher's) and ``predicted`` (by a model that never saw the text),
        one row per labelled text, in input order.
    folds : int
    accuracy : float
        Share of texts where both agree (0..1).
    kappa : float
        Cohen's (1960) kappa between labels and predictions.
    confusion : DataFrame
        Labels (rows) by predictions (columns), counts.
    """

    predicted: pd.DataFrame
    folds: int
    accuracy: float
    kappa: float
    confusion: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """``method, n, accuracy, cohen_kappa`` in one row."""
        return pd.DataFrame(
            [
                {
                    "method": f"supervised ({self.folds}-fold CV)",
                    "n": len(self.predicted),
                    "accuracy": self.accuracy,
                    "cohen_kappa": self.kappa,
                }
            ]
        )


def _folds(counts: pd.Series, what: str) -> int:
    if len(counts) < 2 or counts.min() < MIN_PER_CLASS:
        raise NotApplicable(
            f"Too few labelled texts to train a {what} model ({counts.to_dict()}).",
            f"Label at least {MIN_PER_CLASS} texts of each of two or more classes to train and check one.",
            missing_zh=f"已标注的文本太少，无法训练模型（{counts.to_dict()}）。",
            remedy_zh=f"两个或以上类别各标注至少 {MIN_PER_CLASS} 条文本，即可训练并检验模型。",
        )
    return int(min(FOLDS, counts.min()))


def cross_validate(
    texts: Sequence[str] | pd.Series,
    labels: Sequence[Any] | pd.Series,
    *,
    seed: int = defaults.SEED,
    what: str = "text",
) -> CrossValidated:
    """Stratified k-fold cross-validated predictions of the pipeline on labelled texts.

    Parameters
    ----------
    texts, labels : sequence
        One label per text (missing labels are left out).
    seed : int
        Seed of the fold split.
    what : str
        What the labels are (for the sentence when there are too few), e.g. ``"feedback type"``.

    Raises
    ------
    NotApplicable
        Fewer than two classes, or a class with fewer than :data:`MIN_PER_CLASS` texts.

    Examples
    --------
    >>> texts = ["很好", "太差了", "不错", "太慢了", "满意", "失望"] * 4
    >>> result = cross_validate(texts, ["positive", "negative"] * 12)
    >>> result.folds, round(result.accuracy, 2), result.confusion.shape
    (5, 1.0, (2, 2))
    """
    from sklearn.metrics import cohen_kappa_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    frame = pd.DataFrame({"text": _texts(texts), "label": pd.Series(labels).reset_index(drop=True)})
    if len(frame) != len(pd.Series(labels)):
        raise DataError("One label per text is needed", value=f"{len(frame)} texts, {len(labels)} labels")
    frame = frame.dropna(subset=["label"]).reset_index(drop=True)
    frame["label"] = frame["label"].astype(str)
    folds = _folds(frame["label"].value_counts(), what)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(text_pipeline(), frame["text"], frame["label"], cv=splitter)
    frame["predicted"] = np.asarray(predicted).astype(str)
    classes = sorted(set(frame["label"]) | set(frame["predicted"]))
    confusion = label_confusion(frame["label"], frame["predicted"], classes)
    return CrossValidated(
        predicted=frame[["label", "predicted"]],
        folds=folds,
        accuracy=float((frame["label"] == frame["predicted"]).mean()),
        kappa=float(cohen_kappa_score(frame["label"], frame["predicted"])),
        confusion=confusion,
    )


def _label_sets(labels: Sequence[Any] | pd.Series) -> list[list[str]]:
    sets = []
    for value in labels:
        if isinstance(value, list | tuple | set | frozenset | np.ndarray):
            sets.append(sorted({str(v) for v in value if str(v).strip()}))
        elif value is None or (isinstance(value, float) and np.isnan(value)):
            sets.append([])
        else:
            sets.append(sorted({v.strip() for v in str(value).replace(",", ";").split(";") if v.strip()}))
    return sets


@dataclass
class MultiLabelCrossValidated:
    """Cross-validated predictions of the one-vs-rest model for several labels (codes) per text.

    Attributes
    ----------
    predicted : DataFrame
        ``labels`` and ``predicted`` (lists), one row per text, in input order.
    folds : int
    table : DataFrame
        One row per label plus ``all`` (micro-averaged): ``label, labelled, predicted,
        true_positive, precision, recall, f1`` (0..1; NaN when undefined).
    """

    predicted: pd.DataFrame
    folds: int
    table: pd.DataFrame

    def confusion(self, label: str) -> pd.DataFrame:
        """The 2x2 confusion matrix of one label (rows: labelled yes/no; columns: predicted)."""
        has = self.predicted["labels"].map(lambda s: label in s)
        got = self.predicted["predicted"].map(lambda s: label in s)
        return pd.crosstab(has.rename("labelled"), got.rename("predicted")).reindex(
            index=[True, False], columns=[True, False], fill_value=0
        )


def cross_validate_multilabel(
    texts: Sequence[str] | pd.Series,
    labels: Sequence[Any] | pd.Series,
    *,
    seed: int = defaults.SEED,
    what: str = "code",
) -> MultiLabelCrossValidated:
    """K-fold cross-validated predictions for several labels per text (one-vs-rest).

    Parameters
    ----------
    texts : sequence of str
    labels : sequence
        Per text a list of labels, or a string of labels separated by ``;`` or ``,`` (empty:
        none of them). Labels with fewer than :data:`MIN_PER_CLASS` texts are left out of the
        model (listed with ``labelled`` counts and NaN scores).

    Raises
    ------
    NotApplicable
        No label with :data:`MIN_PER_CLASS` texts, or fewer than 2 x folds texts.

    Examples
    --------
    >>> texts = ["信号差", "扣费乱", "信号差还乱扣费", "很好"] * 6
    >>> labels = ["signal", "bill", "signal;bill", ""] * 6
    >>> result = cross_validate_multilabel(texts, labels)
    >>> bool(result.table.set_index("label").loc["all", "f1"] > 0.9)
    True
    """
    from sklearn.model_selection import KFold
    from sklearn.preprocessing import MultiLabelBinarizer

    text = _texts(texts)
    sets = _label_sets(labels)
    if len(sets) != len(text):
        raise DataError("One label entry per text is needed", value=f"{len(text)} texts, {len(sets)} entries")
    counts = pd.Series([label for s in sets for label in s], dtype=object).value_counts()
    kept = sorted(counts[counts >= MIN_PER_CLASS].index)
    if not kept or len(text) < 2 * FOLDS:
        raise NotApplicable(
            f"Too few labelled texts to train a {what} model ({len(text)} texts; "
            f"{what}s labelled {MIN_PER_CLASS} times or more: {len(kept)}).",
            f"Label at least {MIN_PER_CLASS} texts of each {what} to train and check one.",
            missing_zh=f"已标注的文本太少，无法训练模型（{len(text)} 条文本；"
            f"被标注 {MIN_PER_CLASS} 次及以上的类别：{len(kept)} 个）。",
            remedy_zh=f"每个类别标注至少 {MIN_PER_CLASS} 条文本，即可训练并检验模型。",
        )
    binarizer = MultiLabelBinarizer(classes=kept)
    matrix = binarizer.fit_transform([[label for label in s if label in kept] for s in sets])
    predicted = np.zeros_like(matrix)
    for train, test in KFold(n_splits=FOLDS, shuffle=True, random_state=seed).split(text):
        columns = matrix[train].sum(axis=0)
        fit_on = np.flatnonzero((columns > 0) & (columns < len(train)))  # a class needs both outcomes
        if not len(fit_on):
            continue
        model = text_pipeline(multilabel=True).fit(text.iloc[train], matrix[train][:, fit_on])
        predicted[np.ix_(test, fit_on)] = model.predict(text.iloc[test]).reshape(len(test), -1)
    rows = []
    for j, label in enumerate(kept):
        rows.append(
            (
                label,
                int(matrix[:, j].sum()),
                int(predicted[:, j].sum()),
                int((matrix[:, j] & predicted[:, j]).sum()),
            )
        )
    rows += [(label, int(counts[label]), 0, 0) for label in sorted(set(counts.index) - set(kept))]
    table = pd.DataFrame(rows, columns=["label", "labelled", "predicted", "true_positive"])
    modelled = table[table["label"].isin(kept)]
    total = pd.DataFrame([{"label": "all", **modelled[["labelled", "predicted", "true_positive"]].sum()}])
    table = pd.concat([table, total], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["precision"] = table["true_positive"] / table["predicted"].replace(0, np.nan)
        table["recall"] = table["true_positive"] / table["labelled"].replace(0, np.nan)
        table["f1"] = 2 * table["true_positive"] / (table["labelled"] + table["predicted"]).replace(0, np.nan)
    table.loc[~table["label"].isin([*kept, "all"]), ["precision", "recall", "f1"]] = np.nan
    frame = pd.DataFrame(
        {"labels": sets, "predicted": [list(binarizer.classes_[row.astype(bool)]) for row in predicted]}
    )
    return MultiLabelCrossValidated(predicted=frame, folds=FOLDS, table=table)


@dataclass
class TextModel:
    """A pipeline fitted on all labelled texts (:func:`train`).

    Attributes
    ----------
    pipeline : Pipeline
        The fitted scikit-learn pipeline.
    labels : list of str
        The labels it predicts (for a multi-label model, the columns of :meth:`predict`).
    multilabel : bool
        Whether a text can have several labels.
    """

    pipeline: Pipeline
    labels: list[str]
    multilabel: bool = False

    def predict(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Predicted labels (single label), or a 0/1 matrix with one column per label.

        Parameters
        ----------
        texts : sequence of str
            The texts to classify.

        Returns
        -------
        ndarray
            One label per text, or texts x :attr:`labels` of 0/1 (multi-label).
        """
        return np.asarray(self.pipeline.predict(_texts(texts)))


def train(
    texts: Sequence[str] | pd.Series, labels: Sequence[Any] | pd.Series, *, multilabel: bool = False
) -> TextModel:
    """Fit the pipeline on all labelled texts (after checking it by :func:`cross_validate`).

    Parameters
    ----------
    texts : sequence of str
        The labelled texts.
    labels : sequence
        One label per text, or (*multilabel*) a list of labels per text.
    multilabel : bool
        Whether a text can have several labels; labels used fewer than
        :data:`MIN_PER_CLASS` times (or on every text) are left out.

    Returns
    -------
    TextModel
        The fitted pipeline and the labels it predicts.

    Examples
    --------
    >>> model = train(["很好", "太差", "不错", "太慢"] * 3, ["positive", "negative"] * 6)
    >>> model.predict(["太差"]).tolist()
    ['negative']
    >>> texts, labels = ["等太久", "扣费错", "等很久又扣费"] * 5, [["wait"], ["bill"], ["wait", "bill"]] * 5
    >>> codes = train(texts, labels, multilabel=True)
    >>> codes.labels, codes.predict(["等太久"]).shape
    (['bill', 'wait'], (1, 2))
    """
    text = _texts(texts)
    if not multilabel:
        frame = pd.DataFrame({"text": text, "label": pd.Series(labels).reset_index(drop=True)}).dropna()
        pipeline = text_pipeline().fit(frame["text"], frame["label"].astype(str))
        return TextModel(pipeline, [str(label) for label in pipeline.classes_])
    from sklearn.preprocessing import MultiLabelBinarizer

    sets = _label_sets(labels)
    counts = pd.Series([label for s in sets for label in s], dtype=object).value_counts()
    kept = sorted(counts[(counts >= MIN_PER_CLASS) & (counts < len(text))].index)
    matrix = MultiLabelBinarizer(classes=kept).fit_transform([[x for x in s if x in kept] for s in sets])
    return TextModel(text_pipeline(multilabel=True).fit(text, matrix), kept, multilabel=True)
