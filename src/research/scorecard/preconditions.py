"""The dry run of a notebook-50 report run (touchpoint scorecard): every problem, before it runs.

:func:`check_run` is meant for :data:`research.validate.RUN_CHECKS`
(``"50_touchpoint_scorecard.ipynb": "research.scorecard.preconditions:check_run"``). It checks
the run's ``inputs`` name other runs of the study and the priority weights are usable; it
returns the problems as :class:`~research.errors.DataError` and raises for none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from research.errors import DataError
from research.scorecard.priority import _check_priority_weights
from research.study import report_language_problems

if TYPE_CHECKING:
    from research.study import Study


def check_run(study: Study, parameters: dict[str, Any]) -> list[DataError]:
    """Every problem of a scorecard run's parameters (an empty list when it can run).

    Examples
    --------
    >>> from research import load_study
    >>> [p.message for p in check_run(load_study("sample"), {"inputs": ["nope"], "weight_gap": -1})]
    ['Unknown report run', 'Priority weights must be non-negative numbers, not all 0']
    """
    problems: list[DataError] = []
    known = [run.id for run in study.runs]
    for run_id in parameters.get("inputs") or []:
        if run_id not in known:
            problems.append(
                DataError(
                    "Unknown report run",
                    file=study.yml_path,
                    column="inputs",
                    value=run_id,
                    hint=f"Run ids of the study: {known}",
                )
            )
    weights = {name: parameters.get(f"weight_{name}", 1.0) for name in ("importance", "gap", "pain")}
    try:
        _check_priority_weights({k: float(v) for k, v in weights.items()})
    except DataError as error:
        problems.append(
            DataError(error.message, file=study.yml_path, column="weight_*", value=weights, hint=error.hint)
        )
    except (TypeError, ValueError):
        problems.append(
            DataError(
                "Priority weights must be numbers",
                file=study.yml_path,
                column="weight_*",
                value=weights,
                hint="Use e.g. weight_gap: 1.5",
            )
        )
    return problems + report_language_problems(study, parameters.get("language"))
