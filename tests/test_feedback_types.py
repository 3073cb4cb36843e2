"""Feedback types by cue words: precedence, longest cue wins, per-item language."""

import pandas as pd
import pytest

from research.errors import DataError
from research.feedback.types import TYPES, classify_type, explain_type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("营业厅排队太慢了，能不能多开几个窗口？", "complaint"),  # complaint beats suggestion and question
        ("能不能加个夜间客服？", "suggestion"),  # suggestion beats question
        ("请问怎么改套餐？谢谢", "question"),  # question beats praise
        ("非常满意，点赞", "praise"),
        ("不满意", "complaint"),  # longest cue: 不满意, not 满意
        ("信号不差", "praise"),  # 不差 is praise, not 差
        ("差不多吧", "other"),  # masked everyday word
        ("", "other"),
    ],
)
def test_chinese_rules(text, expected):
    assert classify_type([text], "zh").tolist() == [expected]


def test_english_rules_and_word_boundaries():
    texts = ["Not bad at all", "Worst support ever, I want a refund", "Please add eSIM", "Badge printing?"]
    assert classify_type(texts, "en").tolist() == ["praise", "complaint", "suggestion", "question"]


def test_language_per_item_and_categories():
    texts = pd.Series(["太差了", "thanks", None], index=[10, 11, 12])
    result = classify_type(texts, pd.Series(["zh", "en", "en"], index=[10, 11, 12]))
    assert result.index.tolist() == [10, 11, 12]
    assert list(result.cat.categories) == list(TYPES)
    assert result.tolist() == ["complaint", "praise", "other"]
    with pytest.raises(DataError, match="Unsupported language"):
        classify_type(["x"], "fr")


def test_explain_type_shows_the_deciding_cues():
    table = explain_type("建议优化一下，太慢了", "zh")
    assert table.loc[table["decides"], "cue"].tolist() == ["慢"]
    assert set(table["type"]) == {"suggestion", "complaint"}
