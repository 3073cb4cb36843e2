"""``research validate``: a dry run of every report run's preconditions, all problems at once.

Loading a study checks study.yml; a report run needs more: its files readable, the columns,
scales and levels it will use present, its parameters known to its notebook. Each pillar
registers a check for its notebook in :data:`RUN_CHECKS`: a function
``check_run(study, parameters) -> list[DataError]`` that reads what the run will read and
returns every problem it finds (it does not raise for data problems). :func:`study_problems`
collects the problems of the study definition, of every declared file and of every run.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from research.errors import DataError

#: Notebook file name -> "module:function" checking a run of it (see module docstring).
RUN_CHECKS: dict[str, str] = {
    "10_interview_coding.ipynb": "research.coding.preconditions:check_run",
    "20_survey_statistics.ipynb": "research.survey.preconditions:check_run",
    "30_improvement_evaluation.ipynb": "research.evaluation.preconditions:check_run",
}

RunCheck = Callable[[Any, dict[str, Any]], list[DataError]]


def closest_name(name: str, candidates: list[str]) -> str | None:
    """The candidate closest to a misspelled *name*, or None if none is close.

    Examples
    --------
    >>> closest_name("langauge", ["study", "language", "output_dir"])
    'language'
    >>> closest_name("zzz", ["study"]) is None
    True
    """
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _run_check(notebook: str) -> RunCheck | None:
    target = RUN_CHECKS.get(Path(notebook).name)
    if target is None:
        return None
    module_name, function_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    return getattr(module, function_name, None)
