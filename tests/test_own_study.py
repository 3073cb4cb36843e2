"""A researcher's own study from the smallest study.yml: what every study gets without the
sample's catalog, and what `research validate` says about a broken one."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from conftest import PROJECT

from research.cli import main
from research.reports.runner import run_reports
from research.study import load_study


def _bare_study(root, **content):
    folder = root / "data" / "raw" / "bare"
    folder.mkdir(parents=True)
    (folder / "study.yml").write_text(yaml.safe_dump({"name": "bare", **content}), encoding="utf-8")
    shutil.copytree(PROJECT / "notebooks", root / "notebooks")
    return folder


def test_a_name_is_a_whole_study(project_copy):
    _bare_study(project_copy)
    study = load_study("bare")
    assert study.title == "bare" and study.language == "en" and not study.has_catalog
    assert study.touchpoint_label("any_id") == "any_id"  # ids are plain labels without a catalog
    assert study.catalog.empty and "touchpoint" in study.catalog.columns


@pytest.mark.slow
def test_inventory_without_a_catalog_renders_with_one_sentence(project_copy):
    _bare_study(
        project_copy,
        runs=[{"id": "inventory", "notebook": "00_touchpoint_inventory.ipynb", "title": "Inventory"}],
    )
    result = run_reports("bare", progress=False, root=project_copy)
    assert [o.status for o in result.outcomes] == ["ok"], result.outcomes[0].error
    page = (project_copy / "reports" / "bare" / "inventory.html").read_text(encoding="utf-8")
    assert "The study declares no touchpoint catalog." in page
    assert str(project_copy) not in page
    results = json.loads(
        (project_copy / "reports" / "bare" / "inventory" / "results.json").read_text(encoding="utf-8")
    )
    assert results["results"]["n_touchpoints"] == 0
    assert [n["section"] for n in results["results"]["notes"]] == ["catalog"]


def test_validate_names_a_misspelled_parameter_and_its_closest_name(project_copy, capsys):
    _bare_study(
        project_copy,
        runs=[
            {
                "id": "inventory",
                "notebook": "00_touchpoint_inventory.ipynb",
                "title": "Inventory",
                "parameters": {"langauge": "en"},
            },
            {"id": "other", "notebook": "00_touchpoint_inventry.ipynb", "title": "Typo"},
        ],
        files={"gone": {"path": "nowhere.csv", "role": "other"}},
    )
    assert main(["validate", "--study", "bare"]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s)" in err
    assert "Did you mean 'language'?" in err and "runs[0].parameters.langauge" in err
    assert "Did you mean '00_touchpoint_inventory.ipynb'?" in err
    assert "files.gone.path" in err
    assert str(project_copy) not in err  # paths relative to the project
