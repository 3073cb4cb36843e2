"""The one exception type the workbench raises for bad input.

Every problem with a researcher's data or study definition becomes a :class:`DataError` that
names the file, the place in it (row, column or field), the offending value, and what to do.
Code deeper down (pandas, pydantic, zipfile) raises its own errors; the readers catch those at
the boundary and re-raise them as ``DataError`` so a notebook never shows a bare traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from research.wording import resolve_language

if TYPE_CHECKING:
    from pydantic import BaseModel

Model = TypeVar("Model", bound="BaseModel")


class DataError(ValueError):
    """Bad input: a file, a field, a row or a value the workbench cannot use.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file : str or Path, optional
        The file the problem is in.
    row : int, optional
        1-based row number as a researcher sees it in a spreadsheet (header = row 1).
    column : str, optional
        Column name, or for configuration files the field path (``touchpoints[2].stage``).
    value : Any, optional
        The offending value.
    hint : str, optional
        What to do about it.

    Examples
    --------
    >>> err = DataError("Likert code out of range", file="wave1.csv", row=12, column="q3",
    ...                 value=9, hint="Allowed codes are 1-5.")
    >>> print(err)
    Likert code out of range [file wave1.csv, row 12, column 'q3', value 9]. Allowed codes are 1-5.

    Personal data in the message is masked as in quotes (:func:`research.privacy.redact`):

    >>> print(DataError("Not a code", row=3, column="q1", value="13812345678"))
    Not a code [row 3, column 'q1', value '[phone]']
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.value = value
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {display_path(self.file)}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            shown = repr(self.value)
            where.append(f"value {shown[:80]}")
        text = self.message
        if where:
            text += " [" + ", ".join(where) + "]"
        if self.hint:
            text += ". " + self.hint
        # A message travels to reports, the index, the manifest and the terminal: personal data
        # in an offending cell (a phone number typed into a rating column) is masked like quotes.
        from research.privacy import redact

        return redact(text)


def display_path(path: str | Path) -> str:
    """*path* as a reader of a shared report should see it: relative to the project folder.

    Absolute paths of the machine (``/home/alice/...``) never reach a report: a path inside the
    project is shown relative to it, any other absolute path by its file name only.

    Examples
    --------
    >>> from research.paths import project_root
    >>> display_path(project_root() / "data" / "raw" / "sample" / "study.yml")
    'data/raw/sample/study.yml'
    >>> display_path("/somewhere/else/wave1.csv")
    'wave1.csv'
    >>> display_path("wave1.csv")
    'wave1.csv'
    """
    candidate = Path(path)
    if not candidate.is_absolute():
        return str(path)
    from research.paths import project_root  # paths imports this module

    try:
        return candidate.resolve().relative_to(project_root().resolve()).as_posix()
    except (ValueError, DataError, OSError):
        return candidate.name


class NotApplicable(Exception):
    """A report section cannot be computed on the data at hand (not an error of the data).

    Raised by a statistics or study-aware function when what a section needs is absent or too
    thin (no segment column, one coder, no NPS item). Notebooks call such functions through
    :func:`research.reports.optional_section`, which shows the sentence and goes on.

    Parameters
    ----------
    missing : str
        What is missing, as one plain sentence ("The study declares no segment column.").
    remedy : str, optional
        How to get the section ("Name one under survey.segments in study.yml.").
    missing_zh, remedy_zh : str, optional
        The same sentences in Chinese, shown in Chinese reports (:meth:`text`).

    Examples
    --------
    >>> reason = NotApplicable("Only one coder coded the transcripts.",
    ...                        "Add a second coder's codings file to see agreement.",
    ...                        missing_zh="只有一位编码员编码了访谈稿。",
    ...                        remedy_zh="加入第二位编码员的编码文件即可查看一致性。")
    >>> print(reason)
    Only one coder coded the transcripts. Add a second coder's codings file to see agreement.
    >>> reason.text("zh")
    '只有一位编码员编码了访谈稿。加入第二位编码员的编码文件即可查看一致性。'
    """

    def __init__(self, missing: str, remedy: str = "", *, missing_zh: str = "", remedy_zh: str = "") -> None:
        self.missing = missing
        self.remedy = remedy
        self.missing_zh = missing_zh
        self.remedy_zh = remedy_zh
        super().__init__(f"{missing} {remedy}".strip())

    def text(self, language: str | None = None) -> str:
        """The sentence(s) in *language* (``"zh"`` or ``"en"``); English when no Chinese is given.

        Parameters
        ----------
        language : {"zh", "en"}, optional
            Default: the report's language (:func:`research.wording.use_language`).

        Returns
        -------
        str
            The missing part and its remedy, in one line.
        """
        if resolve_language(language) == "zh" and self.missing_zh:
            return f"{self.missing_zh}{self.remedy_zh}"
        return str(self)


class Bilingual(str):
    """A sentence for a report, in English, that also carries its Chinese version.

    It is an ordinary string (English) wherever it goes; :func:`research.reports.show_note` shows
    :attr:`zh` in a Chinese report.

    Examples
    --------
    >>> note = Bilingual("Two units are left out.", zh="有两个单元被排除。")
    >>> note, note.zh, note.text("zh")
    ('Two units are left out.', '有两个单元被排除。', '有两个单元被排除。')
    """

    zh: str

    def __new__(cls, en: str, *, zh: str = "") -> Bilingual:
        """The English sentence *en*, carrying its Chinese version *zh*."""
        sentence = super().__new__(cls, en)
        sentence.zh = zh
        return sentence

    def text(self, language: str | None = None) -> str:
        """The sentence in *language*, ``None`` for the report's (English when no Chinese is given)."""
        return self.zh if resolve_language(language) == "zh" and self.zh else str(self)


class FieldProblem(ValueError):
    """Raised inside a pydantic validator for a cross-field problem that knows its field path.

    :func:`from_validation_error` reports it under that path instead of the model's root.
    """

    def __init__(self, field: str, value: Any, message: str) -> None:
        self.field, self.value = field, value
        super().__init__(message)


def from_validation_error(
    exc: Any, *, file: str | Path | None, what: str, prefix: str = "", hint: str | None = None
) -> DataError:
    """Turn a pydantic ``ValidationError`` into one :class:`DataError` for its first problem.

    Parameters
    ----------
    exc : pydantic.ValidationError
    file : str or Path
        The file the validated content came from.
    what : str
        What was validated, for the message (``"study definition"``, ``"codebook"``).
    prefix : str
        Field path prefix (``"survey"`` for a section of study.yml).
    hint : str, optional
        Where a valid example is.

    Examples
    --------
    >>> from typing import Literal
    >>> from pydantic import BaseModel, ValidationError
    >>> class Touchpoint(BaseModel):
    ...     channel: Literal["online", "offline"]
    >>> try:
    ...     Touchpoint.model_validate({"channel": "mobile"})
    ... except ValidationError as exc:
    ...     error = from_validation_error(exc, file="study.yml", what="study definition", prefix="tp")
    >>> error.column, error.value
    ('tp.channel', 'mobile')
    >>> error.message
    "Invalid study definition: tp.channel: not allowed; allowed values: 'online' or 'offline'"
    """
    problems = validation_problems(exc, file=file, what=what, prefix=prefix, hint=hint)
    first = problems[0]
    if len(problems) > 1:
        first = DataError(
            f"{first.message} ({len(problems) - 1} more problem(s) after this one)",
            file=first.file,
            column=first.column,
            value=first.value,
            hint=first.hint,
        )
    return first


def validated(
    model: type[Model],
    content: Any,
    *,
    file: str | Path | None,
    what: str,
    prefix: str = "",
    hint: str | None = None,
) -> Model:
    """*content* validated by the pydantic *model*, or the :class:`DataError` of its first problem.

    The one place configuration read from a file becomes a model (study.yml, its pillar
    sections, a codebook): the error names the file and the field path (see
    :func:`from_validation_error`).

    Examples
    --------
    >>> from research.config import StrictModel
    >>> class Scale(StrictModel):
    ...     min: int
    >>> validated(Scale, {"min": 1}, file="study.yml", what="scale").min
    1
    >>> validated(Scale, {"min": 1, "max": 5}, file="study.yml", what="scale", prefix="scales.s")
    Traceback (most recent call last):
    ...
    research.errors.DataError: Invalid scale: scales.s.max: unknown field ... [file study.yml, column 'scales.s.max', value 5]
    """
    from pydantic import ValidationError

    try:
        return model.model_validate(content)
    except ValidationError as exc:
        raise from_validation_error(exc, file=file, what=what, prefix=prefix, hint=hint) from None


def problems_of(check: Callable[[], object]) -> list[DataError]:
    """The :class:`DataError` *check* raises, as a list (empty when it raises none).

    The body of a pillar's ``validate_section(study)`` hook: its section parser raises the first
    problem; the hook lists it.

    Parameters
    ----------
    check : callable
        Called without arguments; raises :class:`DataError` for a problem.

    Returns
    -------
    list of DataError
        The error *check* raised, or none.

    Examples
    --------
    >>> problems_of(lambda: None)
    []
    >>> def parse():
    ...     raise DataError("Invalid survey section", column="survey.items")
    >>> [p.column for p in problems_of(parse)]
    ['survey.items']
    """
    try:
        check()
    except DataError as error:
        return [error]
    return []


def validation_problems(
    exc: Any, *, file: str | Path | None, what: str, prefix: str = "", hint: str | None = None
) -> list[DataError]:
    """Every problem of a pydantic ``ValidationError``, each as one :class:`DataError`.

    ``research validate`` lists them all at once; :func:`from_validation_error` raises the first.

    Examples
    --------
    >>> from pydantic import BaseModel, ValidationError
    >>> class Item(BaseModel):
    ...     min: int
    ...     max: int
    >>> try:
    ...     Item.model_validate({"min": "low", "max": "high"})
    ... except ValidationError as exc:
    ...     problems = validation_problems(exc, file="study.yml", what="scale", prefix="scales.s")
    >>> [p.column for p in problems]
    ['scales.s.min', 'scales.s.max']
    """
    return [_one_problem(error, file=file, what=what, prefix=prefix, hint=hint) for error in exc.errors()]


def _one_problem(
    error: dict[str, Any], *, file: str | Path | None, what: str, prefix: str, hint: str | None
) -> DataError:
    ctx = error.get("ctx") or {}
    field = prefix
    for part in error["loc"]:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    value = error.get("input")
    message = error["msg"]
    if error["type"] == "literal_error" and "expected" in ctx:
        message = f"not allowed; allowed values: {ctx['expected']}"
    elif error["type"] == "extra_forbidden":
        message = "unknown field (check its spelling and indentation)"
    elif error["type"] == "missing":
        message = "required field is missing"
    if isinstance(ctx.get("error"), FieldProblem):
        problem = ctx["error"]
        field = f"{prefix}.{problem.field}" if prefix else problem.field
        value, message = problem.value, str(problem)
    return DataError(
        f"Invalid {what}: {field}: {message}" if field else f"Invalid {what}: {message}",
        file=file,
        column=field or None,
        value=value if not isinstance(value, dict | list) else None,
        hint=hint,
    )
