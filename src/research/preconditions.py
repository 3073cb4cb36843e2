"""What every pillar's run check (``check_run`` in its ``preconditions`` module) shares.

Examples
--------
>>> from research import load_study
>>> study = load_study("sample")
>>> [p.column for p in unknown_choice(study, {"unit": "word"}, "unit", ["turn", "sentence"])]
['unit']
>>> unknown_choice(study, {"unit": ""}, "unit", ["turn", "sentence"])
[]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from research.errors import DataError
from research.study import Study


def unknown_choice(
    study: Study,
    parameters: Mapping[str, Any],
    name: str,
    allowed: Sequence[str],
    *,
    message: str = "",
    hint: str = "",
) -> list[DataError]:
    """The problem of a run parameter set to a value it does not allow (none when it is empty).

    Parameters
    ----------
    study : Study
        The study whose study.yml the run belongs to (named in the error).
    parameters : mapping
        The run's parameters.
    name : str
        The parameter checked.
    allowed : sequence of str
        Its allowed values.
    message, hint : str, optional
        What is wrong and what to do (default: "Unknown <name>" and the allowed values).

    Returns
    -------
    list of DataError
        One problem, naming the parameter and its value, or none.
    """
    value = parameters.get(name) or ""
    if not value or value in allowed:
        return []
    return [
        DataError(
            message or f"Unknown {name}",
            file=study.yml_path,
            column=name,
            value=value,
            hint=hint or f"Use one of {list(allowed)} or leave it empty.",
        )
    ]
