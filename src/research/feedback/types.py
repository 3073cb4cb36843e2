"""The type of a feedback item by transparent cue-word rules: complaint, suggestion, question, praise.

Every text is scanned once for the cue words of :data:`CUES` (Chinese and English). Where cues
overlap, the longest wins (``不满意`` is a complaint, not the praise ``满意``; ``不错`` and
``not bad`` are praise, not the complaints ``差``/``bad``), and a few everyday words that only
contain a cue are masked (``差不多``, ``出差``, ``没问题``). Inside a negation's scope (the shared
:func:`research.text.negation.negated`, as for codes and sentiment) a complaint cue counts for
nothing ("一点都不慢") and a praise cue is a complaint ("一点也不热情"). When a text holds cues of
several types, :data:`PRECEDENCE` decides:

1. **complaint** (投诉, 差, 慢, 垃圾, 退款, 不满意, terrible, refund ...): a customer who is
   unhappy, whatever else the text says ("能不能快点？太慢了" is a complaint);
2. **suggestion** (建议, 希望, 能不能, 应该, 最好, suggest, please add, should ...): a request
   for a change, even when phrased as a question ("能不能加个夜间客服？");
3. **question** (？/?, 吗, 怎么, 如何, 请问, how do, can i ...): asks for information;
4. **praise** (好评, 满意, 赞, 谢谢, 不错, great, thanks ...): thanks are often added to
   questions, so praise comes last;
5. **other**: no cue.

The rules are deliberately simple and readable; the supervised mode (trained on a labelled
subset) can replace them where they are not good enough. :func:`explain_type` shows the cues
that decided one text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from research.errors import DataError
from research.wording import resolve_language

#: Feedback types in report order.
TYPES = ("complaint", "suggestion", "question", "praise", "other")
#: When cues of several types occur, the first type in this order wins.
PRECEDENCE = ("complaint", "suggestion", "question", "praise")

#: Cue words per language and type. Chinese cues match anywhere; English cues on word boundaries.
CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "complaint": (
            "投诉",
            "差",
            "慢",
            "垃圾",
            "退款",
            "退钱",
            "不满意",
            "不满",
            "失望",
            "坑",
            "骗",
            "乱扣",
            "太贵",
            "糟糕",
            "烂",
            "气死",
            "无语",
            "恶心",
            "坑人",
            "没人管",
            "不靠谱",
            "不行",
            "不好",
            "不方便",
            "不能用",
            "用不了",
            "闪退",
            "故障",
            "投诉无门",
            "欺骗",
            "套路",
            "再也不",
        ),
        "suggestion": (
            "建议",
            "希望",
            "能不能",
            "可不可以",
            "能否",
            "应该",
            "最好",
            "要是能",
            "如果能",
            "麻烦改",
            "改进",
            "优化一下",
            "增加",
            "加个",
            "期待",
        ),
        "question": (
            "？",
            "?",
            "吗",
            "怎么",
            "如何",
            "请问",
            "为什么",
            "为啥",
            "哪里",
            "多久",
            "是否",
            "咨询",
        ),
        "praise": (
            "好评",
            "满意",
            "赞",
            "谢谢",
            "感谢",
            "不错",
            "很好",
            "挺好",
            "点赞",
            "给力",
            "方便",
            "专业",
            "耐心",
            "热情",
            "喜欢",
            "棒",
            "不差",
            "没毛病",
        ),
        # everyday words that contain a cue but mean nothing of the kind
        "none": ("差不多", "出差", "差价", "没问题", "慢慢来", "骗子短信"),
    },
    "en": {
        "complaint": (
            "complaint",
            "complain",
            "complained",
            "terrible",
            "awful",
            "worst",
            "bad",
            "poor",
            "slow",
            "refund",
            "scam",
            "rip-off",
            "ripped off",
            "useless",
            "broken",
            "disappointed",
            "unacceptable",
            "not good",
            "not happy",
            "not working",
            "doesn't work",
            "never again",
            "horrible",
            "annoying",
            "overcharged",
            "crashes",
            "crashed",
        ),
        "suggestion": (
            "suggest",
            "suggestion",
            "should",
            "please add",
            "would be nice",
            "would be great",
            "wish",
            "hope",
            "could you add",
            "it would help",
            "consider",
            "recommend adding",
            "improve",
        ),
        "question": (
            "?",
            "how do",
            "how can",
            "how to",
            "can i",
            "where is",
            "why is",
            "why does",
            "is it possible",
            "what is",
            "when will",
        ),
        "praise": (
            "thanks",
            "thank you",
            "great",
            "excellent",
            "love",
            "awesome",
            "satisfied",
            "happy",
            "helpful",
            "perfect",
            "well done",
            "good job",
            "not bad",
            "amazing",
            "fantastic",
            "easy",
        ),
        "none": ("not bad at all but",),
    },
}


def _check_language(language: str) -> str:
    if language not in CUES:
        raise DataError(
            "Unsupported language", column="language", value=language, hint=f"Use one of {sorted(CUES)}."
        )
    return language


@lru_cache(maxsize=4)
def _matcher(language: str) -> Any:
    """All cues of *language* in one Aho-Corasick automaton (leftmost-longest matches).

    Each value is ``(length, type, latin start, latin end)``; a cue starting or ending with a
    Latin letter or digit counts only on word boundaries.
    """
    import ahocorasick

    type_of: dict[str, str] = {}
    for kind, words in CUES[language].items():
        for word in words:
            type_of.setdefault(word.lower(), kind)
    if language == "zh":  # Chinese texts use English punctuation and words too
        for kind, words in CUES["en"].items():
            for word in words:
                type_of.setdefault(word.lower(), kind)
    automaton = ahocorasick.Automaton()
    for word, kind in type_of.items():
        automaton.add_word(word, (len(word), kind, _latin(word[0]), _latin(word[-1])))
    automaton.make_automaton()
    return automaton


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


#: What a cue means inside a negation's scope (research.text.negation): "不慢" is no complaint,
#: "不热情" is one.
NEGATED = {"complaint": "none", "praise": "complaint"}


def _cues(text: str, language: str) -> list[tuple[int, int, str, str]]:
    from research.text.negation import negation_spans

    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    size = len(lowered)
    found = []
    for last, (length, kind, left, right) in _matcher(language).iter_long(lowered):
        start, end = last - length + 1, last + 1
        inside_left = left and start > 0 and _latin(lowered[start - 1])
        if inside_left or (right and end < size and _latin(lowered[end])):
            continue
        found.append((start, end, lowered[start:end], kind))
    if any(kind in NEGATED for *_, kind in found):
        spans = negation_spans(text, language)
        if spans:
            found = [
                (start, end, cue, NEGATED[kind])
                if kind in NEGATED and any(s <= start < e for s, e in spans)
                else (start, end, cue, kind)
                for start, end, cue, kind in found
            ]
    return found


def _decide(kinds: set[str]) -> str:
    for kind in PRECEDENCE:
        if kind in kinds:
            return kind
    return "other"


def classify_type(texts: pd.Series | list[str], language: str | pd.Series | None = None) -> pd.Series:
    """The feedback type of each text: complaint, suggestion, question, praise or other.

    Parameters
    ----------
    texts : Series or list of str
        Raw texts (missing values are ``other``).
    language : str or Series, optional
        ``"zh"`` (Chinese cues, plus English ones: Chinese feedback mixes them) or ``"en"``;
        or one language per text (a Series aligned with *texts*, e.g. the ``language`` column
        of :func:`research.feedback.load_feedback`); ``None``: the report's language.

    Returns
    -------
    Series
        Categorical with the categories :data:`TYPES`, same index as *texts*.

    Examples
    --------
    >>> classify_type(["太慢了，能不能快点？", "建议增加夜间客服", "怎么改套餐？谢谢", "非常满意", "不满意",
    ...                "还行，差不多吧"], "zh").tolist()
    ['complaint', 'suggestion', 'question', 'praise', 'complaint', 'other']
    >>> classify_type(["Not bad, thanks!", "Please add dark mode", "How do I port my number?"], "en").tolist()
    ['praise', 'suggestion', 'question']
    """
    series = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    if isinstance(language, pd.Series):
        languages = language.reindex(series.index) if len(language) == len(series) else language
        languages = languages.fillna("zh").astype(str).tolist()
        for value in set(languages):
            _check_language(value)
    else:
        languages = [_check_language(resolve_language(language))] * len(series)
    values = series.where(series.notna(), "").astype(str).tolist()
    kinds = [
        _decide({kind for *_, kind in _cues(text, lang)}) if text else "other"
        for text, lang in zip(values, languages, strict=True)
    ]
    return pd.Series(pd.Categorical(kinds, categories=list(TYPES)), index=series.index, name="type")


def explain_type(text: str, language: str | None = None) -> pd.DataFrame:
    """The cues found in *text* and the type they decide, for a reader to check a classification.

    Parameters
    ----------
    text : str
        One feedback text.
    language : str, optional
        ``"zh"`` or ``"en"``; ``None``: the report's language.

    Returns
    -------
    DataFrame
        One row per cue: ``cue``, ``type`` (``none`` for a masked everyday word), ``start``,
        ``end``, ``decides`` (True for the cues of the winning type).

    Examples
    --------
    >>> explain_type("能不能加个夜间客服？谢谢", "zh")
      cue        type  start  end  decides
    0 能不能  suggestion      0    3     True
    1  加个  suggestion      3    5     True
    2   ？    question      9   10    False
    3  谢谢      praise     10   12    False
    """
    cues = _cues(text or "", _check_language(resolve_language(language)))
    winner = _decide({kind for *_, kind in cues})
    rows = [
        {"cue": text[start:end], "type": kind, "start": start, "end": end, "decides": kind == winner}
        for start, end, _, kind in cues
    ]
    return pd.DataFrame(rows, columns=["cue", "type", "start", "end", "decides"])
