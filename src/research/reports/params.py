"""A notebook's ``parameters`` cell: read its defaults and check a run's parameters against them.

The batch runner validates every run before executing anything, so a typo in study.yml
(``langauge: en``) or a wrong type (``alpha: "0.05"``) stops the batch with a clear message
instead of a notebook silently running with its defaults. The cell is parsed with :mod:`ast`,
never executed: its plain literal assignments are the notebook's parameters, and the type of
each default is the type the parameter accepts (an ``int`` is accepted for a ``float``, a
``None`` default accepts anything).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from research.errors import DataError

#: The tag papermill looks for on the cell holding a notebook's defaults.
PARAMETERS_TAG = "parameters"


def _cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def parameters_cell(notebook: dict[str, Any], *, file: str | Path | None = None) -> str:
    """Source of the code cell tagged ``parameters`` in a notebook (nbformat 4 dict)."""
    for cell in notebook.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and PARAMETERS_TAG in tags:
            return _cell_source(cell)
    raise DataError(
        "The notebook has no code cell tagged 'parameters'",
        file=file,
        hint='Tag its first code cell \'parameters\' (cell metadata {"tags": ["parameters"]}).',
    )


def parse_parameters(source: str, *, file: str | Path | None = None) -> dict[str, Any]:
    r"""Defaults assigned in a parameters cell, by name, in order.

    Parameters
    ----------
    source : str
        The cell's Python source: plain ``name = literal`` assignments (annotations allowed),
        comments and blank lines.
    file : str or Path, optional
        The notebook, for error messages.

    Returns
    -------
    dict
        Parameter name -> default value.

    Raises
    ------
    DataError
        If the cell is not valid Python or a default is not a literal.

    Examples
    --------
    >>> parse_parameters('study = "sample"  # the study\nalpha: float = 0.05\nwaves = ["a", "b"]')
    {'study': 'sample', 'alpha': 0.05, 'waves': ['a', 'b']}
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise DataError(
            f"The parameters cell is not valid Python: {exc.msg}",
            file=file,
            row=exc.lineno,
            hint='Keep the parameters cell to plain assignments such as  language = "zh".',
        ) from None
    defaults: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        try:
            defaults[target.id] = ast.literal_eval(value)
        except ValueError:
            raise DataError(
                "A default in the parameters cell is not a plain literal",
                file=file,
                column=target.id,
                value=ast.get_source_segment(source, value),
                hint="Parameters must be literals (numbers, strings, lists, dicts, True/False/None) "
                "so they can be checked and overridden; compute derived values in a later cell.",
            ) from None
    return defaults


def notebook_parameters(path: str | Path) -> dict[str, Any]:
    r"""Defaults of the ``parameters`` cell of the notebook file at *path*.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...                  "source": "study = 'sample'\noutput_dir = ''"}]}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> _ = path.write_text(json.dumps(nb))
    >>> notebook_parameters(path)
    {'study': 'sample', 'output_dir': ''}
    """
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            "Notebook not found",
            file=path,
            hint="Check the run's 'notebook' in study.yml (relative to notebooks/).",
        ) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"The notebook is not valid JSON: {exc.msg}", file=path, row=exc.lineno) from None
    return parse_parameters(parameters_cell(notebook, file=path), file=path)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _accepts(default: Any, value: Any) -> bool:
    if default is None:
        return True
    # bool is an int subclass: keep True/False out of numeric parameters and vice versa.
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def check_parameters(
    given: dict[str, Any],
    defaults: dict[str, Any],
    *,
    file: str | Path | None = None,
    where: str = "parameters",
) -> None:
    """Raise :class:`DataError` if a given parameter is unknown or of the wrong type.

    Parameters
    ----------
    given : dict
        The parameters a run sets.
    defaults : dict
        The notebook's defaults (see :func:`parse_parameters`).
    file : str or Path, optional
        Where the parameters come from (study.yml), for the message.
    where : str
        Field path of the parameters, e.g. ``"runs[2].parameters"``.

    Examples
    --------
    >>> check_parameters({"alpha": 1}, {"alpha": 0.05})  # int is fine for a float
    >>> try:
    ...     check_parameters({"langauge": "en"}, {"language": ""})
    ... except DataError as error:
    ...     print(error.message, "|", error.hint)
    Unknown notebook parameter | The notebook's parameters are: language
    """
    for name, value in given.items():
        if name not in defaults:
            raise DataError(
                "Unknown notebook parameter",
                file=file,
                column=f"{where}.{name}",
                value=value,
                hint=f"The notebook's parameters are: {', '.join(defaults) or '(none)'}",
            )
        default = defaults[name]
        if not _accepts(default, value):
            raise DataError(
                f"Wrong type for notebook parameter {name!r}: expected {_type_name(default)} "
                f"(the notebook's default is {default!r}), got {_type_name(value)}",
                file=file,
                column=f"{where}.{name}",
                value=value,
                hint="Fix the value in study.yml (quote strings, leave numbers unquoted).",
            )
