"""The sample's feedback part: files, section, and the planted truths recovered by the statistics."""

from __future__ import annotations

import pandas as pd
import pytest

from research import load_study
from research.coding.autocoding import RuleMatcher, codebook_rules
from research.feedback import (
    check_run,
    code_shares,
    codebook_gaps,
    detractor_lift,
    emerging_issues,
    load_codebook_of,
    load_feedback,
)
from research.sample import feedback, generate


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = generate(tmp_path_factory.mktemp("feedback") / "fbsample", scale=0.1)
    study = load_study(folder, check_sections=True)
    items = load_feedback(study)
    matcher = RuleMatcher(codebook_rules(load_codebook_of(study)))
    pairs = [
        (item, rule.label)
        for item, text in zip(items["item_id"], items["text"], strict=True)
        for _, _, rule in matcher.scan(text)
    ]
    codes = pd.DataFrame(pairs, columns=["item_id", "code"]).drop_duplicates()
    return study, items, codes


def test_files_section_and_runs(sample):
    study, items, _ = sample
    assert sorted(study.files_with_role("feedback")) == [
        "feedback_reviews",
        "feedback_tickets",
        "feedback_why",
    ]
    assert study.file("feedback_reviews").stat().st_size < 200_000  # scale 0.1, gzipped
    assert set(items["source"]) == {"app_store", "wechat", "complaint_ticket", "why_score"}
    assert items["blank"].any()  # empty comments and skipped open answers are kept
    why = items[items["source"] == "why_score"]
    assert why["score"].notna().mean() > 0.9 and set(why["wave"]) == {"before", "after"}
    assert check_run(study, {"period": "M", "recent": 3, "language": "en"}) == []
    expected = feedback.RUNS if (study.root / "notebooks" / feedback.NOTEBOOK).exists() else []
    assert [r.id for r in study.runs if r.notebook == feedback.NOTEBOOK] == [r["id"] for r in expected]


def test_emerging_issue_after_the_app_release(sample):
    _, items, codes = sample
    stream = items[items["source"] != "why_score"]
    result = emerging_issues(stream, codes[codes["item_id"].isin(stream["item_id"])], "M", recent=3)
    assert result.flagged == [feedback.EMERGING_CODE]
    before = stream["time"] < pd.Timestamp(feedback.APP_RELEASE)
    glitch = stream["item_id"].isin(codes.loc[codes["code"] == feedback.EMERGING_CODE, "item_id"])
    assert glitch[before].mean() == pytest.approx(feedback.EMERGING_BEFORE, abs=0.01)
    assert glitch[~before].mean() == pytest.approx(feedback.EMERGING_AFTER, abs=0.025)


def test_detractor_theme(sample):
    _, items, codes = sample
    why = items[(items["source"] == "why_score") & ~items["blank"]]
    lift = detractor_lift(why, codes[codes["item_id"].isin(why["item_id"])])
    top = lift.iloc[0]
    assert top["code"] == feedback.DETRACTOR_THEME and top["p_adjusted"] < 0.01 and top["diff_ci_low"] > 0.15


def test_uncoded_share_and_codebook_gap(sample):
    _, items, codes = sample
    stream = items[(items["source"] != "why_score") & ~items["blank"]]
    shares = code_shares(stream, codes[codes["item_id"].isin(stream["item_id"])]).set_index("code")
    assert shares.loc["uncoded", "ci_low"] < feedback.UNCODED_SHARE < shares.loc["uncoded", "ci_high"]
    uncoded = stream[~stream["item_id"].isin(codes["item_id"])].set_index("item_id")
    gaps = codebook_gaps(uncoded["text"], uncoded["language"])
    assert "信号" in gaps.loc[0, "phrases"]
