"""The ``feedback:`` section of study.yml: feedback streams and open-ended survey answers.

Feedback is what customers write in their own words outside interviews: app-store reviews,
WeChat or social comments, complaint tickets, e-mails, and the open-ended answers of a survey
("why this score?"). Each **source** is a declared file (role ``feedback``: CSV, CSV.GZ, XLSX
or JSON lines, GBK and BOM handled) with one text per row; the other columns are optional.
Each **open item** links open-ended answers to the survey respondents' scores, so that a report
can compare what detractors and promoters say.

The smallest section names one file and its text column (no survey, no catalog needed)::

    files:
      reviews: {path: reviews.csv, role: feedback}
      codebook: {path: codebook.yml, role: codebook}
    feedback:
      sources:
        - file: reviews
          text_column: review

A fuller one::

    feedback:
      codebook: codebook               # a files: id with role codebook (default: the only one)
      sources:
        - file: reviews                # a files: id with role feedback
          text_column: text
          id_column: review_id         # default: the row number
          time_column: posted_at       # dates or date-times; blank cells are undated items
          source: app_store            # a constant channel name (default: the file id) ...
          # source_column: channel     # ... or a column naming each row's channel
          touchpoint_column: touchpoint
          rating_column: stars
          rating_min: 1                # the rating scale (checked when given)
          rating_max: 5
          respondent_column: customer_id
          language: zh                 # default: detected per text (Chinese characters or not)
          # The researcher's own labels of a subset (blank cells: not labelled), for the
          # supervised mode (trained and cross-validated on them):
          code_label_column: my_codes  # code ids separated by ";" ("uncoded": labelled, no code)
          type_label_column: my_type   # complaint, suggestion, question, praise or other
      open_items:
        - file: why_score              # answers in their own file, keyed by respondent id ...
          text_column: why
          respondent_column: respondent_id
          wave_column: wave            # or wave: <one wave>; needed when the survey has several
        - wave: before                 # ... or a text column of the survey wave's own files
          text_column: q_open
      # score_item: recommend          # survey item joined as score (default: survey.outcomes.nps)

Validation on load checks the fields; :func:`research.feedback.preconditions.check_run` reads
the files and checks the columns and values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, ValidationError, model_validator

from research.config import StrictModel
from research.errors import DataError, FieldProblem, from_validation_error, problems_of

if TYPE_CHECKING:
    from research.study import Study

SECTION = "feedback"
HINT = (
    "See the docstring of research.feedback.schema for the smallest feedback: section "
    "(sources: - file: <files id>, text_column: <column>)."
)


class Source(StrictModel):
    """One feedback file: which column holds the text and, optionally, the rest."""

    file: str
    text_column: str
    id_column: str | None = None
    time_column: str | None = None
    source: str | None = None
    source_column: str | None = None
    touchpoint: str | None = None
    touchpoint_column: str | None = None
    rating_column: str | None = None
    rating_min: float | None = None
    rating_max: float | None = None
    respondent_column: str | None = None
    language: Literal["zh", "en"] | None = None
    code_label_column: str | None = None
    type_label_column: str | None = None

    def check(self) -> None:
        """Raise :class:`FieldProblem` for a wrong combination of fields (path relative to the source)."""
        if self.source and self.source_column:
            raise FieldProblem("source", self.source, "give source (a constant) or source_column, not both")
        if self.touchpoint and self.touchpoint_column:
            raise FieldProblem(
                "touchpoint", self.touchpoint, "give touchpoint (a constant) or touchpoint_column, not both"
            )
        if (self.rating_min is None) != (self.rating_max is None):
            raise FieldProblem(
                "rating_min", self.rating_min, "give both rating_min and rating_max, or neither"
            )
        if self.rating_min is not None and not self.rating_column:
            raise FieldProblem("rating_min", self.rating_min, "a rating scale needs a rating_column")
        if self.rating_scale is not None and self.rating_scale[0] >= self.rating_scale[1]:
            raise FieldProblem("rating_max", self.rating_max, "rating_max must be above rating_min")
        named = [c for c in self.columns if c]
        clash = sorted({c for c in named if named.count(c) > 1})
        if clash:
            raise FieldProblem("text_column", clash[0], "one column cannot play two parts")

    @property
    def columns(self) -> list[str]:
        """The columns this source reads (text first)."""
        return [
            c
            for c in (
                self.text_column,
                self.id_column,
                self.time_column,
                self.source_column,
                self.touchpoint_column,
                self.rating_column,
                self.respondent_column,
                self.code_label_column,
                self.type_label_column,
            )
            if c
        ]

    @property
    def rating_scale(self) -> tuple[float, float] | None:
        """``(rating_min, rating_max)`` when both are given."""
        if self.rating_min is None or self.rating_max is None:
            return None
        return (self.rating_min, self.rating_max)

    @property
    def name(self) -> str:
        """The constant source (channel) name: ``source``, else the file id."""
        return self.source or self.file


class OpenItem(StrictModel):
    """Open-ended survey answers linked to the respondents' scores.

    Either ``file`` (a feedback file with a respondent id column) or only ``wave`` (the text
    column is a column of that wave's survey files).
    """

    text_column: str
    file: str | None = None
    wave: str | None = None
    wave_column: str | None = None
    respondent_column: str | None = None
    id_column: str | None = None
    source: str | None = None
    language: Literal["zh", "en"] | None = None

    def check(self) -> None:
        """Raise :class:`FieldProblem` for a wrong combination of fields (path relative to the item)."""
        if not self.file and not self.wave:
            raise FieldProblem(
                "file", None, "name the answers' file, or the survey wave whose files hold them"
            )
        if self.wave and self.wave_column:
            raise FieldProblem("wave", self.wave, "give wave (one wave) or wave_column, not both")
        if not self.file and (self.wave_column or self.respondent_column or self.id_column):
            raise FieldProblem(
                "wave_column"
                if self.wave_column
                else "respondent_column"
                if self.respondent_column
                else "id_column",
                None,
                "without file:, the answers are read from the survey files: their ids are the survey's",
            )

    @property
    def name(self) -> str:
        """The source name of these answers (default: ``survey``)."""
        return self.source or "survey"


class FeedbackSection(StrictModel):
    """The validated ``feedback:`` section."""

    codebook: str | None = None
    sources: list[Source] = Field(default_factory=list)
    open_items: list[OpenItem] = Field(default_factory=list)
    score_item: str | None = None

    @model_validator(mode="after")
    def _something(self) -> FeedbackSection:
        if not self.sources and not self.open_items:
            raise FieldProblem("sources", None, "declare at least one source or open item")
        groups: tuple[tuple[str, Sequence[Source | OpenItem]], ...] = (
            ("sources", self.sources),
            ("open_items", self.open_items),
        )
        for name, entries in groups:
            for index, entry in enumerate(entries):
                try:
                    entry.check()
                except FieldProblem as problem:
                    raise FieldProblem(
                        f"{name}[{index}].{problem.field}", problem.value, str(problem)
                    ) from None
        return self


def no_section_error(study: Study, section: str, hint: str) -> DataError:
    """The error of a run that needs study.yml's *section* when the study has none.

    Parameters
    ----------
    study : Study
        The study.
    section : str
        The pillar section (``feedback``, ``journeys`` ...).
    hint : str
        What to add.

    Returns
    -------
    DataError
        Naming study.yml and the section.

    Examples
    --------
    >>> from research import load_study
    >>> no_section_error(load_study("sample"), "nope", "Add one.").message
    'The study has no nope: section'
    """
    return DataError(f"The study has no {section}: section", file=study.yml_path, column=section, hint=hint)


def parse_feedback_section(study: Study, section: dict[str, Any]) -> FeedbackSection:
    """Field-level validation of a ``feedback:`` section, and its references to the study.

    Parameters
    ----------
    study : Study
        The study whose files and touchpoints the section refers to.
    section : dict
        The ``feedback:`` section as read from study.yml.

    Returns
    -------
    FeedbackSection
        The validated section.

    Raises
    ------
    DataError
        Naming study.yml, the field path (``feedback.sources[0].rating_max``), the value and
        what to do.

    Examples
    --------
    >>> from research import load_study
    >>> parse_feedback_section(load_study("sample"), {"sources": [{"file": "nope", "text_column": "t"}]})
    Traceback (most recent call last):
    ...
    research.errors.DataError: Invalid feedback section: not a declared data file [file
    data/raw/sample/study.yml, column 'feedback.sources[0].file', value 'nope']. ...
    """
    try:
        parsed = FeedbackSection.model_validate(section or {})
    except ValidationError as exc:
        raise from_validation_error(
            exc, file=study.yml_path, what="feedback section", prefix=SECTION, hint=HINT
        ) from None
    for problem in reference_problems(study, parsed):
        raise problem
    return parsed


def _problem(study: Study, field: str, value: Any, message: str, hint: str) -> DataError:
    return DataError(
        f"Invalid feedback section: {message}",
        file=study.yml_path,
        column=f"{SECTION}.{field}",
        value=value,
        hint=hint,
    )


def reference_problems(study: Study, parsed: FeedbackSection) -> list[DataError]:
    """Problems of the section's references: file ids and roles, touchpoints, waves, the codebook."""
    problems = []
    files = study.definition.files
    feedback_files = sorted(study.files_with_role("feedback"))

    def check_file(field: str, file_id: str) -> None:
        if file_id not in files:
            problems.append(
                _problem(
                    study,
                    field,
                    file_id,
                    "not a declared data file",
                    f"Declare it under files: with role feedback; declared: {sorted(files)}",
                )
            )
        elif files[file_id].role != "feedback":
            problems.append(
                _problem(
                    study,
                    field,
                    file_id,
                    "the file's role is not 'feedback'",
                    f"Set role: feedback on files.{file_id}; files with role feedback: {feedback_files}",
                )
            )

    for index, source in enumerate(parsed.sources):
        check_file(f"sources[{index}].file", source.file)
        if source.touchpoint and not study.known_touchpoint(source.touchpoint):
            problems.append(
                _problem(
                    study,
                    f"sources[{index}].touchpoint",
                    source.touchpoint,
                    "unknown touchpoint",
                    f"Use an id of the touchpoints: catalog: {[t.id for t in study.touchpoints]}",
                )
            )
    survey = study.section("survey")
    waves = list((survey or {}).get("waves") or {})
    for index, item in enumerate(parsed.open_items):
        if item.file:
            check_file(f"open_items[{index}].file", item.file)
        if not survey:
            problems.append(
                _problem(
                    study,
                    f"open_items[{index}]",
                    None,
                    "open items need a survey: section",
                    "Declare the survey whose respondents wrote the answers, or list the file under "
                    "feedback.sources instead.",
                )
            )
            continue
        if item.wave and item.wave not in waves:
            problems.append(
                _problem(
                    study,
                    f"open_items[{index}].wave",
                    item.wave,
                    "not a survey wave",
                    f"Declared waves: {waves}",
                )
            )
        if item.file and not item.wave and not item.wave_column and len(waves) > 1:
            problems.append(
                _problem(
                    study,
                    f"open_items[{index}].wave",
                    None,
                    "the survey has several waves",
                    f"Name the wave (wave: one of {waves}) or a column that holds it (wave_column:).",
                )
            )
    if parsed.score_item and survey and parsed.score_item not in (survey.get("items") or {}):
        problems.append(
            _problem(
                study,
                "score_item",
                parsed.score_item,
                "not a survey item",
                "Name an item declared under survey.items (the 0-10 likelihood to recommend).",
            )
        )
    if parsed.codebook is not None:
        if parsed.codebook not in files or files[parsed.codebook].role != "codebook":
            problems.append(
                _problem(
                    study,
                    "codebook",
                    parsed.codebook,
                    "not a declared file with role codebook",
                    f"Files with role codebook: {sorted(study.files_with_role('codebook'))}",
                )
            )
    elif not study.files_with_role("codebook"):
        problems.append(
            _problem(
                study,
                "codebook",
                None,
                "no codebook",
                "Declare a YAML codebook under files: (role codebook) to classify feedback with it.",
            )
        )
    elif len(study.files_with_role("codebook")) > 1:
        problems.append(
            _problem(
                study,
                "codebook",
                None,
                "several files have role codebook",
                "Name the one for feedback: feedback.codebook: one of "
                f"{sorted(study.files_with_role('codebook'))}",
            )
        )
    return problems


def codebook_file(study: Study, parsed: FeedbackSection) -> str:
    """The file id of the codebook feedback is classified with."""
    if parsed.codebook:
        return parsed.codebook
    return next(iter(sorted(study.files_with_role("codebook"))))


def load_feedback_section(study: Study) -> FeedbackSection:
    """The study's validated ``feedback:`` section.

    Parameters
    ----------
    study : Study
        The study.

    Returns
    -------
    FeedbackSection
        The validated section.

    Raises
    ------
    DataError
        The study has no ``feedback:`` section, or it is invalid.
    """
    section = study.section(SECTION)
    if not section:
        raise no_section_error(study, SECTION, "Add one (see research.feedback.schema) to analyse feedback.")
    return parse_feedback_section(study, section)


def validate_section(study: Study) -> list[DataError]:
    """The problems of study.yml's ``feedback:`` section (the pillar hook of :mod:`research.study`).

    Examples
    --------
    >>> from research import load_study
    >>> validate_section(load_study("sample"))
    []
    """
    return problems_of(lambda: parse_feedback_section(study, study.section(SECTION)))
