"""Feedback sources: the section, the readers (CSV with GBK/BOM, JSON lines), tidy items, preconditions."""

from __future__ import annotations

import gzip
import json

import pytest
import yaml

from research import load_study
from research.errors import DataError
from research.feedback import check_run, load_feedback, read_jsonl, summary

CODEBOOK = "codes:\n  - {id: slow, name: {zh: 慢, en: Slow}, keywords: {zh: [慢], en: [slow]}}\n"


@pytest.fixture
def feedback_study(project_copy):
    """A study with only feedback files and a codebook: no survey, no catalog."""
    folder = project_copy / "data" / "raw" / "fb"
    folder.mkdir()
    (folder / "codebook.yml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "reviews.csv").write_bytes(
        "\ufeffid,when,stars,review\n1,2025-03-03 10:00,1,太慢了\n2,,5,\n3,2025-04-01,4,great\n".encode(
            "utf-8-sig"
        )
    )
    (folder / "gbk.csv").write_bytes("文本,渠道\n营业厅排队慢,门店\n".encode("gbk"))
    lines = [
        {"ticket": "T1", "at": "2025-03-01T09:00:00+08:00", "text": "扣费不对"},
        {"ticket": "T2", "at": "2025-03-02T23:30:00+08:00", "text": "slow refund"},
    ]
    (folder / "tickets.jsonl.gz").write_bytes(
        gzip.compress("\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode("utf-8"))
    )

    def write(section, **extra):
        content = {
            "name": "fb",
            "files": {
                "reviews": {"path": "reviews.csv", "role": "feedback"},
                "gbk": {"path": "gbk.csv", "role": "feedback"},
                "tickets": {"path": "tickets.jsonl.gz", "role": "feedback"},
                "codebook": {"path": "codebook.yml", "role": "codebook"},
            },
            "feedback": section,
            **extra,
        }
        (folder / "study.yml").write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
        return load_study(folder)

    return write


SECTION = {
    "sources": [
        {
            "file": "reviews",
            "text_column": "review",
            "id_column": "id",
            "time_column": "when",
            "rating_column": "stars",
            "rating_min": 1,
            "rating_max": 5,
            "source": "app",
        },
        {"file": "gbk", "text_column": "文本", "source_column": "渠道"},
        {"file": "tickets", "text_column": "text", "id_column": "ticket", "time_column": "at"},
    ]
}


def test_minimal_study_loads_every_item(feedback_study):
    study = feedback_study(SECTION)
    items = load_feedback(study)
    assert len(items) == 6  # nothing dropped, the empty review included
    assert items["item_id"].tolist()[:3] == ["reviews:1", "reviews:2", "reviews:3"]
    assert items["source"].tolist() == ["app", "app", "app", "门店", "tickets", "tickets"]
    assert items["blank"].tolist() == [False, True, False, False, False, False]
    assert items["language"].tolist() == ["zh", "en", "en", "zh", "zh", "en"]
    # +08:00 converted to UTC: the 23:30 ticket is 15:30 the same day
    assert items.loc[5, "time"].strftime("%Y-%m-%d %H:%M") == "2025-03-02 15:30"
    assert items.loc[0, "week"].strftime("%Y-%m-%d") == "2025-03-03"
    assert items.loc[0, "rating"] == 1.0
    table = summary(items).set_index("source")
    assert (
        table.loc["app", "blank"] == 1
        and table.loc["app", "undated"] == 1
        and table.loc["门店", "undated"] == 1
    )
    assert check_run(study, {"period": "W", "recent": 2}) == []


def test_section_errors_name_the_field(feedback_study):
    with pytest.raises(DataError, match=r"feedback.sources\[0\].rating_min"):
        feedback_study({"sources": [{"file": "reviews", "text_column": "review", "rating_min": 1}]})
        load_study("fb", check_sections=True)
    study = feedback_study({"sources": [{"file": "codebook", "text_column": "t", "colour": 1}]})
    with pytest.raises(DataError, match=r"feedback.sources\[0\].colour"):
        load_feedback(study)
    study = feedback_study({"sources": [{"file": "codebook", "text_column": "t"}]})
    with pytest.raises(DataError, match="role is not 'feedback'"):
        load_feedback(study)
    study = feedback_study({"open_items": [{"file": "reviews", "text_column": "review"}]})
    with pytest.raises(DataError, match="need a survey"):
        load_feedback(study)


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        ("id,when,stars,review\n1,yesterday-ish,1,x\n", 2, "Not a date"),
        ("id,when,stars,review\n1,,1,x\n2,,9,y\n", 3, "outside the scale"),
        ("id,when,stars,review\n1,,1,x\n1,,2,y\n", 3, "Duplicate item id"),
    ],
)
def test_bad_values_name_file_row_and_column(feedback_study, project_copy, content, row, message):
    (project_copy / "data" / "raw" / "fb" / "reviews.csv").write_text(content, encoding="utf-8")
    study = feedback_study(SECTION)
    with pytest.raises(DataError, match=message) as caught:
        load_feedback(study)
    assert caught.value.row == row and caught.value.file.endswith("reviews.csv")


def test_jsonl_errors_name_the_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2,}\n', encoding="utf-8")
    with pytest.raises(DataError, match="Not valid JSON") as caught:
        read_jsonl(path)
    assert caught.value.row == 3
    path.write_text('{"a": 1}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(DataError, match="not a JSON object"):
        read_jsonl(path)


def test_check_run_lists_every_problem(feedback_study, project_copy):
    (project_copy / "data" / "raw" / "fb" / "reviews.csv").write_text("id,review\n1,x\n", encoding="utf-8")
    section = {
        "sources": [
            {"file": "reviews", "text_column": "review", "time_column": "when"},  # missing column
            {"file": "nope", "text_column": "t"},  # undeclared file
            {"file": "gbk", "text_column": "文本", "touchpoint": "hotdesk"},  # fine without a catalog
        ]
    }
    study = feedback_study(section)
    problems = check_run(study, {"period": "Y", "recent": 0, "source": "elsewhere", "segment": "tier"})
    text = "\n".join(str(p) for p in problems)
    for expected in (
        "when",
        "not a declared data file",
        "Unknown period",
        "recent must be",
        "Not a feedback source",
        "Not a column of the feedback items",
    ):
        assert expected in text
    assert all(isinstance(p, DataError) for p in problems)
