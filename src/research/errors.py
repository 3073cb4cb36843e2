"""The one exception type the workbench raises for bad input.

Every problem with a researcher's data or study definition becomes a :class:`DataError` that
names the file, the place in it (row, column or field), the offending value, and what to do.
Code deeper down (pandas, pydantic, zipfile) raises its own errors; the readers catch those at
the boundary and re-raise them as ``DataError`` so a notebook never shows a bare traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


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
            where.append(f"file {self.file}")
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
        return text


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
    error = exc.errors()[0]
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
    more = exc.error_count() - 1
    if more:
        message += f" ({more} more problem(s) after this one)"
    return DataError(
        f"Invalid {what}: {field}: {message}" if field else f"Invalid {what}: {message}",
        file=file,
        column=field or None,
        value=value if not isinstance(value, dict | list) else None,
        hint=hint,
    )
