"""What the coded interviews say.

Code frequencies, crosstabs, co-occurrence, pain-point ranking and representative quotes.

Everything works on codings mapped to coding units (``transcript_id, unit_id, code``, e.g. from
:func:`research.coding.codings_to_units`): a *mention* is one unit coded with the code (a code
applied twice inside one unit counts once), a *respondent* is one transcript (one interview per
respondent). Restrict the input to one coder (the reference coding) before calling.

Pain-point ranking (:func:`pain_point_ranking`), per code or per touchpoint::

    reach       = respondents mentioning it / all respondents            (0..1)
    frequency   = mentions / respondents mentioning it                   (mentions per mentioner)
    negativity  = share of its units the sentiment suggestion labels negative (0..1), or, without
                  sentiment, 1 for pain-point codes, 0.5 neutral, 0 delight
    score       = reach x frequency x negativity  (= negative mentions per respondent)

so a pain point ranks high when many respondents raise it, raise it repeatedly, and raise it
negatively. The same decomposition (share of customers affected x intensity) is the usual
prioritisation logic of pain-point analysis in CX practice; the factors are reported so readers
can see which one drives a rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from research.errors import DataError, NotApplicable
from research.io import require_columns
from research.privacy import redact
from research.wording import resolve_language

VALENCE_NEGATIVITY = {"pain_point": 1.0, "neutral": 0.5, "delight": 0.0}


def _coded(coded_units: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(coded_units, pd.DataFrame):
        raise DataError(
            "Codings must be a DataFrame",
            value=type(coded_units).__name__,
            hint="Map spans to units with research.coding.codings_to_units(codings, units).",
        )
    require_columns(coded_units, ["transcript_id", "unit_id", "code"], file=None)
    if "coder" in coded_units and coded_units["coder"].nunique() > 1:
        raise DataError(
            "Codings of several coders mixed",
            column="coder",
            value=sorted(coded_units["coder"].unique()),
            hint="Analyse one coder's (reference) coding: keep one coder's rows first.",
        )
    return coded_units[["transcript_id", "unit_id", "code"]].drop_duplicates()


def _n_respondents(coded: pd.DataFrame, respondents: int | Iterable[str] | None) -> int:
    if respondents is None:
        return int(coded["transcript_id"].nunique())
    if isinstance(respondents, int | np.integer):
        return int(respondents)
    return len(set(respondents))


def _code_info(codebook: Any, codes: Iterable[str], language: str) -> pd.DataFrame:
    rows = []
    for code_id in codes:
        code = codebook.code(code_id)
        theme = codebook.ancestors(code_id)
        rows.append((code_id, code.label(language), theme[-1] if theme else None, code.valence))
    return pd.DataFrame(rows, columns=["code", "name", "theme", "valence"])


def _listed_codes(codebook: Any, coded: pd.DataFrame, codes: Iterable[str] | None) -> list[str]:
    """*codes*, or every codable code of the codebook followed by any other code applied."""
    if codes is not None:
        return list(dict.fromkeys(codes))
    listed = list(codebook.codable_ids)
    return listed + sorted(set(coded["code"]) - set(listed))


def code_frequencies(
    data: pd.DataFrame,
    codebook: Any,
    respondents: int | Iterable[str] | None = None,
    language: str | None = None,
    codes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Mentions and distinct respondents per code, codes nobody mentioned included (zeros).

    Parameters
    ----------
    data : DataFrame
        One coder's codings mapped to units (``transcript_id, unit_id, code``).
    codebook : Codebook
    respondents : int or iterable of ids, optional
        All respondents (the base of ``reach``); default: those in *data*.
    language : {"zh", "en"}, optional
        Language of the ``name`` column. None is the report's language.
    codes : iterable of str, optional
        Codes to list; default every codable code of the codebook (a code with no mention gets
        a row of zeros: that nobody raised it is a finding too).

    Returns
    -------
    DataFrame
        ``code, name, theme, valence, mentions`` (coded units), ``respondents`` (transcripts
        with the code), ``reach`` (respondents / all respondents, 0..1), ``frequency`` (mentions
        per mentioning respondent, 0 without mentions); most mentioned first.

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("wait", None, {"en": "Long wait"}, valence="pain_point")])
    >>> coded = pd.DataFrame({"transcript_id": ["r1", "r1", "r2"], "unit_id": ["r1-1", "r1-2", "r2-1"],
    ...                       "code": ["wait"] * 3})
    >>> code_frequencies(coded, cb, respondents=4)[["code", "mentions", "respondents", "reach", "frequency"]]
       code  mentions  respondents  reach  frequency
    0  wait         3            2    0.5        1.5
    >>> code_frequencies(coded.iloc[:0], cb, respondents=4)[["code", "mentions", "reach", "frequency"]]
       code  mentions  reach  frequency
    0  wait         0    0.0        0.0
    """
    language = resolve_language(language)
    coded = _coded(data)
    n = _n_respondents(coded, respondents)
    listed = _listed_codes(codebook, coded, codes)
    stats = coded.groupby("code").agg(mentions=("unit_id", "size"), respondents=("transcript_id", "nunique"))
    stats = stats.reindex(listed, fill_value=0).astype("int64")
    stats.index.name = "code"
    table = _code_info(codebook, listed, language).merge(stats.reset_index(), on="code")
    table["reach"] = table["respondents"] / n if n else 0.0
    mentioning = table["respondents"].where(table["respondents"] > 0)
    table["frequency"] = (table["mentions"] / mentioning).fillna(0.0)
    table = table.sort_values(
        ["mentions", "respondents", "code"], ascending=[False, False, True], kind="stable"
    )
    return table.reset_index(drop=True)


def code_crosstab(
    data: pd.DataFrame,
    codebook: Any,
    by: str = "touchpoint",
    attribution: pd.DataFrame | None = None,
    categories: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Mentions of each code by touchpoint or journey stage (codes x categories counts).

    Parameters
    ----------
    by : {"touchpoint", "stage"}
        Touchpoints and stages come from the codebook's links of each code; with
        *attribution* (from :func:`research.coding.attribute_touchpoints`) a mention counts for
        the touchpoints (stages) its unit actually names instead.
    categories : iterable of str, optional
        Columns to show, in this order (e.g. ``study.stages``); missing ones are zero.

    Returns
    -------
    DataFrame
        Index ``code``, one column per touchpoint or stage (stages in journey order as listed
        in the codebook), mention counts; a mention linked to two touchpoints counts in both.

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("wait", None, {"en": "Wait"}, touchpoints=("hotline",), stages=("after-sales",)),
    ...                Code("queue", None, {"en": "Queue"}, touchpoints=("store",), stages=("purchase",))])
    >>> coded = pd.DataFrame({"transcript_id": ["r1", "r1", "r2"], "unit_id": ["a", "b", "c"],
    ...                       "code": ["wait", "queue", "wait"]})
    >>> code_crosstab(coded, cb, by="stage")
    stage  after-sales  purchase
    code
    queue            0         1
    wait             2         0
    """
    coded = _coded(data)
    if by not in ("touchpoint", "stage"):
        raise DataError(
            "Unknown crosstab dimension",
            column="by",
            value=by,
            hint='Use "touchpoint" or "stage"; for segments use code_by_segment().',
        )
    if attribution is not None:
        require_columns(attribution, ["unit_id", "touchpoint", "stage"], file=None)
        links = coded.merge(attribution[["unit_id", by]].drop_duplicates(), on="unit_id")
    else:
        attribute = "touchpoints" if by == "touchpoint" else "stages"
        pairs = [(c.id, value) for c in codebook.codes for value in getattr(c, attribute)]
        links = coded.merge(pd.DataFrame(pairs, columns=["code", by]), on="code")
    table = pd.crosstab(links["code"], links[by])
    if categories is not None:
        table = table.reindex(columns=list(categories), fill_value=0)
    table.columns.name = by
    return table


def code_by_segment(
    data: pd.DataFrame, cases: pd.DataFrame, segment: str, codes: Iterable[str] | None = None
) -> pd.DataFrame:
    """Reach of each code within each segment of the respondents.

    Parameters
    ----------
    cases : DataFrame
        The respondent table indexed by ``transcript_id`` (:func:`research.coding.load_cases`).
    segment : str
        A column of *cases* (a segment such as a customer group).

    Returns
    -------
    DataFrame
        ``code, <segment>, respondents`` (mentioning), ``n`` (segment size), ``reach`` (0..1);
        every code x segment combination, zeros included.

    Examples
    --------
    >>> cases = pd.DataFrame({"tier": ["gold", "gold", "standard"]}, index=pd.Index(["r1", "r2", "r3"],
    ...                      name="transcript_id"))
    >>> coded = pd.DataFrame({"transcript_id": ["r1", "r3"], "unit_id": ["a", "b"], "code": ["wait", "wait"]})
    >>> code_by_segment(coded, cases, "tier")
       code      tier  respondents  n  reach
    0  wait      gold            1  2    0.5
    1  wait  standard            1  1    1.0
    """
    coded = _coded(data)
    if segment not in cases.columns:
        raise DataError(
            "Unknown segment column", column=segment, hint=f"The respondent table has {list(cases.columns)}."
        )
    segments = cases[segment].astype(str)
    sizes = segments.value_counts()
    mentioning = coded[["transcript_id", "code"]].drop_duplicates()
    mentioning = mentioning.assign(**{segment: mentioning["transcript_id"].map(segments)})
    counts = mentioning.groupby(["code", segment]).size()
    code_list = sorted(set(codes) if codes is not None else set(coded["code"]))
    grid = pd.MultiIndex.from_product([code_list, sorted(sizes.index)], names=["code", segment])
    table = counts.reindex(grid, fill_value=0).rename("respondents").reset_index()
    table["n"] = table[segment].map(sizes).astype("int64")
    table["reach"] = table["respondents"] / table["n"]
    return table


@dataclass
class Cooccurrence:
    """Co-occurrence of codes.

    ``counts`` (square, diagonal = units or transcripts with the code) and ``jaccard``
    (|A and B| / |A or B|, 0..1, diagonal 1); ``level`` says what was counted.
    """

    counts: pd.DataFrame
    jaccard: pd.DataFrame
    level: str

    def pairs(self) -> pd.DataFrame:
        """Tidy list of code pairs (each once): ``code_a, code_b, count, jaccard``, largest first."""
        codes = list(self.counts.index)
        rows = [
            (a, b, int(self.counts.loc[a, b]), float(self.jaccard.loc[a, b]))
            for i, a in enumerate(codes)
            for b in codes[i + 1 :]
            if self.counts.loc[a, b] > 0
        ]
        frame = pd.DataFrame(rows, columns=["code_a", "code_b", "count", "jaccard"])
        return frame.sort_values(
            ["count", "jaccard", "code_a", "code_b"], ascending=[False, False, True, True], kind="stable"
        ).reset_index(drop=True)


def cooccurrence(data: pd.DataFrame, level: str = "unit", codes: Iterable[str] | None = None) -> Cooccurrence:
    """How often two codes are applied to the same unit (or the same transcript).

    Parameters
    ----------
    level : {"unit", "transcript"}
        ``"unit"``: both codes on the same coding unit (told in the same breath);
        ``"transcript"``: both codes somewhere in the same interview.
    codes : iterable of str, optional
        Restrict (and order) the matrix to these codes.

    Examples
    --------
    >>> coded = pd.DataFrame({"transcript_id": ["r1", "r1", "r1", "r2"], "unit_id": ["a", "a", "b", "c"],
    ...                       "code": ["wait", "complaint", "wait", "wait"]})
    >>> result = cooccurrence(coded)
    >>> result.counts
    code       complaint  wait
    code
    complaint          1     1
    wait               1     3
    >>> float(result.jaccard.loc["wait", "complaint"])
    0.3333333333333333
    """
    coded = _coded(data)
    if level not in ("unit", "transcript"):
        raise DataError(
            "Unknown co-occurrence level", column="level", value=level, hint='Use "unit" or "transcript".'
        )
    key = "unit_id" if level == "unit" else "transcript_id"
    incidence = (pd.crosstab(coded[key], coded["code"]) > 0).astype("int64")
    if codes is not None:
        incidence = incidence.reindex(columns=list(codes), fill_value=0)
    matrix = incidence.T @ incidence
    matrix.index.name = matrix.columns.name = "code"
    present = np.diag(matrix.to_numpy())
    union = present[:, None] + present[None, :] - matrix.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, matrix.to_numpy() / np.where(union > 0, union, 1), 0.0)
    return Cooccurrence(matrix, pd.DataFrame(jaccard, index=matrix.index, columns=matrix.columns), level)


def _negativity(units: pd.DataFrame, sentiment: pd.DataFrame | None, valence: str) -> float:
    if sentiment is None:
        return VALENCE_NEGATIVITY.get(valence, 0.5)
    labels = units["unit_id"].map(sentiment.drop_duplicates("unit_id").set_index("unit_id")["label"])
    labels = labels.dropna()
    return float((labels == "negative").mean()) if len(labels) else VALENCE_NEGATIVITY.get(valence, 0.5)


def pain_point_ranking(
    data: pd.DataFrame,
    codebook: Any,
    respondents: int | Iterable[str] | None = None,
    sentiment: pd.DataFrame | None = None,
    by: str = "code",
    valence: Iterable[str] = ("pain_point",),
    language: str | None = None,
    study: Any = None,
) -> pd.DataFrame:
    """Rank pain points by reach x frequency x negativity (formula in the module docstring).

    Parameters
    ----------
    data : DataFrame
        One coder's codings mapped to units.
    codebook : Codebook
    respondents : int or iterable of ids, optional
        All respondents (base of reach); default: those in *data*.
    sentiment : DataFrame, optional
        From :func:`research.coding.unit_sentiment` (``unit_id, label``); without it negativity
        follows the codes' valence.
    by : {"code", "touchpoint"}
        Rank codes, or touchpoints (a unit counts once for each touchpoint linked to one of its
        codes of the chosen valence).
    valence : iterable of str
        Which codes take part (default pain points only).
    language : {"zh", "en"}, optional
        Language of the ``name`` column. None is the report's language.
    study : Study, optional
        Names touchpoints by the catalog (else the id is the name).

    Returns
    -------
    DataFrame
        ``rank, code`` (or ``touchpoint``), ``name, respondents, reach, mentions, frequency,
        negativity, score``; highest score first (ties: more respondents, then id). Every
        codable code of the chosen valence (every touchpoint linked to one) has a row: one
        nobody mentioned has zeros and negativity NaN, and ranks last.

    Raises
    ------
    NotApplicable
        ``by="touchpoint"`` and no code of the chosen valence names a touchpoint.

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("wait", None, {"en": "Wait"}, valence="pain_point", touchpoints=("hotline",)),
    ...                Code("bill", None, {"en": "Bill"}, valence="pain_point", touchpoints=("bill",))])
    >>> coded = pd.DataFrame({"transcript_id": ["r1", "r1", "r2", "r3"], "unit_id": ["a", "b", "c", "d"],
    ...                       "code": ["wait", "wait", "wait", "bill"]})
    >>> pain_point_ranking(coded, cb, respondents=4)[["rank", "code", "reach", "frequency", "score"]]
       rank  code  reach  frequency  score
    0     1  wait   0.50        1.5   0.75
    1     2  bill   0.25        1.0   0.25
    """
    language = resolve_language(language)
    coded = _coded(data)
    n = _n_respondents(coded, respondents)
    wanted = set(valence)
    for code_id in set(coded["code"]):
        codebook.code(code_id)  # unknown codes raise DataError
    coded = coded[coded["code"].isin([c.id for c in codebook.codes if c.valence in wanted])]
    chosen = [c for c in codebook.codes if c.codable and c.valence in wanted]
    if by == "code":
        coded = coded.assign(item=coded["code"])
        items = [c.id for c in chosen]
    elif by == "touchpoint":
        pairs = [(c.id, t) for c in codebook.codes if c.valence in wanted for t in c.touchpoints]
        if not pairs:
            raise NotApplicable(
                "No code of the codebook names a touchpoint, so pain points cannot be ranked by touchpoint.",
                "List the touchpoints a code is about under touchpoints: of the code in the codebook.",
            )
        coded = coded.merge(pd.DataFrame(pairs, columns=["code", "item"]), on="code")
        coded = coded.drop_duplicates(["unit_id", "item"])
        items = list(dict.fromkeys(t for _, t in pairs))
    else:
        raise DataError("Unknown ranking level", column="by", value=by, hint='Use "code" or "touchpoint".')
    groups = dict(tuple(coded.groupby("item")))
    rows = []
    for item in items + sorted(set(groups) - set(items)):
        units = groups.get(item, coded.iloc[:0])
        mentioning = units["transcript_id"].nunique()
        if by == "code":
            code = codebook.code(item)
            name, item_valence = code.label(language), code.valence
        else:
            name = study.touchpoint_label(item, language) if study is not None else item
            item_valence = "pain_point" if "pain_point" in wanted else sorted(wanted)[0]
        if not mentioning:
            rows.append((item, name, 0, 0.0, 0, 0.0, float("nan"), 0.0))
            continue
        negativity = _negativity(units, sentiment, item_valence)
        reach, frequency = mentioning / n, len(units) / mentioning
        rows.append(
            (item, name, mentioning, reach, len(units), frequency, negativity, reach * frequency * negativity)
        )
    table = pd.DataFrame(
        rows, columns=[by, "name", "respondents", "reach", "mentions", "frequency", "negativity", "score"]
    )
    table = table.sort_values(["score", "respondents", by], ascending=[False, False, True], kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def representative_quotes(
    data: pd.DataFrame,
    transcripts: Iterable[Any] | Mapping[str, str],
    codebook: Any,
    codes: Iterable[str] | None = None,
    n: int = 2,
    names: Iterable[str] = (),
    max_chars: int = 120,
    language: str | None = None,
) -> pd.DataFrame:
    """The most typical coded passages of each code, redacted.

    Typical means: most of the code's keywords (any language) in the passage, then a length
    closest to the median length of the code's passages; ties broken by transcript and position,
    so the choice is deterministic. Identical passages are shown once.

    Parameters
    ----------
    data : DataFrame
        One coder's codings, long form with spans (``transcript_id, start, end, code``).
    transcripts : list of Transcript, or mapping id -> text
        The texts the spans point into.
    names : iterable of str
        Extra names to mask (study.yml ``coding.redact_names``).
    max_chars : int
        Longer passages are cut with "…".

    Returns
    -------
    DataFrame
        ``code, name, rank, transcript_id, start, end, quote``; quotes pass through
        :func:`research.privacy.redact` (phones, e-mails, IDs, cards, names masked). Display it as
        a DataFrame (escaped) - never as raw HTML.

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("wait", None, {"en": "Wait"}, keywords={"en": ["on hold"]})])
    >>> texts = {"r1": "A: I was on hold. Call 13812345678: on hold, then on hold again!"}
    >>> codings = pd.DataFrame({"transcript_id": ["r1", "r1"], "start": [3, 18], "end": [17, 64],
    ...                         "code": ["wait", "wait"]})
    >>> representative_quotes(codings, texts, cb, n=1)["quote"].tolist()
    ['Call [phone]: on hold, then on hold again!']
    """
    language = resolve_language(language)
    require_columns(data, ["transcript_id", "start", "end", "code"], file=None)
    if isinstance(transcripts, Mapping):
        text_of = dict(transcripts)
    else:
        text_of = {t.id: t.text for t in cast(Iterable[Any], transcripts)}
    names = tuple(names)
    wanted = list(codes) if codes is not None else sorted(data["code"].unique())
    rows = []
    for code_id in wanted:
        code = codebook.code(code_id)
        keywords = [k.lower() for words in (code.keywords or {}).values() for k in words]
        spans = data.loc[data["code"] == code_id, ["transcript_id", "start", "end"]].drop_duplicates()
        candidates = []
        for tid, start, end in spans.itertuples(index=False):
            if tid not in text_of:
                raise DataError(
                    "Coding points to an unknown transcript",
                    column="transcript_id",
                    value=tid,
                    hint="Pass the transcripts the codings were made on.",
                )
            passage = text_of[tid][int(start) : int(end)].strip()
            hits = sum(passage.lower().count(k) for k in keywords)
            candidates.append((passage, hits, tid, int(start), int(end)))
        if not candidates:
            continue
        median = float(np.median([len(c[0]) for c in candidates]))
        candidates.sort(key=lambda c: (-c[1], abs(len(c[0]) - median), c[2], c[3]))
        seen: list[str] = []
        for passage, _, tid, start, end in candidates:
            if any(passage in other or other in passage for other in seen):
                continue  # the same sentence again (perhaps with a lead-in word)
            seen.append(passage)
            quote = redact(passage, names)
            if len(quote) > max_chars:
                quote = quote[: max_chars - 1] + "…"
            rows.append((code_id, code.label(language), len(seen), tid, start, end, quote))
            if len(seen) == n:
                break
    return pd.DataFrame(rows, columns=["code", "name", "rank", "transcript_id", "start", "end", "quote"])
