"""Display helpers of the reports: tables for readers, prose in the report's language, notes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from research.errors import NotApplicable
from research.reports.sections import (
    glance_html,
    notes,
    optional_section,
    show_table,
)
from research.wording import Prose, use_language


@pytest.fixture(autouse=True)
def english():
    use_language("en")
    yield
    use_language("en")


def _cells(styler) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", styler.to_html())


def _headers(styler) -> list[str]:
    return re.findall(r"<th[^>]*>(.*?)</th>", styler.to_html())


def test_table_hides_the_row_index_and_formats_numbers():
    frame = pd.DataFrame(
        {
            "code": ["wait", "bill"],
            "reach": [0.667, 0.05],
            "mentions": [12345, 7],
            "p_value": [0.0004, 0.2],
            "mean": [3.14159, 2.0],
        },
        index=[7, 3],
    )
    cells = _cells(show_table(frame))
    # Row by row: the index values 7 and 3 are not shown, shares are percentages (one decimal),
    # counts carry thousands separators, p-values below 0.001 are written as such.
    assert cells == ["wait", "66.7%", "12,345", "&lt;0.001", "3.142", "bill", "5.0%", "7", "0.200", "2"]
    assert _headers(show_table(frame)) == ["code", "reach", "mentions", "p_value", "mean"]
    sizes = pd.DataFrame({"n_eff": [1024.307, 251.26, 0.12345]})
    assert _cells(show_table(sizes)) == ["1,024", "251.3", "0.123"]


def test_share_detection_needs_a_share_name_and_values_in_0_1():
    frame = pd.DataFrame(
        {
            "complaint_rate": [2.5, 0.4],
            "share_of_source": [0.5, 1.0],
            "estimate": [0.25, 0.5],
            "ci_low": [0.2, 0.4],
        }
    )
    assert _cells(show_table(frame)) == [
        "2.500",
        "50.0%",
        "0.250",
        "0.200",
        "0.400",
        "100.0%",
        "0.500",
        "0.400",
    ]
    # An estimate named as a share takes its interval along.
    assert _cells(show_table(frame, percent=["estimate"]))[2:4] == ["25.0%", "20.0%"]


def test_named_index_becomes_a_column_units_and_missing_values():
    pivot = pd.DataFrame({"north": [0.1, np.nan]}, index=pd.Index(["a", "b"], name="label"))
    styler = show_table(pivot, percent=["north"], units={"north": "share of items"})
    assert _headers(styler) == ["label", "north (share of items)"]
    assert _cells(styler) == ["a", "10.0%", "b", "–"]
    assert _cells(show_table(pivot, percent=True)) == ["a", "10.0%", "b", "–"]


def test_table_escapes_data_text_and_labels_columns_in_chinese():
    frame = pd.DataFrame({"touchpoint": ["<script>x</script>"], "estimate": [1.5]})
    html = show_table(frame, language="zh").to_html()
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert _headers(show_table(frame, language="zh")) == ["触点", "估计值"]


def test_long_tables_say_how_many_rows_are_left_out():
    styler = show_table(pd.DataFrame({"n": range(250)}), max_rows=10)
    assert len(_cells(styler)) == 10 and "Showing the first 10 of 250 rows." in styler.to_html()
    assert show_table(None) is None


def test_sentences_and_prose_follow_the_language(monkeypatch):
    import research.wording as wording

    table = {
        "sections": {
            "key_drivers": {
                "zh": {"heading": "关键驱动因素", "text": "**权重**"},
                "en": {"heading": "Key drivers", "text": "w"},
            }
        },
        "sentences": {"items": {"zh": "共 {n:,} 条。", "en": "{n:,} items."}, "only_en": {"en": "English."}},
    }
    monkeypatch.setattr(wording, "words", lambda pillar: table)
    assert wording.say("survey", "items", "zh", n=1234) == "共 1,234 条。"
    assert wording.say("survey", "only_en", "zh") == "English."  # falls back to English
    assert wording.say("survey", "items", n=3) == "3 items."  # None: the report's language
    section = wording.explain("survey", "key_drivers", "zh")
    assert section._repr_html_() == (
        '<div class="research-prose">\n<h2 id="key-drivers">关键驱动因素</h2>\n'
        "<p><strong>权重</strong></p>\n</div>"
    )
    assert "&lt;b&gt;" in Prose("T", "<b>raw</b>")._repr_html_()


def test_glance_box_carries_the_language_and_escapes():
    box = glance_html(["Waits <long>.", ""], "zh")
    assert 'data-language="zh"' in box and "<h2>要点</h2>" in box and box.count("<li>") == 1
    assert "&lt;long&gt;" in box


def test_not_applicable_speaks_the_report_language(capsys):
    def section():
        raise NotApplicable(
            "No segment column.", "Name one.", missing_zh="没有分群列。", remedy_zh="请指定一列。"
        )

    use_language("zh")
    assert optional_section(section, section="segments") is None
    assert capsys.readouterr().out.strip() == "没有分群列。请指定一列。"
    use_language("en")
    optional_section(section, section="segments")
    assert capsys.readouterr().out.strip() == "No segment column. Name one."
    assert notes()[-1] == {"section": "segments", "note": "No segment column. Name one."}


def test_a_bilingual_note_is_shown_in_the_report_language(capsys):
    from research.errors import Bilingual
    from research.reports.sections import show_note

    note = Bilingual("Two units are left out.", zh="有两个单元被排除。")
    use_language("zh")
    show_note(note, section="data")
    use_language("en")
    show_note(note, section="data")
    assert capsys.readouterr().out.split() == ["有两个单元被排除。", "Two", "units", "are", "left", "out."]
    assert [n["note"] for n in notes()[-2:]] == ["有两个单元被排除。", "Two units are left out."]
