"""Notebook 00 (touchpoint inventory): its tables, its journey map, and its report, escaped."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest
import yaml
from conftest import PROJECT
from test_report_language import english_sentences

from research import DataError, load_study
from research.inventory import catalog_crosstab, catalog_table, inventory_counts, overview
from research.plots.journey import journey_map
from research.reports.runner import run_reports
from research.sample import story

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def sample():
    return load_study("sample")


def test_counts_match_the_catalog_definition(sample):
    # Independent reference: the generator's catalog constants, counted directly.
    counts = inventory_counts(sample)
    assert counts["n_touchpoints"] == len(story.CATALOG) == 14
    for field in ("stage", "channel", "type", "visibility", "lifecycle", "phase"):
        expected = Counter(t[field] for t in story.CATALOG)
        assert {k: v for k, v in counts[f"by_{field}"].items() if v} == dict(expected), field
    assert counts["by_visibility"]["back-stage"] == 1  # the work-order system (README truth)


def test_crosstab_keeps_stage_order_and_totals(sample):
    table = catalog_crosstab(sample, "stage", "type", "zh")
    assert table.index.tolist() == ["认知", "考虑", "决策", "购买", "售后", "合计"]
    assert table.columns.tolist() == ["实体", "数字", "人际", "合计"]
    assert table.loc["合计", "合计"] == 14
    assert table.loc["售后", "人际"] == sum(
        1 for t in story.CATALOG if t["stage"] == "after-sales" and t["type"] == "interpersonal"
    )
    with pytest.raises(DataError, match="Unknown catalog classification"):
        catalog_crosstab(sample, "stage", "colour")


def test_catalog_table_labels_in_language(sample):
    table = catalog_table(sample, "zh")
    row = table.set_index("touchpoint").loc["work_orders"]
    assert (row["name"], row["stage"], row["visibility"]) == ("工单系统", "售后", "后台")
    assert overview(sample, "zh").iloc[2].tolist() == ["触点数", "14"]


def test_journey_map_places_touchpoints_by_stage_channel_and_visibility(sample):
    fig = journey_map(sample, "en")
    ax = fig.axes[0]
    positions = {t.get_text().replace("\n", " "): t.get_position() for t in ax.texts}
    stage_x = [positions[sample.stage_label(s, "en")][0] for s in sample.stages]
    assert stage_x == sorted(stage_x)  # stages left to right in journey order
    hotline, bill, work_orders = (positions[n] for n in ("Service hotline", "Bill", "Work-order system"))
    assert hotline[0] == bill[0] == work_orders[0] == stage_x[-1]  # all after-sales
    # y grows downwards: online band above offline, back-stage below the line of visibility
    line_y = positions["line of visibility"][1]
    assert bill[1] < hotline[1] < line_y < work_orders[1]
    assert len(ax.get_legend().get_texts()) == 3


def test_journey_map_chinese_labels(sample):
    from research.wording import report_language, use_language

    before = report_language()
    use_language("zh")  # language=None: the report's language
    try:
        labels = {t.get_text() for t in journey_map(sample).axes[0].texts}
    finally:
        use_language(before)
    assert {"认知", "售后", "客服热线", "可见线"} <= labels


@pytest.mark.slow
def test_inventory_report_escapes_data_text(tmp_path):
    # A study whose names carry an HTML tag: the report must show it as text, never as markup.
    folder = tmp_path / "data" / "raw" / "xss"
    folder.mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(PROJECT / "notebooks" / "00_touchpoint_inventory.ipynb", tmp_path / "notebooks")
    definition = {
        "name": "xss",
        "title": f"Study {XSS}",
        "description": f"Description {XSS}",
        "languages": ["zh", "en"],
        "stages": story.STAGES,
        "stage_names": story.STAGE_NAMES,
        "touchpoints": [
            {**story.CATALOG[0], "name": {"zh": f"广告 {XSS}", "en": f"Ads {XSS}"}},
            *story.CATALOG[1:],
        ],
        "runs": [
            {
                "id": "inventory",
                "notebook": "00_touchpoint_inventory.ipynb",
                "title": f"清单 {XSS}",
                "parameters": {"language": "zh"},
            }
        ],
    }
    (folder / "study.yml").write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    result = run_reports("xss", progress=False, root=tmp_path)
    assert [o.status for o in result.outcomes] == ["ok"], result.summary()
    page = (tmp_path / "reports" / "xss" / "inventory.html").read_text(encoding="utf-8")
    assert XSS not in page
    assert "广告 &lt;script&gt;alert(1)&lt;/script&gt;" in page  # catalog table
    assert "Study &lt;script&gt;" in page and "清单 &lt;script&gt;" in page  # overview, header
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', page)) == 1  # the journey map
    assert "<script" not in page
    results = json.loads((tmp_path / "reports" / "xss" / "inventory" / "results.json").read_text("utf-8"))
    assert results["results"]["n_touchpoints"] == 14 and results["results"]["language"] == "zh"
    assert results["provenance"]["parameters"]["language"] == "zh"
    # Through the batch runner: one title, the summary first, no English prose in the zh run.
    assert len(re.findall(r"<h1[^>]*>", page)) == 1 and page.index("research-glance") < page.index("触点目录")
    assert english_sentences(page) == []
    assert results["results"]["at_a_glance"][0].startswith("触点清单共有 14 个触点")


def test_at_a_glance_in_english_counts_the_sample_catalog(sample):
    from research.inventory import inventory_at_a_glance

    counts = inventory_counts(sample)
    lines = inventory_at_a_glance(counts, "en", {s: sample.stage_label(s, "en") for s in sample.stages})
    assert lines[0] == "The catalog holds 14 touchpoints across 5 journey stages."
    online, offline = counts["by_channel"]["online"], counts["by_channel"]["offline"]
    assert lines[1].startswith(f"By channel: {online} online, {offline} offline; by type: ")
    busiest = max(counts["by_stage"], key=counts["by_stage"].__getitem__)
    assert f"{sample.stage_label(busiest, 'en')} ({counts['by_stage'][busiest]})" in lines[2]
    assert "1 touchpoint(s) are back-stage." in lines
    assert inventory_at_a_glance({"n_touchpoints": 0}, "zh") == ["本研究没有触点清单。"]
