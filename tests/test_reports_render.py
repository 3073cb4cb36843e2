"""The rendered report: one title, the at-a-glance box first, header words in the report's language."""

from __future__ import annotations

import re

import nbformat

from research.reports.render import render_report
from research.reports.sections import glance_html


def _executed(tmp_path, language: str):
    markdown = nbformat.v4.new_markdown_cell("# 报告 / The report\nINTRO_TEXT")
    table = nbformat.v4.new_code_cell(
        "table",
        outputs=[
            nbformat.v4.new_output(
                "display_data", {"text/html": "<table><tr><td>BODY_TABLE</td></tr></table>"}
            )
        ],
    )
    last = nbformat.v4.new_code_cell(
        "finish(...)",
        outputs=[
            nbformat.v4.new_output("display_data", {"text/html": glance_html(["GLANCE_SENTENCE"], language)})
        ],
    )
    path = tmp_path / "run.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[markdown, table, last]), path)
    return path


def test_one_title_and_the_glance_box_first(tmp_path):
    page = render_report(
        _executed(tmp_path, "zh"),
        tmp_path / "run.html",
        title="报告 / The report",
        study="s",
        run_id="r",
        parameters={"language": "zh"},
        status="ok",
        generated_at="now",
    ).read_text(encoding="utf-8")
    body = page.split("<body", 1)[1]
    # One visible title: the header's; the notebook's level-1 heading is dropped.
    assert len(re.findall(r"<h1[^>]*>", body)) == 1 and body.count("The report") == 1
    # The at-a-glance box, displayed by the notebook's last step, comes before the report's body.
    assert body.index("GLANCE_SENTENCE") < body.index("INTRO_TEXT") < body.index("BODY_TABLE")
    assert body.count("GLANCE_SENTENCE") == 1
    # The header speaks the report's language.
    assert "<th>研究</th>" in body and "<th>Study</th>" not in body


def test_header_in_english_without_a_glance(tmp_path):
    path = _executed(tmp_path, "en")
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[-1].outputs = []
    nbformat.write(notebook, path)
    page = render_report(
        path,
        tmp_path / "run.html",
        title="T",
        study="s",
        run_id="r",
        parameters={},
        status="failed",
        generated_at="now",
        error="boom",
    ).read_text(encoding="utf-8")
    assert "<th>Study</th>" in page and "This report failed and is incomplete." in page
