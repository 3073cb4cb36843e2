"""The study definition: one ``study.yml`` per study folder under ``data/raw/<study>/``.

A study names its language(s), its journey stages, its touchpoint catalog, its data files and
their roles, and its report runs. Pillar sections (``coding``, ``survey``, ``evaluation``,
``journeys``, ``feedback``) are validated by the pillar that owns them, registered in
:data:`SECTION_VALIDATORS`: when the pillar loads its data, by ``research validate`` for all of
them at once, or on load with ``load_study(..., check_sections=True)``. A pillar whose module
fails to import is an error, never a section left unchecked.

The catalog follows the usual classification of touchpoints in customer-experience research:
journey stage, purchase phase (pre-purchase, purchase, usage, feedback; Lemon & Verhoef 2016),
channel (online/offline), type (physical, digital, interpersonal), visibility (front-stage or
back-stage, after service blueprinting; Bitner, Ostrom & Morgan 2008), lifecycle (creation,
development, maturity, decline), owner, and the synonyms used to find mentions in text.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, Literal, cast, get_args

import pandas as pd
from pydantic import Field, field_validator, model_validator

from research.config import StrictModel
from research.errors import DataError, FieldProblem, validated
from research.io import read_yaml
from research.paths import processed_dir, project_root, raw_dir, reports_dir

DEFAULT_STAGES = ["awareness", "consideration", "decision", "purchase", "after-sales"]
Phase = Literal["pre-purchase", "purchase", "usage", "feedback"]
Channel = Literal["online", "offline"]
TouchpointType = Literal["physical", "digital", "interpersonal"]
Visibility = Literal["front-stage", "back-stage"]
Lifecycle = Literal["creation", "development", "maturity", "decline"]
FileRole = Literal[
    "transcripts",
    "respondents",
    "codebook",
    "codings",
    "survey",
    "margins",
    "kpi_series",
    "event_log",
    "feedback",
    "other",
]
PHASES: tuple[str, ...] = get_args(Phase)
CHANNELS: tuple[str, ...] = get_args(Channel)
TOUCHPOINT_TYPES: tuple[str, ...] = get_args(TouchpointType)
VISIBILITIES: tuple[str, ...] = get_args(Visibility)
LIFECYCLES: tuple[str, ...] = get_args(Lifecycle)
FILE_ROLES: tuple[str, ...] = get_args(FileRole)

#: Pillar sections of study.yml and the schema module of the pillar that checks each. Every one
#: defines the same hook, ``validate_section(study) -> list[DataError]``: the section's problems
#: (an empty list when it is valid).
SECTION_VALIDATORS: dict[str, str] = {
    "coding": "research.coding.schema",
    "survey": "research.survey.schema",
    "evaluation": "research.evaluation.schema",
    "feedback": "research.feedback.schema",
    "journeys": "research.journeys.schema",
}


#: Languages of labels, texts and reports.
LANGUAGES = ("zh", "en")


def check_language(
    language: Any, *, file: str | Path | None = None, column: str = "language", hint: str = ""
) -> str:
    """*language* if it is one of :data:`LANGUAGES`, else a DataError naming the field.

    Examples
    --------
    >>> check_language("zh")
    'zh'
    >>> check_language("fr", file="study.yml", column="files.transcripts.options.language")
    Traceback (most recent call last):
    ...
    research.errors.DataError: Unsupported language [file study.yml, column
    'files.transcripts.options.language', value 'fr']. Allowed values: 'zh' or 'en'.
    """
    if language not in LANGUAGES:
        raise DataError(
            "Unsupported language",
            file=file,
            column=column,
            value=language,
            hint="Allowed values: "
            + " or ".join(repr(x) for x in LANGUAGES)
            + (f"; {hint}" if hint else "."),
        )
    return str(language)


def report_language_problems(study: Study, language: Any) -> list[DataError]:
    """A run's ``language`` parameter must be one of the study's languages (or empty).

    Examples
    --------
    >>> [p.message for p in report_language_problems(load_study("sample"), "fr")]
    ['Report language not declared by the study']
    >>> report_language_problems(load_study("sample"), "")
    []
    """
    languages = list(study.definition.languages)
    if not language or language in languages:
        return []
    return [
        DataError(
            "Report language not declared by the study",
            file=study.yml_path,
            column="language",
            value=language,
            hint=f"Use one of {languages} or leave it empty.",
        )
    ]


#: A study name: a plain identifier, also the name of its folders under data/ and reports/.
STUDY_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"

_CATALOG_COLUMNS = (
    "touchpoint",
    "name_zh",
    "name_en",
    "stage",
    "phase",
    "channel",
    "type",
    "visibility",
    "lifecycle",
    "owner",
    "synonyms",
)


class Names(StrictModel):
    """A label in each language of the study."""

    zh: str | None = None
    en: str | None = None

    def get(self, language: str) -> str:
        """The label in *language*, falling back to the other language."""
        primary = getattr(self, language, None)
        return primary or self.en or self.zh or ""


class Touchpoint(StrictModel):
    """One place where the customer meets the company."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Names
    stage: str
    phase: Phase
    channel: Channel
    type: TouchpointType
    visibility: Visibility = "front-stage"
    lifecycle: Lifecycle = "maturity"
    owner: str = ""
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    description: str = ""


class DataFile(StrictModel):
    """A data file (or folder of files) of the study and its role."""

    path: str
    role: FileRole
    description: str = ""
    encoding: str | None = None
    sheet: str | int | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class ReportRun(StrictModel):
    """One report: a notebook executed with one parameter set."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    notebook: str
    title: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict)
    #: Ids of the runs whose results this run reads: the batch runs them first, and re-runs this
    #: one when their results change.
    needs: list[str] = Field(default_factory=list)

    @property
    def display_title(self) -> str:
        """The run's title, or its id when study.yml gives none."""
        return self.title or self.id


class StudyDefinition(StrictModel):
    """The validated content of ``study.yml``."""

    name: str = Field(pattern=STUDY_NAME_PATTERN)
    title: str = ""
    languages: list[Literal["zh", "en"]] = Field(default_factory=lambda: ["en"], min_length=1)  # type: ignore[arg-type]
    description: str = ""
    stages: list[str] = Field(default_factory=lambda: list(DEFAULT_STAGES), min_length=1)
    stage_names: dict[str, Names] = Field(default_factory=dict)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    files: dict[str, DataFile] = Field(default_factory=dict)
    runs: list[ReportRun] = Field(default_factory=list)
    coding: dict[str, Any] | None = None
    survey: dict[str, Any] | None = None
    evaluation: dict[str, Any] | None = None
    journeys: dict[str, Any] | None = None
    feedback: dict[str, Any] | None = None

    @field_validator("stages")
    @classmethod
    def _unique_stages(cls, stages: list[str]) -> list[str]:
        if len(set(stages)) != len(stages):
            raise ValueError(f"stages must be unique, got {stages}")
        return stages

    @model_validator(mode="after")
    def _cross_checks(self) -> StudyDefinition:
        ids = [t.id for t in self.touchpoints]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate touchpoint id(s) {dupes}")
        for index, touchpoint in enumerate(self.touchpoints):
            if touchpoint.stage not in self.stages:
                raise FieldProblem(
                    f"touchpoints[{index}].stage",
                    touchpoint.stage,
                    f"unknown journey stage; allowed: {self.stages}",
                )
        for key in self.stage_names:
            if key not in self.stages:
                raise FieldProblem(f"stage_names.{key}", key, f"not a stage; allowed: {self.stages}")
        run_ids = [r.id for r in self.runs]
        dupes = sorted({i for i in run_ids if run_ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate run id(s) {dupes}")
        _check_needs(self.runs)
        return self


def _check_needs(runs: list[ReportRun]) -> None:
    """Every ``needs`` entry names another run, and no run needs itself through a cycle."""
    run_ids = [r.id for r in runs]
    for index, run in enumerate(runs):
        for position, needed in enumerate(run.needs):
            if needed not in run_ids or needed == run.id:
                raise FieldProblem(
                    f"runs[{index}].needs[{position}]",
                    needed,
                    f"not another run of this study; run ids: {run_ids}",
                )
    try:
        tuple(TopologicalSorter({r.id: r.needs for r in runs}).static_order())
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise FieldProblem("runs[].needs", cycle, "runs need each other in a cycle; remove one") from None


def require_declared(
    study: Study, value: Any, declared: list[str], message: str, column: str, listing: str
) -> None:
    """Raise :class:`DataError` unless *value* is one of the ids study.yml *declared* under *column*.

    Parameters
    ----------
    study : Study
        The study whose study.yml the error names.
    value : Any
        The id asked for.
    declared : list of str
        The ids study.yml declares.
    message : str
        The error's message.
    column : str
        The study.yml key the ids are declared under.
    listing : str
        The words before the ids in the hint (``"<listing>: [ids]"``).

    Raises
    ------
    DataError
        *value* is not declared.

    Examples
    --------
    >>> study = load_study("sample")
    >>> require_declared(study, "nope", ["a", "b"], "Unknown run", "runs", "Run ids")
    Traceback (most recent call last):
    ...
    research.errors.DataError: Unknown run [file ..., column 'runs', value 'nope']. Run ids: ['a', 'b']
    """
    if value not in declared:
        raise DataError(
            message, file=study.yml_path, column=column, value=value, hint=f"{listing}: {declared}"
        )


class Study:
    """A loaded, validated study: definition plus the folders it lives in.

    Use :func:`load_study` to create one.
    """

    def __init__(self, definition: StudyDefinition, folder: Path, root: Path) -> None:
        self.definition = definition
        self.folder = folder
        self.root = root

    def __repr__(self) -> str:
        return f"Study({self.name!r}, {len(self.touchpoints)} touchpoints, {len(self.runs)} runs)"

    @property
    def name(self) -> str:
        """The study's name: its folder's under data/raw, data/processed and reports."""
        return self.definition.name

    @property
    def title(self) -> str:
        """The study's title, or its name when study.yml gives none."""
        return self.definition.title or self.name

    @property
    def has_catalog(self) -> bool:
        """True if study.yml declares a touchpoint catalog (``touchpoints:``)."""
        return bool(self.definition.touchpoints)

    @property
    def language(self) -> str:
        """The study's first (main) language: labels of figures and verdicts use it."""
        return self.definition.languages[0]

    @property
    def stages(self) -> list[str]:
        """The journey stages, in order."""
        return list(self.definition.stages)

    @property
    def touchpoints(self) -> list[Touchpoint]:
        """The touchpoint catalog (empty without one)."""
        return list(self.definition.touchpoints)

    @property
    def runs(self) -> list[ReportRun]:
        """The study's report runs."""
        return list(self.definition.runs)

    @property
    def yml_path(self) -> Path:
        """The study's ``study.yml``."""
        return self.folder / "study.yml"

    @property
    def processed_dir(self) -> Path:
        """``data/processed/<study>``: derived files of this study."""
        return processed_dir(self.root) / self.name

    @property
    def reports_dir(self) -> Path:
        """``reports/<study>``: rendered reports of this study."""
        return reports_dir(self.root) / self.name

    def stage_label(self, stage: str, language: str | None = None) -> str:
        """Display name of a journey stage in *language* (default: the study's)."""
        names = self.definition.stage_names.get(stage)
        return names.get(language or self.language) if names else stage

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """The touchpoint with this id; unknown ids raise :class:`DataError`."""
        if not self.has_catalog:
            raise DataError(
                "The study has no touchpoint catalog",
                file=self.yml_path,
                column="touchpoints",
                value=touchpoint_id,
                hint="Add a touchpoints: list to study.yml (see data/raw/sample/study.yml).",
            )
        ids = [t.id for t in self.touchpoints]
        require_declared(self, touchpoint_id, ids, "Unknown touchpoint", "touchpoints", "Known touchpoints")
        return self.touchpoints[ids.index(touchpoint_id)]

    def touchpoint_label(self, touchpoint_id: str, language: str | None = None) -> str:
        """Display name of a touchpoint in *language* (default: the study's).

        Without a catalog, touchpoint ids are plain labels and are shown as they are.
        """
        if not self.has_catalog:
            return str(touchpoint_id)
        return self.touchpoint(touchpoint_id).name.get(language or self.language)

    def known_touchpoint(self, touchpoint_id: str) -> bool:
        """True if *touchpoint_id* may be used: in the catalog, or any id without a catalog."""
        return not self.has_catalog or any(t.id == touchpoint_id for t in self.touchpoints)

    @cached_property
    def catalog(self) -> pd.DataFrame:
        """The touchpoint catalog as a tidy table, one row per touchpoint, in stage order."""
        rows = []
        for t in self.definition.touchpoints:
            rows.append(
                {
                    "touchpoint": t.id,
                    "name_zh": t.name.zh,
                    "name_en": t.name.en,
                    "stage": t.stage,
                    "phase": t.phase,
                    "channel": t.channel,
                    "type": t.type,
                    "visibility": t.visibility,
                    "lifecycle": t.lifecycle,
                    "owner": t.owner,
                    "synonyms": "; ".join(s for words in t.synonyms.values() for s in words),
                }
            )
        frame = pd.DataFrame(rows, columns=list(_CATALOG_COLUMNS))
        frame["stage"] = pd.Categorical(frame["stage"], categories=self.stages, ordered=True)
        return frame.sort_values(["stage", "touchpoint"], kind="stable").reset_index(drop=True)

    def file_spec(self, file_id: str) -> DataFile:
        """The declared data file *file_id* (see ``files:`` in study.yml)."""
        declared = sorted(self.definition.files)
        require_declared(self, file_id, declared, "Unknown data file id", "files", "Declared files")
        return self.definition.files[file_id]

    def file(self, file_id: str) -> Path:
        """Absolute path of the declared data file (or folder) *file_id*."""
        return self.folder / self.file_spec(file_id).path

    def files_with_role(self, role: str) -> dict[str, DataFile]:
        """The declared files whose role is *role*, by id."""
        return {k: v for k, v in self.definition.files.items() if v.role == role}

    def section(self, name: str) -> dict[str, Any]:
        """A pillar section of study.yml (``coding``, ``survey``, ...), empty if absent."""
        return dict(getattr(self.definition, name) or {})


def containment_problems(study: Study) -> list[DataError]:
    """Problems with where a study reads and writes: each one a :class:`DataError` naming the field.

    The study's ``name`` must be its folder's name (it names the study's folders under
    ``data/processed`` and ``reports``, so a copied study that kept another's name would
    overwrite that study's reports), and no other study under ``data/raw`` may have it. Every
    declared file must exist inside the study folder, symbolic links resolved.

    Examples
    --------
    >>> containment_problems(load_study("sample"))
    []
    """
    problems = []
    yml = study.yml_path
    if study.name != study.folder.name:
        problems.append(
            DataError(
                "The study's name is not its folder's name",
                file=yml,
                column="name",
                value=study.name,
                hint=f"Set  name: {study.folder.name}  (or rename the folder): the name decides where "
                "its reports are written.",
            )
        )
    elif (raw_dir(study.root) / study.name).resolve() not in (study.folder.resolve(),) and (
        raw_dir(study.root) / study.name / "study.yml"
    ).exists():
        problems.append(
            DataError(
                "Another study under data/raw has this name",
                file=yml,
                column="name",
                value=study.name,
                hint="Rename this study's folder and its name: both would write the same reports.",
            )
        )
    inside = study.folder.resolve()
    for file_id, spec in study.definition.files.items():
        field = f"files.{file_id}.path"
        target = study.folder / spec.path
        if Path(spec.path).is_absolute() or not target.resolve().is_relative_to(inside):
            problems.append(
                DataError(
                    "The path points outside the study folder",
                    file=yml,
                    column=field,
                    value=spec.path,
                    hint="Copy the file into the study folder and give its path relative to study.yml; "
                    "a study reads only its own folder.",
                )
            )
        elif not target.exists():
            problems.append(
                DataError(
                    "Declared data file does not exist",
                    file=yml,
                    column=field,
                    value=spec.path,
                    hint="Paths are relative to the study folder; fix the path or remove the entry.",
                )
            )
    return problems


def resolve_study_folder(study: str | Path, root: Path | None = None) -> Path:
    """Folder of a study given its name (``sample``) or a path to its folder or study.yml."""
    candidate = Path(study)
    if candidate.name == "study.yml":
        candidate = candidate.parent
    if candidate.is_dir() and (candidate / "study.yml").exists():
        return candidate.resolve()
    folder = raw_dir(root) / str(study)
    if (folder / "study.yml").exists():
        return folder
    known = sorted(p.parent.name for p in raw_dir(root).glob("*/study.yml"))
    raise DataError(
        "No such study",
        file=folder / "study.yml",
        value=str(study),
        hint=f"Known studies under data/raw: {known}. A study is a folder with a study.yml.",
    )


def load_study(
    study: str | Path = "sample", root: Path | None = None, *, check_sections: bool = False
) -> Study:
    """Load and validate a study definition.

    The pillar sections (``coding``, ``survey``, ``evaluation``) are validated by their pillar
    when a report loads its data, so a problem in one pillar fails only the runs that use it
    (``research validate`` checks them all). ``check_sections=True`` validates them now.

    Parameters
    ----------
    study : str or Path
        A study name under ``data/raw`` (``"sample"``), or a path to a study folder or its
        ``study.yml``.
    root : Path, optional
        Project folder; found automatically if omitted (see :func:`research.paths.project_root`).
    check_sections : bool
        Also validate every pillar section and the data files it names, now.

    Returns
    -------
    Study

    Raises
    ------
    DataError
        For YAML syntax errors, a wrong or unknown field, an unknown touchpoint or stage, a
        declared data file that does not exist or lies outside the study folder, a name that
        is not the folder's, or (``check_sections=True``) a problem in a pillar section. The
        message names the file, the field and what is allowed.

    Examples
    --------
    >>> study = load_study("sample")
    >>> study.touchpoint("hotline").channel
    'offline'
    """
    root = root or project_root()
    folder = resolve_study_folder(study, root)
    yml_path = folder / "study.yml"
    content = read_yaml(yml_path, what="study.yml")
    if not isinstance(content, dict):
        raise DataError("study.yml must be a mapping of fields", file=yml_path)
    definition = validated(
        StudyDefinition,
        content,
        file=yml_path,
        what="study definition",
        hint="See data/raw/sample/study.yml for a complete, valid example.",
    )
    loaded = Study(definition, folder, root)
    problems = containment_problems(loaded)
    if problems:
        raise problems[0]
    if check_sections:
        for section in SECTION_VALIDATORS:
            problems = pillar_section_problems(loaded, section)
            if problems:
                raise problems[0]
    return loaded


def pillar_hook(module_name: str, hook: str) -> Callable[..., list[DataError]]:
    """The pillar hook *hook* of the module *module_name*; a module that fails to import is an error.

    A pillar that cannot be imported (a missing dependency, a syntax error) must not leave its
    study.yml section or its runs silently unchecked.

    Raises
    ------
    DataError
        Naming the pillar and the import error.

    Examples
    --------
    >>> pillar_hook("research.survey.schema", "validate_section").__name__
    'validate_section'
    >>> pillar_hook("research.nopillar.schema", "validate_section")
    Traceback (most recent call last):
    ...
    research.errors.DataError: The nopillar pillar failed to import [value 'research.nopillar.schema']. ...
    """
    pillar = module_name.split(".")[1] if module_name.count(".") else module_name
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DataError(
            f"The {pillar} pillar failed to import",
            value=module_name,
            hint=f"{type(exc).__name__}: {exc}. Its study.yml section and runs cannot be checked; "
            "reinstall the package (pip install -e .) or fix the module.",
        ) from exc
    return cast(Callable[..., list[DataError]], getattr(module, hook))


def pillar_section_problems(study: Study, section: str) -> list[DataError]:
    """The problems of one pillar section of study.yml (and of the data it names).

    The section's pillar checks it (its schema module's ``validate_section(study)``, registered
    in :data:`SECTION_VALIDATORS`); an absent section has no problems.

    Parameters
    ----------
    study : Study
        The loaded study.
    section : str
        A key of :data:`SECTION_VALIDATORS` (``"coding"``, ``"survey"``, ...).

    Returns
    -------
    list of DataError
        Empty when the section is valid or absent.

    Raises
    ------
    DataError
        When the pillar's module fails to import.

    Examples
    --------
    >>> pillar_section_problems(load_study("sample"), "evaluation")
    []
    """
    if getattr(study.definition, section) is None:
        return []
    return list(pillar_hook(SECTION_VALIDATORS[section], "validate_section")(study))
