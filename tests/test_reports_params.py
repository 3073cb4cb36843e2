"""Parameters cells: parsing with ast and checking run parameters before anything executes."""

from __future__ import annotations

import json

import pytest

from research import DataError
from research.reports.params import check_parameters, notebook_parameters, parse_parameters

CELL = """
study = "sample"  # the study
output_dir = ""  # set by the runner
alpha: float = 0.05
n_top = 10
language = None  # anything goes
flags = {"weighted": True}
show = False
"""


def test_parse_reads_literal_defaults_in_order():
    defaults = parse_parameters(CELL)
    assert list(defaults) == ["study", "output_dir", "alpha", "n_top", "language", "flags", "show"]
    assert defaults["alpha"] == 0.05 and defaults["flags"] == {"weighted": True}


def test_parse_rejects_non_literal_default():
    with pytest.raises(DataError, match="not a plain literal") as info:
        parse_parameters("study = 'x'\nwaves = list(range(3))", file="nb.ipynb")
    assert info.value.column == "waves" and info.value.file == "nb.ipynb"


def test_parse_reports_syntax_error_line():
    with pytest.raises(DataError, match="not valid Python") as info:
        parse_parameters("study = 'x'\nalpha = = 1")
    assert info.value.row == 2


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        ({"alpha": 0.1}, True),
        ({"alpha": 1}, True),  # int accepted for float
        ({"n_top": 2.5}, False),  # float not accepted for int
        ({"n_top": True}, False),  # bool is not a count
        ({"show": 1}, False),  # nor a count a flag
        ({"show": True}, True),
        ({"language": ["zh", "en"]}, True),  # None default accepts anything
        ({"study": 3}, False),
        ({"flags": {"weighted": False}}, True),
        ({"flags": ["weighted"]}, False),
    ],
)
def test_check_types(given, ok):
    defaults = parse_parameters(CELL)
    if ok:
        check_parameters(given, defaults)
    else:
        with pytest.raises(DataError, match="Wrong type"):
            check_parameters(given, defaults, file="study.yml", where="runs[0].parameters")


def test_check_unknown_name_lists_known_ones():
    with pytest.raises(DataError, match="Unknown notebook parameter") as info:
        check_parameters(
            {"langauge": "en"}, parse_parameters(CELL), file="study.yml", where="runs[1].parameters"
        )
    assert info.value.column == "runs[1].parameters.langauge"
    assert "language" in info.value.hint


def test_notebook_without_parameters_cell(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "x = 1"}]}))
    with pytest.raises(DataError, match="tagged 'parameters'"):
        notebook_parameters(path)
    with pytest.raises(DataError, match="Notebook not found"):
        notebook_parameters(tmp_path / "missing.ipynb")
