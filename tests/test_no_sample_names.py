"""Nothing outside research.sample names the sample study's columns, KPIs, segments, touchpoints,
waves or coders: a researcher's own study will not have them (names come from study.yml or from
a run's parameters)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "raw" / "sample"
PACKAGE = PROJECT / "src" / "research"


def sample_names() -> set[str]:
    """The sample's own names, read from its study.yml and codings (not typed in here)."""
    study = yaml.safe_load((SAMPLE / "study.yml").read_text(encoding="utf-8"))
    survey, evaluation = study["survey"], study["evaluation"]
    names = {t["id"] for t in study["touchpoints"]}
    names |= {k["column"] for k in evaluation["kpis"]}
    names |= set(survey["segments"]) - {"channel"}  # "channel" is also the catalog's field name
    # outcome roles (overall, nps, ces) are the schema's vocabulary; the items behind them count
    names |= set(survey["items"]) | set(survey["waves"])
    names |= {evaluation["time_column"]}  # its unit column is the generic word "unit"
    for file in study["coding"]["codings"]:
        codings = pd.read_csv(SAMPLE / study["files"][file]["path"], usecols=["coder"])
        names |= set(codings["coder"].astype(str))
    return names


def _notebook_code(path: Path) -> list[tuple[str, str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        (f"{path.name} cell {index}", "".join(cell["source"]))
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code"
    ]


def _string_constants(source: str) -> list[str]:
    """String literals of Python code, docstrings left out (their examples run on the sample)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def test_sample_names_are_read_from_the_sample():
    names = sample_names()
    # A few known members, to be sure the set is not empty by accident.
    assert len(names) > 30


@pytest.mark.parametrize("notebook", sorted(PROJECT.glob("notebooks/*.ipynb")), ids=lambda p: p.name)
def test_notebooks_name_nothing_of_the_sample(notebook):
    names = sample_names()
    found = [
        (where, value)
        for where, source in _notebook_code(notebook)
        for value in _string_constants(_strip_magics(source))
        if value in names
    ]
    assert not found, f"sample names in {notebook.name}: {found}"


#: Sample names that are also plain words of package code (pydantic's mode="after", a pre/post
#: design's "before" and "after" arrays, pairwise groups "A" and "B"); notebooks may not use them.
PLAIN_WORDS = {"before", "after", "A", "B"}


def test_package_names_nothing_of_the_sample_outside_research_sample():
    names = sample_names() - PLAIN_WORDS
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "sample" in path.relative_to(PACKAGE).parts:
            continue
        for value in _string_constants(path.read_text(encoding="utf-8")):
            if value in names:
                found.append((str(path.relative_to(PROJECT)), value))
    assert not found, f"sample names in package code: {found}"
