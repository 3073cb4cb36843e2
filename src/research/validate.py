"""``research validate``: a dry run of every report run's preconditions, all problems at once.

Loading a study checks study.yml; a report run needs more: its files readable, the columns,
scales and levels it will use present, its parameters known to its notebook. Each pillar
registers a check for its notebook in :data:`RUN_CHECKS`: its preconditions module's
``check_run(study, parameters) -> list[DataError]`` reads what the run will read and returns
every problem it finds (it does not raise for data problems). A pillar that fails to import is
a problem, not a check left out. :func:`study_problems`
collects the problems of the study definition, of every declared file and of every run.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from research.errors import DataError, validation_problems
from research.io import read_yaml
from research.paths import project_root
from research.reports.params import check_parameters, notebook_parameters
from research.study import (
    SECTION_VALIDATORS,
    ReportRun,
    Study,
    StudyDefinition,
    check_language,
    containment_problems,
    pillar_hook,
    pillar_section_problems,
    resolve_study_folder,
)

#: Notebook file name -> the preconditions module whose ``check_run`` checks a run of it.
RUN_CHECKS: dict[str, str] = {
    "10_interview_coding.ipynb": "research.coding.preconditions",
    "20_survey_statistics.ipynb": "research.survey.preconditions",
    "30_improvement_evaluation.ipynb": "research.evaluation.preconditions",
    "15_feedback_analytics.ipynb": "research.feedback.preconditions",
    "40_journey_analytics.ipynb": "research.journeys.preconditions",
    "50_touchpoint_scorecard.ipynb": "research.scorecard.preconditions",
}


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


#: The study.yml section each pillar notebook needs: a problem there fails only its runs.
RUN_SECTIONS: dict[str, str] = {
    "10_interview_coding.ipynb": "coding",
    "20_survey_statistics.ipynb": "survey",
    "30_improvement_evaluation.ipynb": "evaluation",
    "15_feedback_analytics.ipynb": "feedback",
    "40_journey_analytics.ipynb": "journeys",
}


@dataclass(frozen=True)
class Problem:
    """One problem found by the dry run and what it concerns.

    One run, one pillar section (every run of that pillar), or the whole study (both None).
    """

    run: str | None
    error: DataError
    section: str | None = None

    def __str__(self) -> str:
        where = self.run or (f"{self.section}:" if self.section else None)
        return f"[{where}] {self.error}" if where else str(self.error)


@dataclass
class Validation:
    """What :func:`validate_study` found: the study (None if its definition is unusable) and problems."""

    study: Study | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the dry run found no problem."""
        return not self.problems

    def for_run(self, run_id: str) -> list[DataError]:
        """The problems that stop run *run_id*: its own and its pillar section's (not study-wide)."""
        run = next((r for r in self.study.runs if r.id == run_id), None) if self.study else None
        section = RUN_SECTIONS.get(Path(run.notebook).name) if run else None
        return [
            p.error
            for p in self.problems
            if p.run == run_id or (p.section is not None and p.section == section)
        ]

    @property
    def study_wide(self) -> list[DataError]:
        """The problems that concern the whole study (every run)."""
        return [p.error for p in self.problems if p.run is None and p.section is None]

    def report(self) -> str:
        """All problems, one numbered paragraph each, for the terminal (one alone: one line)."""
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problem(s):"]
        lines += [f"{number}. {problem}" for number, problem in enumerate(self.problems, 1)]
        return "\n".join(lines)


def _definition(folder: Path, root: Path) -> tuple[Study | None, list[DataError]]:
    yml_path = folder / "study.yml"
    try:
        content = read_yaml(yml_path, what="study.yml")
    except DataError as error:
        return None, [error]
    if not isinstance(content, dict):
        return None, [DataError("study.yml must be a mapping of fields", file=yml_path)]
    try:
        definition = StudyDefinition.model_validate(content)
    except ValidationError as exc:
        hint = "See data/raw/sample/study.yml for a complete, valid example."
        return None, validation_problems(exc, file=yml_path, what="study definition", hint=hint)
    return Study(definition, folder, root), []


def _section_problems(study: Study) -> list[Problem]:
    return [
        Problem(None, error, section)
        for section in SECTION_VALIDATORS
        for error in _collect(pillar_section_problems, study, section, what=f"the {section}: section")
    ]


def _collect(function: Callable[..., Any], *args: Any, what: str) -> list[DataError]:
    """Problems raised or returned by a check; an unexpected exception is one problem, not a crash."""
    try:
        found = function(*args)
    except DataError as error:
        return [error]
    except Exception as exc:  # a check's own bug must not hide the other problems
        return [DataError(f"Checking {what} failed: {type(exc).__name__}: {exc}")]
    return list(found) if isinstance(found, list) else []


def _check_run(notebook: str, study: Study, parameters: dict[str, Any]) -> list[DataError]:
    """The problems found by the pillar check of *notebook* (its import failing is one)."""
    return list(pillar_hook(RUN_CHECKS[notebook], "check_run")(study, parameters))


def _parameter_problems(
    study: Study, index: int, run: ReportRun, defaults: dict[str, Any]
) -> list[DataError]:
    problems = []
    where = f"runs[{index}].parameters"
    for name, value in run.parameters.items():
        if name not in defaults:
            close = closest_name(name, list(defaults))
            hint = f"Did you mean {close!r}? " if close else ""
            problems.append(
                DataError(
                    "Unknown notebook parameter",
                    file=study.yml_path,
                    column=f"{where}.{name}",
                    value=value,
                    hint=f"{hint}The notebook's parameters are: {', '.join(defaults) or '(none)'}",
                )
            )
            continue
        try:
            check_parameters({name: value}, defaults, file=study.yml_path, where=where)
            if name == "language" and value:  # every report notebook's label language
                check_language(
                    value,
                    file=study.yml_path,
                    column=f"{where}.language",
                    hint="or leave it empty for the study's main language.",
                )
        except DataError as error:  # a wrong type or value
            problems.append(error)
    return problems


def _run_problems(study: Study) -> list[Problem]:
    problems: list[Problem] = []
    notebooks = study.root / "notebooks"
    for index, run in enumerate(study.runs):
        notebook = notebooks / run.notebook
        if not notebook.is_file():
            known = sorted(p.name for p in notebooks.glob("*.ipynb"))
            close = closest_name(run.notebook, known)
            problems.append(
                Problem(
                    run.id,
                    DataError(
                        "Notebook of a report run not found",
                        file=study.yml_path,
                        column=f"runs[{index}].notebook",
                        value=run.notebook,
                        hint=(f"Did you mean {close!r}? " if close else "")
                        + f"Notebooks: {', '.join(known)}",
                    ),
                )
            )
            continue
        try:
            defaults = notebook_parameters(notebook)
        except DataError as error:
            problems.append(Problem(run.id, error))
            continue
        found = _parameter_problems(study, index, run, defaults)
        if notebook.name in RUN_CHECKS:
            merged = {**defaults, **run.parameters, "study": str(study.folder)}
            found += _collect(_check_run, notebook.name, study, merged, what=f"run {run.id!r}")
        problems += [Problem(run.id, error) for error in found]
    return problems


def validate_study(study: str | Path = "sample", root: Path | None = None) -> Validation:
    """Dry-run every precondition of a study's report runs and collect **all** problems.

    It reads study.yml and every declared file, checks the pillar sections, each run's
    notebook and parameters (a misspelled name gets the closest valid one) and each run's
    pillar check (:data:`RUN_CHECKS`): the columns, scales and levels the run will use.

    Parameters
    ----------
    study : str or Path
        Study name under ``data/raw`` or a path to its folder.
    root : Path, optional
        Project folder (default: found automatically).

    Returns
    -------
    Validation
        ``.ok``, ``.problems`` (each with the run it concerns, or None for the whole study).

    Examples
    --------
    >>> validate_study("sample").ok
    True
    """
    root = Path(root or project_root())
    try:
        folder = resolve_study_folder(study, root)
    except DataError as error:
        return Validation(None, [Problem(None, error)])
    loaded, errors = _definition(folder, root)
    if loaded is None:
        return Validation(None, [Problem(None, e) for e in errors])
    found = [Problem(None, e) for e in containment_problems(loaded)]
    found += _section_problems(loaded) + _run_problems(loaded)
    return Validation(loaded, _unique(found))


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each error once: a run check often finds again what its section's check found."""
    seen: set[str] = set()
    kept = []
    for problem in problems:
        if str(problem.error) not in seen:
            seen.add(str(problem.error))
            kept.append(problem)
    return kept
