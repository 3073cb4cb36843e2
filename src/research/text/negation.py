"""Negation scope, degree words and contrast clauses for Chinese and English customer text.

One module for every text helper that must know whether a word is negated: the sentiment scorer
(:mod:`research.coding.sentiment`) and keyword auto-coding (:mod:`research.coding.autocoding`)
apply the same rules.

Rules (transparent, character based, no segmentation needed):

- **Negators** (:data:`NEGATORS_ZH`, :data:`NEGATORS_EN`): 不 没 没有 别 无 未 非 不是 并不 从不
  毫无 ... and not / no / never / n't ... A negator's **scope** runs from its end to the first
  clause boundary (，。！？；… and ``, . ; ! ?``), contrast word (:data:`CONTRAST_ZH`) or
  "而是"/"就是", and at most :data:`SCOPE_ZH_CHARS` characters (Chinese) or
  :data:`SCOPE_EN_WORDS` words (English).
- **Not negators**: words that merely contain a negator character (:data:`NOT_NEGATION_ZH`):
  不但, 不仅, 不过, 不错, 没想到 ("没想到送货慢成这样" is a complaint about slow delivery),
  特别, 非常, 无论, 未来 ... and English "not only", "no doubt".
- **Double negation cancels**: a span under an even number of negators ("不是不好",
  "没有不满意") is not negated. Only negators that end at or before the span's start count, so
  a keyword that holds its own negator ("不满意") is negated only by another one before it.
- **Degree words** (:data:`DEGREE_ZH`, :data:`DEGREE_EN`) carry an intensity multiplier; they
  do not break a scope ("不太贵" negates 贵).
- **Contrast** (:func:`clauses`): text is split into clauses at clause marks and before contrast
  words (但是, 不过, 可是, 然而, but, however ...); the clause that starts with a contrast word
  and the clauses after it in the same sentence weigh :data:`AFTER_CONTRAST_WEIGHT`, a clause
  opened by a concessive (虽然, 尽管, although) weighs :data:`CONCESSIVE_WEIGHT`, others 1.

References: the rules follow the negation/degree/contrast handling of lexicon classifiers such
as pysenti's ``RuleClassifier`` (Apache-2.0) and VADER (Hutto & Gilbert 2014), with the scope
limited to the clause as in Councill, McDonald & Velikovich (2010), "What's great and what's
not: learning to classify the scope of negation for improved sentiment analysis".
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any

#: Chinese negators, longest first where one contains another.
NEGATORS_ZH: tuple[str, ...] = (
    "一点都不",
    "一点也不",
    "一点儿也不",
    "根本不",
    "根本没",
    "并没有",
    "从来没有",
    "从来不",
    "没有",
    "不是",
    "并不",
    "并没",
    "并非",
    "从不",
    "从没",
    "毫无",
    "毫不",
    "绝不",
    "决不",
    "不用",
    "不需要",
    "不必",
    "无需",
    "无须",
    "不要",
    "不会",
    "不能",
    "不够",
    "无法",
    "未曾",
    "未能",
    "别再",
    "甭",
    "勿",
    "不",
    "没",
    "别",
    "无",
    "未",
    "非",
)
#: English negators (whole words; "n't" as a word ending).
NEGATORS_EN: tuple[str, ...] = (
    "not",
    "no",
    "never",
    "n't",
    "without",
    "hardly",
    "barely",
    "nothing",
    "nobody",
    "none",
    "neither",
    "nor",
    "cannot",
    "cant",
    "dont",
    "didnt",
    "isnt",
    "wasnt",
    "wont",
)
#: Negators of both languages.
NEGATORS: tuple[str, ...] = NEGATORS_ZH + NEGATORS_EN

#: Words that contain a negator character but do not negate what follows.
NOT_NEGATION_ZH: tuple[str, ...] = (
    "不但",
    "不仅",
    "不光",
    "不单",
    "不只",
    "不过",
    "不错",
    "不少",
    "不同",
    "不久",
    "不断",
    "不管",
    "不论",
    "不得不",
    "不然",
    "不禁",
    "不停",
    "不时",
    "不住",
    "不免",
    "不妨",
    "不料",
    "不由得",
    "不一会",
    "不愧",
    "不亦乐乎",
    "差不多",
    "了不起",
    "不得了",
    "忍不住",
    "怪不得",
    "恨不得",
    "要不然",
    "要不",
    "不如说",
    "没想到",
    "没料到",
    "想不到",
    "意想不到",
    "说不定",
    "少不了",
    "免不了",
    "禁不住",
    "没多久",
    "没过多久",
    "没几天",
    "特别",
    "别人",
    "别的",
    "别处",
    "别家",
    "别说",
    "区别",
    "分别",
    "差别",
    "级别",
    "类别",
    "告别",
    "识别",
    "个别",
    "性别",
    "派别",
    "别致",
    "别墅",
    "辨别",
    "鉴别",
    "离别",
    "别提",
    "无论",
    "无聊",
    "无奈",
    "无语",
    "无敌",
    "无限",
    "无比",
    "无疑",
    "无数",
    "无非",
    "无线",
    "无所谓",
    "无微不至",
    "无可挑剔",
    "无与伦比",
    "无懈可击",
    "无人机",
    "无锡",
    "非常",
    "非凡",
    "非得",
    "非要",
    "是非",
    "除非",
    "莫非",
    "无非",
    "非洲",
    "未来",
    "未免",
    "未必然",
)
#: English phrases that start with a negator but do not negate what follows.
NOT_NEGATION_EN: tuple[str, ...] = ("not only", "not just", "no doubt", "no wonder", "never mind")

#: Degree words and their intensity multipliers (after HowNet's degree levels as used by pysenti).
DEGREE_ZH: dict[str, float] = {
    "极其": 2.0,
    "极度": 2.0,
    "极为": 2.0,
    "非常": 1.75,
    "特别": 1.75,
    "十分": 1.75,
    "超级": 1.75,
    "超": 1.5,
    "太": 1.75,
    "极": 2.0,
    "最": 2.0,
    "相当": 1.5,
    "很": 1.5,
    "挺": 1.25,
    "真": 1.5,
    "更": 1.5,
    "更加": 1.5,
    "越来越": 1.5,
    "那么": 1.25,
    "这么": 1.25,
    "实在": 1.5,
    "确实": 1.25,
    "比较": 1.1,
    "还算": 0.8,
    "有点": 0.7,
    "有些": 0.7,
    "有点儿": 0.7,
    "稍微": 0.6,
    "略": 0.6,
    "略微": 0.6,
}
DEGREE_EN: dict[str, float] = {
    "very": 1.5,
    "really": 1.5,
    "so": 1.4,
    "too": 1.5,
    "extremely": 2.0,
    "quite": 1.25,
    "pretty": 1.2,
    "rather": 1.1,
    "super": 1.75,
    "totally": 1.75,
    "a bit": 0.7,
    "slightly": 0.6,
    "somewhat": 0.7,
}
#: Degree words of both languages.
DEGREE: dict[str, float] = {**DEGREE_ZH, **DEGREE_EN}

#: Contrast words: the clause they open weighs more.
CONTRAST_ZH: tuple[str, ...] = ("但是", "不过", "可是", "然而", "只是", "但", "却")
CONTRAST_EN: tuple[str, ...] = ("but", "however", "though", "yet")
CONTRAST: tuple[str, ...] = CONTRAST_ZH + CONTRAST_EN
#: Concessive words: the clause they open weighs less.
CONCESSIVE: tuple[str, ...] = ("虽然", "虽说", "尽管", "虽", "although", "even though", "while")
AFTER_CONTRAST_WEIGHT, CONCESSIVE_WEIGHT = 2.0, 0.5

#: Longest negator scope: characters after a Chinese negator, words after an English one.
SCOPE_ZH_CHARS, SCOPE_EN_WORDS = 8, 3
CLAUSE_MARKS = "，,。.！!？?；;：:…\n\r~～"
_SCOPE_STOPPERS_ZH = ("而是", "就是", "还是", *CONTRAST_ZH)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    not_zh = re.compile(_alternation(NOT_NEGATION_ZH))
    neg_zh = re.compile(_alternation(NEGATORS_ZH))
    not_en = re.compile(r"\b(?:" + _alternation(NOT_NEGATION_EN) + r")\b", re.IGNORECASE)
    en_words = [w for w in NEGATORS_EN if w != "n't"]
    neg_en = re.compile(r"\b(?:" + _alternation(en_words) + r")\b|(?<=[a-z])n't\b", re.IGNORECASE)
    contrast = re.compile(
        "(?:"
        + _alternation(CONTRAST_ZH + CONCESSIVE[:4])
        + ")"
        + r"|\b(?:"
        + _alternation(CONTRAST_EN + CONCESSIVE[4:])
        + r")\b",
        re.IGNORECASE,
    )
    return not_zh, neg_zh, not_en, neg_en, contrast


def _masked(pattern: re.Pattern[str], text: str) -> list[bool]:
    mask = [False] * len(text)
    for match in pattern.finditer(text):
        for i in range(match.start(), match.end()):
            mask[i] = True
    return mask


def negators(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Character spans of the negators in *text* (words like 不错, 没想到, not only left out).

    Chinese negators are found in any text (mixed-language units are common); English ones only
    on word boundaries.

    Examples
    --------
    >>> negators("送货不慢，没想到包装不错")
    [(2, 3)]
    >>> negators("It isn't bad, not only cheap", "en")
    [(5, 8)]
    """
    not_zh, neg_zh, not_en, neg_en, _ = _patterns()
    found: list[tuple[int, int]] = []
    mask = _masked(not_zh, text)
    position = 0
    while position < len(text):
        match = neg_zh.search(text, position)
        if match is None:
            break
        if mask[match.start()]:
            position = match.start() + 1
            continue
        found.append((match.start(), match.end()))
        position = match.end()
    mask_en = _masked(not_en, text)
    found += [(m.start(), m.end()) for m in neg_en.finditer(text) if not mask_en[m.start()]]
    return sorted(found)


def _scope_end(text: str, start: int, is_latin: bool) -> int:
    """End of the scope of a negator ending at *start*."""
    end = len(text)
    for i in range(start, len(text)):
        if text[i] in CLAUSE_MARKS:
            end = i
            break
    if is_latin:
        words = list(re.finditer(r"[A-Za-z']+", text[start:end]))
        if len(words) > SCOPE_EN_WORDS:
            end = start + words[SCOPE_EN_WORDS - 1].end()
        _, _, _, _, contrast = _patterns()
        stop = contrast.search(text, start, end)
        return stop.start() if stop else end
    end = min(end, start + SCOPE_ZH_CHARS)
    for stopper in _SCOPE_STOPPERS_ZH:
        found = text.find(stopper, start + 1, end)
        if found != -1:
            end = found
    return end


def _scopes(text: str, language: str | None) -> list[tuple[int, int, int]]:
    """``(negator_start, scope_start, scope_end)`` of each negator."""
    out = []
    for start, end in negators(text, language):
        is_latin = text[start:end].isascii()
        out.append((start, end, _scope_end(text, end, is_latin)))
    return out


def negation_count(text: str, start: int, end: int, language: str | None = None, scopes: Any = None) -> int:
    """How many negators have ``text[start:end]`` in their scope (ending at or before *start*).

    Examples
    --------
    >>> negation_count("不是不好", 3, 4)
    2
    """
    scopes = _scopes(text, language) if scopes is None else scopes
    return sum(1 for _, scope_start, scope_end in scopes if scope_start <= start and start < scope_end)


def negated(text: str, start: int, end: int, language: str | None = None) -> bool:
    """Whether ``text[start:end]`` is negated: under an odd number of negator scopes.

    Parameters
    ----------
    text : str
    start, end : int
        Character offsets of the word or keyword.
    language : {"zh", "en"}, optional
        Kept for the API; Chinese and English negators are both recognised in any text.

    Examples
    --------
    >>> t = "送货不慢，价格不太贵"
    >>> negated(t, 3, 4), negated(t, 8, 9)
    (True, True)
    >>> negated("没想到送货慢成这样", 5, 6), negated("一点都不脏", 4, 5), negated("不是不好", 3, 4)
    (False, True, False)
    >>> negated("客服不但态度差，还慢", 4, 7)
    False
    >>> negated("I was not on hold for long", 11, 15, "en")
    True
    """
    return negation_count(text, start, end, language) % 2 == 1


def negation_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Character spans of *text* under negation (an odd number of negator scopes).

    Examples
    --------
    >>> t = "送货不慢，但是没有发票"
    >>> [(s, e, t[s:e]) for s, e in negation_spans(t)]
    [(3, 4, '慢'), (9, 11, '发票')]
    """
    scopes = _scopes(text, language)
    counts = [0] * (len(text) + 1)
    for _, scope_start, scope_end in scopes:
        counts[scope_start] += 1
        counts[scope_end] -= 1
    spans: list[tuple[int, int]] = []
    running, open_at = 0, None
    for i in range(len(text)):
        running += counts[i]
        odd = running % 2 == 1
        if odd and open_at is None:
            open_at = i
        elif not odd and open_at is not None:
            spans.append((open_at, i))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


def clauses(text: str) -> list[tuple[int, int, float]]:
    """Clause spans with a weight: after a contrast word 2.0, after a concessive 0.5, else 1.

    Clauses end at clause marks and before contrast and concessive words; the contrast weight
    holds until the end of the sentence (。！？ or a line break).

    Examples
    --------
    >>> t = "虽然价格贵，但是质量很好，物流也快。"
    >>> [(t[s:e], w) for s, e, w in clauses(t)]
    [('虽然价格贵', 0.5), ('但是质量很好', 2.0), ('物流也快', 2.0)]
    >>> t = "Slow delivery but great price"
    >>> [(t[s:e], w) for s, e, w in clauses(t)]
    [('Slow delivery ', 1.0), ('but great price', 2.0)]
    """
    _, _, _, _, contrast = _patterns()
    mask = _masked(_patterns()[0], text)  # 不过 is a contrast word, other masked words are not
    cuts = {0, len(text)}
    kinds: dict[int, float] = {}
    for match in contrast.finditer(text):
        word = match.group(0)
        if mask[match.start()] and word != "不过":
            continue
        if word == "但" and text[match.start() : match.start() + 2] == "但是":
            continue
        cuts.add(match.start())
        kinds[match.start()] = CONCESSIVE_WEIGHT if word.lower() in CONCESSIVE else AFTER_CONTRAST_WEIGHT
    boundaries = [i for i, ch in enumerate(text) if ch in CLAUSE_MARKS]
    out: list[tuple[int, int, float]] = []
    sentence_weight = 1.0
    points = sorted(cuts | set(boundaries) | {b + 1 for b in boundaries})
    for left, right in itertools.pairwise(points):
        piece = text[left:right]
        if left in kinds:
            weight = kinds[left]
            if weight == AFTER_CONTRAST_WEIGHT:
                sentence_weight = AFTER_CONTRAST_WEIGHT
        else:
            weight = sentence_weight
        if piece and all(ch in CLAUSE_MARKS for ch in piece):
            if any(ch in "。.！!？?\n" for ch in piece):
                sentence_weight = 1.0
            continue
        stripped_left = left + (len(piece) - len(piece.lstrip()))
        if not piece.strip():
            continue
        out.append((stripped_left, right, weight))
    return out
