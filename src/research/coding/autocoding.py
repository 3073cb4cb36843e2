"""Auto-coding: the codebook's keyword and regex rules as a first pass that coders confirm.

All keywords of all codes go into one Aho-Corasick automaton (``pyahocorasick``), matched on
lower-cased text. Latin keywords count only on word boundaries (``"ad"`` does not match inside
``"had"``); Chinese keywords only on jieba word boundaries (:class:`research.coding.tokens.TokenBoundaries`,
with the study's keywords, exclude keywords and touchpoint synonyms loaded first), so a keyword
never fires inside a longer word: ``质量`` not in "服务质量", ``不值`` not in "不值得推荐",
``设备`` not in "外接设备". Only the runs of Chinese text that hold a candidate match are
segmented, each once. A code's ``exclude_keywords`` are matched in the same pass: a match of
the code inside an exclude keyword's span does not count ("周围的朋友" for a location code
with the keyword 周围). All regex patterns go into one alternation of groups, compiled once,
case-insensitive. Every unit's text is scanned in one pass over the concatenated texts, so the
cost grows with the amount of text, not with the number of codes times the number of units
(see ``benchmarks/bench_autocode.py``).

Limits, by design of a single pass: the combined regex finds non-overlapping matches, so of two
patterns matching the same characters only the first (codebook order) is reported; keywords
report every occurrence, overlapping ones included.

Negation (optional): a match of a pain-point or delight code inside a negator's scope is
dropped or flagged, with the rules that sentiment uses (:func:`research.text.negation.negated`:
不/没/别/无/未/非/not/never ... up to the clause's end, degree words inside the scope, double
negation cancelling, and 没想到/不但/不仅 not negating): "送货不慢" and "价格不太贵" are not
complaints, "没想到送货慢成这样" is. Neutral codes are topics, which negation does not change
("没有早餐" is still about breakfast).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick
import numpy as np
import pandas as pd

from research.coding.agreement import POOLED
from research.coding.codebook import Codebook
from research.coding.tokens import TokenBoundaries, study_tokenizer
from research.errors import DataError
from research.io import require_columns
from research.text.negation import negated as _negated

SUGGESTION_COLUMNS = [
    "transcript_id",
    "unit_id",
    "start",
    "end",
    "code",
    "matched",
    "rule",
    "coder",
    "negated",
]
ATTRIBUTION_COLUMNS = ["transcript_id", "unit_id", "touchpoint", "stage", "start", "end", "matched"]

#: Valences whose meaning a negation turns around (a negated topic is still the topic).
NEGATABLE_VALENCES = ("pain_point", "delight")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SEPARATOR = "\n\n"  # between units in the concatenated text; no keyword contains it


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _lower_same_length(text: str) -> str:
    """Lower-case *text* without changing its length (offsets must stay valid)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@dataclass(frozen=True)
class Rule:
    """One matching rule: a keyword or a regex pattern of one code (or touchpoint)."""

    label: str  # code id or touchpoint id
    kind: str  # "keyword" | "pattern" | "exclude"
    language: str
    text: str

    @property
    def name(self) -> str:
        """``kind:language``, e.g. ``keyword:zh``."""
        return f"{self.kind}:{self.language}"


class RuleMatcher:
    r"""Keywords in one Aho-Corasick automaton plus patterns in one combined regex.

    Parameters
    ----------
    rules : iterable of Rule
        Keywords, patterns and exclude keywords (``kind="exclude"``: reported like keywords,
        never checked for word boundaries; the caller drops the matches they cover).
    words : TokenBoundaries, optional
        When given, a Chinese keyword counts only on word boundaries
        (:meth:`research.coding.tokens.TokenBoundaries.accepts`).

    Examples
    --------
    >>> m = RuleMatcher([Rule("wait", "keyword", "zh", "等了半天"), Rule("wait", "keyword", "en", "on hold"),
    ...                  Rule("ad", "keyword", "en", "ad"), Rule("wait", "pattern", "zh", r"等了\d+分钟")])
    >>> [(s, e, r.label, r.kind) for s, e, r in m.scan("I had been ON HOLD; 等了半天，等了40分钟")]
    [(11, 18, 'wait', 'keyword'), (20, 24, 'wait', 'keyword'), (25, 31, 'wait', 'pattern')]
    """

    def __init__(self, rules: Iterable[Rule], words: TokenBoundaries | None = None) -> None:
        self.rules = list(rules)
        self.words = words
        self._automaton: Any = None
        keyword_rules: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.kind in ("keyword", "exclude") and rule.text.strip():
                keyword_rules.setdefault(_lower_same_length(rule.text.strip()), []).append(rule)
        if keyword_rules:
            automaton = ahocorasick.Automaton()
            for keyword, rules_of_keyword in keyword_rules.items():
                automaton.add_word(
                    keyword,
                    (
                        len(keyword),
                        _is_word_char(keyword[0]),
                        _is_word_char(keyword[-1]),
                        words is not None and bool(_CJK.search(keyword)),
                        tuple(rules_of_keyword),
                    ),
                )
            automaton.make_automaton()
            self._automaton = automaton
        self._pattern_rules = [r for r in self.rules if r.kind == "pattern"]
        self._regex: re.Pattern[str] | None = None
        self._group_rule: dict[int, Rule] = {}
        if self._pattern_rules:
            parts, group = [], 1
            for rule in self._pattern_rules:
                try:
                    inner_groups = re.compile(rule.text).groups
                except re.error as exc:
                    raise DataError(
                        f"Invalid regex pattern of code {rule.label!r}: {exc}",
                        column=f"{rule.label}.patterns.{rule.language}",
                        value=rule.text,
                        hint="Fix the pattern in the codebook (Python regular expression syntax).",
                    ) from None
                parts.append(f"({rule.text})")
                self._group_rule[group] = rule
                group += 1 + inner_groups
            # Named groups of different patterns could clash; strip the names.
            combined = re.sub(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>", "(", "|".join(parts))
            self._regex = re.compile(combined, re.IGNORECASE)

    def scan(self, text: str) -> list[tuple[int, int, Rule]]:
        """All matches in *text* as ``(start, end, rule)``, sorted by position."""
        found: list[tuple[int, int, Rule]] = []
        if self._automaton is not None:
            lowered = _lower_same_length(text)
            size = len(text)
            for last, (length, check_left, check_right, check_words, rules) in self._automaton.iter(lowered):
                start, end = last - length + 1, last + 1
                if check_left and start > 0 and _is_word_char(lowered[start - 1]):
                    continue
                if check_right and end < size and _is_word_char(lowered[end]):
                    continue
                if check_words and not self.words.accepts(text, start, end):  # type: ignore[union-attr]
                    rules = tuple(rule for rule in rules if rule.kind == "exclude")
                found.extend((start, end, rule) for rule in rules)
        if self._regex is not None:
            for match in self._regex.finditer(text):
                if match.end() > match.start():
                    found.append((match.start(), match.end(), self._group_rule[match.lastindex or 1]))
        found.sort(key=lambda item: (item[0], item[1]))
        return found


def codebook_rules(codebook: Codebook) -> list[Rule]:
    """The keyword, exclude-keyword and pattern rules of every codable code, in codebook order."""
    rules = []
    for code in codebook.codes:
        if not code.codable:
            continue
        for language, words in (code.keywords or {}).items():
            rules += [Rule(code.id, "keyword", language, w) for w in words]
        for language, words in (code.exclude_keywords or {}).items():
            rules += [Rule(code.id, "exclude", language, w) for w in words]
        for language, patterns in (code.patterns or {}).items():
            rules += [Rule(code.id, "pattern", language, p) for p in patterns]
    return rules


def catalog_rules(study: Any) -> list[Rule]:
    """Touchpoint rules from the study catalog: names and synonyms in every language."""
    rules = []
    for touchpoint in study.touchpoints:
        words: dict[str, set[str]] = {}
        for language in ("zh", "en"):
            name = getattr(touchpoint.name, language, None)
            words.setdefault(language, set()).update([name] if name else [])
        for language, synonyms in touchpoint.synonyms.items():
            words.setdefault(language, set()).update(synonyms)
        for language in sorted(words):
            rules += [Rule(touchpoint.id, "keyword", language, w) for w in sorted(words[language])]
    return rules


def _scan_units(units: pd.DataFrame, matcher: RuleMatcher) -> list[tuple[int, int, int, Rule]]:
    """Matches as (unit position, start within unit text, end, rule), one pass over all text."""
    texts = units["text"].fillna("").astype(str).tolist()
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.concatenate([[0], np.cumsum(lengths + len(_SEPARATOR))[:-1]]) if len(texts) else lengths
    matches = matcher.scan(_SEPARATOR.join(texts))
    if not matches:
        return []
    starts = np.fromiter((m[0] for m in matches), dtype=np.int64, count=len(matches))
    positions = np.searchsorted(offsets, starts, side="right") - 1
    found = []
    for (start, end, rule), position in zip(matches, positions.tolist(), strict=True):
        local_start = start - int(offsets[position])
        local_end = end - int(offsets[position])
        if local_end <= lengths[position]:  # a regex match must not run into the next unit
            found.append((position, local_start, local_end, rule))
    return found


def _drop_excluded(matches: list[tuple[int, int, int, Rule]]) -> list[tuple[int, int, int, Rule]]:
    """Matches not covered by an exclude keyword of their own code in the same unit."""
    excluded: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for position, start, end, rule in matches:
        if rule.kind == "exclude":
            excluded.setdefault((position, rule.label), []).append((start, end))
    if not excluded:
        return matches
    return [
        (position, start, end, rule)
        for position, start, end, rule in matches
        if rule.kind != "exclude"
        and not any(s <= start and end <= e for s, e in excluded.get((position, rule.label), ()))
    ]


def _check_units(units: pd.DataFrame, *, file: Any = None) -> None:
    if not isinstance(units, pd.DataFrame):
        raise DataError(
            "Units must be a DataFrame",
            value=type(units).__name__,
            hint="Build it with research.coding.units_frame(transcripts).",
        )
    require_columns(units, ["transcript_id", "unit_id", "start", "text"], file=file)


def autocode(
    data: pd.DataFrame,
    codebook: Codebook,
    study: Any = None,
    negation: bool | str = False,
    word_boundaries: bool = True,
) -> pd.DataFrame:
    """Suggest codings from the codebook's keywords and regex patterns.

    Parameters
    ----------
    data : DataFrame
        Coding units from :func:`research.coding.units_frame` (``transcript_id, unit_id, start,
        text`` are used; ``start`` is the unit's offset in its transcript).
    codebook : Codebook
        Keywords and patterns per language of each codable code.
    study : Study, optional
        When given, each suggestion also gets the ``touchpoint`` (of the code's linked
        touchpoints, the one named in the unit, else the first) and that touchpoint's ``stage``.
    negation : bool or {"flag", "drop"}
        ``False`` (default): no negation check. ``True`` or ``"drop"``: drop matches of
        pain-point and delight codes inside a negator's scope
        (:func:`research.text.negation.negated`). ``"flag"``: keep them with ``negated=True``.
    word_boundaries : bool
        ``True`` (default): Chinese keywords count only on jieba word boundaries (the study's
        and codebook's words loaded first). ``False``: anywhere in the text (substring
        matching, as before; for comparison).

    Returns
    -------
    DataFrame
        Suggested codings, one row per match: ``transcript_id, unit_id, start, end`` (absolute
        code-point offsets into the transcript, end exclusive), ``code``, ``matched`` (the
        matched text), ``rule`` (``"keyword:zh"``, ``"pattern:en"``, ...), ``coder="auto"``,
        ``negated``; sorted by unit and position.

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("hotline_wait", None, {"en": "Long wait"}, valence="pain_point",
    ...                     keywords={"zh": ["等很久"], "en": ["on hold"]})])
    >>> units = pd.DataFrame({"transcript_id": ["t1", "t1"], "unit_id": ["t1-T002", "t1-T004"],
    ...                       "start": [10, 40], "text": ["打热线等很久。", "This time I was not on hold."]})
    >>> autocode(units, cb, negation="flag")[["unit_id", "start", "end", "matched", "negated"]]
       unit_id  start  end matched  negated
    0  t1-T002     13   16     等很久    False
    1  t1-T004     60   67  on hold     True

    Words, exclude keywords and negation in Chinese reviews:

    >>> cb = Codebook([
    ...     Code("quality", None, {"en": "Quality"}, valence="pain_point", keywords={"zh": ["质量"]}),
    ...     Code("delivery_slow", None, {"en": "Slow"}, valence="pain_point", keywords={"zh": ["慢"]}),
    ...     Code("location", None, {"en": "Location"}, keywords={"zh": ["周围"]},
    ...          exclude_keywords={"zh": ["周围的朋友"]})])
    >>> units = pd.DataFrame({"transcript_id": ["r1"] * 4, "unit_id": ["r1", "r2", "r3", "r4"],
    ...     "start": [0, 0, 0, 0], "text": ["服务质量很差，质量还行", "送货不慢", "没想到送货慢成这样",
    ...                                      "周围的朋友都推荐，周围很安静"]})
    >>> autocode(units, cb, negation=True)[["unit_id", "start", "code", "matched"]]
      unit_id  start           code matched
    0      r1      7        quality      质量
    1      r3      5  delivery_slow       慢
    2      r4      9       location      周围
    """
    _check_units(data)
    if negation not in (False, True, "flag", "drop"):
        raise DataError(
            "Unknown negation mode",
            column="negation",
            value=negation,
            hint='Use False, True/"drop" or "flag".',
        )
    words = TokenBoundaries(study_tokenizer(study, codebook)) if word_boundaries else None
    matches = _drop_excluded(_scan_units(data, RuleMatcher(codebook_rules(codebook), words)))
    texts = data["text"].fillna("").astype(str).tolist()
    unit_starts = data["start"].to_numpy()
    valenced = {c.id for c in codebook.codes if c.valence in NEGATABLE_VALENCES}
    rows = []
    for position, start, end, rule in matches:
        negated = (
            bool(negation) and rule.label in valenced and _negated(texts[position], start, end, rule.language)
        )
        if negated and negation in (True, "drop"):
            continue
        offset = int(unit_starts[position])
        rows.append(
            (
                position,
                offset + start,
                offset + end,
                rule.label,
                texts[position][start:end],
                rule.name,
                negated,
            )
        )
    frame = pd.DataFrame(rows, columns=["position", "start", "end", "code", "matched", "rule", "negated"])
    frame = frame.drop_duplicates(["position", "start", "end", "code"]).astype(
        {"position": "int64", "negated": bool}
    )
    frame.insert(0, "transcript_id", data["transcript_id"].to_numpy()[frame["position"].to_numpy()])
    frame.insert(1, "unit_id", data["unit_id"].to_numpy()[frame["position"].to_numpy()])
    frame["coder"] = "auto"
    frame = frame.sort_values(["position", "start", "end", "code"], kind="stable")
    if study is not None:
        frame = _add_touchpoints(frame, data, codebook, study)
    columns = SUGGESTION_COLUMNS + (["touchpoint", "stage"] if study is not None else [])
    return frame[columns].reset_index(drop=True).astype({"start": "int64", "end": "int64"})


def _add_touchpoints(
    frame: pd.DataFrame, units: pd.DataFrame, codebook: Codebook, study: Any
) -> pd.DataFrame:
    mentioned = attribute_touchpoints(units, study).groupby("unit_id")["touchpoint"].agg(set).to_dict()
    stage_of = {t.id: t.stage for t in study.touchpoints}
    chosen = []
    for unit_id, code_id in zip(frame["unit_id"], frame["code"], strict=True):
        linked = list(codebook.code(code_id).touchpoints)
        named = [t for t in linked if t in mentioned.get(unit_id, set())]
        chosen.append(next(iter(named or linked), None))
    frame = frame.copy()
    frame["touchpoint"] = chosen
    frame["stage"] = [stage_of.get(t) if t else None for t in chosen]
    return frame


def attribute_touchpoints(data: pd.DataFrame, study: Any) -> pd.DataFrame:
    """Which touchpoints each unit names, from the catalog's names and synonyms.

    Overlapping mentions keep the longest (``"网络广告"`` is the online ads touchpoint, not also
    the ``"广告"`` of outdoor ads).

    Returns
    -------
    DataFrame
        ``transcript_id, unit_id, touchpoint, stage, start, end, matched``: one row per mention
        (absolute offsets), in unit order.

    Examples
    --------
    >>> from research import load_study
    >>> units = pd.DataFrame({"transcript_id": ["t1"], "unit_id": ["t1-T002"], "start": [0],
    ...                       "text": ["打10086等了半天，后来在App上办了"]})
    >>> attribute_touchpoints(units, load_study("sample"))[["touchpoint", "stage", "matched"]]
      touchpoint        stage matched
    0    hotline  after-sales   10086
    1        app     purchase     App
    """
    _check_units(data)
    words = TokenBoundaries(study_tokenizer(study))
    matches = _scan_units(data, RuleMatcher(catalog_rules(study), words))
    stage_of = {t.id: t.stage for t in study.touchpoints}
    texts = data["text"].fillna("").astype(str).tolist()
    unit_starts = data["start"].to_numpy()
    rows = []
    by_unit: dict[int, list[tuple[int, int, Rule]]] = {}
    for position, start, end, rule in matches:
        by_unit.setdefault(position, []).append((start, end, rule))
    for position in sorted(by_unit):
        for start, end, rule in _longest_first(by_unit[position]):
            offset = int(unit_starts[position])
            rows.append(
                (
                    data["transcript_id"].iat[position],
                    data["unit_id"].iat[position],
                    rule.label,
                    stage_of[rule.label],
                    offset + start,
                    offset + end,
                    texts[position][start:end],
                )
            )
    frame = pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
    return frame.drop_duplicates(["unit_id", "touchpoint", "start"]).reset_index(drop=True)


def _longest_first(matches: Sequence[tuple[int, int, Rule]]) -> list[tuple[int, int, Rule]]:
    kept: list[tuple[int, int, Rule]] = []
    for start, end, rule in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in kept):
            kept.append((start, end, rule))
    return sorted(kept, key=lambda m: (m[0], m[1]))


def autocode_performance(data: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of auto-coding against a human coding, at the unit level.

    A suggestion is right when the reference coder applied the same code to the same unit.

    Parameters
    ----------
    data : DataFrame
        From :func:`autocode` (``unit_id, code``).
    reference : DataFrame
        The human coding mapped to units (``unit_id, code``), e.g. from
        :func:`research.coding.codings_to_units`; restrict it to the transcripts that were
        auto-coded.

    Returns
    -------
    DataFrame
        One row per code plus ``"overall"`` (micro-averaged): ``code, suggested, reference,
        true_positive, precision, recall, f1`` (proportions 0..1; NaN when undefined: precision
        without suggestions, recall without reference codings, f1 without either).

    Examples
    --------
    >>> s = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "code": ["wait", "wait", "bill"]})
    >>> r = pd.DataFrame({"unit_id": ["u1", "u3", "u4"], "code": ["wait", "bill", "bill"]})
    >>> autocode_performance(s, r)[["code", "true_positive", "precision", "recall"]].round(3)
          code  true_positive  precision  recall
    0     bill              1      1.000   0.500
    1     wait              1      0.500   1.000
    2  overall              2      0.667   0.667
    """
    suggested = data[["unit_id", "code"]].drop_duplicates()
    truth = reference[["unit_id", "code"]].drop_duplicates()
    hits = suggested.merge(truth, on=["unit_id", "code"])
    codes = sorted(set(suggested["code"]) | set(truth["code"]))
    table = pd.DataFrame({"code": codes})
    table["suggested"] = table["code"].map(suggested["code"].value_counts()).fillna(0).astype(int)
    table["reference"] = table["code"].map(truth["code"].value_counts()).fillna(0).astype(int)
    table["true_positive"] = table["code"].map(hits["code"].value_counts()).fillna(0).astype(int)
    overall = pd.DataFrame(
        {
            "code": [POOLED],
            "suggested": [len(suggested)],
            "reference": [len(truth)],
            "true_positive": [len(hits)],
        }
    )
    table = pd.concat([table, overall], ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["precision"] = table["true_positive"] / table["suggested"].replace(0, np.nan)
        table["recall"] = table["true_positive"] / table["reference"].replace(0, np.nan)
        # 2TP / (2TP + FP + FN): 0, not NaN, when nothing suggested was right (precision = recall = 0).
        either = (table["suggested"] + table["reference"]).replace(0, np.nan)
        table["f1"] = 2 * table["true_positive"] / either
    return table
