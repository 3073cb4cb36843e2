"""finish(): results.json with the at-a-glance summary; the provenance table in the report's language."""

from __future__ import annotations

import json

from research import load_study
from research.reports.notebook import finish


def test_finish_keeps_the_summary_and_speaks_the_language(minimal_study, tmp_path, capsys):
    minimal_study()
    study = load_study("mini")
    table = finish(
        {"x": 1},
        study=study,
        parameters={"x": 1},
        output_dir=tmp_path,
        notebook="n.ipynb",
        inputs=[],
        summary=["第一句。", "第二句。"],
        language="zh",
    )
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    assert saved["at_a_glance"] == ["第一句。", "第二句。"] and saved["x"] == 1
    assert capsys.readouterr().out.strip() == "第一句。 第二句。"  # shown (outside Jupyter: printed)
    assert table["item"].tolist()[:2] == ["研究", "生成时间 (UTC)"] and "参数 x" in table["item"].tolist()
    english = finish({}, study=study, parameters={}, output_dir=tmp_path, notebook="n.ipynb", inputs=[])
    assert english["item"].tolist()[:2] == ["study", "generated at (UTC)"]
    assert "at_a_glance" not in json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
