"""A Chinese report reads in Chinese: no English sentence outside names, units and code ids.

:func:`english_sentences` finds runs of three or more Latin-script words in a report's prose (the
HTML without its tables, code, figures, and the title, which the study's author wrote). The
notebook tests that already execute a zh run of a pillar on the sample call
:func:`assert_reads_in_chinese` on it (tests/test_notebook_10.py, _15, _20, _40), so no notebook
runs twice for this check; the tests here check the checker itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest
from lxml import html as lxml_html

from research.reports.render import render_report
from research.wording import PILLARS
from research.wording import words as pillar_words

#: Names of methods and products that may stand in Chinese prose (written as in the literature).
ALLOWED = (
    "Cohen kappa",
    "Krippendorff alpha",
    "Cronbach alpha",
    "McDonald omega",
    "Benjamini-Hochberg",
    "Games-Howell",
    "Kruskal-Wallis",
    "char n-gram TF-IDF",
)

_WORD = r"[A-Za-z][A-Za-z'’-]*"
_RUN = re.compile(rf"(?<![\w./]){_WORD}(?:[ ,;:]+{_WORD}){{2,}}(?![\w/])")


def prose_text(page: str) -> str:
    """The text a reader reads as prose: no tables, code, figures, scripts or the report title."""
    tree = lxml_html.fromstring(page)
    for node in tree.xpath("//head|//style|//script|//table|//code|//img|//svg|//header//h1"):
        node.drop_tree()
    return " ".join(tree.text_content().split())


def english_sentences(page: str, names: tuple[str, ...] = ()) -> list[str]:
    """Runs of three or more Latin-script words in the prose of the HTML report *page*.

    *names* (a study's title, written by its author) are allowed besides :data:`ALLOWED`.
    """
    text = prose_text(page)
    for name in (*names, *ALLOWED):
        text = text.replace(name, " ")
    return _RUN.findall(text)


def assert_reads_in_chinese(executed: str | Path, folder: Path, names: tuple[str, ...] = ()) -> str:
    """Render the executed zh notebook *executed* as a report and assert it has no English prose.

    Returns the report's HTML for further checks.
    """
    page = render_report(
        executed,
        folder / "zh-report.html",
        title="报告",
        study="s",
        run_id="zh",
        parameters={"language": "zh"},
        status="ok",
        generated_at="2026-01-01T00:00:00+00:00",
    ).read_text(encoding="utf-8")
    assert english_sentences(page, names) == [], english_sentences(page, names)[:10]
    assert 'data-language="zh"' in page, "the report has no at-a-glance box in Chinese"
    return page


def test_checker_finds_english_sentences_in_prose_only():
    page = """<html><head><title>Many English words here</title></head><body>
    <header class="research-header"><h1>客户旅程 / Customer journey analytics</h1></header>
    <p>本报告读取事件日志，在 DuckDB 或 PySpark 上运行。Cohen kappa = 0.91。</p>
    <p>Items per source, empty texts and dates.</p>
    <table><tr><th>top box answers</th><td>Waiting time in the store</td></tr></table>
    <pre>The analysis uses coder A's coding.</pre>
    <code>research reports --study sample</code>
    <p>路径：online_ads > outdoor_ads > sales_rep；文件 data/raw/sample/study.yml。</p>
    </body></html>"""
    assert english_sentences(page) == [
        "Items per source, empty texts and dates",
        "The analysis uses coder A's coding",
    ]


def test_chinese_sentences_with_names_units_and_ids_pass():
    page = (
        "<html><body><p>NPS 为 -8（95% 置信区间 -13 至 -4）。最常见的路径是 online_ads > website"
        "（3.5% 的客户）。Welch 方差分析及 Games-Howell 两两比较；R² = 0.53；平均等待 89 s。</p>"
        "</body></html>"
    )
    assert english_sentences(page) == []


#: Sentences whose Chinese names fewer values than the English (Chinese needs no unit type).
CHINESE_OMITS = {"source_auto", "overview_units"}


@pytest.mark.parametrize("pillar", PILLARS)
def test_every_sentence_exists_in_both_languages_with_the_same_blanks(pillar):
    words = pillar_words(pillar)
    for key, entry in words["sections"].items():
        assert set(entry) == {"zh", "en"}, key
        assert bool(entry["zh"]["heading"]) == bool(entry["en"]["heading"]), key
        assert bool(entry["zh"]["text"]) == bool(entry["en"]["text"]), key
    for key, entry in (words.get("sentences") or {}).items():
        assert set(entry) == {"zh", "en"}, key
        blanks = [{name for _, name, _, _ in Formatter().parse(entry[lang]) if name} for lang in ("zh", "en")]
        # Chinese may leave out a value English names (a unit type such as "turns"), never add one.
        assert blanks[0] <= blanks[1], key
        assert blanks[0] == blanks[1] or key in CHINESE_OMITS, key
    # Chinese text is Chinese: no English sentence in a zh entry.
    chinese = [e["zh"]["text"] for e in words["sections"].values()]
    chinese += [e["zh"] for e in (words.get("sentences") or {}).values()]
    assert [text for text in chinese if english_sentences(f"<p>{text}</p>")] == []
