"""Shared negation scope, degree words and contrast clauses (research.text.negation)."""

from __future__ import annotations

import pytest

from research.text.negation import clauses, negated, negation_spans, negators


def _word(text: str, word: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # the cases (real review wording)
        ("送货不慢", "慢", True),
        ("价格不太贵", "贵", True),
        ("一点都不脏", "脏", True),
        ("没想到送货慢成这样", "慢", False),
        ("送货慢", "慢", False),
        # every negator family
        ("没有等很久", "等很久", True),
        ("别买这个", "买", True),
        ("房间无异味", "异味", True),
        ("问题未解决", "解决", True),
        ("非正品", "正品", True),
        ("并不便宜", "便宜", True),
        ("毫无诚意", "诚意", True),
        ("这回不用转人工了", "转人工", True),
        # words that only contain a negator character
        ("不但送货慢，还少了东西", "送货慢", False),
        ("不仅贵而且难用", "贵", False),
        ("质量不错，服务特别好", "好", False),
        ("非常满意", "满意", False),
        ("无论如何都很差", "差", False),
        # double negation cancels; a keyword's own negator does not count
        ("不是不好", "好", False),
        ("没有不满意的地方", "满意", False),
        ("没有不满意的地方", "不满意", True),
        ("很不满意", "不满意", False),
        # scope ends at the clause boundary, a contrast word, or after a few characters
        ("不贵，服务差", "差", False),
        ("不贵但是服务差", "差", False),
        ("不是服务差，而是送货慢", "送货慢", False),
        ("没有那个说的那么好那么快的送货", "送货", False),
        # English
        ("I was not on hold for long", "hold", True),
        ("It isn't bad at all", "bad", True),
        ("not only slow but rude", "slow", False),
        ("Not cheap, but fast", "fast", False),
    ],
)
def test_negated(text: str, word: str, expected: bool) -> None:
    start, end = _word(text, word)
    assert negated(text, start, end) is expected


def test_negators_skip_words_that_only_contain_a_negator() -> None:
    text = "不过特别好，没想到无论何时都不错"
    assert negators(text) == []


def test_negation_spans_cover_scope_until_boundary() -> None:
    text = "送货不慢，价格不太贵。没有发票"
    spans = [text[s:e] for s, e in negation_spans(text)]
    assert spans == ["慢", "太贵", "发票"]


def test_clauses_weigh_the_part_after_contrast_more() -> None:
    text = "房间有点小，不过服务很好。价格贵但值得"
    pieces = [(text[s:e], w) for s, e, w in clauses(text)]
    assert pieces == [("房间有点小", 1.0), ("不过服务很好", 2.0), ("价格贵", 1.0), ("但值得", 2.0)]


def test_clauses_without_contrast_are_plain() -> None:
    assert clauses("") == []
    assert [w for _, _, w in clauses("很好。很快！")] == [1.0, 1.0]
