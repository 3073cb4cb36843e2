"""The study-aware layer of the feedback report (notebook ``15_feedback_analytics``).

Each function takes the :class:`FeedbackData` of a study (items, their classification, the
codebook) and returns a table ready to show, with codes and touchpoints labelled in the report's
language; statistics come from :mod:`research.feedback.stats`. A section whose data is absent
raises :class:`~research.errors.NotApplicable` (the notebook calls it through
:func:`research.reports.optional_section`). Empty texts are counted in the sources summary and
left out of every share (they say nothing); items no code covers are the ``uncoded`` row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from research.errors import DataError, NotApplicable
from research.feedback import stats
from research.feedback.classification import Classified, classify_study
from research.feedback.types import TYPES
from research.wording import join, say

if TYPE_CHECKING:
    from research.coding import Codebook
    from research.study import Study

#: Items a code needs, in a group, to be listed among a touchpoint's top complaint codes.
TOP_CODES = 3


@dataclass
class FeedbackData:
    """A study's feedback items joined to their classification (see :func:`load_feedback_data`).

    Attributes
    ----------
    items : DataFrame
        Every item (:func:`research.feedback.load_feedback`) with ``type, sentiment,
        sentiment_label, n_codes`` of the classification; one source only when chosen.
    written : DataFrame
        The items with a text (the denominators of every share).
    codes : DataFrame
        ``item_id, code, touchpoint, stage`` of the written items.
    codebook : Codebook
    study : Study
    language : str
    source : str
        The chosen source ("" for all).
    """

    items: pd.DataFrame
    written: pd.DataFrame
    codes: pd.DataFrame
    codebook: Codebook
    study: Study
    language: str
    source: str = ""
    classified_path: Any = None

    def code_label(self, code: str) -> str:
        """Name of a code in the report's language (``uncoded`` stays as it is)."""
        if code == stats.UNCODED or code not in {c.id for c in self.codebook.codes}:
            return code
        return self.codebook.code(code).label(self.language)

    def code_labels(self) -> dict[str, str]:
        """Names of every codable code in the report's language, by id (for figures)."""
        return {code: self.code_label(code) for code in self.code_list}

    def touchpoint_label(self, touchpoint: str) -> str:
        """Name of a touchpoint in the report's language."""
        if touchpoint in (stats.UNCODED, None) or not isinstance(touchpoint, str):
            return str(touchpoint)
        return self.study.touchpoint_label(touchpoint, self.language)

    @property
    def code_list(self) -> list[str]:
        """The codable codes in codebook order."""
        return [c.id for c in self.codebook.codes if c.codable]


def load_feedback_data(
    study: Study,
    *,
    language: str | None = None,
    source: str = "",
    progress: bool = False,
    workers: int | None = None,
) -> FeedbackData:
    """Load, classify (cached) and join a study's feedback for the report.

    Parameters
    ----------
    study : Study
        The study whose ``feedback:`` section is read.
    language : str, optional
        ``"zh"`` or ``"en"``; ``None`` (or empty): the study's main language.
    source : str
        Keep the items of this source only ("" for all).
    progress : bool
        Show a progress bar while classifying.
    workers : int, optional
        Processes for the classification (see :func:`research.feedback.classify_study`).

    Returns
    -------
    FeedbackData
        The items, the written items, their codes and the codebook.

    Examples
    --------
    >>> from research import load_study  # doctest: +SKIP
    >>> data = load_feedback_data(load_study("sample"), language="en")  # doctest: +SKIP
    """
    from research.feedback.ingest import load_codebook_of, load_feedback

    items = load_feedback(study)
    codebook = load_codebook_of(study)
    result: Classified = classify_study(study, items, codebook, progress=progress, workers=workers)
    items = items.join(result.labels.drop(columns="item_id").set_index(items.index))
    if source:
        if source not in set(items["source"]):
            raise DataError(
                "Not a feedback source of the study",
                column="source",
                value=source,
                hint=f"Sources: {sorted(items['source'].unique())}; leave it empty for all.",
            )
        items = items[items["source"] == source].reset_index(drop=True)
    written = items[~items["blank"]].reset_index(drop=True)
    codes = result.codes[result.codes["item_id"].isin(written["item_id"])].reset_index(drop=True)
    return FeedbackData(
        items, written, codes, codebook, study, language or study.language, source, result.path
    )


# ----------------------------------------------------------------------------------------------
# sections
# ----------------------------------------------------------------------------------------------


def sources_summary(data: FeedbackData) -> pd.DataFrame:
    """Per source: items, empty texts, dates, and the share of each feedback type and of uncoded items."""
    from research.feedback.ingest import summary

    table = summary(data.items)
    types = pd.crosstab(data.written["source"], data.written["type"], normalize="index")
    types = types.reindex(columns=list(TYPES), fill_value=0.0).add_prefix("share_")
    uncoded = data.written.groupby("source")["n_codes"].apply(lambda n: float((n == 0).mean()))
    table = table.merge(types, left_on="source", right_index=True, how="left")
    table["share_uncoded"] = table["source"].map(uncoded)
    return table


def _pairs(data: FeedbackData, level: str) -> pd.DataFrame:
    """(item_id, code) pairs where the "code" is a code, a touchpoint or a stage."""
    if level == "code":
        return data.codes[["item_id", "code"]]
    if level == "touchpoint":
        declared = data.written.loc[data.written["touchpoint"].notna(), ["item_id", "touchpoint"]]
        from_codes = data.codes.loc[
            data.codes["touchpoint"].notna() & ~data.codes["item_id"].isin(declared["item_id"]),
            ["item_id", "touchpoint"],
        ]
        pairs = pd.concat([declared, from_codes]).rename(columns={"touchpoint": "code"})
    elif level == "stage":
        pairs = data.codes.loc[data.codes["stage"].notna(), ["item_id", "stage"]].rename(
            columns={"stage": "code"}
        )
    else:
        raise DataError("Unknown level", column="level", value=level, hint="Use code, touchpoint or stage.")
    pairs = pairs[pairs["code"].astype(str).str.strip() != ""]
    if pairs.empty:
        raise NotApplicable(
            f"No item is linked to a {level}.",
            f"Link codes to {level}s in the codebook, or give the feedback sources a {level} column.",
            missing_zh=f"没有条目关联到 {level}。",
            remedy_zh=f"在码本中把编码关联到 {level}，或为反馈来源提供 {level} 列。",
        )
    return pairs.drop_duplicates()


def shares(data: FeedbackData, level: str = "code", by: str | None = None) -> pd.DataFrame:
    """Share of written items per code (touchpoint, stage) with Wilson intervals, optionally by a column.

    Raises
    ------
    NotApplicable
        *by* is not a column of the items, or has a single value; nothing links to *level*.
    """
    if by:
        if by not in data.written.columns:
            raise NotApplicable(
                f"The feedback items have no column {by!r}.",
                "Choose a column of the items.",
                missing_zh=f"反馈条目没有 {by!r} 列。",
                remedy_zh="请选择条目中的一列。",
            )
        if data.written[by].nunique(dropna=True) < 2:
            raise NotApplicable(
                f"The feedback has a single {by} (nothing to compare).",
                f"Add feedback with other {by} values to compare them.",
                missing_zh=f"反馈只有一个 {by} 取值（无可比较）。",
                remedy_zh=f"加入其他 {by} 取值的反馈即可比较。",
            )
    pairs = _pairs(data, level)
    code_list = data.code_list if level == "code" else None
    table = stats.code_shares(data.written, pairs, by=by, code_list=code_list)
    if level == "code" and not by:
        table = table[(table["count"] > 0) | (table["code"] == stats.UNCODED)]
    label = data.code_label if level in ("code",) else data.touchpoint_label if level == "touchpoint" else str
    return table.assign(label=table["code"].map(label)).rename(columns={"code": level})


def negativity(data: FeedbackData) -> pd.Series:
    """Per code: the share of its items whose sentiment is negative (0..1)."""
    joined = (
        data.codes[["item_id", "code"]]
        .drop_duplicates()
        .merge(data.written[["item_id", "sentiment_label"]], on="item_id")
    )
    return joined.groupby("code")["sentiment_label"].apply(lambda s: float((s == "negative").mean()))


def code_importance(data: FeedbackData) -> pd.DataFrame:
    """Codes ranked by share x negativity (:func:`research.feedback.stats.importance`)."""
    table = stats.importance(stats.code_shares(data.written, data.codes, code_list=None), negativity(data))
    return table.assign(label=table["code"].map(data.code_label))


def trends(
    data: FeedbackData, period: str = "M", recent: int = 1, baseline: int | None = None
) -> stats.EmergingResult:
    """Code shares per period and the codes emerging in the recent window (FDR across codes).

    Only the feedback streams are trended: open-ended survey answers carry their wave's date,
    and a wave entering a window would change the mix of sources, not the customers' issues.
    """
    stream = data.written[data.written["wave"].isna() & data.written["time"].notna()]
    if stream.empty:
        raise NotApplicable(
            "The feedback streams have no dates.",
            "Name a time_column for the feedback sources.",
            missing_zh="反馈没有日期。",
            remedy_zh="为反馈来源指定 time_column。",
        )
    baseline = None if baseline in (None, "", 0) else int(baseline)
    codes = data.codes[data.codes["item_id"].isin(stream["item_id"])]
    return stats.emerging_issues(stream, codes, period, recent=int(recent), baseline=baseline)


def detractors(data: FeedbackData, padjust: Literal["holm", "fdr"] = "holm") -> pd.DataFrame:
    """Code shares among detractors vs promoters of the linked survey answers, with lift.

    Parameters
    ----------
    data : FeedbackData
        The study's feedback (:func:`load_feedback_data`).
    padjust : {"holm", "fdr"}
        Adjustment of the p-values across codes (:func:`research.feedback.stats.detractor_lift`).

    Returns
    -------
    DataFrame
        :func:`research.feedback.stats.detractor_lift` with the codes' ``label``.
    """
    scored = data.written[data.written["score"].notna()]
    if scored.empty:
        raise NotApplicable(
            "No feedback item is linked to a likelihood-to-recommend score.",
            "Declare the survey's open-ended answers under feedback.open_items to see what detractors say.",
            missing_zh="没有反馈条目关联到推荐意愿评分。",
            remedy_zh="在 feedback.open_items 下声明问卷的开放题回答，即可查看贬损者在说什么。",
        )
    table = stats.detractor_lift(
        scored, data.codes[data.codes["item_id"].isin(scored["item_id"])], padjust=padjust
    )
    return table.assign(label=table["code"].map(data.code_label))


def quotes(data: FeedbackData, per_code: int = 2, codes: list[str] | None = None) -> pd.DataFrame:
    """Representative quotes per code, personal data redacted (:func:`research.privacy.redact`).

    For each code (most frequent first, or *codes*), the items that carry this code only, the
    most typical first: sentiment closest to the code's median sentiment, then the shortest.
    """
    from research.privacy import redact

    counts = data.codes["code"].value_counts()
    chosen = codes or counts.index.tolist()
    single = data.codes.groupby("item_id")["code"].transform("size") == 1
    rows = []
    texts = data.written.set_index("item_id")
    for code in chosen:
        members = data.codes.loc[(data.codes["code"] == code), "item_id"]
        pool = members[members.isin(data.codes.loc[single, "item_id"])]
        pool = pool if len(pool) else members
        if pool.empty:
            continue
        part = texts.loc[pool.unique(), ["text", "source", "sentiment"]]
        centre = part["sentiment"].median()
        part = part.assign(distance=(part["sentiment"] - centre).abs(), length=part["text"].str.len())
        part = part.sort_values(["distance", "length"], kind="stable").head(per_code)
        for item_id, row in part.iterrows():
            rows.append(
                {
                    "code": code,
                    "label": data.code_label(code),
                    "source": row["source"],
                    "quote": redact(row["text"]),
                    "item_id": item_id,
                }
            )
    if not rows:
        raise NotApplicable(
            "No item carries a code, so there is nothing to quote.",
            "Add keywords to the codebook that match the feedback's words.",
            missing_zh="没有条目带有编码，因此没有可引用的内容。",
            remedy_zh="在码本中加入与反馈用词匹配的关键词。",
        )
    return pd.DataFrame(rows)


def gaps(data: FeedbackData, candidates: int = 8) -> pd.DataFrame:
    """Candidate new codes from frequent phrases of the uncoded items (examples redacted)."""
    from research.coding.tokens import study_tokenizer
    from research.privacy import redact

    uncoded = data.written[data.written["n_codes"] == 0].set_index("item_id")
    table = stats.codebook_gaps(
        uncoded["text"],
        uncoded["language"],
        candidates=candidates,
        tokenizer=study_tokenizer(data.study, data.codebook),
    )
    texts = uncoded["text"]
    return table.assign(examples=table["examples"].map(lambda ids: [redact(texts[i]) for i in ids]))


def touchpoint_feed(data: FeedbackData, top: int = TOP_CODES) -> pd.DataFrame:
    """Per touchpoint: items, negative share (Wilson interval) and top complaint codes (for the scorecard).

    A complaint code of a touchpoint is a code on its items whose sentiment is negative or whose
    type is a complaint; the top ones are the most frequent.
    """
    pairs = _pairs(data, "touchpoint").rename(columns={"code": "touchpoint"})
    joined = pairs.merge(data.written[["item_id", "sentiment_label", "type"]], on="item_id")
    grouped = joined.groupby("touchpoint")
    table = pd.DataFrame(
        {
            "n": grouped.size(),
            "negative": grouped["sentiment_label"].apply(lambda s: int((s == "negative").sum())),
        }
    )
    table["negative_share"] = table["negative"] / table["n"]
    interval = stats.wilson(table["negative"], table["n"])
    table["ci_low"], table["ci_high"] = interval["ci_low"].to_numpy(), interval["ci_high"].to_numpy()
    bad = joined[(joined["sentiment_label"] == "negative") | (joined["type"] == "complaint")]
    coded = bad.merge(data.codes[["item_id", "code"]], on="item_id")
    top_codes = coded.groupby("touchpoint")["code"].agg(
        lambda c: (
            c.value_counts().sort_index().sort_values(ascending=False, kind="stable").head(top).index.tolist()
        )
    )
    table["top_complaint_codes"] = table.index.map(lambda t: top_codes.get(t, []))
    table = table.reset_index().sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
    return table.assign(label=table["touchpoint"].map(data.touchpoint_label))


# ----------------------------------------------------------------------------------------------
# supervised mode
# ----------------------------------------------------------------------------------------------


@dataclass
class SupervisedCheck:
    """Cross-validated supervised models on the researcher's labels, beside the rules."""

    types: Any  # research.text.supervised.CrossValidated or None
    type_rules: pd.DataFrame | None  # confusion of the rules on the same items
    codes: Any  # research.text.supervised.MultiLabelCrossValidated or None
    code_rules: pd.DataFrame | None  # precision/recall of the rules on the same items
    notes: list[str]

    def summary(self) -> pd.DataFrame:
        """The cross-validated figures of the models trained, with ``model`` (``types``, ``codes``)."""
        parts = []
        if self.types is not None:
            parts.append(self.types.summary().assign(model="types"))
        if self.codes is not None:
            parts.append(self.codes.table.assign(model="codes"))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["model"])


def supervised(data: FeedbackData) -> SupervisedCheck:
    """Train and cross-validate types and codes on the labelled subset; compare with the rules.

    The labelled subset is declared per source (``code_label_column``, ``type_label_column``).

    Raises
    ------
    NotApplicable
        No source declares labels, or too few items are labelled.
    """
    from research.text import supervised as model

    has_types = "label_type" in data.written and data.written["label_type"].notna().any()
    has_codes = "label_codes" in data.written and data.written["label_codes"].notna().any()
    if not (has_types or has_codes):
        raise NotApplicable(
            "No feedback source declares the researcher's own labels, so no supervised model is trained.",
            "Label a few hundred items (code_label_column, type_label_column of a source) to train one.",
            missing_zh="没有反馈来源声明研究者的人工标注，因此不训练监督模型。",
            remedy_zh="标注几百条（来源的 code_label_column、type_label_column）即可训练。",
        )
    notes, types, type_rules, codes, code_rules = [], None, None, None, None
    if has_types:
        labelled = data.written[data.written["label_type"].notna()]
        unknown = sorted(set(labelled["label_type"]) - set(TYPES))
        if unknown:
            raise DataError(
                "Unknown feedback type label",
                column="label_type",
                value=unknown[0],
                hint=f"Use one of {list(TYPES)}.",
            )
        try:
            types = model.cross_validate(labelled["text"], labelled["label_type"], what="feedback type")
            classes = list(TYPES)
            type_rules = pd.crosstab(
                pd.Categorical(labelled["label_type"], categories=classes),
                pd.Categorical(labelled["type"].astype(str), categories=classes),
                rownames=["label"],
                colnames=["rules"],
                dropna=False,
            )
        except NotApplicable as reason:
            notes.append(reason.text(data.language))
    if has_codes:
        labelled = data.written[data.written["label_codes"].notna()]
        sets = labelled["label_codes"].map(
            lambda v: [
                c for c in str(v).replace(",", ";").split(";") if c.strip() and c.strip() != stats.UNCODED
            ]
        )
        unknown = sorted({c.strip() for s in sets for c in s} - set(data.code_list))
        if unknown:
            raise DataError(
                "Unknown code in the researcher's labels",
                column="label_codes",
                value=unknown[0],
                hint="Use code ids of the codebook, separated by ';' (uncoded: no code).",
            )
        try:
            codes = model.cross_validate_multilabel(labelled["text"], sets.tolist())
            from research.coding import autocode_performance

            reference = pd.DataFrame(
                [(i, c.strip()) for i, s in zip(labelled["item_id"], sets, strict=True) for c in s],
                columns=["unit_id", "code"],
            )
            suggested = data.codes[data.codes["item_id"].isin(labelled["item_id"])].rename(
                columns={"item_id": "unit_id"}
            )
            code_rules = autocode_performance(suggested, reference)
        except NotApplicable as reason:
            notes.append(reason.text(data.language))
    if types is None and codes is None:
        raise NotApplicable(
            " ".join(notes) or "Too few labelled items.",
            "Label more items of each type and code.",
            missing_zh="".join(notes) or "已标注的条目太少。",
            remedy_zh="请为每个类型与编码标注更多条目。",
        )
    return SupervisedCheck(types, type_rules, codes, code_rules, notes)


# ----------------------------------------------------------------------------------------------
# results.json
# ----------------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame | None, columns: list[str], limit: int | None = None) -> list[dict]:
    if frame is None:
        return []
    part = frame[[c for c in columns if c in frame.columns]]
    part = part.head(limit) if limit else part
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in part.to_dict("records")
    ]


def feedback_results(
    data: FeedbackData,
    *,
    code_shares: pd.DataFrame,
    emerging: stats.EmergingResult | None = None,
    lift: pd.DataFrame | None = None,
    feed: pd.DataFrame | None = None,
    ranked: pd.DataFrame | None = None,
    candidates: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The key figures of the feedback report, plain JSON types, for ``results.json``.

    ``touchpoints`` holds per touchpoint ``n``, ``negative_share`` (with interval) and
    ``top_complaint_codes``: what the touchpoint scorecard reads.
    """
    uncoded = code_shares[code_shares["code"] == stats.UNCODED].iloc[0]
    complaints = data.written[
        (data.written["type"] == "complaint") | (data.written["sentiment_label"] == "negative")
    ]
    top = data.codes[data.codes["item_id"].isin(complaints["item_id"])]["code"].value_counts()
    return {
        "n_items": len(data.items),
        "n_written": len(data.written),
        "n_blank": int(data.items["blank"].sum()),
        "sources": sorted(data.items["source"].astype(str).unique()),
        "uncoded_share": float(uncoded["estimate"]),
        "uncoded_ci": [float(uncoded["ci_low"]), float(uncoded["ci_high"])],
        "type_shares": {
            k: float(v) for k, v in data.written["type"].astype(str).value_counts(normalize=True).items()
        },
        "negative_share": float((data.written["sentiment_label"] == "negative").mean()),
        "code_shares": _records(
            code_shares[code_shares["code"] != stats.UNCODED],
            ["code", "count", "n", "estimate", "ci_low", "ci_high"],
        ),
        "top_complaint_codes": [str(c) for c in top.head(5).index],
        "importance": _records(ranked, ["code", "estimate", "negativity", "importance"], 10),
        "emerging": emerging.flagged if emerging is not None else None,
        "emerging_method": emerging.method if emerging is not None else None,
        "recent_window": [str(d.date()) for d in emerging.recent] if emerging is not None else None,
        "detractor_themes": _records(
            lift,
            [
                "code",
                "share_detractors",
                "share_promoters",
                "difference",
                "diff_ci_low",
                "diff_ci_high",
                "ratio",
                "p_adjusted",
            ],
            5,
        ),
        "touchpoints": {
            str(r["touchpoint"]): {
                "n": int(r["n"]),
                "negative_share": float(r["negative_share"]),
                "ci_low": float(r["ci_low"]),
                "ci_high": float(r["ci_high"]),
                "top_complaint_codes": list(r["top_complaint_codes"]),
            }
            for r in (feed.to_dict("records") if feed is not None else [])
        },
        "codebook_gaps": [str(x) for x in candidates["label"]] if candidates is not None else [],
    }


# ----------------------------------------------------------------------------------------------
# words
# ----------------------------------------------------------------------------------------------


def emerging_text(
    emerging: stats.EmergingResult, language: str | None = None, labels: Mapping[str, str] | None = None
) -> str:
    """The method, windows and flagged codes of the emerging-issue test in *language*.

    Parameters
    ----------
    emerging : EmergingResult
        :func:`trends` (``table``, ``recent``, ``baseline``, ``flagged``, ``method``, ``alpha``).
    language : str, optional
        ``"zh"`` or ``"en"``; ``None``: the report's language.
    labels : mapping, optional
        Code names by id.

    Returns
    -------
    str
        One Markdown sentence.
    """
    names = labels or {}
    test = "fisher" if "Fisher" in emerging.method else "ztest"
    flagged = join((names.get(c, c) for c in emerging.flagged), language)
    return say(
        "feedback",
        "emerging",
        language,
        test=say("feedback", test, language),
        codes=len(emerging.table),
        alpha=emerging.alpha,
        recent_start=emerging.recent[0].date(),
        recent_end=emerging.recent[1].date(),
        baseline_start=emerging.baseline[0].date(),
        baseline_end=emerging.baseline[1].date(),
        flagged=flagged or say("feedback", "none", language),
    )


def feedback_at_a_glance(
    results: Mapping[str, Any], language: str | None = None, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a feedback report, from its ``results.json`` figures.

    Items analysed with their negative and uncoded shares; the most important issues; what is
    emerging; what detractors mention more than promoters. Parts the report did not compute are
    left out.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`feedback_results`).
    language : str, optional
        ``"zh"`` or ``"en"``; ``None``: the report's language.
    labels : mapping, optional
        Code names in *language*, by id.

    Returns
    -------
    list of str
        The sentences, at most five.

    Examples
    --------
    >>> results = {"n_items": 120, "n_written": 100, "sources": ["app", "tickets"], "negative_share": 0.4,
    ...            "uncoded_share": 0.15, "importance": [{"code": "wait", "estimate": 0.2}],
    ...            "emerging": []}
    >>> for line in feedback_at_a_glance(results, "en", {"wait": "Long waits"}):
    ...     print(line)
    100 feedback items with a text were analysed (120 in all, from 2 source(s)); 40% carry negative \
sentiment and 15% are covered by no code.
    The most important issues (share × negativity): Long waits (20.0% of items).
    No issue is emerging in the recent window.
    """
    names = labels or {}

    def line(key: str, **values: Any) -> str:
        return say("feedback", key, language, **values)

    lines = [
        line(
            "sample",
            written=int(results.get("n_written") or 0),
            items=int(results.get("n_items") or 0),
            sources=len(results.get("sources") or []),
            negative=results.get("negative_share") or 0.0,
            uncoded=results.get("uncoded_share") or 0.0,
        )
    ]
    important = (results.get("importance") or [])[:3]
    if important:
        items = [
            line("share_item", name=names.get(row["code"], row["code"]), share=row["estimate"])
            for row in important
        ]
        lines.append(line("important", items=join(items, language)))
    if results.get("emerging") is not None:
        emerging = [names.get(c, c) for c in results["emerging"]]
        lines.append(
            line("emerging_found", items=join(emerging, language)) if emerging else line("emerging_none")
        )
    themes = results.get("detractor_themes") or []
    if themes:
        top = themes[0]
        lines.append(
            line(
                "detractor_theme",
                name=names.get(top["code"], top["code"]),
                detractors=top["share_detractors"],
                promoters=top["share_promoters"],
            )
        )
    return lines[:5]
