"""The study-aware layer of the interview-coding report (notebook 10).

:func:`load_coding_data` reads what a study has: transcripts (any file format, or one table of
texts; with or without speaker labels), the codebook, the respondents file if there is one, and
the human codings if there are any. The analysis then runs on the *reference coding*: the
reference coder's codings, or, without human codings, the codebook's keyword auto-coding
(:func:`research.coding.autocode`), said in the report as "auto-coded, not checked by a coder".

The core (code frequencies, pain-point ranking) always renders. Every other section is a
function here that raises :class:`~research.errors.NotApplicable` with one plain sentence when
the study lacks what it needs (a second coder, human codings, a segment column, a touchpoint
catalog, stages on codes, sentiment labels); the notebook calls them through
:func:`research.reports.optional_section`. This module computes no statistic itself: it picks
data and calls the statistics modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from research.coding.agreement import POOLED, AgreementResult, code_agreement
from research.coding.analysis import (
    Cooccurrence,
    code_by_segment,
    code_crosstab,
    cooccurrence,
    pain_point_ranking,
    representative_quotes,
)
from research.coding.autocoding import attribute_touchpoints, autocode, autocode_performance
from research.coding.codebook import Codebook, _declares_stages, load_codebook
from research.coding.codings import CODING_COLUMNS, codings_to_units, load_codings
from research.coding.schema import CodingFiles, coding_files, coding_settings
from research.coding.sentiment import (
    SentimentAgreement,
    label_agreement,
    parse_sentiment_labels,
    sentiment_agreement,
    text_sentiment,
    unit_sentiment,
)
from research.coding.tokens import word_frequencies
from research.coding.transcripts import Transcript, load_cases, load_transcripts, units_frame
from research.errors import DataError, NotApplicable
from research.wording import join, resolve_language, say

#: How the report names a coding that no human checked (in ``results.json``, in English).
AUTO_CODED = say("coding", "overview_auto", "en")
AUTO_CODER = "auto"


@dataclass
class CodingData:
    """Everything a coding report reads, and the coding its analysis uses.

    ``units`` are the respondents' coding units (every unit not spoken by an interviewer);
    ``codings`` all human codings in long form (empty without codings files); ``coded`` the
    reference coding mapped to units (``transcript_id, unit_id, code, coder``) and ``spans`` the
    same in long form (``transcript_id, start, end, code, coder``) for quotes; ``suggestions``
    the auto-coding of ``units``; ``cases`` the respondents table or None.
    """

    study: Any
    files: CodingFiles
    unit: str
    transcripts: list[Transcript]
    codebook: Codebook
    units: pd.DataFrame
    codings: pd.DataFrame
    cases: pd.DataFrame | None
    reference_coder: str | None
    suggestions: pd.DataFrame
    coded: pd.DataFrame
    spans: pd.DataFrame
    redact_names: tuple[str, ...] = ()

    @property
    def auto_coded(self) -> bool:
        """True when the analysis runs on auto-coding (no human codings)."""
        return self.reference_coder is None

    @property
    def coders(self) -> list[str]:
        """Human coders in the codings, in order of first appearance."""
        return list(dict.fromkeys(self.codings["coder"].astype(str)))

    @property
    def unit_name(self) -> str:
        """The coding unit as a reader knows it: turns of texts without speaker labels are paragraphs."""
        unlabelled = all(turn.speaker == "" for t in self.transcripts for turn in t.turns)
        return "paragraph" if self.unit == "turn" and unlabelled else self.unit

    @property
    def inputs(self) -> list[str]:
        """File ids the report read (for its provenance)."""
        files = [self.files.transcripts, self.files.codebook, self.files.respondents, *self.files.codings]
        return [f for f in files if f]

    @property
    def respondent_ids(self) -> list[str]:
        """Every transcript id (the base of reach: respondents who said nothing coded count)."""
        return [t.id for t in self.transcripts]

    def source(self, language: str | None = None) -> str:
        """One sentence saying which coding the analysis uses, in *language* (zh or en).

        Examples
        --------
        >>> from research.study import load_study
        >>> load_coding_data(load_study("sample")).source()  # doctest: +SKIP
        "The analysis uses coder A's coding (24 of 24 transcripts)."
        """
        if self.auto_coded:
            return say(
                "coding",
                "source_auto",
                language,
                units=len(self.units),
                unit=self.unit_name,
                texts=len(self.transcripts),
            )
        coded = self.codings.loc[self.codings["coder"] == self.reference_coder, "transcript_id"].nunique()
        return say(
            "coding",
            "source_coder",
            language,
            coder=self.reference_coder,
            coded=coded,
            texts=len(self.transcripts),
        )

    def overview(self, language: str | None = None) -> pd.DataFrame:
        """One-row table: transcripts by language, units, codable codes, coded units, coders.

        Column names and the coding are in *language* (``"zh"`` or ``"en"``).
        """
        language = resolve_language(language)

        def name(key: str) -> str:
            return say("coding", f"overview_{key}", language, unit=self.unit_name)

        if self.auto_coded:
            coding = say("coding", "overview_auto", language)
        else:
            coding = say("coding", "overview_coder", language, coder=self.reference_coder)
        columns = {
            "transcripts": len(self.transcripts),
            "chinese": sum(t.language == "zh" for t in self.transcripts),
            "english": sum(t.language == "en" for t in self.transcripts),
            "units": len(self.units),
            "codable": len(self.codebook.codable_ids),
            "coded": int(self.coded["unit_id"].nunique()),
            "coding": coding,
            "coders": len(self.coders),
        }
        return pd.DataFrame({name(key): [value] for key, value in columns.items()})


def choose_reference_coder(data: pd.DataFrame, requested: str = "") -> str | None:
    """The coder whose coding the analysis uses.

    *requested* if given (it must be a coder of *data*); else the coder who coded the most
    transcripts (all of them, in a usual design), the first in the file on ties; None without
    codings.

    Raises
    ------
    DataError
        *requested* is not a coder of the codings.

    Examples
    --------
    >>> codings = pd.DataFrame({"transcript_id": ["r1", "r1", "r2", "r1"],
    ...                         "coder": ["lee", "lee", "lee", "kim"]})
    >>> choose_reference_coder(codings), choose_reference_coder(codings.iloc[:0]) is None
    ('lee', True)
    """
    coders = list(dict.fromkeys(data["coder"].astype(str)))
    if requested:
        if str(requested) not in coders:
            raise DataError(
                "The reference coder has no codings",
                column="reference_coder",
                value=requested,
                hint=f"Coders in the codings files: {coders or 'none'}; leave it empty to choose one.",
            )
        return str(requested)
    if not coders:
        return None
    coverage = data.assign(coder=data["coder"].astype(str)).groupby("coder")["transcript_id"].nunique()
    return max(coders, key=lambda c: (coverage[c], -coders.index(c)))


def load_coding_data(
    study: Any,
    *,
    unit: str = "",
    reference_coder: str = "",
    negation: bool | str = True,
) -> CodingData:
    """Read a study's coding inputs and settle the coding the analysis uses.

    Parameters
    ----------
    study : Study
    unit : {"", "turn", "paragraph", "sentence"}
        Coding unit; empty: ``coding.unit`` of study.yml (default ``turn``; a text without
        speaker labels has its paragraphs as turns).
    reference_coder : str
        Whose coding to analyse; empty: :func:`choose_reference_coder`. Without codings files
        the analysis uses the auto-coding.
    negation : bool or {"flag", "drop"}
        Passed to :func:`research.coding.autocode`.

    Raises
    ------
    DataError
        Unreadable or invalid inputs; a *reference_coder* that has no codings.

    Examples
    --------
    >>> from research.study import load_study
    >>> data = load_coding_data(load_study("sample"))  # doctest: +SKIP
    >>> data.reference_coder, len(data.transcripts)  # doctest: +SKIP
    ('A', 24)
    """
    settings = coding_settings(study)
    files = coding_files(study)
    unit = unit or settings.unit
    transcripts = load_transcripts(study, file_id=files.transcripts)
    codebook = load_codebook(study.file(files.codebook), study=study)
    cases = load_cases(study, file_id=files.respondents) if files.respondents else None
    if cases is not None:  # segment sizes and labels count the texts at hand only
        cases = cases[cases.index.isin([t.id for t in transcripts])]
    units = units_frame(transcripts, unit=unit)
    units = units[units["role"] != "interviewer"].reset_index(drop=True)
    codings = load_codings(study, file_ids=files.codings, codebook=codebook, transcripts=transcripts)
    codings = codings.assign(coder=codings["coder"].astype(str))
    reference = choose_reference_coder(codings, reference_coder)
    suggestions = autocode(units, codebook, negation=negation)
    if reference is None:
        # A suggestion lies inside its unit: the unit is the coded passage (a mention).
        coded = suggestions[["transcript_id", "unit_id", "code", "coder"]].drop_duplicates()
        coded = coded.reset_index(drop=True)
        spans = coded.merge(units[["unit_id", "start", "end"]], on="unit_id")[CODING_COLUMNS]
    else:
        spans = codings[codings["coder"] == reference].reset_index(drop=True)
        coded = codings_to_units(spans, units)
    return CodingData(
        study=study,
        files=files,
        unit=unit,
        transcripts=transcripts,
        codebook=codebook,
        units=units,
        codings=codings,
        cases=cases,
        reference_coder=reference,
        suggestions=suggestions,
        coded=coded,
        spans=spans,
        redact_names=tuple(settings.redact_names),
    )


def agreement_section(data: CodingData, coders: Sequence[str] = (), n_boot: int = 500) -> AgreementResult:
    """Inter-coder agreement of *coders* (empty: every human coder) on the respondents' units.

    Raises
    ------
    NotApplicable
        No human codings, one coder only, or no transcript coded by all of them.
    DataError
        A named coder has no codings.
    """
    if data.codings.empty:
        raise NotApplicable(
            "There are no human codings, so agreement between coders cannot be computed.",
            "Add two coders' codings files (role codings) of the same transcripts to see it.",
            missing_zh="没有人工编码，无法计算编码员之间的一致性。",
            remedy_zh="加入两位编码员对同一批访谈稿的编码文件（role codings）即可查看。",
        )
    chosen = [str(c) for c in coders] or data.coders
    unknown = [c for c in chosen if c not in data.coders]
    if unknown:
        raise DataError(
            "Agreement coder without codings",
            column="agreement_coders",
            value=unknown,
            hint=f"Coders in the codings files: {data.coders}; leave it empty to compare all.",
        )
    if len(chosen) < 2:
        raise NotApplicable(
            f"Only one coder ({chosen[0]}) coded the transcripts, so agreement between coders "
            "cannot be computed.",
            "Have a second coder code some of the same transcripts and add that file (role codings).",
            missing_zh=f"只有一位编码员（{chosen[0]}）编码了访谈稿，无法计算编码员之间的一致性。",
            remedy_zh="请第二位编码员编码其中部分访谈稿，并加入该文件（role codings）。",
        )
    codings = data.codings[data.codings["coder"].isin(chosen)]
    shared = set.intersection(*(set(codings.loc[codings["coder"] == c, "transcript_id"]) for c in chosen))
    if not shared:
        raise NotApplicable(
            f"No transcript was coded by all of {chosen}, so their agreement cannot be computed.",
            "Have the coders code a common subset of transcripts.",
            missing_zh=f"没有任何访谈稿被 {chosen} 全部编码过，无法计算他们的一致性。",
            remedy_zh="请各编码员编码一批共同的访谈稿。",
        )
    return code_agreement(codings, data.units, n_boot=n_boot, coders=chosen, redact_names=data.redact_names)


def autocode_section(data: CodingData) -> pd.DataFrame:
    """Precision and recall of the auto-coding against the reference coder, per code and overall.

    Only transcripts the reference coder coded are compared.

    Raises
    ------
    NotApplicable
        The analysis is itself auto-coded (no human codings).
    """
    if data.auto_coded:
        raise NotApplicable(
            "The analysis is auto-coded, so there is no human coding to check the auto-coding against.",
            "Add a coder's codings file (role codings) to see the precision and recall of the keyword rules.",
            missing_zh="本分析为自动编码，没有可用于核对自动编码的人工编码。",
            remedy_zh="加入编码员的编码文件（role codings）即可查看关键词规则的精确率与召回率。",
        )
    checked = set(data.spans["transcript_id"])
    suggestions = data.suggestions[data.suggestions["transcript_id"].isin(checked)]
    return autocode_performance(suggestions, data.coded)


def stage_section(data: CodingData, language: str | None = None) -> pd.DataFrame:
    """Mentions of each code by journey stage (the stages codes name), labelled in *language*.

    Raises
    ------
    NotApplicable
        No code of the codebook names a stage.
    """
    language = resolve_language(language)
    named = list(dict.fromkeys(s for c in data.codebook.codes for s in c.stages))
    if not named:
        raise NotApplicable(
            "No code of the codebook names a journey stage, so codes are not shown by stage.",
            "List the stages a code belongs to under stages: of the code in the codebook.",
            missing_zh="码本中没有编码标明旅程阶段，因此不按阶段展示编码。",
            remedy_zh="在码本中每个编码的 stages: 下列出其所属阶段。",
        )
    study = data.study
    stages = list(study.stages) if _declares_stages(study) else named
    table = code_crosstab(data.coded, data.codebook, by="stage", categories=stages)
    table.index = [data.codebook.code(c).label(language) for c in table.index]
    table.columns = [study.stage_label(c, language) if c in study.stages else c for c in table.columns]
    return table


def touchpoint_section(data: CodingData) -> pd.DataFrame:
    """Mentions of each code by the touchpoints its units name (catalog names and synonyms).

    Raises
    ------
    NotApplicable
        The study has no touchpoint catalog.
    """
    if not data.study.has_catalog:
        raise NotApplicable(
            "The study has no touchpoint catalog, so mentions are not attributed to touchpoints.",
            "Add touchpoints: (ids, names, synonyms) to study.yml to see codes by touchpoint.",
            missing_zh="本研究没有触点清单，因此提及不归属到触点。",
            remedy_zh="在 study.yml 中加入 touchpoints:（编号、名称、同义词）即可按触点查看编码。",
        )
    attribution = attribute_touchpoints(data.units, data.study)
    return code_crosstab(data.coded, data.codebook, by="touchpoint", attribution=attribution)


def touchpoint_ranking_section(
    data: CodingData, sentiment: pd.DataFrame | None, language: str | None = None
) -> pd.DataFrame:
    """Pain points ranked by touchpoint (the touchpoints codes name in the codebook).

    Raises
    ------
    NotApplicable
        No pain-point code names a touchpoint.
    """
    return pain_point_ranking(
        data.coded,
        data.codebook,
        respondents=data.respondent_ids,
        sentiment=sentiment,
        by="touchpoint",
        language=language,
        study=data.study,
    )


def segment_section(data: CodingData, segment: str, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Reach of *codes* in each segment of the respondents file (codes x segments, 0..1).

    Raises
    ------
    NotApplicable
        No segment named, or no respondents file.
    DataError
        *segment* is not a column of the respondents file.
    """
    if not segment:
        raise NotApplicable(
            "No segment column is named, so codes are not compared between segments.",
            "Set the segment parameter to a column of the respondents file to compare segments.",
            missing_zh="未指定分群列，因此不比较各分群的编码。",
            remedy_zh="将 segment 参数设为受访者文件中的一列即可比较分群。",
        )
    if data.cases is None:
        raise NotApplicable(
            f"The study has no respondents file, so codes cannot be compared by {segment!r}.",
            "Declare a file with role respondents (an id column with the transcript ids and the segment).",
            missing_zh=f"本研究没有受访者文件，无法按 {segment!r} 比较编码。",
            remedy_zh="声明一个 role 为 respondents 的文件（含访谈稿编号列与分群列）。",
        )
    _respondents_column(data, segment, "segment")
    table = code_by_segment(data.coded, data.cases, segment, codes=codes)
    return table.pivot(index="code", columns=segment, values="reach")


def _respondents_column(data: CodingData, column: str, what: str) -> pd.Series:
    """The respondents file's *column*; a DataError naming the file's columns when it has none."""
    cases = data.cases if data.cases is not None else pd.DataFrame()
    if column not in cases.columns:
        raise DataError(
            f"The {what} is not a column of the respondents file",
            file=data.study.file(data.files.respondents),
            column=column,
            hint=f"Columns: {list(cases.columns)}.",
        )
    return cases[column]


def cooccurrence_section(data: CodingData, language: str | None = None) -> Cooccurrence:
    """Codes applied to the same unit, labelled in *language*.

    Raises
    ------
    NotApplicable
        Fewer than two codes were applied, or no two codes share a unit.
    """
    language = resolve_language(language)
    applied = data.coded["code"].nunique()
    if applied < 2:
        raise NotApplicable(
            f"{'Only one code was' if applied == 1 else 'No code was'} applied, so nothing co-occurs.",
            "Co-occurrence needs at least two codes in the coding.",
            missing_zh=f"{'只使用了一个编码' if applied == 1 else '没有使用任何编码'}，因此没有共现。",
            remedy_zh="共现分析需要编码中至少有两个编码。",
        )
    result = cooccurrence(data.coded, level="unit")
    if result.pairs().empty:
        raise NotApplicable(
            f"No two codes were applied to the same {data.unit_name}, so nothing co-occurs.",
            "Co-occurrence shows up when longer units (paragraphs, turns) carry several codes.",
            missing_zh="没有任何两个编码用于同一单元，因此没有共现。",
            remedy_zh="较长的单元（段落、话轮）带有多个编码时才会出现共现。",
        )

    def name(code: str) -> str:
        return data.codebook.code(code).label(language)

    return Cooccurrence(
        result.counts.rename(index=name, columns=name),
        result.jaccard.rename(index=name, columns=name),
        result.level,
    )


def top_pain_points(data: pd.DataFrame, top: int = 4) -> list[str]:
    """The *top* pain points of a ranking that anybody mentioned (ids, best first).

    Examples
    --------
    >>> top_pain_points(pd.DataFrame({"code": ["wait", "bill"], "mentions": [3, 0]}))
    ['wait']
    """
    return data.loc[data["mentions"] > 0, "code"].head(top).tolist()


def quote_codes(
    data: pd.DataFrame, ranking: pd.DataFrame, codes: Sequence[str] = (), top: int = 4
) -> list[str]:
    """*codes*, else the *top* mentioned pain points and the two most mentioned delights."""
    if codes:
        return list(codes)
    pains = top_pain_points(ranking, top)
    delights = data.loc[(data["valence"] == "delight") & (data["mentions"] > 0), "code"]
    return pains + delights.head(2).tolist()


def quotes_section(
    data: CodingData, codes: Sequence[str], language: str | None = None, n: int = 2
) -> pd.DataFrame:
    """Representative (redacted) quotes of *codes*, from texts in *language* when there are any.

    Raises
    ------
    NotApplicable
        Nothing was coded with these codes.
    """
    language = resolve_language(language)
    if not codes or data.spans.empty:
        raise NotApplicable(
            "No passage is coded, so there are no quotes.",
            "Check the codebook's keywords.",
            missing_zh="没有段落被编码，因此没有引语。",
            remedy_zh="请检查码本的关键词。",
        )
    same = {t.id for t in data.transcripts if t.language == language}
    spans = data.spans[data.spans["transcript_id"].isin(same)] if same else data.spans
    quotes = representative_quotes(
        spans,
        data.transcripts,
        data.codebook,
        codes=[c for c in codes if c in set(spans["code"])],
        n=n,
        names=data.redact_names,
        language=language,
    )
    return quotes[["name", "rank", "transcript_id", "quote"]]


@dataclass
class SentimentCheck:
    """How well the lexicon sentiment matches a human judgement.

    ``basis`` says what it was compared with; ``table`` has one row per lexicon (``lexicon,
    compared_with, n, accuracy, cohen_kappa``); ``extended`` is the result with the codebook's
    keywords, ``builtin`` without them; ``supervised`` is a model trained on the same human
    labels, cross-validated (:func:`research.coding.sentiment_model.compare_supervised`), or
    None when there are too few labels per class (its row is then absent from the table).
    """

    basis: str
    table: pd.DataFrame
    extended: SentimentAgreement
    builtin: SentimentAgreement
    supervised: Any = None


def sentiment_section(
    data: CodingData, sentiment: pd.DataFrame, label_column: str = "", language: str | None = None
) -> SentimentCheck:
    """Check the sentiment suggestion against researcher labels or human-coded valence.

    With *label_column* (a column of the respondents file; labels as accepted by
    :func:`research.coding.sentiment.parse_sentiment_labels`), each text's sentiment (its units
    scored as one text) is compared with its label. Otherwise, with human codings, each coded
    unit's sentiment is compared with the valence of its codes (pain point negative, delight
    positive).

    Parameters
    ----------
    sentiment : DataFrame
        Unit sentiment with the codebook's keywords (:func:`research.coding.unit_sentiment`).

    Raises
    ------
    NotApplicable
        No label column and no human codings.
    DataError
        The label column is not in the respondents file, there is no respondents file, or a
        label is not accepted.
    """
    language = resolve_language(language)
    if label_column:
        if data.cases is None:
            raise DataError(
                "sentiment_label_column names a column but the study has no respondents file",
                column="sentiment_label_column",
                value=label_column,
                hint="Declare a file with role respondents that holds the labels.",
            )
        labels = parse_sentiment_labels(
            _respondents_column(data, label_column, "sentiment label column"),
            file=data.study.file(data.files.respondents),
            column=label_column,
        )
        scored = text_sentiment(data.units, data.codebook)
        extended = label_agreement(scored, labels)
        builtin = label_agreement(text_sentiment(data.units, adapt=False), labels)
        basis = say("coding", "sentiment_basis_labels", language, column=repr(label_column))
    elif not data.auto_coded:
        scored = sentiment
        extended = sentiment_agreement(sentiment, data.coded, data.codebook)
        builtin = sentiment_agreement(unit_sentiment(data.units, adapt=False), data.coded, data.codebook)
        basis = say("coding", "sentiment_basis_coder", language, coder=data.reference_coder)
    else:
        raise NotApplicable(
            "The texts are auto-coded and have no sentiment labels, so the sentiment suggestion "
            "cannot be checked.",
            "Name a column of the respondents file holding positive/negative/neutral with the "
            "sentiment_label_column parameter, or add a coder's codings.",
            missing_zh="文本为自动编码且没有情感标签，无法检验情感建议。",
            remedy_zh="用 sentiment_label_column 参数指定受访者文件中存放正面/负面/中性标签的列，"
            "或加入编码员的编码。",
        )
    parts = [
        builtin.summary().assign(lexicon=say("coding", "method_builtin", language)),
        extended.summary().assign(
            lexicon=say(
                "coding",
                "method_adapted" if scored.attrs.get("method") == "adapted" else "method_keywords",
                language,
            )
        ),
    ]
    supervised = _supervised_comparison(data, extended, label_column)
    if supervised is not None:
        parts.append(
            supervised.supervised.summary().assign(
                lexicon=say("coding", "method_supervised", language, folds=supervised.folds)
            )
        )
    table = pd.concat(parts, ignore_index=True).assign(compared_with=basis)[
        ["lexicon", "compared_with", "n", "accuracy", "cohen_kappa"]
    ]
    return SentimentCheck(basis, table, extended, builtin, supervised)


def _supervised_comparison(data: CodingData, extended: SentimentAgreement, label_column: str):
    """A model trained on the compared human labels (None when too few per class)."""
    from research.coding.sentiment_model import compare_supervised

    compared = extended.units.rename(columns={"transcript_id": "unit_id"})
    if label_column:
        texts = data.units.assign(text=data.units["text"].fillna("").astype(str))
        texts = texts.groupby("transcript_id")["text"].agg("\n".join).rename_axis("unit_id").reset_index()
    else:
        texts = data.units[["unit_id", "text"]]
    labelled = compared[["unit_id", "human"]].merge(texts, on="unit_id")
    default = compared[["unit_id", "suggested"]].rename(columns={"suggested": "label"})
    try:
        return compare_supervised(labelled, default)
    except NotApplicable:
        return None


def frequent_words_section(data: CodingData, language: str | None = None, top: int = 20) -> pd.DataFrame:
    """The most frequent words of the respondents' units in *language*.

    Raises
    ------
    NotApplicable
        No text in *language*.
    """
    language = resolve_language(language)
    texts = data.units.loc[data.units["language"] == language, "text"]
    if texts.empty:
        raise NotApplicable(
            f"No text is in the report language ({language}), so word frequencies are not shown.",
            "Run the report in the texts' language with the language parameter.",
            missing_zh=f"没有文本使用报告语言（{language}），因此不展示词频。",
            remedy_zh="用 language 参数以文本的语言运行报告。",
        )
    return word_frequencies(
        texts, data.study, data.codebook, language=language, top=top, names=data.redact_names
    )


def _plain(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def touchpoint_pain(
    data: CodingData, touchpoint_ranking: pd.DataFrame, ranking: pd.DataFrame, language: str
) -> list[dict[str, Any]]:
    """Interview evidence per touchpoint for ``results.json`` (the scorecard reads it).

    One record per row of *touchpoint_ranking* (:func:`touchpoint_ranking_section`):
    ``touchpoint, respondents, reach, mentions, negativity, score`` as there, ``top_codes`` (up to
    three pain-point codes of the touchpoint that were coded, by their rank in *ranking*),
    ``quote``: the most typical passage of the first of them, redacted (None without one), and
    ``delight_reach``: the share of respondents who praised the touchpoint (a delight code
    naming it; None when no delight code names it). Touchpoints only delight codes name get a
    record with their pain fields None.

    Examples
    --------
    >>> from research.study import load_study
    >>> data = load_coding_data(load_study("sample"))  # doctest: +SKIP
    """
    ranked = [str(code) for code in ranking.loc[ranking["mentions"] > 0, "code"]]
    records = []
    for row in touchpoint_ranking.itertuples():
        codes = [c for c in ranked if row.touchpoint in data.codebook.code(c).touchpoints][:3]
        quote = None
        if codes:
            try:
                quote = quotes_section(data, codes[:1], language, n=1)["quote"].iloc[0]
            except (NotApplicable, IndexError):
                quote = None
        records.append(
            {
                "touchpoint": str(row.touchpoint),
                "respondents": int(row.respondents),
                "reach": _plain(row.reach),
                "mentions": int(row.mentions),
                "negativity": _plain(row.negativity),
                "score": _plain(row.score),
                "top_codes": codes,
                "quote": quote,
                "delight_reach": None,
            }
        )
    try:
        delights = pain_point_ranking(
            data.coded,
            data.codebook,
            respondents=data.respondent_ids,
            by="touchpoint",
            valence=("delight",),
            language=language,
            study=data.study,
        )
    except NotApplicable:  # no delight code names a touchpoint
        return records
    by_touchpoint = {record["touchpoint"]: record for record in records}
    for row in delights.itertuples():
        record = by_touchpoint.get(str(row.touchpoint))
        if record is None:  # praised, and no pain-point code names it: its pain evidence is missing
            record = {
                "touchpoint": str(row.touchpoint),
                "respondents": None,
                "reach": None,
                "mentions": None,
                "negativity": None,
                "score": None,
                "top_codes": [],
                "quote": None,
            }
            records.append(record)
        record["delight_reach"] = _plain(row.reach)
    return records


def coding_results(
    data: CodingData,
    language: str,
    frequencies: pd.DataFrame,
    ranking: pd.DataFrame,
    touchpoint_ranking: pd.DataFrame | None = None,
    agreement: AgreementResult | None = None,
    performance: pd.DataFrame | None = None,
    sentiment: SentimentCheck | None = None,
    by_segment: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The key figures of a coding report as plain JSON types (``results.json``).

    Sections that were skipped are ``None`` (their reason is in the report's notes):
    ``top_pain_touchpoints``, ``agreement``, ``autocode``, ``sentiment``, ``segments``.

    Examples
    --------
    >>> from research.study import load_study
    >>> data = load_coding_data(load_study("sample"))  # doctest: +SKIP
    """
    results: dict[str, Any] = {
        "language": language,
        "n_transcripts": len(data.transcripts),
        "unit": data.unit,
        "n_units": len(data.units),
        "coding": AUTO_CODED if data.auto_coded else f"coder {data.reference_coder}",
        "reference_coder": data.reference_coder,
        "coders": data.coders,
        "top_pain_points": top_pain_points(ranking),
        "pain_point_scores": {r.code: round(float(r.score), 4) for r in ranking.itertuples()},
        "mentions": {r.code: int(r.mentions) for r in frequencies.itertuples()},
        "respondents": {r.code: int(r.respondents) for r in frequencies.itertuples()},
        "top_pain_touchpoints": None,
        "agreement": None,
        "autocode": None,
        "sentiment": None,
        "segments": None,
    }
    if touchpoint_ranking is not None:
        mentioned_touchpoints = touchpoint_ranking[touchpoint_ranking["mentions"] > 0]
        results["top_pain_touchpoints"] = mentioned_touchpoints["touchpoint"].head(4).tolist()
        results["touchpoint_pain"] = touchpoint_pain(data, touchpoint_ranking, ranking, language)
    if agreement is not None:
        overall = agreement.table.set_index("code").loc[POOLED]
        results["agreement"] = {
            "coders": list(agreement.coders),
            "percent_agreement": _plain(overall["percent_agreement"]),
            "cohen_kappa": _plain(overall["cohen_kappa"]),
            "krippendorff_alpha": _plain(overall["krippendorff_alpha"]),
        }
    if performance is not None:
        auto = performance.set_index("code").loc[POOLED]
        results["autocode"] = {key: _plain(auto[key]) for key in ("precision", "recall", "f1")}
    if sentiment is not None:
        results["sentiment"] = {
            "basis": sentiment.basis,
            "accuracy": _plain(sentiment.extended.accuracy),
            "cohen_kappa": _plain(sentiment.extended.kappa),
            "n": sentiment.extended.n,
            "accuracy_builtin_lexicon": _plain(sentiment.builtin.accuracy),
        }
    if by_segment is not None:
        results["segments"] = {
            "column": by_segment.columns.name,
            "reach": {
                str(code): {str(level): _plain(value) for level, value in row.items()}
                for code, row in by_segment.iterrows()
            },
        }
    return results


def coding_at_a_glance(
    results: Mapping[str, Any], language: str | None = None, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up a coding report, from its ``results.json`` figures.

    Parameters
    ----------
    results : mapping
        The report's results (:func:`coding_results`).
    language : str, optional
        ``"zh"`` or ``"en"``; None is the report's language.
    labels : mapping, optional
        Names of codes and touchpoints in *language*, by id (ids are shown without them).

    Returns
    -------
    list of str
        The sentences, at most five.

    Examples
    --------
    >>> results = {"n_transcripts": 10, "n_units": 80, "reference_coder": "A",
    ...            "top_pain_points": ["wait"], "respondents": {"wait": 6}}
    >>> for line in coding_at_a_glance(results, "en", {"wait": "Long waits"}):
    ...     print(line)
    10 transcripts (80 coding units) were analysed, using coder A's coding.
    The top pain points: Long waits (mentioned by 60% of respondents).
    >>> coding_at_a_glance(results, "zh", {"wait": "等待久"})[1]
    '最突出的痛点：等待久（60% 的受访者提及）。'
    """
    language = resolve_language(language)
    names = labels or {}

    def tell(key: str, **values: Any) -> str:
        return say("coding", key, language, **values)

    n = int(results.get("n_transcripts") or 0)
    coder = results.get("reference_coder")
    coding = tell("coder", coder=coder) if coder else tell("auto")
    lines = [tell("texts", n=n, units=int(results.get("n_units") or 0), coding=coding)]
    pains = list(results.get("top_pain_points") or [])[:3]
    if pains:
        reach = results.get("respondents") or {}
        items = [
            tell("pain_item", name=names.get(code, code), share=(reach.get(code, 0) / n) if n else 0.0)
            for code in pains
        ]
        lines.append(tell("pains", items=join(items, language)))
    else:
        lines.append(tell("no_pains"))
    touchpoints = list(results.get("top_pain_touchpoints") or [])[:3]
    if touchpoints:
        lines.append(tell("touchpoints", items=join((names.get(t, t) for t in touchpoints), language)))
    agreement = results.get("agreement")
    if agreement and agreement.get("cohen_kappa") is not None:
        coders = join(agreement.get("coders", []), language)
        lines.append(tell("agreement", coders=coders, kappa=agreement["cohen_kappa"]))
    autocode = results.get("autocode")
    if autocode and autocode.get("precision") is not None:
        lines.append(tell("autocode", precision=autocode["precision"], recall=autocode["recall"]))
    return lines[:5]


def coding_names(data: CodingData, language: str | None = None) -> dict[str, str]:
    """Names of a coding report's codes and touchpoints in *language*, by id.

    They label the ids in :func:`coding_at_a_glance`.

    Parameters
    ----------
    data : CodingData
        The report's data (:func:`load_coding_data`).
    language : str, optional
        ``"zh"`` or ``"en"``; None is the report's language.

    Returns
    -------
    dict
        ``{code or touchpoint id: name}``.

    Examples
    --------
    >>> from research.study import load_study
    >>> coding_names(load_coding_data(load_study("sample")), "en")["hotline"]  # doctest: +SKIP
    'Hotline'
    """
    language = resolve_language(language)
    labels = {code.id: code.label(language) for code in data.codebook.codes}
    labels.update({t.id: data.study.touchpoint_label(t.id, language) for t in data.study.touchpoints})
    return labels
