"""Word boundaries for Chinese keywords (research.coding.tokens.TokenBoundaries) and the study's
user dictionary."""

from __future__ import annotations

import pytest

from research.coding import Code, Codebook, study_tokenizer
from research.coding.tokens import TokenBoundaries, study_words

CODEBOOK = Codebook(
    [
        Code(
            "price", None, {"en": "Price"}, keywords={"zh": ["贵", "不值"]}, exclude_keywords={"zh": ["贵宾"]}
        ),
        Code("quality", None, {"en": "Quality"}, keywords={"zh": ["质量"]}),
        Code("ivr", None, {"en": "IVR"}, keywords={"zh": ["语音菜单"]}),
    ]
)


@pytest.fixture(scope="module")
def words():
    return TokenBoundaries(study_tokenizer(codebook=CODEBOOK))


def _accepts(words, text, keyword, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(keyword, start + 1)
    return words.accepts(text, start, start + len(keyword))


@pytest.mark.parametrize(
    ("text", "keyword", "expected"),
    [
        ("服务质量很差", "质量", False),  # inside a longer dictionary word
        ("质量不错", "质量", True),
        ("产品的质量", "质量", True),  # at the end of the text
        ("不值得推荐", "不值", False),  # 不/值得: the end cuts a word
        ("价格太贵了", "贵", True),  # degree word glued to the keyword (太贵)
        ("价格不太贵", "贵", True),  # negator + degree word (negation decides later)
        ("房间很脏", "很脏", True),
        ("慢慢来", "慢", False),
        ("贵宾楼很好", "贵", False),
        ("语音菜单太绕", "语音菜单", True),  # the study's word, loaded first
        ("打10086等了半天", "10086", True),  # a run of digits is a word
    ],
)
def test_keywords_are_accepted_only_as_words(words, text, keyword, expected):
    assert _accepts(words, text, keyword) is expected


def test_segmentation_does_not_depend_on_the_rest_of_the_text(words):
    # jieba segments each run of Chinese characters on its own: the same answer in a long text.
    text = "第一句话说得很长很长。" * 50 + "服务质量很差，质量还可以"
    assert _accepts(words, text, "质量", 0) is False and _accepts(words, text, "质量", 1) is True


def test_study_words_hold_keywords_but_not_exclude_keywords():
    listed = study_words(codebook=CODEBOOK)
    assert {"贵", "不值", "质量", "语音菜单"} <= set(listed) and "贵宾" not in listed
