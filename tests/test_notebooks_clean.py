"""Every committed notebook follows the contract: no outputs, research kernel, parameters cell."""

from __future__ import annotations

import nbformat
import pytest
from conftest import PROJECT

from research.reports.params import notebook_parameters

NOTEBOOKS = sorted((PROJECT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert any(p.name == "00_touchpoint_inventory.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert notebook.nbformat == 4
    nbformat.validate(notebook)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "research"
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            assert cell.get("outputs") == [], f"cell {number} has outputs: clear them before committing"
            assert cell.get("execution_count") is None, f"cell {number} has an execution count"
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
