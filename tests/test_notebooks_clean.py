"""Every committed notebook follows the contract: no outputs, research kernel, parameters cell."""

from __future__ import annotations

import importlib.util
import json

import nbformat
import pytest
from conftest import PROJECT

from research.reports.params import notebook_parameters

NOTEBOOKS = sorted((PROJECT / "notebooks").glob("*.ipynb"))
# The pre-commit hook's check (scripts/ is not a package).
_spec = importlib.util.spec_from_file_location(
    "check_notebooks_clean", PROJECT / "scripts" / "check_notebooks_clean.py"
)
check_notebooks_clean = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_notebooks_clean)


def test_every_report_notebook_is_checked():
    names = {p.name[:2] for p in NOTEBOOKS}
    assert {"00", "10", "15", "20", "30", "40", "50"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert notebook.nbformat == 4
    nbformat.validate(notebook)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "research"
    assert check_notebooks_clean.dirty_cells(path) == [], "clear the outputs before committing"
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", []), (
        "the first code cell must be tagged 'parameters'"
    )
    defaults = notebook_parameters(path)  # plain literals only
    assert defaults.get("study") == "sample" and defaults.get("output_dir") == ""
    last = notebook.cells[-1]
    assert last.cell_type == "code" and "finish(" in last.source, (
        "the last cell calls research.reports.finish"
    )
    assert any(c.cell_type == "markdown" and "Provenance" in c.source for c in notebook.cells[-3:]), (
        "a 'Provenance' Markdown heading precedes the finish cell"
    )


def test_the_hook_flags_outputs_and_execution_counts(tmp_path, capsys):
    notebook = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    code[0]["execution_count"] = 3
    code[1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["a phone number\n"]}]
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(json.dumps(notebook), encoding="utf-8")
    assert check_notebooks_clean.main([str(dirty), str(NOTEBOOKS[0])]) == 1
    out = capsys.readouterr().out
    assert "has an execution count" in out and "has outputs" in out
    assert str(NOTEBOOKS[0]) not in out
